// SPDX-License-Identifier: GPL-2.0-only
/*
 * Conformance of the model of Xen, upcall delivery: flags, vectors,
 * callback vias (items 50-61): case clNN_<what> checks item NN of the
 * model checklist in Documentation/virt/xen/evtchn-model.rst (section 13).
 * Helpers and fixtures: xen_model_conformance.h.
 */
#include "xen_model_conformance.h"

/* --- 50..61: upcall delivery --------------------------------------------- */

/* spec 5.4 */
static void cl50_mark_pending_only_on_0_to_1(struct kunit *test)
{
	struct xmc *x = test->priv;
	struct vcpu_info *vi = xmc_vi(x, 0);
	unsigned long n;
	u32 p;

	xmc_vector_quiet(x, x->guest, 0);
	xmc_ack(vi);
	p = xmc_must(test, xmc_bind_ipi(x->guest, 0), "ipi");
	n = xmc_upcalls(x, 0);
	WRITE_ONCE(vi->evtchn_upcall_pending, 1);
	KUNIT_ASSERT_EQ(test, xmc_send(x->guest, p), 0L);
	KUNIT_EXPECT_TRUE_MSG(test, xmc_sel(vi, p), "selector");
	KUNIT_EXPECT_EQ_MSG(test, xmc_upcalls(x, 0), n, "flag already 1");

	xmc_ack(vi);
	xmc_set_bit(x->shi->evtchn_pending, p, false);
	KUNIT_ASSERT_EQ(test, xmc_send(x->guest, p), 0L);
	KUNIT_EXPECT_EQ_MSG(test, vi->evtchn_upcall_pending, 1, "flag");
	KUNIT_EXPECT_EQ_MSG(test, xmc_upcalls(x, 0), n + 1, "flag 0 -> 1");
}

/* spec 7.2, 7.3 step 1 */
static void cl51_per_vcpu_vector_edge_lapic(struct kunit *test)
{
	struct xmc *x = test->priv;
	struct vcpu_info *vi = xmc_vi(x, 0);
	unsigned long n;
	u32 p;

	p = xmc_must(test, xmc_bind_ipi(x->guest, 0), "ipi");
	KUNIT_ASSERT_EQ(test, xmc_set_vector(x->guest, 0, 0, XMC_VEC), 0L);
	KUNIT_EXPECT_TRUE_MSG(test, xm_lapic_irr(x->guest, 0, XMC_VEC), "IRR");
	KUNIT_EXPECT_EQ_MSG(test, xm_lapic_accept(x->guest, 0), XMC_VEC, "accept");
	KUNIT_EXPECT_TRUE_MSG(test, xm_lapic_isr(x->guest, 0, XMC_VEC), "ISR until EOI");
	KUNIT_EXPECT_FALSE(test, xm_lapic_irr(x->guest, 0, XMC_VEC));

	/* Edge: a new request lands in IRR while the old one is in service. */
	KUNIT_ASSERT_EQ(test, xmc_send(x->guest, p), 0L);
	KUNIT_EXPECT_TRUE_MSG(test, xm_lapic_irr(x->guest, 0, XMC_VEC), "IRR again");
	KUNIT_EXPECT_TRUE_MSG(test, xm_lapic_isr(x->guest, 0, XMC_VEC), "ISR held");
	xm_lapic_eoi(x->guest, 0);
	KUNIT_EXPECT_FALSE_MSG(test, xm_lapic_isr(x->guest, 0, XMC_VEC), "ISR after EOI");
	KUNIT_EXPECT_EQ(test, xm_lapic_accept(x->guest, 0), XMC_VEC);
	xm_lapic_eoi(x->guest, 0);

	/* Disabled vLAPIC: nothing at all. */
	xm_lapic_set_enabled(x->guest, 0, false);
	xmc_ack(vi);
	xmc_set_bit(x->shi->evtchn_pending, p, false);
	n = xmc_upcalls(x, 0);
	KUNIT_ASSERT_EQ(test, xmc_send(x->guest, p), 0L);
	KUNIT_EXPECT_EQ_MSG(test, vi->evtchn_upcall_pending, 1, "flag, LAPIC disabled");
	KUNIT_EXPECT_FALSE_MSG(test, xm_lapic_irr(x->guest, 0, XMC_VEC), "IRR, disabled");
	KUNIT_EXPECT_EQ_MSG(test, xmc_upcalls(x, 0), n, "injections, disabled");
}

/* spec 7.2 */
static void cl52_set_upcall_vector_checks(struct kunit *test)
{
	struct xmc *x = test->priv;
	struct {
		u32 vcpu;
		u8 vector;
		long expect;
	} t[] = {
		{ 0, 0x0f, -EINVAL },
		{ 0, 0, -EINVAL },		/* cannot be cleared */
		{ 99, 0x0f, -EINVAL },		/* vector before vCPU */
		{ 99, 0x10, -ENOENT },
		{ XMC_NR_VCPUS, 0x10, -ENOENT },
	};
	unsigned long n;
	unsigned int i;

	KUNIT_EXPECT_EQ_MSG(test, xmc_hvm(x->guest, 0, HVMOP_set_evtchn_upcall_vector,
					  (void *)1),
			    (long)-EFAULT, "faulting argument");
	for (i = 0; i < ARRAY_SIZE(t); i++)
		KUNIT_EXPECT_EQ_MSG(test, xmc_set_vector(x->guest, 0, t[i].vcpu, t[i].vector),
				    t[i].expect, "vcpu %u vector %#x", t[i].vcpu, t[i].vector);

	/* Another vCPU's vector, flag clear: injected anyway. */
	KUNIT_EXPECT_EQ_MSG(test, xmc_set_vector(x->guest, 0, 1, 0x10), 0L, "vCPU 1");
	KUNIT_EXPECT_EQ(test, xm_upcall_vector(x->guest, 1), 0x10);
	KUNIT_EXPECT_TRUE_MSG(test, xm_lapic_irr(x->guest, 1, 0x10), "spurious IRR");
	KUNIT_EXPECT_EQ_MSG(test, xmc_set_vector(x->guest, 1, 1, 0x20), 0L, "change");
	KUNIT_EXPECT_EQ(test, xm_upcall_vector(x->guest, 1), 0x20);

	/* No online check. */
	xm_vcpu_set_online(x->guest, 2, false);
	n = xmc_upcalls(x, 2);
	KUNIT_EXPECT_EQ_MSG(test, xmc_set_vector(x->guest, 0, 2, XMC_VEC), 0L,
			    "offline vCPU 2");
	KUNIT_EXPECT_EQ_MSG(test, xmc_upcalls(x, 2), n + 1, "offline vCPU 2 injected");
	/* -EINVAL for a non-HVM domain: the model has only HVM/PVH domains. */
}

/* spec 7.4 */
static void cl53_svr_enable_reinjects(struct kunit *test)
{
	struct xmc *x = test->priv;
	struct vcpu_info *vi = xmc_vi(x, 0);
	u32 p;

	xmc_vector_quiet(x, x->guest, 0);
	xmc_ack(vi);
	p = xmc_must(test, xmc_bind_ipi(x->guest, 0), "ipi");
	xm_lapic_set_enabled(x->guest, 0, false);
	KUNIT_ASSERT_EQ(test, xmc_send(x->guest, p), 0L);
	KUNIT_ASSERT_EQ(test, vi->evtchn_upcall_pending, 1);
	KUNIT_ASSERT_FALSE(test, xm_lapic_irr(x->guest, 0, XMC_VEC));
	xm_lapic_set_enabled(x->guest, 0, true);	/* e.g. via the APIC-base MSR */
	KUNIT_EXPECT_FALSE_MSG(test, xm_lapic_irr(x->guest, 0, XMC_VEC),
			       "enable without an SVR write");
	xm_lapic_write_svr_enable(x->guest, 0);
	KUNIT_EXPECT_TRUE_MSG(test, xm_lapic_irr(x->guest, 0, XMC_VEC), "SVR write");
	KUNIT_EXPECT_EQ(test, xm_lapic_accept(x->guest, 0), XMC_VEC);
	xm_lapic_eoi(x->guest, 0);
	xm_lapic_write_svr_enable(x->guest, 0);
	KUNIT_EXPECT_TRUE_MSG(test, xm_lapic_irr(x->guest, 0, XMC_VEC),
			      "SVR write on an enabled LAPIC");
	KUNIT_EXPECT_EQ(test, xm_lapic_accept(x->guest, 0), XMC_VEC);
	xm_lapic_eoi(x->guest, 0);
	WRITE_ONCE(vi->evtchn_upcall_pending, 0);
	xm_lapic_write_svr_enable(x->guest, 0);
	KUNIT_EXPECT_FALSE_MSG(test, xm_lapic_irr(x->guest, 0, XMC_VEC),
			       "SVR write with the flag clear");
}

/* spec 7.1 (vector type). TPR is not modelled, so "ignores TPR" is not checked. */
static void cl54_global_vector_via(struct kunit *test)
{
	struct xmc *x = test->priv;
	struct vcpu_info *vi = xmc_vi(x, 0);
	unsigned long n;
	u32 p;

	p = xmc_must(test, xmc_bind_ipi(x->guest, 0), "ipi");
	KUNIT_ASSERT_EQ(test, xmc_set_param(x->guest, HVM_PARAM_CALLBACK_IRQ,
					    CB_VIA_VECTOR(XMC_GVEC)), 0L);
	KUNIT_EXPECT_EQ(test, xm_via_type(x->guest), XM_VIA_VECTOR);
	xmc_ack(vi);
	KUNIT_EXPECT_FALSE_MSG(test, xm_vm_entry_injects_global(x->guest, 0, true),
			       "flag clear");
	n = xm_global_injections(x->guest, 0);
	KUNIT_ASSERT_EQ(test, xmc_send(x->guest, p), 0L);
	KUNIT_EXPECT_TRUE_MSG(test, xm_vm_entry_injects_global(x->guest, 0, true),
			      "first VM entry");
	KUNIT_EXPECT_TRUE_MSG(test, xm_vm_entry_injects_global(x->guest, 0, true),
			      "again: level-like, no EOI");
	KUNIT_EXPECT_FALSE_MSG(test, xm_vm_entry_injects_global(x->guest, 0, false),
			       "IF=0");
	KUNIT_EXPECT_EQ_MSG(test, xm_global_injections(x->guest, 0), n + 2, "count");
	KUNIT_EXPECT_FALSE_MSG(test, xm_lapic_irr(x->guest, 0, XMC_GVEC), "no LAPIC IRR");
	WRITE_ONCE(vi->evtchn_upcall_pending, 0);
	KUNIT_EXPECT_FALSE_MSG(test, xm_vm_entry_injects_global(x->guest, 0, true),
			       "flag cleared by the guest");
}

/* spec 7.1 (GSI / INTx), 7.3 step 3 */
static void cl55_gsi_via_vcpu0_only(struct kunit *test)
{
	static const u64 vias[] = { CB_VIA_GSI(5), CB_VIA_INTX(3, 1) };
	struct xmc *x = test->priv;
	unsigned int i;
	u32 p0, p1;

	for (i = 0; i < ARRAY_SIZE(vias); i++) {
		xmc_ack(xmc_vi(x, 0));
		xmc_ack(xmc_vi(x, 1));
		KUNIT_ASSERT_EQ(test, xmc_set_param(x->guest, HVM_PARAM_CALLBACK_IRQ,
						    vias[i]), 0L);
		KUNIT_EXPECT_FALSE_MSG(test, xm_gsi_asserted(x->guest),
				       "via %#llx, nothing pending", vias[i]);
		p1 = xmc_raise_ipi(x, 1);
		KUNIT_EXPECT_EQ(test, xmc_vi(x, 1)->evtchn_upcall_pending, 1);
		KUNIT_EXPECT_FALSE_MSG(test, xm_gsi_asserted(x->guest),
				       "via %#llx, vCPU 1 pending", vias[i]);
		p0 = xmc_raise_ipi(x, 0);
		KUNIT_EXPECT_TRUE_MSG(test, xm_gsi_asserted(x->guest),
				      "via %#llx, vCPU 0 pending", vias[i]);
		xmc_close(x->guest, p0);
		xmc_close(x->guest, p1);
	}
}

/* spec 1.7, 7.1 */
static void cl56_callback_irq_decoding(struct kunit *test)
{
	static const struct {
		u64 value;
		enum xm_via_type type;
	} t[] = {
		{ 0, XM_VIA_NONE },
		{ CB_VIA_GSI(5), XM_VIA_GSI },
		{ (0x123456ULL << 8) | 5, XM_VIA_GSI },	/* only bits 7:0 count */
		{ CB_VIA_GSI(0x100), XM_VIA_NONE },		/* GSI 0 */
		{ CB_VIA_GSI(47), XM_VIA_GSI },
		{ CB_VIA_GSI(48), XM_VIA_NONE },		/* >= nr_gsis */
		{ CB_VIA_INTX(3, 1) | (0xabULL << 16) | (7 << 8), XM_VIA_PCI_INTX },
		{ CB_VIA_VECTOR(XMC_GVEC), XM_VIA_VECTOR },
		{ CB_VIA_VECTOR(0x05), XM_VIA_VECTOR },	/* no range check */
		{ (3ULL << 56) | 5, XM_VIA_NONE },
		{ (0xffULL << 56) | 5, XM_VIA_NONE },
	};
	struct xmc *x = test->priv;
	unsigned int i;
	u64 v;

	for (i = 0; i < ARRAY_SIZE(t); i++) {
		KUNIT_EXPECT_EQ_MSG(test, xmc_set_param(x->guest, HVM_PARAM_CALLBACK_IRQ,
							t[i].value), 0L,
				    "set %#llx", t[i].value);
		KUNIT_EXPECT_EQ_MSG(test, xmc_get_param(x->guest, HVM_PARAM_CALLBACK_IRQ,
							&v), 0L, "get after %#llx", t[i].value);
		KUNIT_EXPECT_EQ_MSG(test, v, t[i].value, "raw value read back");
		KUNIT_EXPECT_EQ_MSG(test, xm_callback_irq(x->guest), t[i].value, "stored");
		KUNIT_EXPECT_EQ_MSG(test, xm_via_type(x->guest), t[i].type,
				    "via type of %#llx", t[i].value);
	}
}

/* spec 7.1 step 4 */
static void cl57_set_callback_asserts_all_online(struct kunit *test)
{
	struct xmc *x = test->priv;
	unsigned long n[XMC_NR_VCPUS];
	unsigned int v;

	for (v = 1; v < XMC_NR_VCPUS; v++) {
		xmc_vector_quiet(x, x->guest, v);
		xmc_ack(xmc_vi(x, v));
	}
	xm_vcpu_set_online(x->guest, 3, false);
	for (v = 1; v < XMC_NR_VCPUS; v++)
		n[v] = xmc_upcalls(x, v);
	KUNIT_ASSERT_EQ(test, xmc_set_param(x->guest, HVM_PARAM_CALLBACK_IRQ, 1), 0L);
	KUNIT_EXPECT_EQ_MSG(test, xmc_upcalls(x, 1), n[1] + 1, "online vCPU 1");
	KUNIT_EXPECT_EQ_MSG(test, xmc_upcalls(x, 2), n[2] + 1, "online vCPU 2");
	KUNIT_EXPECT_EQ_MSG(test, xmc_upcalls(x, 3), n[3], "offline vCPU 3");
	KUNIT_EXPECT_FALSE_MSG(test, xm_gsi_asserted(x->guest), "vCPU 0 flag clear");

	/* A GSI via installed while vCPU 0's flag is set is asserted at once. */
	WRITE_ONCE(xmc_vi(x, 0)->evtchn_upcall_pending, 1);
	KUNIT_ASSERT_EQ(test, xmc_set_param(x->guest, HVM_PARAM_CALLBACK_IRQ, 5), 0L);
	KUNIT_EXPECT_TRUE_MSG(test, xm_gsi_asserted(x->guest), "GSI 5, vCPU 0 flag set");
}

/* spec 7.1 step 1 */
static void cl58_pvh_ignores_non_vector_via(struct kunit *test)
{
	struct xmc *x = test->priv;
	struct xm_config cfg;
	u64 v;

	xmc_guest_config(&cfg);
	cfg.pvh = true;
	xmc_replace_guest(x, &cfg);
	KUNIT_ASSERT_EQ(test, xmc_set_param(x->guest, HVM_PARAM_CALLBACK_IRQ,
					    CB_VIA_VECTOR(XMC_GVEC)), 0L);
	KUNIT_ASSERT_EQ(test, xm_via_type(x->guest), XM_VIA_VECTOR);
	KUNIT_EXPECT_EQ_MSG(test, xmc_set_param(x->guest, HVM_PARAM_CALLBACK_IRQ,
						CB_VIA_GSI(5)), 0L, "GSI on PVH");
	KUNIT_EXPECT_EQ_MSG(test, xm_via_type(x->guest), XM_VIA_VECTOR, "after GSI");
	KUNIT_EXPECT_EQ(test, xmc_get_param(x->guest, HVM_PARAM_CALLBACK_IRQ, &v), 0L);
	KUNIT_EXPECT_EQ_MSG(test, v, CB_VIA_GSI(5), "raw value stored anyway");
	KUNIT_EXPECT_EQ_MSG(test, xmc_set_param(x->guest, HVM_PARAM_CALLBACK_IRQ, 0), 0L,
			    "0 on PVH");
	KUNIT_EXPECT_EQ_MSG(test, xm_via_type(x->guest), XM_VIA_VECTOR,
			    "vector via cannot be switched off");
	KUNIT_EXPECT_EQ(test, xm_callback_irq(x->guest), 0ULL);
}

/* spec 7.3 step 2 */
static void cl59_vcpu0_vector_silences_others(struct kunit *test)
{
	struct xmc *x = test->priv;

	KUNIT_ASSERT_EQ(test, xmc_set_param(x->guest, HVM_PARAM_CALLBACK_IRQ, 1), 0L);
	xmc_vector_quiet(x, x->guest, 0);
	xmc_ack(xmc_vi(x, 0));
	xmc_ack(xmc_vi(x, 1));
	xmc_raise_ipi(x, 1);
	KUNIT_EXPECT_EQ(test, xmc_vi(x, 1)->evtchn_upcall_pending, 1);
	KUNIT_EXPECT_EQ_MSG(test, xmc_upcalls(x, 1), 0UL, "vCPU 1 has no vector");
	KUNIT_EXPECT_FALSE_MSG(test, xm_gsi_asserted(x->guest), "GSI line");
	KUNIT_EXPECT_FALSE_MSG(test, xm_vm_entry_injects_global(x->guest, 1, true),
			       "GSI via: nothing for vCPU 1");
	KUNIT_ASSERT_EQ(test, xmc_set_param(x->guest, HVM_PARAM_CALLBACK_IRQ,
					    CB_VIA_VECTOR(XMC_GVEC)), 0L);
	KUNIT_EXPECT_TRUE_MSG(test, xm_vm_entry_injects_global(x->guest, 1, true),
			      "vector via: vCPU 1 gets the global vector");
}

/* spec 7.2 precedence */
static void cl60_global_vector_plus_per_vcpu_both(struct kunit *test)
{
	struct xmc *x = test->priv;

	KUNIT_ASSERT_EQ(test, xmc_set_param(x->guest, HVM_PARAM_CALLBACK_IRQ,
					    CB_VIA_VECTOR(XMC_GVEC)), 0L);
	xmc_vector_quiet(x, x->guest, 0);
	xmc_ack(xmc_vi(x, 0));
	xmc_raise_ipi(x, 0);
	KUNIT_EXPECT_TRUE_MSG(test, xm_lapic_irr(x->guest, 0, XMC_VEC), "per-vCPU vector");
	KUNIT_EXPECT_TRUE_MSG(test, xm_vm_entry_injects_global(x->guest, 0, true),
			      "global vector as well");
}

/* spec 7.3, 7.5 */
static void cl61_upcall_mask_ignored(struct kunit *test)
{
	struct xmc *x = test->priv;
	struct vcpu_info *vi = xmc_vi(x, 0);
	unsigned long n;

	KUNIT_ASSERT_EQ(test, xmc_set_param(x->guest, HVM_PARAM_CALLBACK_IRQ,
					    CB_VIA_VECTOR(XMC_GVEC)), 0L);
	xmc_vector_quiet(x, x->guest, 0);
	xmc_ack(vi);
	WRITE_ONCE(vi->evtchn_upcall_mask, 1);
	n = xmc_upcalls(x, 0);
	xmc_raise_ipi(x, 0);
	KUNIT_EXPECT_EQ_MSG(test, xmc_upcalls(x, 0), n + 1, "per-vCPU vector, mask 1");
	KUNIT_EXPECT_TRUE_MSG(test, xm_lapic_irr(x->guest, 0, XMC_VEC), "IRR, mask 1");
	KUNIT_EXPECT_TRUE_MSG(test, xm_vm_entry_injects_global(x->guest, 0, true),
			      "global vector, mask 1");
}

static struct kunit_case xmc_upcall_cases[] = {
	KUNIT_CASE(cl50_mark_pending_only_on_0_to_1),
	KUNIT_CASE(cl51_per_vcpu_vector_edge_lapic),
	KUNIT_CASE(cl52_set_upcall_vector_checks),
	KUNIT_CASE(cl53_svr_enable_reinjects),
	KUNIT_CASE(cl54_global_vector_via),
	KUNIT_CASE(cl55_gsi_via_vcpu0_only),
	KUNIT_CASE(cl56_callback_irq_decoding),
	KUNIT_CASE(cl57_set_callback_asserts_all_online),
	KUNIT_CASE(cl58_pvh_ignores_non_vector_via),
	KUNIT_CASE(cl59_vcpu0_vector_silences_others),
	KUNIT_CASE(cl60_global_vector_plus_per_vcpu_both),
	KUNIT_CASE(cl61_upcall_mask_ignored),
	{}
};

static struct kunit_suite xmc_upcall_suite = {
	.name = "xen_model_conformance_upcall",
	.suite_init = xmc_suite_init,
	.suite_exit = xmc_suite_exit,
	.init = xmc_init,
	.exit = xmc_exit,
	.test_cases = xmc_upcall_cases,
};

kunit_test_suites(&xmc_upcall_suite);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("Conformance of the Xen model: upcall delivery: flags, vectors, callback vias");
