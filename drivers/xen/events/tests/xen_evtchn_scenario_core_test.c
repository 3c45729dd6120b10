// SPDX-License-Identifier: GPL-2.0-only
/*
 * Scenario suites of the core event-channel layer on the model's live
 * domain (kernel booted with xen_model=..., see xen_model_boot.c): every
 * binding kind delivered where it is bound, moved, masked and unbound;
 * late-EOI throttling under a peer's storm; fairness of the scan towards a
 * port that is flooded from its own handler; CPU hotplug with VIRQs and
 * IPIs bound; port exhaustion; bad input from callers and from the
 * hypervisor, including a hypercall failure in every bind path.
 *
 * The cases use the kernel's binding API and hotplug entry points for the
 * guest side, and the model's peer domain, fault injection and inspection
 * for the hypervisor side. Leaks are checked against three counts: ports
 * open in the model, bindings the core holds, irq descriptors allocated.
 */
#include <kunit/test.h>
#include <linux/atomic.h>
#include <linux/cpu.h>
#include <linux/cpumask.h>
#include <linux/delay.h>
#include <linux/interrupt.h>
#include <linux/irq.h>
#include <linux/irqnr.h>
#include <linux/jiffies.h>
#include <linux/kthread.h>
#include <linux/rcupdate.h>
#include <linux/sched/clock.h>
#include <linux/slab.h>
#include <asm/xen/events.h>
#include <asm/xen/hypercall.h>
#include <xen/events.h>
#include <xen/xenbus.h>
#include <xen/interface/event_channel.h>
#include "../events_internal.h"
#include "xen_model.h"
#include "xen_evtchn_hvm_util.h"

#define XEC_WAIT_MS		2000	/* an event normally lands in microseconds */
#define XEC_POLL_MS		2
#define XEC_QUIET_MS		100	/* how long "nothing more happens" is watched */
#define XEC_CPU_A		xeh_test_cpu(1)
#define XEC_CPU_B		xeh_test_cpu(2)
#define XEC_HOTPLUG_CPU		xeh_hotplug_cpu()
/* A per-domain VIRQ (VIRQ_ARGO): bound on vCPU 0, movable like a global one. */
#define XEC_VIRQ_GLOBAL		11
#define XEC_VIRQ_PERCPU		VIRQ_XENOPROF
#define XEC_FAIL_ERR		(-ENOSPC)

enum xec_kind {
	XEC_EVTCHN,		/* bind_evtchn_to_irqhandler() of an open port */
	XEC_EVTCHN_LATEEOI,	/* bind_evtchn_to_irqhandler_lateeoi() */
	XEC_INTERDOMAIN,	/* bind_interdomain_evtchn_to_irqhandler_lateeoi() */
	XEC_VIRQ_PCPU,		/* per-vCPU VIRQ, IRQF_PERCPU */
	XEC_VIRQ_GLOB,		/* VIRQ bound on vCPU 0, then moved */
	XEC_IPI,		/* an IPI vector the kernel leaves unused */
	XEC_NR_KINDS,
};

static const char *const xec_kind_name[XEC_NR_KINDS] = {
	[XEC_EVTCHN] = "evtchn",
	[XEC_EVTCHN_LATEEOI] = "evtchn-lateeoi",
	[XEC_INTERDOMAIN] = "interdomain-lateeoi",
	[XEC_VIRQ_PCPU] = "virq-percpu",
	[XEC_VIRQ_GLOB] = "virq-global",
	[XEC_IPI] = "ipi",
};

/* One binding under test. */
struct xec_bind {
	enum xec_kind kind;
	int irq;
	unsigned int cpu;		/* where it was bound */
	evtchn_port_t remote;		/* the peer's end (evtchn kinds) */
	int ipi;
	struct xenbus_device *dev;	/* XEC_INTERDOMAIN */
	atomic_t hits;
	int last_cpu;
	unsigned long last_jiffies;
	bool auto_eoi;			/* lateeoi kinds: EOI from the handler */
	bool eoi_spurious;		/* ... flagged spurious */
	void (*hook)(struct xec_bind *b);	/* runs in the handler */
	void *hook_data;
};

/* What the core and the model hold; compared before and after a case. */
struct xec_snap {
	unsigned int ports;	/* ports of the live domain not free */
	unsigned int infos;	/* the core's bindings */
	unsigned int descs;	/* allocated irq descriptors */
};

/* --- helpers ------------------------------------------------------------- */

static bool xec_is_lateeoi(enum xec_kind kind)
{
	return kind == XEC_EVTCHN_LATEEOI || kind == XEC_INTERDOMAIN;
}

/* VIRQs bound per vCPU and IPIs cannot move (Xen refuses bind_vcpu). */
static bool xec_is_movable(enum xec_kind kind)
{
	return kind != XEC_VIRQ_PCPU && kind != XEC_IPI;
}

static irqreturn_t xec_handler(int irq, void *dev_id)
{
	struct xec_bind *b = dev_id;

	WRITE_ONCE(b->last_cpu, smp_processor_id());
	WRITE_ONCE(b->last_jiffies, jiffies);
	if (b->hook)
		b->hook(b);
	atomic_inc(&b->hits);
	if (xec_is_lateeoi(b->kind) && READ_ONCE(b->auto_eoi))
		xen_irq_lateeoi(irq, READ_ONCE(b->eoi_spurious) ?
			       XEN_EOI_FLAG_SPURIOUS : 0);
	return IRQ_HANDLED;
}

static void xec_peer_close(evtchn_port_t port)
{
	struct evtchn_close cl = { .port = port };

	if (port)
		xeh_peer_op(EVTCHNOP_close, &cl);
}

/* An unbound port of the live domain offered to the peer. */
static int xec_live_alloc_unbound(evtchn_port_t *port)
{
	struct evtchn_alloc_unbound au = {
		.dom = DOMID_SELF,
		.remote_dom = xm_domain_id(xeh_peer),
	};
	int rc = HYPERVISOR_event_channel_op(EVTCHNOP_alloc_unbound, &au);

	*port = au.port;
	return rc;
}

static int xec_live_close(evtchn_port_t port)
{
	struct evtchn_close cl = { .port = port };

	return HYPERVISOR_event_channel_op(EVTCHNOP_close, &cl);
}

/* An unbound port of the peer offered to the live domain. */
static int xec_peer_alloc_unbound(evtchn_port_t *port)
{
	struct evtchn_alloc_unbound au = {
		.dom = DOMID_SELF,
		.remote_dom = xm_domain_id(xeh_live()),
	};
	int rc = xeh_peer_op(EVTCHNOP_alloc_unbound, &au);

	*port = au.port;
	return rc;
}

/* The live domain opens a port and the peer connects to it. */
static int xec_open_local_port(struct xec_bind *b, evtchn_port_t *local)
{
	struct evtchn_bind_interdomain bi = {
		.remote_dom = xm_domain_id(xeh_live()),
	};
	int rc = xec_live_alloc_unbound(local);

	if (rc)
		return rc;
	bi.remote_port = *local;
	rc = xeh_peer_op(EVTCHNOP_bind_interdomain, &bi);
	if (rc) {
		xec_live_close(*local);
		return rc;
	}
	b->remote = bi.local_port;
	return 0;
}

static int xec_bind_evtchn(struct xec_bind *b)
{
	evtchn_port_t local;
	int rc = xec_open_local_port(b, &local);

	if (rc)
		return rc;
	if (b->kind == XEC_EVTCHN)
		rc = bind_evtchn_to_irqhandler(local, xec_handler, 0, "xec", b);
	else
		rc = bind_evtchn_to_irqhandler_lateeoi(local, xec_handler, 0,
						       "xec", b);
	if (rc < 0) {
		xec_live_close(local);
		xec_peer_close(b->remote);
		b->remote = 0;
	}
	return rc;
}

static int xec_bind_interdomain(struct xec_bind *b)
{
	int rc;

	b->dev = kzalloc(sizeof(*b->dev), GFP_KERNEL);
	if (!b->dev)
		return -ENOMEM;
	b->dev->otherend_id = xm_domain_id(xeh_peer);
	b->dev->spurious_threshold = 1;
	rc = xec_peer_alloc_unbound(&b->remote);
	if (!rc)
		rc = bind_interdomain_evtchn_to_irqhandler_lateeoi(b->dev, b->remote,
								   xec_handler, 0,
								   "xec", b);
	if (rc < 0) {
		xec_peer_close(b->remote);
		b->remote = 0;
		kfree(b->dev);
		b->dev = NULL;
	}
	return rc;
}

/*
 * Xen signals the local port of a new interdomain binding once (spec 4.2):
 * let that event pass, then start every count from zero.
 */
static void xec_consume_bind_event(struct xec_bind *b)
{
	xeh_wait_count(&b->hits, 1, XEC_WAIT_MS);
	atomic_set(&b->hits, 0);
	atomic_set(&b->dev->events, 0);
	atomic_set(&b->dev->spurious_events, 0);
	atomic_set(&b->dev->jiffies_eoi_delayed, 0);
}

/*
 * Bind @b as @kind for @cpu (per-CPU kinds bind there, movable ones are
 * moved there). Returns 0 or the bind call's error; on error nothing of
 * the test's stays open.
 */
static int xec_bind(struct xec_bind *b, enum xec_kind kind, unsigned int cpu)
{
	unsigned long pcpu = IRQF_PERCPU | IRQF_NOBALANCING;
	int rc;

	memset(b, 0, sizeof(*b));
	b->kind = kind;
	b->cpu = cpu;
	b->last_cpu = -1;
	b->ipi = -1;
	b->auto_eoi = true;
	atomic_set(&b->hits, 0);
	switch (kind) {
	case XEC_EVTCHN:
	case XEC_EVTCHN_LATEEOI:
		rc = xec_bind_evtchn(b);
		break;
	case XEC_INTERDOMAIN:
		rc = xec_bind_interdomain(b);
		break;
	case XEC_VIRQ_PCPU:
		rc = bind_virq_to_irqhandler(XEC_VIRQ_PERCPU, cpu, xec_handler,
					     pcpu, "xec-virq", b);
		break;
	case XEC_VIRQ_GLOB:
		rc = bind_virq_to_irqhandler(XEC_VIRQ_GLOBAL, 0, xec_handler, 0,
					     "xec-gvirq", b);
		break;
	case XEC_IPI:
		b->ipi = xeh_free_ipi(cpu);
		rc = b->ipi;
		if (b->ipi >= 0)
			rc = bind_ipi_to_irqhandler(b->ipi, cpu, xec_handler, pcpu,
						    "xec-ipi", b);
		break;
	default:
		rc = -EINVAL;
	}
	if (rc < 0)
		return rc;
	b->irq = rc;
	if (kind == XEC_INTERDOMAIN)
		xec_consume_bind_event(b);
	if (xec_is_movable(kind)) {
		rc = irq_set_affinity(b->irq, cpumask_of(cpu));
		if (rc)
			return rc;
	}
	return 0;
}

static void xec_unbind(struct xec_bind *b)
{
	if (b->irq > 0)
		unbind_from_irqhandler(b->irq, b);
	b->irq = 0;
	xec_peer_close(b->remote);
	b->remote = 0;
	kfree(b->dev);
	b->dev = NULL;
}

/* Bind or fail the case; the message names the kind. */
static void xec_must_bind(struct kunit *test, struct xec_bind *b,
			  enum xec_kind kind, unsigned int cpu)
{
	int rc = xec_bind(b, kind, cpu);

	if (rc)
		xec_unbind(b);
	KUNIT_ASSERT_EQ_MSG(test, rc, 0, "bind %s on CPU %u", xec_kind_name[kind], cpu);
}

/* Make the hypervisor side raise @b's port: the peer, Xen or the kernel. */
static void xec_send(struct xec_bind *b)
{
	struct evtchn_send send = { .port = b->remote };

	switch (b->kind) {
	case XEC_VIRQ_PCPU:
		xm_fire_virq(xeh_live(), b->cpu, XEC_VIRQ_PERCPU);
		break;
	case XEC_VIRQ_GLOB:
		xm_fire_virq(xeh_live(), 0, XEC_VIRQ_GLOBAL);
		break;
	case XEC_IPI:
		xen_send_IPI_one(b->cpu, b->ipi);
		break;
	default:
		xeh_peer_op(EVTCHNOP_send, &send);
	}
}

static bool xec_wait_hits(struct xec_bind *b, int n)
{
	return xeh_wait_count(&b->hits, n, XEC_WAIT_MS);
}

/* The handler ran exactly @n times, and keeps at that. */
static void xec_expect_hits(struct kunit *test, struct xec_bind *b, int n)
{
	if (n)
		KUNIT_EXPECT_TRUE_MSG(test, xec_wait_hits(b, n),
				      "%s: handler ran %d times, expected %d",
				      xec_kind_name[b->kind], atomic_read(&b->hits), n);
	msleep(XEC_QUIET_MS);
	KUNIT_EXPECT_EQ_MSG(test, atomic_read(&b->hits), n, "%s: handler runs",
			    xec_kind_name[b->kind]);
}

/* The live domain's port bound to @b, as the core has it. */
static evtchn_port_t xec_port(struct xec_bind *b)
{
	return xen_port_of_irq(b->irq);
}

static u8 xec_mask_reasons(struct xec_bind *b)
{
	struct xen_irq_info *info;
	u8 reasons = 0xff;

	rcu_read_lock();
	info = xen_info_from_irq(b->irq);
	if (info)
		reasons = READ_ONCE(info->mask_reasons);
	rcu_read_unlock();
	return reasons;
}

static unsigned int xec_open_ports(void)
{
	struct xm_domain *d = xeh_live();
	unsigned int port, n = 0, nr = xm_valid_ports(d);

	for (port = 1; port < nr; port++)
		if (xm_port_state(d, port) != XM_PORT_FREE)
			n++;
	return n;
}

static unsigned int xec_core_infos(void)
{
	unsigned int n;

	mutex_lock(&xen_evtchn_bind_lock);
	n = list_count_nodes(&xen_irq_all);
	mutex_unlock(&xen_evtchn_bind_lock);
	return n;
}

static unsigned int xec_irq_descs(void)
{
	unsigned int irq, n = 0;

	for (irq = 0; irq < nr_irqs; irq++)
		if (irq_to_desc(irq))
			n++;
	return n;
}

/*
 * Descriptors of earlier unbinds are freed after an RCU grace period, by a
 * work item: wait until their count stops moving.
 */
static unsigned int xec_settled_descs(void)
{
	unsigned int n = xec_irq_descs(), prev, tries;

	for (tries = 0; tries < 20; tries++) {
		rcu_barrier();
		msleep(20);
		prev = n;
		n = xec_irq_descs();
		if (n == prev)
			break;
	}
	return n;
}

static void xec_snapshot(struct xec_snap *s)
{
	s->ports = xec_open_ports();
	s->infos = xec_core_infos();
	s->descs = xec_settled_descs();
}

/*
 * Nothing leaked since @before. Descriptors are freed after an RCU grace
 * period, so their count is given time to settle.
 */
static void xec_expect_no_leak(struct kunit *test, const struct xec_snap *before,
			       const char *what)
{
	struct xec_snap now;
	unsigned int waited;

	for (waited = 0; waited < XEC_WAIT_MS; waited += 20) {
		xec_snapshot(&now);
		if (now.descs == before->descs)
			break;
	}
	KUNIT_EXPECT_EQ_MSG(test, now.ports, before->ports, "%s: open ports", what);
	KUNIT_EXPECT_EQ_MSG(test, now.infos, before->infos, "%s: core bindings", what);
	KUNIT_EXPECT_EQ_MSG(test, now.descs, before->descs, "%s: irq descriptors", what);
}

/* --- suite: binding kinds -------------------------------------------------- */

static const enum xec_kind xec_all_kinds[] = {
	XEC_EVTCHN, XEC_EVTCHN_LATEEOI, XEC_INTERDOMAIN,
	XEC_VIRQ_PCPU, XEC_VIRQ_GLOB, XEC_IPI,
};

static void xec_kind_desc(const enum xec_kind *kind, char *desc)
{
	strscpy(desc, xec_kind_name[*kind], KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(xec_kinds, xec_all_kinds, xec_kind_desc);

static enum xec_kind xec_param_kind(struct kunit *test)
{
	return *(const enum xec_kind *)test->param_value;
}

/*
 * Delivered once on the CPU it was bound to, and Xen notifies that vCPU;
 * then moved (or, for per-CPU kinds, refused to move) and delivered where
 * it is now.
 */
static void xec_delivery_follows_binding(struct kunit *test)
{
	enum xec_kind kind = xec_param_kind(test);
	struct xec_bind b;
	int rc;

	xec_must_bind(test, &b, kind, XEC_CPU_A);
	KUNIT_EXPECT_EQ_MSG(test, xm_port_notify_vcpu(xeh_live(), xec_port(&b)),
			    (unsigned int)XEC_CPU_A, "%s: notify vCPU", xec_kind_name[kind]);
	xec_send(&b);
	xec_expect_hits(test, &b, 1);
	KUNIT_EXPECT_EQ_MSG(test, b.last_cpu, XEC_CPU_A, "%s: handler CPU",
			    xec_kind_name[kind]);

	rc = irq_set_affinity(b.irq, cpumask_of(XEC_CPU_B));
	if (xec_is_movable(kind)) {
		KUNIT_EXPECT_EQ_MSG(test, rc, 0, "%s: move", xec_kind_name[kind]);
		b.cpu = XEC_CPU_B;
	} else {
		KUNIT_EXPECT_NE_MSG(test, rc, 0, "%s: a per-CPU binding moved",
				    xec_kind_name[kind]);
	}
	KUNIT_EXPECT_EQ_MSG(test, xm_port_notify_vcpu(xeh_live(), xec_port(&b)), b.cpu,
			    "%s: notify vCPU after the move", xec_kind_name[kind]);
	xec_send(&b);
	xec_expect_hits(test, &b, 2);
	KUNIT_EXPECT_EQ_MSG(test, b.last_cpu, (int)b.cpu, "%s: handler CPU after the move",
			    xec_kind_name[kind]);
	xec_unbind(&b);
}

/* Several sends while disabled are one event, delivered once on enable. */
static void xec_masked_sends_deliver_once(struct kunit *test)
{
	enum xec_kind kind = xec_param_kind(test);
	struct xec_bind b;

	xec_must_bind(test, &b, kind, XEC_CPU_A);
	disable_irq(b.irq);
	xec_send(&b);
	xec_send(&b);
	xec_send(&b);
	xec_expect_hits(test, &b, 0);
	enable_irq(b.irq);
	xec_expect_hits(test, &b, 1);
	KUNIT_EXPECT_EQ_MSG(test, b.last_cpu, XEC_CPU_A, "%s: handler CPU",
			    xec_kind_name[kind]);
	/* And the channel works normally afterwards. */
	xec_send(&b);
	xec_expect_hits(test, &b, 2);
	xec_unbind(&b);
}

/*
 * Unbinding with an event pending: the handler never runs, the port is
 * closed, the event does not turn into a stray one, nothing is leaked.
 */
static void xec_unbind_while_pending(struct kunit *test)
{
	enum xec_kind kind = xec_param_kind(test);
	unsigned long strays = xen_evtchn_stray_events();
	struct xec_snap before;
	evtchn_port_t port;
	struct xec_bind b;

	xec_snapshot(&before);
	xec_must_bind(test, &b, kind, XEC_CPU_A);
	port = xec_port(&b);
	disable_irq(b.irq);
	xec_send(&b);
	unbind_from_irqhandler(b.irq, &b);
	b.irq = 0;
	xec_expect_hits(test, &b, 0);
	KUNIT_EXPECT_EQ_MSG(test, xm_port_state(xeh_live(), port), XM_PORT_FREE,
			    "%s: port %u after unbind", xec_kind_name[kind], port);
	KUNIT_EXPECT_EQ_MSG(test, xen_evtchn_stray_events(), strays, "%s: stray events",
			    xec_kind_name[kind]);
	xec_unbind(&b);
	xec_expect_no_leak(test, &before, xec_kind_name[kind]);
}

/*
 * A late-EOI channel stays masked from the event until the driver's EOI:
 * an event sent meanwhile is delivered once, after the EOI.
 */
static void xec_lateeoi_holds_until_eoi(struct kunit *test)
{
	struct xec_bind b;

	xec_must_bind(test, &b, XEC_INTERDOMAIN, XEC_CPU_A);
	WRITE_ONCE(b.auto_eoi, false);
	xec_send(&b);
	xec_expect_hits(test, &b, 1);
	KUNIT_EXPECT_TRUE(test, xec_mask_reasons(&b) & XEN_MASK_LATE_EOI);
	xec_send(&b);
	xec_send(&b);
	xec_expect_hits(test, &b, 1);
	xen_irq_lateeoi(b.irq, 0);
	xec_expect_hits(test, &b, 2);
	xen_irq_lateeoi(b.irq, 0);
	KUNIT_EXPECT_EQ(test, xec_mask_reasons(&b), 0);
	KUNIT_EXPECT_EQ(test, atomic_read(&b.dev->events), 2);
	KUNIT_EXPECT_EQ(test, atomic_read(&b.dev->event_channels), 1);
	xec_unbind(&b);
}

/* --- suite: late-EOI storms ------------------------------------------------- */

/* Delay in jiffies the n-th spurious EOI in a row asks for (threshold 1). */
static unsigned long xec_backoff_jiffies(unsigned int n)
{
	return n <= 1 ? 0 : min_t(unsigned long, 1UL << (n - 2), HZ);
}

/*
 * Spurious EOIs past the device's threshold keep the port masked for 1,
 * 2, 4, ... jiffies: visible as the mask held after the EOI, as the next
 * event waiting that long, and in the device's counters. A real EOI ends
 * the back-off.
 */
static void xec_spurious_eoi_backs_off(struct kunit *test)
{
	unsigned long t_eoi, waited, delayed = 0, expect;
	struct xec_bind b;
	unsigned int n;

	xec_must_bind(test, &b, XEC_INTERDOMAIN, XEC_CPU_A);
	WRITE_ONCE(b.auto_eoi, false);
	xec_send(&b);
	KUNIT_ASSERT_TRUE(test, xec_wait_hits(&b, 1));
	for (n = 1; n <= 7; n++) {
		expect = xec_backoff_jiffies(n);
		t_eoi = jiffies;
		xen_irq_lateeoi(b.irq, XEN_EOI_FLAG_SPURIOUS);
		/* A one-jiffy delay may end at the very next tick, at once. */
		if (expect > 1)
			KUNIT_EXPECT_TRUE_MSG(test, xec_mask_reasons(&b) & XEN_MASK_LATE_EOI,
					      "spurious EOI %u: masked for the delay", n);
		xec_send(&b);
		KUNIT_ASSERT_TRUE_MSG(test, xec_wait_hits(&b, n + 1), "event after EOI %u", n);
		waited = READ_ONCE(b.last_jiffies) - t_eoi;
		KUNIT_EXPECT_GE_MSG(test, waited, expect, "spurious EOI %u: delay", n);
		kunit_info(test, "spurious EOI %u: back-off %lu jiffies, next event after %lu\n",
			   n, expect, waited);
		delayed += expect;
	}
	KUNIT_EXPECT_EQ(test, atomic_read(&b.dev->spurious_events), 7);
	KUNIT_EXPECT_EQ(test, (unsigned long)atomic_read(&b.dev->jiffies_eoi_delayed),
			delayed);
	KUNIT_EXPECT_EQ(test, atomic_read(&b.dev->events), 8);
	/* A real EOI unmasks at once and resets the count. */
	xen_irq_lateeoi(b.irq, 0);
	KUNIT_EXPECT_EQ(test, xec_mask_reasons(&b), 0);
	xec_send(&b);
	KUNIT_EXPECT_TRUE(test, xec_wait_hits(&b, 9));
	xen_irq_lateeoi(b.irq, XEN_EOI_FLAG_SPURIOUS);
	KUNIT_EXPECT_EQ_MSG(test, xec_mask_reasons(&b), 0,
			    "first spurious EOI after a real one");
	xec_unbind(&b);
}

/*
 * A device's spurious threshold of 0 (writable through sysfs) means the
 * default of 1: the first spurious EOI does not back off (review D14).
 */
static void xec_zero_spurious_threshold_is_default(struct kunit *test)
{
	struct xec_bind b;

	xec_must_bind(test, &b, XEC_INTERDOMAIN, XEC_CPU_A);
	b.dev->spurious_threshold = 0;
	WRITE_ONCE(b.auto_eoi, false);
	xec_send(&b);
	KUNIT_ASSERT_TRUE(test, xec_wait_hits(&b, 1));
	xen_irq_lateeoi(b.irq, XEN_EOI_FLAG_SPURIOUS);
	KUNIT_EXPECT_EQ_MSG(test, xec_mask_reasons(&b), 0,
			    "first spurious EOI with threshold 0");
	KUNIT_EXPECT_EQ(test, atomic_read(&b.dev->jiffies_eoi_delayed), 0);
	xec_unbind(&b);
}

#define XEC_STORM_SENDS		3000

/*
 * The peer storms a late-EOI channel whose every event is spurious; a
 * plain channel on the same CPU, signalled in the middle of the storm, is
 * served all the same, and the storm is throttled.
 */
static void xec_lateeoi_storm_leaves_others_served(struct kunit *test)
{
	struct xec_bind storm, other;
	unsigned int i;

	xec_must_bind(test, &storm, XEC_INTERDOMAIN, XEC_CPU_A);
	xec_must_bind(test, &other, XEC_EVTCHN, XEC_CPU_A);
	WRITE_ONCE(storm.eoi_spurious, true);
	for (i = 0; i < XEC_STORM_SENDS; i++) {
		xec_send(&storm);
		if (i == XEC_STORM_SENDS / 2)
			xec_send(&other);
		if (!(i % 64))
			cond_resched();
	}
	KUNIT_EXPECT_TRUE_MSG(test, xec_wait_hits(&other, 1),
			      "plain channel served during the storm");
	kunit_info(test, "storm: %u sends, %d handled, %d spurious, %d jiffies of EOI delay\n",
		   XEC_STORM_SENDS, atomic_read(&storm.hits),
		   atomic_read(&storm.dev->spurious_events),
		   atomic_read(&storm.dev->jiffies_eoi_delayed));
	KUNIT_EXPECT_GE(test, atomic_read(&storm.hits), 1);
	KUNIT_EXPECT_LT(test, atomic_read(&storm.hits), XEC_STORM_SENDS);
	KUNIT_EXPECT_GT(test, atomic_read(&storm.dev->jiffies_eoi_delayed), 0);
	KUNIT_EXPECT_EQ(test, atomic_read(&storm.dev->spurious_events),
			atomic_read(&storm.hits));
	KUNIT_EXPECT_EQ(test, other.last_cpu, XEC_CPU_A);
	xec_unbind(&other);
	xec_unbind(&storm);
}

/* --- suite: fairness ------------------------------------------------------- */

#define XEC_FLOOD_EVENTS	2000
#define XEC_FLOOD_VICTIM_AT	10
/* A victim must not wait more than a few flood events (a scan pass or two). */
#define XEC_FAIRNESS_BOUND	8

struct xec_flood {
	struct xec_bind *victim;
	int raised_at;		/* flood events when the victim was raised */
	int handled_at;		/* flood events when the victim ran */
	struct xec_bind *flooder;
};

/* Flooder: re-raise its own port; once, also raise the victim's. */
static void xec_flood_hook(struct xec_bind *b)
{
	struct xec_flood *f = b->hook_data;
	int n = atomic_read(&b->hits) + 1;

	if (n == XEC_FLOOD_VICTIM_AT) {
		f->raised_at = n;
		xec_send(f->victim);
	}
	if (n < XEC_FLOOD_EVENTS)
		xec_send(b);
}

static void xec_victim_hook(struct xec_bind *b)
{
	struct xec_flood *f = b->hook_data;

	WRITE_ONCE(f->handled_at, atomic_read(&f->flooder->hits));
}

/*
 * A port re-raised from its own handler on every event cannot starve
 * another pending port of the same CPU: the other is handled within a few
 * of the flooder's events.
 */
static void xec_flooding_port_cannot_starve(struct kunit *test)
{
	struct xec_bind flooder, victim;
	struct xec_flood f = { .handled_at = -1 };
	int bound;

	xec_must_bind(test, &flooder, XEC_IPI, XEC_CPU_A);
	xec_must_bind(test, &victim, XEC_EVTCHN, XEC_CPU_A);
	f.victim = &victim;
	f.flooder = &flooder;
	victim.hook_data = &f;
	WRITE_ONCE(victim.hook, xec_victim_hook);
	flooder.hook_data = &f;
	WRITE_ONCE(flooder.hook, xec_flood_hook);
	xec_send(&flooder);
	KUNIT_EXPECT_TRUE(test, xec_wait_hits(&flooder, XEC_FLOOD_EVENTS));
	KUNIT_EXPECT_TRUE(test, xec_wait_hits(&victim, 1));
	bound = READ_ONCE(f.handled_at) - f.raised_at;
	kunit_info(test, "%s: victim handled %d flooder events after it was raised\n",
		   xen_fifo_events ? "FIFO" : "2-level", bound);
	KUNIT_EXPECT_GE(test, READ_ONCE(f.handled_at), f.raised_at);
	KUNIT_EXPECT_LE_MSG(test, bound, XEC_FAIRNESS_BOUND, "fairness bound");
	KUNIT_EXPECT_EQ(test, victim.last_cpu, XEC_CPU_A);
	xec_unbind(&victim);
	xec_unbind(&flooder);
}

/* How long the flood of the tick test lasts, and the bound it must keep. */
#define XEC_TICK_FLOOD_NS	(300ULL * NSEC_PER_MSEC)
#define XEC_TICK_BOUND_NS	(100ULL * NSEC_PER_MSEC)

struct xec_tick_flood {
	u64 start;
	u64 since;		/* local_clock() when jiffies last moved */
	u64 longest;		/* longest run of handler calls at one jiffy */
	unsigned long jiffy;
	bool over;
};

/* A peer that answers every event with the next one, as long as it lasts. */
static void xec_tick_flood_hook(struct xec_bind *b)
{
	struct xec_tick_flood *f = b->hook_data;
	u64 now = local_clock();

	if (READ_ONCE(jiffies) != f->jiffy) {
		f->jiffy = READ_ONCE(jiffies);
		f->since = now;
	}
	f->longest = max(f->longest, now - f->since);
	if (now - f->start < XEC_TICK_FLOOD_NS)
		xec_send(b);
	else
		WRITE_ONCE(f->over, true);
}

/*
 * A late-EOI channel flooded by its peer for 300 ms, each event answered
 * within its own handler: the upcall must notice that it has run too long
 * and defer the EOI so the timer tick gets in. Review D10: the deadline
 * was kept in jiffies, which nothing advances while the only CPU that
 * ticks loops with interrupts off; the flood then held the CPU for all of
 * its 300 ms. This discriminates in a one-CPU boot (run-kunit.sh "1cpu");
 * with more CPUs another CPU's tick moves jiffies anyway.
 */
static void xec_flood_lets_the_tick_in(struct kunit *test)
{
	struct xec_tick_flood f = {};
	unsigned int waited;
	struct xec_bind b;

	xec_must_bind(test, &b, XEC_INTERDOMAIN, XEC_CPU_A);
	b.hook_data = &f;
	f.start = local_clock();
	f.since = f.start;
	f.jiffy = jiffies;
	WRITE_ONCE(b.hook, xec_tick_flood_hook);
	xec_send(&b);
	for (waited = 0; waited < 10 * XEC_WAIT_MS && !READ_ONCE(f.over);
	     waited += XEC_POLL_MS)
		msleep(XEC_POLL_MS);
	WRITE_ONCE(b.hook, NULL);
	KUNIT_EXPECT_TRUE_MSG(test, READ_ONCE(f.over), "the flood did not end");
	kunit_info(test, "%u CPU(s): %d events in %llu ms of flood, longest at one jiffy %llu us (bound %llu us)\n",
		   num_online_cpus(), atomic_read(&b.hits),
		   (local_clock() - f.start) / NSEC_PER_MSEC,
		   f.longest / NSEC_PER_USEC, XEC_TICK_BOUND_NS / NSEC_PER_USEC);
	KUNIT_EXPECT_LE_MSG(test, f.longest, XEC_TICK_BOUND_NS,
			    "the timer tick was kept out of the CPU for too long");
	xec_unbind(&b);
}

#define XEC_REBINDS		300

/* Xen raising the per-vCPU VIRQ of one vCPU, as fast as it can. */
struct xec_firer {
	unsigned int vcpu;
	atomic_t fired;
};

static int xec_firer_fn(void *data)
{
	struct xec_firer *f = data;

	while (!kthread_should_stop()) {
		if (xm_fire_virq(xeh_live(), f->vcpu, XEC_VIRQ_PERCPU))
			atomic_inc(&f->fired);
		cond_resched();
	}
	return 0;
}

/*
 * A per-vCPU VIRQ fires on its CPU without pause while a thread on
 * another CPU unbinds and binds it again, over and over. The per-CPU flow
 * runs handlers without the descriptor's lock or in-progress flag, so
 * free_irq() alone cannot wait for a handler running on the VIRQ's CPU:
 * the unbind must, or the handler reads its freed irqaction (KASAN).
 * Found by the random walk (make check, 2026-12-02: a KASAN
 * slab-use-after-free in __handle_irq_event_percpu from the FIFO upcall).
 */
static void xec_percpu_unbind_while_firing(struct kunit *test)
{
	struct xec_firer f = {};
	struct task_struct *t;
	unsigned int self, cpu, other, i;
	struct xec_bind b;

	/* With one CPU nothing runs at the same time; the loop still must pass. */
	migrate_disable();
	self = smp_processor_id();
	cpu = self == XEC_CPU_A ? XEC_CPU_B : XEC_CPU_A;
	other = cpumask_any_but(cpu_online_mask, cpu);
	if (other >= nr_cpu_ids)
		other = cpu;
	f.vcpu = cpu;
	t = kthread_create(xec_firer_fn, &f, "xec-fire");
	if (IS_ERR(t)) {
		migrate_enable();
		KUNIT_FAIL(test, "no firing thread");
		return;
	}
	kthread_bind(t, other);
	wake_up_process(t);
	for (i = 0; i < XEC_REBINDS; i++) {
		if (xec_bind(&b, XEC_VIRQ_PCPU, cpu)) {
			KUNIT_FAIL(test, "bind %u failed", i);
			break;
		}
		usleep_range(20, 50);
		xec_unbind(&b);
	}
	kthread_stop(t);
	migrate_enable();
	kunit_info(test, "%u binds and unbinds of a VIRQ of CPU %u from CPU %u, %d raised from CPU %u\n",
		   i, cpu, self, atomic_read(&f.fired), other);
}

/* --- suite: CPU hotplug ---------------------------------------------------- */

static bool xec_hotplug_ok(void)
{
	return cpu_online(XEC_HOTPLUG_CPU) && cpu_is_hotpluggable(XEC_HOTPLUG_CPU);
}

/*
 * VIRQs and IPIs bound to a CPU (and a global VIRQ moved there) survive its
 * unplug and re-plug: the per-CPU ones work on it again, the movable one
 * was moved elsewhere meanwhile.
 */
static void xec_hotplug_keeps_virqs_and_ipis(struct kunit *test)
{
	static const enum xec_kind kinds[] = { XEC_VIRQ_PCPU, XEC_IPI, XEC_VIRQ_GLOB };
	struct xec_bind b[ARRAY_SIZE(kinds)];
	unsigned int i;

	KUNIT_ASSERT_TRUE_MSG(test, xec_hotplug_ok(), "needs hotpluggable CPU %u",
			      XEC_HOTPLUG_CPU);
	for (i = 0; i < ARRAY_SIZE(kinds); i++) {
		xec_must_bind(test, &b[i], kinds[i], XEC_HOTPLUG_CPU);
		xec_send(&b[i]);
		xec_expect_hits(test, &b[i], 1);
		KUNIT_EXPECT_EQ_MSG(test, b[i].last_cpu, XEC_HOTPLUG_CPU, "%s before unplug",
				    xec_kind_name[kinds[i]]);
	}
	KUNIT_ASSERT_EQ(test, remove_cpu(XEC_HOTPLUG_CPU), 0);
	/* The global VIRQ follows its irq to an online CPU. */
	xec_send(&b[2]);
	xec_expect_hits(test, &b[2], 2);
	KUNIT_EXPECT_NE(test, b[2].last_cpu, XEC_HOTPLUG_CPU);
	KUNIT_ASSERT_EQ(test, add_cpu(XEC_HOTPLUG_CPU), 0);
	for (i = 0; i < 2; i++) {
		xec_send(&b[i]);
		xec_expect_hits(test, &b[i], 2);
		KUNIT_EXPECT_EQ_MSG(test, b[i].last_cpu, XEC_HOTPLUG_CPU, "%s after re-plug",
				    xec_kind_name[kinds[i]]);
	}
	for (i = 0; i < ARRAY_SIZE(kinds); i++)
		xec_unbind(&b[i]);
}

/*
 * Binding a per-CPU VIRQ to an offline CPU fails cleanly or works once the
 * CPU is back; moving an irq to an offline CPU is refused.
 */
static void xec_bind_to_offline_cpu(struct kunit *test)
{
	/* With two CPUs, CPU A is the one unplugged: stay on CPU 0 then. */
	unsigned int stay = XEC_CPU_A;
	struct xec_snap before;
	struct xec_bind b, m;
	int rc;

	if (stay == XEC_HOTPLUG_CPU)
		stay = 0;
	KUNIT_ASSERT_TRUE_MSG(test, xec_hotplug_ok(), "needs hotpluggable CPU %u",
			      XEC_HOTPLUG_CPU);
	xec_must_bind(test, &m, XEC_EVTCHN, stay);
	xec_snapshot(&before);
	KUNIT_ASSERT_EQ(test, remove_cpu(XEC_HOTPLUG_CPU), 0);
	KUNIT_EXPECT_NE(test, irq_set_affinity(m.irq, cpumask_of(XEC_HOTPLUG_CPU)), 0);
	KUNIT_EXPECT_EQ(test, xm_port_notify_vcpu(xeh_live(), xec_port(&m)), stay);
	rc = xec_bind(&b, XEC_VIRQ_PCPU, XEC_HOTPLUG_CPU);
	kunit_info(test, "per-CPU VIRQ bound to an offline CPU: %d\n", rc);
	KUNIT_ASSERT_EQ(test, add_cpu(XEC_HOTPLUG_CPU), 0);
	if (rc) {
		xec_unbind(&b);
		xec_expect_no_leak(test, &before, "bind to an offline CPU");
	} else {
		xec_send(&b);
		xec_expect_hits(test, &b, 1);
		KUNIT_EXPECT_EQ(test, b.last_cpu, XEC_HOTPLUG_CPU);
		xec_unbind(&b);
	}
	xec_send(&m);
	xec_expect_hits(test, &m, 1);
	xec_unbind(&m);
}

/* --- suite: limits and bad input ----------------------------------------- */

/* Fill the live domain's port space; returns the fillers allocated. */
static unsigned int xec_fill_ports(evtchn_port_t *fill, unsigned int max)
{
	unsigned int n = 0;

	while (n < max && !xec_live_alloc_unbound(&fill[n]))
		n++;
	return n;
}

/* Bind interdomain channels until the first error; returns the count. */
static unsigned int xec_bind_until_error(struct xec_bind *b, unsigned int max, int *err)
{
	unsigned int n;

	for (n = 0; n < max; n++) {
		*err = xec_bind(&b[n], XEC_INTERDOMAIN, 0);
		if (*err) {
			xec_unbind(&b[n]);
			break;
		}
	}
	return n;
}

#define XEC_SPARE_PORTS		8

/*
 * With all but a few ports taken, binding stops with -ENOSPC after exactly
 * those few, for every kind that allocates a port; after unbinding, the
 * same number can be bound again and nothing is leaked.
 */
static void xec_port_exhaustion(struct kunit *test)
{
	unsigned int max = 8192, nfill, round, n, i;
	struct xec_bind *b, extra;
	struct xec_snap before;
	evtchn_port_t *fill;
	int err = 0;

	fill = kunit_kcalloc(test, max, sizeof(*fill), GFP_KERNEL);
	b = kunit_kcalloc(test, XEC_SPARE_PORTS + 1, sizeof(*b), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, fill);
	KUNIT_ASSERT_NOT_NULL(test, b);
	nfill = xec_fill_ports(fill, max);
	KUNIT_ASSERT_LT_MSG(test, nfill, max, "port space never filled");
	KUNIT_ASSERT_GT(test, nfill, (unsigned int)XEC_SPARE_PORTS);
	for (i = 0; i < XEC_SPARE_PORTS; i++)
		xec_live_close(fill[--nfill]);
	xec_snapshot(&before);
	kunit_info(test, "%u ports open, %u kept free\n", before.ports, XEC_SPARE_PORTS);
	for (round = 0; round < 2; round++) {
		n = xec_bind_until_error(b, XEC_SPARE_PORTS + 1, &err);
		KUNIT_EXPECT_EQ_MSG(test, n, (unsigned int)XEC_SPARE_PORTS, "round %u", round);
		KUNIT_EXPECT_EQ_MSG(test, err, -ENOSPC, "round %u", round);
		KUNIT_EXPECT_EQ(test, xec_bind(&extra, XEC_VIRQ_GLOB, 0), -ENOSPC);
		xec_unbind(&extra);
		KUNIT_EXPECT_EQ(test, xec_bind(&extra, XEC_IPI, XEC_CPU_A), -ENOSPC);
		xec_unbind(&extra);
		for (i = 0; i < n; i++)
			xec_unbind(&b[i]);
		xec_expect_no_leak(test, &before, "after unbinding all");
	}
	while (nfill)
		xec_live_close(fill[--nfill]);
}

/* Bad arguments: an error or a counted no-op, never a crash or WARN. */
static void xec_bad_caller_input(struct kunit *test)
{
	unsigned long stale = xen_evtchn_stale_notifies();
	struct xec_snap before;
	struct xec_bind b;
	int irq;

	xec_snapshot(&before);
	KUNIT_EXPECT_LT(test, bind_evtchn_to_irqhandler(0, xec_handler, 0, "xec", &b), 0);
	KUNIT_EXPECT_LT(test, bind_evtchn_to_irqhandler(xen_evtchn_abi->nr_ports,
							xec_handler, 0, "xec", &b), 0);
	KUNIT_EXPECT_LT(test, bind_evtchn_to_irqhandler(~0U, xec_handler, 0, "xec", &b), 0);
	KUNIT_EXPECT_LT(test, bind_virq_to_irqhandler(NR_VIRQS, 0, xec_handler, 0,
						      "xec", &b), 0);
	KUNIT_EXPECT_LT(test, bind_virq_to_irqhandler(XEC_VIRQ_PERCPU, nr_cpu_ids,
						      xec_handler, 0, "xec", &b), 0);
	KUNIT_EXPECT_LT(test, bind_ipi_to_irqhandler(XEN_NR_IPIS, 0, xec_handler, 0,
						     "xec", &b), 0);
	KUNIT_EXPECT_LT(test, bind_interdomain_evtchn_to_irqhandler_lateeoi(NULL, 1,
									    xec_handler,
									    0, "xec", &b),
			0);
	xec_expect_no_leak(test, &before, "invalid arguments");

	/* Double unbind, then notify and late EOI on the dead irq. */
	xec_must_bind(test, &b, XEC_EVTCHN, XEC_CPU_A);
	irq = b.irq;
	unbind_from_irqhandler(irq, &b);
	unbind_from_irqhandler(irq, &b);
	notify_remote_via_irq(irq);
	notify_remote_via_irq(-1);
	KUNIT_EXPECT_EQ(test, xen_evtchn_stale_notifies(), stale + 2);
	xen_irq_lateeoi(irq, 0);
	b.irq = 0;
	xec_unbind(&b);
	xec_expect_no_leak(test, &before, "double unbind");

	/* Late EOI on a plain channel neither unmasks nor breaks it. */
	xec_must_bind(test, &b, XEC_EVTCHN, XEC_CPU_A);
	disable_irq(b.irq);
	xen_irq_lateeoi(b.irq, 0);
	xen_irq_lateeoi(b.irq, XEN_EOI_FLAG_SPURIOUS);
	xec_send(&b);
	xec_expect_hits(test, &b, 0);
	enable_irq(b.irq);
	xec_expect_hits(test, &b, 1);
	KUNIT_EXPECT_EQ(test, xec_mask_reasons(&b), 0);
	xec_unbind(&b);
	xec_expect_no_leak(test, &before, "late EOI on a plain channel");
}

/*
 * Xen raising a port nothing is bound to (unmasked, so an upcall sees it):
 * counted once, masked so it cannot storm, events elsewhere still flow.
 */
static void xec_stray_event_counted(struct kunit *test)
{
	unsigned long strays = xen_evtchn_stray_events();
	struct evtchn_unmask um = {};
	struct xec_bind b;
	evtchn_port_t port;

	KUNIT_ASSERT_EQ(test, xec_live_alloc_unbound(&port), 0);
	um.port = port;
	KUNIT_EXPECT_EQ(test, HYPERVISOR_event_channel_op(EVTCHNOP_unmask, &um), 0);
	xm_raise_raw(xeh_live(), XEC_CPU_A, port);
	msleep(XEC_QUIET_MS);
	/*
	 * FIFO queues any raised port; 2-level scans only ports bound to the
	 * CPU, so an unbound one is never even looked at.
	 */
	kunit_info(test, "%s: %lu stray event(s) counted\n",
		   xen_fifo_events ? "FIFO" : "2-level",
		   xen_evtchn_stray_events() - strays);
	if (xen_fifo_events)
		KUNIT_EXPECT_EQ_MSG(test, xen_evtchn_stray_events(), strays + 1,
				    "event on unbound port %u", port);
	xm_raise_raw(xeh_live(), XEC_CPU_A, port);
	msleep(XEC_QUIET_MS);
	KUNIT_EXPECT_LE_MSG(test, xen_evtchn_stray_events(), strays + 1,
			    "stray port %u masked after the first event", port);
	KUNIT_EXPECT_EQ(test, xec_live_close(port), 0);
	xec_must_bind(test, &b, XEC_EVTCHN, XEC_CPU_A);
	xec_send(&b);
	xec_expect_hits(test, &b, 1);
	xec_unbind(&b);
}

/* One injected hypercall failure during a bind. */
struct xec_fault {
	enum xec_kind kind;
	unsigned int cmd;
	const char *name;
	bool must_fail;		/* the bind must return the error */
};

static const struct xec_fault xec_faults[] = {
	{ XEC_EVTCHN, EVTCHNOP_bind_vcpu, "evtchn/bind_vcpu", false },
	{ XEC_EVTCHN_LATEEOI, EVTCHNOP_bind_vcpu, "evtchn-lateeoi/bind_vcpu", false },
	{ XEC_INTERDOMAIN, EVTCHNOP_bind_interdomain, "interdomain/bind_interdomain",
	  true },
	{ XEC_INTERDOMAIN, EVTCHNOP_bind_vcpu, "interdomain/bind_vcpu", false },
	{ XEC_VIRQ_PCPU, EVTCHNOP_bind_virq, "virq-percpu/bind_virq", true },
	{ XEC_VIRQ_GLOB, EVTCHNOP_bind_virq, "virq-global/bind_virq", true },
	{ XEC_VIRQ_GLOB, EVTCHNOP_bind_vcpu, "virq-global/bind_vcpu", false },
	{ XEC_IPI, EVTCHNOP_bind_ipi, "ipi/bind_ipi", true },
};

static void xec_fault_desc(const struct xec_fault *f, char *desc)
{
	strscpy(desc, f->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(xec_fault_params, xec_faults, xec_fault_desc);

/*
 * The hypercall fails: the bind returns the error and leaves nothing
 * behind, or (a failed move during request_irq) the binding works where
 * Xen actually delivers it.
 */
static void xec_bind_hypercall_failure(struct kunit *test)
{
	const struct xec_fault *f = test->param_value;
	struct xec_snap before;
	struct xec_bind b;
	unsigned int vcpu;
	int rc;

	xec_snapshot(&before);
	xm_fail_nth(xeh_live(), __HYPERVISOR_event_channel_op, f->cmd, 1, XEC_FAIL_ERR);
	rc = xec_bind(&b, f->kind, XEC_CPU_A);
	xm_fail_nth(xeh_live(), __HYPERVISOR_event_channel_op, f->cmd, 0, 0);
	kunit_info(test, "%s: bind returned %d\n", f->name, rc);
	if (f->must_fail)
		KUNIT_EXPECT_EQ_MSG(test, rc, XEC_FAIL_ERR, "%s", f->name);
	if (rc) {
		xec_unbind(&b);
		xec_expect_no_leak(test, &before, f->name);
		return;
	}
	/* Bound: the core's CPU is the vCPU Xen notifies. */
	vcpu = xm_port_notify_vcpu(xeh_live(), xec_port(&b));
	KUNIT_EXPECT_TRUE_MSG(test,
			      cpumask_test_cpu(vcpu, irq_get_effective_affinity_mask(b.irq)),
			      "%s: Xen notifies vCPU %u", f->name, vcpu);
	xec_send(&b);
	xec_expect_hits(test, &b, 1);
	KUNIT_EXPECT_EQ_MSG(test, b.last_cpu, (int)vcpu, "%s: handler CPU", f->name);
	xec_unbind(&b);
	xec_expect_no_leak(test, &before, f->name);
}

/* A failed move leaves the binding where it was, still working. */
static void xec_affinity_hypercall_failure(struct kunit *test)
{
	struct xec_bind b;

	xec_must_bind(test, &b, XEC_EVTCHN, XEC_CPU_A);
	xm_fail_nth(xeh_live(), __HYPERVISOR_event_channel_op, EVTCHNOP_bind_vcpu, 1,
		    XEC_FAIL_ERR);
	KUNIT_EXPECT_NE(test, irq_set_affinity(b.irq, cpumask_of(XEC_CPU_B)), 0);
	xm_fail_nth(xeh_live(), __HYPERVISOR_event_channel_op, EVTCHNOP_bind_vcpu, 0, 0);
	KUNIT_EXPECT_EQ(test, xm_port_notify_vcpu(xeh_live(), xec_port(&b)),
			(unsigned int)XEC_CPU_A);
	KUNIT_EXPECT_TRUE(test, cpumask_test_cpu(XEC_CPU_A,
						 irq_get_effective_affinity_mask(b.irq)));
	KUNIT_EXPECT_EQ(test, xec_mask_reasons(&b), 0);
	xec_send(&b);
	xec_expect_hits(test, &b, 1);
	KUNIT_EXPECT_EQ(test, b.last_cpu, XEC_CPU_A);
	xec_unbind(&b);
}

/*
 * EVTCHNOP_close fails on unbind: the binding is gone all the same, the
 * port stays open in Xen (an event on it is a stray, kept pending), and a
 * driver can bind it again and receive that event.
 */
static void xec_close_failure_on_unbind(struct kunit *test)
{
	unsigned long strays = xen_evtchn_stray_events();
	struct xec_snap before;
	evtchn_port_t port, remote;
	struct xec_bind b;
	int irq;

	xec_snapshot(&before);
	xec_must_bind(test, &b, XEC_EVTCHN, XEC_CPU_A);
	port = xec_port(&b);
	remote = b.remote;
	xm_fail_nth(xeh_live(), __HYPERVISOR_event_channel_op, EVTCHNOP_close, 1,
		    XEC_FAIL_ERR);
	unbind_from_irqhandler(b.irq, &b);
	xm_fail_nth(xeh_live(), __HYPERVISOR_event_channel_op, EVTCHNOP_close, 0, 0);
	b.irq = 0;
	KUNIT_EXPECT_EQ(test, xm_port_state(xeh_live(), port), XM_PORT_INTERDOMAIN);
	KUNIT_EXPECT_EQ(test, xec_core_infos(), before.infos);
	xec_send(&b);
	msleep(XEC_QUIET_MS);
	KUNIT_EXPECT_EQ(test, atomic_read(&b.hits), 0);
	KUNIT_EXPECT_LE(test, xen_evtchn_stray_events(), strays + 1);

	irq = bind_evtchn_to_irqhandler(port, xec_handler, 0, "xec", &b);
	KUNIT_ASSERT_GT_MSG(test, irq, 0, "rebinding port %u", port);
	b.irq = irq;
	xec_expect_hits(test, &b, 1);
	b.remote = remote;
	xec_unbind(&b);
	xec_expect_no_leak(test, &before, "close failure");
}

/* --- suites ------------------------------------------------------------------- */

/* These suites only make sense on the model's live domain: fail, not skip. */
static int xec_test_init(struct kunit *test)
{
	KUNIT_ASSERT_TRUE_MSG(test, xm_booted_on_model() && xeh_peer,
			      "needs a boot with xen_model=...");
	KUNIT_ASSERT_TRUE(test, cpu_online(XEC_CPU_A) && cpu_online(XEC_CPU_B));
	return 0;
}

static struct kunit_case xec_kind_cases[] = {
	KUNIT_CASE_PARAM(xec_delivery_follows_binding, xec_kinds_gen_params),
	KUNIT_CASE_PARAM(xec_masked_sends_deliver_once, xec_kinds_gen_params),
	KUNIT_CASE_PARAM(xec_unbind_while_pending, xec_kinds_gen_params),
	KUNIT_CASE(xec_lateeoi_holds_until_eoi),
	{}
};

static struct kunit_case xec_storm_cases[] = {
	KUNIT_CASE(xec_spurious_eoi_backs_off),
	KUNIT_CASE(xec_zero_spurious_threshold_is_default),
	KUNIT_CASE(xec_lateeoi_storm_leaves_others_served),
	KUNIT_CASE(xec_flooding_port_cannot_starve),
	KUNIT_CASE(xec_flood_lets_the_tick_in),
	KUNIT_CASE(xec_percpu_unbind_while_firing),
	{}
};

static struct kunit_case xec_hotplug_cases[] = {
	KUNIT_CASE(xec_hotplug_keeps_virqs_and_ipis),
	KUNIT_CASE(xec_bind_to_offline_cpu),
	{}
};

static struct kunit_case xec_limit_cases[] = {
	KUNIT_CASE(xec_port_exhaustion),
	KUNIT_CASE(xec_bad_caller_input),
	KUNIT_CASE(xec_stray_event_counted),
	KUNIT_CASE_PARAM(xec_bind_hypercall_failure, xec_fault_params_gen_params),
	KUNIT_CASE(xec_affinity_hypercall_failure),
	KUNIT_CASE(xec_close_failure_on_unbind),
	{}
};

#define XEC_SUITE(var, sname, cases)			\
	static struct kunit_suite var = {		\
		.name = sname,				\
		.suite_init = xeh_suite_init,		\
		.suite_exit = xeh_suite_exit,		\
		.init = xec_test_init,			\
		.test_cases = cases,			\
	}

XEC_SUITE(xec_kind_suite, "xen_evtchn_scenario_core_kinds", xec_kind_cases);
XEC_SUITE(xec_storm_suite, "xen_evtchn_scenario_core_storm", xec_storm_cases);
XEC_SUITE(xec_hotplug_suite, "xen_evtchn_scenario_core_hotplug", xec_hotplug_cases);
XEC_SUITE(xec_limit_suite, "xen_evtchn_scenario_core_limits", xec_limit_cases);

kunit_test_suites(&xec_kind_suite, &xec_storm_suite, &xec_hotplug_suite,
		  &xec_limit_suite);
