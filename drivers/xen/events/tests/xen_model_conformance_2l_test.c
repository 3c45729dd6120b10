// SPDX-License-Identifier: GPL-2.0-only
/*
 * Conformance of the model of Xen, raising events under the 2-level ABI
 * (items 25-28): case clNN_<what> checks item NN of the model checklist in
 * Documentation/virt/xen/evtchn-model.rst (section 13). Helpers and
 * fixtures: xen_model_conformance.h.
 */
#include "xen_model_conformance.h"

/* --- 25..28: 2-level raising --------------------------------------------- */

/* spec 5.2.1 */
static void cl25_2l_raise_order(struct kunit *test)
{
	struct xmc *x = test->priv;
	struct vcpu_info *vi = xmc_vi(x, 0);
	unsigned long n;
	u32 p;

	xmc_vector_quiet(x, x->guest, 0);
	xmc_ack(vi);
	p = xmc_must(test, xmc_bind_ipi(x->guest, 0), "ipi");

	/* Already pending: stop. */
	xmc_set_bit(x->shi->evtchn_pending, p, true);
	n = xmc_upcalls(x, 0);
	KUNIT_ASSERT_EQ(test, xmc_send(x->guest, p), 0L);
	KUNIT_EXPECT_EQ_MSG(test, vi->evtchn_pending_sel, 0UL, "already pending: selector");
	KUNIT_EXPECT_EQ_MSG(test, vi->evtchn_upcall_pending, 0, "already pending: flag");
	KUNIT_EXPECT_EQ_MSG(test, xmc_upcalls(x, 0), n, "already pending: upcalls");

	/* Masked: pending bit only. */
	xmc_set_bit(x->shi->evtchn_pending, p, false);
	xmc_set_bit(x->shi->evtchn_mask, p, true);
	KUNIT_ASSERT_EQ(test, xmc_send(x->guest, p), 0L);
	KUNIT_EXPECT_TRUE_MSG(test, xmc_bit(x->shi->evtchn_pending, p), "masked: pending");
	KUNIT_EXPECT_EQ_MSG(test, vi->evtchn_pending_sel, 0UL, "masked: selector");
	KUNIT_EXPECT_EQ_MSG(test, vi->evtchn_upcall_pending, 0, "masked: flag");
	KUNIT_EXPECT_EQ_MSG(test, xmc_upcalls(x, 0), n, "masked: upcalls");

	/* Unmasked, selector and flag clear: all three, one upcall. */
	xmc_set_bit(x->shi->evtchn_pending, p, false);
	xmc_set_bit(x->shi->evtchn_mask, p, false);
	KUNIT_ASSERT_EQ(test, xmc_send(x->guest, p), 0L);
	KUNIT_EXPECT_TRUE_MSG(test, xmc_bit(x->shi->evtchn_pending, p), "clear: pending");
	KUNIT_EXPECT_TRUE_MSG(test, xmc_sel(vi, p), "clear: selector");
	KUNIT_EXPECT_EQ_MSG(test, vi->evtchn_upcall_pending, 1, "clear: flag");
	KUNIT_EXPECT_EQ_MSG(test, xmc_upcalls(x, 0), n + 1, "clear: upcalls");

	/* Flag already set: selector set, no new upcall. */
	xmc_set_bit(x->shi->evtchn_pending, p, false);
	WRITE_ONCE(vi->evtchn_pending_sel, 0);
	KUNIT_ASSERT_EQ(test, xmc_send(x->guest, p), 0L);
	KUNIT_EXPECT_TRUE_MSG(test, xmc_sel(vi, p), "flag set: selector");
	KUNIT_EXPECT_EQ_MSG(test, xmc_upcalls(x, 0), n + 1, "flag set: upcalls");
}

/* spec 5.2.1 */
static void cl26_2l_selector_suppresses_upcall(struct kunit *test)
{
	struct xmc *x = test->priv;
	struct vcpu_info *vi = xmc_vi(x, 0);
	unsigned long n;
	u32 p;

	xmc_vector_quiet(x, x->guest, 0);
	xmc_ack(vi);
	p = xmc_must(test, xmc_bind_ipi(x->guest, 0), "ipi");
	xmc_set_bit(&vi->evtchn_pending_sel, p / BITS_PER_LONG, true);
	n = xmc_upcalls(x, 0);
	KUNIT_ASSERT_EQ(test, xmc_send(x->guest, p), 0L);
	KUNIT_EXPECT_TRUE_MSG(test, xmc_bit(x->shi->evtchn_pending, p), "pending %u", p);
	KUNIT_EXPECT_EQ_MSG(test, vi->evtchn_upcall_pending, 0, "flag stays 0");
	KUNIT_EXPECT_EQ_MSG(test, xmc_upcalls(x, 0), n, "no upcall");
}

/* spec 5.2.3 */
static void cl27_2l_unmask_hypercall(struct kunit *test)
{
	struct xmc *x = test->priv;
	struct vcpu_info *vi = xmc_vi(x, 0);
	xen_ulong_t *mask = x->shi->evtchn_mask, *pend = x->shi->evtchn_pending;
	unsigned long n;
	u32 p;

	xmc_vector_quiet(x, x->guest, 0);
	xmc_ack(vi);
	p = xmc_must(test, xmc_bind_ipi(x->guest, 0), "ipi");
	n = xmc_upcalls(x, 0);

	/* The guest cleared the mask itself: the hypercall does nothing. */
	xmc_set_bit(pend, p, true);
	KUNIT_ASSERT_EQ(test, xmc_unmask(x->guest, p), 0L);
	KUNIT_EXPECT_EQ_MSG(test, vi->evtchn_pending_sel, 0UL, "mask already clear");
	KUNIT_EXPECT_EQ_MSG(test, xmc_upcalls(x, 0), n, "mask already clear: upcalls");

	/* Masked and not pending: mask cleared, nothing raised. */
	xmc_set_bit(pend, p, false);
	xmc_set_bit(mask, p, true);
	KUNIT_ASSERT_EQ(test, xmc_unmask(x->guest, p), 0L);
	KUNIT_EXPECT_FALSE_MSG(test, xmc_bit(mask, p), "not pending: mask");
	KUNIT_EXPECT_EQ_MSG(test, vi->evtchn_pending_sel, 0UL, "not pending: selector");

	/* Masked, pending, selector set: no upcall. */
	xmc_set_bit(pend, p, true);
	xmc_set_bit(mask, p, true);
	xmc_set_bit(&vi->evtchn_pending_sel, p / BITS_PER_LONG, true);
	KUNIT_ASSERT_EQ(test, xmc_unmask(x->guest, p), 0L);
	KUNIT_EXPECT_FALSE_MSG(test, xmc_bit(mask, p), "selector set: mask");
	KUNIT_EXPECT_EQ_MSG(test, vi->evtchn_upcall_pending, 0, "selector set: flag");

	/* Masked, pending, selector clear: selector, flag, one upcall. */
	WRITE_ONCE(vi->evtchn_pending_sel, 0);
	xmc_set_bit(mask, p, true);
	KUNIT_ASSERT_EQ(test, xmc_unmask(x->guest, p), 0L);
	KUNIT_EXPECT_FALSE_MSG(test, xmc_bit(mask, p), "mask cleared");
	KUNIT_EXPECT_TRUE_MSG(test, xmc_sel(vi, p), "selector");
	KUNIT_EXPECT_EQ_MSG(test, vi->evtchn_upcall_pending, 1, "flag");
	KUNIT_EXPECT_EQ_MSG(test, xmc_upcalls(x, 0), n + 1, "upcalls");
}

/* spec 5.2.1 step 3 */
static void cl28_raise_wakes_pollers_masked(struct kunit *test)
{
	struct xmc *x = test->priv;
	struct sched_poll poll = { .nr_ports = 1, .timeout = 0 };
	unsigned long n;
	u32 p;

	p = xmc_must(test, xmc_bind_ipi(x->guest, 0), "ipi");
	xmc_set_bit(x->shi->evtchn_mask, p, true);
	set_xen_guest_handle(poll.ports, &p);
	KUNIT_ASSERT_EQ(test, xmc_sched(x->guest, 0, SCHEDOP_poll, &poll), 0L);
	n = xm_poll_wakeups(x->guest, 0);
	KUNIT_ASSERT_EQ(test, xmc_send(x->guest, p), 0L);
	KUNIT_EXPECT_EQ_MSG(test, xm_poll_wakeups(x->guest, 0), n + 1,
			    "poller of masked %u", p);
	KUNIT_EXPECT_EQ_MSG(test, xmc_vi(x, 0)->evtchn_pending_sel, 0UL, "masked: selector");
}

static struct kunit_case xmc_2l_cases[] = {
	KUNIT_CASE(cl25_2l_raise_order),
	KUNIT_CASE(cl26_2l_selector_suppresses_upcall),
	KUNIT_CASE(cl27_2l_unmask_hypercall),
	KUNIT_CASE(cl28_raise_wakes_pollers_masked),
	{}
};

static struct kunit_suite xmc_2l_suite = {
	.name = "xen_model_conformance_2l",
	.suite_init = xmc_suite_init,
	.suite_exit = xmc_suite_exit,
	.init = xmc_init,
	.exit = xmc_exit,
	.test_cases = xmc_2l_cases,
};

kunit_test_suites(&xmc_2l_suite);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("Conformance of the Xen model: raising events under the 2-level ABI");
