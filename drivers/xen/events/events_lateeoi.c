// SPDX-License-Identifier: GPL-2.0-only
/*
 * Late EOI: a channel bound with a *_lateeoi function stays masked after
 * each event until its driver says it is done (xen_irq_lateeoi()). That
 * bounds how fast a peer can make us work. On top of it:
 *  - an EOI flagged spurious (the event needed no work) delays the unmask
 *    with an exponential back-off once the device's threshold is passed;
 *  - an EOI issued from inside an upcall that ran into its time limit is
 *    delayed by event_eoi_delay jiffies.
 * Delayed EOIs wait on a per-CPU list sorted by due time, served by a
 * delayed work item.
 */
#define pr_fmt(fmt) "xen:" KBUILD_MODNAME ": " fmt

#include <linux/jiffies.h>
#include <linux/list.h>
#include <linux/moduleparam.h>
#include <linux/percpu.h>
#include <linux/rcupdate.h>
#include <linux/workqueue.h>

#include <xen/events.h>
#include <xen/xenbus.h>

#include "events_internal.h"

#include <trace/events/xen_evtchn.h>

#undef MODULE_PARAM_PREFIX
#define MODULE_PARAM_PREFIX "xen."

static uint event_eoi_delay = 10;
module_param(event_eoi_delay, uint, 0644);

/* Spurious EOIs counted at most; enough for the HZ cap of the back-off. */
#define XEN_SPURIOUS_MAX	32

struct xen_eoi_queue {
	raw_spinlock_t lock;
	struct list_head due;		/* sorted by eoi_deadline */
	struct delayed_work work;
};

static DEFINE_PER_CPU(struct xen_eoi_queue, xen_eoi_queue);

/* Complete the EOI: the port may be picked up and unmasked again. */
static void xen_lateeoi_complete(struct xen_irq_info *info)
{
	trace_xen_evtchn_lateeoi(info->irq, READ_ONCE(info->port));
	info->eoi_deadline = 0;
	/* Handling is over before another CPU may claim the port. */
	smp_store_release(&info->in_flight, 0);
	xen_info_unmask(info, XEN_MASK_LATE_EOI);
}

static void xen_eoi_queue_arm(struct xen_eoi_queue *q, u64 now)
{
	struct xen_irq_info *first;

	first = list_first_entry_or_null(&q->due, struct xen_irq_info, eoi_node);
	if (first)
		mod_delayed_work(system_wq, &q->work,
				 time_after64(first->eoi_deadline, now) ?
				 first->eoi_deadline - now : 0);
}

/*
 * Each pass removes at least one entry or stops: bounded by the list. An
 * entry is completed outside the list lock: its unmask may be a hypercall,
 * and thousands of them with interrupts off would stall the CPU. Taken off
 * the list, an info stays valid until the end of the RCU read section,
 * even if it is unbound meanwhile (it is freed after a grace period).
 */
static void xen_eoi_worker(struct work_struct *work)
{
	struct xen_eoi_queue *q =
		container_of(to_delayed_work(work), struct xen_eoi_queue, work);
	u64 now = get_jiffies_64();
	struct xen_irq_info *info;
	unsigned long flags;

	rcu_read_lock();
	raw_spin_lock_irqsave(&q->lock, flags);
	while ((info = list_first_entry_or_null(&q->due, struct xen_irq_info,
						eoi_node))) {
		if (time_before64(now, info->eoi_deadline))
			break;
		list_del_init(&info->eoi_node);
		raw_spin_unlock_irqrestore(&q->lock, flags);
		if (!READ_ONCE(info->dying))
			xen_lateeoi_complete(info);
		raw_spin_lock_irqsave(&q->lock, flags);
	}
	xen_eoi_queue_arm(q, now);
	raw_spin_unlock_irqrestore(&q->lock, flags);
	rcu_read_unlock();
}

static void xen_eoi_enqueue(struct xen_irq_info *info, u64 until)
{
	struct xen_eoi_queue *q = per_cpu_ptr(&xen_eoi_queue, info->eoi_cpu);
	struct xen_irq_info *pos;
	unsigned long flags;

	raw_spin_lock_irqsave(&q->lock, flags);
	info->eoi_deadline = until;
	/* Most entries are due last: search from the tail. */
	list_for_each_entry_reverse(pos, &q->due, eoi_node)
		if (!time_before64(until, pos->eoi_deadline))
			break;
	list_add(&info->eoi_node, &pos->eoi_node);
	xen_eoi_queue_arm(q, get_jiffies_64());
	raw_spin_unlock_irqrestore(&q->lock, flags);
}

/*
 * Spurious back-off: after more than the device's threshold of spurious
 * events in a row, wait 1, 2, 4, ... jiffies (at most a second) before
 * unmasking. Returns the jiffies64 to wait for, or 0.
 */
static u64 xen_spurious_backoff(struct xen_irq_info *info)
{
	struct xenbus_device *dev = NULL;
	unsigned int threshold = 1, shift;
	unsigned long delay;

	if (info->kind == XEN_IRQ_EVTCHN)
		dev = info->u.dev;
	if (dev) {
		/* 0, as sysfs lets it be written, means the default. */
		threshold = dev->spurious_threshold ?: 1;
		atomic_inc(&dev->spurious_events);
	}
	if (info->spurious < XEN_SPURIOUS_MAX)
		info->spurious++;
	if (info->spurious <= threshold)
		return 0;
	shift = info->spurious - 1 - threshold;
	delay = shift < BITS_PER_LONG - 1 ? min_t(unsigned long, 1UL << shift, HZ) : HZ;
	if (dev)
		atomic_add(delay, &dev->jiffies_eoi_delayed);
	return get_jiffies_64() + delay;
}

/**
 * xen_lateeoi_note_storm() - an overlong upcall handled this channel
 * @info: the channel
 * @cpu: the CPU running that upcall
 *
 * An EOI issued before that upcall ends is then delayed.
 */
void xen_lateeoi_note_storm(struct xen_irq_info *info, unsigned int cpu)
{
	info->eoi_cpu = cpu;
	info->eoi_epoch = xen_upcall_epoch(cpu);
	info->eoi_deadline = get_jiffies_64() + READ_ONCE(event_eoi_delay);
}

/* Take @info off the queue it waits on, keeping its due time. */
static void xen_eoi_dequeue(struct xen_irq_info *info)
{
	struct xen_eoi_queue *q = per_cpu_ptr(&xen_eoi_queue, info->eoi_cpu);
	unsigned long flags;

	raw_spin_lock_irqsave(&q->lock, flags);
	list_del_init(&info->eoi_node);
	raw_spin_unlock_irqrestore(&q->lock, flags);
}

static void xen_lateeoi_handle(struct xen_irq_info *info, bool spurious)
{
	u64 until = 0, backoff;

	/*
	 * A repeated EOI moves an already queued one; eoi_cpu may change.
	 * Most EOIs find nothing queued: no lock (often a remote CPU's) and
	 * no write to the node then.
	 */
	if (!list_empty_careful(&info->eoi_node))
		xen_eoi_dequeue(info);

	/* Only an EOI from inside the storming upcall itself is throttled. */
	if (info->eoi_deadline &&
	    info->eoi_epoch == xen_upcall_epoch(info->eoi_cpu))
		until = info->eoi_deadline;
	else
		info->eoi_cpu = raw_smp_processor_id();

	if (spurious) {
		backoff = xen_spurious_backoff(info);
		if (time_after64(backoff, until))
			until = backoff;
	} else {
		info->spurious = 0;
	}

	if (until && time_after64(until, get_jiffies_64())) {
		trace_xen_evtchn_lateeoi_defer(info->irq, READ_ONCE(info->port),
					       until - get_jiffies_64(),
					       info->spurious);
		xen_eoi_enqueue(info, until);
	} else {
		xen_lateeoi_complete(info);
	}
}

/**
 * xen_irq_lateeoi() - the driver finished handling an event
 * @irq: an irq bound with one of the *_lateeoi functions
 * @eoi_flags: XEN_EOI_FLAG_SPURIOUS if the event needed no work
 *
 * Unmasks the channel now or, when throttled, a little later. An irq that
 * is not a late-EOI event channel is reported and ignored.
 */
void xen_irq_lateeoi(unsigned int irq, unsigned int eoi_flags)
{
	struct xen_irq_info *info;
	bool lateeoi;

	/* Backends call this per event: the cheap RCU reader (see notify). */
	rcu_read_lock_sched();
	info = xen_info_from_irq(irq);
	/* Not after the unlock: the info may be freed by then. */
	lateeoi = info && info->lateeoi;
	if (lateeoi)
		xen_lateeoi_handle(info, eoi_flags & XEN_EOI_FLAG_SPURIOUS);
	rcu_read_unlock_sched();
	if (!lateeoi)
		pr_warn_ratelimited("late EOI for irq %u, which has no late EOI binding\n",
				    irq);
}
EXPORT_SYMBOL_GPL(xen_irq_lateeoi);

/* The binding goes away: a queued EOI must not touch it any more. */
void xen_lateeoi_forget(struct xen_irq_info *info)
{
	xen_eoi_dequeue(info);
	info->eoi_deadline = 0;
}

/* A dead CPU's delayed EOIs are served right away, from another CPU. */
void xen_lateeoi_cpu_dead(unsigned int cpu)
{
	mod_delayed_work(system_wq, &per_cpu_ptr(&xen_eoi_queue, cpu)->work, 0);
}

/*
 * Set up every possible CPU's queue once, so a CPU coming back online never
 * re-initialises a list that may still hold entries.
 */
void xen_lateeoi_init(void)
{
	unsigned int cpu;

	for_each_possible_cpu(cpu) {
		struct xen_eoi_queue *q = per_cpu_ptr(&xen_eoi_queue, cpu);

		raw_spin_lock_init(&q->lock);
		INIT_LIST_HEAD(&q->due);
		INIT_DELAYED_WORK(&q->work, xen_eoi_worker);
	}
}
