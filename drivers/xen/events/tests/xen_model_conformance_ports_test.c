// SPDX-License-Identifier: GPL-2.0-only
/*
 * Conformance of the model of Xen, argument handling, port validity and
 * allocation, close (items 1-15): case clNN_<what> checks item NN of the
 * model checklist in Documentation/virt/xen/evtchn-model.rst (section 13).
 * Helpers and fixtures: xen_model_conformance.h.
 */
#include "xen_model_conformance.h"

/* --- 1..15: argument handling, ports, allocation, close ------------------ */

/* spec 0.3 */
static void cl01_args_copied_first_outputs_on_success(struct kunit *test)
{
	static const int cmds[] = {
		EVTCHNOP_bind_interdomain, EVTCHNOP_bind_virq, EVTCHNOP_close,
		EVTCHNOP_send, EVTCHNOP_status, EVTCHNOP_alloc_unbound,
		EVTCHNOP_bind_ipi, EVTCHNOP_bind_vcpu, EVTCHNOP_unmask,
		EVTCHNOP_reset, EVTCHNOP_init_control, EVTCHNOP_expand_array,
		EVTCHNOP_set_priority, XMC_EVTCHNOP_RESET_CONT,
	};
	static void * const bad[] = { (void *)1, (void *)0x8000000000000000UL };
	struct xmc *x = test->priv;
	struct evtchn_alloc_unbound au = { .dom = XMC_NO_DOMID, .port = 0xdeadbeef };
	struct evtchn_bind_virq bv = { .virq = XM_NR_VIRQS, .port = 0xdeadbeef };
	unsigned int i, j;
	void *ro;
	u32 free;

	/*
	 * The copy comes first: set_priority would give -ENOSYS in 2-level
	 * and reset_cont -EBUSY, but a faulting argument wins.
	 */
	for (i = 0; i < ARRAY_SIZE(cmds); i++)
		for (j = 0; j < ARRAY_SIZE(bad); j++)
			KUNIT_EXPECT_EQ_MSG(test, xmc_evtchn(x->guest, 0, cmds[i], bad[j]),
					    (long)-EFAULT, "cmd %d bad pointer %u", cmds[i], j);

	/* Failures write nothing back. */
	KUNIT_EXPECT_EQ_MSG(test, xmc_evtchn(x->guest, 0, EVTCHNOP_alloc_unbound, &au),
			    (long)-ESRCH, "alloc_unbound unknown dom");
	KUNIT_EXPECT_EQ_MSG(test, au.port, 0xdeadbeefU, "alloc_unbound port after -ESRCH");
	KUNIT_EXPECT_EQ_MSG(test, xmc_evtchn(x->guest, 0, EVTCHNOP_bind_virq, &bv),
			    (long)-EINVAL, "bind_virq virq 24");
	KUNIT_EXPECT_EQ_MSG(test, bv.port, 0xdeadbeefU, "bind_virq port after -EINVAL");

	/* Success writes the output. */
	au.dom = DOMID_SELF;
	au.remote_dom = XM_DOMID_PEER;
	KUNIT_ASSERT_EQ_MSG(test, xmc_evtchn(x->guest, 0, EVTCHNOP_alloc_unbound, &au),
			    0L, "alloc_unbound self");
	KUNIT_EXPECT_NE_MSG(test, au.port, 0xdeadbeefU, "port written on success");
	KUNIT_EXPECT_EQ_MSG(test, xm_port_state(x->guest, au.port), XM_PORT_UNBOUND,
			    "state of returned port %u", au.port);

	/* A failing copy-back is -EFAULT, but the port stays allocated. */
	free = xmc_lowest_free(x->guest);
	ro = xmc_read_only_arg(test, &au, sizeof(au));
	KUNIT_EXPECT_EQ_MSG(test, xmc_evtchn(x->guest, 0, EVTCHNOP_alloc_unbound, ro),
			    (long)-EFAULT, "alloc_unbound into a read-only argument");
	KUNIT_EXPECT_EQ_MSG(test, xm_port_state(x->guest, free), XM_PORT_UNBOUND,
			    "port %u after the failed copy-back", free);
}

/* spec 0.2, 0.3, 1.1 */
static void cl02_unknown_op_enosys(struct kunit *test)
{
	static const int cmds[] = { 15, 16, 63, 64, 1000, 0x7fffffff, -1 };
	struct xmc *x = test->priv;
	u8 buf[32] = {};
	unsigned int i;
	long rc;

	for (i = 0; i < ARRAY_SIZE(cmds); i++)
		KUNIT_EXPECT_EQ_MSG(test, xmc_evtchn(x->guest, 0, cmds[i], buf),
				    (long)-XEN_ENOSYS, "EVTCHNOP %d", cmds[i]);

	/* Op 14 is dispatched: with no reset in progress it is -EBUSY. */
	KUNIT_EXPECT_EQ_MSG(test, xmc_reset(x->guest, XMC_EVTCHNOP_RESET_CONT,
					    DOMID_SELF),
			    (long)-EBUSY, "reset_cont with no reset running");

	/* The old event_channel_op_compat hypercall is not wired for HVM. */
	xm_enter(x->guest, 0);
	rc = _hypercall1(int, event_channel_op_compat, buf);
	xm_leave();
	KUNIT_EXPECT_EQ_MSG(test, rc, (long)-XEN_ENOSYS, "hypercall 16");
}

/* spec 3.2, 4.3, 4.4, 4.5 */
static void cl03_port0_reserved(struct kunit *test)
{
	struct xmc *x = test->priv;
	struct evtchn_status st = {};
	unsigned int i;

	KUNIT_EXPECT_EQ_MSG(test, xm_port_state(x->guest, 0), XM_PORT_RESERVED,
			    "port 0 state");
	for (i = 0; i < 8; i++)
		KUNIT_EXPECT_GT_MSG(test, xmc_alloc_unbound(x->guest, DOMID_SELF,
							    XM_DOMID_PEER),
				    0L, "allocation %u", i);
	st.vcpu = 0x55;
	KUNIT_EXPECT_EQ_MSG(test, xmc_status(x->guest, DOMID_SELF, 0, &st), 0L,
			    "status port 0");
	KUNIT_EXPECT_EQ_MSG(test, st.status, (u32)EVTCHNSTAT_closed, "status port 0");
	KUNIT_EXPECT_EQ_MSG(test, st.vcpu, 0U, "status vcpu of port 0");
	KUNIT_EXPECT_EQ_MSG(test, xmc_close(x->guest, 0), (long)-EINVAL, "close port 0");
	KUNIT_EXPECT_EQ_MSG(test, xmc_send(x->guest, 0), (long)-EINVAL, "send port 0");
	KUNIT_EXPECT_EQ_MSG(test, xm_port_state(x->guest, 0), XM_PORT_RESERVED,
			    "port 0 state afterwards");
}

/* spec 3.1 */
static void cl04_validity_bucket_granular(struct kunit *test)
{
	struct xmc *x = test->priv;
	struct evtchn_status st = {};
	u32 p;

	KUNIT_EXPECT_EQ_MSG(test, xm_valid_ports(x->guest), (unsigned int)XM_BUCKET_PORTS,
			    "valid ports of a new domain");
	KUNIT_EXPECT_EQ_MSG(test, xmc_status(x->guest, DOMID_SELF, 63, &st), 0L,
			    "status of free port 63");
	KUNIT_EXPECT_EQ_MSG(test, st.status, (u32)EVTCHNSTAT_closed, "port 63");
	KUNIT_EXPECT_EQ_MSG(test, xmc_status(x->guest, DOMID_SELF, 64, &st),
			    (long)-EINVAL, "status of port 64");
	KUNIT_EXPECT_EQ_MSG(test, xmc_close(x->guest, 63), (long)-EINVAL, "close free 63");
	KUNIT_EXPECT_EQ_MSG(test, xmc_unmask(x->guest, 63), 0L, "unmask free 63");
	KUNIT_EXPECT_EQ_MSG(test, xmc_unmask(x->guest, 64), (long)-EINVAL, "unmask 64");

	p = xmc_must(test, xmc_alloc_up_to(x->guest, 64, 70), "allocate port 64");
	KUNIT_EXPECT_EQ_MSG(test, p, 64U, "lowest port above the first bucket");
	KUNIT_EXPECT_EQ_MSG(test, xm_valid_ports(x->guest), 2U * XM_BUCKET_PORTS,
			    "valid ports after allocating 64");
	KUNIT_EXPECT_EQ_MSG(test, xmc_status(x->guest, DOMID_SELF, 127, &st), 0L,
			    "status of free port 127");
	KUNIT_EXPECT_EQ_MSG(test, xmc_status(x->guest, DOMID_SELF, 128, &st),
			    (long)-EINVAL, "status of port 128");

	/* Closing and resetting never shrink validity. */
	KUNIT_EXPECT_EQ_MSG(test, xmc_close(x->guest, p), 0L, "close 64");
	KUNIT_EXPECT_EQ_MSG(test, xmc_reset(x->guest, EVTCHNOP_reset, DOMID_SELF), 0L,
			    "reset");
	KUNIT_EXPECT_EQ_MSG(test, xm_valid_ports(x->guest), 2U * XM_BUCKET_PORTS,
			    "valid ports after close and reset");
	KUNIT_EXPECT_EQ_MSG(test, xmc_status(x->guest, DOMID_SELF, 100, &st), 0L,
			    "status of port 100 after reset");
	KUNIT_EXPECT_EQ_MSG(test, st.status, (u32)EVTCHNSTAT_closed, "port 100");
	KUNIT_EXPECT_EQ_MSG(test, xmc_close(x->guest, 100), (long)-EINVAL,
			    "close free 100");
}

/* spec 3.2, 11 */
static void cl05_alloc_lowest_free_within_limits(struct kunit *test)
{
	struct xmc *x = test->priv;
	struct xm_config cfg;
	long a, b, c, rc;

	a = xmc_must(test, xmc_alloc_unbound(x->guest, DOMID_SELF, 0), "a");
	b = xmc_must(test, xmc_alloc_unbound(x->guest, DOMID_SELF, 0), "b");
	c = xmc_must(test, xmc_alloc_unbound(x->guest, DOMID_SELF, 0), "c");
	KUNIT_EXPECT_EQ_MSG(test, b, a + 1, "second allocation");
	KUNIT_EXPECT_EQ_MSG(test, c, b + 1, "third allocation");
	KUNIT_ASSERT_EQ(test, xmc_close(x->guest, b), 0L);
	KUNIT_EXPECT_EQ_MSG(test, xmc_alloc_unbound(x->guest, DOMID_SELF, 0), b,
			    "allocation after closing %ld", b);

	/* max_evtchn_port = 10: port 10 is the last one. */
	xmc_guest_with_max_port(x, 10);
	rc = xmc_alloc_up_to(x->guest, 10, 20);
	KUNIT_EXPECT_EQ_MSG(test, rc, 10L, "last port under max_evtchn_port 10");
	KUNIT_EXPECT_EQ_MSG(test, xmc_alloc_unbound(x->guest, DOMID_SELF, 0),
			    (long)-ENOSPC, "allocation above max_evtchn_port");

	/* A larger max_evtchn_port: 2-level stops at 4095. */
	xmc_guest_config(&cfg);
	cfg.max_evtchn_port = 5000;
	xmc_replace_guest(x, &cfg);
	rc = xmc_alloc_up_to(x->guest, XM_2L_NR_PORTS, XM_2L_NR_PORTS + 8);
	KUNIT_EXPECT_EQ_MSG(test, rc, (long)-ENOSPC, "allocation at the 2-level limit");
	KUNIT_EXPECT_EQ_MSG(test, xm_port_state(x->guest, XM_2L_NR_PORTS - 1),
			    XM_PORT_UNBOUND, "port 4095 allocated");
}

/* spec 3.2, 5.3.4 */
static void cl06_fifo_linked_ports_busy(struct kunit *test)
{
	struct xmc *x = test->priv;
	struct xmc_fifo f;
	u32 p;
	long q;

	xmc_fifo_setup(x, x->guest, &f, 1, 1, 0);
	p = xmc_must(test, xmc_bind_ipi(x->guest, 0), "bind_ipi");
	KUNIT_ASSERT_EQ(test, xmc_send(x->guest, p), 0L);
	KUNIT_ASSERT_EQ_MSG(test, xmc_w(&f, p), W_PENDING | W_LINKED, "word of %u", p);
	KUNIT_ASSERT_EQ(test, xmc_close(x->guest, p), 0L);
	KUNIT_EXPECT_EQ_MSG(test, xmc_w(&f, p), W_LINKED, "word after close");
	q = xmc_must(test, xmc_alloc_unbound(x->guest, DOMID_SELF, 0), "alloc");
	KUNIT_EXPECT_NE_MSG(test, q, (long)p, "LINKED port %u reused", p);
	xmc_unlink(&f, p);
	KUNIT_EXPECT_EQ_MSG(test, xmc_alloc_unbound(x->guest, DOMID_SELF, 0), (long)p,
			    "allocation once %u is unlinked", p);
}

/* spec 3.2 */
static void cl07_new_port_inherits_mask(struct kunit *test)
{
	struct xmc *x = test->priv;
	struct xmc_fifo f;
	u32 p;

	p = xmc_must(test, xmc_alloc_unbound(x->guest, DOMID_SELF, 0), "alloc");
	xmc_set_bit(x->shi->evtchn_mask, p, true);
	KUNIT_ASSERT_EQ(test, xmc_close(x->guest, p), 0L);
	KUNIT_ASSERT_EQ(test, xmc_alloc_unbound(x->guest, DOMID_SELF, 0), (long)p);
	KUNIT_EXPECT_TRUE_MSG(test, xmc_bit(x->shi->evtchn_mask, p),
			      "2-level mask of reallocated %u", p);
	xmc_set_bit(x->shi->evtchn_mask, p, false);
	KUNIT_ASSERT_EQ(test, xmc_close(x->guest, p), 0L);
	KUNIT_ASSERT_EQ(test, xmc_alloc_unbound(x->guest, DOMID_SELF, 0), (long)p);
	KUNIT_EXPECT_FALSE_MSG(test, xmc_bit(x->shi->evtchn_mask, p),
			       "2-level unmasked state of reallocated %u", p);

	xmc_fifo_setup(x, x->guest, &f, 1, 1, 0);
	*xmc_word(&f, p) = W_MASKED;
	KUNIT_ASSERT_EQ(test, xmc_close(x->guest, p), 0L);
	KUNIT_ASSERT_EQ(test, xmc_alloc_unbound(x->guest, DOMID_SELF, 0), (long)p);
	KUNIT_EXPECT_EQ_MSG(test, xmc_w(&f, p), W_MASKED, "FIFO word of reallocated %u", p);
}

/* spec 4.1, 3.4 */
static void cl08_alloc_unbound_check_order(struct kunit *test)
{
	struct xmc *x = test->priv;
	struct evtchn_status st = {};
	struct xm_config cfg;
	u32 free;
	long p;

	KUNIT_EXPECT_EQ_MSG(test, xmc_alloc_unbound(x->guest, XMC_NO_DOMID, 0),
			    (long)-ESRCH, "dom %u", XMC_NO_DOMID);

	/* Allocation errors come before the permission check. */
	xm_config_default(&cfg);
	cfg.max_evtchn_port = 2;	/* the toolstack ports fill it */
	xmc_domain(x, &cfg, XMC_OTHER_DOMID);
	KUNIT_EXPECT_EQ_MSG(test, xmc_alloc_unbound(x->guest, XMC_OTHER_DOMID, 0),
			    (long)-ENOSPC, "full foreign domain");
	free = xmc_lowest_free(x->peer);
	KUNIT_EXPECT_EQ_MSG(test, xmc_alloc_unbound(x->guest, XM_DOMID_PEER, 0),
			    (long)-EPERM, "domU allocating in dom0");
	KUNIT_EXPECT_EQ_MSG(test, xm_port_state(x->peer, free), XM_PORT_FREE,
			    "peer port %u after the rolled-back allocation", free);
	KUNIT_EXPECT_EQ_MSG(test, xmc_alloc_unbound(x->peer, DOMID_SELF, 0), (long)free,
			    "peer's next allocation");

	/* remote_dom is not validated. */
	p = xmc_must(test, xmc_alloc_unbound(x->guest, DOMID_SELF, 0x1234),
		     "remote_dom 0x1234");
	KUNIT_ASSERT_EQ(test, xmc_status(x->guest, DOMID_SELF, p, &st), 0L);
	KUNIT_EXPECT_EQ_MSG(test, st.u.unbound.dom, 0x1234, "remote of %ld", p);

	/* DOMID_SELF as remote names the caller, not dom. */
	p = xmc_must(test, xmc_alloc_unbound(x->peer, XM_DOMID_GUEST, DOMID_SELF),
		     "dom0 allocating in the guest");
	KUNIT_ASSERT_EQ(test, xmc_status(x->guest, DOMID_SELF, p, &st), 0L);
	KUNIT_EXPECT_EQ_MSG(test, st.status, (u32)EVTCHNSTAT_unbound, "port %ld", p);
	KUNIT_EXPECT_EQ_MSG(test, st.u.unbound.dom, XM_DOMID_PEER,
			    "remote of port %ld allocated by dom0", p);
}

/* spec 4.2 */
static void cl09_bind_interdomain_allocates_before_validating(struct kunit *test)
{
	struct xmc *x = test->priv;
	long next, other;

	KUNIT_EXPECT_EQ_MSG(test, xmc_bind_interdomain(x->guest, 0, XMC_NO_DOMID, 1),
			    (long)-ESRCH, "unknown remote domain");
	KUNIT_EXPECT_EQ_MSG(test, xmc_bind_interdomain(x->guest, 0, XM_DOMID_PEER,
						       XMC_BAD_PORT),
			    (long)-EINVAL, "invalid remote port");
	other = xmc_must(test, xmc_alloc_unbound(x->peer, DOMID_SELF, 0x1234),
			 "peer port for someone else");
	KUNIT_EXPECT_EQ_MSG(test, xmc_bind_interdomain(x->guest, 0, XM_DOMID_PEER, other),
			    (long)-EINVAL, "remote port offered to another domain");
	KUNIT_EXPECT_EQ_MSG(test, xmc_bind_interdomain(x->guest, 0, XM_DOMID_PEER, 3000),
			    (long)-EINVAL, "remote port beyond the peer's valid ports");
	/* The failed attempts leaked no local port. */
	next = xmc_must(test, xmc_alloc_unbound(x->guest, DOMID_SELF, 0), "alloc");
	KUNIT_EXPECT_EQ_MSG(test, next, 3L, "lowest free port after failed binds");

	/* A full guest fails the allocation before the remote port is read. */
	xmc_guest_with_max_port(x, 2);
	KUNIT_EXPECT_EQ_MSG(test, xmc_bind_interdomain(x->guest, 0, XM_DOMID_PEER,
						       XMC_BAD_PORT),
			    (long)-ENOSPC, "full guest, invalid remote port");
}

/* spec 4.2 */
static void cl10_bind_interdomain_raises_local_on_vcpu0(struct kunit *test)
{
	struct xmc *x = test->priv;
	u32 lp, rp;

	KUNIT_ASSERT_EQ(test, xmc_vi(x, 0)->evtchn_pending_sel, 0UL);
	lp = xmc_peer_channel(x, 2, &rp);	/* issued from vCPU 2 */
	KUNIT_EXPECT_EQ_MSG(test, xm_port_notify_vcpu(x->guest, lp), 0U,
			    "notify vCPU of %u", lp);
	KUNIT_EXPECT_TRUE_MSG(test, xmc_bit(x->shi->evtchn_pending, lp),
			      "pending bit of new port %u", lp);
	KUNIT_EXPECT_TRUE_MSG(test, xmc_sel(xmc_vi(x, 0), lp), "vCPU 0 selector");
	KUNIT_EXPECT_EQ_MSG(test, xmc_vi(x, 0)->evtchn_upcall_pending, 1, "vCPU 0 flag");
	KUNIT_EXPECT_EQ_MSG(test, xmc_vi(x, 2)->evtchn_pending_sel, 0UL,
			    "selector of the calling vCPU 2");
	KUNIT_EXPECT_EQ_MSG(test, xmc_vi(x, 2)->evtchn_upcall_pending, 0, "vCPU 2 flag");
	KUNIT_EXPECT_EQ_MSG(test, xm_port_state(x->peer, rp), XM_PORT_INTERDOMAIN,
			    "peer end %u", rp);
}

/* spec 4.2 loopback recipe */
static void cl11_loopback_interdomain(struct kunit *test)
{
	struct xmc *x = test->priv;
	struct evtchn_status st = {};
	u32 a, b;

	xmc_loopback(x, x->guest, &a, &b);
	KUNIT_EXPECT_TRUE_MSG(test, xmc_bit(x->shi->evtchn_pending, b),
			      "bound end %u pending after bind", b);
	KUNIT_EXPECT_FALSE_MSG(test, xmc_bit(x->shi->evtchn_pending, a),
			       "unbound end %u after bind", a);
	KUNIT_ASSERT_EQ(test, xmc_status(x->guest, DOMID_SELF, a, &st), 0L);
	KUNIT_EXPECT_EQ_MSG(test, st.status, (u32)EVTCHNSTAT_interdomain, "end %u", a);
	KUNIT_EXPECT_EQ_MSG(test, st.u.interdomain.dom, XM_DOMID_GUEST, "peer dom of %u", a);
	KUNIT_EXPECT_EQ_MSG(test, st.u.interdomain.port, b, "peer port of %u", a);

	xmc_set_bit(x->shi->evtchn_pending, b, false);
	KUNIT_ASSERT_EQ(test, xmc_send(x->guest, a), 0L);
	KUNIT_EXPECT_TRUE_MSG(test, xmc_bit(x->shi->evtchn_pending, b), "send(%u)", a);
	KUNIT_EXPECT_FALSE_MSG(test, xmc_bit(x->shi->evtchn_pending, a), "send(%u)", a);
	KUNIT_ASSERT_EQ(test, xmc_send(x->guest, b), 0L);
	KUNIT_EXPECT_TRUE_MSG(test, xmc_bit(x->shi->evtchn_pending, a), "send(%u)", b);
}

/* spec 4.4 */
static void cl12_send_by_state(struct kunit *test)
{
	struct xmc *x = test->priv;
	u32 u, v, i;

	u = xmc_must(test, xmc_alloc_unbound(x->guest, DOMID_SELF, 0), "unbound");
	v = xmc_must(test, xmc_bind_virq(x->guest, VIRQ_TIMER, 0), "virq");
	i = xmc_must(test, xmc_bind_ipi(x->guest, 0), "ipi");
	KUNIT_EXPECT_EQ_MSG(test, xmc_send(x->guest, u), 0L, "send on UNBOUND %u", u);
	KUNIT_EXPECT_FALSE_MSG(test, xmc_bit(x->shi->evtchn_pending, u),
			       "UNBOUND %u pending after send", u);
	KUNIT_EXPECT_EQ_MSG(test, xmc_vi(x, 0)->evtchn_upcall_pending, 0,
			    "upcall after dropped send");
	KUNIT_EXPECT_EQ_MSG(test, xmc_send(x->guest, v), (long)-EINVAL, "send on VIRQ");
	KUNIT_EXPECT_EQ_MSG(test, xmc_send(x->guest, XMC_FREE_PORT), (long)-EINVAL,
			    "send on free port");
	KUNIT_EXPECT_EQ_MSG(test, xmc_send(x->guest, XMC_BAD_PORT), (long)-EINVAL,
			    "send on invalid port");
	KUNIT_EXPECT_EQ_MSG(test, xmc_send(x->guest, i), 0L, "send on IPI");
	KUNIT_EXPECT_TRUE_MSG(test, xmc_bit(x->shi->evtchn_pending, i), "IPI %u", i);
	/* PIRQ: a domU without passthrough has no PIRQ to bind; not covered. */
}

/* spec 4.3 */
static void cl13_close_interdomain_peer_unbound_for_closer(struct kunit *test)
{
	struct xmc *x = test->priv;
	struct shared_info *ps = xm_shared_info(x->peer);
	struct evtchn_status st = {};
	u32 lp, rp;

	lp = xmc_peer_channel(x, 0, &rp);
	KUNIT_ASSERT_EQ(test, xmc_send(x->guest, lp), 0L);
	KUNIT_ASSERT_TRUE(test, xmc_bit(ps->evtchn_pending, rp));
	KUNIT_ASSERT_EQ(test, xmc_close(x->guest, lp), 0L);
	KUNIT_EXPECT_EQ_MSG(test, xm_port_state(x->peer, rp), XM_PORT_UNBOUND,
			    "peer end %u after close", rp);
	KUNIT_ASSERT_EQ(test, xmc_status(x->peer, DOMID_SELF, rp, &st), 0L);
	KUNIT_EXPECT_EQ_MSG(test, st.u.unbound.dom, XM_DOMID_GUEST,
			    "peer end accepts the closer");
	KUNIT_EXPECT_TRUE_MSG(test, xmc_bit(ps->evtchn_pending, rp),
			      "peer end pending bit left alone");
	KUNIT_EXPECT_GT_MSG(test, xmc_bind_interdomain(x->guest, 0, XM_DOMID_PEER, rp), 0L,
			    "the closer binds %u again", rp);
}

/* spec 4.3, 5.2.2, 5.3.4 */
static void cl14_close_clears_only_pending(struct kunit *test)
{
	struct xmc *x = test->priv;
	struct xmc_fifo f;
	u32 p;

	p = xmc_must(test, xmc_bind_ipi(x->guest, 0), "ipi");
	KUNIT_ASSERT_EQ(test, xmc_send(x->guest, p), 0L);
	xmc_set_bit(x->shi->evtchn_mask, p, true);
	KUNIT_ASSERT_EQ(test, xmc_close(x->guest, p), 0L);
	KUNIT_EXPECT_FALSE_MSG(test, xmc_bit(x->shi->evtchn_pending, p), "pending %u", p);
	KUNIT_EXPECT_TRUE_MSG(test, xmc_bit(x->shi->evtchn_mask, p), "mask %u", p);
	KUNIT_EXPECT_TRUE_MSG(test, xmc_sel(xmc_vi(x, 0), p), "selector bit");
	KUNIT_EXPECT_EQ_MSG(test, xmc_vi(x, 0)->evtchn_upcall_pending, 1, "upcall flag");

	xmc_fifo_setup(x, x->guest, &f, 1, 1, 0);
	p = xmc_must(test, xmc_bind_ipi(x->guest, 0), "FIFO ipi");
	KUNIT_ASSERT_EQ(test, xmc_send(x->guest, p), 0L);
	*xmc_word(&f, p) |= W_MASKED;
	KUNIT_ASSERT_EQ(test, xmc_close(x->guest, p), 0L);
	KUNIT_EXPECT_EQ_MSG(test, xmc_w(&f, p), W_MASKED | W_LINKED,
			    "FIFO word of closed %u", p);
}

/* spec 4.3 */
static void cl15_free_resets_notify_vcpu(struct kunit *test)
{
	struct xmc *x = test->priv;
	struct evtchn_status st = {};
	u32 p;

	p = xmc_must(test, xmc_alloc_unbound(x->guest, DOMID_SELF, 0), "alloc");
	KUNIT_ASSERT_EQ(test, xmc_bind_vcpu(x->guest, p, 2), 0L);
	KUNIT_ASSERT_EQ(test, xm_port_notify_vcpu(x->guest, p), 2U);
	KUNIT_ASSERT_EQ(test, xmc_close(x->guest, p), 0L);
	KUNIT_EXPECT_EQ_MSG(test, xm_port_notify_vcpu(x->guest, p), 0U,
			    "notify vCPU of freed %u", p);
	KUNIT_ASSERT_EQ(test, xmc_status(x->guest, DOMID_SELF, p, &st), 0L);
	KUNIT_EXPECT_EQ_MSG(test, st.vcpu, 0U, "status vcpu of freed %u", p);

	p = xmc_must(test, xmc_bind_ipi(x->guest, 3), "ipi on vCPU 3");
	KUNIT_ASSERT_EQ(test, xmc_close(x->guest, p), 0L);
	KUNIT_EXPECT_EQ_MSG(test, xm_port_notify_vcpu(x->guest, p), 0U,
			    "notify vCPU of freed IPI %u", p);
	KUNIT_ASSERT_EQ(test, xmc_alloc_unbound(x->guest, DOMID_SELF, 0), (long)p);
	KUNIT_EXPECT_EQ_MSG(test, xm_port_notify_vcpu(x->guest, p), 0U,
			    "notify vCPU of reallocated %u", p);
}

static struct kunit_case xmc_ports_cases[] = {
	KUNIT_CASE(cl01_args_copied_first_outputs_on_success),
	KUNIT_CASE(cl02_unknown_op_enosys),
	KUNIT_CASE(cl03_port0_reserved),
	KUNIT_CASE(cl04_validity_bucket_granular),
	KUNIT_CASE(cl05_alloc_lowest_free_within_limits),
	KUNIT_CASE(cl06_fifo_linked_ports_busy),
	KUNIT_CASE(cl07_new_port_inherits_mask),
	KUNIT_CASE(cl08_alloc_unbound_check_order),
	KUNIT_CASE(cl09_bind_interdomain_allocates_before_validating),
	KUNIT_CASE(cl10_bind_interdomain_raises_local_on_vcpu0),
	KUNIT_CASE(cl11_loopback_interdomain),
	KUNIT_CASE(cl12_send_by_state),
	KUNIT_CASE(cl13_close_interdomain_peer_unbound_for_closer),
	KUNIT_CASE(cl14_close_clears_only_pending),
	KUNIT_CASE(cl15_free_resets_notify_vcpu),
	{}
};

static struct kunit_suite xmc_ports_suite = {
	.name = "xen_model_conformance_ports",
	.suite_init = xmc_suite_init,
	.suite_exit = xmc_suite_exit,
	.init = xmc_init,
	.exit = xmc_exit,
	.test_cases = xmc_ports_cases,
};

kunit_test_suites(&xmc_ports_suite);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("Conformance of the Xen model: argument handling, port validity and allocation, close");
