// SPDX-License-Identifier: GPL-2.0-only
/*
 * Physical interrupts (PIRQs): a GSI or an MSI that Xen hands to the guest
 * through an event channel. A PV dom0 takes every device interrupt this
 * way; an HVM guest with XENFEAT_hvm_pirqs takes those of its emulated
 * devices, and a guest with passed-through devices theirs.
 *
 * A PIRQ binding lives from xen_bind_pirq_*() to xen_destroy_irq(). Its
 * port lives only while genirq has the interrupt started: Xen treats a
 * bound port as "this domain handles the line" (for a shared line it waits
 * for every bound domain's EOI), so a driver that frees its interrupt must
 * let go of the line too. Startup and shutdown run under the descriptor
 * lock, hence GFP_ATOMIC and no bind mutex there.
 *
 * EOI: after delivering a PIRQ, Xen delivers it again only once the guest
 * has said PHYSDEVOP_eoi, when it asked for one. A guest that registered
 * an EOI map page (PV) reads the request per PIRQ there; otherwise
 * PHYSDEVOP_irq_status_query answers once per binding (Xen answers "needs
 * EOI" for every PIRQ).
 */
#define pr_fmt(fmt) "xen:" KBUILD_MODNAME ": " fmt

#include <linux/atomic.h>
#include <linux/export.h>
#include <linux/gfp.h>
#include <linux/irq.h>
#include <linux/msi.h>
#include <linux/printk.h>
#include <linux/rculist.h>

#include <xen/events.h>
#include <xen/page.h>
#include <xen/xen.h>
#include <xen/interface/physdev.h>
#include <asm/xen/hypercall.h>

#include "events_internal.h"

#ifdef CONFIG_X86
#include <asm/i8259.h>
#include <asm/xen/pci.h>

/* Legacy (ISA) irqs: the arch allocated their descriptors at boot. */
static unsigned int xen_pirq_legacy_irqs(void)
{
	return nr_legacy_irqs();
}
#else
static unsigned int xen_pirq_legacy_irqs(void)
{
	return 0;
}

#endif

/* PV: Xen's "EOI wanted" bit per PIRQ, or NULL. */
static unsigned long *xen_pirq_eoi_map;
static unsigned long *xen_pirq_eoi_page;
static atomic_long_t xen_pirq_eoi_errors = ATOMIC_LONG_INIT(0);

/**
 * xen_pirq_eoi_failures() - PHYSDEVOP_eoi calls Xen refused
 *
 * Return: the count since boot (tests and debugfs read it).
 */
unsigned long xen_pirq_eoi_failures(void)
{
	return atomic_long_read(&xen_pirq_eoi_errors);
}

static struct xen_irq_info *xen_pirq_of(unsigned int irq)
{
	struct xen_irq_info *info = xen_info_from_irq(irq);

	return info && info->kind == XEN_IRQ_PIRQ ? info : NULL;
}

static bool xen_pirq_wants_eoi(const struct xen_irq_info *info)
{
	unsigned int pirq = info->u.pirq.pirq;
	unsigned long *map = READ_ONCE(xen_pirq_eoi_map);

	if (map && pirq < PAGE_SIZE * BITS_PER_BYTE)
		return test_bit(pirq, map);
	return info->u.pirq.flags & XEN_PIRQ_NEEDS_EOI;
}

/*
 * Ask Xen whether the PIRQ needs EOIs. A failed query means Xen does not
 * know the PIRQ (an HVM guest's unmapped one): an EOI would fail as well.
 */
static void xen_pirq_query_eoi(struct xen_irq_info *info)
{
	struct physdev_irq_status_query q = { .irq = info->u.pirq.pirq };

	info->u.pirq.flags &= ~XEN_PIRQ_NEEDS_EOI;
	if (!HYPERVISOR_physdev_op(PHYSDEVOP_irq_status_query, &q) &&
	    (q.flags & XENIRQSTAT_needs_eoi))
		info->u.pirq.flags |= XEN_PIRQ_NEEDS_EOI;
}

static void xen_pirq_eoi(struct xen_irq_info *info)
{
	struct physdev_eoi eoi = { .irq = info->u.pirq.pirq };
	int rc;

	if (!xen_pirq_wants_eoi(info))
		return;
	rc = HYPERVISOR_physdev_op(PHYSDEVOP_eoi, &eoi);
	if (rc) {
		atomic_long_inc(&xen_pirq_eoi_errors);
		pr_warn_ratelimited("PIRQ %u (irq %u): EOI refused by Xen: %d\n",
				    info->u.pirq.pirq, info->irq, rc);
	}
}

/* The event is taken: clear it, then let Xen deliver the line again. */
static void xen_pirq_end(struct xen_irq_info *info)
{
	if (!READ_ONCE(info->port))
		return;
	xen_info_end_event(info);
	xen_pirq_eoi(info);
}

/* Bind the PIRQ's port; descriptor lock held, interrupts off. */
static int xen_pirq_bind_port(struct xen_irq_info *info, unsigned int cpu)
{
	struct evtchn_bind_pirq op = {
		.pirq = info->u.pirq.pirq,
		.flags = info->u.pirq.flags & XEN_PIRQ_SHAREABLE ?
			 BIND_PIRQ__WILL_SHARE : 0,
	};
	int rc;

	rc = HYPERVISOR_event_channel_op(EVTCHNOP_bind_pirq, &op);
	if (rc)
		return rc;
	xen_pirq_query_eoi(info);
	rc = xen_info_attach_port(info, op.port, cpu, GFP_ATOMIC);
	if (rc)
		xen_evtchn_close(op.port);
	return rc;
}

/*
 * genirq gets no error back from startup: a PIRQ Xen refuses stays
 * unbound, and the message names it.
 */
static unsigned int xen_pirq_chip_startup(struct irq_data *data)
{
	struct xen_irq_info *info = xen_data_info(data);
	int rc;

	if (!info->port) {
		/* Xen binds a PIRQ's port to vCPU 0. */
		rc = xen_pirq_bind_port(info, 0);
		if (rc) {
			pr_warn("irq %u: Xen refused PIRQ %u: %d\n",
				info->irq, info->u.pirq.pirq, rc);
			return 0;
		}
	}
	xen_info_unmask(info, XEN_MASK_IRQ_CORE);
	/* Anything Xen holds back for an EOI from before comes through now. */
	xen_pirq_eoi(info);
	return 0;
}

static void xen_pirq_chip_shutdown(struct irq_data *data)
{
	struct xen_irq_info *info = xen_data_info(data);
	evtchn_port_t port = info->port;

	if (!port)
		return;
	xen_info_detach_port(info);
	xen_evtchn_close(port);
}

static void xen_pirq_chip_ack(struct irq_data *data)
{
	xen_pirq_end(xen_data_info(data));
}

static void xen_pirq_chip_mask_ack(struct irq_data *data)
{
	struct xen_irq_info *info = xen_data_info(data);

	xen_info_mask(info, XEN_MASK_IRQ_CORE);
	xen_pirq_end(info);
}

struct irq_chip xen_pirq_chip __read_mostly = {
	.name			= "xen-pirq",
	.irq_startup		= xen_pirq_chip_startup,
	.irq_shutdown		= xen_pirq_chip_shutdown,
	.irq_disable		= xen_chip_mask,
	.irq_mask		= xen_chip_mask,
	.irq_unmask		= xen_chip_unmask,
	/* Edge lines end the event at ack, level (shareable) ones at eoi. */
	.irq_ack		= xen_pirq_chip_ack,
	.irq_eoi		= xen_pirq_chip_ack,
	.irq_mask_ack		= xen_pirq_chip_mask_ack,
	.irq_set_affinity	= xen_chip_set_affinity,
	.irq_retrigger		= xen_chip_retrigger,
	.flags			= IRQCHIP_SKIP_SET_WAKE,
};

static void xen_pirq_setup(struct xen_irq_info *info, unsigned int pirq,
			   unsigned int gsi, domid_t domid, u8 flags)
{
	info->u.pirq.pirq = pirq;
	info->u.pirq.gsi = gsi;
	info->u.pirq.domid = domid;
	info->u.pirq.flags = flags;
}

/*
 * The binding is gone from every table; the descriptor of a legacy irq
 * belongs to the architecture and stays, an unused irq again.
 */
static void xen_pirq_release(struct xen_irq_info *info)
{
	if (!info->desc_owned)
		xen_info_forget_legacy(info);
	xen_info_destroy(info);
}

/*
 * The irq number of a GSI: the GSI itself where the guest has GSIs (dom0,
 * HVM), as ACPI and the arch expect; legacy ones already have their
 * descriptor. A PV domU has no GSIs of its own (pcifront passes it the
 * PIRQ), and a number taken by something else gets any free one.
 */
static int xen_pirq_gsi_irq(unsigned int gsi, bool *owned)
{
	int irq;

	*owned = true;
	if (!(xen_pv_domain() && !xen_initial_domain())) {
		if (gsi < xen_pirq_legacy_irqs()) {
			*owned = false;
			return gsi;
		}
		irq = irq_alloc_desc_at(gsi, -1);
		if (irq >= 0)
			return irq;
	}
	return irq_alloc_desc_from(0, -1);
}

static int xen_irq_from_gsi_locked(unsigned int gsi)
{
	struct xen_irq_info *info;

	list_for_each_entry_rcu(info, &xen_irq_all, all_node,
				lockdep_is_held(&xen_evtchn_bind_lock))
		if (info->kind == XEN_IRQ_PIRQ && !info->dying &&
		    !(info->u.pirq.flags & XEN_PIRQ_MSI) &&
		    info->u.pirq.gsi == gsi)
			return info->irq;
	return -1;
}

/**
 * xen_irq_from_gsi() - the irq bound to a GSI's PIRQ
 * @gsi: the GSI
 *
 * Return: the irq, or -1 when the GSI has no PIRQ binding.
 */
int xen_irq_from_gsi(unsigned int gsi)
{
	int irq;

	rcu_read_lock();
	irq = xen_irq_from_gsi_locked(gsi);
	rcu_read_unlock();
	return irq;
}
EXPORT_SYMBOL_GPL(xen_irq_from_gsi);

/* dom0 asks Xen for an IO-APIC vector behind the irq (PV dom0 only). */
static int xen_pirq_gsi_vector(unsigned int irq)
{
	struct physdev_irq op = { .irq = irq };

	if (!xen_initial_domain() || !xen_pv_domain())
		return 0;
	return HYPERVISOR_physdev_op(PHYSDEVOP_alloc_irq_vector, &op);
}

/**
 * xen_bind_pirq_gsi_to_irq() - give a GSI's PIRQ a Linux irq
 * @gsi: the GSI
 * @pirq: the PIRQ Xen mapped it to (PHYSDEVOP_map_pirq, done by the caller)
 * @shareable: a level-triggered line other devices or domains may share
 * @name: flow handler name shown in /proc/interrupts
 *
 * A GSI bound already keeps its irq. The port is bound when the irq is
 * requested. Shareable lines take handle_fasteoi_irq, others
 * handle_edge_irq: Xen holds back the next delivery until the EOI either
 * way.
 *
 * Return: the irq, or a negative errno.
 */
int xen_bind_pirq_gsi_to_irq(unsigned int gsi, unsigned int pirq,
			     int shareable, char *name)
{
	struct xen_irq_info *info;
	bool owned;
	int irq;

	mutex_lock(&xen_evtchn_bind_lock);
	irq = xen_irq_from_gsi_locked(gsi);
	if (irq >= 0)
		goto out;
	irq = xen_pirq_gsi_irq(gsi, &owned);
	if (irq < 0)
		goto out;
	info = xen_info_alloc_for_irq(XEN_IRQ_PIRQ, irq, owned);
	if (!info) {
		if (owned)
			irq_free_desc(irq);
		irq = -ENOMEM;
		goto out;
	}
	xen_pirq_setup(info, pirq, gsi, DOMID_SELF,
		       shareable ? XEN_PIRQ_SHAREABLE : 0);
	if (xen_pirq_gsi_vector(irq)) {
		xen_pirq_release(info);
		irq = -ENOSPC;
		goto out;
	}
	xen_info_set_chip(info, &xen_pirq_chip,
			  shareable ? handle_fasteoi_irq : handle_edge_irq, name);
out:
	mutex_unlock(&xen_evtchn_bind_lock);
	return irq;
}

#ifdef CONFIG_PCI_MSI
/**
 * xen_allocate_pirq_msi() - get a free PIRQ for an MSI from Xen
 * @dev: the PCI device
 * @msidesc: its MSI descriptor
 *
 * Return: the PIRQ, or -1 when Xen has none (or no such call).
 */
int xen_allocate_pirq_msi(struct pci_dev *dev, struct msi_desc *msidesc)
{
	struct physdev_get_free_pirq op = { .type = MAP_PIRQ_TYPE_MSI };
	int rc;

	rc = HYPERVISOR_physdev_op(PHYSDEVOP_get_free_pirq, &op);
	if (rc) {
		pr_warn_once("Xen has no free PIRQ for an MSI: %d\n", rc);
		return -1;
	}
	return op.pirq;
}

/* Undo a group: bindings made so far, then descriptors not yet bound. */
static void xen_pirq_msi_undo(unsigned int irq, int bound, int nvec)
{
	int i;

	for (i = 0; i < bound; i++)
		xen_pirq_release(xen_info_from_irq(irq + i));
	if (bound < nvec)
		irq_free_descs(irq + bound, nvec - bound);
}

/**
 * xen_bind_pirq_msi_to_irq() - give MSI PIRQs consecutive Linux irqs
 * @dev: the PCI device
 * @msidesc: its MSI descriptor
 * @pirq: first PIRQ (vector i uses @pirq + i)
 * @nvec: number of vectors
 * @name: flow handler name
 * @domid: domain the mapping belongs to (dom0 binds for other domains)
 *
 * Return: the first irq, or a negative errno.
 */
int xen_bind_pirq_msi_to_irq(struct pci_dev *dev, struct msi_desc *msidesc,
			     int pirq, int nvec, const char *name, domid_t domid)
{
	struct xen_irq_info *info;
	int irq, i, rc;

	if (nvec <= 0 || pirq < 0)
		return -EINVAL;
	mutex_lock(&xen_evtchn_bind_lock);
	irq = irq_alloc_descs(-1, 0, nvec, -1);
	if (irq < 0)
		goto out;
	for (i = 0; i < nvec; i++) {
		info = xen_info_alloc_for_irq(XEN_IRQ_PIRQ, irq + i, true);
		if (!info) {
			rc = -ENOMEM;
			goto undo;
		}
		/* Only the first vector's PIRQ is unmapped for the group. */
		xen_pirq_setup(info, pirq + i, 0, domid,
			       XEN_PIRQ_MSI | (i ? XEN_PIRQ_MSI_MEMBER : 0));
		xen_info_set_chip(info, &xen_pirq_chip, handle_edge_irq, name);
	}
	rc = irq_set_msi_desc(irq, msidesc);
	if (rc)
		goto undo;
out:
	mutex_unlock(&xen_evtchn_bind_lock);
	return irq;
undo:
	xen_pirq_msi_undo(irq, i, nvec);
	mutex_unlock(&xen_evtchn_bind_lock);
	return rc;
}
#endif

/*
 * dom0 unmaps what it mapped (for itself or another domain); a domain that
 * died took its PIRQs with it (-ESRCH).
 */
static int xen_pirq_unmap(struct xen_irq_info *info)
{
	struct physdev_unmap_pirq op = {
		.domid = info->u.pirq.domid,
		.pirq = info->u.pirq.pirq,
	};
	int rc;

	if (!xen_initial_domain() || (info->u.pirq.flags & XEN_PIRQ_MSI_MEMBER))
		return 0;
	rc = HYPERVISOR_physdev_op(PHYSDEVOP_unmap_pirq, &op);
	if (rc == -ESRCH && op.domid != DOMID_SELF) {
		pr_info("domain %u has gone, and PIRQ %u with it\n", op.domid,
			op.pirq);
		return 0;
	}
	if (rc)
		pr_warn("PIRQ %u of domain %u: unmap refused: %d\n", op.pirq,
			op.domid, rc);
	return rc;
}

/**
 * xen_destroy_irq() - release a PIRQ-backed irq
 * @irq: the irq, freed by its user already
 *
 * Return: 0, -ENOENT when @irq is no PIRQ, or Xen's error for the unmap
 * (the irq then stays).
 */
int xen_destroy_irq(int irq)
{
	struct xen_irq_info *info;
	int rc = -ENOENT;

	mutex_lock(&xen_evtchn_bind_lock);
	info = irq < 0 ? NULL : xen_pirq_of(irq);
	if (info) {
		rc = xen_pirq_unmap(info);
		if (!rc)
			xen_pirq_release(info);
	}
	mutex_unlock(&xen_evtchn_bind_lock);
	return rc;
}

/**
 * xen_pirq_from_irq() - the PIRQ behind an irq
 * @irq: the irq
 *
 * Return: the PIRQ, or 0 when @irq is no PIRQ (pciback reads 0 as "none").
 */
int xen_pirq_from_irq(unsigned int irq)
{
	struct xen_irq_info *info;
	int pirq;

	rcu_read_lock();
	info = xen_pirq_of(irq);
	pirq = info ? info->u.pirq.pirq : 0;
	rcu_read_unlock();
	return pirq;
}
EXPORT_SYMBOL_GPL(xen_pirq_from_irq);

/**
 * xen_test_irq_shared() - whether Xen has the PIRQ's line to ourselves
 * @irq: a PIRQ-backed irq
 *
 * Named for what it asks; answers the way pciback uses it.
 *
 * Return: 1 when no other domain shares the line, 0 when one does or Xen
 * cannot say, -ENOENT when @irq is no PIRQ.
 */
int xen_test_irq_shared(int irq)
{
	struct physdev_irq_status_query q;
	struct xen_irq_info *info;

	rcu_read_lock();
	info = irq < 0 ? NULL : xen_pirq_of(irq);
	if (info)
		q.irq = info->u.pirq.pirq;
	rcu_read_unlock();
	if (!info)
		return -ENOENT;
	if (HYPERVISOR_physdev_op(PHYSDEVOP_irq_status_query, &q))
		return 0;
	return !(q.flags & XENIRQSTAT_shared);
}
EXPORT_SYMBOL_GPL(xen_test_irq_shared);

/*
 * A PV guest can have Xen keep its "EOI wanted" bits in a page of ours
 * instead of asking once per binding. Xen writes a PIRQ's bit when its
 * port is bound, so the page must be in place before the first binding
 * (boot) and again in a new domain before the PIRQs are bound again
 * (resume). Returns 0, or Xen's refusal: the bits then come from
 * PHYSDEVOP_irq_status_query, one question per binding.
 */
int xen_pirq_eoi_map_register(void)
{
	struct physdev_pirq_eoi_gmfn op;
	int rc;

	if (!xen_pirq_eoi_page) {
		xen_pirq_eoi_page = (unsigned long *)get_zeroed_page(GFP_ATOMIC);
		if (!xen_pirq_eoi_page)
			return -ENOMEM;
	}
	op.gmfn = virt_to_gfn(xen_pirq_eoi_page);
	rc = HYPERVISOR_physdev_op(PHYSDEVOP_pirq_eoi_gmfn_v2, &op);
	WRITE_ONCE(xen_pirq_eoi_map, rc ? NULL : xen_pirq_eoi_page);
	return rc;
}

/* Back to the status query (the tests, leaving a domain they made PV). */
void xen_pirq_eoi_map_forget(void)
{
	WRITE_ONCE(xen_pirq_eoi_map, NULL);
}

/*
 * A PV dom0 has no interrupt controller of its own: the PCI code routes
 * ACPI's GSIs, the legacy ISA lines and every MSI through PIRQs, and maps
 * the ISA lines right now, so it must follow the EOI map.
 */
static void __init xen_pirq_init_pv_dom0(void)
{
#ifdef CONFIG_X86
	if (xen_pv_domain() && xen_initial_domain())
		pci_xen_initial_domain();
#endif
}

/**
 * xen_pirq_init() - boot-time PIRQ set-up
 *
 * PV: the EOI map; PV dom0: the PCI and ACPI interrupt routing through
 * PIRQs. An HVM guest hands its routing over in
 * xen_evtchn_hvm_delivery_init(), once native_init_IRQ() has run.
 */
void __init xen_pirq_init(void)
{
	if (xen_pv_domain())
		xen_pirq_eoi_map_register();
	xen_pirq_init_pv_dom0();
}

/*
 * stop_machine after a restore: a GSI's PIRQ that genirq had started gets
 * its mapping and its port back (emulated GSIs are the only PIRQs that
 * survive a save, passthrough does not); other PIRQs stay without a port.
 */
static void xen_pirq_resume_one(struct xen_irq_info *info)
{
	struct physdev_map_pirq map = {
		.domid = DOMID_SELF,
		.type = MAP_PIRQ_TYPE_GSI,
		.index = info->u.pirq.gsi,
		.pirq = info->u.pirq.pirq,
	};
	int rc;

	if ((info->u.pirq.flags & XEN_PIRQ_MSI) ||
	    !irqd_is_started(irq_desc_get_irq_data(info->desc)))
		return;
	rc = HYPERVISOR_physdev_op(PHYSDEVOP_map_pirq, &map);
	if (!rc)
		rc = xen_pirq_bind_port(info, 0);
	if (rc) {
		pr_err("resume: GSI %u (PIRQ %u, irq %u) not re-bound: %d\n",
		       info->u.pirq.gsi, info->u.pirq.pirq, info->irq, rc);
		return;
	}
	xen_pirq_eoi(info);
}

/**
 * xen_pirq_resume() - PIRQs after save/restore
 *
 * Context: stop_machine, called by xen_irq_resume() once every binding
 * has forgotten its old port.
 */
void xen_pirq_resume(void)
{
	struct xen_irq_info *info;

	if (READ_ONCE(xen_pirq_eoi_map))
		xen_pirq_eoi_map_register();
	list_for_each_entry(info, &xen_irq_all, all_node)
		if (info->kind == XEN_IRQ_PIRQ && !info->dying)
			xen_pirq_resume_one(info);
}
