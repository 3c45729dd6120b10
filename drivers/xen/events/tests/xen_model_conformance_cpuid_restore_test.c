// SPDX-License-Identifier: GPL-2.0-only
/*
 * Conformance of the model of Xen, CPUID leaves, feature flags, a restored
 * domain (items 70-72): case clNN_<what> checks item NN of the model
 * checklist in Documentation/virt/xen/evtchn-model.rst (section 13).
 * Helpers and fixtures: xen_model_conformance.h.
 */
#include "xen_model_conformance.h"

/* --- 70..72: CPUID, features, restore ------------------------------------ */

/* spec 1.8 */
static void cl70_cpuid_hvm_leaf(struct kunit *test)
{
	static const unsigned int versions[] = { XM_XEN(4, 17), XM_XEN(4, 18), XM_XEN(4, 19) };
	const u32 always = XEN_HVM_CPUID_IOMMU_MAPPINGS | XEN_HVM_CPUID_VCPU_ID_PRESENT |
			   XEN_HVM_CPUID_DOMID_PRESENT | XEN_HVM_CPUID_UPCALL_VECTOR;
	struct xmc *x = test->priv;
	u32 eax, ebx, ecx, edx;
	struct xm_config cfg;
	struct xm_domain *d;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(versions); i++) {
		xmc_guest_config(&cfg);
		cfg.xen_version = versions[i];
		d = xmc_domain(x, &cfg, XMC_OTHER_DOMID);
		xm_cpuid(d, 2, 4, &eax, &ebx, &ecx, &edx);
		KUNIT_EXPECT_EQ_MSG(test, eax & always, always, "EAX, Xen %#x", versions[i]);
		KUNIT_EXPECT_FALSE_MSG(test, eax & XEN_HVM_CPUID_EXT_DEST_ID,
				       "EXT_DEST_ID, Xen %#x", versions[i]);
		KUNIT_EXPECT_EQ_MSG(test, ebx, 2U, "vCPU id, Xen %#x", versions[i]);
		KUNIT_EXPECT_EQ_MSG(test, ecx, (u32)XMC_OTHER_DOMID, "domid, Xen %#x",
				    versions[i]);
		xm_cpuid(d, 0, 0, &eax, &ebx, &ecx, &edx);
		KUNIT_EXPECT_EQ_MSG(test, ebx, 0x566e6558U, "signature, Xen %#x", versions[i]);
		KUNIT_EXPECT_EQ_MSG(test, edx, 0x4d4d566eU, "signature, Xen %#x", versions[i]);
		xm_cpuid(d, 0, 1, &eax, &ebx, &ecx, &edx);
		KUNIT_EXPECT_EQ_MSG(test, eax, versions[i], "version leaf");
		xmc_destroy(x, d);
	}
}

/* spec 1.7 */
static void cl71_features_hvm(struct kunit *test)
{
	struct xmc *x = test->priv;
	struct xen_feature_info fi = { .submap_idx = 0 };

	KUNIT_ASSERT_EQ(test, xmc_version(x->guest, XENVER_get_features, &fi), 0L);
	KUNIT_EXPECT_TRUE_MSG(test, fi.submap & BIT(XENFEAT_hvm_callback_vector),
			      "hvm_callback_vector in %#x", fi.submap);
	KUNIT_EXPECT_TRUE_MSG(test, fi.submap & BIT(XENFEAT_hvm_safe_pvclock),
			      "hvm_safe_pvclock in %#x", fi.submap);
}

/* spec 7.2 (not migrated), 12 */
static void cl72_restore_new_domain_defaults(struct kunit *test)
{
	struct xmc *x = test->priv;
	u32 store, console, p, open = 0;
	struct shared_info *s;
	struct xm_config cfg;
	struct xmc_fifo f;
	unsigned int v;

	xmc_busy_guest(x, &f, &p);
	xmc_set_bit(x->shi->evtchn_mask, 5, true);
	KUNIT_ASSERT_EQ(test, xmc_send(x->guest, p), 0L);
	xmc_guest_config(&cfg);
	xm_domain_restore(x->guest, &cfg, 7);

	KUNIT_EXPECT_EQ(test, xm_domain_id(x->guest), 7);
	KUNIT_EXPECT_EQ_MSG(test, xm_callback_irq(x->guest), 0ULL, "CALLBACK_IRQ");
	KUNIT_EXPECT_EQ_MSG(test, xm_via_type(x->guest), XM_VIA_NONE, "via");
	for (v = 0; v < XMC_NR_VCPUS; v++) {
		KUNIT_EXPECT_EQ_MSG(test, xm_upcall_vector(x->guest, v), 0, "vector %u", v);
		KUNIT_EXPECT_FALSE_MSG(test, xm_vcpu_info_registered(x->guest, v),
				       "vcpu_info %u", v);
	}
	KUNIT_EXPECT_FALSE_MSG(test, xm_is_fifo(x->guest), "2-level");
	KUNIT_EXPECT_EQ_MSG(test, xm_shared_info_gfn(x->guest), -1L, "shared_info unmapped");
	s = xm_shared_info(x->guest);
	KUNIT_EXPECT_NULL_MSG(test, memchr_inv(s->evtchn_mask, 0, sizeof(s->evtchn_mask)),
			      "masks of the new domain");
	KUNIT_EXPECT_NULL_MSG(test, memchr_inv(s->evtchn_pending, 0,
					       sizeof(s->evtchn_pending)),
			      "pending bits of the new domain");

	store = xm_hvm_param(x->guest, HVM_PARAM_STORE_EVTCHN);
	console = xm_hvm_param(x->guest, HVM_PARAM_CONSOLE_EVTCHN);
	for (v = 1; v < xm_valid_ports(x->guest); v++)
		open += xm_port_state(x->guest, v) != XM_PORT_FREE;
	KUNIT_EXPECT_EQ_MSG(test, open, 2U, "open ports after restore");
	KUNIT_EXPECT_NE_MSG(test, xm_port_state(x->guest, store), XM_PORT_FREE,
			    "xenstore port %u", store);
	KUNIT_EXPECT_NE_MSG(test, xm_port_state(x->guest, console), XM_PORT_FREE,
			    "console port %u", console);
	KUNIT_EXPECT_NE(test, store, console);
}

static struct kunit_case xmc_cpuid_restore_cases[] = {
	KUNIT_CASE(cl70_cpuid_hvm_leaf),
	KUNIT_CASE(cl71_features_hvm),
	KUNIT_CASE(cl72_restore_new_domain_defaults),
	{}
};

static struct kunit_suite xmc_cpuid_restore_suite = {
	.name = "xen_model_conformance_cpuid_restore",
	.suite_init = xmc_suite_init,
	.suite_exit = xmc_suite_exit,
	.init = xmc_init,
	.exit = xmc_exit,
	.test_cases = xmc_cpuid_restore_cases,
};

kunit_test_suites(&xmc_cpuid_restore_suite);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("Conformance of the Xen model: CPUID leaves, feature flags, a restored domain");
