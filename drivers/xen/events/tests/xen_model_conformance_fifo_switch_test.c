// SPDX-License-Identifier: GPL-2.0-only
/*
 * Conformance of the model of Xen, switching a domain to the FIFO ABI,
 * growing its event array (items 39-45): case clNN_<what> checks item NN
 * of the model checklist in Documentation/virt/xen/evtchn-model.rst
 * (section 13). Helpers and fixtures: xen_model_conformance.h.
 */
#include "xen_model_conformance.h"

/* --- 39..45: switching to FIFO ------------------------------------------- */

/* spec 4.12 */
static void cl39_init_control_checks(struct kunit *test)
{
	struct xmc *x = test->priv;
	void *cb = xmc_page(x, 0), *cb2 = xmc_page(x, 0);
	u64 gfn = xmc_gfn(cb);
	struct {
		u64 gfn;
		u32 offset;
		u32 vcpu;
		long expect;
		const char *what;
	} t[] = {
		{ gfn, 4, 99, -ENOENT, "no vCPU, bad offset" },
		{ gfn, 4025, 0, -EINVAL, "offset 4025" },
		{ gfn, 4032, 0, -EINVAL, "offset 4032" },
		{ gfn, 4, 0, -EINVAL, "offset 4" },
		{ XMC_BAD_GFN, 0, 0, -EINVAL, "gfn without RAM" },
		{ gfn, 4024, 0, 0, "offset 4024" },
		{ xmc_gfn(cb2), 0, 0, -EINVAL, "second call for vCPU 0" },
		{ xmc_gfn(cb2), 0, 1, 0, "vCPU 1" },
	};
	unsigned int i;
	u8 lb;

	for (i = 0; i < ARRAY_SIZE(t); i++) {
		lb = 0xaa;
		KUNIT_EXPECT_EQ_MSG(test, xmc_init_control(x->guest, t[i].gfn, t[i].offset,
							   t[i].vcpu, &lb),
				    t[i].expect, "%s", t[i].what);
		KUNIT_EXPECT_EQ_MSG(test, lb, t[i].expect ? 0xaa : EVTCHN_FIFO_LINK_BITS,
				    "link_bits after %s", t[i].what);
		if (i == 4)
			KUNIT_EXPECT_FALSE_MSG(test, xm_is_fifo(x->guest),
					       "still 2-level after a failed first call");
	}
	KUNIT_EXPECT_TRUE(test, xm_is_fifo(x->guest));
}

/* spec 4.12 */
static void cl40_init_control_link_bits_no_init(struct kunit *test)
{
	struct xmc *x = test->priv;
	u8 *cb = xmc_page(x, 0x5a);
	unsigned int i, dirty = 0;
	u8 lb = 0;

	KUNIT_ASSERT_EQ(test, xmc_init_control(x->guest, xmc_gfn(cb), 8, 0, &lb), 0L);
	KUNIT_EXPECT_EQ_MSG(test, lb, EVTCHN_FIFO_LINK_BITS, "link_bits");
	for (i = 0; i < PAGE_SIZE; i++)
		dirty += cb[i] != 0x5a;
	KUNIT_EXPECT_EQ_MSG(test, dirty, 0U, "bytes of the control page Xen wrote");
	KUNIT_EXPECT_TRUE(test, xm_fifo_has_control_block(x->guest, 0));
}

/* spec 4.12, 6.1 */
static void cl41_first_init_control_all_vcpus(struct kunit *test)
{
	struct xmc *x = test->priv;
	struct xmc_fifo f;
	unsigned int v;
	u32 ipi;

	ipi = xmc_must(test, xmc_bind_ipi(x->guest, 2), "ipi");
	xmc_fifo_setup(x, x->guest, &f, 1, 1, 0);	/* ports 1, 2 and ipi open */
	KUNIT_EXPECT_TRUE_MSG(test, xm_is_fifo(x->guest), "FIFO with ports open");
	KUNIT_EXPECT_EQ_MSG(test, xm_port_state(x->guest, ipi), XM_PORT_IPI, "IPI kept");
	KUNIT_EXPECT_EQ_MSG(test, xm_port_notify_vcpu(x->guest, ipi), 2U, "IPI vCPU");
	KUNIT_EXPECT_EQ_MSG(test, xm_port_state(x->guest, 1), XM_PORT_INTERDOMAIN,
			    "toolstack port kept");
	for (v = 1; v < XMC_NR_VCPUS; v++) {
		KUNIT_EXPECT_FALSE_MSG(test, xm_fifo_has_control_block(x->guest, v),
				       "vCPU %u control block", v);
		KUNIT_EXPECT_EQ_MSG(test, xm_fifo_tail(x->guest, v, 7), 0U,
				    "vCPU %u queues exist and are empty", v);
	}
	/* vCPU 2 has queues but no block: its event is dropped, not deferred. */
	KUNIT_ASSERT_EQ(test, xmc_send(x->guest, ipi), 0L);
	KUNIT_EXPECT_FALSE_MSG(test, xm_fifo_hidden_pending(x->guest, ipi),
			       "event towards vCPU 2");
	xmc_fifo_add_cb(x, x->guest, &f, 2);
	KUNIT_EXPECT_TRUE(test, xm_fifo_has_control_block(x->guest, 2));
}

/* spec 4.12 step 5, 6.1 */
static void cl42_init_control_copies_2l_pending(struct kunit *test)
{
	struct xmc *x = test->priv;
	struct xmc_fifo f;
	u32 p, q;

	p = xmc_must(test, xmc_bind_ipi(x->guest, 0), "p");
	q = xmc_must(test, xmc_bind_ipi(x->guest, 0), "q");
	KUNIT_ASSERT_EQ(test, xmc_send(x->guest, p), 0L);
	xmc_set_bit(x->shi->evtchn_pending, XMC_FREE_PORT, true);	/* any state */
	xmc_fifo_setup(x, x->guest, &f, 1, 0, 0);
	KUNIT_EXPECT_TRUE_MSG(test, xm_fifo_hidden_pending(x->guest, p), "pending %u", p);
	KUNIT_EXPECT_TRUE_MSG(test, xm_fifo_hidden_pending(x->guest, XMC_FREE_PORT),
			      "free port with a 2-level bit");
	KUNIT_EXPECT_FALSE_MSG(test, xm_fifo_hidden_pending(x->guest, q), "idle %u", q);
	KUNIT_EXPECT_TRUE_MSG(test, xmc_bit(x->shi->evtchn_pending, p),
			      "2-level bit left set");
	KUNIT_EXPECT_EQ_MSG(test, xm_fifo_priority(x->guest, p), 7U, "priority of %u", p);
	KUNIT_EXPECT_EQ_MSG(test, xm_fifo_priority(x->guest, XMC_FREE_PORT), 7U,
			    "priority of a free port");
}

/* spec 4.13 */
static void cl43_expand_array_checks(struct kunit *test)
{
	struct xmc *x = test->priv;
	u32 *pg = xmc_page(x, 0);
	struct xmc_fifo f;
	unsigned int i;
	u32 p;

	KUNIT_EXPECT_EQ_MSG(test, xmc_expand(x->guest, xmc_gfn(pg)), (long)-EOPNOTSUPP,
			    "2-level");
	xmc_fifo_setup(x, x->guest, &f, 1, 0, 0);
	KUNIT_EXPECT_EQ_MSG(test, xmc_expand(x->guest, XMC_BAD_GFN), (long)-EINVAL,
			    "gfn without RAM");
	KUNIT_EXPECT_EQ(test, xm_fifo_array_pages(x->guest), 0U);
	KUNIT_ASSERT_EQ_MSG(test, xmc_expand(x->guest, xmc_gfn(pg)), 0L, "first page");
	f.page[0] = pg;
	f.nr_pages = 1;
	p = xmc_must(test, xmc_bind_ipi(x->guest, 0), "ipi");
	KUNIT_ASSERT_EQ(test, xmc_send(x->guest, p), 0L);
	KUNIT_EXPECT_EQ_MSG(test, xmc_w(&f, p), W_PENDING | W_LINKED,
			    "word %u of the first page", p);
	/* Xen does not check for reuse: the same page 127 more times. */
	for (i = 1; i < XM_FIFO_MAX_PAGES; i++)
		KUNIT_ASSERT_EQ_MSG(test, xmc_expand(x->guest, xmc_gfn(pg)), 0L, "page %u", i);
	KUNIT_EXPECT_EQ(test, xm_fifo_array_pages(x->guest), (unsigned int)XM_FIFO_MAX_PAGES);
	KUNIT_EXPECT_EQ_MSG(test, xmc_expand(x->guest, xmc_gfn(pg)), (long)-ENOSPC,
			    "page 129");
	KUNIT_EXPECT_EQ_MSG(test, xmc_expand(x->guest, XMC_BAD_GFN), (long)-ENOSPC,
			    "page 129 with a bad gfn");
}

/* spec 4.13, 6.4 */
static void cl44_expand_reraises_hidden_keeps_flag(struct kunit *test)
{
	struct xmc *x = test->priv;
	struct xmc_fifo f;
	u32 p;

	xmc_fifo_setup(x, x->guest, &f, 1, 0, 0);
	p = xmc_must(test, xmc_bind_ipi(x->guest, 0), "ipi");
	KUNIT_ASSERT_EQ(test, xmc_send(x->guest, p), 0L);
	KUNIT_ASSERT_TRUE(test, xm_fifo_hidden_pending(x->guest, p));
	xmc_fifo_add_page(x, x->guest, &f, 0);
	KUNIT_EXPECT_EQ_MSG(test, xmc_w(&f, p), W_PENDING | W_LINKED, "re-raised %u", p);
	KUNIT_EXPECT_EQ_MSG(test, READ_ONCE(f.cb[0]->head[7]), p, "HEAD");
	KUNIT_EXPECT_EQ_MSG(test, READ_ONCE(f.cb[0]->ready), BIT(7), "READY");
	KUNIT_EXPECT_TRUE_MSG(test, xm_fifo_hidden_pending(x->guest, p),
			      "hidden flag kept after expand");
}

/* spec 11 */
static void cl45_max_port_limits_allocation_only(struct kunit *test)
{
	struct xmc *x = test->priv;
	struct xmc_fifo f;
	u32 *pg;
	unsigned int i;

	xmc_fifo_setup(x, x->guest, &f, 1, 0, 0);
	pg = xmc_page(x, 0);
	for (i = 0; i < XM_FIFO_MAX_PAGES; i++)
		KUNIT_ASSERT_EQ_MSG(test, xmc_expand(x->guest, xmc_gfn(pg)), 0L,
				    "page %u beyond max_evtchn_port 1023", i);
	KUNIT_EXPECT_EQ_MSG(test, xmc_alloc_up_to(x->guest, 1023, 1100), 1023L,
			    "highest port");
	KUNIT_EXPECT_EQ_MSG(test, xmc_alloc_unbound(x->guest, DOMID_SELF, 0),
			    (long)-ENOSPC, "port 1024");
}

static struct kunit_case xmc_fifo_switch_cases[] = {
	KUNIT_CASE(cl39_init_control_checks),
	KUNIT_CASE(cl40_init_control_link_bits_no_init),
	KUNIT_CASE(cl41_first_init_control_all_vcpus),
	KUNIT_CASE(cl42_init_control_copies_2l_pending),
	KUNIT_CASE(cl43_expand_array_checks),
	KUNIT_CASE(cl44_expand_reraises_hidden_keeps_flag),
	KUNIT_CASE(cl45_max_port_limits_allocation_only),
	{}
};

static struct kunit_suite xmc_fifo_switch_suite = {
	.name = "xen_model_conformance_fifo_switch",
	.suite_init = xmc_suite_init,
	.suite_exit = xmc_suite_exit,
	.init = xmc_init,
	.exit = xmc_exit,
	.test_cases = xmc_fifo_switch_cases,
};

kunit_test_suites(&xmc_fifo_switch_suite);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("Conformance of the Xen model: switching a domain to the FIFO ABI, growing its event array");
