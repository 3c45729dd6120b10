/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Private state of the software model of Xen, shared by its files.
 *
 * Locking: one raw spinlock (xm_lock) serialises every hypercall and every
 * test-side call that touches model state; it is taken with interrupts off,
 * so hypercalls may come from hard-IRQ context on any CPU. The guest, on the
 * other hand, writes the shared pages (shared_info, vcpu_info, FIFO control
 * blocks and event arrays) without any lock, so the model changes guest
 * memory only with atomic operations, as Xen does.
 */
#ifndef _XEN_EVTCHN_TESTS_XEN_MODEL_INTERNAL_H
#define _XEN_EVTCHN_TESTS_XEN_MODEL_INTERNAL_H

#include <linux/spinlock.h>
#include "xen_model.h"
#include <xen/interface/vcpu.h>

/*
 * Xen's "function not implemented" (38, spec 0.1): what Xen returns for an
 * unknown hypercall or sub-op, and what a Xen without FIFO gives for it.
 */
#define XM_ENOSYS		38

#define XM_MAX_DOMAINS		8
#define XM_HVM_NR_PARAMS	39	/* Xen's HVM_NR_PARAMS, spec 1.7 */
#define XM_NR_PIRQS		256	/* a domU's nr_pirqs, enough for tests */
#define XM_MAX_FAULTS		16
#define XM_NR_OPS		64
#define XM_NR_CMDS		64
#define XM_FIFO_WORDS_PER_PAGE	1024
#define XM_FIFO_CB_SIZE		72	/* sizeof(evtchn_fifo_control_block) */
#define XM_POLL_MAX_PORTS	128	/* spec 10/sched: do_poll's limit */
#define XM_DEFAULT_MAX_PORT	1023	/* libxl's max_event_channels, spec 11 */
#define XM_DEFAULT_NR_GSIS	48
#define XM_MAX_GSIS		256	/* cfg.nr_gsis is at most this */
#define XM_MAX_HOLES		16	/* gfns emptied by remove_from_physmap */

/* Per-port state, spec 2. */
struct xm_port {
	u8 state;		/* enum xm_port_state */
	u8 priority;		/* FIFO priority */
	u8 last_prio;		/* FIFO "last queue" priority */
	bool xen_attached;	/* consumer in Xen, spec 3.3 */
	bool sw_pending;	/* FIFO hidden pending flag, spec 5.3.1 */
	u16 notify_vcpu;
	u16 last_vcpu;		/* FIFO "last queue" vCPU */
	u16 remote_dom;		/* UNBOUND: who may bind; INTERDOMAIN: peer */
	u32 remote_port;	/* INTERDOMAIN: peer port; VIRQ: virq; PIRQ: pirq */
};

/* A modelled local APIC: only what upcall delivery needs (spec 7.2, 7.4). */
struct xm_lapic {
	bool enabled;
	DECLARE_BITMAP(irr, 256);
	DECLARE_BITMAP(isr, 256);
};

/* One PIRQ of a domain with emulated PIRQs (spec 15). */
struct xm_pirq {
	u8 use;			/* enum xm_pirq_use */
	u8 gsi;			/* XM_PIRQ_EMU_GSI: the emulated GSI */
	unsigned long sends;	/* events sent for it */
	unsigned long eois;	/* PHYSDEVOP_eoi calls for it */
};

enum xm_pirq_use {
	XM_PIRQ_FREE,
	XM_PIRQ_ALLOCATED,	/* PHYSDEVOP_get_free_pirq: an MSI's */
	XM_PIRQ_EMU_GSI,	/* PHYSDEVOP_map_pirq of an emulated GSI */
};

struct xm_vcpu {
	bool online;
	/* vcpu_info: default slot (or dummy) unless registered, spec 8. */
	bool vi_registered;
	struct vcpu_info *vi_area;
	unsigned long runstate_area;	/* guest virtual address; 0: none */
	unsigned long time_area;	/* guest virtual address; 0: none */
	u8 upcall_vector;		/* spec 7.2; 0: none */
	struct xm_lapic lapic;
	unsigned long vector_injections;
	/*
	 * Live domain only. Xen before 4.18 raised the vector into the
	 * disabled LAPIC: its IRR bit waits there (irr_latched) until an INIT
	 * wipes it or the CPU enables the LAPIC and finds it, which counts as
	 * a stale IRR (xm_stale_irrs()). A raise into an enabled LAPIC of a
	 * CPU not taking interrupts yet is held for it (irr_held).
	 */
	bool irr_latched;
	bool irr_held;
	bool lapic_seen_on;		/* the CPU itself showed its LAPIC enabled */
	bool initialised;		/* Xen's is_initialised: has run since INIT */
	unsigned long stale_irrs;
	unsigned long global_injections;
	unsigned long nmis;
	u32 virq_to_port[XM_NR_VIRQS];
	/* FIFO, spec 2: control block and Xen's private queue tails. */
	struct evtchn_fifo_control_block *fifo_cb;
	u32 fifo_tail[XM_NR_PRIOS];
	/* SCHEDOP_poll: the model cannot block, it remembers the poll. */
	bool polling;
	long poll_port;			/* -1: any port of the domain */
	unsigned long poll_wakeups;
};

struct xm_fault {
	u16 op;
	u16 cmd;
	unsigned int nth;		/* 0: every call */
	int err;
};

struct xm_domain {
	domid_t domid;
	struct xm_config cfg;
	unsigned int max_port;		/* max_evtchn_port, spec 11 */

	/* Event channels, spec 2 and 3. */
	struct xm_port *ports;		/* XM_FIFO_NR_PORTS entries */
	unsigned int valid_ports;	/* valid_evtchns; only grows */
	/*
	 * No port below this one is free and allocatable: lets the lowest-free
	 * scan skip the long taken prefix of a domain with 100k ports.
	 */
	unsigned int free_hint;
	/*
	 * The peer domain's ends of the xenstore and console channels the
	 * toolstack made for this domain (0: none), which the back-ends
	 * close when this domain dies or is reset.
	 */
	u32 toolstack_peer_ports[2];
	/* xm_fail_init_control(): EVTCHNOP_init_control for one vCPU fails. */
	unsigned int fail_init_vcpu;
	int fail_init_err;
	bool fifo;
	u32 *fifo_pages[XM_FIFO_MAX_PAGES];
	unsigned int fifo_nr_pages;
	unsigned long fifo_lost;
	u32 pirq_to_port[XM_NR_PIRQS];
	/* PIRQs (spec 15): emulated ones, for a domain that has them. */
	struct xm_pirq pirqs[XM_NR_PIRQS];
	u8 gsi_pirq_level[XM_MAX_GSIS];	/* emulated lines a test raised */
	bool has_pirq;			/* cfg.hvm_pirqs or xm_set_has_pirq() */
	unsigned long *pirq_eoi_map;	/* spec 15.10: the guest's page, or NULL */

	/* shared_info, spec 9: Xen's own page or the guest page it was moved to. */
	struct shared_info *xen_shinfo;
	struct shared_info *shinfo;
	long shinfo_gfn;
	/* Gfns left without a page (hibernation.rst, Xen fact 7), until populated. */
	u64 holes[XM_MAX_HOLES];
	unsigned int nr_holes;
	unsigned long populated;	/* extents XENMEM_populate_physmap filled */

	/* HVM, spec 7. */
	u64 params[XM_HVM_NR_PARAMS];
	enum xm_via_type via;
	u8 via_vector;
	unsigned int via_gsi;
	bool via_asserted;
	unsigned long via_assertions;

	enum xm_suspend_outcome suspend_outcome;
	/* xm_set_restore_config(): the next new domain's features, once. */
	struct xm_config restore_cfg;
	bool restore_cfg_set;
	unsigned int shutdown_reason;
	bool shut_down;

	/* xm_status_lie(): what EVTCHNOP_status claims about one port. */
	evtchn_port_t status_lie_port;
	struct evtchn_status status_lie;

	struct xm_fault faults[XM_MAX_FAULTS];
	unsigned long calls[XM_NR_OPS][XM_NR_CMDS];
	struct xm_vcpu vcpus[XM_MAX_VCPUS];
};

/* The domain and vCPU a hypercall is made for ("current" in Xen). */
struct xm_caller {
	struct xm_domain *d;
	unsigned int vcpu;
};

extern raw_spinlock_t xm_lock;

/* Evaluate @expr under xm_lock, as a test-side entry point does. */
#define XM_LOCKED(expr)							\
	({								\
		unsigned long __flags;					\
		typeof(expr) __ret;					\
									\
		raw_spin_lock_irqsave(&xm_lock, __flags);		\
		__ret = (expr);						\
		raw_spin_unlock_irqrestore(&xm_lock, __flags);		\
		__ret;							\
	})

#define XM_LOCKED_VOID(stmt)						\
	do {								\
		unsigned long __flags;					\
									\
		raw_spin_lock_irqsave(&xm_lock, __flags);		\
		stmt;							\
		raw_spin_unlock_irqrestore(&xm_lock, __flags);		\
	} while (0)

/* xen_model_seam.S */
void xen_model_hypercall_entry(void);

/* xen_model_core.c */
void xm_domain_setup_state(struct xm_domain *d, const struct xm_config *cfg,
			   domid_t domid);
struct xm_domain *xm_find_locked(domid_t domid);
struct xm_domain *xm_lookup_arg(const struct xm_caller *c, domid_t domid);
bool xm_may_target(const struct xm_caller *c, const struct xm_domain *t);
bool xm_is_live(const struct xm_domain *d);
struct xm_domain *xm_find_live_locked(void);
bool xm_gfn_is_ram(u64 gfn);
bool xm_gfn_usable(const struct xm_domain *d, u64 gfn);
int xm_copy_in(void *dst, unsigned long src, size_t size);
int xm_copy_out(unsigned long dst, const void *src, size_t size);

/* xen_model_evtchn.c */
long xm_evtchn_op(struct xm_caller *c, unsigned int cmd, unsigned long arg);
void xm_evtchn_init_domain(struct xm_domain *d);
int xm_evtchn_alloc_port(struct xm_domain *d);
void xm_evtchn_close_port(struct xm_domain *d, u32 port);
void xm_evtchn_reset_domain(struct xm_domain *d);
void xm_evtchn_unlink_peers(struct xm_domain *d);
void xm_evtchn_toolstack_ports(struct xm_domain *d);
void xm_evtchn_close_toolstack_peers(struct xm_domain *d);
bool xm_port_usable(const struct xm_port *p);
void xm_raise_if_usable(struct xm_domain *d, unsigned int vcpu, u32 port);
void xm_raise(struct xm_domain *d, unsigned int vcpu, u32 port);
void xm_clear_pending(struct xm_domain *d, u32 port);
bool xm_is_pending(struct xm_domain *d, u32 port);
void xm_unmask(struct xm_domain *d, u32 port);
void xm_wake_pollers(struct xm_domain *d, u32 port);
unsigned int xm_abi_nr_ports(const struct xm_domain *d);
bool xm_port_busy(struct xm_domain *d, u32 port);

/* xen_model_2l.c */
void xm_2l_raise(struct xm_domain *d, unsigned int vcpu, u32 port);
void xm_2l_clear(struct xm_domain *d, u32 port);
void xm_2l_unmask(struct xm_domain *d, u32 port);
bool xm_2l_is_pending(struct xm_domain *d, u32 port);

/* xen_model_fifo.c */
u32 *xm_fifo_word(struct xm_domain *d, u32 port);
void xm_fifo_raise(struct xm_domain *d, unsigned int vcpu, u32 port);
void xm_fifo_clear(struct xm_domain *d, u32 port);
void xm_fifo_unmask(struct xm_domain *d, u32 port);
bool xm_fifo_is_pending(struct xm_domain *d, u32 port);
bool xm_fifo_is_busy(struct xm_domain *d, u32 port);
long xm_fifo_init_control(struct xm_caller *c, unsigned long arg);
long xm_fifo_expand_array(struct xm_caller *c, unsigned long arg);
long xm_fifo_set_priority(struct xm_caller *c, unsigned long arg);
void xm_fifo_teardown(struct xm_domain *d);

/* xen_model_hvm.c: upcalls, LAPIC, HVMOPs */
long xm_hvm_op(struct xm_caller *c, unsigned int cmd, unsigned long arg);
bool xm_uses_vector_callbacks(struct xm_domain *d);

/* xen_model_physdev.c */
long xm_physdev_op(struct xm_caller *c, unsigned int cmd, unsigned long arg);
void xm_pirq_reset_domain(struct xm_domain *d);
void xm_pirq_note_bind(struct xm_domain *d, unsigned int pirq);
void xm_mark_events_pending(struct xm_domain *d, unsigned int vcpu);
void xm_assert_upcall(struct xm_domain *d, unsigned int vcpu);
void xm_vm_exit(struct xm_domain *d);
void xm_hvm_reset_delivery(struct xm_domain *d);

/* xen_model_vcpu.c: vcpu_info, shared_info, VCPUOPs, XENMEM */
struct vcpu_info *xm_vcpu_info_locked(struct xm_domain *d, unsigned int vcpu);
long xm_vcpu_op(struct xm_caller *c, unsigned int cmd, unsigned int vcpuid,
		unsigned long arg);
long xm_memory_op(struct xm_caller *c, unsigned int cmd, unsigned long arg);
void xm_drop_vcpu_info(struct xm_domain *d);
void xm_unmap_shared_info(struct xm_domain *d, bool keep_contents);

/* xen_model_misc.c: version, sched, life cycle */
long xm_xen_version(struct xm_caller *c, unsigned int cmd, unsigned long arg);
long xm_sched_op(struct xm_caller *c, unsigned int cmd, unsigned long arg);
void xm_restore_locked(struct xm_domain *d, const struct xm_config *cfg,
		       domid_t new_domid);
void xm_soft_reset_locked(struct xm_domain *d);

/*
 * Our enlighten_hvm.c (test builds) lets the model answer Xen's CPUID
 * leaves through this; upstream's has no such variable. A weak reference
 * links either way, and its address says which kernel this is.
 */
extern bool (*xen_hvm_cpuid_hook)(unsigned int index, u32 *eax, u32 *ebx,
				  u32 *ecx, u32 *edx) __weak;

static inline bool xm_vcpu_exists(const struct xm_domain *d, unsigned int vcpu)
{
	return vcpu < d->cfg.nr_vcpus;
}

static inline bool xm_port_valid_locked(const struct xm_domain *d, u32 port)
{
	return port < d->valid_ports;
}

static inline bool xm_version_at_least(const struct xm_domain *d,
				       unsigned int maj, unsigned int min)
{
	return d->cfg.xen_version >= XM_XEN(maj, min);
}

#endif /* _XEN_EVTCHN_TESTS_XEN_MODEL_INTERNAL_H */
