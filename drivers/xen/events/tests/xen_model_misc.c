// SPDX-License-Identifier: GPL-2.0-only
/*
 * Software model of Xen: version and features, CPUID leaves, SCHEDOP_poll
 * and SCHEDOP_shutdown, and the domain life-cycle events a guest sees
 * (restore into a new domain, soft reset).
 */
#include <linux/errno.h>
#include <linux/types.h>
#include <asm/xen/cpuid.h>
#include <xen/interface/features.h>
#include <xen/interface/hvm/params.h>
#include <xen/interface/sched.h>
#include <xen/interface/version.h>
#include "xen_model_internal.h"

#define XM_CPUID_BASE		0x40000000
#define XM_CPUID_MAX_INDEX	5	/* spec 1.8 */
#define XM_HYPERCALL_MSR	0x40000000

/* --- XENVER_* (xen/common/kernel.c) --------------------------------------- */

/*
 * spec 1.7, xen/common/kernel.c: what an HVM/PVH domain (translated
 * paging) is told.
 */
static u32 xm_feature_submap(struct xm_domain *d)
{
	u32 map = BIT(XENFEAT_writable_page_tables) |
		  BIT(XENFEAT_auto_translated_physmap) |
		  BIT(XENFEAT_memory_op_vnode_supported) |
		  BIT(XENFEAT_not_direct_mapped);

	if (!d->cfg.no_safe_pvclock)
		map |= BIT(XENFEAT_hvm_safe_pvclock);
	if (!d->cfg.no_vector_callback)
		map |= BIT(XENFEAT_hvm_callback_vector);
	/* spec 15.1: advertised with emulated PIRQs (and vector callbacks). */
	if (d->cfg.hvm_pirqs && !d->cfg.no_vector_callback)
		map |= BIT(XENFEAT_hvm_pirqs);
	if (d->cfg.is_control)
		map |= BIT(XENFEAT_dom0);
	return map;
}

static long xm_get_features(struct xm_caller *c, unsigned long arg)
{
	struct xen_feature_info fi;

	if (xm_copy_in(&fi, arg, sizeof(fi)))
		return -EFAULT;
	if (fi.submap_idx != 0)
		return -EINVAL;
	fi.submap = xm_feature_submap(c->d);
	return xm_copy_out(arg, &fi, sizeof(fi));
}

/**
 * xm_xen_version() - XENVER_* dispatcher
 * @c: the caller
 * @cmd: the sub-op
 * @arg: guest address of its argument
 *
 * Return: the version for XENVER_version, else 0 or a negative errno.
 */
long xm_xen_version(struct xm_caller *c, unsigned int cmd, unsigned long arg)
{
	switch (cmd) {
	case XENVER_version:
		return c->d->cfg.xen_version;
	case XENVER_get_features:
		return xm_get_features(c, arg);
	default:
		return -XM_ENOSYS;
	}
}

/* --- CPUID (spec 1.8, xen/arch/x86/cpuid.c) ------------------------------- */

static u32 xm_hvm_leaf_flags(struct xm_domain *d)
{
	/* Always set; EXT_DEST_ID never (spec 1.8). */
	u32 eax = XEN_HVM_CPUID_IOMMU_MAPPINGS | XEN_HVM_CPUID_VCPU_ID_PRESENT |
		  XEN_HVM_CPUID_DOMID_PRESENT;

	/* Always there since Xen 4.17 (commit e2d2b9fd7a). */
	if (xm_version_at_least(d, 4, 17) && !d->cfg.no_upcall_vector_cpuid)
		eax |= XEN_HVM_CPUID_UPCALL_VECTOR;
	return eax;
}

/**
 * xm_cpuid() - a Xen CPUID leaf as Xen answers it
 * @d: the domain
 * @vcpu: the vCPU asking
 * @index: leaf index above 0x40000000
 * @eax: out
 * @ebx: out
 * @ecx: out
 * @edx: out
 */
void xm_cpuid(struct xm_domain *d, unsigned int vcpu, unsigned int index,
	      u32 *eax, u32 *ebx, u32 *ecx, u32 *edx)
{
	*eax = *ebx = *ecx = *edx = 0;
	switch (index) {
	case 0:
		*eax = XM_CPUID_BASE + XM_CPUID_MAX_INDEX;
		*ebx = XEN_CPUID_SIGNATURE_EBX;
		*ecx = XEN_CPUID_SIGNATURE_ECX;
		*edx = XEN_CPUID_SIGNATURE_EDX;
		break;
	case 1:
		*eax = d->cfg.xen_version;
		break;
	case 2:
		*eax = 1;
		*ebx = XM_HYPERCALL_MSR;
		break;
	case 4:
		*eax = xm_hvm_leaf_flags(d);
		*ebx = vcpu;
		*ecx = d->domid;
		break;
	default:
		break;
	}
}

/* --- SCHEDOP_poll ---------------------------------------------------------- */

/*
 * xen/common/sched/core.c (do_poll): a poll returns at once when one of
 * its ports is pending; a port that is invalid or not usable is -EINVAL.
 * Otherwise Xen blocks the vCPU; the model cannot
 * block, so the call returns as if the timeout had expired at once while
 * the poll stays armed: the next raise of a polled port counts a wake-up.
 */
static long xm_sched_poll(struct xm_caller *c, unsigned long arg)
{
	struct xm_domain *d = c->d;
	struct xm_vcpu *vc = &d->vcpus[c->vcpu];
	struct sched_poll a;
	unsigned int i;
	u32 port = 0;

	if (xm_copy_in(&a, arg, sizeof(a)))
		return -EFAULT;
	if (a.nr_ports > XM_POLL_MAX_PORTS)
		return -EINVAL;
	for (i = 0; i < a.nr_ports; i++) {
		if (xm_copy_in(&port, (unsigned long)(a.ports + i),
			       sizeof(port)))
			return -EFAULT;
		/* xen/include/xen/event.h (evtchn_port_poll) */
		if (!xm_port_valid_locked(d, port) ||
		    !xm_port_usable(&d->ports[port]))
			return -EINVAL;
		if (xm_is_pending(d, port))
			return 0;
	}
	vc->polling = true;
	vc->poll_port = a.nr_ports == 1 ? (long)port : -1;
	return 0;
}

/* --- SCHEDOP_shutdown ------------------------------------------------------ */

/*
 * spec 12: a suspend either ends in a new domain (return 0 there) or is
 * cancelled (return 1 in the old one, everything kept).
 */
static long xm_suspend(struct xm_domain *d)
{
	struct xm_config cfg = d->restore_cfg_set ? d->restore_cfg : d->cfg;

	if (d->suspend_outcome == XM_SUSPEND_CANCELLED)
		return 1;
	d->restore_cfg_set = false;
	xm_restore_locked(d, &cfg, d->domid);
	return 0;
}

static long xm_sched_shutdown(struct xm_caller *c, unsigned long arg)
{
	struct sched_shutdown a;

	if (xm_copy_in(&a, arg, sizeof(a)))
		return -EFAULT;
	c->d->shutdown_reason = a.reason;
	switch (a.reason) {
	case SHUTDOWN_suspend:
		return xm_suspend(c->d);
	case SHUTDOWN_soft_reset:
		/* spec 6.5: the toolstack completes it before the vCPU runs on. */
		xm_soft_reset_locked(c->d);
		return 0;
	default:
		c->d->shut_down = true;
		return 0;
	}
}

/**
 * xm_sched_op() - SCHEDOP_* dispatcher (xen/common/sched/core.c)
 * @c: the caller
 * @cmd: the sub-op
 * @arg: guest address of its argument
 *
 * Return: 0, 1 (cancelled suspend) or a negative errno.
 */
long xm_sched_op(struct xm_caller *c, unsigned int cmd, unsigned long arg)
{
	switch (cmd) {
	case SCHEDOP_yield:
	case SCHEDOP_block:
		return 0;
	case SCHEDOP_shutdown:
		return xm_sched_shutdown(c, arg);
	case SCHEDOP_poll:
		return xm_sched_poll(c, arg);
	default:
		return -XM_ENOSYS;
	}
}

/* --- life cycle ------------------------------------------------------------- */

/*
 * spec 12, tools/libs/guest/xg_sr_restore_x86_hvm.c: a new domain with the
 * same memory. 2-level, only the toolstack's ports, no vcpu_info
 * registrations, no vectors, CALLBACK_IRQ 0, shared_info zeroed and not
 * mapped. The store and console frames are part of the stream and stay;
 * the vLAPIC state is migrated too.
 */
void xm_restore_locked(struct xm_domain *d, const struct xm_config *cfg,
		       domid_t new_domid)
{
	u64 store_pfn = d->params[HVM_PARAM_STORE_PFN];
	u64 console_pfn = d->params[HVM_PARAM_CONSOLE_PFN];

	/*
	 * The old domain dies: its peers see their channels closed, and the
	 * back-ends close their ends of its store and console channels.
	 */
	xm_evtchn_close_toolstack_peers(d);
	xm_evtchn_unlink_peers(d);
	xm_domain_setup_state(d, cfg, new_domid);
	d->params[HVM_PARAM_STORE_PFN] = store_pfn;
	d->params[HVM_PARAM_CONSOLE_PFN] = console_pfn;
	d->shut_down = false;
	if (!cfg->is_control)
		xm_evtchn_toolstack_ports(d);
}

/*
 * spec 6.5, xen/common/domain.c (domain_soft_reset) and xen/arch/x86/domain.c
 * (arch_domain_soft_reset): event channel reset (FIFO back to 2-level),
 * vcpu_info registrations dropped, a fresh RAM page at the shared_info gfn
 * (shared_info keeps its contents but is mapped nowhere). CALLBACK_IRQ,
 * vectors and the vLAPIC stay. libxl then re-creates the store and
 * console channels as on restore.
 */
void xm_soft_reset_locked(struct xm_domain *d)
{
	xm_evtchn_close_toolstack_peers(d);
	xm_evtchn_reset_domain(d);
	/* spec 12: HVM soft reset unmaps the emulated PIRQs. */
	xm_pirq_reset_domain(d);
	xm_drop_vcpu_info(d);
	xm_unmap_shared_info(d, true);
	d->shut_down = false;
	if (!d->cfg.is_control)
		xm_evtchn_toolstack_ports(d);
}
