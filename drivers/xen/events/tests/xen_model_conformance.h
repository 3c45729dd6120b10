/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * What the conformance suites of the model of Xen share
 * (xen_model_conformance_*_test.c, one per section of the model checklist
 * in Documentation/virt/xen/evtchn-model.rst): every case drives the model
 * as a guest would. It acts as a vCPU (xm_enter()), issues real hypercalls
 * through the kernel's wrappers, and reads what "Xen" wrote into real guest
 * pages (shared_info, vcpu_info, FIFO control blocks and event arrays); the
 * model's inspection API is used only for state Xen keeps to itself.
 * Case clNN_<what> checks item NN; "spec X.Y" in comments names the section
 * behind it.
 */
#ifndef XEN_MODEL_CONFORMANCE_H
#define XEN_MODEL_CONFORMANCE_H

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

void *xmc_page(struct xmc *x, u8 fill);
u64 xmc_gfn(const void *va);
unsigned int xmc_dom_slot(struct xmc *x, struct xm_domain *d);
struct xm_domain *xmc_domain(struct xmc *x, const struct xm_config *cfg,
			     domid_t domid);
void xmc_destroy(struct xmc *x, struct xm_domain *d);
void xmc_guest_config(struct xm_config *cfg);
long xmc_evtchn(struct xm_domain *d, unsigned int vcpu, int cmd, void *arg);
long xmc_hvm(struct xm_domain *d, unsigned int vcpu, int op, void *arg);
long xmc_vcpu_op(struct xm_domain *d, unsigned int vcpu, int cmd,
		 unsigned int target, void *arg);
long xmc_memory(struct xm_domain *d, unsigned int cmd, void *arg);
long xmc_sched(struct xm_domain *d, unsigned int vcpu, int cmd, void *arg);
long xmc_version(struct xm_domain *d, int cmd, void *arg);
long xmc_alloc_unbound(struct xm_domain *d, domid_t dom, domid_t remote);
long xmc_bind_interdomain(struct xm_domain *d, unsigned int vcpu,
			  domid_t remote, u32 rport);
long xmc_bind_virq(struct xm_domain *d, u32 virq, u32 vcpu);
long xmc_bind_ipi(struct xm_domain *d, u32 vcpu);
long xmc_close(struct xm_domain *d, u32 port);
long xmc_send(struct xm_domain *d, u32 port);
long xmc_unmask(struct xm_domain *d, u32 port);
long xmc_bind_vcpu(struct xm_domain *d, u32 port, u32 vcpu);
long xmc_set_priority(struct xm_domain *d, u32 port, u32 prio);
long xmc_reset(struct xm_domain *d, int cmd, domid_t dom);
long xmc_status(struct xm_domain *d, domid_t dom, u32 port,
		struct evtchn_status *st);
u32 xmc_must(struct kunit *test, long rc, const char *what);
void xmc_loopback(struct xmc *x, struct xm_domain *d, u32 *a, u32 *b);
u32 xmc_peer_channel(struct xmc *x, unsigned int vcpu, u32 *rport);
long xmc_map_shinfo_at(struct xm_domain *d, domid_t dom, u64 idx, u64 gpfn);
struct shared_info *xmc_map_shinfo(struct xmc *x, struct xm_domain *d);
struct vcpu_info *xmc_vi(struct xmc *x, unsigned int vcpu);
void xmc_ack(struct vcpu_info *vi);
bool xmc_bit(const xen_ulong_t *map, u32 port);
void xmc_set_bit(xen_ulong_t *map, u32 port, bool on);
bool xmc_sel(struct vcpu_info *vi, u32 port);
long xmc_set_vector(struct xm_domain *d, unsigned int caller,
		    u32 vcpu, u8 vector);
void xmc_vector_quiet(struct xmc *x, struct xm_domain *d, unsigned int vcpu);
long xmc_set_param(struct xm_domain *d, u32 index, u64 value);
long xmc_get_param(struct xm_domain *d, u32 index, u64 *value);
long xmc_init_control(struct xm_domain *d, u64 gfn, u32 offset, u32 vcpu,
		      u8 *link_bits);
long xmc_expand(struct xm_domain *d, u64 gfn);
void xmc_fifo_add_cb(struct xmc *x, struct xm_domain *d,
		     struct xmc_fifo *f, unsigned int vcpu);
void xmc_fifo_add_page(struct xmc *x, struct xm_domain *d,
		       struct xmc_fifo *f, u32 fill);
void xmc_fifo_setup(struct xmc *x, struct xm_domain *d, struct xmc_fifo *f,
		    unsigned int nr_cbs, unsigned int nr_pages, u32 fill);
u32 *xmc_word(struct xmc_fifo *f, u32 port);
u32 xmc_w(struct xmc_fifo *f, u32 port);
void xmc_unlink(struct xmc_fifo *f, u32 port);
int xmc_init(struct kunit *test);
void xmc_exit(struct kunit *test);
void xmc_replace_guest(struct xmc *x, const struct xm_config *cfg);
void xmc_guest_with_max_port(struct xmc *x, unsigned int max);
int xmc_suite_init(struct kunit_suite *suite);
void xmc_suite_exit(struct kunit_suite *suite);
u32 xmc_lowest_free(struct xm_domain *d);
void xmc_read_only_free(void *p);
void *xmc_read_only_arg(struct kunit *test, const void *src, size_t len);
unsigned long xmc_upcalls(struct xmc *x, unsigned int vcpu);
long xmc_alloc_up_to(struct xm_domain *d, u32 port, unsigned int bound);
u32 xmc_raise_ipi(struct xmc *x, unsigned int vcpu);
void xmc_busy_guest(struct xmc *x, struct xmc_fifo *f, u32 *ipi);
long xmc_register_vi(struct xm_domain *d, unsigned int vcpu, u64 gfn, u32 offset);

#endif /* XEN_MODEL_CONFORMANCE_H */
