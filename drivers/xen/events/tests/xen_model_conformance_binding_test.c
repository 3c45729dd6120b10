// SPDX-License-Identifier: GPL-2.0-only
/*
 * Conformance of the model of Xen, binding, status, unmask, Xen-attached
 * ports, priorities (items 16-24): case clNN_<what> checks item NN of the
 * model checklist in Documentation/virt/xen/evtchn-model.rst (section 13).
 * Helpers and fixtures: xen_model_conformance.h.
 */
#include "xen_model_conformance.h"

/* --- 16..24: binding, status, unmask, Xen-attached, priorities ----------- */

struct xmc_virq_case {
	u32 virq;
	u32 vcpu;
	long expect;	/* 0: a port */
};

static void xmc_run_virq_table(struct kunit *test, struct xm_domain *d,
			       const struct xmc_virq_case *t, unsigned int n,
			       const char *which)
{
	unsigned int i;
	long rc;

	for (i = 0; i < n; i++) {
		rc = xmc_bind_virq(d, t[i].virq, t[i].vcpu);
		if (t[i].expect)
			KUNIT_EXPECT_EQ_MSG(test, rc, t[i].expect, "%s: virq %u vcpu %u",
					    which, t[i].virq, t[i].vcpu);
		else
			KUNIT_EXPECT_GT_MSG(test, rc, 0L, "%s: virq %u vcpu %u",
					    which, t[i].virq, t[i].vcpu);
	}
}

/* spec 4.6 */
static void cl16_bind_virq_check_order(struct kunit *test)
{
	static const struct xmc_virq_case order[] = {
		{ XM_NR_VIRQS, 0, -EINVAL },
		{ XM_NR_VIRQS, 99, -EINVAL },		/* virq before vcpu */
		{ VIRQ_CONSOLE, 1, -EINVAL },		/* global, vcpu != 0 */
		{ VIRQ_CONSOLE, 99, -EINVAL },		/* ... before -ENOENT */
		{ XMC_VIRQ_ARGO, 2, -EINVAL },		/* per-domain, vcpu != 0 */
		{ VIRQ_TIMER, 99, -ENOENT },
		{ VIRQ_TIMER, XMC_NR_VCPUS, -ENOENT },
		{ VIRQ_CONSOLE, 0, -EBUSY },
		{ VIRQ_TIMER, 0, 0 },
		{ VIRQ_TIMER, 0, -EEXIST },
		{ VIRQ_TIMER, 1, 0 },			/* per-vCPU: one per vCPU */
		{ VIRQ_DEBUG, 1, 0 },
		{ VIRQ_DEBUG, 1, -EEXIST },
		{ XMC_VIRQ_ARGO, 0, 0 },
		{ XMC_VIRQ_ARGO, 0, -EEXIST },		/* per domain */
	};
	/* A guest with no free port: allocation errors come last. */
	static const struct xmc_virq_case full[] = {
		{ XM_NR_VIRQS, 0, -EINVAL },
		{ VIRQ_CONSOLE, 1, -EINVAL },
		{ VIRQ_TIMER, 99, -ENOENT },
		{ VIRQ_CONSOLE, 0, -EBUSY },
		{ VIRQ_TIMER, 0, 0 },			/* takes port 3, the last */
		{ VIRQ_TIMER, 0, -EEXIST },
		{ VIRQ_TIMER, 1, -ENOSPC },
	};
	struct xmc *x = test->priv;

	xmc_run_virq_table(test, x->guest, order, ARRAY_SIZE(order), "order");
	xmc_guest_with_max_port(x, 3);
	xmc_run_virq_table(test, x->guest, full, ARRAY_SIZE(full), "full guest");
}

/* spec 4.6, 10 */
static void cl17_domu_global_virqs_busy(struct kunit *test)
{
	static const u32 global[] = {
		VIRQ_CONSOLE, VIRQ_DOM_EXC, VIRQ_TBUF, 5, VIRQ_DEBUGGER,
		VIRQ_CON_RING, VIRQ_PCPU_STATE, VIRQ_MEM_EVENT, VIRQ_ENOMEM,
		14, 15, 16, 17, 18, 19, 20, 21, 22, 23,
	};
	static const u32 own[] = {
		VIRQ_TIMER, VIRQ_DEBUG, VIRQ_XENOPROF, VIRQ_XENPMU, XMC_VIRQ_ARGO,
	};
	struct xmc *x = test->priv;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(global); i++)
		KUNIT_EXPECT_EQ_MSG(test, xmc_bind_virq(x->guest, global[i], 0),
				    (long)-EBUSY, "global virq %u", global[i]);
	for (i = 0; i < ARRAY_SIZE(own); i++)
		KUNIT_EXPECT_GT_MSG(test, xmc_bind_virq(x->guest, own[i], 0), 0L,
				    "domU's own virq %u", own[i]);
}

/* spec 4.7, 4.9 */
static void cl18_bind_ipi_no_online_check(struct kunit *test)
{
	struct xmc *x = test->priv;
	u32 p, u;

	KUNIT_EXPECT_EQ_MSG(test, xmc_bind_ipi(x->guest, XMC_NR_VCPUS), (long)-ENOENT,
			    "vcpu %u", XMC_NR_VCPUS);
	KUNIT_EXPECT_EQ_MSG(test, xmc_bind_ipi(x->guest, 99), (long)-ENOENT, "vcpu 99");

	xm_vcpu_set_online(x->guest, 2, false);
	p = xmc_must(test, xmc_bind_ipi(x->guest, 2), "bind_ipi offline vCPU 2");
	KUNIT_EXPECT_EQ_MSG(test, xm_port_notify_vcpu(x->guest, p), 2U, "IPI %u", p);
	KUNIT_EXPECT_GT_MSG(test, xmc_bind_virq(x->guest, VIRQ_TIMER, 2), 0L,
			    "bind_virq offline vCPU 2");
	u = xmc_must(test, xmc_alloc_unbound(x->guest, DOMID_SELF, 0), "alloc");
	KUNIT_EXPECT_EQ_MSG(test, xmc_bind_vcpu(x->guest, u, 2), 0L,
			    "bind_vcpu to offline vCPU 2");
}

/* spec 4.9 */
static void cl19_bind_vcpu_check_order(struct kunit *test)
{
	struct xmc *x = test->priv;
	u32 u, ipi, timer, argo, xa, rp;
	struct {
		u32 port;
		u32 vcpu;
		long expect;
		const char *what;
	} t[] = {
		{ XMC_BAD_PORT, 99, -ENOENT, "invalid port, no vCPU" },
		{ XMC_BAD_PORT, 1, -EINVAL, "invalid port" },
		{ 0, 1, -EINVAL, "reserved port 0" },
		{ XMC_FREE_PORT, 1, -EINVAL, "free port" },
		{ 0, 1, -EINVAL, "IPI" },
		{ 0, 1, -EINVAL, "per-vCPU VIRQ" },
		{ 0, 1, -EINVAL, "Xen-attached" },
		{ 0, 3, 0, "UNBOUND" },
		{ 1, 1, 0, "INTERDOMAIN (toolstack port 1)" },
		{ 0, 2, 0, "per-domain VIRQ" },
	};
	unsigned int i;

	ipi = xmc_must(test, xmc_bind_ipi(x->guest, 0), "ipi");
	timer = xmc_must(test, xmc_bind_virq(x->guest, VIRQ_TIMER, 0), "timer");
	xa = xmc_must(test, xm_alloc_xen_attached(x->guest), "Xen-attached");
	u = xmc_must(test, xmc_alloc_unbound(x->guest, DOMID_SELF, XM_DOMID_PEER), "u");
	argo = xmc_must(test, xmc_bind_virq(x->guest, XMC_VIRQ_ARGO, 0), "argo");
	t[4].port = ipi;
	t[5].port = timer;
	t[6].port = xa;
	t[7].port = u;
	t[9].port = argo;
	for (i = 0; i < ARRAY_SIZE(t); i++) {
		KUNIT_EXPECT_EQ_MSG(test, xmc_bind_vcpu(x->guest, t[i].port, t[i].vcpu),
				    t[i].expect, "%s: port %u vcpu %u",
				    t[i].what, t[i].port, t[i].vcpu);
		if (!t[i].expect)
			KUNIT_EXPECT_EQ_MSG(test, xm_port_notify_vcpu(x->guest, t[i].port),
					    t[i].vcpu, "%s: notify vCPU", t[i].what);
	}
	KUNIT_EXPECT_EQ_MSG(test, xm_port_notify_vcpu(x->guest, ipi), 0U, "IPI unmoved");

	/* The vCPU chosen for an UNBOUND port survives the peer binding it. */
	rp = xmc_must(test, xmc_bind_interdomain(x->peer, 0, XM_DOMID_GUEST, u),
		      "peer binds the guest's unbound port");
	KUNIT_EXPECT_EQ_MSG(test, xm_port_notify_vcpu(x->guest, u), 3U,
			    "notify vCPU of %u after the peer bound it", u);
	KUNIT_EXPECT_EQ_MSG(test, xm_port_notify_vcpu(x->peer, rp), 0U,
			    "peer's new port %u", rp);
}

/* spec 4.9, 5.3.6 */
static void cl20_bind_vcpu_keeps_pending_event(struct kunit *test)
{
	struct xmc *x = test->priv;
	struct xmc_fifo f;
	u32 lp, rp;

	/* 2-level: the selector bit stays on the old vCPU. */
	lp = xmc_peer_channel(x, 0, &rp);	/* pending on vCPU 0 */
	KUNIT_ASSERT_EQ(test, xmc_bind_vcpu(x->guest, lp, 1), 0L);
	KUNIT_EXPECT_TRUE_MSG(test, xmc_sel(xmc_vi(x, 0), lp), "old vCPU selector");
	KUNIT_EXPECT_EQ_MSG(test, xmc_vi(x, 1)->evtchn_pending_sel, 0UL,
			    "new vCPU selector after bind_vcpu");
	KUNIT_EXPECT_EQ_MSG(test, xmc_vi(x, 1)->evtchn_upcall_pending, 0, "new vCPU flag");
	/* Only later raises go to the new vCPU. */
	xmc_set_bit(x->shi->evtchn_pending, lp, false);
	KUNIT_ASSERT_EQ(test, xmc_send(x->peer, rp), 0L);
	KUNIT_EXPECT_TRUE_MSG(test, xmc_sel(xmc_vi(x, 1), lp), "new vCPU after a send");
	/* Closing clears the 2-level bit, so the ABI switch carries nothing. */
	KUNIT_ASSERT_EQ(test, xmc_close(x->guest, lp), 0L);

	/* FIFO: a LINKED event stays on the old vCPU's queue. */
	xmc_fifo_setup(x, x->guest, &f, 2, 1, 0);
	lp = xmc_peer_channel(x, 0, &rp);	/* linked on (0, 7) */
	KUNIT_ASSERT_EQ(test, xmc_w(&f, lp), W_PENDING | W_LINKED);
	KUNIT_ASSERT_EQ(test, xmc_bind_vcpu(x->guest, lp, 1), 0L);
	KUNIT_ASSERT_EQ(test, xmc_send(x->peer, rp), 0L);
	KUNIT_EXPECT_EQ_MSG(test, xm_fifo_tail(x->guest, 0, 7), lp, "old queue tail");
	KUNIT_EXPECT_EQ_MSG(test, xm_fifo_tail(x->guest, 1, 7), 0U, "new queue tail");
	KUNIT_EXPECT_EQ_MSG(test, READ_ONCE(f.cb[1]->ready), 0U, "new vCPU READY");
	KUNIT_EXPECT_EQ_MSG(test, READ_ONCE(f.cb[0]->head[7]), lp, "old vCPU HEAD");
}

/* spec 4.5 */
static void cl21_status_reports(struct kunit *test)
{
	struct xmc *x = test->priv;
	struct evtchn_status st;
	u32 u, ipi, virq;

	/* FREE and RESERVED: closed, vcpu 0. */
	memset(&st, 0x5a, sizeof(st));
	KUNIT_ASSERT_EQ(test, xmc_status(x->guest, DOMID_SELF, XMC_FREE_PORT, &st), 0L);
	KUNIT_EXPECT_EQ_MSG(test, st.status, (u32)EVTCHNSTAT_closed, "free port");
	KUNIT_EXPECT_EQ_MSG(test, st.vcpu, 0U, "vcpu of free port");

	/* Numeric domids, never DOMID_SELF; unset union bytes echoed. */
	u = xmc_must(test, xmc_alloc_unbound(x->guest, DOMID_SELF, DOMID_SELF), "u");
	memset(&st, 0xa5, sizeof(st));
	KUNIT_ASSERT_EQ(test, xmc_status(x->guest, XM_DOMID_GUEST, u, &st), 0L);
	KUNIT_EXPECT_EQ_MSG(test, st.status, (u32)EVTCHNSTAT_unbound, "port %u", u);
	KUNIT_EXPECT_EQ_MSG(test, st.u.unbound.dom, XM_DOMID_GUEST, "unbound.dom");
	KUNIT_EXPECT_EQ_MSG(test, st.u.interdomain.port, 0xa5a5a5a5U,
			    "union bytes beyond unbound.dom");

	KUNIT_ASSERT_EQ(test, xmc_status(x->guest, DOMID_SELF, 1, &st), 0L);
	KUNIT_EXPECT_EQ_MSG(test, st.status, (u32)EVTCHNSTAT_interdomain, "port 1");
	KUNIT_EXPECT_EQ_MSG(test, st.u.interdomain.dom, XM_DOMID_PEER, "port 1 remote dom");
	KUNIT_EXPECT_EQ_MSG(test, xm_port_state(x->peer, st.u.interdomain.port),
			    XM_PORT_INTERDOMAIN, "port 1 remote port");

	ipi = xmc_must(test, xmc_bind_ipi(x->guest, 2), "ipi");
	memset(&st, 0xa5, sizeof(st));
	KUNIT_ASSERT_EQ(test, xmc_status(x->guest, DOMID_SELF, ipi, &st), 0L);
	KUNIT_EXPECT_EQ_MSG(test, st.status, (u32)EVTCHNSTAT_ipi, "port %u", ipi);
	KUNIT_EXPECT_EQ_MSG(test, st.vcpu, 2U, "vcpu of IPI %u", ipi);
	KUNIT_EXPECT_EQ_MSG(test, st.u.virq, 0xa5a5a5a5U, "IPI union echoed");

	virq = xmc_must(test, xmc_bind_virq(x->guest, VIRQ_DEBUG, 3), "virq");
	KUNIT_ASSERT_EQ(test, xmc_status(x->guest, DOMID_SELF, virq, &st), 0L);
	KUNIT_EXPECT_EQ_MSG(test, st.status, (u32)EVTCHNSTAT_virq, "port %u", virq);
	KUNIT_EXPECT_EQ_MSG(test, st.u.virq, (u32)VIRQ_DEBUG, "virq number");
	KUNIT_EXPECT_EQ_MSG(test, st.vcpu, 3U, "vcpu of VIRQ %u", virq);

	/* Checks: -ESRCH, then the port (-EINVAL), then permission (-EPERM). */
	KUNIT_EXPECT_EQ_MSG(test, xmc_status(x->guest, XMC_NO_DOMID, 1, &st),
			    (long)-ESRCH, "unknown dom");
	KUNIT_EXPECT_EQ_MSG(test, xmc_status(x->guest, XM_DOMID_PEER, XMC_BAD_PORT, &st),
			    (long)-EINVAL, "dom0, invalid port");
	KUNIT_EXPECT_EQ_MSG(test, xmc_status(x->guest, XM_DOMID_PEER, 1, &st),
			    (long)-EPERM, "dom0, valid port");
	KUNIT_EXPECT_EQ_MSG(test, xmc_status(x->peer, XM_DOMID_GUEST, u, &st), 0L,
			    "control domain reads the guest");
}

/* spec 4.10, 3.3 */
static void cl22_unmask_unusable_noop(struct kunit *test)
{
	static const u32 ports[] = { 0, XMC_FREE_PORT };
	struct xmc *x = test->priv;
	unsigned int i;
	u32 p;

	for (i = 0; i < ARRAY_SIZE(ports); i++) {
		p = ports[i];
		xmc_set_bit(x->shi->evtchn_mask, p, true);
		xmc_set_bit(x->shi->evtchn_pending, p, true);
		KUNIT_EXPECT_EQ_MSG(test, xmc_unmask(x->guest, p), 0L, "unmask %u", p);
		KUNIT_EXPECT_TRUE_MSG(test, xmc_bit(x->shi->evtchn_mask, p),
				      "mask bit of %u kept", p);
		KUNIT_EXPECT_EQ_MSG(test, xmc_vi(x, 0)->evtchn_pending_sel, 0UL,
				    "selector after unmask %u", p);
		KUNIT_EXPECT_EQ_MSG(test, xmc_vi(x, 0)->evtchn_upcall_pending, 0,
				    "flag after unmask %u", p);
	}
}

/* spec 3.3, 4.11 */
static void cl23_xen_attached_ports(struct kunit *test)
{
	struct xmc *x = test->priv;
	struct evtchn_status st = {};
	u32 xa;

	xa = xmc_must(test, xm_alloc_xen_attached(x->guest), "Xen-attached");
	KUNIT_EXPECT_EQ_MSG(test, xmc_close(x->guest, xa), (long)-EINVAL, "close");
	KUNIT_EXPECT_EQ_MSG(test, xmc_send(x->guest, xa), (long)-EINVAL, "send");
	KUNIT_EXPECT_EQ_MSG(test, xmc_bind_vcpu(x->guest, xa, 1), (long)-EINVAL,
			    "bind_vcpu");
	KUNIT_EXPECT_EQ_MSG(test, xmc_status(x->guest, DOMID_SELF, xa, &st), 0L, "status");
	KUNIT_EXPECT_EQ_MSG(test, st.status, (u32)EVTCHNSTAT_unbound, "status of %u", xa);
	xmc_set_bit(x->shi->evtchn_mask, xa, true);
	xmc_set_bit(x->shi->evtchn_pending, xa, true);
	KUNIT_EXPECT_EQ_MSG(test, xmc_unmask(x->guest, xa), 0L, "unmask");
	KUNIT_EXPECT_TRUE_MSG(test, xmc_bit(x->shi->evtchn_mask, xa), "mask kept");
	KUNIT_EXPECT_EQ_MSG(test, xmc_vi(x, 0)->evtchn_pending_sel, 0UL, "no selector");
	KUNIT_EXPECT_EQ_MSG(test, xmc_reset(x->guest, EVTCHNOP_reset, DOMID_SELF), 0L,
			    "reset");
	KUNIT_EXPECT_EQ_MSG(test, xm_port_state(x->guest, xa), XM_PORT_UNBOUND,
			    "Xen-attached %u after reset", xa);
	KUNIT_EXPECT_EQ_MSG(test, xm_port_state(x->guest, 1), XM_PORT_FREE,
			    "guest port 1 after reset");
}

/* spec 4.14, 5.3.6 */
static void cl24_set_priority(struct kunit *test)
{
	struct xmc *x = test->priv;
	struct xmc_fifo f;
	u32 p, xa;

	p = xmc_must(test, xmc_bind_ipi(x->guest, 0), "ipi");
	xa = xmc_must(test, xm_alloc_xen_attached(x->guest), "Xen-attached");
	KUNIT_EXPECT_EQ_MSG(test, xmc_set_priority(x->guest, XMC_BAD_PORT, 3),
			    (long)-EINVAL, "2-level, invalid port");
	KUNIT_EXPECT_EQ_MSG(test, xmc_set_priority(x->guest, p, 3), (long)-XEN_ENOSYS,
			    "2-level");

	xmc_fifo_setup(x, x->guest, &f, 1, 1, 0);
	KUNIT_EXPECT_EQ_MSG(test, xmc_set_priority(x->guest, XMC_BAD_PORT, 3),
			    (long)-EINVAL, "FIFO, invalid port");
	KUNIT_EXPECT_EQ_MSG(test, xmc_set_priority(x->guest, XMC_FREE_PORT, 99),
			    (long)-EACCES, "free port, priority 99");
	KUNIT_EXPECT_EQ_MSG(test, xmc_set_priority(x->guest, xa, 3), (long)-EACCES,
			    "Xen-attached");
	KUNIT_EXPECT_EQ_MSG(test, xmc_set_priority(x->guest, p, 16), (long)-EINVAL,
			    "priority 16");
	KUNIT_EXPECT_EQ_MSG(test, xmc_set_priority(x->guest, p, 15), 0L, "priority 15");
	KUNIT_EXPECT_EQ_MSG(test, xm_fifo_priority(x->guest, p), 15U, "stored");

	/* No relink: a LINKED event stays on its queue. */
	KUNIT_ASSERT_EQ(test, xmc_send(x->guest, p), 0L);
	KUNIT_ASSERT_EQ(test, xm_fifo_tail(x->guest, 0, 15), p);
	KUNIT_EXPECT_EQ_MSG(test, xmc_set_priority(x->guest, p, 2), 0L, "priority 2");
	KUNIT_EXPECT_EQ_MSG(test, xm_fifo_tail(x->guest, 0, 15), p, "old queue tail");
	KUNIT_EXPECT_EQ_MSG(test, xm_fifo_tail(x->guest, 0, 2), 0U, "new queue tail");
	KUNIT_EXPECT_EQ_MSG(test, READ_ONCE(f.cb[0]->ready), BIT(15), "READY bits");
}

static struct kunit_case xmc_binding_cases[] = {
	KUNIT_CASE(cl16_bind_virq_check_order),
	KUNIT_CASE(cl17_domu_global_virqs_busy),
	KUNIT_CASE(cl18_bind_ipi_no_online_check),
	KUNIT_CASE(cl19_bind_vcpu_check_order),
	KUNIT_CASE(cl20_bind_vcpu_keeps_pending_event),
	KUNIT_CASE(cl21_status_reports),
	KUNIT_CASE(cl22_unmask_unusable_noop),
	KUNIT_CASE(cl23_xen_attached_ports),
	KUNIT_CASE(cl24_set_priority),
	{}
};

static struct kunit_suite xmc_binding_suite = {
	.name = "xen_model_conformance_binding",
	.suite_init = xmc_suite_init,
	.suite_exit = xmc_suite_exit,
	.init = xmc_init,
	.exit = xmc_exit,
	.test_cases = xmc_binding_cases,
};

kunit_test_suites(&xmc_binding_suite);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("Conformance of the Xen model: binding, status, unmask, Xen-attached ports, priorities");
