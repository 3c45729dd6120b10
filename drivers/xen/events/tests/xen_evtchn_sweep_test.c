// SPDX-License-Identifier: GPL-2.0-only
/*
 * Every hypercall of a path failing, one at a time: for each path the
 * kernel takes (binding each kind of port, unbinding, a CPU coming
 * online), each hypercall it may make, each error Xen can return, and the
 * first to third such call, the model fails exactly that call. The path
 * must then end with a clean error to its caller or a documented fallback,
 * never a crash, a hang, a port left half bound or a leaked port, and the
 * kernel must keep working: a new channel carries events afterwards. Any
 * splat fails the boot (run-kunit.sh). One documented exception: a close
 * that Xen refuses is reported and the port left to Xen (see
 * xen_evtchn_close()), so that try may leave exactly one such port, which
 * the sweep then closes itself. The outcomes are counted and printed as
 * "sweep:" lines.
 *
 * A second suite, xen_evtchn_expand_sweep, sweeps a bind that has to grow
 * the FIFO event array by a page (EVTCHNOP_expand_array): it needs a
 * domain with more ports than one page covers, so it has a boot of its
 * own (maxport=131071); each of its tries first takes every free port
 * up to the end of the array (kept for the next tries and not counted as
 * bound).
 */
#include <kunit/test.h>
#include <linux/cpu.h>
#include <linux/bitmap.h>
#include <linux/delay.h>
#include <linux/interrupt.h>
#include <linux/slab.h>
#include <asm/xen/hypercall.h>
#include <xen/events.h>
#include <xen/xenbus.h>
#include <xen/interface/event_channel.h>
#include <xen/interface/hvm/hvm_op.h>
#include <xen/interface/vcpu.h>
#include "xen_model.h"
#include "xen_evtchn_hvm_util.h"

#define XSW_XEN_ENOSYS		38
#define XSW_MAX_NTH		3
#define XSW_HOTPLUG_CPU		xeh_hotplug_cpu()

struct xsw_call {
	unsigned int op;
	unsigned int cmd;
	const char *name;
};

static const struct xsw_call xsw_calls[] = {
	{ __HYPERVISOR_event_channel_op, EVTCHNOP_bind_interdomain, "bind_interdomain" },
	{ __HYPERVISOR_event_channel_op, EVTCHNOP_bind_virq, "bind_virq" },
	{ __HYPERVISOR_event_channel_op, EVTCHNOP_bind_ipi, "bind_ipi" },
	{ __HYPERVISOR_event_channel_op, EVTCHNOP_bind_vcpu, "bind_vcpu" },
	{ __HYPERVISOR_event_channel_op, EVTCHNOP_unmask, "unmask" },
	{ __HYPERVISOR_event_channel_op, EVTCHNOP_close, "close" },
	{ __HYPERVISOR_event_channel_op, EVTCHNOP_expand_array, "expand_array" },
	{ __HYPERVISOR_event_channel_op, EVTCHNOP_init_control, "init_control" },
	{ __HYPERVISOR_event_channel_op, EVTCHNOP_status, "status" },
	{ __HYPERVISOR_hvm_op, HVMOP_set_evtchn_upcall_vector, "upcall_vector" },
	{ __HYPERVISOR_vcpu_op, VCPUOP_register_vcpu_info, "register_vcpu_info" },
	{ __HYPERVISOR_vcpu_op, VCPUOP_is_up, "vcpu_is_up" },
};

static const int xsw_errors[] = {
	-ENOMEM, -EINVAL, -EBUSY, -ENOSPC, -XSW_XEN_ENOSYS,
};

/* What one path did with one injected failure. */
enum xsw_outcome {
	XSW_NOT_REACHED,	/* the path made fewer such calls */
	XSW_CLEAN_ERROR,	/* error returned, nothing left behind */
	XSW_FALLBACK,		/* the call failed and the path still succeeded */
	XSW_BAD,		/* a leak, a half-bound port, or a dead kernel */
	XSW_NR_OUTCOMES,
};

struct xsw_path {
	const char *name;
	/* Optional, before any failure is armed: what the path starts from. */
	int (*setup)(struct kunit *test);
	/* Run the path; 0 or the error its caller sees. Undoes itself on success. */
	int (*run)(struct kunit *test);
};

static atomic_t xsw_hits;

static irqreturn_t xsw_handler(int irq, void *dev_id)
{
	atomic_inc(&xsw_hits);
	return IRQ_HANDLED;
}

static void xsw_peer_close(evtchn_port_t remote)
{
	struct evtchn_close cl = { .port = remote };

	xeh_peer_op(EVTCHNOP_close, &cl);
}

/* The guest's port is closed when nothing is bound to it any more. */
static void xsw_guest_close(evtchn_port_t port)
{
	struct evtchn_close cl = { .port = port };

	if (xm_port_state(xeh_live(), port) == XM_PORT_FREE)
		return;
	HYPERVISOR_event_channel_op(EVTCHNOP_close, &cl);
}

/* Both ends of a pair; the guest's only if no close of ours got to it. */
static void xsw_pair_close(evtchn_port_t local, evtchn_port_t remote)
{
	xsw_guest_close(local);
	xsw_peer_close(remote);
}

static int xsw_bind_port(struct kunit *test)
{
	evtchn_port_t local, remote;
	int irq;

	if (xeh_peer_pair(&local, &remote))
		return -EIO;
	irq = bind_evtchn_to_irqhandler(local, xsw_handler, 0, "xsw", test);
	if (irq > 0)
		unbind_from_irqhandler(irq, test);
	/* A failed bind closes the port like an unbind would. */
	xsw_pair_close(local, remote);
	return irq > 0 ? 0 : irq;
}

static int xsw_bind_interdomain(struct kunit *test)
{
	struct evtchn_alloc_unbound au = {
		.dom = DOMID_SELF,
		.remote_dom = xm_domain_id(xeh_live()),
	};
	struct xenbus_device *dev;
	int irq, rc;

	dev = kzalloc(sizeof(*dev), GFP_KERNEL);
	if (!dev)
		return -ENOMEM;
	dev->otherend_id = xm_domain_id(xeh_peer);
	dev->spurious_threshold = 1;
	rc = xeh_peer_op(EVTCHNOP_alloc_unbound, &au);
	if (!rc) {
		irq = bind_interdomain_evtchn_to_irqhandler_lateeoi(dev, au.port,
								    xsw_handler, 0,
								    "xsw", test);
		if (irq > 0)
			unbind_from_irqhandler(irq, test);
		rc = irq > 0 ? 0 : irq;
		xsw_peer_close(au.port);
	}
	kfree(dev);
	return rc;
}

static int xsw_bind_virq(struct kunit *test)
{
	int irq = bind_virq_to_irqhandler(VIRQ_XENOPROF, 1, xsw_handler,
					  IRQF_PERCPU | IRQF_NOBALANCING,
					  "xsw-virq", test);

	if (irq > 0)
		unbind_from_irqhandler(irq, test);
	return irq > 0 ? 0 : irq;
}

/* The binding the unbind path takes apart, made before failures are armed. */
static struct {
	evtchn_port_t local, remote;
	int irq;
} xsw_bound;

static int xsw_unbind_setup(struct kunit *test)
{
	if (xeh_peer_pair(&xsw_bound.local, &xsw_bound.remote))
		return -EIO;
	xsw_bound.irq = bind_evtchn_to_irqhandler(xsw_bound.local, xsw_handler, 0,
						  "xsw", test);
	if (xsw_bound.irq > 0)
		return 0;
	xsw_pair_close(xsw_bound.local, xsw_bound.remote);
	return xsw_bound.irq;
}

static int xsw_unbind(struct kunit *test)
{
	unbind_from_irqhandler(xsw_bound.irq, test);
	/* A close Xen refused leaves the port open: ours to tidy. */
	xsw_pair_close(xsw_bound.local, xsw_bound.remote);
	return 0;
}

static int xsw_cpu_online(struct kunit *test)
{
	int rc;

	if (!cpu_online(XSW_HOTPLUG_CPU))
		return -ENODEV;
	rc = remove_cpu(XSW_HOTPLUG_CPU);
	if (rc)
		return rc;
	return add_cpu(XSW_HOTPLUG_CPU);
}

#define XSW_WORDS_PER_PAGE	1024	/* a 4 KiB page of 32-bit event words */
#define XSW_PAD_MAX		(128 * XSW_WORDS_PER_PAGE)

/*
 * Guest ports taken so that the next one lies past the event array; they
 * stay taken from try to try (each try then adds about a page's worth)
 * and are closed when the suite ends.
 */
static struct {
	evtchn_port_t *port;
	unsigned int n;
} xsw_pad;

static void xsw_pad_release(void)
{
	while (xsw_pad.n)
		xsw_guest_close(xsw_pad.port[--xsw_pad.n]);
}

static int xsw_expand_setup(struct kunit *test)
{
	struct evtchn_alloc_unbound au = {
		.dom = DOMID_SELF,
		.remote_dom = xm_domain_id(xeh_peer),
	};
	unsigned int span = xm_fifo_array_pages(xeh_live()) * XSW_WORDS_PER_PAGE;

	if (!span || !xsw_pad.port)
		return -ENODEV;
	do {
		if (xsw_pad.n == XSW_PAD_MAX ||
		    HYPERVISOR_event_channel_op(EVTCHNOP_alloc_unbound, &au))
			return -ENOSPC;
		xsw_pad.port[xsw_pad.n++] = au.port;
	} while (au.port + 1 < span);
	return 0;
}

/* The channel's port lies past the array: the bind must add a page. */
static int xsw_bind_past_array(struct kunit *test)
{
	unsigned int pages = xm_fifo_array_pages(xeh_live());
	int rc = xsw_bind_port(test);

	if (!rc && xm_fifo_array_pages(xeh_live()) == pages)
		KUNIT_FAIL(test, "a bind past the event array added no page (%u pages)", pages);
	return rc;
}

static const struct xsw_path xsw_expand_paths[] = {
	{ "bind past the event array", xsw_expand_setup, xsw_bind_past_array },
};

static const struct xsw_path xsw_paths[] = {
	{ "bind port", NULL, xsw_bind_port },
	{ "bind interdomain (late EOI)", NULL, xsw_bind_interdomain },
	{ "bind per-CPU VIRQ", NULL, xsw_bind_virq },
	{ "unbind", xsw_unbind_setup, xsw_unbind },
	{ "CPU online", NULL, xsw_cpu_online },
};

/* A port Xen holds for us that no irq of the kernel is bound to. */
static bool xsw_port_orphaned(struct xm_domain *d, evtchn_port_t port)
{
	switch (xm_port_state(d, port)) {
	/* An interdomain port whose peer closed its end is unbound again. */
	case XM_PORT_UNBOUND:
	case XM_PORT_INTERDOMAIN:
	case XM_PORT_VIRQ:
	case XM_PORT_IPI:
		/* irq_from_evtchn() is unsigned: -1 means no irq. */
		return irq_from_evtchn(port) == UINT_MAX;
	default:
		return false;
	}
}

/* The orphans now; @n is set to the number of ports the map covers. */
static unsigned long *xsw_orphans(unsigned int *n)
{
	struct xm_domain *d = xeh_live();
	unsigned int port;
	unsigned long *map;

	*n = xm_valid_ports(d);
	map = bitmap_zalloc(*n, GFP_KERNEL);
	for (port = 1; map && port < *n; port++)
		if (xsw_port_orphaned(d, port))
			__set_bit(port, map);
	return map;
}

/*
 * A close that Xen refused leaves the port open in Xen while the kernel
 * has forgotten it: reported, then left behind (see xen_evtchn_close()).
 * Close such ports now that Xen accepts it again, so the next try starts
 * from the same state; returns how many there were.
 */
static unsigned int xsw_reclaim_orphans(const unsigned long *before,
					unsigned int nbefore)
{
	struct xm_domain *d = xeh_live();
	unsigned int port, n = 0;

	/* The domain may have more valid ports now than the map covers. */
	for (port = 1; port < xm_valid_ports(d); port++) {
		struct evtchn_close cl = { .port = port };

		if ((port < nbefore && test_bit(port, before)) ||
		    !xsw_port_orphaned(d, port))
			continue;
		HYPERVISOR_event_channel_op(EVTCHNOP_close, &cl);
		n++;
	}
	return n;
}

/* Ports Xen holds for us, less the padding of the expand sweep. */
static unsigned int xsw_bound_ports(void)
{
	return xeh_bound_ports() - xsw_pad.n;
}

/* The kernel still works: a new channel carries an event. */
static bool xsw_kernel_works(struct kunit *test)
{
	struct xeh_chan c;
	bool ok;

	xeh_open(test, &c);
	ok = !xeh_peer_send(&c) && xeh_wait_hits(&c, 1);
	xeh_close(&c);
	return ok;
}

static enum xsw_outcome xsw_try(struct kunit *test, const struct xsw_path *p,
				const struct xsw_call *call, unsigned int nth,
				int err)
{
	struct xm_domain *d = xeh_live();
	unsigned int orphans, nbefore, ports = xsw_bound_ports();
	unsigned long before, *orphans_before;
	bool reached;
	enum xsw_outcome out;
	int rc;

	if (p->setup && p->setup(test)) {
		KUNIT_FAIL(test, "%s: set-up failed with no failure armed", p->name);
		return XSW_BAD;
	}
	orphans_before = xsw_orphans(&nbefore);
	KUNIT_ASSERT_NOT_NULL(test, orphans_before);
	before = xm_call_count(d, call->op, call->cmd);
	xm_fail_nth(d, call->op, call->cmd, nth, err);
	rc = p->run(test);
	xm_fail_nth(d, call->op, call->cmd, 0, 0);
	reached = xm_call_count(d, call->op, call->cmd) - before >= nth;
	if (!reached)
		out = XSW_NOT_REACHED;
	else
		out = rc ? XSW_CLEAN_ERROR : XSW_FALLBACK;
	/* A CPU refused its bring-up comes back once Xen stops failing. */
	if (!cpu_online(XSW_HOTPLUG_CPU) && add_cpu(XSW_HOTPLUG_CPU))
		out = XSW_BAD;
	orphans = xsw_reclaim_orphans(orphans_before, nbefore);
	bitmap_free(orphans_before);
	/* Only a refused close may leave a port behind, and only one. */
	if (orphans && !(reached && call->cmd == EVTCHNOP_close &&
			 call->op == __HYPERVISOR_event_channel_op &&
			 orphans == 1)) {
		KUNIT_FAIL(test, "%s, %s #%u fails %d: %u port(s) left open in Xen",
			   p->name, call->name, nth, err, orphans);
		out = XSW_BAD;
	}
	if (xsw_bound_ports() != ports) {
		KUNIT_FAIL(test, "%s, %s #%u fails %d: %u ports bound, %u before",
			   p->name, call->name, nth, err, xsw_bound_ports(), ports);
		out = XSW_BAD;
	}
	if (!xsw_kernel_works(test)) {
		KUNIT_FAIL(test, "%s, %s #%u fails %d: no event afterwards",
			   p->name, call->name, nth, err);
		out = XSW_BAD;
	}
	return out;
}

static void xsw_path_desc(const struct xsw_path *p, char *desc)
{
	strscpy(desc, p->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(xsw_paths, xsw_paths, xsw_path_desc);
KUNIT_ARRAY_PARAM(xsw_expand_paths, xsw_expand_paths, xsw_path_desc);

/*
 * One hypercall of @p failing with each error, as its first to third
 * call; @count gets each outcome, @tries the runs.
 */
static void xsw_sweep_call(struct kunit *test, const struct xsw_path *p,
			   const struct xsw_call *call, unsigned int *count,
			   unsigned int *tries)
{
	enum xsw_outcome o = XSW_NOT_REACHED;
	unsigned int e, n;

	for (e = 0; e < ARRAY_SIZE(xsw_errors); e++) {
		for (n = 1; n <= XSW_MAX_NTH; n++) {
			o = xsw_try(test, p, call, n, xsw_errors[e]);
			count[o]++;
			++*tries;
			/* Later calls of this kind are not reached either. */
			if (o == XSW_NOT_REACHED)
				break;
		}
		/*
		 * Not even a first call: nothing was failed, so no other
		 * error would be reached either.
		 */
		if (n == 1 && o == XSW_NOT_REACHED)
			return;
	}
}

/*
 * One path (a case per path: KUnit gives each five minutes), every listed
 * hypercall failing in turn with every error, as its first to third call.
 */
static void xsw_every_hypercall_failing(struct kunit *test)
{
	const struct xsw_path *p = test->param_value;
	unsigned int count[XSW_NR_OUTCOMES] = {};
	unsigned int c, tries = 0;

	for (c = 0; c < ARRAY_SIZE(xsw_calls); c++)
		xsw_sweep_call(test, p, &xsw_calls[c], count, &tries);
	/* "sweep: |" lines: run-kunit.sh collects them from every boot. */
	kunit_info(test, "sweep: | %-27s | %-5s | %-5u | %-11u | %-11u | %-8u | %-3u |\n",
		   p->name, xen_fifo_events ? "FIFO" : "2L", tries,
		   count[XSW_NOT_REACHED], count[XSW_CLEAN_ERROR],
		   count[XSW_FALLBACK], count[XSW_BAD]);
	KUNIT_EXPECT_EQ_MSG(test, count[XSW_BAD], 0U, "%s", p->name);
}

static int xsw_test_init(struct kunit *test)
{
	xeh_test_init(test);
	KUNIT_ASSERT_TRUE_MSG(test, cpu_online(XSW_HOTPLUG_CPU) &&
			      cpu_is_hotpluggable(XSW_HOTPLUG_CPU),
			      "needs hotpluggable CPU %u (-smp 2 or more)", XSW_HOTPLUG_CPU);
	return 0;
}

static struct kunit_case xsw_cases[] = {
	KUNIT_CASE_PARAM_ATTR(xsw_every_hypercall_failing, xsw_paths_gen_params,
			      { .speed = KUNIT_SPEED_SLOW }),
	{}
};

static struct kunit_suite xsw_suite = {
	.name = "xen_evtchn_sweep",
	.suite_init = xeh_suite_init,
	.suite_exit = xeh_suite_exit,
	.init = xsw_test_init,
	.test_cases = xsw_cases,
};

static int xsw_expand_suite_init(struct kunit_suite *suite)
{
	xsw_pad.port = kvcalloc(XSW_PAD_MAX, sizeof(*xsw_pad.port), GFP_KERNEL);
	if (!xsw_pad.port)
		return -ENOMEM;
	return xeh_suite_init(suite);
}

static void xsw_expand_suite_exit(struct kunit_suite *suite)
{
	xsw_pad_release();
	xeh_suite_exit(suite);
	kvfree(xsw_pad.port);
	xsw_pad.port = NULL;
}

/* Room for a page per try: the tries that do not fail the expansion keep it. */
#define XSW_EXPAND_MIN_PORTS	(100 * XSW_WORDS_PER_PAGE)

static int xsw_expand_test_init(struct kunit *test)
{
	xsw_test_init(test);
	KUNIT_ASSERT_TRUE_MSG(test, xen_fifo_events, "needs the FIFO ABI");
	KUNIT_ASSERT_TRUE_MSG(test, xm_boot_info() &&
			      xm_boot_info()->max_port >= XSW_EXPAND_MIN_PORTS,
			      "needs a domain with %u ports or more (xen_model=...,maxport=N)",
			      XSW_EXPAND_MIN_PORTS);
	return 0;
}

static struct kunit_case xsw_expand_cases[] = {
	KUNIT_CASE_PARAM_ATTR(xsw_every_hypercall_failing, xsw_expand_paths_gen_params,
			      { .speed = KUNIT_SPEED_SLOW }),
	{}
};

static struct kunit_suite xsw_expand_suite = {
	.name = "xen_evtchn_expand_sweep",
	.suite_init = xsw_expand_suite_init,
	.suite_exit = xsw_expand_suite_exit,
	.init = xsw_expand_test_init,
	.test_cases = xsw_expand_cases,
};

kunit_test_suites(&xsw_suite, &xsw_expand_suite);
