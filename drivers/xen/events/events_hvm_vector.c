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
#include <asm/xen/pci.h>

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

/*
 * Toolstacks (libxl's "PV control available" check) decide whether the guest
 * has PV drivers solely from HVM_PARAM_CALLBACK_IRQ being non-zero, and the
 * per-vCPU vectors leave that parameter otherwise unused. We write GSI 1
 * (the value 1, which other guests use too, so every Xen and emulator
 * accepts it): a GSI-type via only drives a line for vCPU 0, and only while
 * vCPU 0 has no vector of its own; we write it after vCPU 0 got one, so no
 * line is ever asserted. A vector-type via would instead be injected at
 * every VM entry on top of the per-vCPU vectors (a second, un-EOI'd
 * delivery). Failure only hides us from the toolstack; delivery works.
 */
static void xen_hvm_mark_pv_aware(void)
{
	int rc = xen_set_callback_via(1);

	if (rc)
		pr_warn("CALLBACK_IRQ marker not set (%d): toolstack may not see PV drivers\n",
			rc);
}

static int xen_hvm_upcall_vector_op(unsigned int cpu)
{
	struct xen_hvm_evtchn_upcall_vector op = {
		.vcpu = xen_vcpu_nr(cpu),
		.vector = HYPERVISOR_CALLBACK_VECTOR,
	};
	/* The wrapper returns unsigned long; Xen's result is a negative errno. */
	long rc = (long)HYPERVISOR_hvm_op(HVMOP_set_evtchn_upcall_vector, &op);

	return (int)rc;
}

/**
 * xen_set_upcall_vector() - ask Xen to interrupt one vCPU on its own vector
 * @cpu: the CPU whose vCPU is set up
 *
 * For CPU 0 the toolstack's "PV drivers present" marker is written as well
 * (see xen_hvm_mark_pv_aware()); its failure is logged, not returned, since
 * the vector itself works and cannot be taken back.
 *
 * Return: 0 or Xen's error for the vector.
 */
int xen_set_upcall_vector(unsigned int cpu)
{
	int rc = xen_hvm_upcall_vector_op(cpu);

	if (!rc && cpu == 0)
		xen_hvm_mark_pv_aware();
	return rc;
}

/* Xen 4.17+ says so in CPUID; older Xen may have the op but not the bit. */
static bool xen_hvm_upcall_vector_advertised(void)
{
	u32 eax, ebx, ecx, edx;

	if (!xen_hvm_cpuid_leaf(4, &eax, &ebx, &ecx, &edx))
		return false;
	return eax & XEN_HVM_CPUID_UPCALL_VECTOR;
}

/**
 * xen_hvm_vector_callback_offered() - can Xen interrupt us on a vector at all?
 *
 * Asked early in boot (platform init), before the SMP operations are
 * chosen: they use event-channel IPIs only with vector delivery, and the
 * full choice (xen_hvm_choose_upcall_delivery()) comes later, from
 * init_IRQ. Without the callback-vector feature and without per-vCPU
 * vectors in CPUID nothing but the platform PCI INTx line is left, which
 * interrupts CPU 0 only. (Every Xen with the CPUID bit has the feature, so
 * a refused per-vCPU op later still leaves the global vector.)
 *
 * Return: true if some vector delivery may work.
 */
bool xen_hvm_vector_callback_offered(void)
{
	return xen_feature(XENFEAT_hvm_callback_vector) ||
	       xen_hvm_upcall_vector_advertised();
}

/*
 * CPU 0 decides: if Xen refuses its vector, nothing is armed yet and the
 * ladder can go on down. Once CPU 0 has one it cannot be removed (Xen
 * rejects vector 0), so a later CPU's failure cannot switch the domain to
 * the global vector without double delivery on CPU 0. At boot only CPU 0
 * is online; the others register on their own vCPU as they start. After a
 * resume every online CPU is done from here: their LAPICs are enabled, so
 * Xen can raise the vector on them at once. The only error left for them
 * is a vCPU Xen does not know (-ENOENT), which could not run anyway; it is
 * logged and that CPU gets no upcalls.
 */
static int xen_hvm_set_online_upcall_vectors(void)
{
	unsigned int cpu;
	int rc;

	rc = xen_set_upcall_vector(0);
	if (rc)
		return rc;
	for_each_online_cpu(cpu) {
		if (cpu == 0)
			continue;
		rc = xen_hvm_upcall_vector_op(cpu);
		if (rc)
			pr_err("CPU %u: per-vCPU upcall vector refused (%d); it gets no events\n",
			       cpu, rc);
	}
	return 0;
}

/**
 * xen_evtchn_catch_early_upcall() - act on an upcall flagged before the vector
 *
 * Called on a CPU that just registered its per-vCPU vector. Xen before
 * 4.11 interrupts only when the flag goes 0 -> 1, and the vcpu_info
 * registration or bindings made earlier may have set it already; a newer
 * Xen raises the vector on registration, in which case the self-IPI merges
 * with it in the IRR (at worst one empty upcall).
 */
void xen_evtchn_catch_early_upcall(void)
{
	struct vcpu_info *vcpu;
	unsigned long flags;

	local_irq_save(flags);
	vcpu = __this_cpu_read(xen_vcpu);
	if (vcpu && READ_ONCE(vcpu->evtchn_upcall_pending))
		__apic_send_IPI_self(HYPERVISOR_CALLBACK_VECTOR);
	local_irq_restore(flags);
}

/*
 * A per-vCPU vector is raised into the LAPIC: without a LAPIC (nolapic,
 * PIC mode) it could never arrive, while the global vector still does.
 */
static bool xen_hvm_percpu_vector_usable(void)
{
	return boot_cpu_has(X86_FEATURE_APIC) &&
	       xen_hvm_upcall_vector_advertised();
}

/**
 * xen_hvm_choose_upcall_delivery() - decide how Xen interrupts this guest
 *
 * The only place the delivery mode is decided: at boot once CPU 0's LAPIC
 * is enabled (xen_hvm_boot_cpu_lapic_ready(), CPU 0 alone online) and
 * again after each resume into a new domain (stop_machine, interrupts off
 * everywhere, so no upcall sees the flags change). Best first: a per-vCPU
 * LAPIC vector if Xen's CPUID advertises it and Xen accepts it for CPU 0;
 * else the domain-wide callback vector; else the platform PCI device's
 * INTx line (xen_have_vector_callback cleared; also the case when
 * "xen_no_vector_callback" was given). A guest that is on the INTx line
 * stays there across a resume: the platform PCI driver owns that set-up.
 * xen_percpu_upcall, and with it the LAPIC EOI in the upcall handler,
 * follows the result.
 */
void xen_hvm_choose_upcall_delivery(void)
{
	xen_percpu_upcall = false;
	if (!xen_have_vector_callback)
		return;
	if (xen_hvm_percpu_vector_usable() &&
	    !xen_hvm_set_online_upcall_vectors()) {
		xen_percpu_upcall = true;
		return;
	}
	if (!xen_feature(XENFEAT_hvm_callback_vector)) {
		xen_have_vector_callback = false;
		return;
	}
	xen_setup_callback_vector();
}

static void xen_hvm_report_delivery(void)
{
	if (xen_have_vector_callback)
		pr_info("Xen HVM callback vector for event delivery is enabled (%s)\n",
			xen_percpu_upcall ? "per vCPU" : "domain-wide");
	else
		pr_info("no Xen callback vector: events arrive on the platform PCI interrupt\n");
}

/*
 * Set at init_IRQ time when the choice waits for CPU 0's LAPIC; see
 * xen_hvm_boot_cpu_lapic_ready().
 */
static bool xen_hvm_delivery_deferred __initdata;

/**
 * xen_hvm_boot_cpu_lapic_ready() - CPU 0's LAPIC is enabled: pick delivery
 *
 * Called by the arch code right after the boot CPU's local APIC has been
 * set up (x86_init.irqs.intr_mode_init, at late time init). Xen raises a
 * per-vCPU vector the moment it is set, and Xen before 4.18 (without the
 * stable backport) sets the IRR bit even in a software-disabled LAPIC;
 * registering CPU 0 from init_IRQ, as the APs used to from their prepare
 * step, left the boot CPU a stale IRR bit. Until now nothing could have
 * been delivered anyway (no LAPIC, and the global vector is not armed
 * either), so waiting loses nothing: Xen re-raises on registration, and
 * the flag is checked once more below for a Xen that does not.
 *
 * Interrupts are on at late time init, but the choice must be made with
 * them off, as at init_IRQ and in stop_machine on resume: Xen injects the
 * vector on the hypercall's way back, before xen_percpu_upcall says that
 * the upcall has to EOI it, and a vector left in service without its EOI
 * blocks the CPU's timer and IPIs for good (seen on Xen 4.17.5).
 */
void __init xen_hvm_boot_cpu_lapic_ready(void)
{
	unsigned long flags;

	if (!xen_hvm_delivery_deferred)
		return;
	xen_hvm_delivery_deferred = false;
	local_irq_save(flags);
	xen_hvm_choose_upcall_delivery();
	if (xen_percpu_upcall)
		xen_evtchn_catch_early_upcall();
	local_irq_restore(flags);
	xen_hvm_report_delivery();
}

/**
 * xen_evtchn_hvm_delivery_init() - set up upcall delivery on the boot CPU
 *
 * Runs from xen_init_IRQ() (x86_init.irqs.intr_init), before
 * native_init_IRQ() finalises the IDT: the gate must be installed first.
 * The gate serves every mode; which one Xen uses is chosen here only if it
 * cannot be a per-vCPU vector. Otherwise the choice waits until CPU 0's
 * LAPIC is enabled (xen_hvm_boot_cpu_lapic_ready()), as later CPUs
 * register their own vector once theirs is (the arch code's starting-state
 * hotplug callback).
 */
void __init xen_evtchn_hvm_delivery_init(void)
{
	if (!xen_hvm_domain())
		return;
	if (xen_have_vector_callback && xen_hvm_percpu_vector_usable()) {
		xen_hvm_delivery_deferred = true;
	} else {
		xen_hvm_choose_upcall_delivery();
		xen_hvm_report_delivery();
	}
	if (xen_have_vector_callback)
		sysvec_install(HYPERVISOR_CALLBACK_VECTOR, sysvec_xen_hvm_callback);
	native_init_IRQ();
	/*
	 * With XENFEAT_hvm_pirqs and a vector, ACPI's GSIs (the SCI, PCI
	 * INTx) and MSIs of emulated devices come as PIRQs; it replaces the
	 * GSI hook that native_init_IRQ() set up, so it must come after it.
	 */
	pci_xen_hvm_init();
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
