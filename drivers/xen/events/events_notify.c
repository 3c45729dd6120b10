// SPDX-License-Identifier: GPL-2.0-only
/*
 * Using a bound port: notifying the other end, sending IPIs, looking up
 * the irq of a port, priorities, and the pending/poll helpers of the PV
 * spinlock and pcifront.
 */
#define pr_fmt(fmt) "xen:" KBUILD_MODNAME ": " fmt

#include <linux/export.h>
#include <linux/irq.h>
#include <linux/rcupdate.h>

#include <xen/events.h>
#include <xen/xen-ops.h>
#include <xen/interface/sched.h>
#include <xen/interface/vcpu.h>
#include <asm/xen/hypercall.h>

#include "events_internal.h"

static atomic_long_t xen_stale_notifies = ATOMIC_LONG_INIT(0);

/* Notifies dropped because the irq had no port (tests read this). */
unsigned long xen_evtchn_stale_notifies(void)
{
	return atomic_long_read(&xen_stale_notifies);
}

/*
 * The port bound to @irq now; 0 for none (or not ours). Every notify asks
 * this: the RCU-sched reader (preemption off) also holds off the grace
 * period that frees an info, and unlike rcu_read_lock() under preemptible
 * RCU it costs no function call.
 */
static __always_inline evtchn_port_t xen_irq_port(int irq)
{
	struct xen_irq_info *info;
	evtchn_port_t port = 0;

	rcu_read_lock_sched();
	info = irq >= 0 ? xen_info_from_irq(irq) : NULL;
	if (info)
		port = READ_ONCE(info->port);
	rcu_read_unlock_sched();
	return port;
}

evtchn_port_t xen_port_of_irq(int irq)
{
	return xen_irq_port(irq);
}

/**
 * notify_remote_via_irq() - send an event on the port bound to an irq
 * @irq: a bound irq
 */
void notify_remote_via_irq(int irq)
{
	evtchn_port_t port = xen_irq_port(irq);

	if (port) {
		notify_remote_via_evtchn(port);
		return;
	}
	/* After resume a driver's old port is gone until it rebinds. */
	atomic_long_inc(&xen_stale_notifies);
	pr_warn_ratelimited("notify on irq %d without a port dropped\n", irq);
}
EXPORT_SYMBOL_GPL(notify_remote_via_irq);

/**
 * irq_from_evtchn() - the irq bound to a port
 * @evtchn: the port
 *
 * After a resume a binding its driver has not bound again is still found
 * by the port it had before, as long as no binding of the new domain
 * holds that port: the driver can then unbind it (evtchn.c does when its
 * file is closed, and BUG()s if it finds nothing).
 *
 * Return: the irq number, or (unsigned int)-1 if nothing is bound.
 */
unsigned int irq_from_evtchn(evtchn_port_t evtchn)
{
	struct xen_irq_info *info;
	unsigned int irq = -1;

	rcu_read_lock();
	info = xen_info_from_port(evtchn);
	if (!info && evtchn)
		info = xen_info_from_stale_port(evtchn);
	if (info)
		irq = info->irq;
	rcu_read_unlock();
	return irq;
}
EXPORT_SYMBOL_GPL(irq_from_evtchn);

/**
 * irq_evtchn_from_virq() - irq and port of a VIRQ binding
 * @cpu: the CPU the VIRQ was bound for
 * @virq: VIRQ_* number
 * @evtchn: the port is stored here
 *
 * Return: the irq number, or -1 if the VIRQ is not bound on @cpu.
 */
int irq_evtchn_from_virq(unsigned int cpu, unsigned int virq,
			 evtchn_port_t *evtchn)
{
	struct xen_irq_info *info;
	int irq = -1;

	if (virq >= NR_VIRQS || !xen_cpu_usable(cpu))
		return -1;
	rcu_read_lock();
	info = READ_ONCE(per_cpu(xen_cpu_bindings, cpu).virq[virq]);
	if (info && info->port) {
		*evtchn = info->port;
		irq = info->irq;
	}
	rcu_read_unlock();
	return irq;
}

/**
 * xen_send_IPI_one() - interrupt one CPU
 * @cpu: target CPU
 * @vector: which IPI
 */
void xen_send_IPI_one(unsigned int cpu, enum ipi_vector vector)
{
	evtchn_port_t port;

	if (!xen_cpu_usable(cpu) || (unsigned int)vector >= XEN_NR_IPIS) {
		WARN_ONCE(1, "IPI %d to invalid CPU %u\n", vector, cpu);
		return;
	}
#ifdef CONFIG_X86
	/* An NMI cannot travel as an event: Xen injects it directly. */
	if (vector == XEN_NMI_VECTOR) {
		int rc = HYPERVISOR_vcpu_op(VCPUOP_send_nmi, xen_vcpu_nr(cpu),
					    NULL);

		if (rc < 0)
			pr_warn_ratelimited("NMI to CPU %u failed: %d\n", cpu, rc);
		return;
	}
#endif
	port = READ_ONCE(per_cpu(xen_cpu_bindings, cpu).ipi_port[vector]);
	if (WARN_ONCE(!port, "IPI %d to CPU %u, which has none bound\n",
		      vector, cpu))
		return;
	notify_remote_via_evtchn(port);
}

/**
 * xen_evtchn_nr_channels() - ports the ABI in use can address right now
 *
 * Return: the number of ports (port numbers are below it).
 */
unsigned int xen_evtchn_nr_channels(void)
{
	return xen_evtchn_abi ? xen_evtchn_abi->port_span() : 0;
}
EXPORT_SYMBOL_GPL(xen_evtchn_nr_channels);

/**
 * xen_set_irq_priority() - FIFO priority of the port behind an irq
 * @irq: a bound irq
 * @priority: XEN_IRQ_PRIORITY_MAX (0) .. XEN_IRQ_PRIORITY_MIN (15)
 *
 * Return: 0, -EINVAL for a bad irq or priority, -ENOTCONN if no port is
 * bound, -EOPNOTSUPP under the 2-level ABI (which has no priorities), or Xen's
 * error.
 */
int xen_set_irq_priority(unsigned int irq, unsigned int priority)
{
	struct xen_irq_info *info;
	evtchn_port_t port;
	int rc;

	if (priority > XEN_IRQ_PRIORITY_MIN)
		return -EINVAL;
	/* The hypercall does not sleep: the info stays valid around it. */
	rcu_read_lock_sched();
	info = xen_info_from_irq(irq);
	port = info ? READ_ONCE(info->port) : 0;
	if (!info)
		rc = -EINVAL;
	else if (!port)
		rc = -ENOTCONN;
	else if (!xen_evtchn_abi->set_priority)
		rc = -EOPNOTSUPP;
	else
		rc = xen_evtchn_abi->set_priority(port, priority);
	if (!rc)
		WRITE_ONCE(info->priority, priority);
	rcu_read_unlock_sched();
	return rc;
}
EXPORT_SYMBOL_GPL(xen_set_irq_priority);

/**
 * xen_clear_irq_pending() - clear the pending state of an irq's port
 * @irq: a bound irq
 */
void xen_clear_irq_pending(int irq)
{
	evtchn_port_t port = xen_port_of_irq(irq);

	if (port)
		xen_evtchn_abi->port_clear(port);
}
EXPORT_SYMBOL(xen_clear_irq_pending);

/**
 * xen_test_irq_pending() - test the pending state of an irq's port
 * @irq: a bound irq
 *
 * Return: true if the port is pending; false also for an unbound irq.
 */
bool xen_test_irq_pending(int irq)
{
	evtchn_port_t port = xen_port_of_irq(irq);

	return port && xen_evtchn_abi->port_raised(port);
}

/**
 * xen_poll_irq_timeout() - block the vCPU until an irq's port is pending
 * @irq: a bound irq (normally disabled, so no handler runs)
 * @timeout: absolute Xen system time in ns when to give up; 0 = never
 */
void xen_poll_irq_timeout(int irq, u64 timeout)
{
	evtchn_port_t port = xen_port_of_irq(irq);
	struct sched_poll poll = { .nr_ports = 1, .timeout = timeout };
	int rc;

	if (!port)
		return;
	set_xen_guest_handle(poll.ports, &port);
	rc = HYPERVISOR_sched_op(SCHEDOP_poll, &poll);
	if (rc)
		pr_warn_ratelimited("poll on port %u failed: %d\n", port, rc);
}
EXPORT_SYMBOL(xen_poll_irq_timeout);

/**
 * xen_poll_irq() - xen_poll_irq_timeout() without a timeout
 * @irq: a bound irq
 */
void xen_poll_irq(int irq)
{
	xen_poll_irq_timeout(irq, 0);
}
