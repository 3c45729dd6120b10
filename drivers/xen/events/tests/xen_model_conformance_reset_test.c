// SPDX-License-Identifier: GPL-2.0-only
/*
 * Conformance of the model of Xen, EVTCHNOP_reset (items 46-49): case
 * clNN_<what> checks item NN of the model checklist in
 * Documentation/virt/xen/evtchn-model.rst (section 13). Helpers and
 * fixtures: xen_model_conformance.h.
 */
#include "xen_model_conformance.h"

/* --- 46..49: EVTCHNOP_reset ---------------------------------------------- */

/*
 * spec 4.11. -EBUSY for a second op 10 and -EAGAIN need a reset that is
 * preempted or raced by a bind; the model completes resets synchronously,
 * so only the op-14 -EBUSY is reachable here.
 */
static void cl46_reset_checks(struct kunit *test)
{
	struct xmc *x = test->priv;

	KUNIT_EXPECT_EQ_MSG(test, xmc_reset(x->guest, EVTCHNOP_reset, XMC_NO_DOMID),
			    (long)-ESRCH, "unknown dom");
	KUNIT_EXPECT_EQ_MSG(test, xmc_reset(x->guest, EVTCHNOP_reset, XM_DOMID_PEER),
			    (long)-EPERM, "domU resetting dom0");
	KUNIT_EXPECT_EQ_MSG(test, xmc_reset(x->peer, EVTCHNOP_reset, XM_DOMID_GUEST),
			    (long)-EINVAL, "control domain, guest not paused");
	KUNIT_EXPECT_EQ_MSG(test, xmc_reset(x->guest, XMC_EVTCHNOP_RESET_CONT, DOMID_SELF),
			    (long)-EBUSY, "reset_cont, no reset running");
	KUNIT_EXPECT_EQ_MSG(test, xmc_reset(x->guest, EVTCHNOP_reset, XM_DOMID_GUEST), 0L,
			    "reset by own numeric id");
}

static void xmc_expect_ports_free(struct kunit *test, struct xm_domain *d,
				  const char *when)
{
	unsigned int p, open = 0;

	for (p = 1; p < xm_valid_ports(d); p++)
		open += xm_port_state(d, p) != XM_PORT_FREE;
	KUNIT_EXPECT_EQ_MSG(test, open, 0U, "ports still open %s", when);
}

/* spec 4.11 */
static void cl47_reset_closes_and_returns_to_2l(struct kunit *test)
{
	static const domid_t doms[] = { DOMID_SELF, XM_DOMID_GUEST };
	struct xmc *x = test->priv;
	struct xmc_fifo f;
	unsigned int i;
	u32 a, b, p, word, ready;

	for (i = 0; i < ARRAY_SIZE(doms); i++) {
		xmc_fifo_setup(x, x->guest, &f, 1, 1, 0);
		xmc_bind_ipi(x->guest, 0);
		xmc_bind_virq(x->guest, VIRQ_TIMER, 0);
		xmc_loopback(x, x->guest, &a, &b);
		KUNIT_ASSERT_EQ_MSG(test, xmc_reset(x->guest, EVTCHNOP_reset, doms[i]), 0L,
				    "reset dom %#x", doms[i]);
		xmc_expect_ports_free(test, x->guest, "after reset");
		KUNIT_EXPECT_FALSE_MSG(test, xm_is_fifo(x->guest), "ABI, dom %#x", doms[i]);
		KUNIT_EXPECT_FALSE_MSG(test, xm_fifo_has_control_block(x->guest, 0),
				       "control block, dom %#x", doms[i]);
		KUNIT_EXPECT_EQ_MSG(test, xm_fifo_array_pages(x->guest), 0U,
				    "array pages, dom %#x", doms[i]);
	}
	KUNIT_EXPECT_EQ_MSG(test, xm_port_state(x->peer, 1), XM_PORT_UNBOUND,
			    "peer end of toolstack port 1");

	/* Xen writes neither the old block nor the old page any more. */
	p = xmc_must(test, xmc_bind_ipi(x->guest, 0), "2-level ipi");
	word = xmc_w(&f, p);
	ready = READ_ONCE(f.cb[0]->ready);
	KUNIT_ASSERT_EQ(test, xmc_send(x->guest, p), 0L);
	KUNIT_EXPECT_TRUE_MSG(test, xmc_bit(x->shi->evtchn_pending, p), "2-level raise");
	KUNIT_EXPECT_EQ_MSG(test, xmc_w(&f, p), word, "old event word");
	KUNIT_EXPECT_EQ_MSG(test, READ_ONCE(f.cb[0]->ready), ready, "old READY");
}

/* spec 4.11 "Not reset" */
static void cl48_reset_leaves_2l_state(struct kunit *test)
{
	struct xmc *x = test->priv;
	struct vcpu_info *vi = xmc_vi(x, 0);
	u64 store = xm_hvm_param(x->guest, HVM_PARAM_STORE_EVTCHN);
	unsigned int valid;
	u32 p;

	p = xmc_must(test, xmc_bind_ipi(x->guest, 0), "ipi");
	KUNIT_ASSERT_EQ(test, xmc_send(x->guest, p), 0L);
	xmc_set_bit(x->shi->evtchn_mask, 200, true);
	KUNIT_ASSERT_EQ(test, xmc_set_param(x->guest, HVM_PARAM_CALLBACK_IRQ, 1), 0L);
	KUNIT_ASSERT_EQ(test, xmc_set_vector(x->guest, 1, 1, XMC_VEC), 0L);
	valid = xm_valid_ports(x->guest);
	KUNIT_ASSERT_EQ(test, xmc_reset(x->guest, EVTCHNOP_reset, DOMID_SELF), 0L);

	KUNIT_EXPECT_FALSE_MSG(test, xmc_bit(x->shi->evtchn_pending, p), "closed %u", p);
	KUNIT_EXPECT_TRUE_MSG(test, xmc_bit(x->shi->evtchn_mask, 200), "mask bit 200");
	KUNIT_EXPECT_TRUE_MSG(test, xmc_sel(vi, p), "selector");
	KUNIT_EXPECT_EQ_MSG(test, vi->evtchn_upcall_pending, 1, "upcall flag");
	KUNIT_EXPECT_EQ_MSG(test, xm_hvm_param(x->guest, HVM_PARAM_CALLBACK_IRQ), 1ULL,
			    "CALLBACK_IRQ");
	KUNIT_EXPECT_EQ_MSG(test, xm_upcall_vector(x->guest, 1), XMC_VEC, "vector");
	KUNIT_EXPECT_EQ_MSG(test, xm_hvm_param(x->guest, HVM_PARAM_STORE_EVTCHN), store,
			    "STORE_EVTCHN names the closed port");
	KUNIT_EXPECT_EQ_MSG(test, xm_valid_ports(x->guest), valid, "valid ports");
}

/* spec 6.4 */
static void cl49_stale_2l_bits_after_fifo_reset(struct kunit *test)
{
	struct xmc *x = test->priv;
	struct vcpu_info *vi = xmc_vi(x, 0);
	struct xmc_fifo f;
	u32 p;

	KUNIT_ASSERT_EQ(test, xmc_close(x->guest, 1), 0L);
	KUNIT_ASSERT_EQ(test, xmc_close(x->guest, 2), 0L);
	p = xmc_must(test, xmc_bind_ipi(x->guest, 0), "ipi");
	KUNIT_ASSERT_EQ(test, xmc_send(x->guest, p), 0L);
	xmc_fifo_setup(x, x->guest, &f, 1, 0, 0);
	KUNIT_ASSERT_EQ(test, xmc_reset(x->guest, EVTCHNOP_reset, DOMID_SELF), 0L);
	KUNIT_EXPECT_TRUE_MSG(test, xmc_bit(x->shi->evtchn_pending, p),
			      "2-level bit of %u after FIFO and reset", p);

	xmc_ack(vi);
	KUNIT_ASSERT_EQ(test, xmc_bind_ipi(x->guest, 0), (long)p);
	KUNIT_ASSERT_EQ(test, xmc_send(x->guest, p), 0L);
	KUNIT_EXPECT_EQ_MSG(test, vi->evtchn_pending_sel, 0UL, "stale bit hides the raise");
	KUNIT_EXPECT_EQ_MSG(test, vi->evtchn_upcall_pending, 0, "no upcall");
}

static struct kunit_case xmc_reset_cases[] = {
	KUNIT_CASE(cl46_reset_checks),
	KUNIT_CASE(cl47_reset_closes_and_returns_to_2l),
	KUNIT_CASE(cl48_reset_leaves_2l_state),
	KUNIT_CASE(cl49_stale_2l_bits_after_fifo_reset),
	{}
};

static struct kunit_suite xmc_reset_suite = {
	.name = "xen_model_conformance_reset",
	.suite_init = xmc_suite_init,
	.suite_exit = xmc_suite_exit,
	.init = xmc_init,
	.exit = xmc_exit,
	.test_cases = xmc_reset_cases,
};

kunit_test_suites(&xmc_reset_suite);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("Conformance of the Xen model: EVTCHNOP_reset");
