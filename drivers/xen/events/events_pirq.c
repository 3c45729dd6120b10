// SPDX-License-Identifier: GPL-2.0-only
/*
 * Physical interrupts (PIRQs): GSIs and MSIs that Xen routes to a guest as
 * event channels. Needed by a PV dom0 and by PCI passthrough with
 * XENFEAT_hvm_pirqs; not supported by this core yet. The entry points
 * exist so their callers build, refuse with one clear message, and report
 * "nothing bound" from the queries.
 */
#define pr_fmt(fmt) "xen:" KBUILD_MODNAME ": " fmt

#include <linux/export.h>
#include <linux/printk.h>

#include <xen/events.h>

#include "events_internal.h"

static void xen_pirq_unsupported(const char *what)
{
	pr_err_once("%s: physical interrupts (PIRQs, for dom0 and PCI passthrough) are not supported by this event-channel core\n",
		    what);
}

/**
 * xen_bind_pirq_gsi_to_irq() - bind a GSI's PIRQ (not supported)
 * @gsi: the GSI
 * @pirq: the PIRQ Xen mapped it to
 * @shareable: whether the line may be shared
 * @name: irq name
 *
 * Return: -EOPNOTSUPP.
 */
int xen_bind_pirq_gsi_to_irq(unsigned int gsi, unsigned int pirq,
			     int shareable, char *name)
{
	xen_pirq_unsupported(__func__);
	return -EOPNOTSUPP;
}

#ifdef CONFIG_PCI_MSI
/**
 * xen_allocate_pirq_msi() - get a PIRQ for an MSI (not supported)
 * @dev: the PCI device
 * @msidesc: its MSI descriptor
 *
 * Return: -EOPNOTSUPP.
 */
int xen_allocate_pirq_msi(struct pci_dev *dev, struct msi_desc *msidesc)
{
	xen_pirq_unsupported(__func__);
	return -EOPNOTSUPP;
}

/**
 * xen_bind_pirq_msi_to_irq() - bind MSI PIRQs (not supported)
 * @dev: the PCI device
 * @msidesc: its first MSI descriptor
 * @pirq: first PIRQ
 * @nvec: number of vectors
 * @name: irq name
 * @domid: domain owning the device
 *
 * Return: -EOPNOTSUPP.
 */
int xen_bind_pirq_msi_to_irq(struct pci_dev *dev, struct msi_desc *msidesc,
			     int pirq, int nvec, const char *name, domid_t domid)
{
	xen_pirq_unsupported(__func__);
	return -EOPNOTSUPP;
}
#endif

/**
 * xen_destroy_irq() - release a PIRQ-backed irq
 * @irq: the irq
 *
 * Return: -EINVAL: no irq can be PIRQ-backed here.
 */
int xen_destroy_irq(int irq)
{
	return -EINVAL;
}

/**
 * xen_pirq_from_irq() - the PIRQ behind an irq
 * @irq: the irq
 *
 * Return: 0 (no PIRQ; pciback treats 0 as "none").
 */
int xen_pirq_from_irq(unsigned int irq)
{
	return 0;
}
EXPORT_SYMBOL_GPL(xen_pirq_from_irq);

/**
 * xen_irq_from_gsi() - the irq bound to a GSI's PIRQ
 * @gsi: the GSI
 *
 * Return: -1: no GSI is bound through a PIRQ here.
 */
int xen_irq_from_gsi(unsigned int gsi)
{
	return -1;
}
EXPORT_SYMBOL_GPL(xen_irq_from_gsi);

/**
 * xen_test_irq_shared() - whether a PIRQ-backed irq is shareable
 * @irq: the irq
 *
 * Return: 0 (not a PIRQ, so not a shared physical line).
 */
int xen_test_irq_shared(int irq)
{
	return 0;
}
EXPORT_SYMBOL_GPL(xen_test_irq_shared);
