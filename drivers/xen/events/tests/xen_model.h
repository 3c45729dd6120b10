/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A software model of Xen's event-channel interface, for KUnit.
 *
 * The guest side under test reaches the model the way it reaches Xen: the
 * xen_hypercall static call is pointed at an assembly entry (see
 * xen_model_seam.S) and every hypercall the kernel issues lands in
 * xen_model_hypercall(). State that Xen shares with a guest lives in guest
 * pages, exactly as on Xen: shared_info (once the guest maps it), vcpu_info
 * (default slots or registered areas), FIFO control blocks and event-array
 * pages named by guest frame numbers (here: real kernel pfns).
 *
 * Behaviour follows Documentation/virt/xen/evtchn-model.rst; section
 * numbers in comments ("spec 5.3.1") point there, and each rule carries the
 * Xen source file it comes from.
 *
 * A model domain is either a scratch domain, driven by a test that acts as
 * one of its vCPUs (xm_enter()), whose upcalls go to a modelled local APIC
 * per vCPU, or the live domain, whose vCPU n is Linux CPU n and whose upcalls
 * are real interrupts sent to that CPU's local APIC.
 */
#ifndef _XEN_EVTCHN_TESTS_XEN_MODEL_H
#define _XEN_EVTCHN_TESTS_XEN_MODEL_H

#include <linux/types.h>
#include <linux/bitmap.h>
#include <xen/interface/xen.h>
#include <xen/interface/event_channel.h>

#define XM_MAX_VCPUS		48	/* more than 32, to reach the dummy vcpu_info */
#define XM_NR_VIRQS		24
#define XM_2L_NR_PORTS		4096
#define XM_FIFO_NR_PORTS	131072
#define XM_BUCKET_PORTS		64	/* spec 3.1 */
#define XM_FIFO_MAX_PAGES	128
#define XM_NR_PRIOS		16
#define XM_DOMID_PEER		0	/* the backend/control domain */
#define XM_DOMID_GUEST		1

/* Xen versions a test can ask for: (major << 16) | minor. */
#define XM_XEN(maj, min)	(((maj) << 16) | (min))

/* Knobs fixed when a domain is created (or re-created by xm_domain_restore). */
struct xm_config {
	unsigned int nr_vcpus;		/* 1..XM_MAX_VCPUS */
	unsigned int xen_version;	/* XM_XEN(4, 17) by default */
	/*
	 * Xen >= 4.18 behaviour (also in 4.17.x stable, spec 7.4): no IRR bit
	 * while the vLAPIC is disabled, re-inject on SVR enable.
	 */
	bool lapic_fix;
	int fifo_errno;			/* 0: FIFO works; -EOPNOTSUPP, -ENOSYS */
	bool no_upcall_vector_cpuid;	/* base+4 EAX lacks UPCALL_VECTOR */
	bool no_upcall_vector_op;	/* HVMOP 23 gives -ENOSYS (Xen < 4.6) */
	bool no_vector_callback;	/* XENFEAT_hvm_callback_vector absent */
	/*
	 * XENFEAT_hvm_safe_pvclock absent: the model has no Xen timer or
	 * pvclock, so a live domain must keep the kernel on native clocks.
	 */
	bool no_safe_pvclock;
	bool pvh;			/* no emulated IO-APIC/PIC: spec 7.1 step 1 */
	bool is_control;		/* dom0: passes the XSM "target" checks */
	unsigned int max_evtchn_port;	/* 0 means libxl's default, 1023 */
	unsigned int nr_gsis;		/* 0 means 48 */
	/* Emulated PIRQs (XEN_X86_EMU_USE_PIRQ), advertised: spec 15.1. */
	bool hvm_pirqs;
	/* Emulated PIRQs, XENFEAT_hvm_pirqs not advertised (xm_set_has_pirq()). */
	bool quiet_pirqs;
	/* PHYSDEVOP calls as a PV domain's: the EOI map (spec 15.10). */
	bool pv_physdev;
};

/* Port states (spec 2). */
enum xm_port_state {
	XM_PORT_FREE,
	XM_PORT_RESERVED,
	XM_PORT_UNBOUND,
	XM_PORT_INTERDOMAIN,
	XM_PORT_PIRQ,
	XM_PORT_VIRQ,
	XM_PORT_IPI,
};

/* HVM_PARAM_CALLBACK_IRQ as Xen decoded it (spec 7.1). */
enum xm_via_type {
	XM_VIA_NONE,
	XM_VIA_GSI,
	XM_VIA_PCI_INTX,
	XM_VIA_VECTOR,
};

/* What a suspend (SCHEDOP_shutdown/SHUTDOWN_suspend) does next. */
enum xm_suspend_outcome {
	XM_SUSPEND_NEW_DOMAIN,	/* restore/migration: returns 0 in a new domain */
	XM_SUSPEND_CANCELLED,	/* checkpoint or failed save: returns 1 */
};

struct xm_domain;

/* --- the seam --------------------------------------------------------- */

/* Point xen_hypercall at the model; saves the previous target. Process context. */
int xm_install(void);
/*
 * Restore the saved target. Everything that could still issue a hypercall
 * must have been flushed by the caller first.
 */
void xm_uninstall(void);
/* Hypercalls that reached the model with no domain to act for. */
unsigned long xm_stray_hypercalls(void);

/* C entry called from xen_model_hypercall_entry. */
unsigned long xen_model_hypercall(unsigned long op, unsigned long a1,
				  unsigned long a2, unsigned long a3,
				  unsigned long a4, unsigned long a5);

/* --- domains ---------------------------------------------------------- */

void xm_config_default(struct xm_config *cfg);
/*
 * Create a domain with a given id; a peer (domid 0, is_control) may be
 * created beside a guest so interdomain channels have a far end.
 */
struct xm_domain *xm_domain_create(const struct xm_config *cfg, domid_t domid);
/* The same with static storage, before any allocator is up (model boot). */
struct xm_domain *xm_domain_create_boot(const struct xm_config *cfg,
					domid_t domid);
void xm_domain_destroy(struct xm_domain *d);
domid_t xm_domain_id(const struct xm_domain *d);
struct xm_domain *xm_domain_find(domid_t domid);

/*
 * Act as vCPU @vcpu of @d on this CPU: hypercalls issued from here on (by the
 * test or by kernel code it calls) are @d's. Disables preemption until
 * xm_leave(). Nestable by restoring the previous actor.
 */
void xm_enter(struct xm_domain *d, unsigned int vcpu);
void xm_leave(void);

/*
 * The live domain: vCPU n is Linux CPU n, hypercalls from any CPU without an
 * xm_enter() are its, upcalls are real interrupts. At most one.
 */
int xm_domain_make_live(struct xm_domain *d);
struct xm_domain *xm_live_domain(void);

/*
 * How the live domain's global callback vector reaches a CPU. Xen injects
 * it outside the local APIC (no IRR/ISR, no EOI), which no IPI can do: sent
 * as an IPI (the default) it stays in service unless the handler EOIs. A
 * model boot installs a way that needs no EOI; NULL restores the default.
 */
void xm_set_live_global_delivery(void (*deliver)(unsigned int cpu, u8 vector));
/*
 * A live CPU is sent INIT (re-online: its vLAPIC is reset), came up (takes
 * interrupts: what its LAPIC held is delivered) or went down.
 */
void xm_live_vcpu_init(unsigned int cpu);
void xm_live_vcpu_started(unsigned int cpu);
void xm_live_vcpu_stopped(unsigned int cpu);
/* Old Xen left the upcall vector in this CPU's disabled LAPIC (IRR). */
bool xm_live_irr_latched(unsigned int cpu);
/* The kernel booted with xen_model=...: the live domain is its Xen. */
bool xm_booted_on_model(void);

/* What a model boot was asked for (xen_model=... options). */
struct xm_boot_info {
	int fifo_errno;			/* nofifo=E: 0, -ENOSYS or -EOPNOTSUPP */
	unsigned int max_port;		/* maxport=N; 0: the default */
	int fail_init_errno;		/* failinit=V:E; 0 when none */
	unsigned int fail_init_vcpu;
};

/* NULL unless the kernel booted on the model. */
const struct xm_boot_info *xm_boot_info(void);
/* Global upcalls that returned with their flag set and nothing else coming. */
unsigned long xm_boot_global_reentries(void);

/*
 * Save/restore or migration as seen by the guest (spec 12): a new domain
 * with @cfg's features, guest memory kept, shared_info unmapped, only the
 * toolstack's xenstore and console ports open (announced in HVM params),
 * no vcpu_info registrations, no upcall vectors, CALLBACK_IRQ 0, 2-level.
 * The domain id changes to @new_domid.
 */
void xm_domain_restore(struct xm_domain *d, const struct xm_config *cfg,
		       domid_t new_domid);
/* What the next SHUTDOWN_suspend does; default XM_SUSPEND_NEW_DOMAIN. */
void xm_set_suspend_outcome(struct xm_domain *d, enum xm_suspend_outcome o);
/*
 * The features of the domain the next SHUTDOWN_suspend ending in a new
 * domain creates (a migration to another host); used once. Without it the
 * new domain has the old one's configuration.
 */
void xm_set_restore_config(struct xm_domain *d, const struct xm_config *cfg);
/* A copy of the domain's current configuration. */
void xm_domain_config(struct xm_domain *d, struct xm_config *cfg);
/* Soft reset as the toolstack completes it after SHUTDOWN_soft_reset (spec 6.5). */
void xm_domain_soft_reset(struct xm_domain *d);

/* --- fault injection and hostility ----------------------------------- */

/*
 * Fail the @nth (1-based, counted from now) call of hypercall @op with
 * sub-op @cmd (e.g. __HYPERVISOR_event_channel_op, EVTCHNOP_bind_ipi) with
 * @err, before it has any effect. @nth == 0 clears.
 */
void xm_fail_nth(struct xm_domain *d, unsigned int op, unsigned int cmd,
		 unsigned int nth, int err);
/* Fail every call of (op, cmd) from now on with @err (0 clears). */
void xm_fail_always(struct xm_domain *d, unsigned int op, unsigned int cmd, int err);
/*
 * Every EVTCHNOP_init_control for vCPU @vcpu of @d fails with @err, before
 * any effect, until called again with @err == 0.
 */
void xm_fail_init_control(struct xm_domain *d, unsigned int vcpu, int err);
/* Calls of (op, cmd) issued by @d so far. */
unsigned long xm_call_count(struct xm_domain *d, unsigned int op, unsigned int cmd);

/*
 * Raise @port towards @vcpu with the domain's ABI, whatever the port's
 * state: a hypervisor that signals ports it should not.
 */
void xm_raise_raw(struct xm_domain *d, unsigned int vcpu, evtchn_port_t port);
/*
 * Deliver the upcall to @vcpu the way the domain's callback is set up,
 * with nothing pending behind it: a hypervisor that interrupts for nothing.
 */
void xm_upcall_raw(struct xm_domain *d, unsigned int vcpu);
/*
 * From now on EVTCHNOP_status about @port of @d answers @lie's status,
 * vcpu and union instead of the truth (a hypervisor that lies); port 0
 * or a NULL @lie ends it.
 */
void xm_status_lie(struct xm_domain *d, evtchn_port_t port,
		   const struct evtchn_status *lie);

/* --- peer and Xen-side event sources ---------------------------------- */

/*
 * Fire a VIRQ as Xen would (per-vCPU VIRQs on @vcpu; global ones via vCPU
 * 0's binding). Returns the port raised, or 0 when not bound (dropped).
 */
evtchn_port_t xm_fire_virq(struct xm_domain *d, unsigned int vcpu, unsigned int virq);
/*
 * Mark @port Xen-attached (consumer in Xen, spec 3.3) after allocating it
 * as UNBOUND; returns the port or a negative errno.
 */
int xm_alloc_xen_attached(struct xm_domain *d);

/* --- inspection ------------------------------------------------------- */

enum xm_port_state xm_port_state(struct xm_domain *d, evtchn_port_t port);
unsigned int xm_port_notify_vcpu(struct xm_domain *d, evtchn_port_t port);
bool xm_port_valid(struct xm_domain *d, evtchn_port_t port);
unsigned int xm_valid_ports(struct xm_domain *d);	/* valid_evtchns */
bool xm_is_fifo(struct xm_domain *d);
unsigned int xm_fifo_priority(struct xm_domain *d, evtchn_port_t port);
bool xm_fifo_hidden_pending(struct xm_domain *d, evtchn_port_t port);
/* Xen's private tail of queue (vcpu, prio); 0 when empty. */
evtchn_port_t xm_fifo_tail(struct xm_domain *d, unsigned int vcpu, unsigned int prio);
/* Queue (vcpu, prio) the port was last linked on. */
void xm_fifo_last_queue(struct xm_domain *d, evtchn_port_t port,
			unsigned int *vcpu, unsigned int *prio);
unsigned int xm_fifo_array_pages(struct xm_domain *d);
/* The peer's end of @d's store or console channel (spec 12)? */
bool xm_is_toolstack_peer_end(struct xm_domain *d, evtchn_port_t peer_port);
bool xm_fifo_has_control_block(struct xm_domain *d, unsigned int vcpu);
/* Events Xen dropped (no control block, too many queue changes, ...). */
unsigned long xm_fifo_lost_events(struct xm_domain *d);
/*
 * The guest pages Xen works on, for a test acting as a (buggy) Xen: the
 * event word of @port (NULL when no array page covers it) and the control
 * block of @vcpu (NULL before its EVTCHNOP_init_control). Change words
 * only with atomic operations: the guest updates them concurrently.
 */
u32 *xm_fifo_event_word(struct xm_domain *d, evtchn_port_t port);
struct evtchn_fifo_control_block *xm_fifo_control_block(struct xm_domain *d,
							unsigned int vcpu);

/*
 * The shared_info page as Xen writes it right now (mapped gfn or Xen's own
 * page when unmapped), and the vcpu_info Xen uses for @vcpu.
 */
struct shared_info *xm_shared_info(struct xm_domain *d);
long xm_shared_info_gfn(struct xm_domain *d);	/* -1 when not mapped */
struct vcpu_info *xm_vcpu_info(struct xm_domain *d, unsigned int vcpu);
bool xm_vcpu_info_registered(struct xm_domain *d, unsigned int vcpu);
/*
 * Every guest frame Xen writes for @d (shared_info, vcpu_info, runstate and
 * time areas, FIFO control blocks and event array): up to @max in @gfns,
 * the count returned.
 */
unsigned int xm_frames_in_use(struct xm_domain *d, u64 *gfns, unsigned int max);
/* The runstate area @vcpu registered (a guest virtual address), or 0. */
unsigned long xm_runstate_area(struct xm_domain *d, unsigned int vcpu);
/* @gfn was emptied by XENMEM_remove_from_physmap and not populated since. */
bool xm_gfn_is_hole(struct xm_domain *d, u64 gfn);

/* Upcall delivery, per vCPU. */
u64 xm_callback_irq(struct xm_domain *d);	/* raw stored value */
enum xm_via_type xm_via_type(struct xm_domain *d);
u8 xm_upcall_vector(struct xm_domain *d, unsigned int vcpu);	/* 0: none */
bool xm_gsi_asserted(struct xm_domain *d);
unsigned long xm_gsi_assertions(struct xm_domain *d);

/*
 * The modelled local APIC of a scratch domain's vCPU. Live-domain vCPUs use
 * the real LAPIC; these then report what the model sent.
 */
void xm_lapic_set_enabled(struct xm_domain *d, unsigned int vcpu, bool enabled);
/* The guest wrote SVR with the enable bit: spec 7.4 (4.18+ re-inject). */
void xm_lapic_write_svr_enable(struct xm_domain *d, unsigned int vcpu);
bool xm_lapic_irr(struct xm_domain *d, unsigned int vcpu, u8 vector);
bool xm_lapic_isr(struct xm_domain *d, unsigned int vcpu, u8 vector);
/* The vCPU accepts its highest IRR vector (IRR -> ISR); returns it, or 0. */
u8 xm_lapic_accept(struct xm_domain *d, unsigned int vcpu);
void xm_lapic_eoi(struct xm_domain *d, unsigned int vcpu);
/* Per-vCPU vector interrupts sent to the (modelled or real) LAPIC. */
unsigned long xm_vector_injections(struct xm_domain *d, unsigned int vcpu);
/*
 * Live domain, Xen before the 4.18 fix (cfg.lapic_fix false): how often the
 * CPU enabled its LAPIC and found in IRR a per-vCPU vector Xen had raised
 * while that LAPIC was software-disabled, which the kernel reports as
 * "Stale IRR" (the model counts it instead of leaving the bit). An INIT of
 * a CPU that had run (re-online) wipes such a bit first: not counted.
 */
unsigned long xm_stale_irrs(struct xm_domain *d, unsigned int vcpu);
/*
 * A VM entry of @vcpu with RFLAGS.IF = @irqs_enabled: returns true when Xen
 * would inject the global callback vector now (spec 7.1: level-like, no
 * LAPIC), and counts it.
 */
bool xm_vm_entry_injects_global(struct xm_domain *d, unsigned int vcpu, bool irqs_enabled);
unsigned long xm_global_injections(struct xm_domain *d, unsigned int vcpu);
/* vCPU online state as Xen sees it (VCPUOP_up/down); all online at creation. */
void xm_vcpu_set_online(struct xm_domain *d, unsigned int vcpu, bool online);

/* HVM params as stored (e.g. HVM_PARAM_STORE_EVTCHN). */
u64 xm_hvm_param(struct xm_domain *d, unsigned int index);

/* --- PIRQs (spec 15): emulated devices behind them -------------------- */
void xm_set_has_pirq(struct xm_domain *d, bool on);
void xm_gsi_set_level(struct xm_domain *d, unsigned int gsi, bool high);
void xm_msi_fire(struct xm_domain *d, unsigned int pirq);
int xm_pirq_of_gsi(struct xm_domain *d, unsigned int gsi);
unsigned long xm_pirq_eois(struct xm_domain *d, unsigned int pirq);
unsigned long xm_pirq_sends(struct xm_domain *d, unsigned int pirq);
void xm_set_pv_physdev(struct xm_domain *d, bool on);
bool xm_pirq_eoi_map_registered(struct xm_domain *d);
bool xm_pirq_eoi_bit(struct xm_domain *d, unsigned int pirq);
evtchn_port_t xm_pirq_port(struct xm_domain *d, unsigned int pirq);

/* CPUID leaf base+@index (base 0x40000000) as Xen answers for vCPU @vcpu. */
void xm_cpuid(struct xm_domain *d, unsigned int vcpu, unsigned int index,
	      u32 *eax, u32 *ebx, u32 *ecx, u32 *edx);

/* Ports a SCHEDOP_poll of @vcpu was woken for (counts wake-ups). */
unsigned long xm_poll_wakeups(struct xm_domain *d, unsigned int vcpu);

#endif /* _XEN_EVTCHN_TESTS_XEN_MODEL_H */
