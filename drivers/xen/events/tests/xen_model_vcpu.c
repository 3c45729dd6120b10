// SPDX-License-Identifier: GPL-2.0-only
/*
 * Software model of Xen: where vcpu_info and shared_info live (spec 8, 9;
 * xen/common/domain.c, xen/arch/x86/mm/p2m.c) and the VCPUOPs and
 * XENMEM_add_to_physmap that move them.
 */
#include <linux/errno.h>
#include <linux/types.h>
#include <linux/mm.h>
#include <linux/string.h>
#include <linux/vmalloc.h>
#include <xen/interface/xen.h>
#include <xen/interface/memory.h>
#include "xen_model_internal.h"

#define XM_LEGACY_VCPUS		32	/* XEN_LEGACY_MAX_VCPUS, spec 1.3 */
#define XM_VCPU_INFO_SIZE	64	/* spec 1.4 */
#define XM_INVALID_GFN		(~0ULL)

/*
 * spec 8.1, xen/common/domain.c (vcpu_info_reset): one dummy vcpu_info for
 * every vCPU >= 32 of every domain until it registers its own.
 */
static struct vcpu_info xm_dummy_vcpu_info __aligned(XM_VCPU_INFO_SIZE);

struct vcpu_info *xm_vcpu_info_locked(struct xm_domain *d, unsigned int vcpu)
{
	struct xm_vcpu *vc = &d->vcpus[vcpu];

	if (vc->vi_registered)
		return vc->vi_area;
	if (vcpu < XM_LEGACY_VCPUS)
		return &d->shinfo->vcpu_info[vcpu];
	return &xm_dummy_vcpu_info;
}

/* --- VCPUOP_register_vcpu_info (spec 8.2) ---------------------------------- */

/* Checks of Xen >= 4.18 (map_guest_area), after the vCPU and copy checks. */
static long xm_check_vcpu_info_418(struct xm_domain *d, unsigned int vcpu,
				   const struct vcpu_register_vcpu_info *a)
{
	if (a->offset >= PAGE_SIZE || a->mfn > (U64_MAX >> PAGE_SHIFT))
		return -EINVAL;
	if (d->vcpus[vcpu].vi_registered)
		return -EBUSY;
	if (a->offset + XM_VCPU_INFO_SIZE > PAGE_SIZE)
		return -ENXIO;
	if (a->offset & 7)
		return -ENXIO;
	if (!xm_gfn_usable(d, a->mfn))
		return -EINVAL;
	return 0;
}

/* Checks of Xen <= 4.17 (map_vcpu_info). */
static long xm_check_vcpu_info_417(struct xm_caller *c, unsigned int vcpu,
				   const struct vcpu_register_vcpu_info *a)
{
	struct xm_domain *d = c->d;

	if (a->offset > PAGE_SIZE - XM_VCPU_INFO_SIZE || (a->offset & 7))
		return -ENXIO;
	if (d->vcpus[vcpu].vi_registered)
		return -EINVAL;
	/* Only on oneself, or on a vCPU that is down. */
	if (vcpu != c->vcpu && d->vcpus[vcpu].online)
		return -EINVAL;
	if (!xm_gfn_usable(d, a->mfn))
		return -EINVAL;
	return 0;
}

/*
 * spec 8.2 effect: fill the new area (a copy of the current vcpu_info, or
 * zeroes with the mask set when coming from the dummy), switch to it, set
 * the whole selector and mark events pending, which raises an upcall only
 * if the copied flag was clear. The old slot is left as it was.
 */
static void xm_move_vcpu_info(struct xm_domain *d, unsigned int vcpu,
			      struct vcpu_info *area)
{
	struct vcpu_info *old = xm_vcpu_info_locked(d, vcpu);

	if (old == &xm_dummy_vcpu_info) {
		memset(area, 0, XM_VCPU_INFO_SIZE);
		area->evtchn_upcall_mask = 1;
	} else {
		memcpy(area, old, XM_VCPU_INFO_SIZE);
	}
	d->vcpus[vcpu].vi_area = area;
	d->vcpus[vcpu].vi_registered = true;
	xchg(&area->evtchn_pending_sel, ~0UL);
	xm_mark_events_pending(d, vcpu);
}

static long xm_register_vcpu_info(struct xm_caller *c, unsigned int vcpu,
				  unsigned long arg)
{
	struct vcpu_register_vcpu_info a;
	struct xm_domain *d = c->d;
	long ret;

	if (xm_copy_in(&a, arg, sizeof(a)))
		return -EFAULT;
	if (xm_version_at_least(d, 4, 18))
		ret = xm_check_vcpu_info_418(d, vcpu, &a);
	else
		ret = xm_check_vcpu_info_417(c, vcpu, &a);
	if (ret)
		return ret;
	xm_move_vcpu_info(d, vcpu,
			  (struct vcpu_info *)(pfn_to_kaddr(a.mfn) + a.offset));
	return 0;
}

/*
 * Documentation/virt/xen/hibernation.rst, Xen fact 5: runstate and time areas
 * are guest virtual addresses; the model
 * remembers them (nothing here writes them) so that a test can tell whose
 * they are. An address of 0 registers none: Xen stops writing.
 */
static long xm_register_runstate(struct xm_caller *c, unsigned int vcpu,
				 unsigned long arg)
{
	struct vcpu_register_runstate_memory_area a;

	if (xm_copy_in(&a, arg, sizeof(a)))
		return -EFAULT;
	c->d->vcpus[vcpu].runstate_area = (unsigned long)a.addr.v;
	return 0;
}

static long xm_register_time_area(struct xm_caller *c, unsigned int vcpu,
				  unsigned long arg)
{
	struct vcpu_register_time_memory_area a;

	if (xm_copy_in(&a, arg, sizeof(a)))
		return -EFAULT;
	c->d->vcpus[vcpu].time_area = (unsigned long)a.addr.v;
	return 0;
}

/**
 * xm_vcpu_op() - VCPUOP_* dispatcher (xen/common/domain.c)
 * @c: the caller
 * @cmd: the sub-op
 * @vcpuid: the vCPU it acts on, in the caller's domain
 * @arg: guest address of its argument
 *
 * Return: 0, 1 (is_up) or a negative errno.
 */
long xm_vcpu_op(struct xm_caller *c, unsigned int cmd, unsigned int vcpuid,
		unsigned long arg)
{
	struct xm_domain *d = c->d;

	/* spec 8.2 check 1: a vCPU that does not exist, before the copy. */
	if (!xm_vcpu_exists(d, vcpuid))
		return -ENOENT;
	switch (cmd) {
	case VCPUOP_up:
		d->vcpus[vcpuid].online = true;
		return 0;
	case VCPUOP_down:
		d->vcpus[vcpuid].online = false;
		return 0;
	case VCPUOP_is_up:
		return d->vcpus[vcpuid].online;
	case VCPUOP_register_runstate_memory_area:
		return xm_register_runstate(c, vcpuid, arg);
	case VCPUOP_register_vcpu_info:
		return xm_register_vcpu_info(c, vcpuid, arg);
	case VCPUOP_register_vcpu_time_memory_area:
		return xm_register_time_area(c, vcpuid, arg);
	case VCPUOP_send_nmi:
		d->vcpus[vcpuid].nmis++;
		return 0;
	default:
		return -XM_ENOSYS;
	}
}

/* Soft reset (spec 6.5): registrations dropped, default slots again. */
void xm_drop_vcpu_info(struct xm_domain *d)
{
	unsigned int v;

	for (v = 0; v < XM_MAX_VCPUS; v++) {
		d->vcpus[v].vi_registered = false;
		d->vcpus[v].vi_area = NULL;
		d->vcpus[v].runstate_area = 0;
		d->vcpus[v].time_area = 0;
	}
}

/* --- shared_info (spec 9) -------------------------------------------------- */

/*
 * shared_info leaves the guest's physical map: Xen's own page is used
 * again, holding what the guest page held (@keep_contents) or zeroes.
 */
void xm_unmap_shared_info(struct xm_domain *d, bool keep_contents)
{
	if (d->shinfo_gfn < 0)
		return;
	if (keep_contents)
		memcpy(d->xen_shinfo, d->shinfo, PAGE_SIZE);
	d->shinfo = d->xen_shinfo;
	d->shinfo_gfn = -1;
}

/*
 * spec 9, xen/arch/x86/mm/p2m.c: the page is present at one gfn at a time;
 * whatever RAM was at the new gfn is lost, the old gfn becomes a hole the
 * model no longer writes. The contents move with it.
 */
static void xm_map_shared_info(struct xm_domain *d, u64 gfn)
{
	struct shared_info *target = pfn_to_kaddr(gfn);

	if (d->shinfo_gfn == (long)gfn)
		return;
	memcpy(target, d->shinfo, PAGE_SIZE);
	d->shinfo = target;
	d->shinfo_gfn = gfn;
}

/* --- holes in the physical map (hibernation.rst, Xen fact 7) ------------- */

static int xm_hole_index(const struct xm_domain *d, u64 gfn)
{
	unsigned int i;

	for (i = 0; i < d->nr_holes; i++)
		if (d->holes[i] == gfn)
			return i;
	return -1;
}

/**
 * xm_gfn_usable() - does a guest frame hold RAM the domain may hand to Xen?
 * @d: the domain
 * @gfn: the frame
 *
 * Return: true for RAM that no XENMEM_remove_from_physmap emptied since.
 */
bool xm_gfn_usable(const struct xm_domain *d, u64 gfn)
{
	return xm_gfn_is_ram(gfn) && xm_hole_index(d, gfn) < 0;
}

/* The model cannot take real memory away; it remembers the frame as empty. */
static int xm_make_hole(struct xm_domain *d, u64 gfn)
{
	if (xm_hole_index(d, gfn) >= 0)
		return 0;
	if (d->nr_holes >= XM_MAX_HOLES)
		return -ENOMEM;
	d->holes[d->nr_holes++] = gfn;
	return 0;
}

static void xm_fill_hole(struct xm_domain *d, u64 gfn)
{
	int i = xm_hole_index(d, gfn);

	if (i >= 0)
		d->holes[i] = d->holes[--d->nr_holes];
}

static long xm_add_to_physmap(struct xm_caller *c, unsigned long arg)
{
	struct xen_add_to_physmap a;
	struct xm_domain *d;

	if (xm_copy_in(&a, arg, sizeof(a)))
		return -EFAULT;
	d = xm_lookup_arg(c, a.domid);
	if (!d)
		return -ESRCH;
	if (!xm_may_target(c, d))
		return -EPERM;
	/* Only the shared_info space is modelled. */
	if (a.space != XENMAPSPACE_shared_info)
		return -EOPNOTSUPP;
	if (a.idx != 0 || a.gpfn == XM_INVALID_GFN)
		return -EINVAL;
	/* Not RAM: treated as an MMIO-direct gfn. */
	if (!xm_gfn_is_ram(a.gpfn))
		return -EPERM;
	/* Fact 7: the old gfn is left empty; the new one is filled by it. */
	if (d->shinfo_gfn >= 0 && d->shinfo_gfn != (long)a.gpfn &&
	    xm_make_hole(d, d->shinfo_gfn))
		return -ENOMEM;
	xm_fill_hole(d, a.gpfn);
	xm_map_shared_info(d, a.gpfn);
	return 0;
}

/*
 * hibernation.rst, Xen fact 7 (xen/common/memory.c,
 * xen/arch/x86/mm/p2m.c): the page at the gfn leaves the physical
 * map. Xen's own pages (here: shared_info) stay Xen's, with their
 * contents, and keep being written where Xen keeps them; RAM is freed.
 */
static long xm_remove_from_physmap(struct xm_caller *c, unsigned long arg)
{
	struct xen_remove_from_physmap a;
	struct xm_domain *d;

	if (xm_copy_in(&a, arg, sizeof(a)))
		return -EFAULT;
	d = xm_lookup_arg(c, a.domid);
	if (!d)
		return -ESRCH;
	if (!xm_may_target(c, d))
		return -EPERM;
	if (d->shinfo_gfn == (long)a.gpfn) {
		xm_unmap_shared_info(d, true);
		return xm_make_hole(d, a.gpfn);
	}
	if (!xm_gfn_usable(d, a.gpfn))
		return -ENOENT;
	return xm_make_hole(d, a.gpfn);
}

/*
 * hibernation.rst, Xen fact 7: order-0 extents only; a gfn that already
 * holds RAM is counted
 * as done. Returns the number of extents done, as Xen does.
 */
static long xm_populate_physmap(struct xm_caller *c, unsigned long arg)
{
	struct xen_memory_reservation r;
	struct xm_domain *d;
	unsigned long i;
	xen_pfn_t gfn;

	if (xm_copy_in(&r, arg, sizeof(r)))
		return -EFAULT;
	d = xm_lookup_arg(c, r.domid);
	if (!d)
		return -ESRCH;
	if (!xm_may_target(c, d))
		return -EPERM;
	if (r.extent_order)
		return -EINVAL;
	for (i = 0; i < r.nr_extents; i++) {
		if (xm_copy_in(&gfn, (unsigned long)(r.extent_start + i),
			       sizeof(gfn)))
			return i ?: -EFAULT;
		if (!xm_gfn_is_ram(gfn))
			return i;
		xm_fill_hole(d, gfn);
		d->populated++;
	}
	return i;
}

/*
 * hibernation.rst, Xen fact 7: XENMEM_decrease_reservation (a balloon
 * giving pages back) leaves holes; order-0 extents only, a hole stops the
 * batch. Returns the number of extents done.
 */
static long xm_decrease_reservation(struct xm_caller *c, unsigned long arg)
{
	struct xen_memory_reservation r;
	struct xm_domain *d;
	unsigned long i;
	xen_pfn_t gfn;

	if (xm_copy_in(&r, arg, sizeof(r)))
		return -EFAULT;
	d = xm_lookup_arg(c, r.domid);
	if (!d)
		return -ESRCH;
	if (!xm_may_target(c, d))
		return -EPERM;
	if (r.extent_order)
		return -EINVAL;
	for (i = 0; i < r.nr_extents; i++) {
		if (xm_copy_in(&gfn, (unsigned long)(r.extent_start + i),
			       sizeof(gfn)))
			return i ?: -EFAULT;
		if (!xm_gfn_usable(d, gfn) || d->shinfo_gfn == (long)gfn ||
		    xm_make_hole(d, gfn))
			return i;
	}
	return i;
}

/**
 * xm_memory_op() - XENMEM_* dispatcher (xen/common/memory.c)
 * @c: the caller
 * @cmd: the sub-op (bits 5:0 of the first argument)
 * @arg: guest address of its argument
 *
 * Return: 0, the number of extents done (populate, decrease), or a
 * negative errno.
 */
long xm_memory_op(struct xm_caller *c, unsigned int cmd, unsigned long arg)
{
	switch (cmd) {
	case XENMEM_add_to_physmap:
		return xm_add_to_physmap(c, arg);
	case XENMEM_remove_from_physmap:
		return xm_remove_from_physmap(c, arg);
	case XENMEM_populate_physmap:
		return xm_populate_physmap(c, arg);
	case XENMEM_decrease_reservation:
		return xm_decrease_reservation(c, arg);
	default:
		return -XM_ENOSYS;
	}
}

/* --- inspection ------------------------------------------------------------- */

/**
 * xm_shared_info() - the shared_info page Xen writes right now
 * @d: the domain
 *
 * Return: the guest page it is mapped at, or Xen's own page.
 */
struct shared_info *xm_shared_info(struct xm_domain *d)
{
	return READ_ONCE(d->shinfo);
}

/**
 * xm_shared_info_gfn() - where shared_info is mapped
 * @d: the domain
 *
 * Return: the gfn, or -1 when not mapped.
 */
long xm_shared_info_gfn(struct xm_domain *d)
{
	return READ_ONCE(d->shinfo_gfn);
}

/**
 * xm_vcpu_info() - the vcpu_info Xen uses for a vCPU
 * @d: the domain
 * @vcpu: the vCPU
 *
 * Return: the registered area, the shared_info slot or the global dummy.
 */
struct vcpu_info *xm_vcpu_info(struct xm_domain *d, unsigned int vcpu)
{
	struct vcpu_info *vi;
	unsigned long flags;

	if (!xm_vcpu_exists(d, vcpu))
		return NULL;
	raw_spin_lock_irqsave(&xm_lock, flags);
	vi = xm_vcpu_info_locked(d, vcpu);
	raw_spin_unlock_irqrestore(&xm_lock, flags);
	return vi;
}

/**
 * xm_vcpu_info_registered() - has the vCPU registered its own vcpu_info?
 * @d: the domain
 * @vcpu: the vCPU
 *
 * Return: true after a successful VCPUOP_register_vcpu_info.
 */
bool xm_vcpu_info_registered(struct xm_domain *d, unsigned int vcpu)
{
	return xm_vcpu_exists(d, vcpu) && d->vcpus[vcpu].vi_registered;
}

/**
 * xm_vcpu_set_online() - set a vCPU's online state as Xen sees it
 * @d: the domain
 * @vcpu: the vCPU
 * @online: the new state
 */
void xm_vcpu_set_online(struct xm_domain *d, unsigned int vcpu, bool online)
{
	unsigned long flags;

	if (!xm_vcpu_exists(d, vcpu))
		return;
	raw_spin_lock_irqsave(&xm_lock, flags);
	d->vcpus[vcpu].online = online;
	raw_spin_unlock_irqrestore(&xm_lock, flags);
}

/* A guest virtual address the model was given, as a guest frame. */
static long xm_area_gfn(unsigned long addr)
{
	if (!addr)
		return -1;
	if (virt_addr_valid((void *)addr))
		return PHYS_PFN(__pa(addr));
	if (is_vmalloc_addr((void *)addr))
		return vmalloc_to_pfn((void *)addr);
	return -1;
}

static void xm_note_frame(u64 *gfns, unsigned int max, unsigned int *n,
			  long gfn)
{
	if (gfn < 0)
		return;
	if (*n < max)
		gfns[*n] = gfn;
	(*n)++;
}

/**
 * xm_frames_in_use() - every guest frame Xen writes for a domain right now
 * @d: the domain
 * @gfns: filled with up to @max frames (a frame may appear more than once)
 * @max: room in @gfns
 *
 * shared_info, registered vcpu_info areas, runstate and time areas, FIFO
 * control blocks and event-array pages.
 *
 * Return: how many there are (more than @max means @gfns is cut short).
 */
unsigned int xm_frames_in_use(struct xm_domain *d, u64 *gfns, unsigned int max)
{
	unsigned int n = 0, v, i;
	unsigned long flags;

	raw_spin_lock_irqsave(&xm_lock, flags);
	xm_note_frame(gfns, max, &n, d->shinfo_gfn);
	for (v = 0; v < d->cfg.nr_vcpus; v++) {
		const struct xm_vcpu *vc = &d->vcpus[v];

		if (vc->vi_registered)
			xm_note_frame(gfns, max, &n, xm_area_gfn((unsigned long)vc->vi_area));
		xm_note_frame(gfns, max, &n, xm_area_gfn(vc->runstate_area));
		xm_note_frame(gfns, max, &n, xm_area_gfn(vc->time_area));
		if (d->fifo && vc->fifo_cb)
			xm_note_frame(gfns, max, &n, xm_area_gfn((unsigned long)vc->fifo_cb));
	}
	for (i = 0; d->fifo && i < d->fifo_nr_pages; i++)
		xm_note_frame(gfns, max, &n, xm_area_gfn((unsigned long)d->fifo_pages[i]));
	raw_spin_unlock_irqrestore(&xm_lock, flags);
	return n;
}

/**
 * xm_runstate_area() - the runstate area a vCPU registered
 * @d: the domain
 * @vcpu: the vCPU
 *
 * Return: its guest virtual address, or 0 for none.
 */
unsigned long xm_runstate_area(struct xm_domain *d, unsigned int vcpu)
{
	return xm_vcpu_exists(d, vcpu) ? READ_ONCE(d->vcpus[vcpu].runstate_area) : 0;
}

/**
 * xm_gfn_is_hole() - was a frame emptied and not populated since?
 * @d: the domain
 * @gfn: the frame
 *
 * Return: true while XENMEM_remove_from_physmap left it without a page.
 */
bool xm_gfn_is_hole(struct xm_domain *d, u64 gfn)
{
	unsigned long flags;
	bool hole;

	raw_spin_lock_irqsave(&xm_lock, flags);
	hole = xm_hole_index(d, gfn) >= 0;
	raw_spin_unlock_irqrestore(&xm_lock, flags);
	return hole;
}
