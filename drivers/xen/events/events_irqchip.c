// SPDX-License-Identifier: GPL-2.0-only
/*
 * How genirq sees event channels: the irq chips, the masking model behind
 * them, and moving a port to another CPU.
 *
 * Several parties mask a port for their own reasons (genirq, an affinity
 * move, a pending late EOI). Each owns one bit in xen_irq_info.mask_reasons
 * and the port is masked in the ABI exactly while any bit is set, so no
 * party can unmask a port another one still needs masked.
 */
#define pr_fmt(fmt) "xen:" KBUILD_MODNAME ": " fmt

#include <linux/cpumask.h>
#include <linux/irq.h>

#include <xen/events.h>
#include <xen/xen-ops.h>
#include <asm/xen/hypercall.h>

#include "events_internal.h"

static void xen_info_mask_locked(struct xen_irq_info *info, u8 reason)
{
	lockdep_assert_held(&info->mask_lock);
	if (!info->mask_reasons && info->port)
		xen_evtchn_abi->port_mask(info->port);
	info->mask_reasons |= reason;
}

/*
 * The ABI unmask re-raises a port that became pending while masked (Xen's
 * unmask semantics), so nothing that arrived in between is lost.
 */
static void xen_info_unmask_locked(struct xen_irq_info *info, u8 reason)
{
	lockdep_assert_held(&info->mask_lock);
	if (!(info->mask_reasons & reason))
		return;
	info->mask_reasons &= ~reason;
	if (!info->mask_reasons && info->port)
		xen_evtchn_abi->port_unmask(info->port);
}

void xen_info_mask(struct xen_irq_info *info, u8 reason)
{
	unsigned long flags;

	raw_spin_lock_irqsave(&info->mask_lock, flags);
	xen_info_mask_locked(info, reason);
	raw_spin_unlock_irqrestore(&info->mask_lock, flags);
}

/* After a new port was attached: unmask it if no reason is held. */
void xen_info_sync_mask(struct xen_irq_info *info)
{
	unsigned long flags;

	raw_spin_lock_irqsave(&info->mask_lock, flags);
	if (!info->mask_reasons && info->port)
		xen_evtchn_abi->port_unmask(info->port);
	raw_spin_unlock_irqrestore(&info->mask_lock, flags);
}

void xen_info_unmask(struct xen_irq_info *info, u8 reason)
{
	unsigned long flags;

	raw_spin_lock_irqsave(&info->mask_lock, flags);
	xen_info_unmask_locked(info, reason);
	raw_spin_unlock_irqrestore(&info->mask_lock, flags);
}

/*
 * The event has been taken over by the flow handler: later raises are new
 * events, and another CPU may pick them up. The claim is released before
 * the pending state is cleared: a raise in between is then picked up again
 * (at worst the handler runs once more). The other order loses it on
 * 2-level for good: the other CPU skips the port, still claimed, and Xen
 * finds it pending and raises nothing more.
 */
void xen_info_end_event(struct xen_irq_info *info)
{
	evtchn_port_t port = READ_ONCE(info->port);

	/* Release the claim first, ordered after the handler: see above. */
	smp_store_release(&info->in_flight, 0);
	/* Both ABIs clear with an atomic operation. */
	smp_mb__before_atomic();
	if (port)
		xen_evtchn_abi->port_clear(port);
}

void xen_chip_mask(struct irq_data *data)
{
	xen_info_mask(xen_data_info(data), XEN_MASK_IRQ_CORE);
}

void xen_chip_unmask(struct irq_data *data)
{
	xen_info_unmask(xen_data_info(data), XEN_MASK_IRQ_CORE);
}

static void xen_chip_ack(struct irq_data *data)
{
	xen_info_end_event(xen_data_info(data));
}

static void xen_chip_mask_ack(struct irq_data *data)
{
	struct xen_irq_info *info = xen_data_info(data);

	xen_info_mask(info, XEN_MASK_IRQ_CORE);
	xen_info_end_event(info);
}

/*
 * Late EOI: the port stays masked, and the event stays "in flight" so a
 * raise seen by another CPU is not handled twice, until xen_irq_lateeoi().
 */
static void xen_lateeoi_chip_ack(struct irq_data *data)
{
	struct xen_irq_info *info = xen_data_info(data);
	evtchn_port_t port;

	xen_info_mask(info, XEN_MASK_LATE_EOI);
	port = READ_ONCE(info->port);
	if (port)
		xen_evtchn_abi->port_clear(port);
}

/*
 * Returns 0 when there is no port to raise (after resume, before the
 * driver binds again): genirq then replays the interrupt itself.
 */
int xen_chip_retrigger(struct irq_data *data)
{
	struct xen_irq_info *info = xen_data_info(data);
	unsigned long flags;
	int raised = 0;

	raw_spin_lock_irqsave(&info->mask_lock, flags);
	if (info->port) {
		/* Pending while masked, then the unmask raises it for real. */
		xen_info_mask_locked(info, XEN_MASK_MOVING);
		xen_evtchn_abi->port_raise(info->port);
		xen_info_unmask_locked(info, XEN_MASK_MOVING);
		raised = 1;
	}
	raw_spin_unlock_irqrestore(&info->mask_lock, flags);
	return raised;
}

static int xen_hyp_bind_vcpu(evtchn_port_t port, unsigned int cpu)
{
	struct evtchn_bind_vcpu op = { .port = port, .vcpu = xen_vcpu_nr(cpu) };

	return HYPERVISOR_event_channel_op(EVTCHNOP_bind_vcpu, &op);
}

/*
 * Move @info's port to @cpu. The port is masked across the hypercall so no
 * event is delivered to the old CPU after Xen already targets the new
 * one; the final unmask raises anything that came in meanwhile on @cpu.
 */
int xen_info_move_to_cpu(struct xen_irq_info *info, unsigned int cpu)
{
	unsigned long flags;
	int rc = 0;

	raw_spin_lock_irqsave(&info->mask_lock, flags);
	/* The descriptor outlives an unbind until its RCU-deferred free. */
	if (info->dying)
		goto out;
	if (!info->port) {
		/* Nothing in Xen to move; remembered for the next binding. */
		xen_info_note_cpu(info, cpu);
		goto out;
	}
	if (!xen_support_evtchn_rebind()) {
		rc = -EOPNOTSUPP;
		goto out;
	}
	xen_info_mask_locked(info, XEN_MASK_MOVING);
	rc = xen_hyp_bind_vcpu(info->port, cpu);
	if (!rc)
		xen_info_note_cpu(info, cpu);
	xen_info_unmask_locked(info, XEN_MASK_MOVING);
out:
	raw_spin_unlock_irqrestore(&info->mask_lock, flags);
	return rc;
}

/* The online CPU of @mask with the fewest channels; nr_cpu_ids if none. */
static unsigned int xen_least_loaded_cpu(const struct cpumask *mask)
{
	unsigned int cpu, best = nr_cpu_ids, best_load = UINT_MAX;

	for_each_cpu_and(cpu, mask, cpu_online_mask) {
		unsigned int load = xen_cpu_channel_count(cpu);

		if (load < best_load) {
			best = cpu;
			best_load = load;
		}
	}
	return best;
}

int xen_chip_set_affinity(struct irq_data *data, const struct cpumask *dest,
			  bool force)
{
	unsigned int cpu;
	int rc;

	/* @force: the target may not be online yet (CPU bring-up). */
	if (force)
		cpu = cpumask_first(dest);
	else
		cpu = xen_least_loaded_cpu(dest);
	if (cpu >= nr_cpu_ids)
		return -EINVAL;
	rc = xen_info_move_to_cpu(xen_data_info(data), cpu);
	return rc ? rc : IRQ_SET_MASK_OK;
}

struct irq_chip xen_dyn_chip __read_mostly = {
	.name			= "xen-dyn",
	.irq_disable		= xen_chip_mask,
	.irq_mask		= xen_chip_mask,
	.irq_unmask		= xen_chip_unmask,
	.irq_ack		= xen_chip_ack,
	.irq_mask_ack		= xen_chip_mask_ack,
	.irq_set_affinity	= xen_chip_set_affinity,
	.irq_retrigger		= xen_chip_retrigger,
	.flags			= IRQCHIP_SKIP_SET_WAKE,
};

/* irqbalance recognises Xen channels by the "xen-dyn" prefix of the name. */
struct irq_chip xen_lateeoi_chip __read_mostly = {
	.name			= "xen-dyn-lateeoi",
	.irq_disable		= xen_chip_mask,
	.irq_mask		= xen_chip_mask,
	.irq_unmask		= xen_chip_unmask,
	.irq_ack		= xen_lateeoi_chip_ack,
	.irq_mask_ack		= xen_chip_mask_ack,
	.irq_set_affinity	= xen_chip_set_affinity,
	.irq_retrigger		= xen_chip_retrigger,
	.flags			= IRQCHIP_SKIP_SET_WAKE,
};

/* IPIs and per-CPU VIRQs: fixed to their CPU by Xen. */
struct irq_chip xen_percpu_chip __read_mostly = {
	.name			= "xen-percpu",
	.irq_disable		= xen_chip_mask,
	.irq_mask		= xen_chip_mask,
	.irq_unmask		= xen_chip_unmask,
	.irq_ack		= xen_chip_ack,
	.flags			= IRQCHIP_SKIP_SET_WAKE,
};
