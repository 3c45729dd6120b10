// SPDX-License-Identifier: GPL-2.0-only
/*
 * The hypercall seam of the model of Xen (xen_model_seam.S): the registers
 * a hypercall must keep, giving the xen_hypercall static call back, and
 * hypercalls that reach the model with no vCPU to act as.
 */
#include "xen_model_conformance.h"

#define XMS_MAGIC(n)	(0x5eab0000deadbe00UL | (n))

static void xms_uninstall(void *unused)
{
	xm_uninstall();
}

static void xms_destroy(void *d)
{
	xm_domain_destroy(d);
}

static void xms_install(struct kunit *test)
{
	KUNIT_ASSERT_EQ_MSG(test, xm_install(), 0, "xm_install");
	KUNIT_ASSERT_EQ(test, kunit_add_action_or_reset(test, xms_uninstall, NULL), 0);
}

static struct xm_domain *xms_guest(struct kunit *test)
{
	struct xm_config cfg;
	struct xm_domain *d;

	xm_config_default(&cfg);
	d = xm_domain_create(&cfg, XM_DOMID_GUEST);
	KUNIT_ASSERT_NOT_NULL(test, d);
	KUNIT_ASSERT_EQ(test, kunit_add_action_or_reset(test, xms_destroy, d), 0);
	return d;
}

/*
 * Hypercall sites clobber only what they pass arguments in: RCX, R9 and
 * R11 (which VMCALL leaves alone) and the callee-saved registers must come
 * back as they went in.
 */
static void seam_keeps_rcx_r9_r11_callee_saved(struct kunit *test)
{
	struct xm_domain *d;
	unsigned long out[9];
	unsigned int i;

	xms_install(test);
	d = xms_guest(test);
	xm_enter(d, 0);
	{
		register unsigned long rax asm("rax") = __HYPERVISOR_xen_version;
		register unsigned long rdi asm("rdi") = XENVER_version;
		register unsigned long rsi asm("rsi") = 0;
		register unsigned long rcx asm("rcx") = XMS_MAGIC(1);
		register unsigned long r9 asm("r9") = XMS_MAGIC(2);
		register unsigned long r11 asm("r11") = XMS_MAGIC(3);
		register unsigned long rbx asm("rbx") = XMS_MAGIC(4);
		register unsigned long r12 asm("r12") = XMS_MAGIC(5);
		register unsigned long r13 asm("r13") = XMS_MAGIC(6);
		register unsigned long r14 asm("r14") = XMS_MAGIC(7);
		register unsigned long r15 asm("r15") = XMS_MAGIC(8);

		asm volatile("call " STATIC_CALL_TRAMP_STR(xen_hypercall)
			     : "+r" (rax), "+r" (rdi), "+r" (rsi), "+r" (rcx),
			       "+r" (r9), "+r" (r11), "+r" (rbx), "+r" (r12),
			       "+r" (r13), "+r" (r14), "+r" (r15),
			       ASM_CALL_CONSTRAINT
			     : : "rdx", "r8", "r10", "memory", "cc");
		out[0] = rax;
		out[1] = rcx;
		out[2] = r9;
		out[3] = r11;
		out[4] = rbx;
		out[5] = r12;
		out[6] = r13;
		out[7] = r14;
		out[8] = r15;
	}
	xm_leave();
	KUNIT_EXPECT_EQ_MSG(test, out[0], (unsigned long)XM_XEN(4, 17), "RAX = XENVER_version");
	for (i = 1; i < ARRAY_SIZE(out); i++)
		KUNIT_EXPECT_EQ_MSG(test, out[i], XMS_MAGIC(i),
				    "register %u of RCX, R9, R11, RBX, R12..R15", i);
}

static void seam_uninstall_restores_target(struct kunit *test)
{
	void *before = (void *)static_call_query(xen_hypercall);

	xms_install(test);
	KUNIT_EXPECT_PTR_NE_MSG(test, (void *)static_call_query(xen_hypercall), before,
				"target while installed");
	xm_uninstall();
	KUNIT_EXPECT_PTR_EQ_MSG(test, (void *)static_call_query(xen_hypercall), before,
				"target after xm_uninstall");
}

static void seam_counts_stray_hypercalls(struct kunit *test)
{
	unsigned long before;

	xms_install(test);
	KUNIT_ASSERT_NULL_MSG(test, xm_live_domain(), "a live domain would own the call");
	before = xm_stray_hypercalls();
	(void)HYPERVISOR_xen_version(XENVER_version, NULL);
	KUNIT_EXPECT_EQ_MSG(test, xm_stray_hypercalls(), before + 1,
			    "xen_version with no actor and no live domain");
}

static struct kunit_case xms_cases[] = {
	KUNIT_CASE(seam_keeps_rcx_r9_r11_callee_saved),
	KUNIT_CASE(seam_uninstall_restores_target),
	KUNIT_CASE(seam_counts_stray_hypercalls),
	{}
};

static struct kunit_suite xms_suite = {
	.name = "xen_model_conformance_seam",
	.test_cases = xms_cases,
};

kunit_test_suites(&xms_suite);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("Conformance of the Xen model: the hypercall seam");
