// SPDX-License-Identifier: GPL-2.0-only
/*
 * Scenario tests of the kernel's own event-channel code, on a kernel booted
 * as a Xen HVM guest of the software model (kernel parameter xen_model=...,
 * see xen_model_boot.c). They use only what a driver or the kernel itself
 * uses (bind/unbind, notify, irq affinity, enable/disable, SMP calls, CPU
 * hotplug) plus the model's peer and inspection API: a control domain
 * (domid 0) created here is the far end of interdomain channels.
 *
 * Without the xen_model parameter every case is skipped.
 */
#include <kunit/test.h>
#include <linux/atomic.h>
#include <linux/cpu.h>
#include <linux/cpumask.h>
#include <linux/delay.h>
#include <linux/interrupt.h>
#include <linux/irq.h>
#include <linux/smp.h>
#include <asm/hardirq.h>
#include <asm/irq_vectors.h>
#include <asm/xen/events.h>
#include <asm/xen/hypercall.h>
#include <xen/events.h>
#include <xen/interface/event_channel.h>
#include "xen_model.h"
#include "xen_evtchn_hvm_util.h"

#define XES_QUIET_MS		100	/* how long "nothing more happens" is watched */
#define XES_HOTPLUG_CPU		xeh_hotplug_cpu()

/* An interdomain channel: a port of the running kernel, one of the peer. */
struct xes_chan {
	evtchn_port_t local;
	evtchn_port_t remote;
	int irq;
	atomic_t hits;
	int last_cpu;
	bool echo;		/* the handler notifies the peer back */
};

/* --- helpers ------------------------------------------------------------- */

static irqreturn_t xes_handler(int irq, void *dev_id)
{
	struct xes_chan *c = dev_id;

	WRITE_ONCE(c->last_cpu, smp_processor_id());
	if (READ_ONCE(c->echo))
		notify_remote_via_irq(irq);
	atomic_inc(&c->hits);
	return IRQ_HANDLED;
}

static int xes_last_cpu(struct xes_chan *c)
{
	return READ_ONCE(c->last_cpu);
}

/* EXPECT, not ASSERT: callers may have migration disabled. */
static void xes_peer_send(struct kunit *test, struct xes_chan *c)
{
	struct evtchn_send send = { .port = c->remote };

	KUNIT_EXPECT_EQ(test, xeh_peer_op(EVTCHNOP_send, &send), 0);
}

/*
 * The kernel offers a port to the peer (as a backend or xenstore would),
 * the peer binds it, and the kernel binds an irq handler to its end.
 */
static void xes_open(struct kunit *test, struct xes_chan *c)
{
	atomic_set(&c->hits, 0);
	c->last_cpu = -1;
	c->echo = false;
	c->irq = -1;
	KUNIT_ASSERT_EQ(test, xeh_peer_pair(&c->local, &c->remote), 0);
	c->irq = bind_evtchn_to_irqhandler(c->local, xes_handler, 0, "xes", c);
	KUNIT_ASSERT_GT(test, c->irq, 0);
}

static void xes_close(struct xes_chan *c)
{
	struct evtchn_close cl = { .port = c->remote };

	if (c->irq > 0)
		unbind_from_irqhandler(c->irq, c);
	c->irq = -1;
	xeh_peer_op(EVTCHNOP_close, &cl);
}

/* Wait until the handler has run @n times; false on timeout. */
static bool xes_wait_hits(struct xes_chan *c, int n)
{
	return xeh_wait_count(&c->hits, n, XEH_WAIT_MS);
}

/* The handler ran exactly @n times, and keeps at that. */
static void xes_expect_hits(struct kunit *test, struct xes_chan *c, int n)
{
	if (n)
		KUNIT_EXPECT_TRUE_MSG(test, xes_wait_hits(c, n),
				      "handler ran %d times, expected %d",
				      atomic_read(&c->hits), n);
	msleep(XES_QUIET_MS);
	KUNIT_EXPECT_EQ(test, atomic_read(&c->hits), n);
}

static unsigned int xes_hv_callbacks(unsigned int cpu)
{
	return READ_ONCE(per_cpu(irq_stat, cpu).irq_hv_callback_count);
}

/* The peer is a 2-level scratch domain: its pending bits in shared_info. */
static unsigned long *xes_peer_pending(void)
{
	return (unsigned long *)xm_shared_info(xeh_peer)->evtchn_pending;
}

static void xes_note_cpu(void *arg)
{
	WRITE_ONCE(*(int *)arg, smp_processor_id());
}

static unsigned long xes_sends(void)
{
	return xm_call_count(xeh_live(), __HYPERVISOR_event_channel_op,
			     EVTCHNOP_send);
}

/*
 * An SMP function call to @cpu runs there and travels as an event: the
 * kernel sends it through Xen and @cpu takes it in its upcall handler. The
 * model's injection count is no evidence: an upcall already on its way to
 * @cpu (its flag still set, say for a timer VIRQ) picks the IPI up without
 * a new injection, as on Xen. Nor does every call send: the scheduler
 * skips the IPI for an idle CPU that is polling its need-resched flag, and
 * a call queued behind another one rides on that one's IPI. A few calls
 * make one that sends.
 */
#define XES_IPI_TRIES	5

static void xes_expect_ipi_works(struct kunit *test, unsigned int cpu)
{
	unsigned int callbacks = xes_hv_callbacks(cpu), i;
	bool ran = true, sent = false;

	/*
	 * An IPI raised while the CPU is in an upcall already is taken by
	 * that upcall's next round, with no new callback: try again then.
	 */
	for (i = 0; i < XES_IPI_TRIES &&
	     !(sent && xes_hv_callbacks(cpu) > callbacks); i++) {
		unsigned long sends = xes_sends();
		int ran_on = -1;

		if (smp_call_function_single(cpu, xes_note_cpu, &ran_on, 1) ||
		    ran_on != (int)cpu)
			ran = false;
		sent |= xes_sends() > sends;
	}
	KUNIT_EXPECT_TRUE_MSG(test, ran, "SMP calls ran on CPU %u", cpu);
	KUNIT_EXPECT_TRUE_MSG(test, sent, "EVTCHNOP_send for the IPI to CPU %u in %u calls",
			      cpu, XES_IPI_TRIES);
	KUNIT_EXPECT_GT_MSG(test, xes_hv_callbacks(cpu), callbacks,
			    "HYP callbacks on CPU %u", cpu);
}

/* --- cases ------------------------------------------------------------------- */

/*
 * The kernel's choices at boot and the model's state agree: the event ABI,
 * and per-vCPU vectors on every CPU or else the global callback vector.
 */
static void xes_boot_modes_agree(struct kunit *test)
{
	struct xm_domain *d = xeh_live();
	unsigned int cpu;

	kunit_info(test, "FIFO %d, per-vCPU upcalls %d\n", xen_fifo_events,
		   xen_percpu_upcall);
	KUNIT_EXPECT_EQ_MSG(test, xm_stray_hypercalls(), 0UL,
			    "hypercalls from a CPU the live domain has no vCPU for");
	KUNIT_EXPECT_EQ(test, xm_is_fifo(d), xen_fifo_events);
	if (!xen_percpu_upcall) {
		KUNIT_EXPECT_EQ(test, xm_via_type(d), XM_VIA_VECTOR);
		KUNIT_EXPECT_EQ(test, xm_callback_irq(d) & 0xff,
				(u64)HYPERVISOR_CALLBACK_VECTOR);
		return;
	}
	for_each_online_cpu(cpu)
		KUNIT_EXPECT_EQ_MSG(test, xm_upcall_vector(d, cpu), HYPERVISOR_CALLBACK_VECTOR,
				    "CPU %u", cpu);
}

/*
 * A peer's event runs the bound handler once, on the CPU the kernel bound
 * the port to. That is not necessarily CPU 0: the kernel may spread new
 * event irqs over the CPUs when it sets their first affinity.
 */
static void xes_peer_event_runs_handler_once(struct kunit *test)
{
	unsigned int vcpu;
	struct xes_chan c;
	int ran_on;

	xes_open(test, &c);
	KUNIT_EXPECT_EQ(test, xm_port_state(xeh_live(), c.local), XM_PORT_INTERDOMAIN);
	vcpu = xm_port_notify_vcpu(xeh_live(), c.local);
	xes_peer_send(test, &c);
	xes_expect_hits(test, &c, 1);
	ran_on = xes_last_cpu(&c);
	KUNIT_EXPECT_EQ_MSG(test, ran_on, (int)vcpu, "handler CPU vs notify vCPU");
	KUNIT_EXPECT_TRUE(test, ran_on >= 0 &&
			  cpumask_test_cpu(ran_on, irq_get_effective_affinity_mask(c.irq)));
	xes_close(&c);
}

/* Moving the irq moves the port's notify vCPU and the handler with it. */
static void xes_affinity_moves_delivery(struct kunit *test)
{
	unsigned int to = xeh_test_cpu(2);
	struct xes_chan c;

	xes_open(test, &c);
	KUNIT_ASSERT_EQ(test, irq_set_affinity(c.irq, cpumask_of(to)), 0);
	KUNIT_EXPECT_EQ(test, xm_port_notify_vcpu(xeh_live(), c.local), to);
	xes_peer_send(test, &c);
	xes_expect_hits(test, &c, 1);
	KUNIT_EXPECT_EQ(test, xes_last_cpu(&c), (int)to);
	xes_close(&c);
}

/*
 * Moving a disabled irq with an event pending: Xen does not move the event
 * (spec 4.9), the kernel's enable must make it arrive on the new CPU.
 */
static void xes_pending_event_follows_affinity_change(struct kunit *test)
{
	unsigned int from = xeh_test_cpu(1), to = xeh_test_cpu(2);
	struct xes_chan c;

	xes_open(test, &c);
	KUNIT_ASSERT_EQ(test, irq_set_affinity(c.irq, cpumask_of(from)), 0);
	disable_irq(c.irq);
	xes_peer_send(test, &c);
	KUNIT_ASSERT_EQ(test, irq_set_affinity(c.irq, cpumask_of(to)), 0);
	KUNIT_EXPECT_EQ(test, xm_port_notify_vcpu(xeh_live(), c.local), to);
	xes_expect_hits(test, &c, 0);
	enable_irq(c.irq);
	xes_expect_hits(test, &c, 1);
	KUNIT_EXPECT_EQ(test, xes_last_cpu(&c), (int)to);
	xes_close(&c);
}

/*
 * A per-vCPU VIRQ bound through the kernel is taken on its CPU, and dropped
 * by Xen once unbound. (The kernel's own VIRQ_DEBUG binding exists only
 * with 2-level, so the case binds a per-vCPU VIRQ the kernel leaves alone.)
 */
static void xes_percpu_virq_lands_on_its_cpu(struct kunit *test)
{
	unsigned int cpu = cpu_online(1) ? 1 : 0;
	struct xes_chan c = { .last_cpu = -1 };

	atomic_set(&c.hits, 0);
	c.irq = bind_virq_to_irqhandler(VIRQ_XENOPROF, cpu, xes_handler,
					IRQF_PERCPU | IRQF_NOBALANCING, "xes-virq", &c);
	KUNIT_ASSERT_GT(test, c.irq, 0);
	KUNIT_EXPECT_NE(test, xm_fire_virq(xeh_live(), cpu, VIRQ_XENOPROF), 0U);
	xes_expect_hits(test, &c, 1);
	KUNIT_EXPECT_EQ(test, xes_last_cpu(&c), (int)cpu);
	unbind_from_irqhandler(c.irq, &c);
	KUNIT_EXPECT_EQ(test, xm_fire_virq(xeh_live(), cpu, VIRQ_XENOPROF), 0U);
	/* A global VIRQ nobody bound is dropped too. */
	KUNIT_EXPECT_EQ(test, xm_fire_virq(xeh_live(), 0, VIRQ_CONSOLE), 0U);
	xes_expect_hits(test, &c, 1);
}

/* An event sent while the irq is disabled is delivered once, on enable. */
static void xes_disabled_irq_delivers_on_enable(struct kunit *test)
{
	struct xes_chan c;

	xes_open(test, &c);
	disable_irq(c.irq);
	xes_peer_send(test, &c);
	xes_expect_hits(test, &c, 0);
	enable_irq(c.irq);
	xes_expect_hits(test, &c, 1);
	xes_close(&c);
}

/* Unbinding with an event pending: no handler call, the port is closed. */
static void xes_unbind_while_pending(struct kunit *test)
{
	struct xes_chan c;

	xes_open(test, &c);
	disable_irq(c.irq);
	xes_peer_send(test, &c);
	unbind_from_irqhandler(c.irq, &c);
	c.irq = -1;
	xes_expect_hits(test, &c, 0);
	KUNIT_EXPECT_EQ(test, xm_port_state(xeh_live(), c.local), XM_PORT_FREE);
	KUNIT_EXPECT_EQ(test, xm_port_state(xeh_peer, c.remote), XM_PORT_UNBOUND);
	xes_close(&c);
}

/* The kernel's notify reaches the peer's port. */
static void xes_kernel_notify_reaches_peer(struct kunit *test)
{
	struct xes_chan c;

	xes_open(test, &c);
	/* The peer's port got one event when it bound (spec 4.2): consume it. */
	clear_bit(c.remote, xes_peer_pending());
	notify_remote_via_irq(c.irq);
	KUNIT_EXPECT_TRUE(test, test_bit(c.remote, xes_peer_pending()));
	xes_expect_hits(test, &c, 0);
	xes_close(&c);
}

/*
 * An interrupt taken while the test acts as the peer on this CPU belongs to
 * the running kernel: the handler's own notify is the kernel's send on its
 * port, not the peer's.
 */
static void xes_irq_during_peer_actor_is_the_kernels(struct kunit *test)
{
	struct xes_chan c;
	unsigned int cpu;

	xes_open(test, &c);
	migrate_disable();
	cpu = smp_processor_id();
	KUNIT_EXPECT_EQ(test, irq_set_affinity(c.irq, cpumask_of(cpu)), 0);
	clear_bit(c.remote, xes_peer_pending());
	WRITE_ONCE(c.echo, true);
	/* The peer's send interrupts this very CPU, still acting as the peer. */
	xes_peer_send(test, &c);
	migrate_enable();
	xes_expect_hits(test, &c, 1);
	KUNIT_EXPECT_EQ(test, xes_last_cpu(&c), (int)cpu);
	KUNIT_EXPECT_TRUE_MSG(test, test_bit(c.remote, xes_peer_pending()),
			      "the handler's notify reached the peer");
	xes_close(&c);
}

/* The kernel's own IPIs (event channels here) reach every other CPU. */
static void xes_smp_ipis_reach_every_cpu(struct kunit *test)
{
	unsigned long sends = xes_sends();
	unsigned int cpu, self;

	/* Not get_cpu(): a failed expectation allocates its message. */
	migrate_disable();
	self = smp_processor_id();
	for_each_online_cpu(cpu)
		if (cpu != self)
			xes_expect_ipi_works(test, cpu);
	migrate_enable();
	if (num_online_cpus() > 1)
		KUNIT_EXPECT_GT(test, xes_sends(), sends);
}

/* A channel whose irq is on XES_HOTPLUG_CPU, for the unplug cases. */
static void xes_open_on_hotplug_cpu(struct kunit *test, struct xes_chan *c)
{
	unsigned int cpu = XES_HOTPLUG_CPU;

	if (!cpu_online(cpu) || !cpu_is_hotpluggable(cpu))
		kunit_skip(test, "needs hotpluggable CPU %u", cpu);
	xes_open(test, c);
	KUNIT_ASSERT_EQ(test, irq_set_affinity(c->irq, cpumask_of(cpu)), 0);
}

/* Hot-unplug and re-plug of a CPU keeps IPIs and events working on it. */
static void xes_cpu_hotplug_keeps_events(struct kunit *test)
{
	unsigned int cpu = XES_HOTPLUG_CPU;
	struct xes_chan c;

	xes_open_on_hotplug_cpu(test, &c);
	KUNIT_ASSERT_EQ(test, remove_cpu(cpu), 0);
	/* Its irqs moved away: an event still arrives, elsewhere. */
	xes_peer_send(test, &c);
	xes_expect_hits(test, &c, 1);
	KUNIT_EXPECT_NE(test, xes_last_cpu(&c), (int)cpu);
	KUNIT_ASSERT_EQ(test, add_cpu(cpu), 0);
	migrate_disable();
	if (smp_processor_id() != cpu)
		xes_expect_ipi_works(test, cpu);
	migrate_enable();
	KUNIT_ASSERT_EQ(test, irq_set_affinity(c.irq, cpumask_of(cpu)), 0);
	xes_peer_send(test, &c);
	xes_expect_hits(test, &c, 2);
	KUNIT_EXPECT_EQ(test, xes_last_cpu(&c), (int)cpu);
	xes_close(&c);
}

/*
 * An event pending while its irq is disabled survives the unplug of the
 * irq's CPU: the irq moves elsewhere and the event is handled on enable.
 */
static void xes_masked_event_survives_cpu_unplug(struct kunit *test)
{
	unsigned int cpu = XES_HOTPLUG_CPU;
	struct xes_chan c;

	xes_open_on_hotplug_cpu(test, &c);
	disable_irq(c.irq);
	xes_peer_send(test, &c);
	KUNIT_EXPECT_EQ(test, remove_cpu(cpu), 0);
	enable_irq(c.irq);
	xes_expect_hits(test, &c, 1);
	KUNIT_EXPECT_NE(test, xes_last_cpu(&c), (int)cpu);
	KUNIT_EXPECT_EQ(test, add_cpu(cpu), 0);
	xes_close(&c);
}

/* Xen signalling a port nobody has bound does no harm. */
static void xes_event_on_unbound_port_is_survived(struct kunit *test)
{
	struct evtchn_alloc_unbound au = {
		.dom = DOMID_SELF,
		.remote_dom = xm_domain_id(xeh_peer),
	};
	struct evtchn_close cl = {};
	evtchn_port_t stale;
	struct xes_chan c;

	/* A port that was bound and closed, then one never bound at all. */
	xes_open(test, &c);
	stale = c.local;
	xes_close(&c);
	xm_raise_raw(xeh_live(), 0, stale);
	KUNIT_ASSERT_EQ(test, HYPERVISOR_event_channel_op(EVTCHNOP_alloc_unbound, &au), 0);
	xm_raise_raw(xeh_live(), 0, au.port);
	msleep(XES_QUIET_MS);
	/* Drop the stray pending state again (close clears it). */
	cl.port = au.port;
	KUNIT_EXPECT_EQ(test, HYPERVISOR_event_channel_op(EVTCHNOP_close, &cl), 0);
	/* Events keep flowing. */
	xes_open(test, &c);
	xes_peer_send(test, &c);
	xes_expect_hits(test, &c, 1);
	xes_close(&c);
}

/*
 * xenbus' late init (review D1): the handler that waited for xenstore is
 * freed with free_irq() alone, and the same port is bound again without
 * IRQF_SHARED. The binding is handed on, with the same irq.
 */
static void xes_port_rebound_after_free_irq(struct kunit *test)
{
	struct xes_chan c, again = {};
	int irq;

	xes_open(test, &c);
	free_irq(c.irq, &c);
	again.local = c.local;
	again.remote = c.remote;
	again.last_cpu = -1;
	atomic_set(&again.hits, 0);
	irq = bind_evtchn_to_irqhandler(c.local, xes_handler, 0, "xes-again", &again);
	KUNIT_ASSERT_EQ_MSG(test, irq, c.irq, "second bind of port %u", c.local);
	again.irq = irq;
	xes_peer_send(test, &again);
	xes_expect_hits(test, &again, 1);
	KUNIT_EXPECT_EQ(test, atomic_read(&c.hits), 0);
	/*
	 * A port with a handler still installed stays refused, and the
	 * refusal leaves the binding that holds it alone.
	 */
	KUNIT_EXPECT_EQ(test, bind_evtchn_to_irqhandler(c.local, xes_handler, 0,
							"xes-third", &c), -EBUSY);
	xes_peer_send(test, &again);
	KUNIT_EXPECT_TRUE_MSG(test, xes_wait_hits(&again, 2),
			      "the binding of port %u stopped working when a second bind was refused",
			      c.local);
	xes_close(&again);
}

/* --- suite ----------------------------------------------------------------------- */

static int xes_test_init(struct kunit *test)
{
	if (!xm_booted_on_model() || !xeh_peer)
		kunit_skip(test, "needs a boot with xen_model=...");
	return 0;
}

static struct kunit_case xes_cases[] = {
	KUNIT_CASE(xes_boot_modes_agree),
	KUNIT_CASE(xes_peer_event_runs_handler_once),
	KUNIT_CASE(xes_affinity_moves_delivery),
	KUNIT_CASE(xes_disabled_irq_delivers_on_enable),
	KUNIT_CASE(xes_pending_event_follows_affinity_change),
	KUNIT_CASE(xes_percpu_virq_lands_on_its_cpu),
	KUNIT_CASE(xes_unbind_while_pending),
	KUNIT_CASE(xes_kernel_notify_reaches_peer),
	KUNIT_CASE(xes_irq_during_peer_actor_is_the_kernels),
	KUNIT_CASE(xes_smp_ipis_reach_every_cpu),
	KUNIT_CASE(xes_cpu_hotplug_keeps_events),
	KUNIT_CASE(xes_masked_event_survives_cpu_unplug),
	KUNIT_CASE(xes_event_on_unbound_port_is_survived),
	KUNIT_CASE(xes_port_rebound_after_free_irq),
	{}
};

static struct kunit_suite xes_suite = {
	.name = "xen_evtchn_scenario",
	.suite_init = xeh_suite_init,
	.suite_exit = xeh_suite_exit,
	.init = xes_test_init,
	.test_cases = xes_cases,
};

kunit_test_suite(xes_suite);
