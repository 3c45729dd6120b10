// SPDX-License-Identifier: GPL-2.0-only
/*
 * Booting the KUnit kernel as a Xen HVM guest of the software model.
 *
 * Scenario suites want the kernel's own event-channel code to run through
 * the paths a Xen guest takes: boot-time setup, CPU hotplug, bind, notify,
 * upcall, unbind. Under QEMU/TCG there are no Xen CPUID leaves, so the x86
 * hypervisor detection never chooses Xen, and the pieces that make a Xen
 * guest (xen_init_IRQ(), the 0xf3 callback gate) are __init and must run
 * inside start_kernel(). Hence this hook into boot, enabled by the kernel
 * parameter
 *
 *	xen_model[=opt[,opt...]]
 *
 * with options fifo (default) | 2l | nofifo=ENOSYS|EOPNOTSUPP, vcpus=N
 * (model vCPUs, default 8), percpu | nopercpu (default: Xen's CPUID leaf 4
 * advertises XEN_HVM_CPUID_UPCALL_VECTOR or not), noupcallop (the per-vCPU
 * vector op answers -ENOSYS, Xen before 4.6), novector (no
 * XENFEAT_hvm_callback_vector), version=MAJ.MIN (default 4.17),
 * nolapicfix (Xen before the 4.18 fix: a per-vCPU vector raised while the
 * vCPU's local APIC is disabled leaves a stale IRR bit), maxport=N (the
 * domain's max_evtchn_port, default 1023 as libxl gives),
 * failinit=V:ENOMEM|ENOSYS|EOPNOTSUPP (every EVTCHNOP_init_control for
 * vCPU V fails with that errno, until a test calls xm_fail_init_control()
 * to stop it; V=0 is the boot CPU), and the test-only prepvector (register
 * each secondary CPU's vector from the CPU hotplug prepare step on the boot
 * CPU instead of on the new CPU, as Linux did before it moved the
 * registration: a boot with it shows that the upcall suite's hotplug case
 * catches that order; see run-kunit.sh).
 *
 * Design, in boot order:
 *
 * 1. early_param() records the options and sets x86_init.hyper
 *    .init_mem_mapping, a no-op on bare metal that setup_arch() calls at
 *    the end of init_mem_mapping(): after init_hypervisor_platform() found
 *    nothing, with the direct map and memblock up but no page allocator.
 * 2. There xmb_become_xen_guest() creates the model domain in static
 *    storage, points xen_hypercall at the model (text is still patched
 *    with text_poke_early() this early), makes the domain live (vCPU n is
 *    CPU n) and then does what detection does for Xen HVM: x86_hyper_type,
 *    the x86_hyper_xen_hvm init and runtime hooks, init_platform()
 *    (xen_hvm_guest_init(): shared_info through XENMEM_add_to_physmap, SMP
 *    and CPU hotplug hooks, intr_init = xen_init_IRQ, time and MMU ops),
 *    and the Xen init_mem_mapping hook that init_mem_mapping() would have
 *    called. From here on the kernel's own Xen code runs unchanged.
 * 3. The live domain does not advertise XENFEAT_hvm_safe_pvclock (the model
 *    has no Xen timer), so the kernel keeps its native clocks. It has no
 *    xenstore: HVM_PARAM_STORE_PFN and CONSOLE_PFN stay 0, and xenbus and
 *    hvc_xen give up quietly; grant tables wait for the absent platform
 *    PCI device.
 * 4. Under TCG xen_cpuid_base() is 0 and there are no Xen CPUID leaves.
 *    Our enlighten_hvm.c reads them through xen_hvm_cpuid_leaf(), which a
 *    test build lets xen_hvm_cpuid_hook answer: the harness installs
 *    xm_cpuid() of the live domain there, so the kernel itself sees the
 *    model's version, vCPU id and UPCALL_VECTOR bit, and chooses its
 *    delivery mode on its own. Upstream's files have no hook (the harness
 *    references it weakly): they read basic leaves 1 and 4 instead (both
 *    logged at boot), never see the UPCALL_VECTOR bit, and ask for the
 *    global callback vector. For them "percpu" stands in for the bit: after
 *    xen_init_IRQ() the harness registers CPU 0's per-vCPU vector and sets
 *    xen_percpu_upcall, as the kernel would have done; the other CPUs
 *    follow through the Xen CPU hotplug callback. (These two names are the
 *    only kernel internals used.)
 * 5. Per-vCPU vectors reach a CPU as real 0xf3 IPIs, EOIed by the handler.
 *    The global vector is injected by Xen outside the local APIC and never
 *    EOIed, which no IPI can mimic (it would stay in service and block every
 *    lower vector). The live domain therefore delivers it as the
 *    X86_PLATFORM_IPI vector, whose handler EOIs first, and the callback
 *    runs the kernel's event upcall, xen_evtchn_do_upcall().
 * 6. The model sends no IPI to a live vCPU it does not know to be running
 *    with a working local APIC: one sent during early boot is left in IRR
 *    and reported as "Stale IRR" when the kernel sets the APIC up, one to
 *    an offline CPU is lost. It keeps what Xen's vLAPIC would hold instead
 *    and delivers it when it learns that the vCPU runs: from an early
 *    initcall for the boot CPU, and from a CPU hotplug state (AP online)
 *    for the others; another one (after death) marks the vCPU down again,
 *    and the last prepare step stands for the INIT of the bring-up, which
 *    resets the vLAPIC of a vCPU that had run before (re-online).
 * 7. Hypercalls from interrupt context on a CPU where a test acts as a
 *    scratch domain's vCPU (xm_enter()) belong to the live domain.
 *
 * The scratch-domain suites install the model themselves and cannot run in
 * a model boot (xm_install() gives -EBUSY), nor the scenario suites without
 * one (they skip): scripts/xen-evtchn/run-kunit.sh boots once per mode.
 */
#include <linux/cpuhotplug.h>
#include <linux/init.h>
#include <linux/kernel.h>
#include <linux/printk.h>
#include <linux/string.h>
#include <asm/apic.h>
#include <asm/cpufeature.h>
#include <asm/hypervisor.h>
#include <asm/irq.h>
#include <asm/irq_vectors.h>
#include <asm/hardirq.h>
#include <asm/x86_init.h>
#include <asm/xen/events.h>
#include <xen/events.h>
#include <xen/hvm.h>
#include "xen_model_internal.h"

#define XMB_DEFAULT_VCPUS	8

struct xmb_options {
	bool enabled;
	bool percpu;
	bool no_upcall_op;
	bool no_vector;
	bool prep_vector;
	bool no_lapic_fix;
	int fifo_errno;
	unsigned int vcpus;
	unsigned int version;
	unsigned int max_port;
	unsigned int fail_init_vcpu;
	int fail_init_errno;
};

static struct xmb_options xmb_opts __initdata = {
	.vcpus = XMB_DEFAULT_VCPUS,
	.version = XM_XEN(4, 17),
};

static void (*xmb_kernel_intr_init)(void) __initdata;
static bool xmb_booted;
/* What the suites may ask about the boot, kept after init. */
static struct xm_boot_info xmb_info;
static bool xmb_prep_vector;

/* See xen_hvm_cpuid_hook in xen_model_internal.h. */
static bool xmb_have_cpuid_hook(void)
{
	return !!&xen_hvm_cpuid_hook;
}

/* --- options ------------------------------------------------------------- */

static int __init xmb_parse_errno(const char *val, int *err)
{
	if (!strcmp(val, "ENOSYS"))
		*err = -XM_ENOSYS;
	else if (!strcmp(val, "EOPNOTSUPP"))
		*err = -EOPNOTSUPP;
	else if (!strcmp(val, "ENOMEM"))
		*err = -ENOMEM;
	else
		return -EINVAL;
	return 0;
}

/* failinit=VCPU:ERRNO */
static int __init xmb_parse_fail_init(char *val)
{
	char *err = strchr(val, ':');
	int rc;

	if (!err)
		return -EINVAL;
	*err++ = '\0';
	rc = kstrtouint(val, 0, &xmb_opts.fail_init_vcpu);
	if (!rc)
		rc = xmb_parse_errno(err, &xmb_opts.fail_init_errno);
	if (rc) {
		xmb_opts.fail_init_errno = 0;
		return -EINVAL;
	}
	return 0;
}

static int __init xmb_parse_version(const char *val, unsigned int *version)
{
	unsigned int maj, min;

	if (sscanf(val, "%u.%u", &maj, &min) != 2 || maj > 0xffff || min > 0xffff)
		return -EINVAL;
	*version = XM_XEN(maj, min);
	return 0;
}

static int __init xmb_parse_one(char *opt)
{
	char *val = strchr(opt, '=');

	if (val)
		*val++ = '\0';
	if (!strcmp(opt, "fifo") && !val)
		xmb_opts.fifo_errno = 0;
	else if (!strcmp(opt, "2l") && !val)
		xmb_opts.fifo_errno = -XM_ENOSYS;
	else if (!strcmp(opt, "nofifo") && val)
		return xmb_parse_errno(val, &xmb_opts.fifo_errno);
	else if (!strcmp(opt, "percpu") && !val)
		xmb_opts.percpu = true;
	else if (!strcmp(opt, "nopercpu") && !val)
		xmb_opts.percpu = false;
	else if (!strcmp(opt, "noupcallop") && !val)
		xmb_opts.no_upcall_op = true;
	else if (!strcmp(opt, "novector") && !val)
		xmb_opts.no_vector = true;
	else if (!strcmp(opt, "prepvector") && !val)
		xmb_opts.prep_vector = true;
	else if (!strcmp(opt, "nolapicfix") && !val)
		xmb_opts.no_lapic_fix = true;
	else if (!strcmp(opt, "vcpus") && val)
		return kstrtouint(val, 0, &xmb_opts.vcpus);
	else if (!strcmp(opt, "maxport") && val)
		return kstrtouint(val, 0, &xmb_opts.max_port);
	else if (!strcmp(opt, "failinit") && val)
		return xmb_parse_fail_init(val);
	else if (!strcmp(opt, "version") && val)
		return xmb_parse_version(val, &xmb_opts.version);
	else
		return -EINVAL;
	return 0;
}

static void __init xmb_become_xen_guest(void);

static int __init xmb_parse(char *arg)
{
	char *opt;

	while (arg && (opt = strsep(&arg, ",")) != NULL) {
		if (*opt && xmb_parse_one(opt))
			pr_err("xen_model: bad option \"%s\", ignored\n", opt);
	}
	if (!xmb_opts.vcpus || xmb_opts.vcpus > XM_MAX_VCPUS)
		xmb_opts.vcpus = XMB_DEFAULT_VCPUS;
	xmb_opts.enabled = true;
	x86_init.hyper.init_mem_mapping = xmb_become_xen_guest;
	return 0;
}
early_param("xen_model", xmb_parse);

/* --- upcall delivery ------------------------------------------------------- */

/* The platform IPI handler has EOIed; this is the injected global vector. */
static void xmb_deliver_global(unsigned int cpu, u8 vector);
static atomic_long_t xmb_reentries = ATOMIC_LONG_INIT(0);

/* Is @vector requested in this CPU's LAPIC (IRR) and not yet taken? */
static bool xmb_vector_waiting(u8 vector)
{
	return apic_read(APIC_IRR + (vector / 32) * 0x10) & BIT(vector % 32);
}

/*
 * Xen injects the global vector at every VM entry while the vCPU's flag
 * is set (spec 7.1), so an upcall that returns with the flag still set
 * (it gave up the CPU after a storm, or an event came in at the end) is
 * entered again right after its return. The model sends its vector once
 * per 0 -> 1 change; this is the VM entry that follows the upcall.
 */
static void xmb_global_upcall(void)
{
	struct xm_domain *d = xm_live_domain();
	unsigned int cpu = smp_processor_id();

	inc_irq_stat(irq_hv_callback_count);
	xen_evtchn_do_upcall();
	if (d && xm_vm_entry_injects_global(d, cpu, true)) {
		/* Only counted when no earlier send is already waiting. */
		if (!xmb_vector_waiting(X86_PLATFORM_IPI_VECTOR))
			atomic_long_inc(&xmb_reentries);
		xmb_deliver_global(cpu, HYPERVISOR_CALLBACK_VECTOR);
	}
}

/* Model side: the live global vector, as an interrupt needing no EOI. */
static void xmb_deliver_global(unsigned int cpu, u8 vector)
{
	if (vector == HYPERVISOR_CALLBACK_VECTOR)
		__apic_send_IPI(cpu, X86_PLATFORM_IPI_VECTOR);
	else
		__apic_send_IPI(cpu, vector);
}

/*
 * Xen's CPUID leaves as the live domain answers them for the asking CPU
 * (vCPU n is CPU n), up to the highest leaf its leaf 0 reports.
 */
static bool xmb_cpuid(unsigned int index, u32 *eax, u32 *ebx, u32 *ecx,
		      u32 *edx)
{
	struct xm_domain *d = xm_live_domain();
	u32 max, b, c, e;

	if (!d)
		return false;
	xm_cpuid(d, 0, 0, &max, &b, &c, &e);
	if (index > max - 0x40000000)
		return false;
	xm_cpuid(d, raw_smp_processor_id(), index, eax, ebx, ecx, edx);
	return true;
}

/*
 * Upstream's files only: what xen_init_IRQ() does after reading the
 * UPCALL_VECTOR CPUID bit, for the bit TCG cannot show (see 4. above).
 */
static void __init xmb_intr_init(void)
{
	int rc;

	xmb_kernel_intr_init();
	if (xmb_have_cpuid_hook())
		return;
	if (!xmb_opts.percpu || xen_percpu_upcall || !xen_have_vector_callback)
		return;
	rc = xen_set_upcall_vector(0);
	if (rc)
		pr_err("xen_model: per-vCPU upcall vector for CPU 0: %d\n", rc);
	else
		xen_percpu_upcall = true;
}

/* --- becoming a Xen HVM guest ------------------------------------------- */

/*
 * What init_hypervisor_platform() does for a detected hypervisor: its
 * non-NULL hooks replace the defaults.
 */
static void __init xmb_adopt_xen_hvm_hooks(void)
{
	const struct x86_hyper_init *hi = &x86_hyper_xen_hvm.init;
	const struct x86_hyper_runtime *hr = &x86_hyper_xen_hvm.runtime;
	struct x86_hyper_init *ti = &x86_init.hyper;
	struct x86_hyper_runtime *tr = &x86_platform.hyper;

	if (hi->init_platform)
		ti->init_platform = hi->init_platform;
	if (hi->guest_late_init)
		ti->guest_late_init = hi->guest_late_init;
	if (hi->x2apic_available)
		ti->x2apic_available = hi->x2apic_available;
	if (hi->msi_ext_dest_id)
		ti->msi_ext_dest_id = hi->msi_ext_dest_id;
	if (hi->init_mem_mapping)
		ti->init_mem_mapping = hi->init_mem_mapping;
	if (hi->init_after_bootmem)
		ti->init_after_bootmem = hi->init_after_bootmem;
	if (hr->pin_vcpu)
		tr->pin_vcpu = hr->pin_vcpu;
	if (hr->sev_es_hcall_prepare)
		tr->sev_es_hcall_prepare = hr->sev_es_hcall_prepare;
	if (hr->sev_es_hcall_finish)
		tr->sev_es_hcall_finish = hr->sev_es_hcall_finish;
	if (hr->is_private_mmio)
		tr->is_private_mmio = hr->is_private_mmio;
	x86_hyper_type = x86_hyper_xen_hvm.type;
}

static struct xm_domain * __init xmb_create_live_domain(void)
{
	struct xm_config cfg;
	struct xm_domain *d;
	unsigned int v;

	xm_config_default(&cfg);
	cfg.nr_vcpus = xmb_opts.vcpus;
	cfg.xen_version = xmb_opts.version;
	cfg.lapic_fix = !xmb_opts.no_lapic_fix;
	cfg.fifo_errno = xmb_opts.fifo_errno;
	cfg.no_upcall_vector_cpuid = !xmb_opts.percpu;
	cfg.no_upcall_vector_op = xmb_opts.no_upcall_op;
	cfg.no_vector_callback = xmb_opts.no_vector;
	cfg.no_safe_pvclock = true;
	cfg.max_evtchn_port = xmb_opts.max_port;
	d = xm_domain_create_boot(&cfg, XM_DOMID_GUEST);
	if (!d)
		return NULL;
	if (xmb_opts.fail_init_errno)
		xm_fail_init_control(d, xmb_opts.fail_init_vcpu,
				     xmb_opts.fail_init_errno);
	/*
	 * An HVM guest starts on vCPU 0 and the others wait for INIT/SIPI;
	 * here even vCPU 0 counts as down until its local APIC is set up
	 * (xmb_early_init()), so that no IPI is sent to it before.
	 */
	for (v = 0; v < cfg.nr_vcpus; v++)
		xm_vcpu_set_online(d, v, false);
	return d;
}

static void __init xmb_become_xen_guest(void)
{
	struct xm_domain *d;

	if (x86_hyper_type != X86_HYPER_NATIVE) {
		pr_err("xen_model: a real hypervisor was detected, not booting on the model\n");
		return;
	}
	d = xmb_create_live_domain();
	if (!d) {
		pr_err("xen_model: cannot create the boot domain\n");
		return;
	}
	if (xm_install() || xm_domain_make_live(d)) {
		pr_err("xen_model: cannot install the model\n");
		return;
	}
	xm_set_live_global_delivery(xmb_deliver_global);
	x86_platform_ipi_callback = xmb_global_upcall;
	xmb_info.fifo_errno = xmb_opts.fifo_errno;
	xmb_info.max_port = xmb_opts.max_port;
	xmb_info.fail_init_vcpu = xmb_opts.fail_init_vcpu;
	xmb_info.fail_init_errno = xmb_opts.fail_init_errno;
	xmb_booted = true;
	xmb_prep_vector = xmb_opts.prep_vector;
	pr_info("xen_model: booting as a Xen %u.%u HVM guest of the model (%s%s%s%s%s, %u vCPUs)\n",
		xmb_opts.version >> 16, xmb_opts.version & 0xffff,
		xmb_opts.fifo_errno ? "2-level" : "FIFO",
		xmb_opts.percpu ? ", UPCALL_VECTOR in CPUID" : "",
		xmb_opts.no_upcall_op ? ", no per-vCPU vector op" : "",
		xmb_opts.no_vector ? ", no callback vector" : "",
		xmb_opts.no_lapic_fix ? ", stale IRR (pre-4.18)" : "", xmb_opts.vcpus);

	if (xmb_have_cpuid_hook()) {
		WRITE_ONCE(xen_hvm_cpuid_hook, xmb_cpuid);
	} else {
		/* What upstream reads in place of Xen's leaves 0x40000001/4. */
		pr_info("xen_model: CPUID leaf 1 EAX %#x, leaf 4 EAX %#x\n",
			cpuid_eax(1), cpuid_eax(4));
	}
	xmb_adopt_xen_hvm_hooks();
	x86_init.hyper.init_platform();
	/* xen_hvm_guest_init() set intr_init; run ours around it. */
	xmb_kernel_intr_init = x86_init.irqs.intr_init;
	x86_init.irqs.intr_init = xmb_intr_init;
	/* init_mem_mapping() called us in place of this hook. */
	x86_init.hyper.init_mem_mapping();
}

/* --- CPUs coming and going ------------------------------------------------- */

static int xmb_cpu_online(unsigned int cpu)
{
	xm_live_vcpu_started(cpu);
	return 0;
}

/*
 * The last prepare step before the kick (a dynamic prepare state, after
 * the kernel's Xen ones): test-only (prepvector), the vector registration
 * from the prepare step, on the boot CPU while the new CPU's local APIC is
 * still off, as Linux did before moving it to the new CPU; then the INIT
 * the kick is about to send, which the model cannot see (xm_live_vcpu_init()).
 */
static int xmb_cpu_prepare(unsigned int cpu)
{
	if (READ_ONCE(xmb_prep_vector) && xen_percpu_upcall)
		xen_set_upcall_vector(cpu);
	xm_live_vcpu_init(cpu);
	return 0;
}

/* After the CPU died: until then it must keep taking upcalls (IPIs). */
static int xmb_cpu_dead(unsigned int cpu)
{
	xm_live_vcpu_stopped(cpu);
	return 0;
}

/* Before SMP bring-up, with the boot CPU's local APIC working. */
static int __init xmb_early_init(void)
{
	int rc;

	if (!xmb_booted)
		return 0;
	xm_live_vcpu_started(0);
	/*
	 * prepvector moves the registration: without the kernel's own step on
	 * the new CPU (enlighten_hvm.c's starting state, the one other kernel
	 * internal used here) nothing repairs what the old order breaks.
	 */
	if (xmb_prep_vector)
		cpuhp_remove_state_nocalls(CPUHP_AP_ARM_XEN_STARTING);
	rc = cpuhp_setup_state_nocalls(CPUHP_BP_PREPARE_DYN, "xen/model:dead",
				       xmb_cpu_prepare, xmb_cpu_dead);
	if (rc >= 0)
		rc = cpuhp_setup_state_nocalls(CPUHP_AP_ONLINE_DYN, "xen/model:online",
					       xmb_cpu_online, NULL);
	if (rc < 0)
		pr_err("xen_model: CPU hotplug states: %d\n", rc);
	return 0;
}
early_initcall(xmb_early_init);

/**
 * xm_booted_on_model() - did this kernel boot as a guest of the model?
 *
 * Return: true after a boot with the xen_model parameter that made the
 * model's live domain the kernel's Xen.
 */
bool xm_booted_on_model(void)
{
	return READ_ONCE(xmb_booted);
}

/**
 * xm_boot_info() - the options of a model boot
 *
 * Return: what xen_model=... asked for, or NULL when the kernel did not
 * boot on the model.
 */
const struct xm_boot_info *xm_boot_info(void)
{
	return xm_booted_on_model() ? &xmb_info : NULL;
}

/**
 * xm_boot_global_reentries() - global upcalls entered again at once
 *
 * Return: how often an upcall on the global vector returned with its flag
 * still set and no injection of the vector already on its way, so that
 * only the VM entry's re-injection brought the CPU back for its events.
 */
unsigned long xm_boot_global_reentries(void)
{
	return atomic_long_read(&xmb_reentries);
}
