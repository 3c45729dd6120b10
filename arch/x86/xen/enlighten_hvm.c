// SPDX-License-Identifier: GPL-2.0-only
/*
 * Running as a Xen HVM or PVH guest on x86: finding Xen, mapping the
 * shared-info page, the upcall entry point, and what each CPU must tell
 * Xen as it comes and goes.
 *
 * Boot order (see also xen_hvm_choose_upcall_delivery()):
 *   detect -> init_platform (shared info, hotplug states, intr_init hook)
 *   -> init_mem_mapping -> guest_late_init (PVH detection)
 *   -> smp_prepare_boot_cpu (vcpu_info) -> init_IRQ (upcall gate)
 *   -> late time init: CPU 0's LAPIC, then the delivery mode (CPU 0's vector)
 *   -> secondary CPUs: prepare on the boot CPU, then the upcall vector on
 *      the new CPU itself once its LAPIC is enabled.
 */
#define pr_fmt(fmt) "xen/hvm: " fmt

#include <linux/acpi.h>
#include <linux/cpu.h>
#include <linux/cpuhotplug.h>
#include <linux/kexec.h>
#include <linux/memblock.h>
#include <linux/virtio_anchor.h>

#include <xen/events.h>
#include <xen/features.h>
#include <xen/hvm.h>
#include <xen/interface/hvm/hvm_op.h>
#include <xen/interface/memory.h>
#include <xen/interface/sched.h>
#include <xen/interface/vcpu.h>

#include <asm/apic.h>
#include <asm/cpu.h>
#include <asm/e820/api.h>
#include <asm/early_ioremap.h>
#include <asm/hypervisor.h>
#include <asm/idtentry.h>
#include <asm/io_apic.h>
#include <asm/reboot.h>
#include <asm/setup.h>
#include <asm/smp.h>

#include <asm/xen/cpuid.h>
#include <asm/xen/events.h>
#include <asm/xen/hypervisor.h>
#include <asm/xen/page.h>

#include "xen-ops.h"

/*
 * Not __ro_after_init: a resume into a new domain may have to give up the
 * per-vCPU vectors (the new host may lack them), see
 * xen_hvm_choose_upcall_delivery().
 */
bool xen_percpu_upcall __read_mostly;
EXPORT_SYMBOL_GPL(xen_percpu_upcall);

#ifdef CONFIG_XEN_EVTCHN_KUNIT_TEST
xen_hvm_cpuid_fn xen_hvm_cpuid_hook;
#endif

/* Guest frame where Xen's shared-info page is placed; 0 until chosen. */
static unsigned long xen_hvm_shinfo_pfn;

/*
 * Low memory is searched first so that the page does not split a large
 * EPT/NPT mapping; an HVM guest always has RAM below 4 GiB, so a search
 * that finds nothing there will not find anything higher either.
 */
#define XEN_HVM_SHINFO_SEARCH_END	SZ_4G

/**
 * xen_hvm_cpuid_leaf() - read one of Xen's CPUID leaves
 * @index: leaf number relative to Xen's CPUID base (1 = version, 4 = HVM)
 * @eax: out, EAX of the leaf
 * @ebx: out, EBX of the leaf
 * @ecx: out, ECX of the leaf
 * @edx: out, EDX of the leaf
 *
 * Every read of Xen's leaves goes through here, so that a test build can
 * answer from a model of Xen (xen_hvm_cpuid_hook) and so that no leaf past
 * the base is read when there is no Xen base, or beyond the highest leaf
 * Xen reports.
 *
 * Return: true and the four registers filled in, or false (outputs left
 * untouched) when Xen or the leaf is absent.
 */
bool xen_hvm_cpuid_leaf(unsigned int index, u32 *eax, u32 *ebx, u32 *ecx,
			u32 *edx)
{
	u32 base;

#ifdef CONFIG_XEN_EVTCHN_KUNIT_TEST
	xen_hvm_cpuid_fn hook = READ_ONCE(xen_hvm_cpuid_hook);

	if (hook)
		return hook(index, eax, ebx, ecx, edx);
#endif
	base = xen_cpuid_base();
	if (!base)
		return false;
	/* Leaf base+0 EAX holds the highest leaf, as an absolute number. */
	if (index && cpuid_eax(base) < base + index)
		return false;
	cpuid_count(base + index, 0, eax, ebx, ecx, edx);
	return true;
}

static int xen_hvm_map_shared_info(void)
{
	struct xen_add_to_physmap xatp = {
		.domid = DOMID_SELF,
		.space = XENMAPSPACE_shared_info,
		.idx = 0,
		.gpfn = xen_hvm_shinfo_pfn,
	};

	return HYPERVISOR_memory_op(XENMEM_add_to_physmap, &xatp);
}

/**
 * xen_hvm_init_shared_info() - (re)place Xen's shared-info page in our RAM
 *
 * Used at boot and after a resume into a new domain, where the page is not
 * in the guest's physical map until we add it again. A failure is logged:
 * the 2-level ABI and the vCPUs without a registered vcpu_info then see a
 * stale page, but the guest keeps running instead of crashing.
 */
void xen_hvm_init_shared_info(void)
{
	int rc = xen_hvm_map_shared_info();

	if (rc)
		pr_err("shared info page not mapped at pfn %#lx (%d)\n",
		       xen_hvm_shinfo_pfn, rc);
}

unsigned long xen_hvm_shared_info_pfn(void)
{
	return xen_hvm_shinfo_pfn;
}

/* A RAM page from 4 KiB up that nothing has reserved yet, or 0. */
static phys_addr_t __init xen_hvm_find_shinfo_page(void)
{
	/* Counted in frames: a 32-bit phys_addr_t cannot hold 4 GiB itself. */
	unsigned long pfn, end = PHYS_PFN(XEN_HVM_SHINFO_SEARCH_END);
	u64 pa;

	for (pfn = 1; pfn < end; pfn++) {
		pa = (u64)pfn << PAGE_SHIFT;
		if (e820__mapped_all(pa, pa + PAGE_SIZE, E820_TYPE_RAM) &&
		    !memblock_is_reserved(pa))
			return pa;
	}
	return 0;
}

/*
 * Reserve a page and ask Xen to put the shared-info page there. The early
 * mapping is replaced by the direct map in xen_hvm_use_direct_map().
 */
static int __init xen_hvm_setup_shared_info(void)
{
	phys_addr_t pa = xen_hvm_find_shinfo_page();
	int rc;

	if (!pa)
		return -ENOMEM;
	xen_hvm_shinfo_pfn = PHYS_PFN(pa);
	rc = xen_hvm_map_shared_info();
	if (rc) {
		xen_hvm_shinfo_pfn = 0;
		return rc;
	}
	memblock_reserve(pa, PAGE_SIZE);
	HYPERVISOR_shared_info = early_memremap(pa, PAGE_SIZE);
	return 0;
}

/* Version banner, domain type, features, and CPU 0's vCPU number. */
static void __init xen_hvm_read_platform_info(void)
{
	u32 eax, ebx, ecx, edx;

	if (xen_hvm_cpuid_leaf(1, &eax, &ebx, &ecx, &edx))
		pr_info("Xen version %u.%u.\n", eax >> 16, eax & 0xffff);

	xen_domain_type = XEN_HVM_DOMAIN;
	pv_info.name = xen_pvh_domain() ? "Xen PVH" : "Xen HVM";
	xen_setup_features();

	/* Without the flag, Xen numbers vCPUs like we number CPUs. */
	if (xen_hvm_cpuid_leaf(4, &eax, &ebx, &ecx, &edx) &&
	    (eax & XEN_HVM_CPUID_VCPU_ID_PRESENT))
		this_cpu_write(xen_vcpu_id, ebx);
	else
		this_cpu_write(xen_vcpu_id, smp_processor_id());
}

/*
 * Where Xen writes each vCPU's vcpu_info. A registered area
 * (VCPUOP_register_vcpu_info) can never be moved or dropped while the
 * domain lives, so it pins a page of whichever kernel registered it. A
 * kernel that may hand its domain to a hibernation image (another kernel
 * instance, whose per-CPU areas may lie elsewhere) therefore keeps vCPUs
 * below MAX_VIRT_CPUS (32) on their slot in the shared-info page, which
 * the handover can unmap and the image map again at its own frame. vCPUs
 * from there on have no slot and always register. "xen_vcpu_info=register"
 * or "=slot" overrides the choice.
 */
static bool xen_hvm_use_vcpu_slots __ro_after_init = IS_ENABLED(CONFIG_HIBERNATION);

static int __init xen_hvm_param_vcpu_info(char *arg)
{
	if (arg && !strcmp(arg, "slot"))
		xen_hvm_use_vcpu_slots = true;
	else if (arg && !strcmp(arg, "register"))
		xen_hvm_use_vcpu_slots = false;
	else
		return -EINVAL;
	return 0;
}
early_param("xen_vcpu_info", xen_hvm_param_vcpu_info);

/* CPUs whose per-CPU vcpu_info area Xen writes in the current domain. */
static struct cpumask xen_hvm_vcpu_areas;

/**
 * xen_hvm_vcpu_area() - this CPU's own vcpu_info area (registered or not)
 * @cpu: the CPU
 *
 * Return: the per-CPU area a registration of @cpu names.
 */
struct vcpu_info *xen_hvm_vcpu_area(unsigned int cpu)
{
	return &per_cpu(xen_vcpu_info, cpu);
}

/**
 * xen_hvm_vcpu_wants_area() - must this CPU's vCPU register an area?
 * @cpu: the CPU
 *
 * Return: true if the vCPU has no shared-info slot, or registration is the
 * policy.
 */
bool xen_hvm_vcpu_wants_area(unsigned int cpu)
{
	return !xen_hvm_use_vcpu_slots || xen_vcpu_nr(cpu) >= MAX_VIRT_CPUS;
}

/**
 * xen_hvm_register_vcpu_area() - VCPUOP_register_vcpu_info for one CPU
 * @cpu: the CPU whose per-CPU area is registered
 *
 * Xen accepts it from the vCPU itself, or for a vCPU that is down. Marks
 * the area live and points the CPU at it on success.
 *
 * Return: 0 or Xen's error.
 */
int xen_hvm_register_vcpu_area(unsigned int cpu)
{
	struct vcpu_info *area = xen_hvm_vcpu_area(cpu);
	struct vcpu_register_vcpu_info req = {
		.mfn = arbitrary_virt_to_mfn(area),
		.offset = offset_in_page(area),
	};
	int rc;

	rc = HYPERVISOR_vcpu_op(VCPUOP_register_vcpu_info, xen_vcpu_nr(cpu),
				&req);
	if (!rc)
		xen_hvm_adopt_vcpu_area(cpu);
	return rc;
}

/**
 * xen_hvm_adopt_vcpu_area() - Xen already writes this CPU's per-CPU area
 * @cpu: the CPU
 *
 * For a registration made earlier in this domain: by this kernel before
 * the CPU went offline, or by the boot kernel of a hibernation restore at
 * the very same address.
 */
void xen_hvm_adopt_vcpu_area(unsigned int cpu)
{
	cpumask_set_cpu(cpu, &xen_hvm_vcpu_areas);
	per_cpu(xen_vcpu, cpu) = xen_hvm_vcpu_area(cpu);
}

/**
 * xen_hvm_vcpu_area_live() - does Xen write this CPU's per-CPU area?
 * @cpu: the CPU
 *
 * Return: true after a registration in the current domain.
 */
bool xen_hvm_vcpu_area_live(unsigned int cpu)
{
	return cpumask_test_cpu(cpu, &xen_hvm_vcpu_areas);
}

/**
 * xen_hvm_forget_vcpu_areas() - a new domain has no registration at all
 *
 * After save/restore or a hibernation restore. Every CPU reads its
 * shared-info slot (or nothing, from vCPU 32 on) until placed again.
 */
void xen_hvm_forget_vcpu_areas(void)
{
	unsigned int cpu;

	cpumask_clear(&xen_hvm_vcpu_areas);
	for_each_possible_cpu(cpu)
		xen_vcpu_info_reset(cpu);
}

/*
 * The registration already exists when Xen says -EBUSY (4.18 on), or
 * -EINVAL for a vCPU that may register (itself, or down) before 4.18. Only
 * an earlier kernel of this domain can have made it (kexec without soft
 * reset, an unknown hibernation boot kernel); its area is taken to be ours.
 */
static bool xen_hvm_area_exists(unsigned int cpu, int rc)
{
	if (rc == -EBUSY)
		return true;
	return rc == -EINVAL && (cpu == smp_processor_id() ||
		!HYPERVISOR_vcpu_op(VCPUOP_is_up, xen_vcpu_nr(cpu), NULL));
}

/**
 * xen_hvm_place_vcpu_info() - give a CPU that is about to run its vcpu_info
 * @cpu: the CPU; it is either the calling one or not running yet
 *
 * At boot (CPU 0) and from the CPU hotplug prepare step. A vCPU parked
 * by an earlier kernel (a hibernation boot kernel, or this kernel before a
 * restore) may still be up in Xen's eyes; it is stopped first so that Xen
 * accepts the registration: the bring-up that follows resets it anyway.
 *
 * Return: 0, or Xen's error when a vCPU without a shared-info slot could
 * not register (it would get no events).
 */
int xen_hvm_place_vcpu_info(unsigned int cpu)
{
	unsigned int nr = xen_vcpu_nr(cpu);
	int rc;

	if (xen_hvm_vcpu_area_live(cpu)) {
		per_cpu(xen_vcpu, cpu) = xen_hvm_vcpu_area(cpu);
		return 0;
	}
	xen_vcpu_info_reset(cpu);
	if (!xen_hvm_vcpu_wants_area(cpu))
		return 0;
	if (cpu != smp_processor_id() &&
	    HYPERVISOR_vcpu_op(VCPUOP_is_up, nr, NULL) > 0)
		HYPERVISOR_vcpu_op(VCPUOP_down, nr, NULL);
	rc = xen_hvm_register_vcpu_area(cpu);
	if (rc && xen_hvm_area_exists(cpu, rc)) {
		pr_warn("CPU %u: vCPU %u already has a vcpu_info area; assuming it is ours\n",
			cpu, nr);
		xen_hvm_adopt_vcpu_area(cpu);
		return 0;
	}
	if (!rc || per_cpu(xen_vcpu, cpu))
		return 0;
	pr_err("CPU %u: vcpu_info not registered (%d) and vCPU %u has no shared-info slot\n",
	       cpu, rc, nr);
	return rc;
}

/*
 * Set on every CPU by a resume that gave up the per-vCPU vectors (see
 * xen_hvm_note_vector_residue()); cleared once that CPU's LAPIC holds no
 * copy of the vector any more.
 */
static DEFINE_PER_CPU(bool, xen_hvm_vector_residue);

/**
 * xen_hvm_note_vector_residue() - the per-vCPU vectors were just given up
 *
 * Called after a resume into a new domain switched from per-vCPU vectors
 * to the global vector or the INTx line. The LAPIC state is part of the
 * migration stream, so an upcall vector Xen raised before the save (an
 * event just before the suspend hypercall, interrupts off) is still in
 * IRR or ISR and is delivered after the switch, through the same gate.
 * Left without its EOI it would block every LAPIC vector of equal or lower
 * priority (timer, IPIs, MSIs) on that CPU for good.
 */
void xen_hvm_note_vector_residue(void)
{
	unsigned int cpu;

	for_each_possible_cpu(cpu)
		per_cpu(xen_hvm_vector_residue, cpu) = true;
}

static bool xen_hvm_apic_vector_bit(unsigned int reg)
{
	u32 word = apic_read(reg + 0x10 * (HYPERVISOR_CALLBACK_VECTOR / 32));

	return word & BIT(HYPERVISOR_CALLBACK_VECTOR % 32);
}

/*
 * Without per-vCPU vectors the callback gate is entered by the global
 * vector, which bypasses the LAPIC and must not be EOIed, or by a LAPIC
 * copy left from before a resume, which must. Only the ISR tells them
 * apart; it is read only while this CPU may still hold such a copy.
 */
static void xen_hvm_retire_vector_residue(void)
{
	if (xen_hvm_apic_vector_bit(APIC_ISR))
		apic_eoi();
	if (!xen_hvm_apic_vector_bit(APIC_IRR))
		this_cpu_write(xen_hvm_vector_residue, false);
}

/* A per-vCPU vector is a LAPIC interrupt; the global one bypasses it. */
static __always_inline void xen_hvm_upcall_ack(void)
{
	if (xen_percpu_upcall)
		apic_eoi();
	else if (unlikely(this_cpu_read(xen_hvm_vector_residue)))
		xen_hvm_retire_vector_residue();
}

/*
 * sysvec_xen_hvm_callback(regs): Xen's event upcall on
 * HYPERVISOR_CALLBACK_VECTOR. A plain comment because kernel-doc cannot
 * parse the DEFINE_IDTENTRY_SYSVEC wrapper. Entered through the IDT or FRED
 * stub in both vector modes (per-vCPU and domain-wide); in PCI INTx mode
 * the platform device's handler calls the event core instead. Counted as
 * "HYP" in /proc/interrupts.
 */
DEFINE_IDTENTRY_SYSVEC(sysvec_xen_hvm_callback)
{
	struct pt_regs *saved = set_irq_regs(regs);

	/*
	 * EOI before the scan: an event raised while we scan re-arms the
	 * vector, and that second interrupt finds whatever we missed.
	 */
	xen_hvm_upcall_ack();
	inc_irq_stat(irq_hv_callback_count);
	xen_evtchn_do_upcall();

	set_irq_regs(saved);
}

/*
 * SHUTDOWN_soft_reset makes Xen drop this domain's event channels, grant
 * mappings and vcpu_info registrations, so the next kernel can make them
 * again. If Xen refuses, the next kernel copes with leftovers (-EEXIST on
 * VIRQ binds, an already-armed upcall vector); we log rather than crash a
 * path that is already shutting down or dumping a crash.
 */
static void __maybe_unused xen_hvm_soft_reset(void)
{
	struct sched_shutdown req = { .reason = SHUTDOWN_soft_reset };
	unsigned int cpu;
	int rc;

	for_each_online_cpu(cpu)
		xen_pmu_finish(cpu);
	rc = HYPERVISOR_sched_op(SCHEDOP_shutdown, &req);
	if (rc)
		pr_err("soft reset refused (%d); next kernel inherits our state\n",
		       rc);
}

#ifdef CONFIG_KEXEC_CORE
static void xen_hvm_kexec_shutdown(void)
{
	native_machine_shutdown();
	/* A plain reboot or power-off leaves the domain to the toolstack. */
	if (kexec_in_progress)
		xen_hvm_soft_reset();
}
#endif

#ifdef CONFIG_CRASH_DUMP
static void xen_hvm_kdump_shutdown(struct pt_regs *regs)
{
	native_machine_crash_shutdown(regs);
	xen_hvm_soft_reset();
}
#endif

/* ACPI processor ids are Xen's vCPU numbers; fall back to our numbering. */
static void xen_hvm_assign_vcpu_id(unsigned int cpu)
{
	u32 acpi_id = cpu_acpi_id(cpu);

	per_cpu(xen_vcpu_id, cpu) = acpi_id != CPU_ACPIID_INVALID ? acpi_id : cpu;
}

/* Undo the prepare step; each part copes with never having been done. */
static int xen_hvm_cpu_dead(unsigned int cpu)
{
	xen_smp_intr_free(cpu);
	if (xen_have_vector_callback && xen_feature(XENFEAT_hvm_safe_pvclock))
		xen_teardown_timer(cpu);
	return 0;
}

/*
 * Boot CPU, before the new CPU runs: vCPU number, vcpu_info, timer and IPI
 * bindings. The upcall vector is not set here: Xen would raise it into a
 * LAPIC that is still disabled (a stale IRR bit on Xen 4.11 to 4.17, a lost
 * edge elsewhere); xen_hvm_cpu_starting() does it on the CPU itself.
 */
static int xen_hvm_cpu_prepare(unsigned int cpu)
{
	int rc;

	/* A CPU whose offlining timed out may still hold its PV lock state. */
	xen_uninit_lock_cpu(cpu);
	xen_hvm_assign_vcpu_id(cpu);

	/*
	 * A vCPU Xen does not have is refused with a clear message rather
	 * than by a failed registration below. Xen before 4.5 lacks the query
	 * (-ENOSYS) and goes on to the registration.
	 */
	rc = HYPERVISOR_vcpu_op(VCPUOP_is_up, xen_vcpu_nr(cpu), NULL);
	if (rc == -ENOENT) {
		pr_err("CPU %u: Xen has no vCPU %u\n", cpu, xen_vcpu_nr(cpu));
		return rc;
	}
	rc = xen_hvm_place_vcpu_info(cpu);
	if (rc)
		return rc;

	/* On the INTx line only vCPU 0 is ever interrupted: no PV timer/IPIs. */
	if (!xen_have_vector_callback)
		return 0;
	if (xen_feature(XENFEAT_hvm_safe_pvclock))
		xen_setup_timer(cpu);
	rc = xen_smp_intr_init(cpu);
	if (rc) {
		pr_err("CPU %u: IPI bindings failed (%d)\n", cpu, rc);
		/* The hotplug core does not undo the step that failed. */
		xen_hvm_cpu_dead(cpu);
	}
	return rc;
}

/*
 * On the new CPU, interrupts off, after setup_local_APIC() enabled its
 * LAPIC and before interrupts are first enabled (start_secondary()).
 * Later than this is too late: the online states need IPIs to wake this
 * CPU, and those are Xen events. A starting callback must not fail, so a
 * refusal is logged; the prepare step already made sure Xen has this vCPU,
 * and the op's other errors (not HVM, bad vector, bad buffer) cannot
 * happen once CPU 0 succeeded with the same arguments.
 */
static int xen_hvm_cpu_starting(unsigned int cpu)
{
	int rc;

	if (!xen_percpu_upcall)
		return 0;
	rc = xen_set_upcall_vector(cpu);
	if (rc) {
		pr_err("CPU %u: per-vCPU upcall vector refused (%d); it gets no events\n",
		       cpu, rc);
		return 0;
	}
	xen_evtchn_catch_early_upcall();
	return 0;
}

#ifdef CONFIG_SMP
/*
 * smp_hvm.c's version registers CPU 0's vcpu_info unconditionally; the
 * rest of what it does is repeated here around our placement.
 */
static void __init xen_hvm_prepare_boot_cpu(void)
{
	native_smp_prepare_boot_cpu();
	if (xen_hvm_place_vcpu_info(0))
		pr_err("CPU 0 has no vcpu_info: no event can reach it\n");
	/* Deferred from platform init if CPU 0 had no vcpu_info then. */
	xen_hvm_init_time_ops();
	xen_init_spinlocks();
}

static void __init xen_hvm_setup_smp_ops(void)
{
	xen_hvm_smp_init();
	smp_ops.smp_prepare_boot_cpu = xen_hvm_prepare_boot_cpu;
}
#else
static void __init xen_hvm_setup_smp_ops(void)
{
	xen_hvm_smp_init();
}
#endif

static void (*xen_hvm_native_intr_mode_init)(void) __initdata;

/*
 * The boot CPU's LAPIC is set up here (late time init, long after
 * init_IRQ); only then may Xen be given a per-vCPU vector for CPU 0.
 */
static void __init xen_hvm_intr_mode_init(void)
{
	xen_hvm_native_intr_mode_init();
	xen_hvm_boot_cpu_lapic_ready();
}

/*
 * CPUHP_AP_ARM_XEN_STARTING is the STARTING slot reserved for Xen guests;
 * only arch/arm/xen uses it there, and that code is never built on x86, so
 * it is free for the same job here. The vector cannot be removed again
 * (Xen rejects vector 0), so there is no teardown; re-onlining sets the
 * same vector again.
 */
static int __init xen_hvm_setup_cpuhp(void)
{
	int rc;

	rc = xen_cpuhp_setup(xen_hvm_cpu_prepare, xen_hvm_cpu_dead);
	if (rc)
		return rc;
	return cpuhp_setup_state_nocalls(CPUHP_AP_ARM_XEN_STARTING,
					 "x86/xen/guest:starting",
					 xen_hvm_cpu_starting, NULL);
}

/*
 * Without a shared-info page nothing Xen-specific can work. An HVM guest
 * then carries on as if booted with "nopv" (emulated devices, native
 * interrupts); a PVH guest has no emulated platform to fall back to.
 */
static void __init xen_hvm_give_up_pv(int rc)
{
	if (xen_pvh_domain())
		panic("Xen PVH: no shared info page (%d)\n", rc);
	pr_err("no shared info page (%d): running without Xen PV extensions\n",
	       rc);
}

static void __init xen_hvm_init_platform(void)
{
	int rc;

	if (xen_pv_domain())
		return;

	if (IS_ENABLED(CONFIG_XEN_VIRTIO_FORCE_GRANT))
		virtio_set_mem_acc_cb(xen_virtio_restricted_mem_acc);

	rc = xen_hvm_setup_shared_info();
	if (rc) {
		xen_hvm_give_up_pv(rc);
		return;
	}
	xen_hvm_read_platform_info();

	/* CPU 0 reads its vcpu_info from the shared page until registered. */
	xen_vcpu_info_reset(0);
	xen_panic_handler_init();
	/*
	 * The SMP operations use event-channel IPIs only with vector delivery,
	 * and the CPU hotplug prepare step binds them only then: without any
	 * vector, both must know now, not at init_IRQ time.
	 */
	if (!xen_hvm_vector_callback_offered())
		xen_have_vector_callback = false;
	xen_hvm_setup_smp_ops();

	rc = xen_hvm_setup_cpuhp();
	if (rc)
		pr_err("CPU hotplug callbacks not registered (%d): secondary CPUs get no events\n",
		       rc);

	xen_unplug_emulated_devices();
	x86_init.irqs.intr_init = xen_init_IRQ;
	xen_hvm_native_intr_mode_init = x86_init.irqs.intr_mode_init;
	x86_init.irqs.intr_mode_init = xen_hvm_intr_mode_init;
	xen_hvm_init_time_ops();
	xen_hvm_init_mmu_ops();

#ifdef CONFIG_KEXEC_CORE
	machine_ops.shutdown = xen_hvm_kexec_shutdown;
#endif
#ifdef CONFIG_CRASH_DUMP
	machine_ops.crash_shutdown = xen_hvm_kdump_shutdown;
#endif
}

static void __init xen_hvm_use_direct_map(void)
{
	if (!xen_hvm_shinfo_pfn)
		return;
	early_memunmap(HYPERVISOR_shared_info, PAGE_SIZE);
	HYPERVISOR_shared_info = __va(PFN_PHYS(xen_hvm_shinfo_pfn));
	/* CPU 0 may still point into the early mapping that just went away. */
	xen_vcpu_info_reset(0);
}

/* Deprecated spelling of "nopv", honoured only when Xen is really there. */
static int __init xen_hvm_param_nopv(char *arg)
{
	pr_notice("\"xen_nopv\" is deprecated; use \"nopv\"\n");
	if (xen_cpuid_base())
		nopv = true;
	return 0;
}
early_param("xen_nopv", xen_hvm_param_nopv);

/* Force the platform PCI INTx line (and no PV IPIs or timers). */
static int __init xen_hvm_param_no_vector_callback(char *arg)
{
	xen_have_vector_callback = false;
	return 0;
}
early_param("xen_no_vector_callback", xen_hvm_param_no_vector_callback);

static bool __init xen_hvm_x2apic_ok(void)
{
	return x2apic_supported();
}

static bool __init xen_hvm_msi_ext_dest_id(void)
{
	u32 eax, ebx, ecx, edx;

	if (!xen_hvm_cpuid_leaf(4, &eax, &ebx, &ecx, &edx))
		return false;
	return eax & XEN_HVM_CPUID_EXT_DEST_ID;
}

/*
 * A guest that did not come in through the PVH entry may still be PVH:
 * the ACPI FADT then says there is neither an RTC nor VGA.
 */
static void __init xen_hvm_detect_pvh(void)
{
#ifdef CONFIG_XEN_PVH
	bool no_legacy = !x86_platform.legacy.rtc && x86_platform.legacy.no_vga;

	if (!xen_pvh && !no_legacy)
		return;
	xen_pvh = true;
	if (nopv)
		panic("Xen PVH guest cannot run with \"nopv\" or \"xen_nopv\"\n");

	/* No IO-APIC: ACPI must not assume the legacy PIC model. */
	if (acpi_irq_model == ACPI_IRQ_MODEL_PIC && nr_ioapics == 0)
		acpi_irq_model = ACPI_IRQ_MODEL_PLATFORM;

	machine_ops.emergency_restart = xen_emergency_restart;
	pv_info.name = "Xen PVH";
#endif
}

/*
 * "nopv" on an HVM guest: use the bare-hardware paths, except that the
 * late hook still runs so a PVH guest is detected and refused.
 */
static void __init xen_hvm_use_native_hooks(void)
{
	struct x86_hyper_init *init = &x86_hyper_xen_hvm.init;

	init->init_platform = x86_init_noop;
	init->x2apic_available = bool_x86_init_noop;
	init->init_mem_mapping = x86_init_noop;
	init->init_after_bootmem = x86_init_noop;
	init->guest_late_init = xen_hvm_detect_pvh;
	x86_hyper_xen_hvm.runtime.pin_vcpu = x86_op_int_noop;
}

static u32 __init xen_hvm_detect(void)
{
	u32 base = xen_cpuid_base();

	if (xen_pv_domain())
		return 0;
	/* Hypercalls go through vmcall or vmmcall depending on the vendor. */
	if (base)
		xen_hypercall_setfunc();

	if (xen_pvh_domain() && nopv) {
		pr_info("PVH guest: ignoring \"nopv\"\n");
		nopv = false;
	} else if (base && nopv) {
		xen_hvm_use_native_hooks();
	}
	return base;
}

/* Entry in the boot-time hypervisor detection table (cpu/hypervisor.c). */
struct hypervisor_x86 x86_hyper_xen_hvm __initdata = {
	.name			= "Xen HVM",
	.type			= X86_HYPER_XEN_HVM,
	.ignore_nopv		= true,
	.detect			= xen_hvm_detect,
	.init = {
		.init_platform		= xen_hvm_init_platform,
		.init_mem_mapping	= xen_hvm_use_direct_map,
		.guest_late_init	= xen_hvm_detect_pvh,
		.x2apic_available	= xen_hvm_x2apic_ok,
		.msi_ext_dest_id	= xen_hvm_msi_ext_dest_id,
	},
	.runtime.pin_vcpu	= xen_pin_vcpu,
};
