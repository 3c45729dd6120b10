// SPDX-License-Identifier: GPL-2.0-only
/*
 * Life cycle of the event-channel core: choosing the ABI at boot, CPUs
 * coming and going, and re-creating bindings after save/restore.
 */
#define pr_fmt(fmt) "xen:" KBUILD_MODNAME ": " fmt

#include <linux/cpuhotplug.h>
#include <linux/init.h>
#include <linux/kstrtox.h>
#include <linux/moduleparam.h>

#include <xen/events.h>
#include <xen/xen.h>
#include <xen/xen-ops.h>

#include "events_internal.h"

#include <trace/events/xen_evtchn.h>

#undef MODULE_PARAM_PREFIX
#define MODULE_PARAM_PREFIX "xen."

/* Try the FIFO ABI at boot; cleared when 2-level is in use. */
bool xen_fifo_events = true;
module_param_named(fifo_events, xen_fifo_events, bool, 0);

/* The same switch spelled xen_fifo_events=0|1 on the command line. */
static int __init xen_parse_fifo_events(char *arg)
{
	if (!arg) {
		xen_fifo_events = true;
		return 0;
	}
	return kstrtobool(arg, &xen_fifo_events);
}
early_param("xen_fifo_events", xen_parse_fifo_events);

static void __init xen_evtchn_choose_abi(void)
{
	const struct xen_evtchn_abi *abi = NULL;

	if (xen_fifo_events)
		abi = xen_evtchn_fifo_select();
	if (!abi) {
		abi = xen_evtchn_2l_select();
		xen_fifo_events = false;
	}
	xen_evtchn_abi = abi;
	pr_info("Using %s ABI\n", abi->name);
	trace_xen_evtchn_abi(abi->name, "boot");
}

/*
 * CPUHP_XEN_EVTCHN_PREPARE runs after the arch's CPUHP_XEN_PREPARE, which
 * already binds the new CPU's timer and IPIs. The bind paths therefore make
 * the CPU ready themselves (xen_evtchn_cpu_ready()); this callback covers a
 * CPU that has nothing bound by the arch code.
 */
static int xen_evtchn_cpuhp_prepare(unsigned int cpu)
{
	return xen_evtchn_cpu_ready(cpu);
}

static int xen_evtchn_cpuhp_dead(unsigned int cpu)
{
	if (xen_evtchn_abi->cpu_dead)
		xen_evtchn_abi->cpu_dead(cpu);
	xen_lateeoi_cpu_dead(cpu);
	return 0;
}

/**
 * xen_init_IRQ() - set up event channels; boot CPU, once
 *
 * Chooses the ABI, prepares late EOI, registers the CPU hotplug callbacks
 * and, on x86 HVM, the upcall vector.
 */
void __init xen_init_IRQ(void)
{
	int rc;

	xen_evtchn_choose_abi();
	xen_lateeoi_init();

	rc = cpuhp_setup_state_nocalls(CPUHP_XEN_EVTCHN_PREPARE,
				       "xen/evtchn:prepare",
				       xen_evtchn_cpuhp_prepare,
				       xen_evtchn_cpuhp_dead);
	if (rc)
		pr_err("no CPU hotplug callbacks (%d): new CPUs get no events\n",
		       rc);

	xen_evtchn_hvm_delivery_init();
	xen_pirq_init();
}

/*
 * Resume: the ports of the old domain do not exist here. Every binding
 * forgets its port; VIRQs and IPIs are bound again below, other ports
 * wait until their driver rebinds them (rebind_evtchn_irq() or a fresh
 * bind after the xenbus reconnect). Until then a notify on them is
 * counted and dropped.
 */
static unsigned int xen_resume_forget_ports(void)
{
	struct xen_irq_info *info;
	unsigned int forgotten = 0;

	xen_port_table_forget_all();
	/*
	 * Once per binding, 10,000s of them on a big guest: the least work
	 * possible. Still stale from an earlier resume (no port): it keeps
	 * its first port.
	 */
	list_for_each_entry(info, &xen_irq_all, all_node) {
		if (info->port) {
			info->stale_port = info->port;
			info->port = 0;
			forgotten++;
		}
		/* No upcall runs now; plain order is enough, kept explicit. */
		smp_store_release(&info->in_flight, 0);
	}
	return forgotten;
}

/* VIRQs and IPIs bound again by the current resume (its trace event). */
static unsigned int xen_resume_rebound;

/* stop_machine: no sleeping allocation, no mutex; nothing else runs. */
static void xen_resume_attach(struct xen_irq_info *info, evtchn_port_t port,
			      int rc, unsigned int cpu)
{
	if (!rc)
		rc = xen_info_attach_port(info, port, cpu, GFP_ATOMIC);
	if (rc)
		pr_err("resume: irq %u (kind %d) on CPU %u not re-bound: %d\n",
		       info->irq, info->kind, cpu, rc);
	else
		xen_resume_rebound++;
}

static void xen_resume_virqs(unsigned int cpu)
{
	struct evtchn_bind_virq op;
	struct xen_irq_info *info;
	unsigned int virq;
	int rc;

	for (virq = 0; virq < NR_VIRQS; virq++) {
		info = per_cpu(xen_cpu_bindings, cpu).virq[virq];
		if (!info)
			continue;
		op.virq = virq;
		op.vcpu = xen_vcpu_nr(cpu);
		rc = HYPERVISOR_event_channel_op(EVTCHNOP_bind_virq, &op);
		xen_resume_attach(info, op.port, rc, cpu);
	}
}

static void xen_resume_ipis(unsigned int cpu)
{
	struct evtchn_bind_ipi op;
	struct xen_irq_info *info;
	unsigned int ipi;
	int rc;

	for (ipi = 0; ipi < XEN_NR_IPIS; ipi++) {
		info = per_cpu(xen_cpu_bindings, cpu).ipi[ipi];
		if (!info)
			continue;
		op.vcpu = xen_vcpu_nr(cpu);
		rc = HYPERVISOR_event_channel_op(EVTCHNOP_bind_ipi, &op);
		xen_resume_attach(info, op.port, rc, cpu);
		xen_evtchn_set_ipi_port(cpu, ipi, info->port);
	}
}

/*
 * The ABI the old host ran may be missing here (FIFO on a host without it):
 * then continue on 2-level. Nothing is bound at this point, so the switch
 * loses nothing.
 */
static void xen_resume_abi(void)
{
	int rc = 0;

	if (xen_evtchn_abi->reattach)
		rc = xen_evtchn_abi->reattach();
	if (!rc)
		return;
	pr_warn("resume: %s ABI unusable (%d), switching to 2-level\n",
		xen_evtchn_abi->name, rc);
	xen_evtchn_abi = xen_evtchn_2l_select();
	xen_fifo_events = false;
	trace_xen_evtchn_abi(xen_evtchn_abi->name, "resume");
}

/**
 * xen_irq_resume() - re-create event delivery after save/restore
 *
 * Context: stop_machine on one CPU with interrupts off, after the shared
 * info page and vcpu_info areas were re-registered, in the new domain.
 */
void xen_irq_resume(void)
{
	unsigned int cpu, forgotten;

	xen_resume_abi();
	forgotten = xen_resume_forget_ports();
	xen_resume_rebound = 0;
	for_each_possible_cpu(cpu) {
		xen_resume_virqs(cpu);
		xen_resume_ipis(cpu);
	}
	xen_pirq_resume();
	/*
	 * Re-binding goes through mask and unmask, which re-raises anything
	 * that became pending meanwhile; one full scan on every CPU catches
	 * whatever else the new domain signalled before we were ready.
	 */
	if (xen_evtchn_abi->rescan) {
		xen_evtchn_abi->rescan();
		for_each_online_cpu(cpu)
			xen_evtchn_kick_upcall(cpu);
	}
	trace_xen_evtchn_resume(forgotten, xen_resume_rebound);
}
