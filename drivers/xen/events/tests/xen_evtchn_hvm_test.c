// SPDX-License-Identifier: GPL-2.0-only
/*
 * HVM upcall delivery on a kernel booted as a Xen HVM guest of the model
 * (kernel parameter xen_model=..., see xen_model_boot.c): which rung of the
 * delivery ladder the kernel takes for the model's features (per-vCPU
 * vector, domain-wide callback vector, platform PCI INTx / none), what each
 * rung costs in interrupts and EOIs, CPU bring-up on Xen before and after
 * the 4.18 LAPIC fix, and save/restore into a new domain with the same or
 * fewer features, or a cancelled suspend.
 *
 * The model's CPUID leaves reach the kernel through xen_hvm_cpuid_hook, so
 * the kernel picks its mode itself; each boot of run-kunit.sh sets other
 * model features and these suites check the kernel's answer against them.
 * The cases use what the kernel itself uses (bind/notify/unbind, irq
 * affinity, SMP calls, CPU hotplug, the suspend steps of
 * drivers/xen/manage.c) plus the model's API for the hypervisor side.
 */
#include <kunit/test.h>
#include <linux/atomic.h>
#include <linux/cpu.h>
#include <linux/cpumask.h>
#include <linux/delay.h>
#include <linux/interrupt.h>
#include <linux/irq.h>
#include <linux/slab.h>
#include <linux/smp.h>
#include <linux/stop_machine.h>
#include <asm/apic.h>
#include <asm/hardirq.h>
#include <asm/irq_vectors.h>
#include <asm/xen/cpuid.h>
#include <asm/xen/events.h>
#include <asm/xen/hypercall.h>
#include <xen/events.h>
#include <xen/hvm.h>
#include <xen/xen-ops.h>
#include <xen/interface/event_channel.h>
#include <xen/interface/hvm/params.h>
#ifndef XEN_EVTCHN_TEST_UPSTREAM
#include "../events_internal.h"
#endif
#include "xen_model.h"
#include "xen_evtchn_hvm_util.h"

#define XEH_HOTPLUG_CPU		xeh_hotplug_cpu()
#define XEH_EVENTS		3	/* events sent to each CPU in turn */
#define XEH_XEN_ENOSYS		38	/* Xen's "no such hypercall" errno */

/* --- helpers ------------------------------------------------------------- */

static unsigned int xeh_hv_callbacks(unsigned int cpu)
{
	return READ_ONCE(per_cpu(irq_stat, cpu).irq_hv_callback_count);
}

/* The rung the model's features call for, computed from the model alone. */
static bool xeh_cfg_advertises_vector(const struct xm_config *cfg)
{
	return cfg->xen_version >= XM_XEN(4, 17) && !cfg->no_upcall_vector_cpuid;
}

static enum xeh_mode xeh_expected_mode(const struct xm_config *cfg)
{
	if (xeh_cfg_advertises_vector(cfg) && !cfg->no_upcall_vector_op)
		return XEH_PERCPU;
	if (!cfg->no_vector_callback)
		return XEH_GLOBAL;
	return XEH_NONE;
}

static void xeh_live_config(struct xm_config *cfg)
{
	xm_domain_config(xeh_live(), cfg);
}

/* The model's delivery state matches @mode on every online CPU. */
static void xeh_expect_model_mode(struct kunit *test, enum xeh_mode mode,
				  const char *what)
{
	struct xm_domain *d = xeh_live();
	unsigned int cpu;
	u8 want = mode == XEH_PERCPU ? HYPERVISOR_CALLBACK_VECTOR : 0;

	for_each_online_cpu(cpu)
		KUNIT_EXPECT_EQ_MSG(test, xm_upcall_vector(d, cpu), want,
				    "%s: CPU %u per-vCPU vector, mode %s", what, cpu,
				    xeh_mode_names[mode]);
	switch (mode) {
	case XEH_PERCPU:
		/* Only the toolstack's "PV drivers" marker (GSI 1), no line. */
		KUNIT_EXPECT_NE_MSG(test, xm_callback_irq(d), 0ULL,
				    "%s: CALLBACK_IRQ with per-vCPU vectors", what);
		KUNIT_EXPECT_NE_MSG(test, xm_via_type(d), XM_VIA_VECTOR,
				    "%s: no global vector beside per-vCPU ones", what);
		break;
	case XEH_GLOBAL:
		KUNIT_EXPECT_EQ_MSG(test, xm_via_type(d), XM_VIA_VECTOR,
				    "%s: global callback via", what);
		KUNIT_EXPECT_EQ_MSG(test, xm_callback_irq(d) & 0xff,
				    (u64)HYPERVISOR_CALLBACK_VECTOR,
				    "%s: CALLBACK_IRQ vector", what);
		break;
	case XEH_NONE:
		/* The platform PCI driver would set the INTx via; there is none. */
		KUNIT_EXPECT_EQ_MSG(test, xm_via_type(d), XM_VIA_NONE,
				    "%s: no via without platform PCI", what);
		break;
	}
}

static void xeh_require_hotplug_cpu(struct kunit *test)
{
	KUNIT_ASSERT_TRUE_MSG(test, cpu_online(XEH_HOTPLUG_CPU) &&
			      cpu_is_hotpluggable(XEH_HOTPLUG_CPU),
			      "needs hotpluggable CPU %u (-smp 2 or more)", XEH_HOTPLUG_CPU);
}

/* --- suite: the ladder at boot and CPU bring-up ------------------------------- */

/*
 * The kernel's rung is the one the model's features call for (CPUID bit
 * and working op: per-vCPU; else the callback-vector feature: global;
 * else none), and the model's state agrees on every CPU.
 */
static void xeh_mode_follows_model_features(struct kunit *test)
{
	enum xeh_mode want, got;
	struct xm_config cfg;

	xeh_live_config(&cfg);
	want = xeh_expected_mode(&cfg);
	got = xeh_kernel_mode();
	kunit_info(test, "model: Xen %u.%u, UPCALL_VECTOR bit %d, op %s, callback vector %d, lapic fix %d; kernel: %s\n",
		   cfg.xen_version >> 16, cfg.xen_version & 0xffff,
		   xeh_cfg_advertises_vector(&cfg),
		   cfg.no_upcall_vector_op ? "-ENOSYS" : "ok",
		   !cfg.no_vector_callback, cfg.lapic_fix, xeh_mode_names[got]);
	KUNIT_EXPECT_EQ_MSG(test, got, want, "kernel chose %s, model calls for %s",
			    xeh_mode_names[got], xeh_mode_names[want]);
	xeh_expect_model_mode(test, want, "boot");
	KUNIT_EXPECT_EQ_MSG(test, xm_stray_hypercalls(), 0UL,
			    "hypercalls from a CPU the live domain has no vCPU for");
}

/*
 * Toolstacks see PV drivers only if HVM_PARAM_CALLBACK_IRQ is non-zero:
 * set in both vector modes; without platform PCI nothing may set it.
 */
static void xeh_callback_irq_after_boot(struct kunit *test)
{
	u64 via = xm_callback_irq(xeh_live());

	switch (xeh_kernel_mode()) {
	case XEH_PERCPU:
		KUNIT_EXPECT_EQ_MSG(test, via, 1ULL, "per-vCPU: the GSI 1 marker");
		break;
	case XEH_GLOBAL:
		KUNIT_EXPECT_NE_MSG(test, via, 0ULL, "global: the vector via");
		break;
	case XEH_NONE:
		KUNIT_EXPECT_EQ_MSG(test, via, 0ULL, "none: nothing set");
		break;
	}
}

/*
 * Events to each CPU in turn arrive once each; the interrupts are the
 * mode's: per-vCPU vectors (and the handler EOIs its LAPIC before running
 * the handlers: the upcall vector is no longer in service there) or the
 * global vector (no LAPIC vector at all). Not one interrupt per event: an
 * event raised while an upcall is already on its way to that CPU (its flag
 * still set, say for a timer VIRQ) rides on it, as on Xen. Without a vector nothing can be
 * delivered (no platform PCI here): the event stays pending, the kernel
 * survives, the port can be closed.
 */
static void xeh_events_flow_with_mode_interrupts(struct kunit *test)
{
	enum xeh_mode mode = xeh_kernel_mode();
	struct xm_domain *d = xeh_live();
	unsigned long vec0, glob0;
	unsigned int cpu, hyp0;
	struct xeh_chan c;
	int i;

	for_each_online_cpu(cpu) {
		xeh_open(test, &c);
		if (mode != XEH_NONE)
			KUNIT_ASSERT_EQ(test, irq_set_affinity(c.irq, cpumask_of(cpu)), 0);
		vec0 = xm_vector_injections(d, cpu);
		glob0 = xm_global_injections(d, cpu);
		hyp0 = xeh_hv_callbacks(cpu);
		for (i = 1; i <= XEH_EVENTS; i++) {
			KUNIT_EXPECT_EQ(test, xeh_peer_send(&c), 0);
			if (!xeh_expect_hits(test, &c, mode == XEH_NONE ? 0 : i,
					     xeh_mode_names[mode]))
				break;
		}
		if (mode != XEH_NONE)
			KUNIT_EXPECT_EQ_MSG(test, c.last_cpu, (int)cpu, "handler CPU");
		switch (mode) {
		case XEH_PERCPU:
			KUNIT_EXPECT_GE_MSG(test, xm_vector_injections(d, cpu) - vec0,
					    1UL, "CPU %u: per-vCPU vector sends", cpu);
			KUNIT_EXPECT_EQ_MSG(test, xm_global_injections(d, cpu), glob0,
					    "CPU %u: global vector in per-vCPU mode", cpu);
			KUNIT_EXPECT_FALSE_MSG(test, c.apic_isr_upcall,
					       "CPU %u: upcall vector still in service in the handler (EOI missing or late)",
					       cpu);
			break;
		case XEH_GLOBAL:
			KUNIT_EXPECT_GE_MSG(test, xm_global_injections(d, cpu) - glob0,
					    1UL, "CPU %u: global vector injections", cpu);
			KUNIT_EXPECT_EQ_MSG(test, xm_vector_injections(d, cpu), vec0,
					    "CPU %u: per-vCPU vector in global mode", cpu);
			break;
		case XEH_NONE:
			KUNIT_EXPECT_EQ_MSG(test, xm_vector_injections(d, cpu) +
					    xm_global_injections(d, cpu), vec0 + glob0,
					    "CPU %u: vector interrupts without a vector", cpu);
			KUNIT_EXPECT_EQ_MSG(test, xeh_hv_callbacks(cpu), hyp0,
					    "CPU %u: HYP callbacks without a vector", cpu);
			break;
		}
		if (mode != XEH_NONE)
			KUNIT_EXPECT_GE_MSG(test, xeh_hv_callbacks(cpu) - hyp0, 1U,
					    "CPU %u: HYP callbacks, mode %s", cpu,
					    xeh_mode_names[mode]);
		xeh_close(&c);
		if (mode == XEH_NONE)
			break;	/* one CPU shows it; the port lands on CPU 0 */
	}
}

/*
 * The per-vCPU vector is the only LAPIC interrupt of the upcall: the
 * handler EOIs it once per upcall, the global vector never. A missing EOI
 * leaves the vector in service and blocks every later upcall on that CPU,
 * an extra one retires some other interrupt: both show as SMP calls (which
 * travel as events) that stop working. Many calls in a row to each CPU.
 * (One upcall may serve several calls: the next one is sent while the
 * target still scans, so HYP only has to move.)
 */
static void xeh_repeated_upcalls_keep_flowing(struct kunit *test)
{
	unsigned int cpu, self, hyp0;
	int i, ok;

	migrate_disable();
	self = smp_processor_id();
	for_each_online_cpu(cpu) {
		if (cpu == self)
			continue;
		hyp0 = xeh_hv_callbacks(cpu);
		for (ok = 0, i = 0; i < 50; i++)
			ok += xeh_ipi_works(cpu);
		KUNIT_EXPECT_EQ_MSG(test, ok, 50, "CPU %u: SMP calls, mode %s", cpu,
				    xeh_mode_names[xeh_kernel_mode()]);
		if (xeh_kernel_mode() != XEH_NONE)
			KUNIT_EXPECT_GT_MSG(test, xeh_hv_callbacks(cpu), hyp0,
					    "CPU %u: HYP callbacks for 50 SMP calls", cpu);
	}
	migrate_enable();
}

/*
 * Bringing a CPU online on Xen before the 4.18 fix: Xen raises a per-vCPU
 * vector into the LAPIC even while it is disabled, which leaves a stale
 * IRR bit (the kernel's "Stale IRR" warning when it enables the LAPIC).
 * The model keeps such a bit and counts it when the CPU enables its LAPIC
 * (xm_stale_irrs()); the INIT of a re-online wipes it first, and with it
 * the upcall it stood for. The kernel registers the vector on the new CPU
 * after its LAPIC is up, so no AP may find one, neither at boot (vCPUs
 * that never ran: INIT wipes nothing) nor on re-online; and the first
 * event after the re-online arrives exactly once, on that CPU. Also on
 * 4.18+ Xen and in the other modes (then with no vector at all). The boot
 * CPU is held to the same rule: its LAPIC is enabled at late time init,
 * long after init_IRQ, and under QEMU's firmware it is still off before.
 */
static void xeh_cpu_online_no_stale_irr(struct kunit *test)
{
	unsigned int cpu = XEH_HOTPLUG_CPU;
	enum xeh_mode mode = xeh_kernel_mode();
	struct xm_domain *d = xeh_live();
	unsigned long stale0;
	struct xeh_chan c;
	unsigned int ap;

	for_each_online_cpu(ap)
		KUNIT_EXPECT_EQ_MSG(test, xm_stale_irrs(d, ap), 0UL,
				    "CPU %u: upcall vector found in IRR when its LAPIC was enabled at boot, mode %s",
				    ap, xeh_mode_names[mode]);
	xeh_require_hotplug_cpu(test);
	KUNIT_ASSERT_EQ(test, remove_cpu(cpu), 0);
	stale0 = xm_stale_irrs(d, cpu);
	KUNIT_ASSERT_EQ(test, add_cpu(cpu), 0);
	KUNIT_EXPECT_EQ_MSG(test, xm_stale_irrs(d, cpu), stale0,
			    "CPU %u: upcall vector raised into its disabled LAPIC", cpu);
	KUNIT_EXPECT_EQ_MSG(test, xm_upcall_vector(d, cpu),
			    mode == XEH_PERCPU ? HYPERVISOR_CALLBACK_VECTOR : 0,
			    "CPU %u: vector after bring-up, mode %s", cpu,
			    xeh_mode_names[mode]);
	if (mode == XEH_NONE)
		return;
	xeh_open(test, &c);
	KUNIT_ASSERT_EQ(test, irq_set_affinity(c.irq, cpumask_of(cpu)), 0);
	KUNIT_EXPECT_EQ(test, xeh_peer_send(&c), 0);
	xeh_expect_hits(test, &c, 1, "first event after bring-up");
	KUNIT_EXPECT_EQ_MSG(test, c.last_cpu, (int)cpu, "first event's CPU");
	xeh_close(&c);
	migrate_disable();
	if (smp_processor_id() != cpu)
		KUNIT_EXPECT_TRUE_MSG(test, xeh_ipi_works(cpu), "SMP call to CPU %u", cpu);
	migrate_enable();
}

/*
 * The detector above is not blind: registering the vector in the order
 * Linux used before (from the hotplug prepare step, on the boot CPU, while
 * the new CPU's LAPIC is still off) makes the model, which since Xen 4.11
 * raises the vector as soon as it is set, leave the bit in the disabled
 * LAPIC on old Xen and nothing on 4.18+ Xen. The case does exactly what
 * that prepare step did, with the CPU offline, then brings the CPU up
 * normally: the INIT of the re-online wipes the bit (no stale IRR; a CPU
 * that never ran would have found it), and the kernel's own registration
 * on the CPU keeps it working. (The non-default model option "prepvector"
 * moves the kernel's registration to the real prepare step;
 * xeh_cpu_online_no_stale_irr then fails on a "nolapicfix" boot, see
 * run-kunit.sh.) Without per-vCPU vectors there is nothing to register and
 * nothing stale may ever have been counted.
 */
static void xeh_prepare_step_order_leaves_stale_irr(struct kunit *test)
{
	unsigned int cpu = XEH_HOTPLUG_CPU;
	struct xm_domain *d = xeh_live();
	unsigned long stale0;
	struct xm_config cfg;

	xeh_live_config(&cfg);
	if (xeh_kernel_mode() != XEH_PERCPU) {
		for_each_possible_cpu(cpu)
			KUNIT_EXPECT_EQ_MSG(test, xm_stale_irrs(d, cpu), 0UL,
					    "CPU %u: stale IRR without per-vCPU vectors", cpu);
		return;
	}
	xeh_require_hotplug_cpu(test);
	KUNIT_ASSERT_EQ(test, remove_cpu(cpu), 0);
	stale0 = xm_stale_irrs(d, cpu);
	KUNIT_EXPECT_EQ(test, xen_set_upcall_vector(cpu), 0);
	KUNIT_EXPECT_EQ_MSG(test, xm_live_irr_latched(cpu), !cfg.lapic_fix,
			    "prepare-step registration on %s Xen: vector in the disabled LAPIC",
			    cfg.lapic_fix ? "4.18+" : "pre-4.18");
	KUNIT_ASSERT_EQ(test, add_cpu(cpu), 0);
	KUNIT_EXPECT_FALSE_MSG(test, xm_live_irr_latched(cpu),
			       "CPU %u: vector still latched after INIT and bring-up", cpu);
	KUNIT_EXPECT_EQ_MSG(test, xm_stale_irrs(d, cpu), stale0,
			    "CPU %u: the INIT of a re-online wipes the bit", cpu);
	migrate_disable();
	if (smp_processor_id() != cpu)
		KUNIT_EXPECT_TRUE_MSG(test, xeh_ipi_works(cpu), "SMP call to CPU %u", cpu);
	migrate_enable();
}

/* --- suite: save/restore and cancelled suspend --------------------------------- */

enum xeh_change {
	XEH_SAME,	/* the new host has what the old one had */
	XEH_NO_FIFO,	/* no FIFO ABI: EVTCHNOP_init_control gives -ENOSYS */
	XEH_NO_OP,	/* per-vCPU vector op gives -ENOSYS */
	XEH_BOOT_HOST,	/* back to the host the kernel booted on */
};

struct xeh_cell {
	const char *name;
	bool cancel;
	enum xeh_change change;
};

/*
 * Order matters: a cell starts from wherever the one before left the
 * kernel. The per-vCPU rung is chosen again at each resume, so "back to
 * the boot host" returns to it; FIFO is not taken up again once dropped,
 * so that cell comes last.
 */
static const struct xeh_cell xeh_cells[] = {
	{ "cancelled", true, XEH_SAME },
	{ "same features", false, XEH_SAME },
	{ "no per-vCPU op", false, XEH_NO_OP },
	{ "boot host", false, XEH_BOOT_HOST },
	{ "no FIFO", false, XEH_NO_FIFO },
};

/* Everything one suspend needs; lives on the test's stack. */
struct xeh_resume {
	struct xeh_chan old;		/* open across the suspend */
	struct xeh_chan *virq;		/* one per possible CPU */
	int cancelled;
	bool raise_before;		/* peer event just before the suspend */
	int raise_rc;
};

/*
 * drivers/xen/manage.c's xen_suspend(), on CPU 0 under stop_machine (with
 * device irqs suspended around it, xeh_suspend_machine()), in its
 * order, less what is not about events: syscore and grant tables (none are
 * set up in a model boot), runstate time (no pvclock). do_suspend()'s
 * xen_arch_suspend()/xen_arch_resume() around it are left out too: they
 * only stop and restart each CPU's tick (and PV MSRs), which manage.c pairs
 * with syscore's timekeeping suspend and resume; without that pair the
 * model boot's LAPIC tick does not come back. There are no xenbus devices,
 * whose resume would re-open their channels. Two additions: a peer event
 * just before the suspend (must survive a cancelled one) and, once the
 * bindings are back, every CPU's VIRQ while all CPUs still have interrupts
 * off (must not be lost in that window).
 */
static int xeh_suspend_on_cpu0(void *data)
{
	struct xeh_resume *r = data;

	if (r->raise_before)
		r->raise_rc = xeh_peer_send(&r->old);
	r->cancelled = xeh_suspend_steps();
	xeh_fire_virqs(r->virq);
	return 0;
}

/*
 * Review D9: a binding whose driver has not bound it again since the
 * resume has no port. genirq's resend of a pending interrupt calls the
 * chip's retrigger and drops its own replay when that claims success, so
 * the claim must be "no" there.
 */
static bool xeh_retrigger_admits_no_port(struct kunit *test, struct xeh_chan *c,
					 const char *cell)
{
	struct irq_data *data = irq_get_irq_data(c->irq);
	struct irq_chip *chip = irq_data_get_irq_chip(data);
	int raised;

	if (!chip || !chip->irq_retrigger)
		return true;
	raised = chip->irq_retrigger(data);
	KUNIT_EXPECT_EQ_MSG(test, raised, 0,
			    "%s: retrigger of irq %d with no port since the resume claims it raised it",
			    cell, c->irq);
	return raised == 0;
}

#define XEH_PAD_PORTS	48

/*
 * xeh_open() on a port above the few a new domain hands out first
 * (toolstack ports, VIRQs and IPIs bound again), so that after a resume
 * no binding of the new domain holds its old number.
 */
static void xeh_open_high(struct kunit *test, struct xeh_chan *c)
{
	struct evtchn_alloc_unbound au = { .dom = DOMID_SELF, .remote_dom = 0 };
	evtchn_port_t pad[XEH_PAD_PORTS];
	unsigned int n;

	for (n = 0; n < XEH_PAD_PORTS; n++) {
		if (HYPERVISOR_event_channel_op(EVTCHNOP_alloc_unbound, &au))
			break;
		pad[n] = au.port;
	}
	xeh_open(test, c);
	while (n--) {
		struct evtchn_close cl = { .port = pad[n] };

		HYPERVISOR_event_channel_op(EVTCHNOP_close, &cl);
	}
}

/*
 * A binding its driver has not bound again since the resume is still
 * found by the port it had before, unless a binding of the new domain
 * holds that number now. evtchn.c unbinds its channels that way when its
 * file is closed, and BUG()s when irq_from_evtchn() finds nothing (the
 * lab's soak hit that after xl restore).
 */
#ifndef XEN_EVTCHN_TEST_UPSTREAM
static bool xeh_irq_holds_port(unsigned int irq, evtchn_port_t port)
{
	return xen_port_of_irq(irq) == port;
}
#else
/* Upstream's irq_from_evtchn() reads its port-to-irq table, nothing else. */
static bool xeh_irq_holds_port(unsigned int irq, evtchn_port_t port)
{
	return irq != -1U;
}
#endif

static bool xeh_old_port_finds_binding(struct kunit *test, struct xeh_chan *c,
				       const char *cell)
{
	unsigned int irq = irq_from_evtchn(c->local);

	/* The binding itself, or one of the new domain that holds the number. */
	if (irq == (unsigned int)c->irq || xeh_irq_holds_port(irq, c->local))
		return true;
	KUNIT_FAIL(test, "%s: irq_from_evtchn(%u), the port before the resume, gave %d, not irq %d",
		   cell, c->local, (int)irq, c->irq);
	return false;
}

static void xeh_next_config(const struct xm_config *boot, const struct xm_config *now,
			    enum xeh_change change, struct xm_config *next)
{
	*next = change == XEH_BOOT_HOST ? *boot : *now;
	if (change == XEH_NO_FIFO)
		next->fifo_errno = -XEH_XEN_ENOSYS;
	if (change == XEH_NO_OP)
		next->no_upcall_vector_op = true;
}

struct xeh_row {
	char from[24];
	char to[24];
	bool ipis, virqs, new_chan, pending, cb_irq;
};

static const char *xeh_abi_name(bool fifo)
{
	return fifo ? "FIFO" : "2L";
}

static void xeh_run_cell(struct kunit *test, const struct xeh_cell *cell,
			 const struct xm_config *boot, struct xeh_row *row)
{
	struct xm_domain *d = xeh_live();
	enum xeh_mode mode_before = xeh_kernel_mode(), want_mode;
	bool fifo_before = xen_fifo_events, want_fifo;
	struct xm_config now, next;
	struct xeh_resume *r;
	struct xeh_chan fresh;
	bool ok;

	r = kunit_kzalloc(test, sizeof(*r), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, r);
	r->virq = kunit_kcalloc(test, nr_cpu_ids, sizeof(*r->virq), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, r->virq);
	xeh_live_config(&now);
	xeh_next_config(boot, &now, cell->change, &next);
	if (cell->cancel) {
		want_mode = mode_before;
		want_fifo = fifo_before;
	} else {
		want_mode = mode_before == XEH_NONE ? XEH_NONE : xeh_expected_mode(&next);
		want_fifo = fifo_before && !next.fifo_errno;
	}
	snprintf(row->from, sizeof(row->from), "%s %s", xeh_abi_name(fifo_before),
		 xeh_mode_names[mode_before]);

	xeh_open_high(test, &r->old);
	xeh_bind_virqs(test, r->virq);
	r->raise_before = true;
	xm_set_suspend_outcome(d, cell->cancel ? XM_SUSPEND_CANCELLED : XM_SUSPEND_NEW_DOMAIN);
	if (!cell->cancel)
		xm_set_restore_config(d, &next);

	KUNIT_EXPECT_EQ(test, xeh_suspend_machine(xeh_suspend_on_cpu0, r), 0);
	xm_set_suspend_outcome(d, XM_SUSPEND_NEW_DOMAIN);

	snprintf(row->to, sizeof(row->to), "%s %s", xeh_abi_name(xen_fifo_events),
		 xeh_mode_names[xeh_kernel_mode()]);
	KUNIT_EXPECT_EQ_MSG(test, r->cancelled, cell->cancel ? 1 : 0, "%s: outcome", cell->name);
	KUNIT_EXPECT_EQ_MSG(test, r->raise_rc, 0, "%s: peer send before suspend", cell->name);
	KUNIT_EXPECT_EQ_MSG(test, xen_fifo_events, want_fifo, "%s: kernel ABI", cell->name);
	KUNIT_EXPECT_EQ_MSG(test, xm_is_fifo(d), want_fifo, "%s: model ABI", cell->name);
	KUNIT_EXPECT_EQ_MSG(test, xeh_kernel_mode(), want_mode, "%s: delivery %s, want %s",
			    cell->name, xeh_mode_names[xeh_kernel_mode()],
			    xeh_mode_names[want_mode]);
	xeh_expect_model_mode(test, want_mode, cell->name);
	row->cb_irq = xm_callback_irq(d) != 0;
	KUNIT_EXPECT_TRUE_MSG(test, row->cb_irq, "%s: CALLBACK_IRQ after resume", cell->name);

	/* No pending event lost: the VIRQs raised with interrupts off ... */
	ok = true;
	xeh_check_virqs(test, r->virq, 1, cell->name, &ok);
	/* ... the peer's event of a cancelled suspend, or the toolstack ports. */
	if (cell->cancel) {
		ok &= xeh_expect_hits(test, &r->old, 1, "event raised before a cancelled suspend");
		KUNIT_EXPECT_EQ(test, xeh_peer_send(&r->old), 0);
		ok &= xeh_expect_hits(test, &r->old, 2, "old channel after a cancelled suspend");
	} else {
		ok &= xeh_toolstack_ports_open();
		KUNIT_EXPECT_TRUE_MSG(test, xeh_toolstack_ports_open(),
				      "%s: toolstack ports of the new domain", cell->name);
		ok &= xeh_retrigger_admits_no_port(test, &r->old, cell->name);
		ok &= xeh_old_port_finds_binding(test, &r->old, cell->name);
	}
	row->pending = ok;

	/* Re-bound VIRQs fire again on their CPUs; IPIs reach every CPU. */
	ok = true;
	KUNIT_EXPECT_TRUE_MSG(test, xeh_fire_virqs(r->virq), "%s: VIRQs bound", cell->name);
	xeh_check_virqs(test, r->virq, 2, cell->name, &ok);
	row->virqs = ok;
	row->ipis = xeh_ipis_work();
	KUNIT_EXPECT_TRUE_MSG(test, row->ipis, "%s: SMP calls to every CPU", cell->name);

	/* A channel opened in the (new) domain carries events. */
	xeh_open(test, &fresh);
	KUNIT_EXPECT_EQ(test, xeh_peer_send(&fresh), 0);
	row->new_chan = xeh_expect_hits(test, &fresh, 1, "new channel after resume");
	xeh_close(&fresh);

	xeh_unbind_virqs(r->virq);
	xeh_close(&r->old);
}

/*
 * The resume matrix: this boot's {ABI} x {delivery} against a new domain
 * with the same features, without FIFO, without the per-vCPU op, and a
 * cancelled suspend. run-kunit.sh boots the four starting points.
 */
static void xeh_resume_matrix(struct kunit *test)
{
	struct xeh_row rows[ARRAY_SIZE(xeh_cells)] = {};
	struct xm_config boot;
	char start[24];
	unsigned int i;

	xeh_live_config(&boot);
	snprintf(start, sizeof(start), "%s %s", xeh_abi_name(xen_fifo_events),
		 xeh_mode_names[xeh_kernel_mode()]);
	for (i = 0; i < ARRAY_SIZE(xeh_cells); i++)
		xeh_run_cell(test, &xeh_cells[i], &boot, &rows[i]);

	/* "resume: |" lines: run-kunit.sh collects them from every boot. */
	kunit_info(test, "resume: | %-13s | %-16s | %-13s | %-13s | IPIs | VIRQs | new chan | no loss | CALLBACK_IRQ |\n",
		   "boot", "suspend", "before", "after");
	for (i = 0; i < ARRAY_SIZE(xeh_cells); i++)
		kunit_info(test, "resume: | %-13s | %-16s | %-13s | %-13s | %-4s | %-5s | %-8s | %-7s | %-12s |\n",
			   start, xeh_cells[i].name, rows[i].from, rows[i].to,
			   rows[i].ipis ? "ok" : "FAIL", rows[i].virqs ? "ok" : "FAIL",
			   rows[i].new_chan ? "ok" : "FAIL", rows[i].pending ? "ok" : "FAIL",
			   rows[i].cb_irq ? "non-zero" : "ZERO");
}

/* --- suites ---------------------------------------------------------------------- */

static struct kunit_case xeh_upcall_cases[] = {
	KUNIT_CASE(xeh_mode_follows_model_features),
	KUNIT_CASE(xeh_callback_irq_after_boot),
	KUNIT_CASE(xeh_events_flow_with_mode_interrupts),
	KUNIT_CASE(xeh_repeated_upcalls_keep_flowing),
	KUNIT_CASE(xeh_cpu_online_no_stale_irr),
	KUNIT_CASE(xeh_prepare_step_order_leaves_stale_irr),
	{}
};

static struct kunit_suite xeh_upcall_suite = {
	.name = "xen_evtchn_hvm_upcall",
	.suite_init = xeh_suite_init,
	.suite_exit = xeh_suite_exit,
	.init = xeh_test_init,
	.test_cases = xeh_upcall_cases,
};

static struct kunit_case xeh_resume_cases[] = {
	KUNIT_CASE_SLOW(xeh_resume_matrix),
	{}
};

static struct kunit_suite xeh_resume_suite = {
	.name = "xen_evtchn_hvm_resume",
	.suite_init = xeh_suite_init,
	.suite_exit = xeh_suite_exit,
	.init = xeh_test_init,
	.test_cases = xeh_resume_cases,
};

kunit_test_suites(&xeh_upcall_suite, &xeh_resume_suite);
