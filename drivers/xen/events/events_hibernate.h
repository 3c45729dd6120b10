/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Hibernation of an x86 HVM/PVH guest (events_hibernate.c,
 * events_hibernate_xenbus.c): what the two files share, and what the KUnit
 * suites drive. Documentation/virt/xen/hibernation.rst explains the design.
 */
#ifndef _XEN_EVENTS_HIBERNATE_H
#define _XEN_EVENTS_HIBERNATE_H

#include <linux/notifier.h>
#include <linux/pm.h>
#include <linux/syscore_ops.h>
#include <linux/types.h>
#include <asm/xen/events.h>

/**
 * enum xen_hib_phase - what the PM notifiers said this kernel is doing
 * @XEN_HIB_IDLE: no hibernation transition (also: Xen save/restore, S3)
 * @XEN_HIB_SNAPSHOT: from PM_HIBERNATION_PREPARE to PM_POST_HIBERNATION:
 *	this kernel writes an image (and, restored, wakes up in this phase)
 * @XEN_HIB_RESTORE: from PM_RESTORE_PREPARE to PM_POST_RESTORE: this
 *	kernel is the boot kernel that loads an image and jumps into it
 */
enum xen_hib_phase {
	XEN_HIB_IDLE,
	XEN_HIB_SNAPSHOT,
	XEN_HIB_RESTORE,
};

/**
 * struct xen_hib_state - this kernel's side of a hibernation
 * @phase: see enum xen_hib_phase
 * @cookie: random mark of this kernel's last snapshot; the same value in
 *	the handover record after the snapshot means no restore happened
 * @handed_over: boot kernel: its event channels, areas and pages were
 *	given back to Xen for the image (it must take them back if the jump
 *	does not happen)
 * @restored: image kernel: its last syscore resume found a new domain
 * @xs_suspended: xs_suspend() is in effect (from the late freeze)
 *
 * Ordinary data, so it is part of the image: after the jump the image sees
 * its own values from the moment of its snapshot, whatever the boot
 * kernel did with its copy.
 */
struct xen_hib_state {
	enum xen_hib_phase phase;
	u64 cookie;
	bool handed_over;
	bool restored;
	bool xs_suspended;
};

#define XEN_HIB_MAGIC		0x78656e6869623031ULL	/* "xenhib01" */
#define XEN_HIB_HANDED_OVER	BIT(0)	/* written by a boot kernel */
#define XEN_HIB_BOOT_FIFO	BIT(1)	/* ... that ran the FIFO ABI */
#define XEN_HIB_MAX_AREAS	128

/**
 * struct xen_hib_record - what survives the jump from boot kernel to image
 * @magic: XEN_HIB_MAGIC while the record is valid
 * @cookie: the image's snapshot cookie (written by the image before its
 *	snapshot), or 0 (written by a boot kernel at its handover)
 * @flags: XEN_HIB_*
 * @nr_areas: vcpu_info areas the boot kernel registered (Xen writes them
 *	for the rest of the domain's life)
 * @areas: the first XEN_HIB_MAX_AREAS of them
 *
 * Lives in .data..nosave, which the image does not contain: after the jump
 * it holds what the boot kernel wrote, provided boot kernel and image are
 * the same build (the same address). Any other content reads as "the boot
 * kernel left no record".
 */
struct xen_hib_record {
	u64 magic;
	u64 cookie;
	u32 flags;
	u32 nr_areas;
	struct xen_hvm_vcpu_area_rec areas[XEN_HIB_MAX_AREAS];
};

extern struct xen_hib_state xen_hib;
extern struct xen_hib_record xen_hib_record;

/* The entry points the PM core calls; tests call them the same way. */
extern struct notifier_block xen_hib_pm_notifier;
extern const struct syscore_ops xen_hib_syscore_ops;
extern const struct dev_pm_ops xen_hib_dev_pm_ops;

/* events_hibernate_xenbus.c: xenstore, console and PV frontends. */
int xen_hib_xenbus_init(void);
bool xen_hib_xenstore_up(void);
void xen_hib_xenstore_resume(void);
void xen_hib_detach_frontends(void);
void xen_hib_reattach_frontends(void);
void xen_hib_reset_backends(void);
void xen_hib_reconnect_frontends(void);

#endif /* _XEN_EVENTS_HIBERNATE_H */
