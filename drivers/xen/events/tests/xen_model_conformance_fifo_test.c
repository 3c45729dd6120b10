// SPDX-License-Identifier: GPL-2.0-only
/*
 * Conformance of the model of Xen, raising and linking events under the
 * FIFO ABI (items 29-38): case clNN_<what> checks item NN of the model
 * checklist in Documentation/virt/xen/evtchn-model.rst (section 13).
 * Helpers and fixtures: xen_model_conformance.h.
 */
#include "xen_model_conformance.h"

/* --- 29..38: FIFO raising ------------------------------------------------ */

/* spec 5.3.1 step 1 */
static void cl29_fifo_raise_uncovered_hidden(struct kunit *test)
{
	struct xmc *x = test->priv;
	struct xmc_fifo f;
	unsigned int q;
	u32 p;

	xmc_fifo_setup(x, x->guest, &f, 1, 0, 0);
	p = xmc_must(test, xmc_bind_ipi(x->guest, 0), "ipi");
	KUNIT_ASSERT_EQ(test, xmc_send(x->guest, p), 0L);
	KUNIT_EXPECT_TRUE_MSG(test, xm_fifo_hidden_pending(x->guest, p), "hidden flag");
	KUNIT_EXPECT_EQ_MSG(test, READ_ONCE(f.cb[0]->ready), 0U, "READY");
	for (q = 0; q < XM_NR_PRIOS; q++)
		KUNIT_EXPECT_EQ_MSG(test, READ_ONCE(f.cb[0]->head[q]), 0U, "HEAD %u", q);
	KUNIT_EXPECT_EQ_MSG(test, xmc_vi(x, 0)->evtchn_upcall_pending, 0, "flag");
	KUNIT_EXPECT_FALSE_MSG(test, xmc_bit(x->shi->evtchn_pending, p), "2-level bit");
}

/* spec 5.3.1 step 3, 5.3.7 */
static void cl30_fifo_no_control_block_dropped(struct kunit *test)
{
	struct xmc *x = test->priv;
	struct xm_config cfg;
	struct xmc_fifo f;
	unsigned long lost;
	u32 p;

	xmc_fifo_setup(x, x->guest, &f, 1, 1, 0);
	p = xmc_must(test, xmc_bind_ipi(x->guest, 1), "ipi on vCPU 1");
	lost = xm_fifo_lost_events(x->guest);
	KUNIT_ASSERT_EQ(test, xmc_send(x->guest, p), 0L);
	KUNIT_EXPECT_EQ_MSG(test, xmc_w(&f, p), 0U, "word of %u (4.17+)", p);
	KUNIT_EXPECT_EQ_MSG(test, xm_fifo_tail(x->guest, 1, 7), 0U, "tail");
	KUNIT_EXPECT_FALSE_MSG(test, xm_fifo_hidden_pending(x->guest, p), "hidden flag");
	KUNIT_EXPECT_EQ_MSG(test, xm_fifo_lost_events(x->guest), lost + 1, "lost events");
	/* Registering the block later replays nothing. */
	xmc_fifo_add_cb(x, x->guest, &f, 1);
	KUNIT_EXPECT_EQ_MSG(test, READ_ONCE(f.cb[1]->ready), 0U, "READY after late init");

	/* Before 4.17 PENDING was still set. */
	xmc_guest_config(&cfg);
	cfg.xen_version = XM_XEN(4, 16);
	xmc_replace_guest(x, &cfg);
	xmc_fifo_setup(x, x->guest, &f, 1, 1, 0);
	p = xmc_must(test, xmc_bind_ipi(x->guest, 1), "4.16 ipi on vCPU 1");
	KUNIT_ASSERT_EQ(test, xmc_send(x->guest, p), 0L);
	KUNIT_EXPECT_EQ_MSG(test, xmc_w(&f, p), W_PENDING, "4.16 word of %u", p);
}

/* A FIFO guest with one control block and page, all words unmasked. */
static void xmc_fifo_basic(struct xmc *x, struct xmc_fifo *f)
{
	xmc_fifo_setup(x, x->guest, f, 1, 1, 0);
}

/* spec 5.3.1, 5.3.2 */
static void cl31_fifo_raise_links(struct kunit *test)
{
	struct xmc *x = test->priv;
	struct xmc_fifo f;
	u32 a, b, c;

	xmc_fifo_basic(x, &f);
	a = xmc_must(test, xmc_bind_ipi(x->guest, 0), "a");
	b = xmc_must(test, xmc_bind_ipi(x->guest, 0), "b");
	c = xmc_must(test, xmc_bind_ipi(x->guest, 0), "c");

	KUNIT_ASSERT_EQ(test, xmc_send(x->guest, a), 0L);
	KUNIT_EXPECT_EQ_MSG(test, xmc_w(&f, a), W_PENDING | W_LINKED, "first event");
	KUNIT_EXPECT_EQ_MSG(test, READ_ONCE(f.cb[0]->head[7]), a, "HEAD of empty queue");
	KUNIT_EXPECT_EQ_MSG(test, xm_fifo_tail(x->guest, 0, 7), a, "tail");

	KUNIT_ASSERT_EQ(test, xmc_send(x->guest, b), 0L);
	KUNIT_EXPECT_EQ_MSG(test, xmc_w(&f, a), W_PENDING | W_LINKED | b, "tail linked to b");
	KUNIT_EXPECT_EQ_MSG(test, xmc_w(&f, b), W_PENDING | W_LINKED, "second event");
	KUNIT_EXPECT_EQ_MSG(test, READ_ONCE(f.cb[0]->head[7]), a, "HEAD unchanged");
	KUNIT_EXPECT_EQ_MSG(test, xm_fifo_tail(x->guest, 0, 7), b, "tail");

	/* Masked: PENDING only. */
	*xmc_word(&f, c) = W_MASKED;
	KUNIT_ASSERT_EQ(test, xmc_send(x->guest, c), 0L);
	KUNIT_EXPECT_EQ_MSG(test, xmc_w(&f, c), W_MASKED | W_PENDING, "masked event");
	KUNIT_EXPECT_EQ_MSG(test, xm_fifo_tail(x->guest, 0, 7), b, "tail after masked");

	/* Already LINKED: nothing changes. */
	KUNIT_ASSERT_EQ(test, xmc_send(x->guest, a), 0L);
	KUNIT_EXPECT_EQ_MSG(test, xmc_w(&f, a), W_PENDING | W_LINKED | b, "linked again");
	KUNIT_EXPECT_EQ_MSG(test, xm_fifo_tail(x->guest, 0, 7), b, "tail after relink");
}

/* spec 5.3.1 step 6, 5.4 */
static void cl32_fifo_ready_upcall_only_new_head(struct kunit *test)
{
	struct xmc *x = test->priv;
	struct vcpu_info *vi = xmc_vi(x, 0);
	struct xmc_fifo f;
	unsigned long n;
	u32 a, b;

	xmc_fifo_basic(x, &f);
	xmc_vector_quiet(x, x->guest, 0);
	xmc_ack(vi);
	a = xmc_must(test, xmc_bind_ipi(x->guest, 0), "a");
	b = xmc_must(test, xmc_bind_ipi(x->guest, 0), "b");
	n = xmc_upcalls(x, 0);

	KUNIT_ASSERT_EQ(test, xmc_send(x->guest, a), 0L);
	KUNIT_EXPECT_EQ_MSG(test, READ_ONCE(f.cb[0]->ready), BIT(7), "READY for new head");
	KUNIT_EXPECT_EQ_MSG(test, vi->evtchn_upcall_pending, 1, "flag for new head");
	KUNIT_EXPECT_EQ_MSG(test, xmc_upcalls(x, 0), n + 1, "upcall for new head");

	/* Appended: no READY change, no upcall. */
	WRITE_ONCE(vi->evtchn_upcall_pending, 0);
	KUNIT_ASSERT_EQ(test, xmc_send(x->guest, b), 0L);
	KUNIT_EXPECT_EQ_MSG(test, vi->evtchn_upcall_pending, 0, "flag for appended event");
	KUNIT_EXPECT_EQ_MSG(test, xmc_upcalls(x, 0), n + 1, "upcall for appended event");

	/* New head while READY is still set: no upcall. */
	xmc_unlink(&f, a);
	xmc_unlink(&f, b);
	KUNIT_ASSERT_EQ(test, xmc_send(x->guest, a), 0L);
	KUNIT_EXPECT_EQ_MSG(test, READ_ONCE(f.cb[0]->head[7]), a, "new head written");
	KUNIT_EXPECT_EQ_MSG(test, vi->evtchn_upcall_pending, 0, "flag with READY set");
	KUNIT_EXPECT_EQ_MSG(test, xmc_upcalls(x, 0), n + 1, "upcall with READY set");

	/* New head with READY clear: upcall again. */
	WRITE_ONCE(f.cb[0]->ready, 0);
	xmc_unlink(&f, a);
	KUNIT_ASSERT_EQ(test, xmc_send(x->guest, b), 0L);
	KUNIT_EXPECT_EQ_MSG(test, READ_ONCE(f.cb[0]->head[7]), b, "head b");
	KUNIT_EXPECT_EQ_MSG(test, READ_ONCE(f.cb[0]->ready), BIT(7), "READY again");
	KUNIT_EXPECT_EQ_MSG(test, xmc_upcalls(x, 0), n + 2, "upcall with READY clear");
}

/* spec 5.3.1 consequences */
static void cl33_fifo_pending_unlinked_relinked(struct kunit *test)
{
	struct xmc *x = test->priv;
	struct xmc_fifo f;
	u32 a;

	xmc_fifo_basic(x, &f);
	a = xmc_must(test, xmc_bind_ipi(x->guest, 0), "a");
	KUNIT_ASSERT_EQ(test, xmc_send(x->guest, a), 0L);
	/* The guest consumed it without clearing PENDING. */
	xmc_unlink(&f, a);
	WRITE_ONCE(f.cb[0]->ready, 0);
	WRITE_ONCE(f.cb[0]->head[7], 0);
	KUNIT_ASSERT_EQ(test, xmc_w(&f, a), W_PENDING);
	KUNIT_ASSERT_EQ(test, xmc_send(x->guest, a), 0L);
	KUNIT_EXPECT_EQ_MSG(test, xmc_w(&f, a), W_PENDING | W_LINKED, "relinked word");
	KUNIT_EXPECT_EQ_MSG(test, READ_ONCE(f.cb[0]->head[7]), a, "new head");
	KUNIT_EXPECT_EQ_MSG(test, READ_ONCE(f.cb[0]->ready), BIT(7), "READY");
}

/*
 * spec 5.3.2, 5.3.3. Observable synchronously: a tail that is still LINKED
 * gets LINK set by one update that keeps the guest's bits (here MASKED)
 * and leaves BUSY clear; a tail the guest unlinked is left alone and the
 * event becomes a new HEAD with READY. Not observable without a guest
 * racing the model on another CPU: BUSY while Xen retries, the retry
 * bound of 4 and the "linked anyway" outcome.
 */
static void cl34_fifo_tail_link_protocol(struct kunit *test)
{
	struct xmc *x = test->priv;
	struct xmc_fifo f;
	u32 a, b, c;

	xmc_fifo_basic(x, &f);
	a = xmc_must(test, xmc_bind_ipi(x->guest, 0), "a");
	b = xmc_must(test, xmc_bind_ipi(x->guest, 0), "b");
	c = xmc_must(test, xmc_bind_ipi(x->guest, 0), "c");
	KUNIT_ASSERT_EQ(test, xmc_send(x->guest, a), 0L);
	*xmc_word(&f, a) |= W_MASKED;	/* allowed on a LINKED word */
	KUNIT_ASSERT_EQ(test, xmc_send(x->guest, b), 0L);
	KUNIT_EXPECT_EQ_MSG(test, xmc_w(&f, a), W_PENDING | W_MASKED | W_LINKED | b,
			    "linked tail: LINK set, guest bits kept");
	KUNIT_EXPECT_FALSE_MSG(test, xmc_w(&f, a) & W_BUSY, "BUSY clear after linking");

	WRITE_ONCE(f.cb[0]->ready, 0);
	xmc_unlink(&f, a);
	xmc_unlink(&f, b);
	KUNIT_ASSERT_EQ(test, xmc_send(x->guest, c), 0L);
	KUNIT_EXPECT_EQ_MSG(test, xmc_w(&f, b), W_PENDING, "unlinked tail untouched");
	KUNIT_EXPECT_EQ_MSG(test, READ_ONCE(f.cb[0]->head[7]), c, "new head");
	KUNIT_EXPECT_EQ_MSG(test, READ_ONCE(f.cb[0]->ready), BIT(7), "READY");
}

/* spec 5.3.1 step 5d, 5.3.3 */
static void cl35_fifo_unlinked_tail_new_head(struct kunit *test)
{
	struct xmc *x = test->priv;
	struct xmc_fifo f;
	u32 a, b;

	xmc_fifo_basic(x, &f);
	a = xmc_must(test, xmc_bind_ipi(x->guest, 0), "a");
	b = xmc_must(test, xmc_bind_ipi(x->guest, 0), "b");
	KUNIT_ASSERT_EQ(test, xmc_send(x->guest, a), 0L);
	/* The guest took a off the queue (PENDING cleared too) and READY. */
	WRITE_ONCE(*xmc_word(&f, a), 0);
	WRITE_ONCE(f.cb[0]->ready, 0);
	KUNIT_ASSERT_EQ(test, xm_fifo_tail(x->guest, 0, 7), a);
	KUNIT_ASSERT_EQ(test, xmc_send(x->guest, b), 0L);
	KUNIT_EXPECT_EQ_MSG(test, xmc_w(&f, a), 0U, "consumed tail not written");
	KUNIT_EXPECT_EQ_MSG(test, READ_ONCE(f.cb[0]->head[7]), b, "new list at HEAD");
	KUNIT_EXPECT_EQ_MSG(test, READ_ONCE(f.cb[0]->ready), BIT(7), "READY");
	KUNIT_EXPECT_EQ_MSG(test, xm_fifo_tail(x->guest, 0, 7), b, "tail");
}

/* spec 5.3.3 */
static void cl36_fifo_private_tail(struct kunit *test)
{
	struct xmc *x = test->priv;
	struct xmc_fifo f;
	u32 a, b;

	xmc_fifo_basic(x, &f);
	a = xmc_must(test, xmc_bind_ipi(x->guest, 0), "a");
	b = xmc_must(test, xmc_bind_ipi(x->guest, 0), "b");
	KUNIT_ASSERT_EQ(test, xmc_send(x->guest, a), 0L);
	/* Garbage in head[] and an extra READY bit: Xen reads neither. */
	WRITE_ONCE(f.cb[0]->head[7], 999);
	WRITE_ONCE(f.cb[0]->ready, BIT(7) | BIT(3));
	KUNIT_ASSERT_EQ(test, xmc_send(x->guest, b), 0L);
	KUNIT_EXPECT_EQ_MSG(test, xmc_w(&f, a), W_PENDING | W_LINKED | b,
			    "appended through the private tail");
	KUNIT_EXPECT_EQ_MSG(test, READ_ONCE(f.cb[0]->head[7]), 999U, "head[] not rewritten");
	KUNIT_EXPECT_EQ_MSG(test, READ_ONCE(f.cb[0]->ready), BIT(7) | BIT(3),
			    "READY bits never cleared");
	KUNIT_EXPECT_EQ_MSG(test, xm_fifo_tail(x->guest, 0, 7), b, "private tail");
}

/* spec 5.3.1 step 5a/b, 5.3.6 */
static void cl37_fifo_queue_follows_vcpu_priority(struct kunit *test)
{
	struct xmc *x = test->priv;
	unsigned int qv = 99, qp = 99;
	struct xmc_fifo f;
	u32 lp, rp;

	xmc_fifo_setup(x, x->guest, &f, 2, 1, 0);
	lp = xmc_peer_channel(x, 0, &rp);	/* linked on (0, 7) */
	KUNIT_ASSERT_EQ(test, xm_fifo_tail(x->guest, 0, 7), lp);
	xmc_unlink(&f, lp);
	KUNIT_ASSERT_EQ(test, xmc_bind_vcpu(x->guest, lp, 1), 0L);
	KUNIT_ASSERT_EQ(test, xmc_set_priority(x->guest, lp, 3), 0L);
	KUNIT_ASSERT_EQ(test, xmc_send(x->peer, rp), 0L);
	KUNIT_EXPECT_EQ_MSG(test, xm_fifo_tail(x->guest, 0, 7), 0U, "old tail invalidated");
	KUNIT_EXPECT_EQ_MSG(test, xm_fifo_tail(x->guest, 1, 3), lp, "new queue tail");
	KUNIT_EXPECT_EQ_MSG(test, READ_ONCE(f.cb[1]->head[3]), lp, "new queue HEAD");
	KUNIT_EXPECT_EQ_MSG(test, READ_ONCE(f.cb[1]->ready), BIT(3), "new queue READY");
	xm_fifo_last_queue(x->guest, lp, &qv, &qp);
	KUNIT_EXPECT_EQ_MSG(test, qv, 1U, "last queue vCPU");
	KUNIT_EXPECT_EQ_MSG(test, qp, 3U, "last queue priority");
}

/* spec 5.3.5 */
static void cl38_fifo_unmask_hypercall(struct kunit *test)
{
	struct xmc *x = test->priv;
	struct xmc_fifo f;
	u32 a, b;

	xmc_fifo_basic(x, &f);
	a = xmc_must(test, xmc_bind_ipi(x->guest, 0), "a");
	b = xmc_must(test, xmc_bind_ipi(x->guest, 0), "b");
	*xmc_word(&f, a) = W_MASKED;
	*xmc_word(&f, b) = W_MASKED;
	KUNIT_ASSERT_EQ(test, xmc_send(x->guest, a), 0L);
	KUNIT_ASSERT_EQ(test, xm_fifo_tail(x->guest, 0, 7), 0U);
	KUNIT_ASSERT_EQ(test, xmc_unmask(x->guest, a), 0L);
	KUNIT_EXPECT_EQ_MSG(test, xmc_w(&f, a), W_PENDING | W_LINKED, "pending: re-raised");
	KUNIT_EXPECT_EQ_MSG(test, READ_ONCE(f.cb[0]->head[7]), a, "HEAD");
	KUNIT_EXPECT_EQ_MSG(test, READ_ONCE(f.cb[0]->ready), BIT(7), "READY");
	KUNIT_ASSERT_EQ(test, xmc_unmask(x->guest, b), 0L);
	KUNIT_EXPECT_EQ_MSG(test, xmc_w(&f, b), 0U, "not pending: MASKED cleared only");
	KUNIT_EXPECT_EQ_MSG(test, xm_fifo_tail(x->guest, 0, 7), a, "tail");
}

static struct kunit_case xmc_fifo_cases[] = {
	KUNIT_CASE(cl29_fifo_raise_uncovered_hidden),
	KUNIT_CASE(cl30_fifo_no_control_block_dropped),
	KUNIT_CASE(cl31_fifo_raise_links),
	KUNIT_CASE(cl32_fifo_ready_upcall_only_new_head),
	KUNIT_CASE(cl33_fifo_pending_unlinked_relinked),
	KUNIT_CASE(cl34_fifo_tail_link_protocol),
	KUNIT_CASE(cl35_fifo_unlinked_tail_new_head),
	KUNIT_CASE(cl36_fifo_private_tail),
	KUNIT_CASE(cl37_fifo_queue_follows_vcpu_priority),
	KUNIT_CASE(cl38_fifo_unmask_hypercall),
	{}
};

static struct kunit_suite xmc_fifo_suite = {
	.name = "xen_model_conformance_fifo",
	.suite_init = xmc_suite_init,
	.suite_exit = xmc_suite_exit,
	.init = xmc_init,
	.exit = xmc_exit,
	.test_cases = xmc_fifo_cases,
};

kunit_test_suites(&xmc_fifo_suite);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("Conformance of the Xen model: raising and linking events under the FIFO ABI");
