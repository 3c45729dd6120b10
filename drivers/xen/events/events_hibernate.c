// SPDX-License-Identifier: GPL-2.0-only
/*
 * Hibernation of an x86 HVM/PVH guest: handing the domain from the boot
 * kernel to the image.
 *
 * On Xen a hibernation restore happens in a new domain: the boot kernel
 * starts in it, registers what any kernel registers (event ABI, ports,
 * shared-info and grant frames, runstate and time areas, xenstore watches,
 * PV device connections), loads the image and jumps. Nothing of that is
 * the image's: its ports, frames and connections belong to the domain that
 * wrote the image, which is gone. So:
 *
 * - The boot kernel, at its very last step (syscore suspend of the
 *   restore: interrupts off, CPU 0 alone), gives back to Xen what Xen
 *   would otherwise keep writing into memory that is about to become the
 *   image's: EVTCHNOP_reset closes every port and returns a FIFO domain to
 *   2-level (dropping its control blocks and event array), the xenstore
 *   and console ports are bound again for the toolstack, runstate and time
 *   areas are released, shared-info and grant frames leave the physical
 *   map. vcpu_info areas cannot be given back; the record below lists
 *   them. Its otherend xenstore watches were dropped earlier, while
 *   xenstore still worked (events_hibernate_xenbus.c).
 * - The image, at its very first step (syscore resume, before timekeeping
 *   and before any other CPU or device comes back), recognises the new
 *   domain and resumes into it as after a save/restore, on its own event
 *   ABI: the one it used before, whatever the boot kernel chose. Xenstore,
 *   console and the PV backends follow in the early restore phase, before
 *   the frontends' own restore callbacks reconnect them.
 * - A boot kernel that did not hand over (another kernel, or an older one)
 *   is survived as far as Xen allows: the image resets the event channels
 *   itself and takes over every area it can.
 *
 * The syscore and PM notifier entry points do nothing outside a
 * hibernation, so Xen's own save/restore (drivers/xen/manage.c) and
 * suspend to RAM are left alone.
 */
#define pr_fmt(fmt) "xen:" KBUILD_MODNAME ": " fmt

#include <linux/init.h>
#include <linux/platform_device.h>
#include <linux/random.h>
#include <linux/suspend.h>

#include <xen/events.h>
#include <xen/features.h>
#include <xen/grant_table.h>
#include <xen/hvc-console.h>
#include <xen/xen.h>
#include <xen/xenbus.h>
#include <xen/xen-ops.h>
#include <xen/interface/event_channel.h>
#include <xen/interface/hvm/hvm_op.h>
#include <xen/interface/hvm/params.h>

#include <asm/xen/hypercall.h>

#include "events_internal.h"
#include "events_hibernate.h"

struct xen_hib_state xen_hib;
struct xen_hib_record xen_hib_record __nosavedata;

/* --- HVM parameters ----------------------------------------------------- */

static int xen_hib_get_param(unsigned int index, u64 *value)
{
	struct xen_hvm_param p = { .domid = DOMID_SELF, .index = index };
	int rc = HYPERVISOR_hvm_op(HVMOP_get_param, &p);

	*value = rc ? 0 : p.value;
	return rc;
}

static int xen_hib_set_param(unsigned int index, u64 value)
{
	struct xen_hvm_param p = {
		.domid = DOMID_SELF,
		.index = index,
		.value = value,
	};

	return HYPERVISOR_hvm_op(HVMOP_set_param, &p);
}

/* --- the toolstack's channels across EVTCHNOP_reset ---------------------- */

/**
 * struct xen_hib_link - a channel the toolstack set up for the domain
 * @param: the HVM parameter announcing our end (xenstore, console)
 * @dom: the far end's domain
 * @port: the far end's port; 0 when our end was unbound, offered to @dom
 * @known: @dom and @port were read before the reset
 */
struct xen_hib_link {
	unsigned int param;
	domid_t dom;
	evtchn_port_t port;
	bool known;
};

/* Only Xen can say where our end leads; ask before the reset forgets it. */
static void xen_hib_note_link(struct xen_hib_link *l, unsigned int param)
{
	struct evtchn_status st = { .dom = DOMID_SELF };
	u64 port;

	*l = (struct xen_hib_link) { .param = param };
	if (xen_hib_get_param(param, &port) || !port)
		return;
	st.port = port;
	if (HYPERVISOR_event_channel_op(EVTCHNOP_status, &st))
		return;
	if (st.status == EVTCHNSTAT_interdomain) {
		l->dom = st.u.interdomain.dom;
		l->port = st.u.interdomain.port;
		l->known = true;
	} else if (st.status == EVTCHNSTAT_unbound) {
		l->dom = st.u.unbound.dom;
		l->known = true;
	}
}

/*
 * The reset left the far end unbound and waiting for us: bind to it again
 * (or offer a new unbound port) and announce the new port. The far end
 * is not told that anything happened, so it is notified once to look at
 * its ring; our end comes back pending on its own.
 */
static void xen_hib_relink(const struct xen_hib_link *l)
{
	evtchn_port_t port;
	int rc;

	if (!l->known)
		return;
	if (l->port) {
		struct evtchn_bind_interdomain op = {
			.remote_dom = l->dom,
			.remote_port = l->port,
		};

		rc = HYPERVISOR_event_channel_op(EVTCHNOP_bind_interdomain, &op);
		port = op.local_port;
	} else {
		struct evtchn_alloc_unbound op = {
			.dom = DOMID_SELF,
			.remote_dom = l->dom,
		};

		rc = HYPERVISOR_event_channel_op(EVTCHNOP_alloc_unbound, &op);
		port = op.port;
	}
	if (!rc)
		rc = xen_hib_set_param(l->param, port);
	if (rc) {
		pr_err("hibernation: toolstack channel (HVM param %u) not restored: %d\n",
		       l->param, rc);
		return;
	}
	if (l->port)
		notify_remote_via_evtchn(port);
}

/*
 * EVTCHNOP_reset of our own domain, keeping the toolstack's xenstore and
 * console channels: xenstored and xenconsoled only know their own ends.
 * Binding xenstore first and console second gives them the lowest ports
 * again, as libxl allocated them.
 *
 * Return: 0; -EAGAIN when Xen closed the ports but kept the ABI (a port
 * was bound meanwhile); any other error means nothing was changed.
 */
static int xen_hib_reset_domain(void)
{
	struct evtchn_reset reset = { .dom = DOMID_SELF };
	struct xen_hib_link store, console;
	int rc;

	xen_hib_note_link(&store, HVM_PARAM_STORE_EVTCHN);
	xen_hib_note_link(&console, HVM_PARAM_CONSOLE_EVTCHN);
	rc = HYPERVISOR_event_channel_op(EVTCHNOP_reset, &reset);
	if (rc && rc != -EAGAIN)
		return rc;
	xen_hib_relink(&store);
	xen_hib_relink(&console);
	return rc;
}

/* --- resuming into the new domain ---------------------------------------- */

/*
 * What drivers/xen/manage.c does after a save/restore, in its order, for
 * a domain whose hibernation boot kernel left @recs (NULL: no record).
 * Context: CPU 0, the others offline, interrupts off.
 */
static int xen_hib_resume_domain(const struct xen_hvm_vcpu_area_rec *recs,
				 unsigned int n, bool image)
{
	int rc;

	rc = xen_hvm_take_over_domain(recs, n);
	if (rc)
		return rc;
	/* Steal time: only the image saved a snapshot to continue from. */
	if (image)
		xen_manage_runstate_time(0);
	if (xen_auto_xlat_grant_frames.count)
		gnttab_resume();
	xen_irq_resume();
	xen_timer_resume();
	return 0;
}

/* --- the boot kernel ------------------------------------------------------ */

/*
 * The jump did not happen: the image could not be copied in (syscore
 * resume of the restore), or the handover itself failed halfway. The boot
 * kernel resumes into what is now, for it, a new domain.
 */
static void xen_hib_take_back(void)
{
	xen_hib_record.magic = 0;
	pr_warn("hibernation: no jump after the handover; resuming the boot kernel\n");
	if (xen_hib_resume_domain(NULL, 0, false))
		pr_err("hibernation: the boot kernel could not resume its events\n");
}

/*
 * The boot kernel's last step before the jump. Returns an error (and then
 * has changed nothing, or has taken everything back) to make the PM core
 * abandon the restore: the boot kernel then goes on running.
 */
static int xen_hib_hand_over(void)
{
	struct xen_hib_record *rec = &xen_hib_record;
	unsigned int n;
	int rc;

	n = xen_hvm_list_vcpu_areas(rec->areas, XEN_HIB_MAX_AREAS);
	if (n > XEN_HIB_MAX_AREAS) {
		pr_err("hibernation: %u vcpu_info areas, more than the handover can list; restore abandoned\n",
		       n);
		return -E2BIG;
	}
	rc = xen_hib_reset_domain();
	if (rc && rc != -EAGAIN) {
		pr_err("hibernation: EVTCHNOP_reset failed (%d); restore abandoned\n",
		       rc);
		return rc;
	}
	/* From here on our ports are gone: what fails must be taken back. */
	xen_hib.handed_over = true;
	xen_hvm_hand_over_areas();
	if (rc) {
		pr_err("hibernation: event channels only partly reset; restore abandoned\n");
		xen_hib_take_back();
		return -EBUSY;
	}
	xen_hvm_unmap_xen_pages();

	rec->nr_areas = n;
	rec->cookie = 0;
	rec->flags = XEN_HIB_HANDED_OVER;
	if (xen_fifo_events)
		rec->flags |= XEN_HIB_BOOT_FIFO;
	WRITE_ONCE(rec->magic, XEN_HIB_MAGIC);
	return 0;
}

/* --- the image -------------------------------------------------------------- */

/* Before the snapshot: like a save, and a mark that tells thaw from restore. */
static void xen_hib_before_snapshot(void)
{
	xen_hib.cookie = get_random_u64() | 1;
	xen_hib_record.cookie = xen_hib.cookie;
	xen_hib_record.flags = 0;
	xen_hib_record.nr_areas = 0;
	xen_hib_record.magic = XEN_HIB_MAGIC;
	xen_hib.restored = false;
	xen_manage_runstate_time(-1);
	xen_arch_pre_suspend();
}

/* The snapshot is written by this very kernel instance: same domain. */
static void xen_hib_after_snapshot(void)
{
	xen_arch_post_suspend(1);
	xen_manage_runstate_time(1);
}

static bool xen_hib_boot_kernel_handed_over(void)
{
	const struct xen_hib_record *rec = &xen_hib_record;

	return rec->magic == XEN_HIB_MAGIC && !rec->cookie &&
	       (rec->flags & XEN_HIB_HANDED_OVER) &&
	       rec->nr_areas <= XEN_HIB_MAX_AREAS;
}

/*
 * The first thing the image runs after the jump. Failing here cannot be
 * reported to anyone: the boot kernel is gone. The one unrecoverable case
 * is a vcpu_info area of the boot kernel that is not where ours is: Xen
 * writes it for the life of the domain, into memory we use for something
 * else, and nothing can stop that.
 */
static void xen_hib_take_over(void)
{
	const struct xen_hib_record *rec = &xen_hib_record;
	bool handed = xen_hib_boot_kernel_handed_over();
	int rc;

	xen_hib.restored = true;
	xen_hib_record.magic = 0;
	if (!handed) {
		pr_warn("hibernation: the boot kernel did not hand the domain over; resetting its event channels\n");
		rc = xen_hib_reset_domain();
		if (rc && rc != -EAGAIN)
			pr_err("hibernation: EVTCHNOP_reset failed (%d): events of the boot kernel stay\n",
			       rc);
	}
	rc = xen_hib_resume_domain(handed ? rec->areas : NULL,
				   handed ? rec->nr_areas : 0, true);
	if (rc)
		panic("Xen keeps writing the boot kernel's vcpu_info into this kernel's memory (%d)\n",
		      rc);
	pr_info("hibernation: image resumed in a new domain on the %s ABI (boot kernel: %s)\n",
		xen_evtchn_abi->name, !handed ? "no handover" :
		(rec->flags & XEN_HIB_BOOT_FIFO) ? "FIFO-based, handed over" :
		"2-level, handed over");
}

/* --- entry points --------------------------------------------------------- */

static int xen_hib_pm_event(struct notifier_block *nb, unsigned long event,
			    void *unused)
{
	switch (event) {
	case PM_HIBERNATION_PREPARE:
		xen_hib.phase = XEN_HIB_SNAPSHOT;
		break;
	case PM_POST_HIBERNATION:
		xen_hib.phase = XEN_HIB_IDLE;
		xen_hib.restored = false;
		break;
	case PM_RESTORE_PREPARE:
		xen_hib.phase = XEN_HIB_RESTORE;
		xen_hib.handed_over = false;
		xen_hib_detach_frontends();
		break;
	case PM_POST_RESTORE:
		if (xen_hib.handed_over)
			xen_hib_reconnect_frontends();
		else
			xen_hib_reattach_frontends();
		xen_hib.phase = XEN_HIB_IDLE;
		xen_hib.handed_over = false;
		break;
	default:
		break;
	}
	return NOTIFY_DONE;
}

struct notifier_block xen_hib_pm_notifier = {
	.notifier_call = xen_hib_pm_event,
};

static int xen_hib_syscore_suspend(void *unused)
{
	switch (xen_hib.phase) {
	case XEN_HIB_SNAPSHOT:
		xen_hib_before_snapshot();
		return 0;
	case XEN_HIB_RESTORE:
		return xen_hib_hand_over();
	default:
		return 0;
	}
}

static void xen_hib_syscore_resume(void *unused)
{
	switch (xen_hib.phase) {
	case XEN_HIB_SNAPSHOT:
		if (xen_hib_record.cookie == xen_hib.cookie)
			xen_hib_after_snapshot();
		else
			xen_hib_take_over();
		break;
	case XEN_HIB_RESTORE:
		if (xen_hib.handed_over)
			xen_hib_take_back();
		break;
	default:
		break;
	}
}

const struct syscore_ops xen_hib_syscore_ops = {
	.suspend = xen_hib_syscore_suspend,
	.resume = xen_hib_syscore_resume,
};

/*
 * Registered before timekeeping's: syscore resumes in registration order,
 * and the tick needs the timer VIRQ bound again.
 */
static struct syscore xen_hib_syscore = {
	.ops = &xen_hib_syscore_ops,
};

/*
 * Device callbacks: the late freeze stops xenstore traffic before the
 * snapshot (or before the boot kernel's handover), as Xen's own suspend
 * does; the early thaw or restore brings it back before any frontend
 * restore callback needs it.
 */
static int xen_hib_freeze_late(struct device *dev)
{
	if (xen_hib.phase == XEN_HIB_IDLE || !xen_hib_xenstore_up())
		return 0;
	xs_suspend();
	xen_hib.xs_suspended = true;
	return 0;
}

/* THAW (image written, or its writing failed) and RECOVER (restore failed). */
static int xen_hib_thaw_early(struct device *dev)
{
	if (xen_hib.phase == XEN_HIB_RESTORE && xen_hib.handed_over) {
		if (xen_hib.xs_suspended)
			xen_hib_xenstore_resume();
		xen_console_resume();
	} else if (xen_hib.xs_suspended) {
		xs_suspend_cancel();
	}
	xen_hib.xs_suspended = false;
	return 0;
}

/* RESTORE also follows Xen's own save/restore: act only on ours. */
static int xen_hib_restore_early(struct device *dev)
{
	if (!xen_hib.restored)
		return 0;
	if (xen_hib.xs_suspended)
		xen_hib_xenstore_resume();
	xen_hib.xs_suspended = false;
	xen_console_resume();
	xen_hib_reset_backends();
	return 0;
}

const struct dev_pm_ops xen_hib_dev_pm_ops = {
	.freeze_late = xen_hib_freeze_late,
	.thaw_early = xen_hib_thaw_early,
	.restore_early = xen_hib_restore_early,
};

static struct platform_driver xen_hib_driver = {
	.driver = {
		.name = "xen-hibernate",
		.pm = &xen_hib_dev_pm_ops,
	},
};

static int __init xen_hib_early_init(void)
{
	if (!xen_hvm_domain())
		return 0;
	register_syscore(&xen_hib_syscore);
	return register_pm_notifier(&xen_hib_pm_notifier);
}
early_initcall(xen_hib_early_init);

static int __init xen_hib_device_init(void)
{
	struct platform_device *pdev;
	int rc;

	if (!xen_hvm_domain())
		return 0;
	rc = platform_driver_register(&xen_hib_driver);
	if (rc)
		goto fail;
	pdev = platform_device_register_simple("xen-hibernate", -1, NULL, 0);
	rc = PTR_ERR_OR_ZERO(pdev);
	if (rc) {
		platform_driver_unregister(&xen_hib_driver);
		goto fail;
	}
	rc = xen_hib_xenbus_init();
	if (rc)
		pr_warn("hibernation: PV devices will not reconnect after a restore (%d)\n",
			rc);
	return 0;
fail:
	pr_err("hibernation: no device callbacks (%d); xenstore is lost after a restore\n",
	       rc);
	return 0;
}
device_initcall(xen_hib_device_init);
