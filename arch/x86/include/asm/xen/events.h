/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * x86 side of Xen event channels: the IPI kinds Xen bindings carry, the
 * flags recording how Xen interrupts this guest, and the one accessor the
 * kernel uses for Xen's CPUID leaves.
 */
#ifndef _ASM_X86_XEN_EVENTS_H
#define _ASM_X86_XEN_EVENTS_H

#include <linux/types.h>
#include <xen/xen.h>

/* Which per-CPU IPI an IPI binding stands for; XEN_NR_IPIS counts them. */
enum ipi_vector {
	XEN_RESCHEDULE_VECTOR,
	XEN_CALL_FUNCTION_VECTOR,
	XEN_CALL_FUNCTION_SINGLE_VECTOR,
	XEN_SPIN_UNLOCK_VECTOR,
	XEN_IRQ_WORK_VECTOR,
	XEN_NMI_VECTOR,

	XEN_NR_IPIS,
};

/* True when the interrupted context ran with interrupts off. */
static inline int xen_irqs_disabled(struct pt_regs *regs)
{
	return raw_irqs_disabled_flags(regs->flags);
}

/* An x86 XCHG is a full barrier already, so nothing is added around it. */
#define xchg_xen_ulong(ptr, val) xchg((ptr), (val))

/*
 * Xen may interrupt us on a vector (domain-wide callback vector or one
 * vector per vCPU). False when events arrive on the platform PCI INTx line.
 */
extern bool xen_have_vector_callback;

/*
 * An event can only be moved to another CPU if that CPU can be interrupted
 * for it: the PCI INTx line only ever interrupts vCPU 0.
 */
static inline bool xen_support_evtchn_rebind(void)
{
	return !xen_hvm_domain() || xen_have_vector_callback;
}

/*
 * Each vCPU has its own LAPIC vector (HVMOP_set_evtchn_upcall_vector), which
 * the upcall must EOI. Recomputed after a resume into a new domain, so it
 * may change after boot.
 */
extern bool xen_percpu_upcall;

/* Pick, or after a resume re-pick, how Xen interrupts us; see its kernel-doc. */
void xen_hvm_choose_upcall_delivery(void);
/* A resume left the per-vCPU vectors; see its kernel-doc. */
void xen_hvm_note_vector_residue(void);
/* Boot: CPU 0's LAPIC is on, the delivery mode can be chosen; see kernel-doc. */
void xen_hvm_boot_cpu_lapic_ready(void);
/* A vCPU just got its vector: self-inject what Xen flagged before. */
void xen_evtchn_catch_early_upcall(void);
/* Early in boot: does Xen offer any vector delivery? See its kernel-doc. */
bool xen_hvm_vector_callback_offered(void);

/* vcpu_info placement (enlighten_hvm.c); see their kernel-doc. */
struct vcpu_info;
struct vcpu_info *xen_hvm_vcpu_area(unsigned int cpu);
int xen_hvm_place_vcpu_info(unsigned int cpu);
bool xen_hvm_vcpu_wants_area(unsigned int cpu);
int xen_hvm_register_vcpu_area(unsigned int cpu);
void xen_hvm_adopt_vcpu_area(unsigned int cpu);
bool xen_hvm_vcpu_area_live(unsigned int cpu);
void xen_hvm_forget_vcpu_areas(void);

/*
 * Hibernation handover (suspend_hvm.c): what the boot kernel gives back to
 * Xen before the image takes over, and what the image checks; see
 * drivers/xen/events/events_hibernate.c.
 */
struct xen_hvm_vcpu_area_rec {
	u32 vcpu;
	u32 offset;
	u64 gfn;
};

void xen_hvm_hand_over_areas(void);
void xen_hvm_unmap_xen_pages(void);
unsigned int xen_hvm_list_vcpu_areas(struct xen_hvm_vcpu_area_rec *recs,
				     unsigned int max);
int xen_hvm_adopt_vcpu_areas(const struct xen_hvm_vcpu_area_rec *recs,
			     unsigned int n);
int xen_hvm_take_over_domain(const struct xen_hvm_vcpu_area_rec *recs,
			     unsigned int n);
/* Frame of the shared-info page chosen at boot; 0 if none. */
unsigned long xen_hvm_shared_info_pfn(void);

/* Xen CPUID leaf base+@index, if a Xen CPUID base exists. */
bool xen_hvm_cpuid_leaf(unsigned int index, u32 *eax, u32 *ebx, u32 *ecx,
			u32 *edx);

#ifdef CONFIG_XEN_EVTCHN_KUNIT_TEST
/*
 * Test builds only: when set, answers every xen_hvm_cpuid_leaf() call in
 * place of the CPU, so a software model of Xen can choose the leaves.
 */
typedef bool (*xen_hvm_cpuid_fn)(unsigned int index, u32 *eax, u32 *ebx,
				 u32 *ecx, u32 *edx);
extern xen_hvm_cpuid_fn xen_hvm_cpuid_hook;
#endif

#endif /* _ASM_X86_XEN_EVENTS_H */
