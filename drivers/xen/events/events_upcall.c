// SPDX-License-Identifier: GPL-2.0-only
/*
 * The upcall: Xen interrupted this CPU because events are pending. Ask the
 * ABI back-end for the pending ports and hand each to its interrupt.
 *
 * A storm must not hold a CPU forever: once one run of the upcall has
 * lasted event_loop_timeout jiffies, late-EOI channels it handles get their
 * EOI deferred (events_lateeoi.c), and the run itself stops after a few
 * more rounds if Xen can re-deliver the rest.
 */
#define pr_fmt(fmt) "xen:" KBUILD_MODNAME ": " fmt

#include <linux/atomic.h>
#include <linux/irq.h>
#include <linux/irqdesc.h>
#include <linux/jiffies.h>
#include <linux/moduleparam.h>
#include <linux/rcupdate.h>
#include <linux/sched/clock.h>

#include <xen/events.h>
#include <xen/xenbus.h>
#include <xen/xen-ops.h>
#include <xen/interface/xen.h>

#include "events_internal.h"

#define CREATE_TRACE_POINTS
#include <trace/events/xen_evtchn.h>

#undef MODULE_PARAM_PREFIX
#define MODULE_PARAM_PREFIX "xen."

static uint event_loop_timeout = 2;
module_param(event_loop_timeout, uint, 0644);

/* Check the clock only every this many events: it is cheap, not free. */
#define XEN_EVENTS_PER_CLOCK_CHECK	256
/* Rounds a run may still make once its deadline passed. */
#define XEN_ROUNDS_AFTER_DEADLINE	2

/* Bumped at the end of every upcall; lets a late EOI tell "same upcall". */
static DEFINE_PER_CPU(unsigned int, xen_epoch);
DEFINE_PER_CPU(struct xen_upcall_stats, xen_upcall_stats);
static atomic_long_t xen_stray_events = ATOMIC_LONG_INIT(0);
static atomic_long_t xen_offline_drops = ATOMIC_LONG_INIT(0);

unsigned int xen_upcall_epoch(unsigned int cpu)
{
	return READ_ONCE(per_cpu(xen_epoch, cpu));
}

/* Events Xen signalled on ports nothing is bound to (tests read this). */
unsigned long xen_evtchn_stray_events(void)
{
	return atomic_long_read(&xen_stray_events);
}

/* Events left for a CPU that went offline and could not be moved. */
unsigned long xen_evtchn_offline_drops(void)
{
	return atomic_long_read(&xen_offline_drops);
}

/* Arm the run's deadline on first use, later check whether it passed. */
static void xen_loop_check_clock(struct xen_evtchn_loop *loop)
{
	/*
	 * Not jiffies: with interrupts off in the upcall, jiffies only moves
	 * if a timer VIRQ is handled in this very loop or another CPU ticks.
	 */
	if (!loop->deadline_armed) {
		loop->deadline = local_clock() +
				 jiffies_to_nsecs(READ_ONCE(event_loop_timeout));
		loop->deadline_armed = true;
	} else if (local_clock() >= loop->deadline) {
		loop->defer_eoi = true;
	}
}

static void xen_loop_account(struct xen_evtchn_loop *loop)
{
	if (!(++loop->events % XEN_EVENTS_PER_CLOCK_CHECK))
		xen_loop_check_clock(loop);
}

/*
 * A port with nothing bound raised an event: a hypervisor bug, or a port
 * torn down while its event was in flight. Mask it so it cannot raise the
 * upcall again; its pending state is kept, so if the port is bound right
 * now the event is delivered when the new binding unmasks it.
 */
static void xen_stray_event(evtchn_port_t port)
{
	struct xen_irq_info *info;

	atomic_long_inc(&xen_stray_events);
	this_cpu_inc(xen_upcall_stats.stray);
	xen_evtchn_abi->port_mask(port);
	/*
	 * The lookup that found nothing took no lock: if the port was bound
	 * (and unmasked) since, the binding's own mask state wins again.
	 */
	info = xen_info_from_port(port);
	if (info)
		xen_info_sync_mask(info);
	pr_warn_ratelimited("event on unbound port %u\n", port);
}

/*
 * Drain of a dead CPU's queues: its interrupts have already been moved by
 * genirq, so re-raise each event where its port lives now. Masking and
 * unmasking a pending port makes Xen raise it again on the port's current
 * vCPU. A port still tied to the dead CPU (per-vCPU VIRQ, IPI) cannot move
 * and its event is meaningless now.
 */
static void xen_rehome_event(struct xen_irq_info *info, unsigned int dead_cpu)
{
	unsigned long flags;

	raw_spin_lock_irqsave(&info->mask_lock, flags);
	if (info->cpu == dead_cpu) {
		atomic_long_inc(&xen_offline_drops);
	} else if (!info->mask_reasons && info->port) {
		xen_evtchn_abi->port_mask(info->port);
		xen_evtchn_abi->port_unmask(info->port);
	}
	/* A masked port keeps its pending state until it is unmasked. */
	raw_spin_unlock_irqrestore(&info->mask_lock, flags);
}

/**
 * xen_evtchn_dispatch() - deliver one pending port
 * @port: the port the back-end found pending and unmasked
 * @loop: the current run (an upcall, or the drain of a dead CPU)
 *
 * Context: interrupts off; RCU (any flavour) protects the port table lookup.
 */
void xen_evtchn_dispatch(evtchn_port_t port, struct xen_evtchn_loop *loop)
{
	struct xen_irq_info *info = xen_info_from_port(port);

	if (unlikely(!info)) {
		xen_stray_event(port);
		return;
	}
	if (unlikely(loop->rehome)) {
		xen_rehome_event(info, loop->cpu);
		return;
	}
	/*
	 * Another CPU picked this port up and has not acked it yet (it was
	 * just moved here, or re-raised by an unmask): its ack gives up the
	 * claim before it clears the pending state, and its handler runs
	 * after the ack, so that handler covers this raise too.
	 */
	if (xchg_acquire(&info->in_flight, 1))
		return;

	xen_loop_account(loop);
	/* One CPU at a time holds the claim: a plain increment will do. */
	WRITE_ONCE(info->events, info->events + 1);
	trace_xen_evtchn_dispatch(port, info->irq);
	if (info->kind == XEN_IRQ_EVTCHN && info->u.dev)
		atomic_inc(&info->u.dev->events);
	if (loop->defer_eoi && info->lateeoi)
		xen_lateeoi_note_storm(info, loop->cpu);

	/* The descriptor lives as long as the info: no lookup by number. */
	handle_irq_desc(info->desc);
}

/* The figures of debugfs xen/events/upcalls; interrupts are off. */
static void xen_upcall_account(const struct xen_evtchn_loop *loop,
			       unsigned int rounds, bool cut_short)
{
	struct xen_upcall_stats *st = this_cpu_ptr(&xen_upcall_stats);

	st->upcalls++;
	st->events += loop->events;
	st->rounds += rounds;
	if (loop->events > st->max_events)
		st->max_events = loop->events;
	if (loop->defer_eoi)
		st->deadline_hits++;
	if (cut_short)
		st->cut_short++;
}

/**
 * xen_evtchn_do_upcall() - handle all events pending for this CPU
 *
 * Called by the architecture's upcall entry (vector, PCI INTx, PV callback,
 * ARM PPI) with interrupts off.
 *
 * Return: IRQ_HANDLED if Xen had flagged events for this CPU, else IRQ_NONE
 * (the PCI INTx line is shared).
 */
int xen_evtchn_do_upcall(void)
{
	struct vcpu_info *vcpu = __this_cpu_read(xen_vcpu);
	struct xen_evtchn_loop loop = { .cpu = smp_processor_id() };
	unsigned int late_rounds = 0, rounds = 0;
	bool cut_short = false;
	int ret = IRQ_NONE;

	if (unlikely(!vcpu || !xen_evtchn_abi))
		return IRQ_NONE;
	if (READ_ONCE(vcpu->evtchn_upcall_pending))
		ret = IRQ_HANDLED;
	trace_xen_evtchn_upcall_entry(ret == IRQ_HANDLED);

	/*
	 * Interrupts are off, which already makes this an RCU reader; the
	 * sched flavour says so to lockdep at no cost (rcu_read_lock() is a
	 * function call under preemptible RCU).
	 */
	rcu_read_lock_sched();
	for (;;) {
		/*
		 * Clear the flag before scanning: Xen sets it again for any
		 * event raised during the scan, and only on a 0 -> 1
		 * transition does it interrupt us, so that event is picked
		 * up by the next round instead of being lost.
		 */
		WRITE_ONCE(vcpu->evtchn_upcall_pending, 0);
		xen_evtchn_abi->scan(&loop);
		rounds++;
		WARN_ON_ONCE(!irqs_disabled());
		/* Order the scan's reads before the re-check of the flag. */
		virt_rmb();
		if (!READ_ONCE(vcpu->evtchn_upcall_pending))
			break;
		/* Rounds count too: a scan may find work without dispatching. */
		xen_loop_check_clock(&loop);
		/*
		 * Past the deadline, stop once Xen can interrupt us again for
		 * the rest (the flag stays set), so others get the CPU.
		 */
		if (loop.defer_eoi && ++late_rounds > XEN_ROUNDS_AFTER_DEADLINE &&
		    xen_evtchn_redeliver_upcall()) {
			cut_short = true;
			break;
		}
	}
	rcu_read_unlock_sched();

	xen_upcall_account(&loop, rounds, cut_short);
	trace_xen_evtchn_upcall_exit(loop.events, rounds, loop.defer_eoi);
	__this_cpu_inc(xen_epoch);
	return ret;
}
EXPORT_SYMBOL_GPL(xen_evtchn_do_upcall);
