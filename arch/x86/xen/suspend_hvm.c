// SPDX-License-Identifier: GPL-2.0-only
/*
 * x86 HVM/PVH: what has to be told to Xen again after save/restore or live
 * migration. A restored guest runs in a new domain where nothing of ours is
 * registered: no shared-info page in the physical map, no vcpu_info areas,
 * no upcall vectors, CALLBACK_IRQ back to 0. The new host may also lack
 * what the old one offered, so the delivery mode is chosen again rather
 * than replayed. A cancelled suspend (checkpoint, failed save) returns to
 * the same domain, where every registration still holds.
 *
 * A hibernation restore also ends in a new domain, one in which a boot
 * kernel ran first: it gives back what it can before jumping into the
 * image (xen_hvm_hand_over_areas(), xen_hvm_unmap_xen_pages()),
 * and the image checks what cannot be given back (vcpu_info areas) before
 * renegotiating like after a save/restore (xen_hvm_take_over_domain()).
 * The driver side is drivers/xen/events/events_hibernate.c.
 *
 * Failures are logged and the guest keeps going with what works: at this
 * point (stop_machine, interrupts off) a crash loses the whole guest, while
 * a degraded guest can still be shut down cleanly.
 */
#define pr_fmt(fmt) "xen/hvm: " fmt

#include <linux/cpumask.h>
#include <linux/minmax.h>
#include <linux/mm.h>
#include <linux/page-flags.h>
#include <linux/percpu.h>
#include <linux/smp.h>
#include <linux/types.h>

#include <xen/features.h>
#include <xen/grant_table.h>
#include <xen/hvm.h>
#include <xen/xen.h>
#include <xen/xen-ops.h>
#include <xen/interface/memory.h>
#include <xen/interface/vcpu.h>

#include <asm/e820/api.h>
#include <asm/xen/events.h>
#include <asm/xen/hypervisor.h>
#include <asm/xen/page.h>

#include "xen-ops.h"

/*
 * Before Xen 4.18 a vCPU's vcpu_info could only be registered from another
 * vCPU while that one was down; the other CPUs are parked in stop_machine,
 * so stopping them briefly is safe. Xen before 4.5 cannot say whether a
 * vCPU is up; then it is left running and registration may fall back to
 * the shared-info slot.
 */
static bool xen_hvm_stop_other_vcpu(unsigned int cpu)
{
	int rc;

	if (cpu == smp_processor_id() ||
	    HYPERVISOR_vcpu_op(VCPUOP_is_up, xen_vcpu_nr(cpu), NULL) <= 0)
		return false;
	rc = HYPERVISOR_vcpu_op(VCPUOP_down, xen_vcpu_nr(cpu), NULL);
	if (rc)
		pr_warn("CPU %u: vCPU not stopped for re-registration (%d)\n",
			cpu, rc);
	return !rc;
}

/*
 * Nothing is registered in a new domain but what a hibernation boot
 * kernel left and the caller adopted. Online CPUs are placed now; offline
 * ones by the CPU hotplug prepare step when they come back. The runstate
 * areas are this kernel's own addresses for every vCPU.
 */
static void xen_hvm_restore_vcpu_infos(void)
{
	unsigned int cpu;
	bool stopped;
	int rc;

	for_each_possible_cpu(cpu) {
		if (xen_vcpu_nr(cpu) == XEN_VCPU_ID_INVALID)
			continue;
		if (xen_feature(XENFEAT_hvm_safe_pvclock))
			xen_setup_runstate_info(cpu);
		if (!cpu_online(cpu) || xen_hvm_vcpu_area_live(cpu) ||
		    !xen_hvm_vcpu_wants_area(cpu))
			continue;
		stopped = xen_hvm_stop_other_vcpu(cpu);
		if (xen_hvm_place_vcpu_info(cpu))
			pr_err("CPU %u gets no events after the resume\n", cpu);
		if (!stopped)
			continue;
		rc = HYPERVISOR_vcpu_op(VCPUOP_up, xen_vcpu_nr(cpu), NULL);
		if (rc)
			pr_err("CPU %u: vCPU not restarted (%d); the resume will stall\n",
			       cpu, rc);
	}
}

/*
 * What every resume into a new domain redoes, in this order: the
 * shared-info page and the vcpu_info areas must be in place before an
 * upcall vector can usefully fire, and the delivery mode must be known
 * before the event core kicks each CPU to scan. @vectors_may_remain: a
 * per-vCPU vector of the old domain (or of the hibernation boot kernel)
 * may still be in, or be raised through, a LAPIC.
 */
static void xen_hvm_renegotiate(bool vectors_may_remain)
{
	xen_hvm_init_shared_info();
	xen_hvm_restore_vcpu_infos();
	/*
	 * Also writes CALLBACK_IRQ again (the "PV drivers present" marker or
	 * the global vector): it is not part of the migration stream.
	 */
	xen_hvm_choose_upcall_delivery();
	if (vectors_may_remain && !xen_percpu_upcall)
		xen_hvm_note_vector_residue();
	/* The new host's device model starts with its emulated devices. */
	xen_unplug_emulated_devices();
}

/**
 * xen_hvm_post_suspend() - renegotiate with Xen after a suspend returns
 * @suspend_cancelled: non-zero if we are back in the same domain
 *
 * Called on CPU 0 inside stop_machine, before the event-channel core's
 * xen_irq_resume() re-creates the bindings (and, if need be, drops from
 * FIFO to 2-level). Order matters: the shared-info page and the vcpu_info
 * areas must be in place before an upcall vector can usefully fire, and
 * the delivery mode must be known before the core kicks each CPU to scan.
 */
void xen_hvm_post_suspend(int suspend_cancelled)
{
	bool was_percpu = xen_percpu_upcall;

	if (suspend_cancelled)
		return;
	xen_hvm_forget_vcpu_areas();
	/* The migrated LAPICs may still hold the vector we no longer EOI. */
	xen_hvm_renegotiate(was_percpu);
}

/* --- hibernation handover --------------------------------------------- */

/*
 * Runstate and time areas are registered as guest virtual addresses, which
 * after the jump into a hibernation image mean whatever the image maps
 * there. Registering none (a NULL address) is allowed for any vCPU of the
 * domain and stops the writes; Xen then tries one write to address 0,
 * which fails harmlessly. Only vCPU 0 ever registers a time area.
 */
static void xen_hvm_release_vcpu_time_areas(void)
{
	struct vcpu_register_runstate_memory_area rs = { .addr.v = NULL };
	struct vcpu_register_time_memory_area ta = { .addr.v = NULL };
	unsigned int cpu, failed = 0;
	int rc;

	for_each_possible_cpu(cpu) {
		if (xen_vcpu_nr(cpu) == XEN_VCPU_ID_INVALID)
			continue;
		rc = HYPERVISOR_vcpu_op(VCPUOP_register_runstate_memory_area,
					xen_vcpu_nr(cpu), &rs);
		if (rc)
			failed++;
	}
	rc = HYPERVISOR_vcpu_op(VCPUOP_register_vcpu_time_memory_area, 0, &ta);
	if (rc)
		failed++;
	if (failed)
		pr_warn("hibernation: %u runstate/time area(s) not released\n",
			failed);
}

/**
 * xen_hvm_hand_over_areas() - stop Xen writing areas a boot kernel registered
 *
 * The runstate and time areas of every vCPU. sched_clock is saved first,
 * for the boot kernel's own resume should the jump not happen. Context:
 * the last steps of a hibernation boot kernel, interrupts off.
 */
void xen_hvm_hand_over_areas(void)
{
	xen_save_time_memory_area();
	xen_hvm_release_vcpu_time_areas();
}

/*
 * Frames are handed to Xen in batches: one populate hypercall for many.
 * Only the last steps of a hibernation boot kernel or the first ones of an
 * image use it: CPU 0 alone, interrupts off.
 */
#define XEN_HVM_BATCH	64

struct xen_hvm_batch {
	xen_pfn_t gfns[XEN_HVM_BATCH];
	unsigned int n;
	unsigned int done;
	unsigned int failed;
};

static void xen_hvm_batch_flush(struct xen_hvm_batch *b, unsigned int op)
{
	struct xen_memory_reservation res = {
		.nr_extents = b->n,
		.extent_order = 0,
		.domid = DOMID_SELF,
	};
	int rc;

	if (!b->n)
		return;
	set_xen_guest_handle(res.extent_start, b->gfns);
	rc = HYPERVISOR_memory_op(op, &res);
	rc = max(rc, 0);
	b->done += rc;
	b->failed += b->n - rc;
	b->n = 0;
}

static void xen_hvm_batch_add(struct xen_hvm_batch *b, unsigned int op,
			      xen_pfn_t gfn)
{
	b->gfns[b->n++] = gfn;
	if (b->n == XEN_HVM_BATCH)
		xen_hvm_batch_flush(b, op);
}

static bool xen_hvm_gfn_is_ram(xen_pfn_t gfn)
{
	u64 pa = PFN_PHYS(gfn);

	return e820__mapped_any(pa, pa + PAGE_SIZE, E820_TYPE_RAM);
}

/*
 * Whatever Xen has at @gfn (its own page, a grant or foreign mapping, or
 * nothing) leaves the physical map, and RAM is asked for in its place.
 * Removing a hole fails harmlessly; populating over a grant or foreign
 * mapping would make Xen crash the domain, hence the removal first.
 */
static void xen_hvm_refill_gfn(struct xen_hvm_batch *b, xen_pfn_t gfn)
{
	struct xen_remove_from_physmap rm = {
		.domid = DOMID_SELF,
		.gpfn = gfn,
	};

	HYPERVISOR_memory_op(XENMEM_remove_from_physmap, &rm);
	if (xen_hvm_gfn_is_ram(gfn))
		xen_hvm_batch_add(b, XENMEM_populate_physmap, gfn);
}

/* Pages given to the balloon: their frames have no RAM in the domain. */
static bool xen_hvm_pfn_ballooned(unsigned long pfn)
{
	return pfn_valid(pfn) && PageOffline(pfn_to_page(pfn));
}

/**
 * xen_hvm_unmap_xen_pages() - take Xen's pages out, put RAM back everywhere
 *
 * The image's data is about to be copied over all of the RAM the e820 map
 * lists, but the physical map is this kernel's: the shared-info page and
 * the grant frames sit at frames it chose, and frames it gave to the
 * balloon (among them the ones the grant frames are placed over) are
 * holes. A write to a hole is dropped and a later read gives all ones, so
 * the image's data there would be lost; Xen's pages there would be
 * overwritten with the image's data, and moved away (leaving holes) when
 * the image maps them at its own frames. Afterwards every such frame holds
 * ordinary RAM, and this kernel must not read shared info any more.
 * Context: the last step of a hibernation boot kernel, interrupts off.
 */
void xen_hvm_unmap_xen_pages(void)
{
	unsigned long shinfo = xen_hvm_shared_info_pfn(), pfn;
	struct xen_hvm_batch b = {};
	unsigned int i;

	for (i = 0; i < xen_auto_xlat_grant_frames.count; i++)
		xen_hvm_refill_gfn(&b, xen_auto_xlat_grant_frames.pfn[i]);
	for (pfn = 0; pfn < max_pfn; pfn++)
		if (xen_hvm_pfn_ballooned(pfn))
			xen_hvm_refill_gfn(&b, pfn);
	xen_hvm_batch_flush(&b, XENMEM_populate_physmap);
	pr_info("hibernation: RAM back at %u frame(s) given to Xen\n", b.done);
	/* Last: the clock reads its vCPU 0 slot there. */
	if (shinfo) {
		xen_hvm_refill_gfn(&b, shinfo);
		xen_hvm_batch_flush(&b, XENMEM_populate_physmap);
	}
	if (b.failed)
		pr_err("hibernation: %u frame(s) stay empty: the image loses what it had there\n",
		       b.failed);
}

/*
 * The image's ballooned pages are not part of it, and the boot kernel may
 * have had RAM at their frames: give that RAM back, as the balloon would
 * expect. A frame that is a hole already fails harmlessly.
 */
static void xen_hvm_release_ballooned(void)
{
	struct xen_hvm_batch b = {};
	unsigned long pfn;

	for (pfn = 0; pfn < max_pfn; pfn++)
		if (xen_hvm_pfn_ballooned(pfn))
			xen_hvm_batch_add(&b, XENMEM_decrease_reservation, pfn);
	xen_hvm_batch_flush(&b, XENMEM_decrease_reservation);
}

/**
 * xen_hvm_list_vcpu_areas() - the vcpu_info areas registered in this domain
 * @recs: filled with up to @max entries
 * @max: room in @recs
 *
 * The boot kernel of a hibernation restore leaves these for the image to
 * check: they cannot be unregistered.
 *
 * Return: how many there are (more than @max means the list is cut short).
 */
unsigned int xen_hvm_list_vcpu_areas(struct xen_hvm_vcpu_area_rec *recs,
				     unsigned int max)
{
	unsigned int cpu, n = 0;

	for_each_possible_cpu(cpu) {
		struct vcpu_info *area = &per_cpu(xen_vcpu_info, cpu);

		if (!xen_hvm_vcpu_area_live(cpu))
			continue;
		if (n < max)
			recs[n] = (struct xen_hvm_vcpu_area_rec) {
				.vcpu = xen_vcpu_nr(cpu),
				.offset = offset_in_page(area),
				.gfn = arbitrary_virt_to_mfn(area),
			};
		n++;
	}
	return n;
}

static int xen_hvm_cpu_of_vcpu(u32 vcpu)
{
	unsigned int cpu;

	for_each_possible_cpu(cpu)
		if (xen_vcpu_nr(cpu) == vcpu)
			return cpu;
	return -ENOENT;
}

/**
 * xen_hvm_adopt_vcpu_areas() - take over the boot kernel's vcpu_info areas
 * @recs: what the boot kernel of a hibernation restore registered
 * @n: entries in @recs
 *
 * Xen keeps writing each of them for the life of the domain. That is fine
 * only where this kernel keeps that vCPU's vcpu_info at the same address.
 *
 * Return: 0, or -EXDEV when an area lies elsewhere (Xen writes into memory
 * this kernel uses for something else), -ENOENT for an unknown vCPU.
 */
int xen_hvm_adopt_vcpu_areas(const struct xen_hvm_vcpu_area_rec *recs,
			     unsigned int n)
{
	unsigned int i;

	for (i = 0; i < n; i++) {
		int cpu = xen_hvm_cpu_of_vcpu(recs[i].vcpu);
		struct vcpu_info *area;

		if (cpu < 0) {
			pr_emerg("hibernation: boot kernel registered vcpu_info of vCPU %u, which this kernel does not have\n",
				 recs[i].vcpu);
			return -ENOENT;
		}
		area = &per_cpu(xen_vcpu_info, cpu);
		if (recs[i].gfn != arbitrary_virt_to_mfn(area) ||
		    recs[i].offset != offset_in_page(area)) {
			pr_emerg("hibernation: vCPU %u's vcpu_info is at %#llx+%#x for Xen, at %#lx+%#lx for this kernel\n",
				 recs[i].vcpu, recs[i].gfn, recs[i].offset,
				 arbitrary_virt_to_mfn(area), offset_in_page(area));
			return -EXDEV;
		}
		xen_hvm_adopt_vcpu_area(cpu);
	}
	return 0;
}

/**
 * xen_hvm_take_over_domain() - the image's x86 half of a hibernation restore
 * @recs: vcpu_info areas the boot kernel registered (see
 *	xen_hvm_adopt_vcpu_areas()), or NULL when it left no record
 * @n: entries in @recs
 *
 * Like xen_hvm_post_suspend() after a save/restore, and first the boot
 * kernel's runstate and time areas released (a boot kernel that handed
 * over did it already; one that did not left them registered) and RAM
 * given back where the image had ballooned pages. Without a
 * record, each vCPU's registration is tried as usual: one that exists is
 * taken to be at this kernel's address. Context: CPU 0, the others
 * offline, interrupts off.
 *
 * Return: 0, or the error of xen_hvm_adopt_vcpu_areas().
 */
int xen_hvm_take_over_domain(const struct xen_hvm_vcpu_area_rec *recs,
			     unsigned int n)
{
	int rc;

	xen_hvm_release_vcpu_time_areas();
	xen_hvm_release_ballooned();
	xen_hvm_forget_vcpu_areas();
	rc = recs ? xen_hvm_adopt_vcpu_areas(recs, n) : 0;
	if (rc)
		return rc;
	/* The boot kernel may have set per-vCPU vectors whatever we use. */
	xen_hvm_renegotiate(true);
	xen_restore_time_memory_area();
	return 0;
}
