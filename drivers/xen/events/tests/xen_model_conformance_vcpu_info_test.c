// SPDX-License-Identifier: GPL-2.0-only
/*
 * Conformance of the model of Xen, vcpu_info placement and registration,
 * shared_info, soft reset (items 62-69): case clNN_<what> checks item NN
 * of the model checklist in Documentation/virt/xen/evtchn-model.rst
 * (section 13). Helpers and fixtures: xen_model_conformance.h.
 */
#include "xen_model_conformance.h"

/* --- 62..69: vcpu_info, shared_info, soft reset -------------------------- */

static void xmc_guest_with_vcpus(struct xmc *x, unsigned int nr)
{
	struct xm_config cfg;

	xmc_guest_config(&cfg);
	cfg.nr_vcpus = nr;
	xmc_replace_guest(x, &cfg);
}

/* spec 8.1 */
static void cl62_high_vcpus_share_dummy(struct kunit *test)
{
	struct xmc *x = test->priv;
	struct xm_domain *other;
	struct xm_config cfg;
	struct vcpu_info *dummy;

	xmc_guest_with_vcpus(x, 40);
	xm_config_default(&cfg);
	cfg.nr_vcpus = 40;
	other = xmc_domain(x, &cfg, XMC_OTHER_DOMID);
	dummy = xm_vcpu_info(x->guest, 33);
	KUNIT_EXPECT_PTR_EQ_MSG(test, xm_vcpu_info(x->guest, 5), xmc_vi(x, 5), "vCPU 5");
	KUNIT_EXPECT_PTR_EQ_MSG(test, xm_vcpu_info(x->guest, 39), dummy, "vCPU 39");
	KUNIT_EXPECT_PTR_EQ_MSG(test, xm_vcpu_info(other, 32), dummy,
				"vCPU 32 of another domain");
	KUNIT_EXPECT_FALSE_MSG(test, (void *)dummy >= (void *)x->shi &&
			       (void *)dummy < (void *)x->shi + PAGE_SIZE,
			       "dummy outside shared_info");

	xmc_ack(dummy);
	xmc_raise_ipi(x, 33);
	KUNIT_EXPECT_EQ_MSG(test, xm_vcpu_info(other, 35)->evtchn_upcall_pending, 1,
			    "vCPU 33's event seen through another domain's vCPU 35");
	xmc_ack(dummy);
}

/* spec 8.2 effect */
static void cl63_register_copies_slot(struct kunit *test)
{
	struct xmc *x = test->priv;
	struct vcpu_info *old = xmc_vi(x, 1), *dummy;
	u8 *area = xmc_page(x, 0xcc);
	struct vcpu_info *vi = (struct vcpu_info *)(area + 64);
	unsigned long n;

	xmc_vector_quiet(x, x->guest, 1);
	xmc_ack(old);
	WRITE_ONCE(old->evtchn_upcall_mask, 1);
	WRITE_ONCE(old->evtchn_pending_sel, 0x5);
	old->arch.cr2 = 0x1234;
	n = xmc_upcalls(x, 1);
	KUNIT_ASSERT_EQ(test, xmc_register_vi(x->guest, 1, xmc_gfn(area), 64), 0L);
	KUNIT_EXPECT_PTR_EQ(test, xm_vcpu_info(x->guest, 1), vi);
	KUNIT_EXPECT_EQ_MSG(test, vi->evtchn_upcall_mask, 1, "mask copied");
	KUNIT_EXPECT_EQ_MSG(test, vi->arch.cr2, 0x1234UL, "cr2 copied");
	KUNIT_EXPECT_EQ_MSG(test, vi->evtchn_pending_sel, ~0UL, "selector all ones");
	KUNIT_EXPECT_EQ_MSG(test, vi->evtchn_upcall_pending, 1, "marked pending");
	KUNIT_EXPECT_EQ_MSG(test, xmc_upcalls(x, 1), n + 1, "one upcall");
	KUNIT_EXPECT_EQ_MSG(test, area[0], 0xcc, "bytes before the area");
	KUNIT_EXPECT_EQ_MSG(test, area[128], 0xcc, "bytes after the area");

	/* The old slot is stale from now on. */
	xmc_ack(vi);
	xmc_raise_ipi(x, 1);
	KUNIT_EXPECT_EQ_MSG(test, vi->evtchn_upcall_pending, 1, "new area written");
	KUNIT_EXPECT_EQ_MSG(test, old->evtchn_pending_sel, 0x5UL, "old slot untouched");
	KUNIT_EXPECT_EQ_MSG(test, old->evtchn_upcall_pending, 0, "old slot flag");

	/* From the dummy: zeroed, mask 1. */
	xmc_guest_with_vcpus(x, 40);
	dummy = xm_vcpu_info(x->guest, 33);
	WRITE_ONCE(dummy->evtchn_upcall_pending, 1);
	WRITE_ONCE(dummy->evtchn_pending_sel, 3);
	area = xmc_page(x, 0xcc);
	vi = (struct vcpu_info *)area;
	KUNIT_ASSERT_EQ(test, xmc_register_vi(x->guest, 33, xmc_gfn(area), 0), 0L);
	xmc_ack(dummy);
	KUNIT_EXPECT_EQ_MSG(test, vi->evtchn_upcall_mask, 1, "from dummy: mask");
	KUNIT_EXPECT_EQ_MSG(test, vi->arch.cr2, 0UL, "from dummy: zeroed");
	KUNIT_EXPECT_EQ_MSG(test, vi->evtchn_pending_sel, ~0UL, "from dummy: selector");
	KUNIT_EXPECT_EQ_MSG(test, vi->evtchn_upcall_pending, 1, "from dummy: flag");
}

struct xmc_reg_case {
	u32 vcpu;
	bool bad_gfn;
	u32 offset;
	long expect;
};

static void xmc_run_reg_table(struct kunit *test, struct xmc *x,
			      const struct xmc_reg_case *t, unsigned int n,
			      const char *which)
{
	u64 gfn = xmc_gfn(xmc_page(x, 0));
	unsigned int i;

	for (i = 0; i < n; i++)
		KUNIT_EXPECT_EQ_MSG(test, xmc_register_vi(x->guest, t[i].vcpu,
							  t[i].bad_gfn ? XMC_BAD_GFN : gfn,
							  t[i].offset),
				    t[i].expect, "%s: vcpu %u offset %u%s", which, t[i].vcpu,
				    t[i].offset, t[i].bad_gfn ? " bad gfn" : "");
}

/* spec 8.2 checks */
static void cl64_register_twice_and_placement(struct kunit *test)
{
	static const struct xmc_reg_case xen417[] = {
		{ 99, false, 0, -ENOENT },
		{ 0, false, 4040, -ENXIO },
		{ 0, false, 4, -ENXIO },
		{ 0, true, 0, -EINVAL },
		{ 0, false, 0, 0 },
		{ 0, false, 64, -EINVAL },	/* again */
	};
	static const struct xmc_reg_case xen418[] = {
		{ 99, false, 0, -ENOENT },
		{ 0, false, 4096, -EINVAL },
		{ 0, false, 4064, -ENXIO },	/* crosses the page */
		{ 0, false, 4, -ENXIO },
		{ 0, true, 0, -EINVAL },
		{ 0, false, 0, 0 },
		{ 0, false, 64, -EBUSY },	/* again */
		{ 0, false, 4, -EBUSY },	/* registered before alignment */
	};
	struct xmc *x = test->priv;
	struct xm_config cfg;

	xmc_run_reg_table(test, x, xen417, ARRAY_SIZE(xen417), "4.17");
	xmc_guest_config(&cfg);
	cfg.xen_version = XM_XEN(4, 18);
	xmc_replace_guest(x, &cfg);
	xmc_run_reg_table(test, x, xen418, ARRAY_SIZE(xen418), "4.18");
}

/* spec 8.2 step 4 */
static void cl65_register_no_upcall_if_flag_set(struct kunit *test)
{
	struct xmc *x = test->priv;
	struct vcpu_info *vi = xmc_page(x, 0);
	unsigned long n;

	xmc_vector_quiet(x, x->guest, 0);
	xmc_ack(xmc_vi(x, 0));
	WRITE_ONCE(xmc_vi(x, 0)->evtchn_upcall_pending, 1);
	n = xmc_upcalls(x, 0);
	KUNIT_ASSERT_EQ(test, xmc_register_vi(x->guest, 0, xmc_gfn(vi), 0), 0L);
	KUNIT_EXPECT_EQ_MSG(test, vi->evtchn_upcall_pending, 1, "flag copied");
	KUNIT_EXPECT_EQ_MSG(test, vi->evtchn_pending_sel, ~0UL, "selector");
	KUNIT_EXPECT_EQ_MSG(test, xmc_upcalls(x, 0), n, "no upcall");
}

/* spec 9 */
static void cl66_add_to_physmap_shinfo(struct kunit *test)
{
	struct xmc *x = test->priv;
	struct shared_info *old = x->shi, *moved = xmc_page(x, 0x77);
	u64 gfn = xmc_gfn(moved);
	struct {
		domid_t dom;
		u64 idx;
		u64 gpfn;
		long expect;
	} t[] = {
		{ DOMID_SELF, 1, gfn, -EINVAL },
		{ DOMID_SELF, 0, ~0ULL, -EINVAL },
		{ XMC_NO_DOMID, 0, gfn, -ESRCH },
		{ XM_DOMID_PEER, 0, gfn, -EPERM },
	};
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(t); i++)
		KUNIT_EXPECT_EQ_MSG(test, xmc_map_shinfo_at(x->guest, t[i].dom, t[i].idx,
							    t[i].gpfn),
				    t[i].expect, "dom %#x idx %llu gpfn %#llx",
				    t[i].dom, t[i].idx, t[i].gpfn);
	KUNIT_ASSERT_EQ(test, xm_shared_info_gfn(x->guest), (long)xmc_gfn(old));

	xmc_set_bit(old->evtchn_mask, 100, true);
	KUNIT_ASSERT_EQ(test, xmc_map_shinfo_at(x->guest, DOMID_SELF, 0, gfn), 0L);
	x->shi = moved;
	KUNIT_EXPECT_EQ_MSG(test, xm_shared_info_gfn(x->guest), (long)gfn, "new gfn");
	KUNIT_EXPECT_PTR_EQ(test, xm_shared_info(x->guest), moved);
	KUNIT_EXPECT_EQ_MSG(test, memcmp(moved, old, PAGE_SIZE), 0,
			    "RAM at the new gfn replaced by shared_info, contents kept");
	KUNIT_EXPECT_TRUE(test, xmc_bit(moved->evtchn_mask, 100));
	xmc_raise_ipi(x, 0);
	KUNIT_EXPECT_FALSE_MSG(test, memcmp(moved, old, PAGE_SIZE) == 0,
			       "old gfn no longer written");
}

/* spec 1.3 */
static void cl67_shinfo_starts_zeroed(struct kunit *test)
{
	struct xmc *x = test->priv;
	struct shared_info *s;
	struct xm_config cfg;
	struct xm_domain *d;
	unsigned int v;

	xmc_guest_config(&cfg);
	d = xmc_domain(x, &cfg, XMC_OTHER_DOMID);
	s = xmc_page(x, 0xff);
	KUNIT_ASSERT_EQ(test, xmc_map_shinfo_at(d, DOMID_SELF, 0, xmc_gfn(s)), 0L);
	KUNIT_EXPECT_NULL_MSG(test, memchr_inv(s->evtchn_mask, 0, sizeof(s->evtchn_mask)),
			      "mask bits of a new domain");
	KUNIT_EXPECT_NULL_MSG(test, memchr_inv(s->evtchn_pending, 0,
					       sizeof(s->evtchn_pending)),
			      "pending bits of a new domain");
	for (v = 0; v < ARRAY_SIZE(s->vcpu_info); v++)
		KUNIT_EXPECT_EQ_MSG(test, s->vcpu_info[v].evtchn_upcall_mask, 0,
				    "upcall mask of vCPU %u", v);
}

/* spec 6.5 */
static void cl68_soft_reset_effects(struct kunit *test)
{
	struct xmc *x = test->priv;
	struct xmc_fifo f;
	u32 ipi, p;

	xmc_busy_guest(x, &f, &ipi);
	xm_domain_soft_reset(x->guest);
	KUNIT_EXPECT_FALSE_MSG(test, xm_is_fifo(x->guest), "back to 2-level");
	KUNIT_EXPECT_EQ_MSG(test, xm_port_state(x->guest, ipi), XM_PORT_FREE,
			    "guest port %u closed", ipi);
	KUNIT_EXPECT_FALSE_MSG(test, xm_vcpu_info_registered(x->guest, 1),
			       "registration dropped");
	KUNIT_EXPECT_PTR_EQ_MSG(test, xm_vcpu_info(x->guest, 1),
				&xm_shared_info(x->guest)->vcpu_info[1],
				"vCPU 1 back in its shared_info slot");
	KUNIT_EXPECT_EQ_MSG(test, xm_shared_info_gfn(x->guest), -1L,
			    "shared_info mapped nowhere");
	KUNIT_EXPECT_PTR_NE(test, xm_shared_info(x->guest), x->shi);

	/* The old gfn is plain RAM now; mapping again shows the kept contents. */
	p = xmc_must(test, xmc_bind_ipi(x->guest, 0), "ipi after soft reset");
	xmc_set_bit(x->shi->evtchn_pending, p, false);
	KUNIT_ASSERT_EQ(test, xmc_send(x->guest, p), 0L);
	KUNIT_EXPECT_FALSE_MSG(test, xmc_bit(x->shi->evtchn_pending, p),
			       "old gfn not written");
	KUNIT_ASSERT_EQ(test, xmc_map_shinfo_at(x->guest, DOMID_SELF, 0, xmc_gfn(x->shi)),
			0L);
	KUNIT_EXPECT_TRUE_MSG(test, xmc_bit(x->shi->evtchn_pending, p),
			      "mapped again: pending bit of %u", p);
}

/* spec 6.5 "Not reset" */
static void cl69_soft_reset_keeps_delivery_and_contents(struct kunit *test)
{
	struct xmc *x = test->priv;
	struct shared_info *s;
	struct xmc_fifo f;
	u32 ipi;

	xmc_busy_guest(x, &f, &ipi);
	xmc_set_bit(x->shi->evtchn_mask, 200, true);
	xmc_set_bit(x->shi->evtchn_pending, 300, true);
	WRITE_ONCE(xmc_vi(x, 2)->evtchn_pending_sel, 0x10);
	xm_domain_soft_reset(x->guest);
	s = xm_shared_info(x->guest);
	KUNIT_EXPECT_EQ_MSG(test, xm_hvm_param(x->guest, HVM_PARAM_CALLBACK_IRQ),
			    CB_VIA_VECTOR(XMC_GVEC), "CALLBACK_IRQ");
	KUNIT_EXPECT_EQ_MSG(test, xm_via_type(x->guest), XM_VIA_VECTOR, "via");
	KUNIT_EXPECT_EQ_MSG(test, xm_upcall_vector(x->guest, 1), XMC_VEC, "vCPU 1 vector");
	KUNIT_EXPECT_TRUE_MSG(test, xmc_bit(s->evtchn_mask, 200), "mask bit 200");
	KUNIT_EXPECT_TRUE_MSG(test, xmc_bit(s->evtchn_pending, 300), "pending bit 300");
	KUNIT_EXPECT_EQ_MSG(test, s->vcpu_info[2].evtchn_pending_sel, 0x10UL,
			    "vCPU 2 slot");
}

static struct kunit_case xmc_vcpu_info_cases[] = {
	KUNIT_CASE(cl62_high_vcpus_share_dummy),
	KUNIT_CASE(cl63_register_copies_slot),
	KUNIT_CASE(cl64_register_twice_and_placement),
	KUNIT_CASE(cl65_register_no_upcall_if_flag_set),
	KUNIT_CASE(cl66_add_to_physmap_shinfo),
	KUNIT_CASE(cl67_shinfo_starts_zeroed),
	KUNIT_CASE(cl68_soft_reset_effects),
	KUNIT_CASE(cl69_soft_reset_keeps_delivery_and_contents),
	{}
};

static struct kunit_suite xmc_vcpu_info_suite = {
	.name = "xen_model_conformance_vcpu_info",
	.suite_init = xmc_suite_init,
	.suite_exit = xmc_suite_exit,
	.init = xmc_init,
	.exit = xmc_exit,
	.test_cases = xmc_vcpu_info_cases,
};

kunit_test_suites(&xmc_vcpu_info_suite);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("Conformance of the Xen model: vcpu_info placement and registration, shared_info, soft reset");
