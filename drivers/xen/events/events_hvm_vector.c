// SPDX-License-Identifier: GPL-2.0-only
/*
 * How Xen interrupts an x86 HVM/PVH guest when events are pending, in order
 * of preference: a per-vCPU LAPIC vector (HVMOP_set_evtchn_upcall_vector),
 * the domain-wide callback vector (HVM_PARAM_CALLBACK_IRQ of vector type),
 * or, without either, the xen-platform-pci INTx line (set up by that
 * driver; then every event arrives on CPU 0).
 */
#define pr_fmt(fmt) "xen:" KBUILD_MODNAME ": " fmt

#include <linux/init.h>
#include <linux/irq.h>

#include <xen/events.h>
#include <xen/features.h>
#include <xen/hvm.h>
#include <xen/xen.h>
#include <xen/xen-ops.h>
#include <xen/interface/hvm/hvm_op.h>

#include <asm/apic.h>
#include <asm/desc.h>
#include <asm/idtentry.h>
#include <asm/irq_vectors.h>
#include <asm/xen/cpuid.h>
#include <asm/xen/hypervisor.h>

#include "events_internal.h"

/**
 * xen_setup_callback_vector() - ask Xen for the domain-wide callback vector
 *
 * Used at boot and again after resume. If Xen refuses, vector delivery is
 * off and events must come through the platform PCI device.
 */
void xen_setup_callback_vector(void)
{
	u64 via = HVM_CALLBACK_VECTOR(HYPERVISOR_CALLBACK_VECTOR);

	if (!xen_have_vector_callback)
		return;
	if (xen_set_callback_via(via)) {
		pr_err("Request for Xen HVM callback vector failed\n");
		xen_have_vector_callback = false;
	}
}

/**
 * xen_set_upcall_vector() - ask Xen to interrupt one vCPU on its own vector
 * @cpu: the CPU whose vCPU is set up
 *
 * Return: 0 or Xen's error.
 */
int xen_set_upcall_vector(unsigned int cpu)
{
	struct xen_hvm_evtchn_upcall_vector op = {
		.vcpu = per_cpu(xen_vcpu_id, cpu),
		.vector = HYPERVISOR_CALLBACK_VECTOR,
	};
	int rc;

	rc = (int)HYPERVISOR_hvm_op(HVMOP_set_evtchn_upcall_vector, &op);
	if (rc || cpu)
		return rc;
	/*
	 * Toolstacks judge whether a guest is PV-aware by CALLBACK_IRQ being
	 * set; with per-vCPU vectors it is otherwise unused, so any non-zero
	 * value does. Xen ignores it for delivery while vectors are set.
	 */
	return xen_set_callback_via(1);
}

static bool __init xen_cpuid_has_upcall_vector(void)
{
	u32 base = xen_cpuid_base();

	/* Leaf base+4 only means something if a Xen base was found. */
	return base && (cpuid_eax(base + 4) & XEN_HVM_CPUID_UPCALL_VECTOR);
}

static void __init xen_choose_vector_delivery(void)
{
	if (!xen_have_vector_callback)
		return;
	/* Preferred: no shared state between vCPUs, and it can be moved. */
	if (xen_cpuid_has_upcall_vector() && !xen_set_upcall_vector(0)) {
		xen_percpu_upcall = true;
		return;
	}
	if (!xen_feature(XENFEAT_hvm_callback_vector)) {
		/* Only the platform PCI device's INTx line is left. */
		xen_have_vector_callback = false;
		return;
	}
	xen_setup_callback_vector();
}

/**
 * xen_evtchn_hvm_delivery_init() - set up upcall delivery on the boot CPU
 *
 * Runs from xen_init_IRQ() (x86_init.irqs.intr_init), before
 * native_init_IRQ() finalises the IDT: the vector must be installed first.
 * Later CPUs get their per-vCPU vector from the arch hotplug code.
 */
void __init xen_evtchn_hvm_delivery_init(void)
{
	if (!xen_hvm_domain())
		return;
	xen_choose_vector_delivery();
	if (xen_have_vector_callback) {
		pr_info("Xen HVM callback vector for event delivery is enabled\n");
		sysvec_install(HYPERVISOR_CALLBACK_VECTOR, sysvec_xen_hvm_callback);
	}
	native_init_IRQ();
	/*
	 * pci_xen_hvm_init() is deliberately not called: it would route GSIs
	 * and MSIs through PIRQs, which this core does not support yet, so
	 * emulated devices keep the native IO-APIC/MSI delivery.
	 */
}

/**
 * xen_evtchn_kick_upcall() - make sure a CPU whose upcall flag we set runs
 *	its upcall
 * @cpu: the CPU
 *
 * Xen interrupts a per-vCPU vector only when it sets the flag itself; a
 * flag we set is otherwise never noticed and, worse, stops Xen from
 * interrupting for new events. The other delivery modes act on the flag
 * as it is (see xen_evtchn_redeliver_upcall()). An IPI sent while the
 * target has interrupts off waits in its LAPIC.
 */
void xen_evtchn_kick_upcall(unsigned int cpu)
{
	if (xen_hvm_domain() && xen_percpu_upcall)
		__apic_send_IPI(cpu, HYPERVISOR_CALLBACK_VECTOR);
}

/**
 * xen_evtchn_redeliver_upcall() - can Xen bring us back for what is left?
 *
 * Called with this CPU's upcall-pending flag set. With a per-vCPU vector
 * Xen interrupts only on a 0 -> 1 change of the flag, so we interrupt
 * ourselves. The domain-wide vector is re-injected at every VM entry
 * while the flag is set, and PCI INTx is level-triggered: nothing to do.
 *
 * Return: true if the upcall may return with events still pending.
 */
bool xen_evtchn_redeliver_upcall(void)
{
	if (!xen_hvm_domain())
		return xen_pv_domain();
	if (xen_percpu_upcall)
		__apic_send_IPI_self(HYPERVISOR_CALLBACK_VECTOR);
	return true;
}
