// SPDX-License-Identifier: GPL-2.0-only
/*
 * The model's PIRQs (spec 15): the PHYSDEVOP calls of an HVM domU whose
 * domain has emulated PIRQs (created with XEN_X86_EMU_USE_PIRQ; Xen calls
 * that has_pirq), and the emulated devices behind them: a GSI line a test
 * raises and lowers, an MSI a test fires. Passed-through devices and
 * dom0's physical interrupts are not modelled; a domain may answer as a PV
 * one for the EOI map (spec 15.10), its lines then counting as physical.
 */
#include <linux/kernel.h>
#include <xen/interface/xen.h>
#include <xen/interface/physdev.h>

#include "xen_model.h"
#include "xen_model_internal.h"

/* spec 15.1: Xen's GSI range of the domain (nr_irqs_gsi for the search). */
static unsigned int xm_pirq_gsis(const struct xm_domain *d)
{
	return min_t(unsigned int, d->cfg.nr_gsis, XM_MAX_GSIS);
}

/*
 * spec 15.2, xen/arch/x86/irq.c (get_free_pirq): a GSI's PIRQ is the
 * lowest free one from 16 up to the GSI count, else (and for an MSI
 * always) the highest free one above it.
 */
static int xm_free_pirq(struct xm_domain *d, int type)
{
	unsigned int gsis = xm_pirq_gsis(d);
	int i;

	if (type == MAP_PIRQ_TYPE_GSI)
		for (i = 16; i < gsis; i++)
			if (d->pirqs[i].use == XM_PIRQ_FREE && !d->pirq_to_port[i])
				return i;
	for (i = XM_NR_PIRQS - 1; i >= (int)gsis; i--)
		if (d->pirqs[i].use == XM_PIRQ_FREE && !d->pirq_to_port[i])
			return i;
	return -ENOSPC;
}

static int xm_pirq_of_gsi_locked(struct xm_domain *d, unsigned int gsi)
{
	unsigned int i;

	for (i = 0; i < XM_NR_PIRQS; i++)
		if (d->pirqs[i].use == XM_PIRQ_EMU_GSI && d->pirqs[i].gsi == gsi)
			return i;
	return -1;
}

/*
 * spec 15.3, xen/arch/x86/physdev.c (physdev_hvm_map_pirq) and irq.c
 * (map_domain_emuirq_pirq). A PIRQ or GSI mapped to something else
 * already is left alone, and Xen still answers 0 with the PIRQ asked for.
 */
static long xm_map_emulated_gsi(struct xm_domain *d,
				struct physdev_map_pirq *map)
{
	int old;

	if (map->type != MAP_PIRQ_TYPE_GSI)
		return -EINVAL;
	if (map->index < 0 || map->index >= xm_pirq_gsis(d))
		return -EINVAL;
	if (map->pirq < 0)
		map->pirq = xm_free_pirq(d, MAP_PIRQ_TYPE_GSI);
	if (map->pirq < 0 || map->pirq >= XM_NR_PIRQS)
		return -EINVAL;
	old = xm_pirq_of_gsi_locked(d, map->index);
	if ((old >= 0 && old != map->pirq) ||
	    (d->pirqs[map->pirq].use == XM_PIRQ_EMU_GSI &&
	     d->pirqs[map->pirq].gsi != map->index))
		return 0;
	d->pirqs[map->pirq].use = XM_PIRQ_EMU_GSI;
	d->pirqs[map->pirq].gsi = map->index;
	return 0;
}

static bool xm_maps_own_pirqs(const struct xm_domain *d, domid_t domid)
{
	return domid == DOMID_SELF && d->has_pirq;
}

/* dom0's physical PIRQs are not modelled; a domU may not go there. */
static long xm_privileged_pirq_path(const struct xm_domain *d)
{
	return d->cfg.is_control ? -EINVAL : -EPERM;
}

/*
 * spec 15.3: only a domain with emulated PIRQs maps for itself, and only
 * with vector callbacks; anything else is the privileged path, which a
 * domU may not take.
 */
static long xm_physdev_map_pirq(struct xm_caller *c, unsigned long arg)
{
	struct xm_domain *d = c->d;
	struct physdev_map_pirq map;
	long rc;

	if (xm_copy_in(&map, arg, sizeof(map)))
		return -EFAULT;
	if (!xm_maps_own_pirqs(d, map.domid))
		return xm_privileged_pirq_path(d);
	if (!xm_uses_vector_callbacks(d))
		return -EINVAL;
	rc = xm_map_emulated_gsi(d, &map);
	if (xm_copy_out(arg, &map, sizeof(map)))
		return -EFAULT;
	return rc;
}

/* spec 15.4, physdev_unmap_pirq: an emulated mapping goes away. */
static long xm_physdev_unmap_pirq(struct xm_caller *c, unsigned long arg)
{
	struct xm_domain *d = c->d;
	struct physdev_unmap_pirq op;

	if (xm_copy_in(&op, arg, sizeof(op)))
		return -EFAULT;
	if (!xm_maps_own_pirqs(d, op.domid))
		return xm_privileged_pirq_path(d);
	if (op.pirq < 0 || op.pirq >= XM_NR_PIRQS ||
	    d->pirqs[op.pirq].use != XM_PIRQ_EMU_GSI)
		return -EINVAL;
	d->pirqs[op.pirq].use = XM_PIRQ_FREE;
	return 0;
}

/* spec 15.2: the PIRQ is the domain's now, whatever maps it later. */
static long xm_physdev_get_free_pirq(struct xm_caller *c, unsigned long arg)
{
	struct xm_domain *d = c->d;
	struct physdev_get_free_pirq op;
	int pirq;

	if (xm_copy_in(&op, arg, sizeof(op)))
		return -EFAULT;
	pirq = xm_free_pirq(d, op.type);
	if (pirq < 0)
		return pirq;
	d->pirqs[pirq].use = XM_PIRQ_ALLOCATED;
	op.pirq = pirq;
	return xm_copy_out(arg, &op, sizeof(op));
}

static bool xm_pirq_known(const struct xm_domain *d, int pirq)
{
	return pirq >= 0 && pirq < XM_NR_PIRQS &&
	       (d->pirqs[pirq].use != XM_PIRQ_FREE || d->pirq_to_port[pirq]);
}

/* spec 15.5, xen/common/event_channel.c (send_guest_pirq). */
static void xm_send_pirq(struct xm_domain *d, unsigned int pirq)
{
	u32 port = d->pirq_to_port[pirq];

	if (!port)
		return;
	d->pirqs[pirq].sends++;
	xm_raise_if_usable(d, d->ports[port].notify_vcpu, port);
}

/*
 * spec 15.6, physdev.c (PHYSDEVOP_eoi): an emulated GSI above the ISA
 * range that is still asserted is sent again.
 */
static long xm_physdev_eoi(struct xm_caller *c, unsigned long arg)
{
	struct xm_domain *d = c->d;
	struct physdev_eoi op;
	struct xm_pirq *p;

	if (xm_copy_in(&op, arg, sizeof(op)))
		return -EFAULT;
	if (!xm_pirq_known(d, op.irq))
		return -EINVAL;
	p = &d->pirqs[op.irq];
	p->eois++;
	if (p->use == XM_PIRQ_EMU_GSI && p->gsi >= 16 &&
	    d->gsi_pirq_level[p->gsi])
		xm_send_pirq(d, op.irq);
	return 0;
}

/*
 * spec 15.7, PHYSDEVOP_irq_status_query: every PIRQ needs EOIs; an HVM
 * domain's PIRQ must be mapped. No emulated line is shared.
 */
static long xm_physdev_status_query(struct xm_caller *c, unsigned long arg)
{
	struct xm_domain *d = c->d;
	struct physdev_irq_status_query op;

	if (xm_copy_in(&op, arg, sizeof(op)))
		return -EFAULT;
	if (op.irq >= XM_NR_PIRQS || d->pirqs[op.irq].use == XM_PIRQ_FREE)
		return -EINVAL;
	op.flags = XENIRQSTAT_needs_eoi;
	return xm_copy_out(arg, &op, sizeof(op));
}

/*
 * spec 15.10, physdev.c (PHYSDEVOP_pirq_eoi_gmfn_v2): a PV domain's page
 * for Xen's "EOI wanted" bits; once per domain (-EBUSY after), a gfn
 * without a page is -EINVAL. HVM domains do not get the call (hvm.c's
 * physdev filter: -ENOSYS).
 */
static long xm_physdev_eoi_map(struct xm_caller *c, unsigned long arg)
{
	struct xm_domain *d = c->d;
	struct physdev_pirq_eoi_gmfn op;

	if (!d->cfg.pv_physdev)
		return -XM_ENOSYS;
	if (xm_copy_in(&op, arg, sizeof(op)))
		return -EFAULT;
	if (!xm_gfn_usable(d, op.gmfn))
		return -EINVAL;
	if (d->pirq_eoi_map)
		return -EBUSY;
	d->pirq_eoi_map = pfn_to_kaddr(op.gmfn);
	return 0;
}

/*
 * spec 15.10, irq.c (pirq_guest_bind, irq_acktype): binding a port sets
 * the PIRQ's bit when its line needs a final acknowledgment (a level
 * line) and clears it when not (a maskable MSI). Nothing else touches it.
 */
void xm_pirq_note_bind(struct xm_domain *d, unsigned int pirq)
{
	if (!d->pirq_eoi_map || pirq >= XM_NR_PIRQS)
		return;
	if (d->pirqs[pirq].use == XM_PIRQ_EMU_GSI)
		set_bit(pirq, d->pirq_eoi_map);
	else
		clear_bit(pirq, d->pirq_eoi_map);
}

long xm_physdev_op(struct xm_caller *c, unsigned int cmd, unsigned long arg)
{
	switch (cmd) {
	case PHYSDEVOP_map_pirq:
		return xm_physdev_map_pirq(c, arg);
	case PHYSDEVOP_unmap_pirq:
		return xm_physdev_unmap_pirq(c, arg);
	case PHYSDEVOP_get_free_pirq:
		return xm_physdev_get_free_pirq(c, arg);
	case PHYSDEVOP_eoi:
		return xm_physdev_eoi(c, arg);
	case PHYSDEVOP_irq_status_query:
		return xm_physdev_status_query(c, arg);
	case PHYSDEVOP_pirq_eoi_gmfn_v2:
		return xm_physdev_eoi_map(c, arg);
	default:
		/* spec 15.8: the rest is dom0's or PV's. */
		return -XM_ENOSYS;
	}
}

/* spec 12: a new or reset domain has no PIRQ mapped and no line raised. */
void xm_pirq_reset_domain(struct xm_domain *d)
{
	memset(d->pirqs, 0, sizeof(d->pirqs));
	memset(d->gsi_pirq_level, 0, sizeof(d->gsi_pirq_level));
	d->has_pirq = d->cfg.hvm_pirqs || d->cfg.quiet_pirqs;
	d->pirq_eoi_map = NULL;
}

/* --- the emulated devices (test side) ------------------------------------- */

static void xm_set_has_pirq_locked(struct xm_domain *d, bool on)
{
	d->cfg.quiet_pirqs = on;
	d->has_pirq = on || d->cfg.hvm_pirqs;
}

/**
 * xm_set_has_pirq() - give a running domain emulated PIRQs
 * @d: the domain
 * @on: PHYSDEVOP_map_pirq works for it
 *
 * Stands for a domain created with XEN_X86_EMU_USE_PIRQ whose kernel did
 * not route its own GSIs through PIRQs at boot: XENFEAT_hvm_pirqs stays
 * as cfg.hvm_pirqs says, so a booted kernel keeps its native interrupts.
 * Part of the configuration: a restored domain has it too.
 */
void xm_set_has_pirq(struct xm_domain *d, bool on)
{
	XM_LOCKED_VOID(xm_set_has_pirq_locked(d, on));
}

static void xm_gsi_set_level_locked(struct xm_domain *d, unsigned int gsi,
				    bool high)
{
	int pirq;
	bool was = d->gsi_pirq_level[gsi];

	d->gsi_pirq_level[gsi] = high;
	/* spec 15.5, hvm/irq.c (assert_gsi): only a rising edge sends. */
	if (!high || was)
		return;
	pirq = xm_pirq_of_gsi_locked(d, gsi);
	if (pirq >= 0)
		xm_send_pirq(d, pirq);
}

/**
 * xm_gsi_set_level() - an emulated device raises or lowers its GSI
 * @d: the domain
 * @gsi: the line
 * @high: asserted
 *
 * Delivered as the PIRQ the guest mapped for it, when that PIRQ has a
 * bound port; otherwise the (unmodelled) IO-APIC would take it.
 */
void xm_gsi_set_level(struct xm_domain *d, unsigned int gsi, bool high)
{
	if (gsi < XM_MAX_GSIS)
		XM_LOCKED_VOID(xm_gsi_set_level_locked(d, gsi, high));
}

static void xm_msi_fire_locked(struct xm_domain *d, unsigned int pirq)
{
	if (d->pirqs[pirq].use == XM_PIRQ_ALLOCATED)
		xm_send_pirq(d, pirq);
}

/**
 * xm_msi_fire() - an emulated device sends the MSI whose message names @pirq
 * @d: the domain
 * @pirq: a PIRQ the guest got from PHYSDEVOP_get_free_pirq
 */
void xm_msi_fire(struct xm_domain *d, unsigned int pirq)
{
	if (pirq < XM_NR_PIRQS)
		XM_LOCKED_VOID(xm_msi_fire_locked(d, pirq));
}

/**
 * xm_pirq_of_gsi() - the PIRQ an emulated GSI is mapped to
 * @d: the domain
 * @gsi: the GSI
 *
 * Return: the PIRQ, or -1.
 */
int xm_pirq_of_gsi(struct xm_domain *d, unsigned int gsi)
{
	return XM_LOCKED(xm_pirq_of_gsi_locked(d, gsi));
}

static void xm_set_pv_physdev_locked(struct xm_domain *d, bool on)
{
	d->cfg.pv_physdev = on;
	if (!on)
		d->pirq_eoi_map = NULL;
}

/**
 * xm_set_pv_physdev() - answer PHYSDEVOP calls as for a PV domain
 * @d: the domain
 * @on: PHYSDEVOP_pirq_eoi_gmfn_v2 works (spec 15.10)
 *
 * Part of the configuration, kept by a restored domain; turning it off
 * forgets the registered page (the test hands it back to the kernel).
 */
void xm_set_pv_physdev(struct xm_domain *d, bool on)
{
	XM_LOCKED_VOID(xm_set_pv_physdev_locked(d, on));
}

/**
 * xm_pirq_eoi_map_registered() - the domain gave Xen an EOI map page
 * @d: the domain
 */
bool xm_pirq_eoi_map_registered(struct xm_domain *d)
{
	return XM_LOCKED(!!d->pirq_eoi_map);
}

/**
 * xm_pirq_eoi_bit() - Xen's "EOI wanted" bit for a PIRQ in the EOI map
 * @d: the domain
 * @pirq: the PIRQ
 *
 * Return: the bit; false without a map.
 */
bool xm_pirq_eoi_bit(struct xm_domain *d, unsigned int pirq)
{
	return XM_LOCKED(d->pirq_eoi_map && pirq < XM_NR_PIRQS &&
			 test_bit(pirq, d->pirq_eoi_map));
}

/**
 * xm_pirq_eois() - PHYSDEVOP_eoi calls the guest made for a PIRQ
 * @d: the domain
 * @pirq: the PIRQ
 */
unsigned long xm_pirq_eois(struct xm_domain *d, unsigned int pirq)
{
	return pirq < XM_NR_PIRQS ? READ_ONCE(d->pirqs[pirq].eois) : 0;
}

/**
 * xm_pirq_sends() - events Xen sent for a PIRQ
 * @d: the domain
 * @pirq: the PIRQ
 */
unsigned long xm_pirq_sends(struct xm_domain *d, unsigned int pirq)
{
	return pirq < XM_NR_PIRQS ? READ_ONCE(d->pirqs[pirq].sends) : 0;
}

/**
 * xm_pirq_port() - the port bound to a PIRQ
 * @d: the domain
 * @pirq: the PIRQ
 *
 * Return: the port, 0 when none.
 */
evtchn_port_t xm_pirq_port(struct xm_domain *d, unsigned int pirq)
{
	return pirq < XM_NR_PIRQS ? READ_ONCE(d->pirq_to_port[pirq]) : 0;
}
