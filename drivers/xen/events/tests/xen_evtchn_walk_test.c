// SPDX-License-Identifier: GPL-2.0-only
/*
 * Seeded random walks over the event-channel API on the model's live
 * domain, with senders on other CPUs running at the same time.
 *
 * A walk keeps a few slots, each a binding or nothing: an interdomain
 * channel to the peer domain (plain or late-EOI), a per-vCPU VIRQ or an
 * IPI. The walker opens and closes slots, disables and enables their irqs,
 * moves them to other CPUs, changes their priority, notifies the peer from
 * the guest side, takes a CPU offline and back and suspends the domain
 * (a save/restore into a new domain, or a cancelled suspend); meanwhile sender
 * threads raise random open slots (the peer's send, Xen's VIRQ, another
 * CPU's IPI), concurrently with all of it, so that upcalls run on several
 * CPUs while ports are moved, masked or unbound. A reference of what every
 * handler must have seen is checked at quiet points: a send is announced
 * (counted) before it is made, and a handler records the count it found
 * on entry, so once all is quiet every open, enabled slot's handler must
 * have seen its last send (no lost wake-up). Handlers must never run for a
 * slot whose unbind returned, a late-EOI slot's handler never runs again
 * before the last run sent its EOI, and when a walk ends every port and irq it
 * made is gone again (Xen's ports counted in the model, the kernel's
 * bindings on its list of all of them, the peer domain's ports).
 *
 * Every operation of a walk is recorded with all of its random choices,
 * so a walk can be replayed. A failing walk is shrunk: chunks of its
 * operations are left out as long as the rest still fails (each candidate
 * is replayed a few times, since the senders' interleaving differs), and
 * the shortest failing list found is printed with the seed.
 *
 * The seeds are fixed; xen_evtchn_walk_test.seed=S runs seed S only
 * (ops=N to change the length, seeds=K to run K seeds from S on).
 *
 * A second suite, xen_evtchn_abi_walk, runs walks whose middle operation
 * is a restore into a domain without the FIFO ABI: from a FIFO boot the
 * kernel goes on in 2-level with the walk's bindings. FIFO is not taken
 * up again once dropped, so that suite has a boot of its own.
 */
#include <kunit/test.h>
#include <linux/atomic.h>
#include <linux/cpu.h>
#include <linux/cpumask.h>
#include <linux/delay.h>
#include <linux/interrupt.h>
#include <linux/irq.h>
#include <linux/kthread.h>
#include <linux/moduleparam.h>
#include <linux/prandom.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/stop_machine.h>
#include <asm/xen/hypercall.h>
#include <asm/xen/events.h>
#include <xen/events.h>
#include <xen/interface/event_channel.h>
#ifndef XEN_EVTCHN_TEST_UPSTREAM
#include "../events_internal.h"
#endif
#include "xen_model.h"
#include "xen_evtchn_hvm_util.h"

#define XW_SLOTS		10
#define XW_SENDERS		3
#define XW_QUIET_WAIT_MS	2000
#define XW_HOTPLUG_CPU		xeh_hotplug_cpu()
#define XW_STATE_BUCKETS	4096
#define XW_VIRQ			VIRQ_XENOPROF	/* per vCPU, unused by the kernel */
#define XW_SHRINK_TRIES		3	/* replays of a candidate before it passes */
#define XW_SHRINK_RUNS		120	/* replays a shrink may spend */
#define XW_WHY			120

static unsigned int seed = 1;
module_param(seed, uint, 0444);
static unsigned int seeds = 6;
module_param(seeds, uint, 0444);
static unsigned int ops = 1000;
module_param(ops, uint, 0444);

enum xw_kind {
	XW_PLAIN,		/* interdomain, bind_evtchn_to_irqhandler() */
	XW_LATEEOI,		/* interdomain, ..._lateeoi() */
	XW_VIRQ_PCPU,		/* per-vCPU VIRQ */
	XW_IPI,			/* an IPI vector the kernel leaves unused */
	XW_NR_KINDS,
};

static const char * const xw_kind_names[] = {
	[XW_PLAIN] = "plain", [XW_LATEEOI] = "lateeoi",
	[XW_VIRQ_PCPU] = "virq", [XW_IPI] = "ipi",
};

struct xw_slot {
	spinlock_t lock;		/* open and cpu against the senders */
	bool open;
	bool enabled;
	enum xw_kind kind;
	unsigned int cpu;		/* VIRQ and IPI: the CPU they are bound to */
	int ipi;
	bool unbound;			/* unbind returned: no handler may run */
	evtchn_port_t local;
	evtchn_port_t remote;
	int irq;
	atomic_t sent;			/* sends announced (before each send) */
	atomic_t seen;			/* the highest @sent a handler found */
	atomic_t late;			/* runs after an unbind returned (kept) */
	atomic_t unacked;		/* late EOI: a run has not sent its EOI */
	atomic_t early;			/* late EOI: runs before the last one's EOI */
};

enum xw_op {
	XW_OP_OPEN,
	XW_OP_CLOSE,
	XW_OP_DISABLE,
	XW_OP_ENABLE,
	XW_OP_MOVE,
	XW_OP_PRIORITY,
	XW_OP_NOTIFY,
	XW_OP_CHECK,
	XW_OP_HOTPLUG,
	XW_OP_SUSPEND,
	XW_NR_OPS,
};

static const char * const xw_op_names[] = {
	[XW_OP_OPEN] = "open", [XW_OP_CLOSE] = "close",
	[XW_OP_DISABLE] = "disable", [XW_OP_ENABLE] = "enable",
	[XW_OP_MOVE] = "move", [XW_OP_PRIORITY] = "priority",
	[XW_OP_NOTIFY] = "notify", [XW_OP_CHECK] = "check",
	[XW_OP_HOTPLUG] = "hotplug", [XW_OP_SUSPEND] = "suspend",
};

/* What a suspend operation ends in (its aux). */
enum xw_suspend {
	XW_SUSPEND_CANCELLED,
	XW_SUSPEND_NEW_DOMAIN,
	XW_SUSPEND_NO_FIFO,	/* a new domain without the FIFO ABI */
	XW_NR_SUSPENDS,
};

static const char * const xw_suspend_names[] = {
	[XW_SUSPEND_CANCELLED] = "cancelled",
	[XW_SUSPEND_NEW_DOMAIN] = "new domain",
	[XW_SUSPEND_NO_FIFO] = "new domain without FIFO",
};

#define XW_XEN_ENOSYS	38	/* Xen's errno for an unknown operation */

/* Suspends of each kind run so far, for the report. */
static unsigned int xw_suspends[XW_NR_SUSPENDS];

/* One operation with every random choice it needs, so it can be replayed. */
struct xw_step {
	u8 op;
	u8 slot;
	u8 cpu;
	u8 aux;				/* kind to open, priority */
};

/*
 * A test's own failure, to prove the shrinker: "fail" once some slot was
 * moved while disabled and then enabled on the CPU it was moved to. Only
 * the cases that ask for it arm it.
 */
struct xw_tripwire {
	bool armed;
	bool moved_disabled[XW_SLOTS];
};

struct xw_walk {
	struct rnd_state rnd;
	struct xw_slot slot[XW_SLOTS];
	struct task_struct *sender[XW_SENDERS];
	atomic_t pause;			/* senders hold off while set */
	atomic_t sends;
	unsigned int seed;
	unsigned int done;		/* operations run */
	unsigned int ports;		/* the domain's ports not the walk's */
	unsigned int peer_ports;	/* the peer's, when the walk began */
	unsigned int irqs;		/* the kernel's bindings not the walk's */
	unsigned long *states;		/* distinct slot-state vectors seen */
	struct xw_tripwire trip;
	bool failed;
	const char *what;		/* the kind of failure, for the shrinker */
	char why[XW_WHY];
};

static irqreturn_t xw_handler(int irq, void *dev_id)
{
	struct xw_slot *s = dev_id;
	int now = atomic_read_acquire(&s->sent), old;
	bool lateeoi = READ_ONCE(s->kind) == XW_LATEEOI;

	if (READ_ONCE(s->unbound))
		atomic_inc(&s->late);
	/* The port stays masked until the EOI: no second run before it. */
	if (lateeoi && atomic_xchg(&s->unacked, 1))
		atomic_inc(&s->early);
	old = atomic_read(&s->seen);
	while (old < now && !atomic_try_cmpxchg(&s->seen, &old, now))
		;
	if (lateeoi) {
		atomic_set_release(&s->unacked, 0);
		xen_irq_lateeoi(irq, 0);
	}
	return IRQ_HANDLED;
}

static void xw_fail(struct xw_walk *w, unsigned int slot, const char *what,
		    int a, int b)
{
	if (w->failed)
		return;
	w->failed = true;
	w->what = what;
	snprintf(w->why, sizeof(w->why), "after %u operations: slot %u: %s (%d, %d)",
		 w->done, slot, what, a, b);
}

/* --- senders: the peer, Xen and other CPUs, all the time ----------------- */

/* Raise @s as its source would; under the slot lock, the slot open. */
static bool xw_raise(struct xw_slot *s)
{
	struct evtchn_send send;

	switch (s->kind) {
	case XW_PLAIN:
	case XW_LATEEOI:
		send.port = s->remote;
		return !xeh_peer_op(EVTCHNOP_send, &send);
	case XW_VIRQ_PCPU:
		return xm_fire_virq(xeh_live(), s->cpu, XW_VIRQ) != 0;
	case XW_IPI:
		xen_send_IPI_one(s->cpu, s->ipi);
		return true;
	default:
		return false;
	}
}

static int xw_sender(void *data)
{
	struct xw_walk *w = data;
	struct rnd_state rnd;
	unsigned int i;

	prandom_seed_state(&rnd, (u64)(unsigned long)current ^ w->seed);
	while (!kthread_should_stop()) {
		struct xw_slot *s = &w->slot[prandom_u32_state(&rnd) % XW_SLOTS];

		if (atomic_read(&w->pause)) {
			usleep_range(200, 400);
			continue;
		}
		spin_lock(&s->lock);
		/*
		 * The pause is read again under the lock: a sender that saw
		 * it clear above may only get the lock after xw_quiesce()
		 * went past it, and must not send into the quiet period.
		 */
		if (s->open && !atomic_read(&w->pause)) {
			atomic_inc(&s->sent);
			/* The handler this send wakes must find the new count. */
			smp_mb__after_atomic();
			if (xw_raise(s))
				atomic_inc(&w->sends);
		}
		spin_unlock(&s->lock);
		for (i = prandom_u32_state(&rnd) % 4; i; i--)
			cpu_relax();
		cond_resched();
	}
	return 0;
}

static int xw_start_senders(struct xw_walk *w)
{
	unsigned int i;

	for (i = 0; i < XW_SENDERS; i++) {
		w->sender[i] = kthread_run(xw_sender, w, "xw-send/%u", i);
		if (IS_ERR(w->sender[i])) {
			int rc = PTR_ERR(w->sender[i]);

			w->sender[i] = NULL;
			return rc;
		}
	}
	return 0;
}

static void xw_stop_senders(struct xw_walk *w)
{
	unsigned int i;

	for (i = 0; i < XW_SENDERS; i++)
		if (w->sender[i])
			kthread_stop(w->sender[i]);
}

/*
 * Senders hold off, and one in the middle of a send has finished it:
 * senders test the flag under the slot lock, so once each lock has been
 * taken here after the flag was set, no send can start any more.
 */
static void xw_quiesce(struct xw_walk *w)
{
	unsigned int i;

	atomic_set(&w->pause, 1);
	for (i = 0; i < XW_SLOTS; i++) {
		spin_lock(&w->slot[i].lock);
		spin_unlock(&w->slot[i].lock);
	}
}

/* --- the walker's operations ---------------------------------------------- */

static int xw_bind_interdomain(struct xw_slot *s)
{
	int irq;

	if (xeh_peer_pair(&s->local, &s->remote))
		return -ENOSPC;
	irq = s->kind == XW_LATEEOI ?
	      bind_evtchn_to_irqhandler_lateeoi(s->local, xw_handler, 0, "xw", s) :
	      bind_evtchn_to_irqhandler(s->local, xw_handler, 0, "xw", s);
	if (irq <= 0) {
		struct evtchn_close cl = { .port = s->remote };

		xeh_peer_op(EVTCHNOP_close, &cl);
	}
	return irq;
}

/* Returns the irq, 0 when the kind cannot be had now, or an error. */
static int xw_bind(struct xw_slot *s)
{
	unsigned long pcpu = IRQF_PERCPU | IRQF_NOBALANCING;

	switch (s->kind) {
	case XW_VIRQ_PCPU:
		if (!cpu_online(s->cpu) ||
		    per_cpu(xen_cpu_bindings, s->cpu).virq[XW_VIRQ])
			return 0;
		return bind_virq_to_irqhandler(XW_VIRQ, s->cpu, xw_handler, pcpu,
					       "xw-virq", s);
	case XW_IPI:
		s->ipi = cpu_online(s->cpu) ? xeh_free_ipi(s->cpu) : -ENOENT;
		if (s->ipi < 0)
			return 0;
		return bind_ipi_to_irqhandler(s->ipi, s->cpu, xw_handler, pcpu,
					      "xw-ipi", s);
	default:
		return xw_bind_interdomain(s);
	}
}

static void xw_open(struct xw_walk *w, struct xw_slot *s, const struct xw_step *st)
{
	int irq;

	atomic_set(&s->sent, 0);
	atomic_set(&s->seen, 0);
	atomic_set(&s->late, 0);
	atomic_set(&s->unacked, 0);
	WRITE_ONCE(s->unbound, false);
	WRITE_ONCE(s->kind, st->aux % XW_NR_KINDS);
	s->cpu = st->cpu % nr_cpu_ids;
	irq = xw_bind(s);
	if (!irq)
		return;
	if (irq < 0) {
		xw_fail(w, s - w->slot, "bind failed", irq, s->kind);
		return;
	}
	s->irq = irq;
	s->enabled = true;
	spin_lock(&s->lock);
	s->open = true;
	spin_unlock(&s->lock);
}

static void xw_close(struct xw_walk *w, struct xw_slot *s)
{
	struct evtchn_close cl = { .port = s->remote };

	spin_lock(&s->lock);
	s->open = false;
	spin_unlock(&s->lock);
	if (!s->enabled)
		enable_irq(s->irq);
	unbind_from_irqhandler(s->irq, s);
	WRITE_ONCE(s->unbound, true);
	if (s->kind == XW_PLAIN || s->kind == XW_LATEEOI)
		xeh_peer_op(EVTCHNOP_close, &cl);
	s->irq = 0;
}

static bool xw_movable(const struct xw_slot *s)
{
	return s->kind == XW_PLAIN || s->kind == XW_LATEEOI;
}

/*
 * A lost wake-up: print what genirq and the kernel's binding hold for the
 * slot, then what Xen holds for its port (xeh_dump_port(): event word, the
 * queue it was last put on, the upcall flag), so the log tells a dropped
 * event from a stuck one.
 */
static void xw_dump_slot(struct xw_slot *s, unsigned int waited_ms)
{
	struct irq_desc *desc = irq_to_desc(s->irq);
	evtchn_port_t port = xw_movable(s) ? s->local : 0;

	pr_info("walk: lost wake-up after %u ms: %s slot, irq %d, CPU %u\n",
		waited_ms, xw_kind_names[s->kind], s->irq, s->cpu);
	if (desc)
		pr_info("walk:   irq disabled %d masked %d in progress %d depth %u\n",
			irqd_irq_disabled(&desc->irq_data),
			irqd_irq_masked(&desc->irq_data),
			irqd_irq_inprogress(&desc->irq_data), desc->depth);
#ifndef XEN_EVTCHN_TEST_UPSTREAM
	{
		struct xen_irq_info *info = xen_info_from_irq(s->irq);

		if (info) {
			port = info->port;
			pr_info("walk:   binding port %u CPU %u mask reasons %#x in flight %u events %lu\n",
				info->port, info->cpu, info->mask_reasons,
				info->in_flight, info->events);
		}
	}
#endif
	if (port)
		xeh_dump_port(port);
}

/* Every open, enabled slot's handler has seen its last send. */
static void xw_check(struct xw_walk *w)
{
	unsigned int i, waited;

	xw_quiesce(w);
	for (i = 0; i < XW_SLOTS; i++) {
		struct xw_slot *s = &w->slot[i];

		if (!s->open || !s->enabled)
			continue;
		for (waited = 0; waited < XW_QUIET_WAIT_MS &&
		     atomic_read(&s->seen) < atomic_read(&s->sent); waited++)
			usleep_range(1000, 1100);
		if (atomic_read(&s->seen) < atomic_read(&s->sent)) {
			if (!w->failed)
				xw_dump_slot(s, waited);
			xw_fail(w, i, "lost wake-up: handler never saw the last send",
				atomic_read(&s->seen), atomic_read(&s->sent));
		}
	}
	atomic_set(&w->pause, 0);
}

/*
 * The peer domain's open ports, but for its ends of the live domain's
 * store and console channels (a restore makes new ones).
 */
static unsigned int xw_peer_ports(void)
{
	unsigned int port, n = 0;

	for (port = 1; port < xm_valid_ports(xeh_peer); port++)
		n += xm_port_state(xeh_peer, port) != XM_PORT_FREE &&
		     !xm_is_toolstack_peer_end(xeh_live(), port);
	return n;
}

#ifndef XEN_EVTCHN_TEST_UPSTREAM
/* The kernel's event-channel irqs (bindings of every kind). */
static unsigned int xw_bound_irqs(void)
{
	struct xen_irq_info *info;
	unsigned int n = 0;

	mutex_lock(&xen_evtchn_bind_lock);
	list_for_each_entry(info, &xen_irq_all, all_node)
		n++;
	mutex_unlock(&xen_evtchn_bind_lock);
	return n;
}

/* Every binding of the kernel, for a walk that leaked one. */
static void xw_dump_irqs(void)
{
	struct xen_irq_info *info;

	mutex_lock(&xen_evtchn_bind_lock);
	list_for_each_entry(info, &xen_irq_all, all_node)
		pr_info("walk: irq %u kind %d port %u (stale %d, was %u) CPU %u users %d lateeoi %d %s\n",
			info->irq, info->kind, info->port, xen_info_is_stale(info),
			info->stale_port,
			info->cpu, info->users, info->lateeoi,
			irq_to_desc(info->irq) && irq_to_desc(info->irq)->action ?
			irq_to_desc(info->irq)->action->name : "-");
	mutex_unlock(&xen_evtchn_bind_lock);
}
#else
/*
 * Upstream's binding list is private to its events_base.c: count the irq
 * descriptors its chips drive instead (every binding has one, and unbind
 * frees it).
 */
static bool xw_is_event_chip(const struct irq_chip *chip)
{
	static const char * const names[] = {
		"xen-dyn", "xen-dyn-lateeoi", "xen-percpu", "xen-pirq",
	};
	unsigned int i;

	for (i = 0; chip && chip->name && i < ARRAY_SIZE(names); i++)
		if (!strcmp(chip->name, names[i]))
			return true;
	return false;
}

static unsigned int xw_bound_irqs(void)
{
	struct irq_desc *desc;
	unsigned int irq, n = 0;

	rcu_read_lock();
	for (irq = 0; irq < nr_irqs; irq++) {
		desc = irq_to_desc(irq);
		if (desc && xw_is_event_chip(irq_desc_get_chip(desc)))
			n++;
	}
	rcu_read_unlock();
	return n;
}

static void xw_dump_irqs(void)
{
	struct irq_desc *desc;
	unsigned int irq;

	rcu_read_lock();
	for (irq = 0; irq < nr_irqs; irq++) {
		desc = irq_to_desc(irq);
		if (desc && xw_is_event_chip(irq_desc_get_chip(desc)))
			pr_info("walk: irq %u chip %s %s\n", irq,
				irq_desc_get_chip(desc)->name,
				desc->action ? desc->action->name : "-");
	}
	rcu_read_unlock();
}
#endif

/*
 * A VIRQ or IPI of a CPU going offline cannot move: an event it had
 * pending there is dropped on purpose (events_upcall.c, the drain of a
 * dead CPU), and Xen does not raise it for an offline vCPU. Such slots
 * start their reference afresh.
 */
static void xw_forget_cpu(struct xw_walk *w, unsigned int cpu)
{
	unsigned int i;

	for (i = 0; i < XW_SLOTS; i++) {
		struct xw_slot *s = &w->slot[i];

		if (s->open && s->cpu == cpu &&
		    (s->kind == XW_VIRQ_PCPU || s->kind == XW_IPI))
			atomic_set(&s->seen, atomic_read(&s->sent));
	}
}

static void xw_hotplug(struct xw_walk *w)
{
	unsigned int cpu = XW_HOTPLUG_CPU, ports, irqs;
	int rc;

	if (!cpu_online(cpu) || !cpu_is_hotpluggable(cpu))
		return;
	/* Nothing may be sent to the per-CPU slots of a CPU that is down. */
	xw_quiesce(w);
	ports = xeh_bound_ports();
	irqs = xw_bound_irqs();
	rc = remove_cpu(cpu);
	if (!rc) {
		xw_forget_cpu(w, cpu);
		rc = add_cpu(cpu);
		if (rc)
			xw_fail(w, cpu, "CPU online failed", rc, 0);
	} else {
		xw_fail(w, cpu, "CPU offline failed", rc, 0);
	}
	/*
	 * The arch code's own per-CPU bindings of the CPU may differ after
	 * its return: on 2-level it binds VIRQ_DEBUG, on FIFO it does not,
	 * so a CPU that went down on FIFO and came up after a restore into
	 * 2-level has one more. The walk's slots did not change.
	 */
	w->ports += xeh_bound_ports() - ports;
	w->irqs += xw_bound_irqs() - irqs;
	atomic_set(&w->pause, 0);
}

static int xw_suspend_on_cpu0(void *data)
{
	int *cancelled = data;

	*cancelled = xeh_suspend_steps();
	return 0;
}

static unsigned int xw_slot_ports(const struct xw_walk *w)
{
	unsigned int i, n = 0;

	for (i = 0; i < XW_SLOTS; i++)
		n += w->slot[i].open;
	return n;
}

/*
 * A new domain has none of the old one's channels: an interdomain slot is
 * closed as its driver would close it (xenbus re-opens its rings from
 * scratch), and what was pending anywhere at the suspend may be gone, so
 * every slot's reference starts afresh. VIRQs and IPIs must be bound again
 * by the resume and keep working: the checks after this one see to that.
 */
static void xw_after_new_domain(struct xw_walk *w)
{
	unsigned int i;

	for (i = 0; i < XW_SLOTS; i++) {
		struct xw_slot *s = &w->slot[i];

		if (!s->open)
			continue;
		if (s->kind == XW_PLAIN || s->kind == XW_LATEEOI)
			xw_close(w, s);
		else
			atomic_set(&s->seen, atomic_read(&s->sent));
	}
	w->ports = xeh_bound_ports() - xw_slot_ports(w);
}

/*
 * Suspend the domain. A cancelled suspend keeps the senders going up to
 * the stop_machine: what they raised must all be handled after it. A
 * restore stops them first (an event raised into the old domain has
 * nowhere to go).
 */
static void xw_suspend(struct xw_walk *w, enum xw_suspend how)
{
	struct xm_domain *d = xeh_live();
	bool cancel = how == XW_SUSPEND_CANCELLED;
	struct xm_config next;
	int cancelled = -1;

	if (!cancel)
		xw_quiesce(w);
	xm_domain_config(d, &next);
	if (how == XW_SUSPEND_NO_FIFO)
		next.fifo_errno = -XW_XEN_ENOSYS;
	xm_set_suspend_outcome(d, cancel ? XM_SUSPEND_CANCELLED : XM_SUSPEND_NEW_DOMAIN);
	if (!cancel)
		xm_set_restore_config(d, &next);
	if (xeh_suspend_machine(xw_suspend_on_cpu0, &cancelled))
		xw_fail(w, 0, "stop_machine failed", how, 0);
	xw_suspends[how]++;
	xm_set_suspend_outcome(d, XM_SUSPEND_NEW_DOMAIN);
	if (cancelled != cancel)
		xw_fail(w, 0, "suspend outcome", cancelled, cancel);
	if (!cancel) {
		xw_after_new_domain(w);
		if (xen_fifo_events && how == XW_SUSPEND_NO_FIFO)
			xw_fail(w, 0, "FIFO kept in a domain without it", 0, 0);
		if (xen_fifo_events != xm_is_fifo(d))
			xw_fail(w, 0, "kernel and Xen disagree on the ABI",
				xen_fifo_events, xm_is_fifo(d));
	}
	atomic_set(&w->pause, 0);
}

static void xw_move(struct xw_walk *w, struct xw_slot *s, unsigned int cpu)
{
	if (!xw_movable(s) || !cpu_online(cpu))
		return;
	irq_set_affinity(s->irq, cpumask_of(cpu));
	if (!s->enabled)
		w->trip.moved_disabled[s - w->slot] = true;
}

/* FIFO takes any priority; 2-level has none (its error is not checked). */
static void xw_priority(struct xw_walk *w, struct xw_slot *s, unsigned int prio)
{
	int rc = xen_set_irq_priority(s->irq, prio);

	if (rc && xen_fifo_events)
		xw_fail(w, s - w->slot, "priority change failed", rc, prio);
}

static void xw_enable(struct xw_walk *w, struct xw_slot *s)
{
	unsigned int i = s - w->slot;

	enable_irq(s->irq);
	s->enabled = true;
	if (w->trip.armed && w->trip.moved_disabled[i])
		xw_fail(w, i, "tripwire: enabled after a move while disabled", 0, 0);
}

/* Which operation, weighted: mostly traffic-shaping, rarely a hotplug. */
static enum xw_op xw_pick(struct rnd_state *rnd)
{
	static const u8 weight[XW_NR_OPS] = {
		[XW_OP_OPEN] = 20, [XW_OP_CLOSE] = 12, [XW_OP_DISABLE] = 10,
		[XW_OP_ENABLE] = 12, [XW_OP_MOVE] = 20, [XW_OP_PRIORITY] = 6,
		[XW_OP_NOTIFY] = 6, [XW_OP_CHECK] = 8, [XW_OP_HOTPLUG] = 1,
		[XW_OP_SUSPEND] = 1,
	};
	unsigned int r = prandom_u32_state(rnd) % 96, op;

	for (op = 0; op < XW_NR_OPS; op++) {
		if (r < weight[op])
			return op;
		r -= weight[op];
	}
	return XW_OP_CHECK;
}

static void xw_note_state(struct xw_walk *w)
{
	unsigned int i, h = 0;

	for (i = 0; i < XW_SLOTS; i++) {
		const struct xw_slot *s = &w->slot[i];
		unsigned int v = s->open ? 1 + s->enabled + 2 * s->kind : 0;

		h = h * 9 + v;
	}
	__set_bit(h % XW_STATE_BUCKETS, w->states);
}

static void xw_do(struct xw_walk *w, const struct xw_step *st)
{
	struct xw_slot *s = &w->slot[st->slot];

	switch (st->op) {
	case XW_OP_OPEN:
		if (!s->open)
			xw_open(w, s, st);
		break;
	case XW_OP_CLOSE:
		if (s->open)
			xw_close(w, s);
		break;
	case XW_OP_DISABLE:
		if (s->open && s->enabled) {
			disable_irq(s->irq);
			s->enabled = false;
		}
		break;
	case XW_OP_ENABLE:
		if (s->open && !s->enabled)
			xw_enable(w, s);
		break;
	case XW_OP_MOVE:
		if (s->open)
			xw_move(w, s, st->cpu % nr_cpu_ids);
		break;
	case XW_OP_PRIORITY:
		if (s->open)
			xw_priority(w, s, st->aux % (EVTCHN_FIFO_PRIORITY_MIN + 1));
		break;
	case XW_OP_NOTIFY:
		/* The guest's own send on a channel: reaches the peer only. */
		if (s->open && xw_movable(s))
			notify_remote_via_irq(s->irq);
		break;
	case XW_OP_CHECK:
		xw_check(w);
		break;
	case XW_OP_HOTPLUG:
		xw_hotplug(w);
		break;
	case XW_OP_SUSPEND:
		if (st->aux < XW_NR_SUSPENDS)
			xw_suspend(w, st->aux);
		break;
	default:
		break;
	}
	w->done++;
	if (w->states)
		xw_note_state(w);
}

/* The operations of seed @s, all random choices drawn up front. */
static void xw_generate(unsigned int s, struct xw_step *list, unsigned int n)
{
	struct rnd_state rnd;
	unsigned int i;

	prandom_seed_state(&rnd, s);
	for (i = 0; i < n; i++) {
		list[i].op = xw_pick(&rnd);
		list[i].slot = prandom_u32_state(&rnd) % XW_SLOTS;
		list[i].cpu = prandom_u32_state(&rnd) % nr_cpu_ids;
		list[i].aux = prandom_u32_state(&rnd);
		/* A restore without FIFO is the ABI walk's, placed on purpose. */
		if (list[i].op == XW_OP_SUSPEND)
			list[i].aux %= XW_SUSPEND_NO_FIFO;
	}
}

/*
 * One walk over @list with the senders running: false, @why filled in
 * and @what set to the kind of failure if anything went wrong, the end
 * checks (nothing left bound, no handler after unbind) included.
 */
static bool xw_run(const struct xw_step *list, unsigned int n, unsigned int s,
		   bool trip, unsigned long *states, unsigned int *sends,
		   char *why, const char **what, unsigned int *stop)
{
	struct xw_walk *w;
	unsigned int i;
	bool ok;
	int late = 0, early = 0;

	w = kzalloc(sizeof(*w), GFP_KERNEL);
	if (!w) {
		strscpy(why, "no memory", XW_WHY);
		return false;
	}
	w->seed = s;
	w->ports = xeh_bound_ports();
	w->peer_ports = xw_peer_ports();
	w->irqs = xw_bound_irqs();
	w->states = states;
	w->trip.armed = trip;
	for (i = 0; i < XW_SLOTS; i++)
		spin_lock_init(&w->slot[i].lock);
	if (xw_start_senders(w))
		xw_fail(w, 0, "no sender threads", 0, 0);
	for (i = 0; i < n && !w->failed; i++)
		xw_do(w, &list[i]);
	xw_check(w);
	/* Operations after the one that failed do not matter. */
	*stop = w->failed ? w->done : n;
	xw_stop_senders(w);
	for (i = 0; i < XW_SLOTS; i++)
		if (w->slot[i].open)
			xw_close(w, &w->slot[i]);
	/* Unbound slots must stay silent: give a stray upcall time to run. */
	msleep(XEH_QUIET_MS);
	for (i = 0; i < XW_SLOTS; i++) {
		late += atomic_read(&w->slot[i].late);
		early += atomic_read(&w->slot[i].early);
	}
	if (late)
		xw_fail(w, 0, "handler runs after unbind", late, 0);
	if (early)
		xw_fail(w, 0, "late-EOI handler ran again before its EOI", early, 0);
	if (xeh_bound_ports() != w->ports)
		xw_fail(w, 0, "ports left bound after the walk", xeh_bound_ports(), w->ports);
	/* Restores included: the back-ends let go of the old domain's ends. */
	if (xw_peer_ports() != w->peer_ports)
		xw_fail(w, 0, "peer ports left open after the walk",
			xw_peer_ports(), w->peer_ports);
	if (xw_bound_irqs() != w->irqs) {
		xw_fail(w, 0, "irqs left bound after the walk", xw_bound_irqs(), w->irqs);
		xw_dump_irqs();
	}
	if (sends)
		*sends += atomic_read(&w->sends);
	ok = !w->failed;
	if (!ok) {
		strscpy(why, w->why, XW_WHY);
		*what = w->what;
	}
	kfree(w);
	return ok;
}

/*
 * Does @list still fail the way the walk did (@what)? A few replays,
 * since interleavings differ (one for the planted failure, which does not
 * depend on them). A failure of another kind does not count: shrinking
 * towards it would lose the one being chased. On failure @n becomes the
 * number of operations it took.
 */
static bool xw_still_fails(const struct xw_step *list, unsigned int *n, unsigned int s,
			   bool trip, unsigned int *runs, char *why, const char *what)
{
	unsigned int t, tries = trip ? 1 : XW_SHRINK_TRIES, stop;
	char cand_why[XW_WHY];
	const char *cand_what;

	for (t = 0; t < tries && *runs < XW_SHRINK_RUNS; t++) {
		++*runs;
		if (!xw_run(list, *n, s, trip, NULL, NULL, cand_why, &cand_what, &stop) &&
		    cand_what == what) {
			*n = stop;
			strscpy(why, cand_why, XW_WHY);
			return true;
		}
	}
	return false;
}

/*
 * Leave out chunks of @list, halving the chunk size down to one
 * operation, while what is left still fails; what comes after the
 * failing operation goes at once. Returns the new length.
 */
static unsigned int xw_shrink(struct xw_step *list, unsigned int n, unsigned int s,
			      bool trip, char *why, const char *what)
{
	struct xw_step *cand = kmalloc_array(n, sizeof(*cand), GFP_KERNEL);
	unsigned int chunk, at, runs = 0, m;

	if (!cand)
		return n;
	for (chunk = n / 2; chunk >= 1 && runs < XW_SHRINK_RUNS; chunk /= 2) {
		for (at = 0; at + chunk <= n && runs < XW_SHRINK_RUNS;) {
			memcpy(cand, list, at * sizeof(*cand));
			m = n - chunk - at;
			memcpy(cand + at, list + at + chunk, m * sizeof(*cand));
			m = n - chunk;
			if (xw_still_fails(cand, &m, s, trip, &runs, why, what)) {
				n = m;
				memcpy(list, cand, n * sizeof(*list));
			} else {
				at += chunk;
			}
		}
	}
	kfree(cand);
	return n;
}

static void xw_print(struct kunit *test, const struct xw_step *list, unsigned int n)
{
	unsigned int i;

	for (i = 0; i < n; i++) {
		const struct xw_step *st = &list[i];

		if (st->op == XW_OP_OPEN)
			kunit_info(test, "  %u: open slot %u as %s (CPU %u)\n", i, st->slot,
				   xw_kind_names[st->aux % XW_NR_KINDS], st->cpu);
		else if (st->op == XW_OP_SUSPEND && st->aux < XW_NR_SUSPENDS)
			kunit_info(test, "  %u: suspend: %s\n", i, xw_suspend_names[st->aux]);
		else if (st->op == XW_OP_PRIORITY)
			kunit_info(test, "  %u: priority slot %u to %u\n", i, st->slot,
				   st->aux % (EVTCHN_FIFO_PRIORITY_MIN + 1));
		else
			kunit_info(test, "  %u: %s slot %u CPU %u\n", i,
				   xw_op_names[st->op], st->slot, st->cpu);
	}
}

/*
 * One seed; on failure the seed, the reason and the shrunk operations.
 * @abi puts a restore into a domain without FIFO in the middle.
 */
static bool xw_seed(struct kunit *test, unsigned int s, unsigned int n, bool trip,
		    bool abi, unsigned long *states, unsigned int *sends,
		    unsigned int *shrunk)
{
	struct xw_step *list = kunit_kmalloc_array(test, n, sizeof(*list), GFP_KERNEL);
	unsigned int stop;
	const char *what;
	char why[XW_WHY];

	KUNIT_ASSERT_NOT_NULL(test, list);
	xw_generate(s, list, n);
	if (abi)
		list[n / 2] = (struct xw_step){ .op = XW_OP_SUSPEND, .aux = XW_SUSPEND_NO_FIFO };
	if (xw_run(list, n, s, trip, states, sends, why, &what, &stop))
		return true;
	if (!trip)
		KUNIT_FAIL(test, "walk seed %u: %s", s, why);
	*shrunk = xw_shrink(list, stop, s, trip, why, what);
	kunit_info(test, "walk seed %u: %u of %u operations still fail (%s); replay with xen_evtchn_walk_test.seed=%u:\n",
		   s, *shrunk, n, why, s);
	xw_print(test, list, *shrunk);
	return false;
}

/*
 * The fixed seeds of make check (or the ones the parameters ask for),
 * each a walk of @ops operations with senders on the other CPUs.
 */
static void xw_random_walks(struct kunit *test)
{
	unsigned int i, sends = 0, shrunk = 0;
	unsigned long reentries;
	unsigned long *states;

	states = kunit_kcalloc(test, BITS_TO_LONGS(XW_STATE_BUCKETS),
			       sizeof(*states), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, states);
	memset(xw_suspends, 0, sizeof(xw_suspends));
	reentries = xm_boot_global_reentries();
	for (i = 0; i < seeds; i++)
		xw_seed(test, seed + i, ops, false, false, states, &sends, &shrunk);
	kunit_info(test, "walk: %u seeds from %u, %u operations each, %u sends, %u distinct slot states, suspends: %u cancelled, %u into a new domain; %lu global upcalls brought back only by Xen's re-injection\n",
		   seeds, seed, ops, sends, bitmap_weight(states, XW_STATE_BUCKETS),
		   xw_suspends[XW_SUSPEND_CANCELLED], xw_suspends[XW_SUSPEND_NEW_DOMAIN],
		   xm_boot_global_reentries() - reentries);
}

/*
 * The shrinker itself: a failure this test plants (a slot enabled after
 * it was moved while disabled) in a walk of up to 300 operations must
 * come back as a handful of operations that still show it: an open, a
 * disable, a move and an enable of one slot. The walk is kept short so
 * that the shrink's replay budget is not the limit.
 */
#define XW_SHRINK_OPS	300

static void xw_shrinker_finds_the_few_operations(struct kunit *test)
{
	unsigned int s, shrunk = 0, n = min(ops, XW_SHRINK_OPS);

	for (s = 1; s < 50; s++)
		if (!xw_seed(test, s, n, true, false, NULL, NULL, &shrunk))
			break;
	KUNIT_ASSERT_LT_MSG(test, s, 50U, "no seed reached the planted failure");
	KUNIT_EXPECT_LE_MSG(test, shrunk, 6U, "seed %u shrunk to %u operations", s, shrunk);
	KUNIT_EXPECT_GE(test, shrunk, 4U);
}

static struct kunit_case xw_cases[] = {
	KUNIT_CASE_SLOW(xw_random_walks),
	KUNIT_CASE_SLOW(xw_shrinker_finds_the_few_operations),
	{}
};

static struct kunit_suite xw_suite = {
	.name = "xen_evtchn_walk",
	.suite_init = xeh_suite_init,
	.suite_exit = xeh_suite_exit,
	.init = xeh_test_init,
	.test_cases = xw_cases,
};

/*
 * Walks across a restore into a domain without FIFO: from a FIFO boot the
 * bindings that survive it (VIRQs, IPIs) go on in 2-level, and the walk's
 * second half opens, moves and unbinds channels there. A failing walk is
 * shrunk as the others are, but its replays start in 2-level.
 */
#define XW_ABI_SEEDS	2
#define XW_ABI_OPS	400

static void xw_walks_across_abi_switch(struct kunit *test)
{
	bool was_fifo = xen_fifo_events;
	unsigned int i, sends = 0, shrunk = 0, n = min(ops, XW_ABI_OPS);

	KUNIT_ASSERT_GE(test, n, 2U);
	memset(xw_suspends, 0, sizeof(xw_suspends));
	for (i = 0; i < XW_ABI_SEEDS; i++)
		xw_seed(test, seed + i, n, false, true, NULL, &sends, &shrunk);
	KUNIT_EXPECT_FALSE(test, xen_fifo_events);
	KUNIT_EXPECT_EQ(test, xw_suspends[XW_SUSPEND_NO_FIFO], XW_ABI_SEEDS);
	kunit_info(test, "walk: %u seeds from %u, %u operations each, %u sends, ABI %s -> %s at operation %u, suspends: %u cancelled, %u into a new domain (%u without FIFO)\n",
		   XW_ABI_SEEDS, seed, n, sends, was_fifo ? "FIFO" : "2-level",
		   xen_fifo_events ? "FIFO" : "2-level", n / 2,
		   xw_suspends[XW_SUSPEND_CANCELLED],
		   xw_suspends[XW_SUSPEND_NEW_DOMAIN] + xw_suspends[XW_SUSPEND_NO_FIFO],
		   xw_suspends[XW_SUSPEND_NO_FIFO]);
}

static struct kunit_case xw_abi_cases[] = {
	KUNIT_CASE_SLOW(xw_walks_across_abi_switch),
	{}
};

static struct kunit_suite xw_abi_suite = {
	.name = "xen_evtchn_abi_walk",
	.suite_init = xeh_suite_init,
	.suite_exit = xeh_suite_exit,
	.init = xeh_test_init,
	.test_cases = xw_abi_cases,
};

kunit_test_suites(&xw_suite, &xw_abi_suite);
