// SPDX-License-Identifier: GPL-2.0-only
/*
 * Helpers and fixtures of the conformance suites of the model of Xen: the
 * default guest and peer, pages the cases hand to "Xen", hypercalls made
 * as one of a domain's vCPUs, and the FIFO set-up of a guest.
 */
#include "xen_model_conformance.h"

/* --- pages and domains -------------------------------------------------- */

/* A guest page filled with @fill; freed after every domain is gone. */
void *xmc_page(struct xmc *x, u8 fill)
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
u64 xmc_gfn(const void *va)
{
	return page_to_pfn(virt_to_page(va));
}

unsigned int xmc_dom_slot(struct xmc *x, struct xm_domain *d)
{
	unsigned int i;

	for (i = 0; i < XMC_MAX_DOMS; i++)
		if (x->doms[i] == d)
			return i;
	return XMC_MAX_DOMS;
}

struct xm_domain *xmc_domain(struct xmc *x, const struct xm_config *cfg,
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

void xmc_destroy(struct xmc *x, struct xm_domain *d)
{
	unsigned int slot = xmc_dom_slot(x, d);

	if (slot < XMC_MAX_DOMS)
		x->doms[slot] = NULL;
	xm_domain_destroy(d);
}

void xmc_guest_config(struct xm_config *cfg)
{
	xm_config_default(cfg);
	cfg->nr_vcpus = XMC_NR_VCPUS;
}

/* --- hypercalls as a vCPU ------------------------------------------------ */

long xmc_evtchn(struct xm_domain *d, unsigned int vcpu, int cmd, void *arg)
{
	long rc;

	xm_enter(d, vcpu);
	rc = HYPERVISOR_event_channel_op(cmd, arg);
	xm_leave();
	return rc;
}

long xmc_hvm(struct xm_domain *d, unsigned int vcpu, int op, void *arg)
{
	long rc;

	xm_enter(d, vcpu);
	rc = (long)HYPERVISOR_hvm_op(op, arg);
	xm_leave();
	return rc;
}

long xmc_vcpu_op(struct xm_domain *d, unsigned int vcpu, int cmd,
		 unsigned int target, void *arg)
{
	long rc;

	xm_enter(d, vcpu);
	rc = HYPERVISOR_vcpu_op(cmd, target, arg);
	xm_leave();
	return rc;
}

long xmc_memory(struct xm_domain *d, unsigned int cmd, void *arg)
{
	long rc;

	xm_enter(d, 0);
	rc = HYPERVISOR_memory_op(cmd, arg);
	xm_leave();
	return rc;
}

long xmc_sched(struct xm_domain *d, unsigned int vcpu, int cmd, void *arg)
{
	long rc;

	xm_enter(d, vcpu);
	rc = HYPERVISOR_sched_op(cmd, arg);
	xm_leave();
	return rc;
}

long xmc_version(struct xm_domain *d, int cmd, void *arg)
{
	long rc;

	xm_enter(d, 0);
	rc = HYPERVISOR_xen_version(cmd, arg);
	xm_leave();
	return rc;
}

/* --- event-channel operations (port, or a negative errno) ---------------- */

long xmc_alloc_unbound(struct xm_domain *d, domid_t dom, domid_t remote)
{
	struct evtchn_alloc_unbound a = { .dom = dom, .remote_dom = remote };
	long rc = xmc_evtchn(d, 0, EVTCHNOP_alloc_unbound, &a);

	return rc ?: a.port;
}

long xmc_bind_interdomain(struct xm_domain *d, unsigned int vcpu,
			  domid_t remote, u32 rport)
{
	struct evtchn_bind_interdomain a = {
		.remote_dom = remote, .remote_port = rport,
	};
	long rc = xmc_evtchn(d, vcpu, EVTCHNOP_bind_interdomain, &a);

	return rc ?: a.local_port;
}

long xmc_bind_virq(struct xm_domain *d, u32 virq, u32 vcpu)
{
	struct evtchn_bind_virq a = { .virq = virq, .vcpu = vcpu };
	long rc = xmc_evtchn(d, 0, EVTCHNOP_bind_virq, &a);

	return rc ?: a.port;
}

long xmc_bind_ipi(struct xm_domain *d, u32 vcpu)
{
	struct evtchn_bind_ipi a = { .vcpu = vcpu };
	long rc = xmc_evtchn(d, 0, EVTCHNOP_bind_ipi, &a);

	return rc ?: a.port;
}

long xmc_close(struct xm_domain *d, u32 port)
{
	struct evtchn_close a = { .port = port };

	return xmc_evtchn(d, 0, EVTCHNOP_close, &a);
}

long xmc_send(struct xm_domain *d, u32 port)
{
	struct evtchn_send a = { .port = port };

	return xmc_evtchn(d, 0, EVTCHNOP_send, &a);
}

long xmc_unmask(struct xm_domain *d, u32 port)
{
	struct evtchn_unmask a = { .port = port };

	return xmc_evtchn(d, 0, EVTCHNOP_unmask, &a);
}

long xmc_bind_vcpu(struct xm_domain *d, u32 port, u32 vcpu)
{
	struct evtchn_bind_vcpu a = { .port = port, .vcpu = vcpu };

	return xmc_evtchn(d, 0, EVTCHNOP_bind_vcpu, &a);
}

long xmc_set_priority(struct xm_domain *d, u32 port, u32 prio)
{
	struct evtchn_set_priority a = { .port = port, .priority = prio };

	return xmc_evtchn(d, 0, EVTCHNOP_set_priority, &a);
}

long xmc_reset(struct xm_domain *d, int cmd, domid_t dom)
{
	struct evtchn_reset a = { .dom = dom };

	return xmc_evtchn(d, 0, cmd, &a);
}

long xmc_status(struct xm_domain *d, domid_t dom, u32 port,
		struct evtchn_status *st)
{
	st->dom = dom;
	st->port = port;
	return xmc_evtchn(d, 0, EVTCHNOP_status, st);
}

/* A port the case needs: assert the operation gave one. */
u32 xmc_must(struct kunit *test, long rc, const char *what)
{
	KUNIT_ASSERT_GT_MSG(test, rc, 0L, "%s", what);
	return rc;
}

/* Loopback channel (spec 4.2 recipe): @a unbound end, @b bound end. */
void xmc_loopback(struct xmc *x, struct xm_domain *d, u32 *a, u32 *b)
{
	*a = xmc_must(x->test, xmc_alloc_unbound(d, DOMID_SELF, DOMID_SELF),
		      "loopback alloc_unbound");
	*b = xmc_must(x->test, xmc_bind_interdomain(d, 0, DOMID_SELF, *a),
		      "loopback bind_interdomain");
}

/* The peer offers a port to the guest and the guest binds it. */
u32 xmc_peer_channel(struct xmc *x, unsigned int vcpu, u32 *rport)
{
	*rport = xmc_must(x->test, xmc_alloc_unbound(x->peer, DOMID_SELF,
						     XM_DOMID_GUEST),
			  "peer alloc_unbound");
	return xmc_must(x->test, xmc_bind_interdomain(x->guest, vcpu,
						      XM_DOMID_PEER, *rport),
			"guest bind_interdomain");
}

/* --- shared_info, vcpu_info, HVM ----------------------------------------- */

long xmc_map_shinfo_at(struct xm_domain *d, domid_t dom, u64 idx, u64 gpfn)
{
	struct xen_add_to_physmap a = {
		.domid = dom, .space = XENMAPSPACE_shared_info,
		.idx = idx, .gpfn = gpfn,
	};

	return xmc_memory(d, XENMEM_add_to_physmap, &a);
}

struct shared_info *xmc_map_shinfo(struct xmc *x, struct xm_domain *d)
{
	struct shared_info *s = xmc_page(x, 0);

	KUNIT_ASSERT_EQ_MSG(x->test, xmc_map_shinfo_at(d, DOMID_SELF, 0, xmc_gfn(s)),
			    0L, "map shared_info");
	return s;
}

struct vcpu_info *xmc_vi(struct xmc *x, unsigned int vcpu)
{
	return &x->shi->vcpu_info[vcpu];
}

/* The guest acknowledges everything on @vcpu: flag and selector cleared. */
void xmc_ack(struct vcpu_info *vi)
{
	WRITE_ONCE(vi->evtchn_upcall_pending, 0);
	WRITE_ONCE(vi->evtchn_pending_sel, 0);
}

bool xmc_bit(const xen_ulong_t *map, u32 port)
{
	return test_bit(port, (const unsigned long *)map);
}

void xmc_set_bit(xen_ulong_t *map, u32 port, bool on)
{
	if (on)
		set_bit(port, (unsigned long *)map);
	else
		clear_bit(port, (unsigned long *)map);
}

bool xmc_sel(struct vcpu_info *vi, u32 port)
{
	return xmc_bit(&vi->evtchn_pending_sel, port / BITS_PER_LONG);
}

long xmc_set_vector(struct xm_domain *d, unsigned int caller,
		    u32 vcpu, u8 vector)
{
	struct xen_hvm_evtchn_upcall_vector a = { .vcpu = vcpu, .vector = vector };

	return xmc_hvm(d, caller, HVMOP_set_evtchn_upcall_vector, &a);
}

/* Give @vcpu a per-vCPU vector and take the spurious upcall it brings. */
void xmc_vector_quiet(struct xmc *x, struct xm_domain *d, unsigned int vcpu)
{
	KUNIT_ASSERT_EQ_MSG(x->test, xmc_set_vector(d, vcpu, vcpu, XMC_VEC), 0L,
			    "set upcall vector on vCPU %u", vcpu);
	if (xm_lapic_accept(d, vcpu))
		xm_lapic_eoi(d, vcpu);
}

long xmc_set_param(struct xm_domain *d, u32 index, u64 value)
{
	struct xen_hvm_param a = { .domid = DOMID_SELF, .index = index, .value = value };

	return xmc_hvm(d, 0, HVMOP_set_param, &a);
}

long xmc_get_param(struct xm_domain *d, u32 index, u64 *value)
{
	struct xen_hvm_param a = { .domid = DOMID_SELF, .index = index };
	long rc = xmc_hvm(d, 0, HVMOP_get_param, &a);

	*value = a.value;
	return rc;
}

/* --- FIFO ---------------------------------------------------------------- */

long xmc_init_control(struct xm_domain *d, u64 gfn, u32 offset, u32 vcpu,
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

long xmc_expand(struct xm_domain *d, u64 gfn)
{
	struct evtchn_expand_array a = { .array_gfn = gfn };

	return xmc_evtchn(d, 0, EVTCHNOP_expand_array, &a);
}

void xmc_fifo_add_cb(struct xmc *x, struct xm_domain *d,
		     struct xmc_fifo *f, unsigned int vcpu)
{
	f->cb[vcpu] = xmc_page(x, 0);
	KUNIT_ASSERT_EQ_MSG(x->test, xmc_init_control(d, xmc_gfn(f->cb[vcpu]), 0,
						      vcpu, NULL),
			    0L, "init_control vCPU %u", vcpu);
}

void xmc_fifo_add_page(struct xmc *x, struct xm_domain *d,
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
void xmc_fifo_setup(struct xmc *x, struct xm_domain *d, struct xmc_fifo *f,
		    unsigned int nr_cbs, unsigned int nr_pages, u32 fill)
{
	unsigned int i;

	memset(f, 0, sizeof(*f));
	for (i = 0; i < nr_cbs; i++)
		xmc_fifo_add_cb(x, d, f, i);
	for (i = 0; i < nr_pages; i++)
		xmc_fifo_add_page(x, d, f, fill);
}

u32 *xmc_word(struct xmc_fifo *f, u32 port)
{
	return &f->page[port / XMC_WORDS_PER_PAGE][port % XMC_WORDS_PER_PAGE];
}

u32 xmc_w(struct xmc_fifo *f, u32 port)
{
	return READ_ONCE(*xmc_word(f, port));
}

/* The guest consumes @port off its queue: LINKED and LINK cleared. */
void xmc_unlink(struct xmc_fifo *f, u32 port)
{
	WRITE_ONCE(*xmc_word(f, port), xmc_w(f, port) & ~(W_LINKED | W_LINK));
}

/* --- fixtures ------------------------------------------------------------ */

int xmc_init(struct kunit *test)
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

void xmc_exit(struct kunit *test)
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
void xmc_replace_guest(struct xmc *x, const struct xm_config *cfg)
{
	xmc_destroy(x, x->guest);
	x->guest = xmc_domain(x, cfg, XM_DOMID_GUEST);
	x->shi = xmc_map_shinfo(x, x->guest);
}

/* A guest that may open ports up to @max only. */
void xmc_guest_with_max_port(struct xmc *x, unsigned int max)
{
	struct xm_config cfg;

	xmc_guest_config(&cfg);
	cfg.max_evtchn_port = max;
	xmc_replace_guest(x, &cfg);
}

int xmc_suite_init(struct kunit_suite *suite)
{
	return xm_install();
}

void xmc_suite_exit(struct kunit_suite *suite)
{
	xm_uninstall();
}

/* The lowest FREE port of @d, as its next allocation should pick it. */
u32 xmc_lowest_free(struct xm_domain *d)
{
	u32 p;

	for (p = 1; p < xm_valid_ports(d); p++)
		if (xm_port_state(d, p) == XM_PORT_FREE)
			break;
	return p;
}

void xmc_read_only_free(void *p)
{
	set_memory_rw((unsigned long)p, 1);
	vfree(p);
}

/* A copy of @src the model can read but not write back into. */
void *xmc_read_only_arg(struct kunit *test, const void *src, size_t len)
{
	void *p = vmalloc(PAGE_SIZE);

	KUNIT_ASSERT_NOT_NULL(test, p);
	memcpy(p, src, len);
	KUNIT_ASSERT_EQ(test, set_memory_ro((unsigned long)p, 1), 0);
	KUNIT_ASSERT_EQ(test, kunit_add_action_or_reset(test, xmc_read_only_free, p), 0);
	return p;
}

/* Upcalls are counted as per-vCPU vector injections on @vcpu. */
unsigned long xmc_upcalls(struct xmc *x, unsigned int vcpu)
{
	return xm_vector_injections(x->guest, vcpu);
}

/* Allocate unbound ports until one reaches @port; returns the last rc. */
long xmc_alloc_up_to(struct xm_domain *d, u32 port, unsigned int bound)
{
	long rc = -ENOSPC;

	while (bound--) {
		rc = xmc_alloc_unbound(d, DOMID_SELF, XM_DOMID_PEER);
		if (rc < 0 || rc >= port)
			break;
	}
	return rc;
}

/* Raise an IPI bound to @vcpu; returns the port. */
u32 xmc_raise_ipi(struct xmc *x, unsigned int vcpu)
{
	u32 p = xmc_must(x->test, xmc_bind_ipi(x->guest, vcpu), "ipi");

	KUNIT_ASSERT_EQ_MSG(x->test, xmc_send(x->guest, p), 0L, "send ipi %u", p);
	return p;
}

/* A guest in the state soft reset and restore must undo. */
void xmc_busy_guest(struct xmc *x, struct xmc_fifo *f, u32 *ipi)
{
	u8 *area = xmc_page(x, 0);

	xmc_fifo_setup(x, x->guest, f, 1, 1, 0);
	*ipi = xmc_must(x->test, xmc_bind_ipi(x->guest, 0), "ipi");
	KUNIT_ASSERT_EQ(x->test, xmc_register_vi(x->guest, 1, xmc_gfn(area), 0), 0L);
	KUNIT_ASSERT_EQ(x->test, xmc_set_param(x->guest, HVM_PARAM_CALLBACK_IRQ,
					       CB_VIA_VECTOR(XMC_GVEC)), 0L);
	KUNIT_ASSERT_EQ(x->test, xmc_set_vector(x->guest, 1, 1, XMC_VEC), 0L);
}

long xmc_register_vi(struct xm_domain *d, unsigned int vcpu, u64 gfn, u32 offset)
{
	struct vcpu_register_vcpu_info r = { .mfn = gfn, .offset = offset };

	return xmc_vcpu_op(d, vcpu < XM_MAX_VCPUS ? vcpu : 0,
			   VCPUOP_register_vcpu_info, vcpu, &r);
}
