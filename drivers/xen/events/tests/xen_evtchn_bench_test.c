// SPDX-License-Identifier: GPL-2.0-only
/*
 * Benchmarks of the event-channel core on the model's live domain, for
 * make bench (scripts/xen-evtchn/bench.sh). Not part of make check: every
 * case prints figures and checks only that the events it timed arrived.
 *
 * The suite reaches the kernel only through what drivers use (bind, notify,
 * unbind, SMP calls, the suspend steps of manage.c), so the same file runs
 * on a kernel built with upstream's event-channel files. QEMU runs with
 * -icount shift=0: guest time advances one nanosecond per instruction, so
 * every figure below, read with ktime_get_ns(), counts guest instructions
 * (the model's share included, the same for both kernels) and two runs
 * give the same numbers.
 *
 * Each figure is one line
 *
 *	bench: <metric> <abi> <parameter> <value> <unit>
 *
 * that bench.sh pairs with the other kernel's line of the same metric, ABI
 * and parameter.
 */
#include <kunit/test.h>
#include <linux/atomic.h>
#include <linux/cpu.h>
#include <linux/delay.h>
#include <linux/interrupt.h>
#include <linux/irq.h>
#include <linux/ktime.h>
#include <linux/mm.h>
#include <linux/moduleparam.h>
#include <linux/slab.h>
#include <linux/smp.h>
#include <linux/sort.h>
#include <linux/vmstat.h>
#include <asm/xen/hypercall.h>
#include <xen/events.h>
#include <xen/interface/event_channel.h>
#include "xen_model.h"
#include "xen_evtchn_hvm_util.h"

#define XEB_SAMPLES		101	/* odd: the median is one sample */
#define XEB_IPI_SAMPLES		1001
#define XEB_RESUMES		3
#define XEB_NOTIFIES		1000
#define XEB_BIND_BATCH		100
#define XEB_CPU			0	/* where the timed events are delivered */
#define XEB_MAX_IDLE		100000

/*
 * The highest number of bound ports xeb_growth() goes to: 10,000 by
 * default (minutes under -icount), 100,000 with BENCH_FULL=1 (bench.sh).
 */
static unsigned int max_bound = 10000;
module_param(max_bound, uint, 0444);
MODULE_PARM_DESC(max_bound, "highest bound-port level of the growth benchmark");

/* Ports bound with a handler that never runs, to reach a number of bound ports. */
struct xeb_idle {
	int *irqs;
	unsigned int n;
};

static struct xeb_idle xeb_idle;

static const char *xeb_abi(void)
{
	return xm_is_fifo(xeh_live()) ? "fifo" : "2l";
}

static u64 xeb_now(void)
{
	return ktime_get_ns();
}

static int xeb_cmp_u64(const void *a, const void *b)
{
	u64 x = *(const u64 *)a, y = *(const u64 *)b;

	return x < y ? -1 : x > y;
}

static u64 xeb_median(u64 *v, unsigned int n)
{
	sort(v, n, sizeof(*v), xeb_cmp_u64, NULL);
	return v[n / 2];
}

/* @param is the nominal level; the domain's bound ports are printed too. */
static void xeb_report(const char *metric, unsigned long param, u64 value,
		       const char *unit)
{
	pr_info("bench: %s %s %lu %llu %s bound=%u\n", metric, xeb_abi(), param,
		value, unit, xeh_bound_ports());
}

static irqreturn_t xeb_nop_handler(int irq, void *dev_id)
{
	return IRQ_HANDLED;
}

/*
 * A port offered to the peer and not taken yet, as a frontend holds it
 * before its backend connects: bound like any other, and it costs the
 * peer no port of its own.
 */
static int xeb_alloc_unbound(evtchn_port_t *port)
{
	struct evtchn_alloc_unbound au = {
		.dom = DOMID_SELF,
		.remote_dom = xm_domain_id(xeh_peer),
	};
	int rc = HYPERVISOR_event_channel_op(EVTCHNOP_alloc_unbound, &au);

	*port = au.port;
	return rc;
}

/* One more idle binding, with a handler, as a driver binds it. */
static int xeb_bind_idle(void)
{
	evtchn_port_t local;
	int rc, irq;

	rc = xeb_alloc_unbound(&local);
	if (rc)
		return rc;
	irq = bind_evtchn_to_irqhandler(local, xeb_nop_handler, 0, "xeb-idle", NULL);
	if (irq < 0)
		return irq;
	xeb_idle.irqs[xeb_idle.n++] = irq;
	return 0;
}

/* Bind idle ports until the domain has @target bound ports. */
static void xeb_grow_to(struct kunit *test, unsigned int target)
{
	unsigned int now = xeh_bound_ports();

	for (; now < target; now++) {
		KUNIT_ASSERT_LT(test, xeb_idle.n, (unsigned int)XEB_MAX_IDLE);
		KUNIT_ASSERT_EQ(test, xeb_bind_idle(), 0);
		if (!(now % 10000))
			cond_resched();
	}
}

/* The highest port the boot lets the domain use. */
static unsigned int xeb_port_limit(void)
{
	const struct xm_boot_info *info = xm_boot_info();

	unsigned int limit = info && info->max_port ? info->max_port : 1023;

	if (!xm_is_fifo(xeh_live()))
		return min_t(unsigned int, limit, XM_2L_NR_PORTS - 1);
	return limit;
}

static void xeb_drop_idle(void)
{
	while (xeb_idle.n)
		unbind_from_irqhandler(xeb_idle.irqs[--xeb_idle.n], NULL);
}

/* --- delivery ------------------------------------------------------------ */

struct xeb_deliver {
	struct xeh_chan *chans;
	unsigned int n;		/* ports raised together */
	unsigned int samples;
	u64 *t;
	bool lost;
};

static unsigned int xeb_hits(struct xeb_deliver *b)
{
	unsigned int i, sum = 0;

	for (i = 0; i < b->n; i++)
		sum += atomic_read(&b->chans[i].hits);
	return sum;
}

/*
 * On XEB_CPU: the peer raises every port with interrupts off, so the
 * upcall is taken at local_irq_enable() and has all of them to dispatch;
 * the time from there until every handler has run is the guest's cost of
 * delivering them (vector entry and exit included, and any later upcall
 * a kernel that splits a long batch needs).
 */
static int xeb_deliver_on_cpu(void *arg)
{
	struct xeb_deliver *b = arg;
	unsigned int s, i, want;
	u64 t0, t1;

	for (s = 0; s < b->samples; s++) {
		want = xeb_hits(b) + b->n;
		local_irq_disable();
		for (i = 0; i < b->n; i++)
			xeh_peer_send(&b->chans[i]);
		t0 = xeb_now();
		local_irq_enable();
		t1 = xeb_now();
		if (xeb_hits(b) != want) {
			while (xeb_hits(b) < want && xeb_now() - t0 < NSEC_PER_SEC)
				cpu_relax();
			t1 = xeb_now();
			if (xeb_hits(b) != want)
				b->lost = true;
		}
		b->t[s] = t1 - t0;
	}
	return 0;
}

static void xeb_open_n(struct kunit *test, struct xeh_chan *c, unsigned int n)
{
	unsigned int i;

	for (i = 0; i < n; i++)
		xeh_open(test, &c[i]);
}

static void xeb_close_n(struct xeh_chan *c, unsigned int n)
{
	unsigned int i;

	for (i = 0; i < n; i++)
		xeh_close(&c[i]);
}

/* Median guest instructions per delivered event, @n ports raised at once. */
static u64 xeb_measure_delivery(struct kunit *test, unsigned int n,
				unsigned int samples)
{
	struct xeb_deliver b = { .n = n, .samples = samples };
	u64 median;

	b.chans = kunit_kcalloc(test, n, sizeof(*b.chans), GFP_KERNEL);
	b.t = kunit_kcalloc(test, samples, sizeof(*b.t), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, b.chans);
	KUNIT_ASSERT_NOT_NULL(test, b.t);
	xeb_open_n(test, b.chans, n);
	smp_call_on_cpu(XEB_CPU, xeb_deliver_on_cpu, &b, false);
	xeb_close_n(b.chans, n);
	KUNIT_EXPECT_FALSE_MSG(test, b.lost,
			       "an event raised for the benchmark was not delivered exactly once");
	median = xeb_median(b.t, samples);
	return div_u64(median, n);
}

static void xeb_deliver_many_pending(struct kunit *test)
{
	static const unsigned int counts[] = { 1, 64, 4000 };
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(counts); i++) {
		u64 per_event = xeb_measure_delivery(test, counts[i], 11);

		xeb_report("deliver-pending", counts[i], per_event, "insn/event");
	}
}

/* --- bind, unbind, notify ------------------------------------------------- */

/*
 * The event-channel core's share of a bind: bind_evtchn_to_irq() alone,
 * without genirq's request_irq() (whose /proc and sysfs entries make up
 * most of a full bind and do not depend on the core). The handler is
 * requested afterwards so the ports are torn down as drivers do it.
 */
static void xeb_bind_core(struct kunit *test, evtchn_port_t *local, int *irq,
			  u64 *bind_t)
{
	unsigned int i;
	u64 t0;

	for (i = 0; i < XEB_BIND_BATCH; i++)
		KUNIT_ASSERT_EQ(test, xeb_alloc_unbound(&local[i]), 0);
	for (i = 0; i < XEB_BIND_BATCH; i++) {
		t0 = xeb_now();
		irq[i] = bind_evtchn_to_irq(local[i]);
		bind_t[i] = xeb_now() - t0;
	}
	for (i = 0; i < XEB_BIND_BATCH; i++) {
		KUNIT_EXPECT_GT(test, irq[i], 0);
		if (irq[i] <= 0)
			continue;
		KUNIT_EXPECT_EQ(test, request_irq(irq[i], xeb_nop_handler, 0,
						  "xeb", NULL), 0);
		unbind_from_irqhandler(irq[i], NULL);
	}
}

/*
 * XEB_BIND_BATCH ports, each allocated for the peer beforehand: only the
 * kernel's bind and unbind (with its EVTCHNOP_close) are timed, one port
 * at a time; the median is reported, so that a tick or an RCU callback
 * landing in one of them does not move the figure.
 */
static void xeb_bind_unbind(struct kunit *test, unsigned int bound)
{
	struct xeb_batch {
		evtchn_port_t local[XEB_BIND_BATCH];
		u64 bind_t[XEB_BIND_BATCH], unbind_t[XEB_BIND_BATCH];
		int irq[XEB_BIND_BATCH];
	} *b = kunit_kzalloc(test, sizeof(*b), GFP_KERNEL);
	evtchn_port_t *local;
	u64 *bind_t, *unbind_t, t0;
	unsigned int i;
	int *irq;

	KUNIT_ASSERT_NOT_NULL(test, b);
	local = b->local;
	bind_t = b->bind_t;
	unbind_t = b->unbind_t;
	irq = b->irq;
	xeb_grow_to(test, bound);
	for (i = 0; i < XEB_BIND_BATCH; i++)
		KUNIT_ASSERT_EQ(test, xeb_alloc_unbound(&local[i]), 0);
	for (i = 0; i < XEB_BIND_BATCH; i++) {
		t0 = xeb_now();
		irq[i] = bind_evtchn_to_irqhandler(local[i], xeb_nop_handler, 0,
						   "xeb", NULL);
		bind_t[i] = xeb_now() - t0;
	}
	for (i = 0; i < XEB_BIND_BATCH; i++) {
		t0 = xeb_now();
		if (irq[i] > 0)
			unbind_from_irqhandler(irq[i], NULL);
		unbind_t[i] = xeb_now() - t0;
	}
	for (i = 0; i < XEB_BIND_BATCH; i++)
		KUNIT_EXPECT_GT(test, irq[i], 0);
	xeb_report("bind", bound, xeb_median(bind_t, XEB_BIND_BATCH), "insn/port");
	xeb_report("unbind", bound, xeb_median(unbind_t, XEB_BIND_BATCH), "insn/port");
	xeb_bind_core(test, b->local, b->irq, bind_t);
	xeb_report("bind-core", bound, xeb_median(bind_t, XEB_BIND_BATCH), "insn/port");
}

/*
 * Per-event delivery cost on one hot port and bind/unbind cost per port,
 * as the number of bound ports grows (idle bindings fill the gap). The
 * levels past the boot's port limit or max_bound are left out: 2-level
 * stops below 4,096, the bench-fifo boot allows 131,071.
 */
static void xeb_growth(struct kunit *test)
{
	static const unsigned int levels[] = { 10, 1000, 3900, 10000, XEB_MAX_IDLE };
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(levels); i++) {
		if (levels[i] + XEB_BIND_BATCH + 64 > xeb_port_limit() ||
		    levels[i] > max_bound)
			break;
		xeb_grow_to(test, levels[i]);
		xeb_report("deliver-hot", levels[i],
			   xeb_measure_delivery(test, 1, XEB_SAMPLES), "insn/event");
		xeb_bind_unbind(test, levels[i]);
	}
	xeb_drop_idle();
}

static void xeb_notify(struct kunit *test)
{
	u64 *t = kunit_kcalloc(test, XEB_NOTIFIES, sizeof(*t), GFP_KERNEL);
	struct xeh_chan c;
	unsigned int i;
	u64 t0;

	KUNIT_ASSERT_NOT_NULL(test, t);
	xeh_open(test, &c);
	for (i = 0; i < XEB_NOTIFIES; i++) {
		t0 = xeb_now();
		notify_remote_via_irq(c.irq);
		t[i] = xeb_now() - t0;
	}
	xeb_report("notify", 1, xeb_median(t, XEB_NOTIFIES), "insn/call");
	/*
	 * The same send by port: an inline hypercall in events.h, the same
	 * code on both kernels. notify minus this is the core's irq -> port
	 * lookup; this alone is the hypercall and the model's send.
	 */
	for (i = 0; i < XEB_NOTIFIES; i++) {
		t0 = xeb_now();
		notify_remote_via_evtchn(c.local);
		t[i] = xeb_now() - t0;
	}
	xeb_report("notify-evtchn", 1, xeb_median(t, XEB_NOTIFIES), "insn/call");
	xeh_close(&c);
}

/* --- IPIs ------------------------------------------------------------------ */

static void xeb_ipi_nop(void *arg)
{
	atomic_inc(arg);
}

struct xeb_ipi {
	unsigned int target;
	u64 t[XEB_IPI_SAMPLES];
	atomic_t runs;
};

static int xeb_ipi_on_cpu(void *arg)
{
	struct xeb_ipi *b = arg;
	unsigned int s;
	u64 t0;

	for (s = 0; s < XEB_IPI_SAMPLES; s++) {
		t0 = xeb_now();
		smp_call_function_single(b->target, xeb_ipi_nop, &b->runs, 1);
		b->t[s] = xeb_now() - t0;
	}
	return 0;
}

/*
 * A function call IPI from XEB_CPU to another CPU and back (the caller
 * waits): the event-channel IPI path both ways. With -icount the other
 * vCPU's instructions count too, as they would on one host CPU.
 */
static void xeb_ipi_round_trip(struct kunit *test)
{
	struct xeb_ipi *b = kunit_kzalloc(test, sizeof(*b), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, b);
	b->target = cpumask_next(XEB_CPU, cpu_online_mask);
	if (b->target >= nr_cpu_ids)
		kunit_skip(test, "needs a second CPU");
	smp_call_on_cpu(XEB_CPU, xeb_ipi_on_cpu, b, false);
	KUNIT_EXPECT_EQ(test, atomic_read(&b->runs), XEB_IPI_SAMPLES);
	xeb_report("ipi-call", num_online_cpus(), xeb_median(b->t, XEB_IPI_SAMPLES),
		   "insn/call");
}

/* --- memory ------------------------------------------------------------- */

static unsigned long xeb_slab_bytes(void)
{
	unsigned int cpu;

	/* Fold the per-CPU deltas, which hide up to a few hundred pages. */
	for_each_online_cpu(cpu)
		cpu_vm_stats_fold(cpu);
	return global_node_page_state_pages(NR_SLAB_UNRECLAIMABLE_B) * PAGE_SIZE +
	       global_node_page_state_pages(NR_SLAB_RECLAIMABLE_B) * PAGE_SIZE;
}

/*
 * Slab growth over 2,000 bindings, with the event array pages Xen was given
 * for them (FIFO): the kernel's own counters, per bound port.
 */
static void xeb_memory_per_port(struct kunit *test)
{
	unsigned int n = 2000, pages0 = 0, pages1 = 0;
	unsigned long slab0, slab1;

	if (xm_is_fifo(xeh_live()))
		pages0 = xm_fifo_array_pages(xeh_live());
	slab0 = xeb_slab_bytes();
	xeb_grow_to(test, xeh_bound_ports() + n);
	slab1 = xeb_slab_bytes();
	if (xm_is_fifo(xeh_live()))
		pages1 = xm_fifo_array_pages(xeh_live());
	xeb_drop_idle();
	xeb_report("memory", n, (slab1 > slab0 ? slab1 - slab0 : 0) / n +
		   (unsigned long)(pages1 - pages0) * PAGE_SIZE / n, "bytes/port");
}

/* --- resume --------------------------------------------------------------- */

/*
 * Save/restore into a new domain with @bound ports bound, the suspend
 * steps of manage.c with device irqs suspended around them: the core's
 * xen_irq_resume() (the model's share in it is the same for both
 * kernels), median of XEB_RESUMES. The idle bindings are stale
 * afterwards, as their drivers would find them, and are unbound.
 */
struct xeb_suspend {
	int cancelled;
	u64 core;	/* xen_irq_resume() alone */
};

/*
 * The suspend steps with xen_irq_resume() timed on its own: the core's
 * resume work, interrupts off on every CPU, so nothing else lands in it
 * (the whole suspend waits for CPUs and RCU and moves by tens of percent
 * from run to run).
 */
static int xeb_suspend_on_cpu0(void *arg)
{
	struct xeb_suspend *r = arg;

	r->cancelled = xeh_suspend_steps_timed(&r->core);
	return 0;
}

static void xeb_resume(struct kunit *test, unsigned int bound)
{
	struct xeb_suspend r;
	u64 t[XEB_RESUMES];
	unsigned int i;

	for (i = 0; i < XEB_RESUMES; i++) {
		xeb_grow_to(test, bound);
		xm_set_suspend_outcome(xeh_live(), XM_SUSPEND_NEW_DOMAIN);
		r.cancelled = -1;
		KUNIT_EXPECT_EQ(test, xeh_suspend_machine(xeb_suspend_on_cpu0, &r), 0);
		KUNIT_EXPECT_EQ(test, r.cancelled, 0);
		t[i] = r.core;
		xeb_drop_idle();
	}
	xeb_report("resume-core", bound, xeb_median(t, XEB_RESUMES), "insn");
}

static void xeb_resume_growth(struct kunit *test)
{
	struct xeh_chan c;

	xeb_resume(test, 10);
	xeb_resume(test, 1000);
	if (xm_is_fifo(xeh_live()))
		xeb_resume(test, 10000);
	/* Events still flow after the last one. */
	xeh_open(test, &c);
	KUNIT_EXPECT_EQ(test, xeh_peer_send(&c), 0);
	xeh_expect_hits(test, &c, 1, "after the resumes");
	xeh_close(&c);
}

/* The peer of xeh_peer_create(), with room for 4,000 channels at once. */
static int xeb_suite_init(struct kunit_suite *suite)
{
	struct xm_config cfg;

	xeb_idle.irqs = kvcalloc(XEB_MAX_IDLE, sizeof(*xeb_idle.irqs), GFP_KERNEL);
	if (!xeb_idle.irqs)
		return -ENOMEM;
	if (!xm_booted_on_model())
		return 0;
	xm_config_default(&cfg);
	cfg.is_control = true;
	cfg.max_evtchn_port = XM_2L_NR_PORTS - 1;
	xeh_peer = xm_domain_create(&cfg, XM_DOMID_PEER);
	return xeh_peer ? 0 : -ENOMEM;
}

static void xeb_suite_exit(struct kunit_suite *suite)
{
	xeb_drop_idle();
	kvfree(xeb_idle.irqs);
	xeb_idle.irqs = NULL;
	xeh_suite_exit(suite);
}

static struct kunit_case xeb_cases[] = {
	/* First: freed bindings of other cases would refill the slabs. */
	KUNIT_CASE(xeb_memory_per_port),
	KUNIT_CASE(xeb_deliver_many_pending),
	KUNIT_CASE_SLOW(xeb_growth),
	KUNIT_CASE(xeb_notify),
	KUNIT_CASE(xeb_ipi_round_trip),
	/* Last: it moves the kernel into new domains. */
	KUNIT_CASE_SLOW(xeb_resume_growth),
	{}
};

static struct kunit_suite xeb_suite = {
	.name = "xen_evtchn_bench",
	.suite_init = xeb_suite_init,
	.suite_exit = xeb_suite_exit,
	.init = xeh_test_init,
	.test_cases = xeb_cases,
};

kunit_test_suites(&xeb_suite);
