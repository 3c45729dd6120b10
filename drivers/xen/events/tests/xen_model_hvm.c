// SPDX-License-Identifier: GPL-2.0-only
/*
 * Software model of Xen: upcall delivery to an x86 HVM/PVH guest (spec 5.4
 * and 7; xen/arch/x86/hvm/irq.c, hvm.c, vlapic.c), the modelled local APIC
 * of scratch domains, and HVMOP set/get_param and set_evtchn_upcall_vector.
 */
#include <linux/bitops.h>
#include <linux/cpumask.h>
#include <linux/errno.h>
#include <linux/smp.h>
#include <linux/types.h>
#include <asm/apic.h>
#include <xen/interface/hvm/hvm_op.h>
#include <xen/interface/hvm/params.h>
#include "xen_model_internal.h"

#define XM_CALLBACK_TYPE_SHIFT		56
#define XM_CALLBACK_TYPE_GSI		0
#define XM_CALLBACK_TYPE_PCI_INTX	1
#define XM_CALLBACK_TYPE_VECTOR		2
#define XM_MIN_UPCALL_VECTOR		0x10

/* HVM params a guest may set / read on itself (xen/arch/x86/hvm/hvm.c). */
#define XM_PARAM_VM86_TSS		15
#define XM_PARAM_ACPI_IOPORTS_LOCATION	19
#define XM_PARAM_VM_GENERATION_ID_ADDR	34
#define XM_PARAM_ALTP2M			35
#define XM_PARAM_X87_FIP_WIDTH		36
#define XM_PARAM_VM86_TSS_SIZED		37

static struct vcpu_info *xm_upcall_info(struct xm_domain *d, unsigned int vcpu)
{
	return xm_vcpu_info_locked(d, vcpu);
}

static bool xm_upcall_flag(struct xm_domain *d, unsigned int vcpu)
{
	return READ_ONCE(xm_upcall_info(d, vcpu)->evtchn_upcall_pending) & 1;
}

/* --- the modelled local APIC ------------------------------------------------ */

/*
 * spec 7.2: a per-vCPU vector is an edge interrupt through the LAPIC (IRR,
 * then EOI). Since Xen 4.18 (spec 7.4, cfg.lapic_fix) nothing is sent
 * while the LAPIC is disabled; before, the IRR bit was set regardless.
 */
/*
 * A live vCPU is marked online by xm_live_vcpu_started(), once its CPU runs
 * with a working local APIC; an IPI sent before would be lost or left stale
 * in IRR while the kernel sets the APIC up.
 */
static bool xm_live_cpu_takes_irqs(struct xm_domain *d, unsigned int vcpu)
{
	return d->vcpus[vcpu].online && cpu_online(vcpu);
}

/*
 * Is a live vCPU's real local APIC software-enabled? A CPU the model knows
 * to run has it on. Otherwise the CPU itself can tell, from its SVR (an AP
 * registering its own vector between setup_local_APIC() and the online
 * states), and the model remembers what it saw until the CPU dies or is
 * sent INIT. For another CPU, Linux marks an AP online only after it set
 * up its LAPIC and clears the mark as it soft-disables the LAPIC to die
 * (native_cpu_disable()); a CPU not marked counts as disabled. (Only the
 * boot CPU is marked before its LAPIC is set up; its early raises are its
 * own, and read the SVR.)
 */
static bool xm_live_lapic_enabled(struct xm_domain *d, unsigned int vcpu)
{
	struct xm_vcpu *vc = &d->vcpus[vcpu];

	if (xm_live_cpu_takes_irqs(d, vcpu) || vc->lapic_seen_on)
		return true;
	if (vcpu != smp_processor_id())
		return cpu_online(vcpu);
	vc->lapic_seen_on = apic_read(APIC_SPIV) & APIC_SPIV_APIC_ENABLED;
	return vc->lapic_seen_on;
}

/*
 * A vCPU raising its own vector once its LAPIC is on (the boot CPU before
 * the model marks it running, xmb_early_init()) takes it as Xen would
 * deliver it: on the way back from the hypercall, interrupts permitting.
 * Holding it back until later would hide a kernel that is not ready for
 * the vector it just asked for.
 */
static bool xm_live_own_lapic_on(struct xm_domain *d, unsigned int vcpu)
{
	return vcpu == smp_processor_id() && d->vcpus[vcpu].lapic_seen_on;
}

/*
 * The live domain's LAPICs are the real ones, so the model never leaves a
 * bit in a disabled one (the kernel would only report it as "Stale IRR"
 * and the test could not tell whose it was) nor IPIs a CPU that does not
 * take interrupts yet (lost, or stale): it keeps the state and acts on it
 * in xm_live_vcpu_init() and xm_live_vcpu_started().
 */
static void xm_live_lapic_send(struct xm_domain *d, unsigned int vcpu, u8 vector,
			       bool enabled)
{
	struct xm_vcpu *vc = &d->vcpus[vcpu];

	if (!enabled)
		vc->irr_latched = true;
	else if (xm_live_cpu_takes_irqs(d, vcpu))
		__apic_send_IPI(vcpu, vector);
	else if (xm_live_own_lapic_on(d, vcpu))
		__apic_send_IPI_self(vector);
	else
		vc->irr_held = true;
}

static void xm_lapic_send(struct xm_domain *d, unsigned int vcpu, u8 vector)
{
	struct xm_vcpu *vc = &d->vcpus[vcpu];
	bool live = xm_is_live(d);
	bool enabled = live ? xm_live_lapic_enabled(d, vcpu) : vc->lapic.enabled;

	if (!enabled && d->cfg.lapic_fix)
		return;
	vc->vector_injections++;
	if (live)
		xm_live_lapic_send(d, vcpu, vector, enabled);
	else
		set_bit(vector, vc->lapic.irr);
}

static int xm_lapic_highest(const unsigned long *bits)
{
	int v = find_last_bit(bits, 256);

	return v < 256 ? v : -1;
}

/* --- upcall assertion (spec 5.4, 7.3) ---------------------------------------- */

/*
 * spec 7.3 step 2, xen/arch/x86/hvm/irq.c (is_hvm_pv_evtchn_domain): a
 * global vector via, or since Xen 4.17 (commit e2d2b9fd7a) a per-vCPU
 * vector on vCPU 0.
 */
bool xm_uses_vector_callbacks(struct xm_domain *d)
{
	if (d->via == XM_VIA_VECTOR)
		return true;
	return xm_version_at_least(d, 4, 17) && d->vcpus[0].upcall_vector;
}

/* spec 7.4: the spurious assertions on set-vector and set-via (Xen 4.11). */
static bool xm_asserts_spuriously(struct xm_domain *d)
{
	return xm_version_at_least(d, 4, 11);
}

/*
 * spec 7.1, 7.3 step 3, xen/arch/x86/hvm/irq.c (hvm_set_callback_irq_level):
 * the GSI/INTx line follows vCPU 0's upcall flag.
 */
static void xm_update_via_line(struct xm_domain *d)
{
	bool level = xm_upcall_flag(d, 0);

	if (level == d->via_asserted)
		return;
	d->via_asserted = level;
	if (level && (d->via == XM_VIA_GSI || d->via == XM_VIA_PCI_INTX))
		d->via_assertions++;
}

/*
 * spec 7.1: the global vector is injected at VM entry while the flag is
 * set. Scratch domains are asked through xm_vm_entry_injects_global(); on
 * the live domain the model sends it once, as an interrupt.
 */
static void (*xm_live_global_deliver)(unsigned int cpu, u8 vector);

static void xm_kick_global(struct xm_domain *d, unsigned int vcpu)
{
	void (*deliver)(unsigned int cpu, u8 vector);

	if (!xm_is_live(d) || d->via != XM_VIA_VECTOR)
		return;
	d->vcpus[vcpu].global_injections++;
	if (!xm_live_cpu_takes_irqs(d, vcpu))
		return;
	deliver = READ_ONCE(xm_live_global_deliver);
	if (deliver)
		deliver(vcpu, d->via_vector);
	else
		__apic_send_IPI(vcpu, d->via_vector);
}

/**
 * xm_set_live_global_delivery() - how the live global vector reaches a CPU
 * @deliver: called under the model lock with interrupts off, with the Linux
 *	CPU and the vector; NULL sends the vector as an IPI
 */
void xm_set_live_global_delivery(void (*deliver)(unsigned int cpu, u8 vector))
{
	WRITE_ONCE(xm_live_global_deliver, deliver);
}

/* spec 7.3, xen/arch/x86/hvm/irq.c (hvm_assert_evtchn_irq). */
void xm_assert_upcall(struct xm_domain *d, unsigned int vcpu)
{
	u8 vector = d->vcpus[vcpu].upcall_vector;

	if (vector)
		xm_lapic_send(d, vcpu, vector);
	else if (xm_uses_vector_callbacks(d))
		xm_kick_global(d, vcpu);
	else if (vcpu == 0)
		xm_update_via_line(d);
}

/*
 * spec 5.4, xen/arch/x86/domain.c: only the 0->1 transition of
 * evtchn_upcall_pending raises an interrupt; evtchn_upcall_mask is not
 * looked at for HVM (spec 7.5). vcpu_info is 8-byte aligned, so the flag's
 * byte is the low byte of a long.
 */
void xm_mark_events_pending(struct xm_domain *d, unsigned int vcpu)
{
	struct vcpu_info *vi = xm_upcall_info(d, vcpu);

	if (test_and_set_bit(0, (unsigned long *)&vi->evtchn_upcall_pending))
		return;
	xm_assert_upcall(d, vcpu);
}

/*
 * spec 7.1, xen/arch/x86/hvm/irq.c (hvm_maybe_deassert_evtchn_irq): the
 * line drops lazily, at a VM exit after the guest cleared vCPU 0's flag.
 */
void xm_vm_exit(struct xm_domain *d)
{
	if (d->via_asserted && !xm_upcall_flag(d, 0))
		xm_update_via_line(d);
}

/* Restore and creation: no via, no vectors (spec 12). */
void xm_hvm_reset_delivery(struct xm_domain *d)
{
	unsigned int v;

	d->via = XM_VIA_NONE;
	d->via_vector = 0;
	d->via_gsi = 0;
	d->via_asserted = false;
	for (v = 0; v < XM_MAX_VCPUS; v++)
		d->vcpus[v].upcall_vector = 0;
}

/* --- HVM_PARAM_CALLBACK_IRQ (spec 7.1) ------------------------------------------ */

/* spec 1.7, 7.1: decode as Xen does; only the bits Xen uses matter. */
static enum xm_via_type xm_decode_via(struct xm_domain *d, u64 value)
{
	unsigned int type = value >> XM_CALLBACK_TYPE_SHIFT;
	unsigned int gsi = value & 0xff;

	switch (type) {
	case XM_CALLBACK_TYPE_GSI:
		/* GSI 0 (also the value 0) or beyond the domain's GSIs: none. */
		if (!gsi || gsi >= d->cfg.nr_gsis)
			return XM_VIA_NONE;
		return XM_VIA_GSI;
	case XM_CALLBACK_TYPE_PCI_INTX:
		return XM_VIA_PCI_INTX;
	case XM_CALLBACK_TYPE_VECTOR:
		return XM_VIA_VECTOR;
	default:
		return XM_VIA_NONE;
	}
}

static void xm_set_callback_via(struct xm_domain *d, u64 value)
{
	enum xm_via_type via = xm_decode_via(d, value);
	unsigned int v;

	/*
	 * spec 7.1 step 1: without emulated IO-APIC/PIC (PVH) every non-vector
	 * type, 0 included, is ignored; the raw value was stored anyway.
	 */
	if (d->cfg.pvh && via != XM_VIA_VECTOR)
		return;
	/* Steps 2-3: the line follows the flag it already had. */
	d->via = via;
	d->via_vector = via == XM_VIA_VECTOR ? (value & 0xff) : 0;
	d->via_gsi = via == XM_VIA_GSI ? (value & 0xff) : 0;
	if (d->via_asserted && (via == XM_VIA_GSI || via == XM_VIA_PCI_INTX))
		d->via_assertions++;
	/* Step 4: spurious upcalls on every online vCPU (since Xen 4.11). */
	if (!xm_asserts_spuriously(d))
		return;
	for (v = 0; v < d->cfg.nr_vcpus; v++)
		if (d->vcpus[v].online)
			xm_assert_upcall(d, v);
}

/* --- HVMOP_set_param / get_param (spec 1.7) --------------------------------- */

static bool xm_param_deprecated(unsigned int index)
{
	switch (index) {
	case 4: case 13: case 20: case 21: case 22: case 23: case 24:
	case 25: case 26: case 30:
		return true;
	default:
		return false;
	}
}

/* xen/arch/x86/hvm/hvm.c (hvm_allow_set_param) */
static int xm_allow_set_param(struct xm_caller *c, struct xm_domain *d,
			      unsigned int index)
{
	switch (index) {
	case HVM_PARAM_CALLBACK_IRQ:
	case XM_PARAM_VM86_TSS:
	case XM_PARAM_VM86_TSS_SIZED:
	case XM_PARAM_ACPI_IOPORTS_LOCATION:
	case XM_PARAM_VM_GENERATION_ID_ADDR:
	case HVM_PARAM_STORE_EVTCHN:
	case HVM_PARAM_CONSOLE_EVTCHN:
	case XM_PARAM_X87_FIP_WIDTH:
		return 0;
	case XM_PARAM_ALTP2M:
		return -EEXIST;
	default:
		if (xm_param_deprecated(index))
			return -EINVAL;
		return d == c->d ? -EPERM : 0;
	}
}

/* xen/arch/x86/hvm/hvm.c (hvm_allow_get_param) */
static int xm_allow_get_param(struct xm_caller *c, struct xm_domain *d,
			      unsigned int index)
{
	switch (index) {
	case HVM_PARAM_CALLBACK_IRQ:
	case XM_PARAM_VM86_TSS:
	case XM_PARAM_VM86_TSS_SIZED:
	case XM_PARAM_ACPI_IOPORTS_LOCATION:
	case XM_PARAM_VM_GENERATION_ID_ADDR:
	case HVM_PARAM_STORE_PFN:
	case HVM_PARAM_STORE_EVTCHN:
	case HVM_PARAM_CONSOLE_PFN:
	case HVM_PARAM_CONSOLE_EVTCHN:
	case XM_PARAM_ALTP2M:
	case XM_PARAM_X87_FIP_WIDTH:
		return 0;
	default:
		if (xm_param_deprecated(index))
			return -EINVAL;
		return d == c->d ? -EPERM : 0;
	}
}

/* Copy-in, index range, domain lookup, target check: shared by set/get. */
static long xm_param_target(struct xm_caller *c, unsigned long arg,
			    struct xen_hvm_param *a, struct xm_domain **d)
{
	if (xm_copy_in(a, arg, sizeof(*a)))
		return -EFAULT;
	if (a->index >= XM_HVM_NR_PARAMS)
		return -EINVAL;
	*d = xm_lookup_arg(c, a->domid);
	if (!*d)
		return -ESRCH;
	/* Every model domain is HVM/PVH. */
	if (!xm_may_target(c, *d))
		return -EPERM;
	return 0;
}

static long xm_hvm_set_param(struct xm_caller *c, unsigned long arg)
{
	struct xen_hvm_param a;
	struct xm_domain *d;
	long ret;

	ret = xm_param_target(c, arg, &a, &d);
	if (!ret)
		ret = xm_allow_set_param(c, d, a.index);
	if (ret)
		return ret;
	/* spec 1.7: Xen stores the raw value, whatever it decodes to. */
	d->params[a.index] = a.value;
	if (a.index == HVM_PARAM_CALLBACK_IRQ)
		xm_set_callback_via(d, a.value);
	return 0;
}

static long xm_hvm_get_param(struct xm_caller *c, unsigned long arg)
{
	struct xen_hvm_param a;
	struct xm_domain *d;
	long ret;

	ret = xm_param_target(c, arg, &a, &d);
	if (!ret)
		ret = xm_allow_get_param(c, d, a.index);
	if (ret)
		return ret;
	a.value = d->params[a.index];
	return xm_copy_out(arg, &a, sizeof(a));
}

/* --- HVMOP_set_evtchn_upcall_vector (spec 7.2) -------------------------------- */

static long xm_hvm_set_upcall_vector(struct xm_caller *c, unsigned long arg)
{
	struct xen_hvm_evtchn_upcall_vector a;
	struct xm_domain *d = c->d;

	/* Xen < 4.6 does not know the op. */
	if (d->cfg.no_upcall_vector_op)
		return -XM_ENOSYS;
	if (xm_copy_in(&a, arg, sizeof(a)))
		return -EFAULT;
	if (a.vector < XM_MIN_UPCALL_VECTOR)
		return -EINVAL;
	if (!xm_vcpu_exists(d, a.vcpu))
		return -ENOENT;
	d->vcpus[a.vcpu].upcall_vector = a.vector;
	/* spec 7.2: asserted unconditionally, a spurious upcall (Xen 4.11). */
	if (xm_asserts_spuriously(d))
		xm_assert_upcall(d, a.vcpu);
	return 0;
}

/**
 * xm_hvm_op() - HVMOP_* dispatcher (xen/arch/x86/hvm/hvm.c)
 * @c: the caller
 * @cmd: the sub-op
 * @arg: guest address of its argument structure
 *
 * Return: 0 or a negative errno; -XM_ENOSYS for ops the model does not know.
 */
long xm_hvm_op(struct xm_caller *c, unsigned int cmd, unsigned long arg)
{
	switch (cmd) {
	case HVMOP_set_param:
		return xm_hvm_set_param(c, arg);
	case HVMOP_get_param:
		return xm_hvm_get_param(c, arg);
	case HVMOP_set_evtchn_upcall_vector:
		return xm_hvm_set_upcall_vector(c, arg);
	default:
		return -XM_ENOSYS;
	}
}

/* --- test-side API: LAPIC, VM entry, inspection -------------------------------- */

/**
 * xm_lapic_set_enabled() - enable or disable a vCPU's modelled LAPIC
 * @d: the domain
 * @vcpu: the vCPU
 * @enabled: the new state; no interrupt is re-sent (spec 7.4: the APIC-base
 *	MSR path does not re-inject)
 */
void xm_lapic_set_enabled(struct xm_domain *d, unsigned int vcpu, bool enabled)
{
	unsigned long flags;

	if (!xm_vcpu_exists(d, vcpu))
		return;
	raw_spin_lock_irqsave(&xm_lock, flags);
	d->vcpus[vcpu].lapic.enabled = enabled;
	raw_spin_unlock_irqrestore(&xm_lock, flags);
}

/**
 * xm_lapic_write_svr_enable() - the guest writes SVR with the enable bit
 * @d: the domain
 * @vcpu: the vCPU
 *
 * spec 7.4, xen/arch/x86/hvm/vlapic.c (since 4.18): on every such write the
 * upcall vector is injected if the vCPU has one and its flag is set.
 */
void xm_lapic_write_svr_enable(struct xm_domain *d, unsigned int vcpu)
{
	struct xm_vcpu *vc;
	unsigned long flags;

	if (!xm_vcpu_exists(d, vcpu))
		return;
	raw_spin_lock_irqsave(&xm_lock, flags);
	vc = &d->vcpus[vcpu];
	vc->lapic.enabled = true;
	if (d->cfg.lapic_fix && vc->upcall_vector && xm_upcall_flag(d, vcpu))
		xm_lapic_send(d, vcpu, vc->upcall_vector);
	raw_spin_unlock_irqrestore(&xm_lock, flags);
}

/**
 * xm_lapic_irr() - is a vector requested in the vCPU's modelled IRR?
 * @d: the domain
 * @vcpu: the vCPU
 * @vector: the vector
 *
 * Return: true when the IRR bit is set.
 */
bool xm_lapic_irr(struct xm_domain *d, unsigned int vcpu, u8 vector)
{
	return xm_vcpu_exists(d, vcpu) && test_bit(vector, d->vcpus[vcpu].lapic.irr);
}

/**
 * xm_lapic_isr() - is a vector in service in the vCPU's modelled ISR?
 * @d: the domain
 * @vcpu: the vCPU
 * @vector: the vector
 *
 * Return: true when the ISR bit is set.
 */
bool xm_lapic_isr(struct xm_domain *d, unsigned int vcpu, u8 vector)
{
	return xm_vcpu_exists(d, vcpu) && test_bit(vector, d->vcpus[vcpu].lapic.isr);
}

/**
 * xm_lapic_accept() - the vCPU takes its highest deliverable interrupt
 * @d: the domain
 * @vcpu: the vCPU
 *
 * An enabled LAPIC delivers the highest IRR vector whose priority class is
 * above that of the highest vector in service (TPR is taken as 0).
 *
 * Return: the vector moved from IRR to ISR, or 0.
 */
u8 xm_lapic_accept(struct xm_domain *d, unsigned int vcpu)
{
	struct xm_lapic *l;
	unsigned long flags;
	int irr, isr;
	u8 ret = 0;

	if (!xm_vcpu_exists(d, vcpu))
		return 0;
	raw_spin_lock_irqsave(&xm_lock, flags);
	l = &d->vcpus[vcpu].lapic;
	irr = xm_lapic_highest(l->irr);
	isr = xm_lapic_highest(l->isr);
	if (l->enabled && irr > 0 && (isr < 0 || (irr >> 4) > (isr >> 4))) {
		clear_bit(irr, l->irr);
		set_bit(irr, l->isr);
		ret = irr;
	}
	raw_spin_unlock_irqrestore(&xm_lock, flags);
	return ret;
}

/**
 * xm_lapic_eoi() - end of interrupt: the highest vector in service retires
 * @d: the domain
 * @vcpu: the vCPU
 */
void xm_lapic_eoi(struct xm_domain *d, unsigned int vcpu)
{
	unsigned long flags;
	int isr;

	if (!xm_vcpu_exists(d, vcpu))
		return;
	raw_spin_lock_irqsave(&xm_lock, flags);
	isr = xm_lapic_highest(d->vcpus[vcpu].lapic.isr);
	if (isr >= 0)
		clear_bit(isr, d->vcpus[vcpu].lapic.isr);
	raw_spin_unlock_irqrestore(&xm_lock, flags);
}

/**
 * xm_vector_injections() - per-vCPU vector interrupts sent
 * @d: the domain
 * @vcpu: the vCPU
 *
 * Return: how many times the upcall vector was sent to the LAPIC.
 */
unsigned long xm_vector_injections(struct xm_domain *d, unsigned int vcpu)
{
	return xm_vcpu_exists(d, vcpu) ? d->vcpus[vcpu].vector_injections : 0;
}

/**
 * xm_stale_irrs() - vectors raised into a disabled live LAPIC by old Xen
 * @d: the domain
 * @vcpu: the vCPU
 *
 * Return: the count (see xen_model.h).
 */
unsigned long xm_stale_irrs(struct xm_domain *d, unsigned int vcpu)
{
	return xm_vcpu_exists(d, vcpu) ? d->vcpus[vcpu].stale_irrs : 0;
}

/**
 * xm_vm_entry_injects_global() - would a VM entry inject the global vector?
 * @d: the domain
 * @vcpu: the vCPU entering
 * @irqs_enabled: its RFLAGS.IF
 *
 * spec 7.1, xen/arch/x86/hvm/irq.c (hvm_vcpu_has_pending_irq): level-like,
 * checked before the LAPIC, no IRR/ISR, no EOI, TPR ignored. Counted.
 *
 * Return: true when the callback vector is injected.
 */
bool xm_vm_entry_injects_global(struct xm_domain *d, unsigned int vcpu,
				bool irqs_enabled)
{
	unsigned long flags;
	bool inject;

	if (!xm_vcpu_exists(d, vcpu))
		return false;
	raw_spin_lock_irqsave(&xm_lock, flags);
	inject = irqs_enabled && d->via == XM_VIA_VECTOR &&
		 xm_upcall_flag(d, vcpu);
	if (inject)
		d->vcpus[vcpu].global_injections++;
	raw_spin_unlock_irqrestore(&xm_lock, flags);
	return inject;
}

/**
 * xm_global_injections() - global callback vector injections of a vCPU
 * @d: the domain
 * @vcpu: the vCPU
 *
 * Return: the count.
 */
unsigned long xm_global_injections(struct xm_domain *d, unsigned int vcpu)
{
	return xm_vcpu_exists(d, vcpu) ? d->vcpus[vcpu].global_injections : 0;
}

/**
 * xm_callback_irq() - HVM_PARAM_CALLBACK_IRQ as stored
 * @d: the domain
 *
 * Return: the raw value.
 */
u64 xm_callback_irq(struct xm_domain *d)
{
	return d->params[HVM_PARAM_CALLBACK_IRQ];
}

/**
 * xm_via_type() - the global callback via as Xen decoded it
 * @d: the domain
 *
 * Return: the via type.
 */
enum xm_via_type xm_via_type(struct xm_domain *d)
{
	return d->via;
}

/**
 * xm_upcall_vector() - a vCPU's per-vCPU upcall vector
 * @d: the domain
 * @vcpu: the vCPU
 *
 * Return: the vector, 0 when none.
 */
u8 xm_upcall_vector(struct xm_domain *d, unsigned int vcpu)
{
	return xm_vcpu_exists(d, vcpu) ? d->vcpus[vcpu].upcall_vector : 0;
}

/**
 * xm_gsi_asserted() - is the GSI/INTx callback line asserted?
 * @d: the domain
 *
 * Return: true while a GSI or INTx via is asserted.
 */
bool xm_gsi_asserted(struct xm_domain *d)
{
	return d->via_asserted &&
	       (d->via == XM_VIA_GSI || d->via == XM_VIA_PCI_INTX);
}

/**
 * xm_gsi_assertions() - times the GSI/INTx line was asserted
 * @d: the domain
 *
 * Return: the count.
 */
unsigned long xm_gsi_assertions(struct xm_domain *d)
{
	return d->via_assertions;
}

/**
 * xm_hvm_param() - an HVM param as stored
 * @d: the domain
 * @index: the param
 *
 * Return: its value (0 for an index out of range).
 */
u64 xm_hvm_param(struct xm_domain *d, unsigned int index)
{
	return index < XM_HVM_NR_PARAMS ? d->params[index] : 0;
}

/* --- the live domain's vCPUs start and stop ----------------------------------- */

/*
 * What the CPU finds as it enables its LAPIC and turns interrupts on: a
 * vector old Xen left in the disabled LAPIC (the kernel's "Stale IRR", then
 * taken), one raised while it could not take interrupts, or, since Xen 4.18,
 * the re-injection of a flagged upcall on the SVR write that enables the
 * LAPIC (spec 7.4). Without a vector of its own the global vector is
 * level-like and the GSI line follows vCPU 0's flag: a set flag asserts.
 */
static void xm_live_vcpu_catch_up(struct xm_domain *d, unsigned int cpu)
{
	struct xm_vcpu *vc = &d->vcpus[cpu];
	bool deliver = vc->irr_latched || vc->irr_held;

	if (vc->irr_latched)
		vc->stale_irrs++;
	vc->irr_latched = false;
	vc->irr_held = false;
	if (!vc->upcall_vector) {
		if (xm_upcall_flag(d, cpu))
			xm_assert_upcall(d, cpu);
	} else if (deliver) {
		__apic_send_IPI(cpu, vc->upcall_vector);
	} else if (d->cfg.lapic_fix && xm_upcall_flag(d, cpu)) {
		xm_lapic_send(d, cpu, vc->upcall_vector);
	}
}

/* The live domain's vCPU behind Linux CPU @cpu, under xm_lock; or NULL. */
static struct xm_vcpu *xm_live_vcpu_locked(unsigned int cpu,
					   struct xm_domain **dp)
{
	struct xm_domain *d = xm_find_live_locked();

	if (!d || !xm_vcpu_exists(d, cpu))
		return NULL;
	*dp = d;
	return &d->vcpus[cpu];
}

/**
 * xm_live_vcpu_started() - a CPU of the live domain has started running
 * @cpu: the Linux CPU (its vCPU number)
 *
 * Xen brings an HVM vCPU up on the guest's INIT/SIPI, which the model does
 * not see: this marks it online (and initialised, until its next INIT),
 * once the CPU takes interrupts, and delivers what its LAPIC would hold.
 */
void xm_live_vcpu_started(unsigned int cpu)
{
	struct xm_domain *d;
	struct xm_vcpu *vc;
	unsigned long flags;

	raw_spin_lock_irqsave(&xm_lock, flags);
	vc = xm_live_vcpu_locked(cpu, &d);
	if (vc) {
		vc->online = true;
		vc->initialised = true;
		vc->lapic_seen_on = true;
		xm_live_vcpu_catch_up(d, cpu);
	}
	raw_spin_unlock_irqrestore(&xm_lock, flags);
}

/**
 * xm_live_vcpu_stopped() - a CPU of the live domain has gone offline
 * @cpu: the Linux CPU (its vCPU number)
 *
 * The dead CPU halts with its LAPIC software-disabled; for Xen the vCPU
 * is still initialised (it only halts), and keeps its upcall vector.
 */
void xm_live_vcpu_stopped(unsigned int cpu)
{
	struct xm_domain *d;
	struct xm_vcpu *vc;
	unsigned long flags;

	raw_spin_lock_irqsave(&xm_lock, flags);
	vc = xm_live_vcpu_locked(cpu, &d);
	if (vc) {
		vc->online = false;
		vc->lapic_seen_on = false;
	}
	raw_spin_unlock_irqrestore(&xm_lock, flags);
}

/**
 * xm_live_vcpu_init() - the guest is about to send INIT/SIPI to a CPU
 * @cpu: the Linux CPU (its vCPU number)
 *
 * xen/arch/x86/hvm/vlapic.c (vlapic_init_sipi_one): INIT to a vCPU that
 * has run resets it and its vLAPIC (vlapic_do_init(): IRR and ISR cleared,
 * software-disabled); INIT to a vCPU that never ran does nothing. So a
 * vector old Xen raised into a re-onlined CPU's disabled LAPIC is wiped
 * (the event behind it is not re-raised), while one raised into a CPU
 * that never ran is still there when the CPU enables its LAPIC. The
 * upcall vector itself is not part of that reset.
 */
void xm_live_vcpu_init(unsigned int cpu)
{
	struct xm_domain *d;
	struct xm_vcpu *vc;
	unsigned long flags;

	raw_spin_lock_irqsave(&xm_lock, flags);
	vc = xm_live_vcpu_locked(cpu, &d);
	if (vc && vc->initialised) {
		vc->initialised = false;
		vc->irr_latched = false;
		vc->irr_held = false;
		vc->lapic_seen_on = false;
	}
	raw_spin_unlock_irqrestore(&xm_lock, flags);
}

/**
 * xm_live_irr_latched() - does a disabled live LAPIC hold the upcall vector?
 * @cpu: the Linux CPU (its vCPU number)
 *
 * Return: true while a vector old Xen raised into the CPU's disabled LAPIC
 * waits in its IRR (see xm_live_vcpu_init() and xm_stale_irrs()).
 */
bool xm_live_irr_latched(unsigned int cpu)
{
	struct xm_domain *d;
	struct xm_vcpu *vc;
	unsigned long flags;
	bool ret;

	raw_spin_lock_irqsave(&xm_lock, flags);
	vc = xm_live_vcpu_locked(cpu, &d);
	ret = vc && vc->irr_latched;
	raw_spin_unlock_irqrestore(&xm_lock, flags);
	return ret;
}
