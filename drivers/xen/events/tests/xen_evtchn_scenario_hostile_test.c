// SPDX-License-Identifier: GPL-2.0-only
/*
 * A hostile or buggy hypervisor, on the model's live domain: upcalls with
 * nothing pending, selector and READY bits for empty words and queues,
 * pending bits beyond the ports Xen has, a vcpu_info wiped under the
 * guest, and EVTCHNOP_status answering lies. Each case checks that the
 * guest stays up, that nothing is handled that was not raised, and that an
 * honest channel on the same CPU is still served within XEH_WAIT_MS.
 *
 * The FIFO ABI's forged queues (links out of range, loops, HEAD at the
 * port itself, at a masked or an unbound port) are in xen_evtchn_fifo,
 * storms in xen_evtchn_scenario_core_storm; Documentation/virt/xen/
 * evtchn-model.rst lists them all.
 */
#include <kunit/test.h>
#include <linux/atomic.h>
#include <linux/cpumask.h>
#include <linux/delay.h>
#include <linux/interrupt.h>
#include <linux/irq.h>
#include <linux/string.h>
#include <asm/sync_bitops.h>
#include <asm/xen/hypercall.h>
#include <xen/events.h>
#include <xen/interface/event_channel.h>
#include "../events_internal.h"
#include "xen_model.h"
#include "xen_evtchn_hvm_util.h"

#define XHO_SPURIOUS_UPCALLS	1000
/* VIRQ_ARGO: per-domain, unused by the kernel, so ours to bind. */
#define XHO_VIRQ		11

/* The CPU the cases aim at, and an honest channel bound there. */
static unsigned int xho_cpu(void)
{
	return xeh_test_cpu(1);
}

static void xho_open_on(struct kunit *test, struct xeh_chan *c, unsigned int cpu)
{
	xeh_open(test, c);
	KUNIT_ASSERT_EQ(test, irq_set_affinity(c->irq, cpumask_of(cpu)), 0);
}

/*
 * An upcall with nothing behind it, delivered as the model delivers any
 * (the global vector is no LAPIC interrupt: the kernel does not EOI it).
 */
static void xho_raise_upcall_vector(unsigned int cpu)
{
	xm_upcall_raw(xeh_live(), cpu);
}

/* The honest channel still works: one send, one run, on its CPU. */
static void xho_expect_served(struct kunit *test, struct xeh_chan *c, int before,
			      unsigned int cpu, const char *what)
{
	int last;

	KUNIT_EXPECT_EQ(test, xeh_peer_send(c), 0);
	xeh_expect_hits(test, c, before + 1, what);
	last = READ_ONCE(c->last_cpu);
	KUNIT_EXPECT_EQ_MSG(test, last, (int)cpu, "%s: CPU", what);
}

/*
 * The upcall vector arrives over and over with no event behind it (and
 * with the pending flag set by nobody but the hypervisor). Nothing may be
 * handled, and the next real event must be.
 */
static void xho_upcalls_with_nothing_pending(struct kunit *test)
{
	unsigned int cpu = xho_cpu(), i;
	struct vcpu_info *vi = xm_vcpu_info(xeh_live(), cpu);
	unsigned long strays = xen_evtchn_stray_events();
	struct xeh_chan c;

	KUNIT_ASSERT_NOT_NULL(test, vi);
	xho_open_on(test, &c, cpu);
	for (i = 0; i < XHO_SPURIOUS_UPCALLS; i++) {
		if (i & 1)
			WRITE_ONCE(vi->evtchn_upcall_pending, 1);
		xho_raise_upcall_vector(cpu);
		if (!(i % 64))
			usleep_range(100, 200);
	}
	xeh_expect_hits(test, &c, 0, "upcalls with nothing pending");
	KUNIT_EXPECT_EQ(test, xen_evtchn_stray_events(), strays);
	kunit_info(test, "%u upcalls with nothing pending on CPU %u: 0 handler runs\n",
		   XHO_SPURIOUS_UPCALLS, cpu);
	xho_expect_served(test, &c, 0, cpu, "after empty upcalls");
	xeh_close(&c);
}

/*
 * 2-level: every selector bit set for words with nothing pending. FIFO:
 * every READY bit set for queues whose HEAD is 0. The scan must find
 * nothing, consume the junk, and leave the real event of the next send
 * to be found.
 */
static void xho_selector_and_ready_junk(struct kunit *test)
{
	struct xm_domain *d = xeh_live();
	unsigned long link_errors = xen_evtchn_fifo_link_errors();
	unsigned long strays = xen_evtchn_stray_events();
	unsigned int cpu = xho_cpu();
	struct vcpu_info *vi = xm_vcpu_info(d, cpu);
	struct evtchn_fifo_control_block *cb = NULL;
	struct xeh_chan c;

	KUNIT_ASSERT_NOT_NULL(test, vi);
	xho_open_on(test, &c, cpu);
	if (xm_is_fifo(d)) {
		cb = xm_fifo_control_block(d, cpu);
		KUNIT_ASSERT_NOT_NULL(test, cb);
		memset(cb->head, 0, sizeof(cb->head));
		WRITE_ONCE(cb->ready, GENMASK(EVTCHN_FIFO_MAX_QUEUES - 1, 0));
	} else {
		xchg(&vi->evtchn_pending_sel, ~0UL);
	}
	WRITE_ONCE(vi->evtchn_upcall_pending, 1);
	xho_raise_upcall_vector(cpu);
	xeh_expect_hits(test, &c, 0, xm_is_fifo(d) ? "READY for empty queues" :
			"selector bits for empty words");
	if (cb)
		KUNIT_EXPECT_EQ_MSG(test, READ_ONCE(cb->ready), 0U, "READY consumed");
	else
		KUNIT_EXPECT_EQ_MSG(test, READ_ONCE(vi->evtchn_pending_sel), 0UL,
				    "selector consumed");
	KUNIT_EXPECT_EQ(test, xen_evtchn_fifo_link_errors(), link_errors);
	KUNIT_EXPECT_EQ(test, xen_evtchn_stray_events(), strays);
	xho_expect_served(test, &c, 0, cpu, "after junk bits");
	xeh_close(&c);
}

/*
 * 2-level: a pending, unmasked bit for a port beyond every port Xen has,
 * with its selector bit: nothing of ours lives there, so nothing runs.
 * FIFO: Xen cannot link a port it has no event word for; a HEAD beyond
 * the array is a link error (xen_evtchn_fifo).
 */
static void xho_pending_beyond_valid_ports(struct kunit *test)
{
	struct xm_domain *d = xeh_live();
	unsigned int cpu = xho_cpu(), port = xm_valid_ports(d) + 3;
	struct vcpu_info *vi = xm_vcpu_info(d, cpu);
	struct shared_info *s = xm_shared_info(d);
	unsigned int bits = BITS_PER_LONG;
	struct xeh_chan c;

	if (xm_is_fifo(d)) {
		kunit_info(test, "FIFO: covered by xef_head_out_of_range_counted\n");
		return;
	}
	KUNIT_ASSERT_NOT_NULL(test, vi);
	KUNIT_ASSERT_NOT_NULL(test, s);
	KUNIT_ASSERT_LT(test, port, bits * bits);
	xho_open_on(test, &c, cpu);
	sync_clear_bit(port, (unsigned long *)s->evtchn_mask);
	sync_set_bit(port, (unsigned long *)s->evtchn_pending);
	xchg(&vi->evtchn_pending_sel, vi->evtchn_pending_sel | BIT(port / bits));
	WRITE_ONCE(vi->evtchn_upcall_pending, 1);
	xho_raise_upcall_vector(cpu);
	xeh_expect_hits(test, &c, 0, "pending beyond the valid ports");
	xho_expect_served(test, &c, 0, cpu, "after a pending bit out of range");
	sync_clear_bit(port, (unsigned long *)s->evtchn_pending);
	sync_set_bit(port, (unsigned long *)s->evtchn_mask);
	xeh_close(&c);
}

/*
 * The vcpu_info Xen and the guest share is wiped: upcall flag, selector,
 * the whole structure. One channel had an event waiting behind a disabled
 * irq at that moment, another is idle. The idle one must work at once;
 * the waiting one must be delivered when the kernel enables it (its
 * unmask finds the event pending in the port's own bits, whatever the
 * vcpu_info says).
 */
static void xho_vcpu_info_wiped(struct kunit *test)
{
	struct xm_domain *d = xeh_live();
	unsigned int cpu = xho_cpu();
	struct vcpu_info *vi = xm_vcpu_info(d, cpu);
	struct xeh_chan idle, waiting;

	KUNIT_ASSERT_NOT_NULL(test, vi);
	xho_open_on(test, &idle, cpu);
	xho_open_on(test, &waiting, cpu);
	disable_irq(waiting.irq);
	KUNIT_EXPECT_EQ(test, xeh_peer_send(&waiting), 0);
	msleep(XEH_QUIET_MS);
	memset(vi, 0, sizeof(*vi));
	xho_expect_served(test, &idle, 0, cpu, "idle channel after vcpu_info wiped");
	xeh_expect_hits(test, &waiting, 0, "disabled channel");
	enable_irq(waiting.irq);
	xeh_expect_hits(test, &waiting, 1, "event waiting when vcpu_info was wiped");
	xho_expect_served(test, &waiting, 1, cpu, "waiting channel afterwards");
	xeh_close(&waiting);
	xeh_close(&idle);
}

/*
 * A VIRQ a kernel before us left bound (kexec) is searched for with
 * EVTCHNOP_status. Xen lies: it calls a port that a channel of ours holds
 * that VIRQ. The search must not take that port from its channel, and
 * finds the real one further on.
 */
static void xho_status_lie_cannot_steal_a_port(struct kunit *test)
{
	struct evtchn_bind_virq leftover = { .virq = XHO_VIRQ, .vcpu = 0 };
	struct evtchn_status lie = {
		.status = EVTCHNSTAT_virq,
		.vcpu = 0,
		.u.virq = XHO_VIRQ,
	};
	struct xm_domain *d = xeh_live();
	struct xeh_chan c, v;
	int irq;

	xho_open_on(test, &c, 0);
	KUNIT_ASSERT_EQ(test, HYPERVISOR_event_channel_op(EVTCHNOP_bind_virq, &leftover), 0);
	KUNIT_ASSERT_GT_MSG(test, leftover.port, c.local,
			    "the lie must come first in the search");
	xm_status_lie(d, c.local, &lie);
	xeh_chan_reset(&v);
	irq = bind_virq_to_irqhandler(XHO_VIRQ, 0, xeh_handler, 0, "xho-virq", &v);
	xm_status_lie(d, 0, NULL);
	kunit_info(test, "VIRQ bound before us, status lying about port %u: bind gave %d (port %u)\n",
		   c.local, irq, xen_port_of_irq(irq));
	/* The channel keeps its port and its events. */
	KUNIT_EXPECT_EQ(test, xen_port_of_irq(c.irq), c.local);
	xho_expect_served(test, &c, 0, 0, "channel Xen lied about");
	if (irq > 0) {
		KUNIT_EXPECT_EQ_MSG(test, xen_port_of_irq(irq), leftover.port,
				    "the VIRQ found its real port");
		v.irq = irq;
		KUNIT_EXPECT_NE(test, xm_fire_virq(d, 0, XHO_VIRQ), 0U);
		xeh_expect_hits(test, &v, 1, "the VIRQ");
		unbind_from_irqhandler(irq, &v);
	} else {
		struct evtchn_close cl = { .port = leftover.port };

		HYPERVISOR_event_channel_op(EVTCHNOP_close, &cl);
	}
	KUNIT_EXPECT_EQ(test, xm_port_state(d, c.local), XM_PORT_INTERDOMAIN);
	xeh_expect_hits(test, &c, 1, "no VIRQ event on the channel");
	xeh_close(&c);
}

static int xho_test_init(struct kunit *test)
{
	xeh_test_init(test);
	KUNIT_ASSERT_NE_MSG(test, xeh_kernel_mode(), XEH_NONE,
			    "needs an upcall vector (fifo or 2l boot)");
	return 0;
}

static struct kunit_case xho_cases[] = {
	KUNIT_CASE(xho_upcalls_with_nothing_pending),
	KUNIT_CASE(xho_selector_and_ready_junk),
	KUNIT_CASE(xho_pending_beyond_valid_ports),
	KUNIT_CASE(xho_vcpu_info_wiped),
	KUNIT_CASE(xho_status_lie_cannot_steal_a_port),
	{}
};

static struct kunit_suite xho_suite = {
	.name = "xen_evtchn_scenario_hostile",
	.suite_init = xeh_suite_init,
	.suite_exit = xeh_suite_exit,
	.init = xho_test_init,
	.test_cases = xho_cases,
};

kunit_test_suite(xho_suite);
