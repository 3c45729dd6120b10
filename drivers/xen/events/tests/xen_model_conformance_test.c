// SPDX-License-Identifier: GPL-2.0-only
/*
 * Conformance suite for the software model of Xen: it pins the model to
 * what real Xen does, so the suites that test the guest side against the
 * model test it against Xen.
 *
 * Case clNN_<what> checks item NN of the "Model checklist" (section 13) of
 * Documentation/virt/xen/evtchn-model.rst; "spec X.Y" in comments names the
 * section behind it. Every case drives the model as a guest would: it acts
 * as a vCPU (xm_enter()), issues real hypercalls through the kernel's
 * wrappers, and reads what "Xen" wrote into real guest pages (shared_info,
 * vcpu_info, FIFO control blocks and event arrays). The model's inspection
 * API is used only for state Xen keeps to itself.
 *
 * A second suite, xen_model_conformance_seam, checks the hypercall seam itself.
 */
#include <kunit/test.h>
#include <linux/bitops.h>
#include <linux/gfp.h>
#include <linux/mm.h>
#include <linux/set_memory.h>
#include <linux/static_call.h>
#include <linux/string.h>
#include <linux/vmalloc.h>
#include <asm/xen/cpuid.h>
#include <asm/xen/hypercall.h>
#include <xen/interface/event_channel.h>
#include <xen/interface/features.h>
#include <xen/interface/hvm/hvm_op.h>
#include <xen/interface/hvm/params.h>
#include <xen/interface/memory.h>
#include <xen/interface/sched.h>
#include <xen/interface/vcpu.h>
#include <xen/interface/version.h>
#include <xen/interface/xen.h>
#include "xen_model.h"

#define XMC_NR_VCPUS		4	/* the default guest: enough to move ports */
#define XMC_MAX_DOMS		4
#define XMC_MAX_PAGES		24
#define XMC_OTHER_DOMID		5	/* a third domain, when a case needs one */
#define XMC_NO_DOMID		77	/* no domain has this id */
#define XMC_BAD_PORT		5000	/* above every valid port of a fresh domain */
#define XMC_FREE_PORT		63	/* valid (first bucket) but never opened */
#define XMC_BAD_GFN		BIT_ULL(40)	/* no page frame behind it */
#define XEN_ENOSYS		38	/* spec 0.1: Xen's value, the same as Linux's */
#define XMC_EVTCHNOP_RESET_CONT	14	/* spec 1.1: Xen-internal, guests may issue it */
#define XMC_VIRQ_ARGO		11	/* spec 10: per-domain kind */
#define XMC_VEC			0xf3	/* a per-vCPU upcall vector */
#define XMC_GVEC		0xf2	/* a global callback vector */
#define XMC_WORDS_PER_PAGE	1024

#define W_PENDING	BIT(EVTCHN_FIFO_PENDING)
#define W_MASKED	BIT(EVTCHN_FIFO_MASKED)
#define W_LINKED	BIT(EVTCHN_FIFO_LINKED)
#define W_BUSY		BIT(EVTCHN_FIFO_BUSY)
#define W_LINK		EVTCHN_FIFO_LINK_MASK

#define CB_VIA_GSI(gsi)		((u64)(gsi))
#define CB_VIA_INTX(dev, pin)	((1ULL << 56) | ((u64)(dev) << 11) | (pin))
#define CB_VIA_VECTOR(vec)	((2ULL << 56) | (vec))

/* Per-case state: the default guest and peer, plus what must be freed. */
struct xmc {
	struct kunit *test;
	struct xm_domain *guest;	/* XM_DOMID_GUEST */
	struct xm_domain *peer;		/* XM_DOMID_PEER, the control domain */
	struct shared_info *shi;	/* the guest's mapped shared_info */
	struct xm_domain *doms[XMC_MAX_DOMS];
	struct page *pages[XMC_MAX_PAGES];
	unsigned int nr_pages;
};

/* A FIFO guest as the case set it up: its control blocks and array pages. */
struct xmc_fifo {
	struct evtchn_fifo_control_block *cb[XMC_NR_VCPUS];
	u32 *page[4];
	unsigned int nr_pages;
};

/* --- pages and domains -------------------------------------------------- */

/* A guest page filled with @fill; freed after every domain is gone. */
static void *xmc_page(struct xmc *x, u8 fill)
{
	struct page *pg;

	KUNIT_ASSERT_LT_MSG(x->test, x->nr_pages, XMC_MAX_PAGES, "page table full");
	pg = alloc_page(GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL_MSG(x->test, pg, "alloc_page");
	x->pages[x->nr_pages++] = pg;
	memset(page_address(pg), fill, PAGE_SIZE);
	return page_address(pg);
}

/* The gfn a guest names a page by: here the kernel pfn. */
static u64 xmc_gfn(const void *va)
{
	return page_to_pfn(virt_to_page(va));
}

static unsigned int xmc_dom_slot(struct xmc *x, struct xm_domain *d)
{
	unsigned int i;

	for (i = 0; i < XMC_MAX_DOMS; i++)
		if (x->doms[i] == d)
			return i;
	return XMC_MAX_DOMS;
}

static struct xm_domain *xmc_domain(struct xmc *x, const struct xm_config *cfg,
				    domid_t domid)
{
	unsigned int slot = xmc_dom_slot(x, NULL);
	struct xm_domain *d;

	KUNIT_ASSERT_LT_MSG(x->test, slot, XMC_MAX_DOMS, "domain table full");
	d = xm_domain_create(cfg, domid);
	KUNIT_ASSERT_NOT_NULL_MSG(x->test, d, "xm_domain_create(domid %u)", domid);
	x->doms[slot] = d;
	return d;
}

static void xmc_destroy(struct xmc *x, struct xm_domain *d)
{
	unsigned int slot = xmc_dom_slot(x, d);

	if (slot < XMC_MAX_DOMS)
		x->doms[slot] = NULL;
	xm_domain_destroy(d);
}

static void xmc_guest_config(struct xm_config *cfg)
{
	xm_config_default(cfg);
	cfg->nr_vcpus = XMC_NR_VCPUS;
}

/* --- hypercalls as a vCPU ------------------------------------------------ */

static long xmc_evtchn(struct xm_domain *d, unsigned int vcpu, int cmd, void *arg)
{
	long rc;

	xm_enter(d, vcpu);
	rc = HYPERVISOR_event_channel_op(cmd, arg);
	xm_leave();
	return rc;
}

static long xmc_hvm(struct xm_domain *d, unsigned int vcpu, int op, void *arg)
{
	long rc;

	xm_enter(d, vcpu);
	rc = (long)HYPERVISOR_hvm_op(op, arg);
	xm_leave();
	return rc;
}

static long xmc_vcpu_op(struct xm_domain *d, unsigned int vcpu, int cmd,
			unsigned int target, void *arg)
{
	long rc;

	xm_enter(d, vcpu);
	rc = HYPERVISOR_vcpu_op(cmd, target, arg);
	xm_leave();
	return rc;
}

static long xmc_memory(struct xm_domain *d, unsigned int cmd, void *arg)
{
	long rc;

	xm_enter(d, 0);
	rc = HYPERVISOR_memory_op(cmd, arg);
	xm_leave();
	return rc;
}

static long xmc_sched(struct xm_domain *d, unsigned int vcpu, int cmd, void *arg)
{
	long rc;

	xm_enter(d, vcpu);
	rc = HYPERVISOR_sched_op(cmd, arg);
	xm_leave();
	return rc;
}

static long xmc_version(struct xm_domain *d, int cmd, void *arg)
{
	long rc;

	xm_enter(d, 0);
	rc = HYPERVISOR_xen_version(cmd, arg);
	xm_leave();
	return rc;
}

/* --- event-channel operations (port, or a negative errno) ---------------- */

static long xmc_alloc_unbound(struct xm_domain *d, domid_t dom, domid_t remote)
{
	struct evtchn_alloc_unbound a = { .dom = dom, .remote_dom = remote };
	long rc = xmc_evtchn(d, 0, EVTCHNOP_alloc_unbound, &a);

	return rc ?: a.port;
}

static long xmc_bind_interdomain(struct xm_domain *d, unsigned int vcpu,
				 domid_t remote, u32 rport)
{
	struct evtchn_bind_interdomain a = {
		.remote_dom = remote, .remote_port = rport,
	};
	long rc = xmc_evtchn(d, vcpu, EVTCHNOP_bind_interdomain, &a);

	return rc ?: a.local_port;
}

static long xmc_bind_virq(struct xm_domain *d, u32 virq, u32 vcpu)
{
	struct evtchn_bind_virq a = { .virq = virq, .vcpu = vcpu };
	long rc = xmc_evtchn(d, 0, EVTCHNOP_bind_virq, &a);

	return rc ?: a.port;
}

static long xmc_bind_ipi(struct xm_domain *d, u32 vcpu)
{
	struct evtchn_bind_ipi a = { .vcpu = vcpu };
	long rc = xmc_evtchn(d, 0, EVTCHNOP_bind_ipi, &a);

	return rc ?: a.port;
}

static long xmc_close(struct xm_domain *d, u32 port)
{
	struct evtchn_close a = { .port = port };

	return xmc_evtchn(d, 0, EVTCHNOP_close, &a);
}

static long xmc_send(struct xm_domain *d, u32 port)
{
	struct evtchn_send a = { .port = port };

	return xmc_evtchn(d, 0, EVTCHNOP_send, &a);
}

static long xmc_unmask(struct xm_domain *d, u32 port)
{
	struct evtchn_unmask a = { .port = port };

	return xmc_evtchn(d, 0, EVTCHNOP_unmask, &a);
}

static long xmc_bind_vcpu(struct xm_domain *d, u32 port, u32 vcpu)
{
	struct evtchn_bind_vcpu a = { .port = port, .vcpu = vcpu };

	return xmc_evtchn(d, 0, EVTCHNOP_bind_vcpu, &a);
}

static long xmc_set_priority(struct xm_domain *d, u32 port, u32 prio)
{
	struct evtchn_set_priority a = { .port = port, .priority = prio };

	return xmc_evtchn(d, 0, EVTCHNOP_set_priority, &a);
}

static long xmc_reset(struct xm_domain *d, int cmd, domid_t dom)
{
	struct evtchn_reset a = { .dom = dom };

	return xmc_evtchn(d, 0, cmd, &a);
}

static long xmc_status(struct xm_domain *d, domid_t dom, u32 port,
		       struct evtchn_status *st)
{
	st->dom = dom;
	st->port = port;
	return xmc_evtchn(d, 0, EVTCHNOP_status, st);
}

/* A port the case needs: assert the operation gave one. */
static u32 xmc_must(struct kunit *test, long rc, const char *what)
{
	KUNIT_ASSERT_GT_MSG(test, rc, 0L, "%s", what);
	return rc;
}

/* Loopback channel (spec 4.2 recipe): @a unbound end, @b bound end. */
static void xmc_loopback(struct xmc *x, struct xm_domain *d, u32 *a, u32 *b)
{
	*a = xmc_must(x->test, xmc_alloc_unbound(d, DOMID_SELF, DOMID_SELF),
		      "loopback alloc_unbound");
	*b = xmc_must(x->test, xmc_bind_interdomain(d, 0, DOMID_SELF, *a),
		      "loopback bind_interdomain");
}

/* The peer offers a port to the guest and the guest binds it. */
static u32 xmc_peer_channel(struct xmc *x, unsigned int vcpu, u32 *rport)
{
	*rport = xmc_must(x->test, xmc_alloc_unbound(x->peer, DOMID_SELF,
						     XM_DOMID_GUEST),
			  "peer alloc_unbound");
	return xmc_must(x->test, xmc_bind_interdomain(x->guest, vcpu,
						      XM_DOMID_PEER, *rport),
			"guest bind_interdomain");
}

/* --- shared_info, vcpu_info, HVM ----------------------------------------- */

static long xmc_map_shinfo_at(struct xm_domain *d, domid_t dom, u64 idx, u64 gpfn)
{
	struct xen_add_to_physmap a = {
		.domid = dom, .space = XENMAPSPACE_shared_info,
		.idx = idx, .gpfn = gpfn,
	};

	return xmc_memory(d, XENMEM_add_to_physmap, &a);
}

static struct shared_info *xmc_map_shinfo(struct xmc *x, struct xm_domain *d)
{
	struct shared_info *s = xmc_page(x, 0);

	KUNIT_ASSERT_EQ_MSG(x->test, xmc_map_shinfo_at(d, DOMID_SELF, 0, xmc_gfn(s)),
			    0L, "map shared_info");
	return s;
}

static struct vcpu_info *xmc_vi(struct xmc *x, unsigned int vcpu)
{
	return &x->shi->vcpu_info[vcpu];
}

/* The guest acknowledges everything on @vcpu: flag and selector cleared. */
static void xmc_ack(struct vcpu_info *vi)
{
	WRITE_ONCE(vi->evtchn_upcall_pending, 0);
	WRITE_ONCE(vi->evtchn_pending_sel, 0);
}

static bool xmc_bit(const xen_ulong_t *map, u32 port)
{
	return test_bit(port, (const unsigned long *)map);
}

static void xmc_set_bit(xen_ulong_t *map, u32 port, bool on)
{
	if (on)
		set_bit(port, (unsigned long *)map);
	else
		clear_bit(port, (unsigned long *)map);
}

static bool xmc_sel(struct vcpu_info *vi, u32 port)
{
	return xmc_bit(&vi->evtchn_pending_sel, port / BITS_PER_LONG);
}

static long xmc_set_vector(struct xm_domain *d, unsigned int caller,
			   u32 vcpu, u8 vector)
{
	struct xen_hvm_evtchn_upcall_vector a = { .vcpu = vcpu, .vector = vector };

	return xmc_hvm(d, caller, HVMOP_set_evtchn_upcall_vector, &a);
}

/* Give @vcpu a per-vCPU vector and take the spurious upcall it brings. */
static void xmc_vector_quiet(struct xmc *x, struct xm_domain *d, unsigned int vcpu)
{
	KUNIT_ASSERT_EQ_MSG(x->test, xmc_set_vector(d, vcpu, vcpu, XMC_VEC), 0L,
			    "set upcall vector on vCPU %u", vcpu);
	if (xm_lapic_accept(d, vcpu))
		xm_lapic_eoi(d, vcpu);
}

static long xmc_set_param(struct xm_domain *d, u32 index, u64 value)
{
	struct xen_hvm_param a = { .domid = DOMID_SELF, .index = index, .value = value };

	return xmc_hvm(d, 0, HVMOP_set_param, &a);
}

static long xmc_get_param(struct xm_domain *d, u32 index, u64 *value)
{
	struct xen_hvm_param a = { .domid = DOMID_SELF, .index = index };
	long rc = xmc_hvm(d, 0, HVMOP_get_param, &a);

	*value = a.value;
	return rc;
}

/* --- FIFO ---------------------------------------------------------------- */

static long xmc_init_control(struct xm_domain *d, u64 gfn, u32 offset, u32 vcpu,
			     u8 *link_bits)
{
	struct evtchn_init_control a = {
		.control_gfn = gfn, .offset = offset, .vcpu = vcpu,
		.link_bits = link_bits ? *link_bits : 0,
	};
	long rc = xmc_evtchn(d, 0, EVTCHNOP_init_control, &a);

	if (link_bits)
		*link_bits = a.link_bits;
	return rc;
}

static long xmc_expand(struct xm_domain *d, u64 gfn)
{
	struct evtchn_expand_array a = { .array_gfn = gfn };

	return xmc_evtchn(d, 0, EVTCHNOP_expand_array, &a);
}

static void xmc_fifo_add_cb(struct xmc *x, struct xm_domain *d,
			    struct xmc_fifo *f, unsigned int vcpu)
{
	f->cb[vcpu] = xmc_page(x, 0);
	KUNIT_ASSERT_EQ_MSG(x->test, xmc_init_control(d, xmc_gfn(f->cb[vcpu]), 0,
						      vcpu, NULL),
			    0L, "init_control vCPU %u", vcpu);
}

static void xmc_fifo_add_page(struct xmc *x, struct xm_domain *d,
			      struct xmc_fifo *f, u32 fill)
{
	u32 *pg = xmc_page(x, 0);
	unsigned int i;

	for (i = 0; i < XMC_WORDS_PER_PAGE; i++)
		pg[i] = fill;
	KUNIT_ASSERT_LT(x->test, f->nr_pages, ARRAY_SIZE(f->page));
	KUNIT_ASSERT_EQ_MSG(x->test, xmc_expand(d, xmc_gfn(pg)), 0L,
			    "expand_array page %u", f->nr_pages);
	f->page[f->nr_pages++] = pg;
}

/*
 * Switch @d to FIFO: control blocks for vCPUs 0..@nr_cbs-1, @nr_pages event
 * array pages with every word set to @fill (0: all unmasked).
 */
static void xmc_fifo_setup(struct xmc *x, struct xm_domain *d, struct xmc_fifo *f,
			   unsigned int nr_cbs, unsigned int nr_pages, u32 fill)
{
	unsigned int i;

	memset(f, 0, sizeof(*f));
	for (i = 0; i < nr_cbs; i++)
		xmc_fifo_add_cb(x, d, f, i);
	for (i = 0; i < nr_pages; i++)
		xmc_fifo_add_page(x, d, f, fill);
}

static u32 *xmc_word(struct xmc_fifo *f, u32 port)
{
	return &f->page[port / XMC_WORDS_PER_PAGE][port % XMC_WORDS_PER_PAGE];
}

static u32 xmc_w(struct xmc_fifo *f, u32 port)
{
	return READ_ONCE(*xmc_word(f, port));
}

/* The guest consumes @port off its queue: LINKED and LINK cleared. */
static void xmc_unlink(struct xmc_fifo *f, u32 port)
{
	WRITE_ONCE(*xmc_word(f, port), xmc_w(f, port) & ~(W_LINKED | W_LINK));
}

/* --- fixtures ------------------------------------------------------------ */

static int xmc_init(struct kunit *test)
{
	struct xmc *x = kunit_kzalloc(test, sizeof(*x), GFP_KERNEL);
	struct xm_config cfg;

	KUNIT_ASSERT_NOT_NULL(test, x);
	x->test = test;
	test->priv = x;
	xm_config_default(&cfg);
	cfg.is_control = true;
	x->peer = xmc_domain(x, &cfg, XM_DOMID_PEER);
	xmc_guest_config(&cfg);
	x->guest = xmc_domain(x, &cfg, XM_DOMID_GUEST);
	x->shi = xmc_map_shinfo(x, x->guest);
	return 0;
}

static void xmc_exit(struct kunit *test)
{
	struct xmc *x = test->priv;
	unsigned int i;

	if (!x)
		return;
	/* Domains first: the model writes into the pages until they are gone. */
	for (i = XMC_MAX_DOMS; i-- > 0;)
		if (x->doms[i])
			xmc_destroy(x, x->doms[i]);
	for (i = 0; i < x->nr_pages; i++)
		__free_page(x->pages[i]);
}

/* Replace the default guest by one created from @cfg (same domid). */
static void xmc_replace_guest(struct xmc *x, const struct xm_config *cfg)
{
	xmc_destroy(x, x->guest);
	x->guest = xmc_domain(x, cfg, XM_DOMID_GUEST);
	x->shi = xmc_map_shinfo(x, x->guest);
}

/* A guest that may open ports up to @max only. */
static void xmc_guest_with_max_port(struct xmc *x, unsigned int max)
{
	struct xm_config cfg;

	xmc_guest_config(&cfg);
	cfg.max_evtchn_port = max;
	xmc_replace_guest(x, &cfg);
}

static int xmc_suite_init(struct kunit_suite *suite)
{
	return xm_install();
}

static void xmc_suite_exit(struct kunit_suite *suite)
{
	xm_uninstall();
}

/* The lowest FREE port of @d, as its next allocation should pick it. */
static u32 xmc_lowest_free(struct xm_domain *d)
{
	u32 p;

	for (p = 1; p < xm_valid_ports(d); p++)
		if (xm_port_state(d, p) == XM_PORT_FREE)
			break;
	return p;
}

static void xmc_read_only_free(void *p)
{
	set_memory_rw((unsigned long)p, 1);
	vfree(p);
}

/* A copy of @src the model can read but not write back into. */
static void *xmc_read_only_arg(struct kunit *test, const void *src, size_t len)
{
	void *p = vmalloc(PAGE_SIZE);

	KUNIT_ASSERT_NOT_NULL(test, p);
	memcpy(p, src, len);
	KUNIT_ASSERT_EQ(test, set_memory_ro((unsigned long)p, 1), 0);
	KUNIT_ASSERT_EQ(test, kunit_add_action_or_reset(test, xmc_read_only_free, p), 0);
	return p;
}

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

/* Allocate unbound ports until one reaches @port; returns the last rc. */
static long xmc_alloc_up_to(struct xm_domain *d, u32 port, unsigned int bound)
{
	long rc = -ENOSPC;

	while (bound--) {
		rc = xmc_alloc_unbound(d, DOMID_SELF, XM_DOMID_PEER);
		if (rc < 0 || rc >= port)
			break;
	}
	return rc;
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

/* --- 25..28: 2-level raising --------------------------------------------- */

/* Upcalls are counted as per-vCPU vector injections on @vcpu. */
static unsigned long xmc_upcalls(struct xmc *x, unsigned int vcpu)
{
	return xm_vector_injections(x->guest, vcpu);
}

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

/* Raise an IPI bound to @vcpu; returns the port. */
static u32 xmc_raise_ipi(struct xmc *x, unsigned int vcpu)
{
	u32 p = xmc_must(x->test, xmc_bind_ipi(x->guest, vcpu), "ipi");

	KUNIT_ASSERT_EQ_MSG(x->test, xmc_send(x->guest, p), 0L, "send ipi %u", p);
	return p;
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

static long xmc_register_vi(struct xm_domain *d, unsigned int vcpu, u64 gfn, u32 offset)
{
	struct vcpu_register_vcpu_info r = { .mfn = gfn, .offset = offset };

	return xmc_vcpu_op(d, vcpu < XM_MAX_VCPUS ? vcpu : 0,
			   VCPUOP_register_vcpu_info, vcpu, &r);
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

/* A guest in the state soft reset and restore must undo. */
static void xmc_busy_guest(struct xmc *x, struct xmc_fifo *f, u32 *ipi)
{
	u8 *area = xmc_page(x, 0);

	xmc_fifo_setup(x, x->guest, f, 1, 1, 0);
	*ipi = xmc_must(x->test, xmc_bind_ipi(x->guest, 0), "ipi");
	KUNIT_ASSERT_EQ(x->test, xmc_register_vi(x->guest, 1, xmc_gfn(area), 0), 0L);
	KUNIT_ASSERT_EQ(x->test, xmc_set_param(x->guest, HVM_PARAM_CALLBACK_IRQ,
					       CB_VIA_VECTOR(XMC_GVEC)), 0L);
	KUNIT_ASSERT_EQ(x->test, xmc_set_vector(x->guest, 1, 1, XMC_VEC), 0L);
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

static struct kunit_case xmc_cases[] = {
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
	KUNIT_CASE(cl16_bind_virq_check_order),
	KUNIT_CASE(cl17_domu_global_virqs_busy),
	KUNIT_CASE(cl18_bind_ipi_no_online_check),
	KUNIT_CASE(cl19_bind_vcpu_check_order),
	KUNIT_CASE(cl20_bind_vcpu_keeps_pending_event),
	KUNIT_CASE(cl21_status_reports),
	KUNIT_CASE(cl22_unmask_unusable_noop),
	KUNIT_CASE(cl23_xen_attached_ports),
	KUNIT_CASE(cl24_set_priority),
	KUNIT_CASE(cl25_2l_raise_order),
	KUNIT_CASE(cl26_2l_selector_suppresses_upcall),
	KUNIT_CASE(cl27_2l_unmask_hypercall),
	KUNIT_CASE(cl28_raise_wakes_pollers_masked),
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
	KUNIT_CASE(cl39_init_control_checks),
	KUNIT_CASE(cl40_init_control_link_bits_no_init),
	KUNIT_CASE(cl41_first_init_control_all_vcpus),
	KUNIT_CASE(cl42_init_control_copies_2l_pending),
	KUNIT_CASE(cl43_expand_array_checks),
	KUNIT_CASE(cl44_expand_reraises_hidden_keeps_flag),
	KUNIT_CASE(cl45_max_port_limits_allocation_only),
	KUNIT_CASE(cl46_reset_checks),
	KUNIT_CASE(cl47_reset_closes_and_returns_to_2l),
	KUNIT_CASE(cl48_reset_leaves_2l_state),
	KUNIT_CASE(cl49_stale_2l_bits_after_fifo_reset),
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
	KUNIT_CASE(cl62_high_vcpus_share_dummy),
	KUNIT_CASE(cl63_register_copies_slot),
	KUNIT_CASE(cl64_register_twice_and_placement),
	KUNIT_CASE(cl65_register_no_upcall_if_flag_set),
	KUNIT_CASE(cl66_add_to_physmap_shinfo),
	KUNIT_CASE(cl67_shinfo_starts_zeroed),
	KUNIT_CASE(cl68_soft_reset_effects),
	KUNIT_CASE(cl69_soft_reset_keeps_delivery_and_contents),
	KUNIT_CASE(cl70_cpuid_hvm_leaf),
	KUNIT_CASE(cl71_features_hvm),
	KUNIT_CASE(cl72_restore_new_domain_defaults),
	{}
};

static struct kunit_suite xmc_suite = {
	.name = "xen_model_conformance",
	.suite_init = xmc_suite_init,
	.suite_exit = xmc_suite_exit,
	.init = xmc_init,
	.exit = xmc_exit,
	.test_cases = xmc_cases,
};

/* --- the seam ------------------------------------------------------------ */

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

kunit_test_suites(&xmc_suite, &xms_suite);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("Conformance of the software model of Xen to Xen's event channels");
