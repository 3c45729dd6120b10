/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * What the files of the event-channel core share with each other.
 *
 * Layering: the ABI back-ends (2-level, FIFO) know nothing about Linux
 * interrupts. They implement struct xen_evtchn_abi and, while scanning, hand
 * each port to xen_evtchn_dispatch(), the one core function they call. The
 * rest of the core reaches the back-end only through the xen_evtchn_abi
 * pointer.
 *
 * Lock order (outermost first):
 *   xen_evtchn_bind_lock (mutex: bindings, refcounts, the list of all infos)
 *   -> irq descriptor lock (taken by genirq around our chip callbacks)
 *   -> per-CPU late-EOI list lock (raw)
 *   -> xen_irq_info.mask_lock (raw; the physical mask state of one port)
 * The port table and the per-CPU VIRQ/IPI tables are written under the
 * mutex and read under RCU, so the upcall never sleeps or blocks on it.
 */
#ifndef _XEN_EVENTS_INTERNAL_H
#define _XEN_EVENTS_INTERNAL_H

#include <linux/types.h>
#include <linux/cpumask.h>
#include <linux/irq.h>
#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/percpu.h>
#include <linux/rcupdate.h>
#include <linux/sizes.h>
#include <linux/spinlock.h>
#include <linux/workqueue.h>
#include <xen/events.h>
#include <xen/interface/event_channel.h>
#include <xen/interface/xen.h>

enum xen_irq_kind {
	XEN_IRQ_EVTCHN,		/* interdomain, local or unbound port */
	XEN_IRQ_VIRQ,
	XEN_IRQ_IPI,
	XEN_IRQ_PIRQ,
};

/*
 * Reasons for a port to be masked. The port is masked in the ABI exactly
 * while at least one reason is set; each user only ever clears its own.
 */
#define XEN_MASK_IRQ_CORE	BIT(0)	/* genirq: disabled or masked */
#define XEN_MASK_MOVING		BIT(1)	/* affinity change or retrigger */
#define XEN_MASK_LATE_EOI	BIT(2)	/* lateeoi: until the driver's EOI */
#define XEN_MASK_FREEING	BIT(3)	/* unbind: handlers may still run */

/* xen_irq_info.u.pirq.flags */
#define XEN_PIRQ_SHAREABLE	BIT(0)	/* Xen may share the line (WILL_SHARE) */
#define XEN_PIRQ_NEEDS_EOI	BIT(1)	/* Xen wants PHYSDEVOP_eoi (no EOI map) */
#define XEN_PIRQ_MSI		BIT(2)	/* an MSI, not a GSI */
#define XEN_PIRQ_MSI_MEMBER	BIT(3)	/* later vector of a multi-MSI group */

/**
 * struct xen_pirq - what a physical interrupt binding remembers
 * @pirq: Xen's number for it
 * @gsi: the GSI behind it (not for an MSI)
 * @domid: domain whose mapping it is (unmapped by dom0 when destroyed)
 * @flags: XEN_PIRQ_* bits
 */
struct xen_pirq {
	unsigned int pirq;
	unsigned int gsi;
	domid_t domid;
	u8 flags;
};

/* irq_info.users of a binding that has exactly one owner. */
#define XEN_IRQ_SINGLE_OWNER	(-1)

/**
 * struct xen_irq_info - one Linux interrupt backed by a Xen event channel
 * @all_node: entry on xen_irq_all (changed under xen_evtchn_bind_lock,
 *	walked under it or under RCU)
 * @eoi_node: entry on a per-CPU delayed-EOI list (under that list's lock)
 * @free_work: frees the descriptor and this info after a grace period
 * @mask_lock: serialises changes of @mask_reasons with the ABI mask bit
 * @irq: the Linux interrupt number
 * @desc: its descriptor, freed together with this info
 * @events: events dispatched to it (by the CPU holding @in_flight)
 * @port: the bound port; 0 while none (Xen never hands out port 0)
 * @kind: what the port is bound to
 * @users: XEN_IRQ_SINGLE_OWNER, or the count of evtchn_get() style users
 * @mask_reasons: XEN_MASK_* bits currently set
 * @in_flight: set by the CPU that picked the event up, cleared at its ack
 *	(or late EOI); a second CPU seeing it set leaves the event alone
 * @spurious: consecutive spurious late EOIs, for the back-off
 * @priority: FIFO priority last set by xen_set_irq_priority()
 * @is_static: port is not ours to close (IOCTL_EVTCHN_BIND_STATIC)
 * @lateeoi: bound through a *_lateeoi function
 * @percpu: on the per-CPU chip (VIRQ, IPI): handlers run without the
 *	descriptor lock, unbinding must wait for them
 * @desc_owned: the descriptor is ours to free (not so for a legacy irq,
 *	whose descriptor the architecture allocated)
 * @stale_port: the port a plain binding had before a resume lost it,
 *	until its driver binds it again (0: none); see xen_info_is_stale()
 * @dying: unbound; memory stays valid until the RCU-deferred free, but
 *	lookups by irq no longer return it
 * @cpu: CPU whose upcall handles the port
 * @home_cpu: VIRQ/IPI: the CPU whose per-CPU table holds this binding
 *	(a global VIRQ may since have been moved to another @cpu)
 * @eoi_cpu: CPU whose upcall asked for the late EOI to be deferred
 * @eoi_epoch: that CPU's upcall epoch at the time
 * @eoi_deadline: jiffies64 before which the late EOI must not unmask; 0 = none
 * @u: per-kind data
 */
struct xen_irq_info {
	struct list_head all_node;
	struct list_head eoi_node;
	struct rcu_work free_work;
	raw_spinlock_t mask_lock;
	unsigned int irq;
	struct irq_desc *desc;
	unsigned long events;
	evtchn_port_t port;
	evtchn_port_t stale_port;
	enum xen_irq_kind kind;
	int users;
	u8 mask_reasons;
	u8 in_flight;
	u8 spurious;
	u8 priority;
	bool is_static;
	bool lateeoi;
	bool percpu;
	bool desc_owned;
	bool dying;
	unsigned int cpu;
	unsigned int home_cpu;
	unsigned int eoi_cpu;
	unsigned int eoi_epoch;
	u64 eoi_deadline;
	union {
		unsigned int virq;
		enum ipi_vector ipi;
		struct xenbus_device *dev;
		struct xen_pirq pirq;
	} u;
};

/**
 * struct xen_evtchn_loop - state of one run of the upcall on one CPU
 * @cpu: the CPU running it
 * @events: events dispatched so far
 * @deadline: local_clock() after which late EOIs get deferred
 * @deadline_armed: @deadline is set (only once the run got long)
 * @defer_eoi: the deadline passed: throttle lateeoi channels
 * @rehome: not an upcall but the drain of a dead CPU's queues (FIFO):
 *	hand events to their new CPU instead of handling them here
 */
struct xen_evtchn_loop {
	unsigned int cpu;
	unsigned int events;
	u64 deadline;
	bool deadline_armed;
	bool defer_eoi;
	bool rehome;
};

/**
 * struct xen_evtchn_abi - one event-channel ABI back-end
 * @name: for log lines
 * @nr_ports: ports the ABI can ever address (a constant: the upcall
 *	reads it for every event)
 * @port_span: ports addressable right now
 * @port_setup: make @port addressable (FIFO: grow the event array); may
 *	allocate with @gfp; optional
 * @port_remove: forget per-port guest state when @port is unbound; optional
 * @port_moved: @port is now handled by @cpu instead of @old_cpu
 * @port_clear: clear the pending state of @port
 * @port_raise: make @port pending (without notifying anyone)
 * @port_raised: test the pending state of @port
 * @port_mask: mask @port
 * @port_unmask: unmask @port with Xen's semantics: a pending port is raised
 *	again; called with interrupts off
 * @scan: scan this CPU's pending ports, dispatching each
 * @set_priority: FIFO queue of @port; NULL when the ABI has none
 * @reattach: re-establish the ABI after save/restore; runs in stop_machine,
 *	must not sleep; optional. Non-zero: the ABI is unusable on this host
 * @rescan: after resume, make the next upcall on every online CPU look at
 *	every port once and set its upcall flag (the caller then makes sure
 *	that upcall happens); optional
 * @cpu_prepare: make @cpu able to receive events; before anything is
 *	bound to it; optional
 * @cpu_dead: @cpu is gone; hand over what it had not handled; optional
 * @debug_dump: print the ABI state of all ports; optional
 */
struct xen_evtchn_abi {
	const char *name;
	unsigned int nr_ports;
	unsigned int (*port_span)(void);
	int (*port_setup)(evtchn_port_t port, gfp_t gfp);
	void (*port_remove)(evtchn_port_t port, unsigned int cpu);
	void (*port_moved)(evtchn_port_t port, unsigned int cpu,
			   unsigned int old_cpu);
	void (*port_clear)(evtchn_port_t port);
	void (*port_raise)(evtchn_port_t port);
	bool (*port_raised)(evtchn_port_t port);
	void (*port_mask)(evtchn_port_t port);
	void (*port_unmask)(evtchn_port_t port);
	void (*scan)(struct xen_evtchn_loop *loop);
	int (*set_priority)(evtchn_port_t port, unsigned int priority);
	int (*reattach)(void);
	void (*rescan)(void);
	int (*cpu_prepare)(unsigned int cpu);
	int (*cpu_dead)(unsigned int cpu);
	void (*debug_dump)(void);
};

extern const struct xen_evtchn_abi *xen_evtchn_abi;

/* Back-ends: events_2l.c, events_fifo.c. */
const struct xen_evtchn_abi *xen_evtchn_2l_select(void);
const struct xen_evtchn_abi *xen_evtchn_fifo_select(void);
unsigned long xen_evtchn_fifo_link_errors(void);

/**
 * struct xen_upcall_stats - per-CPU upcall figures (debugfs xen/events/upcalls)
 * @upcalls: runs of xen_evtchn_do_upcall()
 * @events: events dispatched by them
 * @rounds: scans made (a run scans again while Xen flags new events)
 * @max_events: most events one run dispatched
 * @deadline_hits: runs that passed event_loop_timeout (an event storm)
 * @cut_short: runs that then left the rest to a re-delivered upcall
 * @stray: events on ports with nothing bound
 *
 * Written only by their CPU with interrupts off; readers may see them torn
 * on 32-bit, which a debugging aid can live with.
 */
struct xen_upcall_stats {
	unsigned long upcalls;
	unsigned long events;
	unsigned long rounds;
	unsigned long max_events;
	unsigned long deadline_hits;
	unsigned long cut_short;
	unsigned long stray;
};

DECLARE_PER_CPU(struct xen_upcall_stats, xen_upcall_stats);

/* events_debugfs.c: the lines of xen/events/{ports,upcalls}; tests print them. */
struct seq_file;
void xen_evtchn_show_port(struct seq_file *m, struct xen_irq_info *info);
int xen_evtchn_upcalls_show(struct seq_file *m, void *v);

/* events_upcall.c: the only core entry point the back-ends use. */
void xen_evtchn_dispatch(evtchn_port_t port, struct xen_evtchn_loop *loop);
unsigned int xen_upcall_epoch(unsigned int cpu);
unsigned long xen_evtchn_stray_events(void);
unsigned long xen_evtchn_offline_drops(void);

/* events_base.c: tables, lookups, infos. */
extern struct mutex xen_evtchn_bind_lock;
extern struct list_head xen_irq_all;

/**
 * struct xen_cpu_bindings - per-CPU VIRQ and IPI bindings
 * @virq: binding of each VIRQ on this CPU, or NULL
 * @ipi: binding of each IPI of this CPU, or NULL
 * @ipi_port: the IPI ports, readable without RCU: xen_send_IPI_one() runs
 *	on CPUs going offline, where RCU may no longer watch
 */
struct xen_cpu_bindings {
	struct xen_irq_info *virq[NR_VIRQS];
	struct xen_irq_info *ipi[XEN_NR_IPIS];
	evtchn_port_t ipi_port[XEN_NR_IPIS];
};

DECLARE_PER_CPU(struct xen_cpu_bindings, xen_cpu_bindings);

/* The port table; the upcall reads it for every event, hence inline. */
#define XEN_PORTS_PER_ROW	(PAGE_SIZE / sizeof(void *))
#define XEN_PORT_ROWS		DIV_ROUND_UP(EVTCHN_FIFO_NR_CHANNELS, XEN_PORTS_PER_ROW)

extern struct xen_irq_info __rcu **xen_port_rows[XEN_PORT_ROWS];

static inline bool xen_port_in_range(evtchn_port_t port)
{
	return port && xen_evtchn_abi && port < xen_evtchn_abi->nr_ports;
}

/*
 * Caller is an RCU reader of any kind (the upcall runs with interrupts
 * off under rcu_read_lock_sched()) or holds xen_evtchn_bind_lock.
 */
static inline struct xen_irq_info *xen_info_from_port(evtchn_port_t port)
{
	struct xen_irq_info __rcu **row;

	if (!xen_port_in_range(port))
		return NULL;
	row = READ_ONCE(xen_port_rows[port / XEN_PORTS_PER_ROW]);
	if (!row)
		return NULL;
	return rcu_dereference_check(row[port % XEN_PORTS_PER_ROW],
				     rcu_read_lock_any_held() ||
				     lockdep_is_held(&xen_evtchn_bind_lock));
}

struct xen_irq_info *xen_info_from_stale_port(evtchn_port_t port);

/*
 * A plain binding whose port a resume took away and whose driver has not
 * bound it again. VIRQs and IPIs are re-bound by the resume itself; one
 * that failed there keeps no claim on its old port.
 */
static inline bool xen_info_is_stale(const struct xen_irq_info *info)
{
	return info->kind == XEN_IRQ_EVTCHN && !READ_ONCE(info->port) &&
	       READ_ONCE(info->stale_port);
}

evtchn_port_t xen_port_of_irq(int irq);
int xen_port_table_set(evtchn_port_t port, struct xen_irq_info *info,
		       gfp_t gfp);
void xen_port_table_clear(evtchn_port_t port);
void xen_port_table_forget_all(void);
int xen_info_attach_port(struct xen_irq_info *info, evtchn_port_t port,
			 unsigned int cpu, gfp_t gfp);
void xen_info_note_cpu(struct xen_irq_info *info, unsigned int cpu);
struct xen_irq_info *xen_info_alloc(enum xen_irq_kind kind);
struct xen_irq_info *xen_info_alloc_for_irq(enum xen_irq_kind kind,
					    unsigned int irq, bool owned);
void xen_info_set_chip(struct xen_irq_info *info, struct irq_chip *chip,
		       irq_flow_handler_t flow, const char *flow_name);
void xen_info_detach_port(struct xen_irq_info *info);
void xen_info_destroy(struct xen_irq_info *info);
void xen_info_put(struct xen_irq_info *info);

static inline bool xen_cpu_usable(unsigned int cpu)
{
	return cpu < nr_cpu_ids && cpu_possible(cpu);
}

unsigned int xen_cpu_channel_count(unsigned int cpu);
int xen_evtchn_cpu_ready(unsigned int cpu);
void xen_evtchn_set_ipi_port(unsigned int cpu, unsigned int ipi,
			     evtchn_port_t port);

/* events_notify.c */
unsigned long xen_evtchn_stale_notifies(void);

/* events_irqchip.c: masking, irq chips, affinity. */
extern struct irq_chip xen_dyn_chip;
extern struct irq_chip xen_lateeoi_chip;
extern struct irq_chip xen_percpu_chip;
extern struct irq_chip xen_pirq_chip;

/* The callbacks the PIRQ chip shares with the event-channel chips. */
/*
 * Legacy (ISA) irqs whose descriptor the arch lends to a GSI PIRQ (dom0,
 * HVM): their chip data stays the arch's, which its IO-APIC domain reads
 * when genirq activates the irq; the binding is kept here instead.
 */
#define XEN_LEGACY_IRQS 16
extern struct xen_irq_info __rcu *xen_legacy_infos[XEN_LEGACY_IRQS];

/* The binding behind an irq_chip of ours: its chip data, or the above. */
static inline struct xen_irq_info *xen_data_info(struct irq_data *data)
{
	struct xen_irq_info *info = NULL;

	if (data->irq < XEN_LEGACY_IRQS)
		info = rcu_dereference_raw(xen_legacy_infos[data->irq]);
	return info ?: irq_data_get_irq_chip_data(data);
}

void xen_info_forget_legacy(struct xen_irq_info *info);

void xen_chip_mask(struct irq_data *data);
void xen_chip_unmask(struct irq_data *data);
int xen_chip_set_affinity(struct irq_data *data, const struct cpumask *dest,
			  bool force);
int xen_chip_retrigger(struct irq_data *data);

/* events_pirq.c */
void xen_pirq_init(void);
void xen_pirq_resume(void);
unsigned long xen_pirq_eoi_failures(void);
int xen_pirq_eoi_map_register(void);
void xen_pirq_eoi_map_forget(void);

/* Inline: notify_remote_via_irq() asks this on every call. */
static inline bool xen_chip_is_ours(const struct irq_chip *chip)
{
	return chip == &xen_dyn_chip || chip == &xen_lateeoi_chip ||
	       chip == &xen_percpu_chip || chip == &xen_pirq_chip;
}

/* The irq table (events_base.c): rows of one page, 512k irqs in all. */
#define XEN_IRQS_PER_ROW	(PAGE_SIZE / sizeof(void *))
#define XEN_IRQ_ROWS		(SZ_512K / XEN_IRQS_PER_ROW)

extern struct xen_irq_info __rcu **xen_irq_rows[XEN_IRQ_ROWS];
struct xen_irq_info *xen_info_from_irq_desc(unsigned int irq);

/*
 * The binding behind an irq number a caller gives us, or NULL if it is not
 * one of ours (or is being unbound). Our own table answers without the
 * descriptor lookup by number, which costs a maple tree walk: every notify
 * and late EOI by irq starts here. Caller is an RCU reader of any kind or
 * holds xen_evtchn_bind_lock.
 */
static inline struct xen_irq_info *xen_info_from_irq(unsigned int irq)
{
	struct xen_irq_info __rcu **row;
	struct xen_irq_info *info;

	if (likely(irq / XEN_IRQS_PER_ROW < XEN_IRQ_ROWS)) {
		/* Pairs with the release that published the zeroed row. */
		row = smp_load_acquire(&xen_irq_rows[irq / XEN_IRQS_PER_ROW]);
		info = row ? rcu_dereference_check(row[irq % XEN_IRQS_PER_ROW],
						   rcu_read_lock_any_held() ||
						   lockdep_is_held(&xen_evtchn_bind_lock)) :
			     NULL;
	} else {
		info = xen_info_from_irq_desc(irq);
	}
	return info && !READ_ONCE(info->dying) ? info : NULL;
}

void xen_info_mask(struct xen_irq_info *info, u8 reason);
void xen_info_unmask(struct xen_irq_info *info, u8 reason);
void xen_info_sync_mask(struct xen_irq_info *info);
void xen_info_end_event(struct xen_irq_info *info);
int xen_info_move_to_cpu(struct xen_irq_info *info, unsigned int cpu);

/* events_lateeoi.c */
void xen_lateeoi_init(void);
void xen_lateeoi_note_storm(struct xen_irq_info *info, unsigned int cpu);
void xen_lateeoi_forget(struct xen_irq_info *info);
void xen_lateeoi_cpu_dead(unsigned int cpu);

/* events_hvm_vector.c: how Xen interrupts an x86 HVM guest. */
#if defined(CONFIG_X86) && defined(CONFIG_XEN_PVHVM)
void xen_evtchn_hvm_delivery_init(void);
bool xen_evtchn_redeliver_upcall(void);
void xen_evtchn_kick_upcall(unsigned int cpu);
#else
static inline void xen_evtchn_hvm_delivery_init(void) { }
static inline bool xen_evtchn_redeliver_upcall(void) { return false; }
static inline void xen_evtchn_kick_upcall(unsigned int cpu) { }
#endif

#endif /* _XEN_EVENTS_INTERNAL_H */
