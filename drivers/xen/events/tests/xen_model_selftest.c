// SPDX-License-Identifier: GPL-2.0-only
/*
 * Sanity checks of the Xen model itself, through the real hypercall seam.
 * The full conformance suite (one case per checklist item) lives in
 * xen_model_conformance_*_test.c; these only keep the model's plumbing
 * honest: the seam, actors, both ABIs end to end, and the LAPIC model.
 */
#include <kunit/test.h>
#include <linux/gfp.h>
#include <linux/mm.h>
#include <linux/types.h>
#include <asm/xen/hypercall.h>
#include <xen/interface/xen.h>
#include <xen/interface/event_channel.h>
#include <xen/interface/hvm/hvm_op.h>
#include <xen/interface/hvm/params.h>
#include <xen/interface/memory.h>
#include <xen/interface/sched.h>
#include <xen/interface/vcpu.h>
#include <xen/interface/version.h>
#include "xen_model.h"

/* Xen's "function not implemented" (38), returned for stray calls. */
#define XM_ST_NOT_IMPLEMENTED	38

struct xm_selftest {
	struct xm_domain *peer;
	struct xm_domain *guest;
};

static struct xm_domain *xm_st_domain(struct kunit *test, domid_t domid,
				      bool control, unsigned int vcpus)
{
	struct xm_config cfg;
	struct xm_domain *d;

	xm_config_default(&cfg);
	cfg.is_control = control;
	cfg.nr_vcpus = vcpus;
	d = xm_domain_create(&cfg, domid);
	KUNIT_ASSERT_NOT_NULL(test, d);
	return d;
}

static int xm_st_init(struct kunit *test)
{
	struct xm_selftest *st = kunit_kzalloc(test, sizeof(*st), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, st);
	KUNIT_ASSERT_EQ(test, xm_install(), 0);
	st->peer = xm_st_domain(test, XM_DOMID_PEER, true, 1);
	st->guest = xm_st_domain(test, XM_DOMID_GUEST, false, 2);
	test->priv = st;
	return 0;
}

static void xm_st_exit(struct kunit *test)
{
	struct xm_selftest *st = test->priv;

	xm_domain_destroy(st->guest);
	xm_domain_destroy(st->peer);
	xm_uninstall();
}

static void *xm_st_page(struct kunit *test)
{
	void *p = (void *)get_zeroed_page(GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, p);
	return p;
}

/* A fresh guest has its toolstack ports bound to the peer (spec 12). */
static void xm_st_toolstack_ports(struct kunit *test)
{
	struct xm_selftest *st = test->priv;
	u64 store = xm_hvm_param(st->guest, HVM_PARAM_STORE_EVTCHN);
	u64 console = xm_hvm_param(st->guest, HVM_PARAM_CONSOLE_EVTCHN);

	KUNIT_EXPECT_EQ(test, store, 1);
	KUNIT_EXPECT_EQ(test, console, 2);
	KUNIT_EXPECT_EQ(test, xm_port_state(st->guest, store),
			XM_PORT_INTERDOMAIN);
	KUNIT_EXPECT_EQ(test, xm_port_state(st->peer, 1), XM_PORT_INTERDOMAIN);
}

/* No actor: the hypercall is stray and refused. */
static void xm_st_stray(struct kunit *test)
{
	struct evtchn_send send = { .port = 1 };
	unsigned long before = xm_stray_hypercalls();

	KUNIT_EXPECT_EQ(test, HYPERVISOR_event_channel_op(EVTCHNOP_send, &send),
			-XM_ST_NOT_IMPLEMENTED);
	KUNIT_EXPECT_EQ(test, xm_stray_hypercalls(), before + 1);
}

/* Loopback channel in 2-level: bind raises, send raises the other end. */
static void xm_st_2l_loopback(struct kunit *test)
{
	struct xm_selftest *st = test->priv;
	struct evtchn_alloc_unbound au = {
		.dom = DOMID_SELF, .remote_dom = DOMID_SELF,
	};
	struct evtchn_bind_interdomain bi = { .remote_dom = DOMID_SELF };
	struct xen_hvm_evtchn_upcall_vector uv = { .vcpu = 0, .vector = 0xf3 };
	struct shared_info *s;
	struct vcpu_info *vi;
	struct evtchn_send send;

	xm_enter(st->guest, 0);
	KUNIT_EXPECT_EQ(test, (int)HYPERVISOR_hvm_op(HVMOP_set_evtchn_upcall_vector, &uv), 0);
	KUNIT_EXPECT_EQ(test, HYPERVISOR_event_channel_op(EVTCHNOP_alloc_unbound, &au), 0);
	bi.remote_port = au.port;
	KUNIT_EXPECT_EQ(test, HYPERVISOR_event_channel_op(EVTCHNOP_bind_interdomain, &bi), 0);
	s = xm_shared_info(st->guest);
	vi = xm_vcpu_info(st->guest, 0);
	KUNIT_EXPECT_TRUE(test, test_bit(bi.local_port, s->evtchn_pending));
	KUNIT_EXPECT_EQ(test, vi->evtchn_upcall_pending, 1);
	send.port = bi.local_port;
	KUNIT_EXPECT_EQ(test, HYPERVISOR_event_channel_op(EVTCHNOP_send, &send), 0);
	xm_leave();
	KUNIT_EXPECT_TRUE(test, test_bit(au.port, s->evtchn_pending));
	/* The vector was sent when set (spurious) and on the first raise. */
	KUNIT_EXPECT_EQ(test, xm_vector_injections(st->guest, 0), 2);
	KUNIT_EXPECT_EQ(test, xm_lapic_accept(st->guest, 0), 0xf3);
	KUNIT_EXPECT_TRUE(test, xm_lapic_isr(st->guest, 0, 0xf3));
	xm_lapic_eoi(st->guest, 0);
	KUNIT_EXPECT_FALSE(test, xm_lapic_isr(st->guest, 0, 0xf3));
}

/* FIFO end to end: control block, one array page, an IPI to vCPU 1. */
static void xm_st_fifo_ipi(struct kunit *test)
{
	struct xm_selftest *st = test->priv;
	struct evtchn_fifo_control_block *cb = xm_st_page(test);
	u32 *array = xm_st_page(test);
	struct evtchn_init_control ic = { .control_gfn = page_to_pfn(virt_to_page(cb)), .vcpu = 1 };
	struct evtchn_expand_array ea = { .array_gfn = page_to_pfn(virt_to_page(array)) };
	struct evtchn_bind_ipi ipi = { .vcpu = 1 };
	struct evtchn_reset reset = { .dom = DOMID_SELF };
	struct evtchn_send send;

	xm_enter(st->guest, 0);
	KUNIT_EXPECT_EQ(test, HYPERVISOR_event_channel_op(EVTCHNOP_init_control, &ic), 0);
	KUNIT_EXPECT_EQ(test, ic.link_bits, EVTCHN_FIFO_LINK_BITS);
	KUNIT_EXPECT_EQ(test, HYPERVISOR_event_channel_op(EVTCHNOP_expand_array, &ea), 0);
	KUNIT_EXPECT_EQ(test, HYPERVISOR_event_channel_op(EVTCHNOP_bind_ipi, &ipi), 0);
	send.port = ipi.port;
	KUNIT_EXPECT_EQ(test, HYPERVISOR_event_channel_op(EVTCHNOP_send, &send), 0);
	xm_leave();
	KUNIT_EXPECT_TRUE(test, xm_is_fifo(st->guest));
	KUNIT_EXPECT_EQ(test, cb->head[EVTCHN_FIFO_PRIORITY_DEFAULT], ipi.port);
	KUNIT_EXPECT_EQ(test, cb->ready, (u32)BIT(EVTCHN_FIFO_PRIORITY_DEFAULT));
	KUNIT_EXPECT_EQ(test, array[ipi.port],
			(u32)(BIT(EVTCHN_FIFO_PENDING) | BIT(EVTCHN_FIFO_LINKED)));
	KUNIT_EXPECT_EQ(test, xm_fifo_tail(st->guest, 1, EVTCHN_FIFO_PRIORITY_DEFAULT),
			ipi.port);
	KUNIT_EXPECT_EQ(test, xm_vcpu_info(st->guest, 1)->evtchn_upcall_pending, 1);
	/* Reset returns to 2-level before the pages go away. */
	xm_enter(st->guest, 0);
	KUNIT_EXPECT_EQ(test, HYPERVISOR_event_channel_op(EVTCHNOP_reset, &reset), 0);
	xm_leave();
	KUNIT_EXPECT_FALSE(test, xm_is_fifo(st->guest));
	free_page((unsigned long)cb);
	free_page((unsigned long)array);
}

/* Injected faults come first; calls are counted either way. */
static void xm_st_faults(struct kunit *test)
{
	struct xm_selftest *st = test->priv;
	struct evtchn_bind_ipi ipi = { .vcpu = 0 };
	unsigned int op = __HYPERVISOR_event_channel_op;

	xm_fail_nth(st->guest, op, EVTCHNOP_bind_ipi, 2, -ENOMEM);
	xm_enter(st->guest, 0);
	KUNIT_EXPECT_EQ(test, HYPERVISOR_event_channel_op(EVTCHNOP_bind_ipi, &ipi), 0);
	KUNIT_EXPECT_EQ(test, HYPERVISOR_event_channel_op(EVTCHNOP_bind_ipi, &ipi),
			-ENOMEM);
	KUNIT_EXPECT_EQ(test, HYPERVISOR_event_channel_op(EVTCHNOP_bind_ipi, &ipi), 0);
	xm_leave();
	KUNIT_EXPECT_EQ(test, xm_call_count(st->guest, op, EVTCHNOP_bind_ipi), 3);
}

/* register_vcpu_info copies the slot and marks events pending (spec 8.2). */
static void xm_st_vcpu_info(struct kunit *test)
{
	struct xm_selftest *st = test->priv;
	struct vcpu_info *area = xm_st_page(test);
	struct vcpu_register_vcpu_info r = { .mfn = page_to_pfn(virt_to_page(area)), .offset = 64 };
	struct vcpu_info *vi;

	xm_enter(st->guest, 1);
	KUNIT_EXPECT_EQ(test, HYPERVISOR_vcpu_op(VCPUOP_register_vcpu_info, 1, &r), 0);
	KUNIT_EXPECT_EQ(test, HYPERVISOR_vcpu_op(VCPUOP_register_vcpu_info, 1, &r),
			-EINVAL);	/* Xen 4.17 */
	xm_leave();
	vi = xm_vcpu_info(st->guest, 1);
	KUNIT_EXPECT_PTR_EQ(test, vi, &area[1]);
	KUNIT_EXPECT_EQ(test, vi->evtchn_pending_sel, ~0UL);
	KUNIT_EXPECT_EQ(test, vi->evtchn_upcall_pending, 1);
	free_page((unsigned long)area);
}

/* Two IPIs on one queue: the second links behind the first (spec 5.3.1). */
static void xm_st_fifo_link(struct kunit *test)
{
	struct xm_selftest *st = test->priv;
	struct evtchn_fifo_control_block *cb = xm_st_page(test);
	u32 *array = xm_st_page(test);
	struct evtchn_init_control ic = {
		.control_gfn = page_to_pfn(virt_to_page(cb)), .vcpu = 0,
	};
	struct evtchn_expand_array ea = {
		.array_gfn = page_to_pfn(virt_to_page(array)),
	};
	struct evtchn_bind_ipi a = { .vcpu = 0 }, b = { .vcpu = 0 };
	struct evtchn_bind_ipi c = { .vcpu = 0 };
	struct evtchn_reset reset = { .dom = DOMID_SELF };
	struct evtchn_send send;
	u32 prio = EVTCHN_FIFO_PRIORITY_DEFAULT;
	u32 linked = BIT(EVTCHN_FIFO_LINKED);

	xm_enter(st->guest, 0);
	KUNIT_ASSERT_EQ(test, HYPERVISOR_event_channel_op(EVTCHNOP_init_control, &ic), 0);
	KUNIT_ASSERT_EQ(test, HYPERVISOR_event_channel_op(EVTCHNOP_expand_array, &ea), 0);
	KUNIT_ASSERT_EQ(test, HYPERVISOR_event_channel_op(EVTCHNOP_bind_ipi, &a), 0);
	KUNIT_ASSERT_EQ(test, HYPERVISOR_event_channel_op(EVTCHNOP_bind_ipi, &b), 0);
	KUNIT_ASSERT_EQ(test, HYPERVISOR_event_channel_op(EVTCHNOP_bind_ipi, &c), 0);
	send.port = a.port;
	HYPERVISOR_event_channel_op(EVTCHNOP_send, &send);
	send.port = b.port;
	HYPERVISOR_event_channel_op(EVTCHNOP_send, &send);
	KUNIT_EXPECT_EQ(test, cb->head[prio], a.port);
	KUNIT_EXPECT_EQ(test, array[a.port] & EVTCHN_FIFO_LINK_MASK, b.port);
	KUNIT_EXPECT_EQ(test, xm_fifo_tail(st->guest, 0, prio), b.port);
	/* The guest consumes both: the queue is empty from its side. */
	array[a.port] &= ~(linked | EVTCHN_FIFO_LINK_MASK);
	array[b.port] &= ~(linked | EVTCHN_FIFO_LINK_MASK);
	cb->ready = 0;
	/* Tail consumed: a new list starts at HEAD, READY again. */
	send.port = c.port;
	HYPERVISOR_event_channel_op(EVTCHNOP_send, &send);
	KUNIT_EXPECT_EQ(test, cb->head[prio], c.port);
	KUNIT_EXPECT_EQ(test, cb->ready, (u32)BIT(prio));
	/* Pending but unlinked: a new raise links it again (spec 5.3.1). */
	send.port = a.port;
	HYPERVISOR_event_channel_op(EVTCHNOP_send, &send);
	KUNIT_EXPECT_EQ(test, array[c.port] & EVTCHN_FIFO_LINK_MASK, a.port);
	KUNIT_EXPECT_EQ(test, HYPERVISOR_event_channel_op(EVTCHNOP_reset, &reset), 0);
	xm_leave();
	free_page((unsigned long)cb);
	free_page((unsigned long)array);
}

/* Raised before any array page: hidden flag, replayed by expand (4.13). */
static void xm_st_fifo_hidden(struct kunit *test)
{
	struct xm_selftest *st = test->priv;
	struct evtchn_fifo_control_block *cb = xm_st_page(test);
	u32 *array = xm_st_page(test);
	struct evtchn_init_control ic = {
		.control_gfn = page_to_pfn(virt_to_page(cb)), .vcpu = 0,
	};
	struct evtchn_expand_array ea = {
		.array_gfn = page_to_pfn(virt_to_page(array)),
	};
	struct evtchn_bind_ipi ipi = { .vcpu = 0 };
	struct evtchn_reset reset = { .dom = DOMID_SELF };
	struct evtchn_send send;

	xm_enter(st->guest, 0);
	KUNIT_ASSERT_EQ(test, HYPERVISOR_event_channel_op(EVTCHNOP_init_control, &ic), 0);
	KUNIT_ASSERT_EQ(test, HYPERVISOR_event_channel_op(EVTCHNOP_bind_ipi, &ipi), 0);
	send.port = ipi.port;
	KUNIT_EXPECT_EQ(test, HYPERVISOR_event_channel_op(EVTCHNOP_send, &send), 0);
	KUNIT_EXPECT_TRUE(test, xm_fifo_hidden_pending(st->guest, ipi.port));
	KUNIT_EXPECT_EQ(test, cb->ready, 0);
	KUNIT_ASSERT_EQ(test, HYPERVISOR_event_channel_op(EVTCHNOP_expand_array, &ea), 0);
	KUNIT_EXPECT_TRUE(test, array[ipi.port] & BIT(EVTCHN_FIFO_PENDING));
	KUNIT_EXPECT_TRUE(test, xm_fifo_hidden_pending(st->guest, ipi.port));
	KUNIT_EXPECT_EQ(test, HYPERVISOR_event_channel_op(EVTCHNOP_reset, &reset), 0);
	xm_leave();
	free_page((unsigned long)cb);
	free_page((unsigned long)array);
}

/* Suspend: a new domain, or a cancelled one that returns 1 (spec 12). */
static void xm_st_suspend(struct kunit *test)
{
	struct xm_selftest *st = test->priv;
	struct xen_hvm_param p = {
		.domid = DOMID_SELF, .index = HVM_PARAM_CALLBACK_IRQ, .value = 1,
	};
	struct evtchn_bind_ipi ipi = { .vcpu = 0 };

	xm_enter(st->guest, 0);
	KUNIT_EXPECT_EQ(test, (int)HYPERVISOR_hvm_op(HVMOP_set_param, &p), 0);
	KUNIT_EXPECT_EQ(test, HYPERVISOR_event_channel_op(EVTCHNOP_bind_ipi, &ipi), 0);
	xm_set_suspend_outcome(st->guest, XM_SUSPEND_CANCELLED);
	KUNIT_EXPECT_EQ(test, HYPERVISOR_suspend(0), 1);
	KUNIT_EXPECT_EQ(test, xm_port_state(st->guest, ipi.port), XM_PORT_IPI);
	xm_set_suspend_outcome(st->guest, XM_SUSPEND_NEW_DOMAIN);
	KUNIT_EXPECT_EQ(test, HYPERVISOR_suspend(0), 0);
	xm_leave();
	KUNIT_EXPECT_EQ(test, xm_port_state(st->guest, ipi.port), XM_PORT_FREE);
	KUNIT_EXPECT_EQ(test, xm_callback_irq(st->guest), 0);
	KUNIT_EXPECT_EQ(test, xm_port_state(st->guest, 1), XM_PORT_INTERDOMAIN);
	KUNIT_EXPECT_EQ(test, xm_hvm_param(st->guest, HVM_PARAM_STORE_EVTCHN), 1);
}

/* shared_info moves with its contents; the old place is not written. */
static void xm_st_shared_info(struct kunit *test)
{
	struct xm_selftest *st = test->priv;
	struct shared_info *a = xm_st_page(test), *b = xm_st_page(test);
	struct xen_add_to_physmap map = {
		.domid = DOMID_SELF, .space = XENMAPSPACE_shared_info,
		.gpfn = page_to_pfn(virt_to_page(a)),
	};
	struct evtchn_bind_ipi ipi = { .vcpu = 0 };
	struct evtchn_send send;

	xm_enter(st->guest, 0);
	KUNIT_EXPECT_EQ(test, HYPERVISOR_memory_op(XENMEM_add_to_physmap, &map), 0);
	KUNIT_EXPECT_PTR_EQ(test, xm_shared_info(st->guest), a);
	KUNIT_EXPECT_EQ(test, HYPERVISOR_event_channel_op(EVTCHNOP_bind_ipi, &ipi), 0);
	send.port = ipi.port;
	HYPERVISOR_event_channel_op(EVTCHNOP_send, &send);
	KUNIT_EXPECT_TRUE(test, test_bit(ipi.port, a->evtchn_pending));
	map.gpfn = page_to_pfn(virt_to_page(b));
	KUNIT_EXPECT_EQ(test, HYPERVISOR_memory_op(XENMEM_add_to_physmap, &map), 0);
	KUNIT_EXPECT_TRUE(test, test_bit(ipi.port, b->evtchn_pending));
	map.idx = 1;
	KUNIT_EXPECT_EQ(test, HYPERVISOR_memory_op(XENMEM_add_to_physmap, &map), -EINVAL);
	xm_leave();
	KUNIT_EXPECT_EQ(test, xm_shared_info_gfn(st->guest),
			(long)page_to_pfn(virt_to_page(b)));
	/* Soft reset unmaps it; the contents (here a mask bit) stay (6.5). */
	set_bit(100, b->evtchn_mask);
	xm_domain_soft_reset(st->guest);
	KUNIT_EXPECT_EQ(test, xm_shared_info_gfn(st->guest), -1);
	KUNIT_EXPECT_TRUE(test, test_bit(100, xm_shared_info(st->guest)->evtchn_mask));
	free_page((unsigned long)a);
	free_page((unsigned long)b);
}

/* GSI via: vCPU 0's flag drives the line, dropped lazily at a VM exit. */
static void xm_st_gsi_via(struct kunit *test)
{
	struct xm_selftest *st = test->priv;
	struct xen_hvm_param p = {
		.domid = DOMID_SELF, .index = HVM_PARAM_CALLBACK_IRQ, .value = 5,
	};
	struct evtchn_bind_ipi ipi = { .vcpu = 0 };
	struct evtchn_send send;
	struct vcpu_info *vi = xm_vcpu_info(st->guest, 0);

	xm_enter(st->guest, 0);
	KUNIT_EXPECT_EQ(test, (int)HYPERVISOR_hvm_op(HVMOP_set_param, &p), 0);
	KUNIT_EXPECT_EQ(test, xm_via_type(st->guest), XM_VIA_GSI);
	KUNIT_EXPECT_EQ(test, HYPERVISOR_event_channel_op(EVTCHNOP_bind_ipi, &ipi), 0);
	send.port = ipi.port;
	HYPERVISOR_event_channel_op(EVTCHNOP_send, &send);
	KUNIT_EXPECT_TRUE(test, xm_gsi_asserted(st->guest));
	KUNIT_EXPECT_EQ(test, xm_gsi_assertions(st->guest), 1);
	vi->evtchn_upcall_pending = 0;
	KUNIT_EXPECT_TRUE(test, xm_gsi_asserted(st->guest));
	HYPERVISOR_xen_version(XENVER_version, NULL);
	KUNIT_EXPECT_FALSE(test, xm_gsi_asserted(st->guest));
	xm_leave();
}

/* A poll of a quiet port stays armed; a masked raise still wakes it. */
static void xm_st_poll(struct kunit *test)
{
	struct xm_selftest *st = test->priv;
	struct evtchn_bind_ipi ipi = { .vcpu = 0 };
	struct sched_poll poll = { .nr_ports = 1 };
	struct evtchn_send send;
	evtchn_port_t port;

	xm_enter(st->guest, 0);
	KUNIT_EXPECT_EQ(test, HYPERVISOR_event_channel_op(EVTCHNOP_bind_ipi, &ipi), 0);
	port = ipi.port;
	set_xen_guest_handle(poll.ports, &port);
	set_bit(port, xm_shared_info(st->guest)->evtchn_mask);
	KUNIT_EXPECT_EQ(test, HYPERVISOR_sched_op(SCHEDOP_poll, &poll), 0);
	send.port = port;
	HYPERVISOR_event_channel_op(EVTCHNOP_send, &send);
	xm_leave();
	KUNIT_EXPECT_EQ(test, xm_poll_wakeups(st->guest, 0), 1);
	KUNIT_EXPECT_EQ(test, xm_vcpu_info(st->guest, 0)->evtchn_upcall_pending, 0);
}

static struct kunit_case xm_selftest_cases[] = {
	KUNIT_CASE(xm_st_toolstack_ports),
	KUNIT_CASE(xm_st_stray),
	KUNIT_CASE(xm_st_2l_loopback),
	KUNIT_CASE(xm_st_fifo_ipi),
	KUNIT_CASE(xm_st_faults),
	KUNIT_CASE(xm_st_vcpu_info),
	KUNIT_CASE(xm_st_fifo_link),
	KUNIT_CASE(xm_st_fifo_hidden),
	KUNIT_CASE(xm_st_suspend),
	KUNIT_CASE(xm_st_shared_info),
	KUNIT_CASE(xm_st_gsi_via),
	KUNIT_CASE(xm_st_poll),
	{}
};

static struct kunit_suite xm_selftest_suite = {
	.name = "xen_model_selftest",
	.init = xm_st_init,
	.exit = xm_st_exit,
	.test_cases = xm_selftest_cases,
};

kunit_test_suite(xm_selftest_suite);
