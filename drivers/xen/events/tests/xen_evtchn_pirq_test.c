// SPDX-License-Identifier: GPL-2.0-only
/*
 * PIRQs on the model's live domain: an emulated GSI and emulated MSIs
 * routed to the kernel as event channels (spec 15), reached only through
 * what the kernel's own callers use: PHYSDEVOP_map_pirq and
 * xen_bind_pirq_gsi_to_irq() as arch/x86/pci/xen.c does for a GSI,
 * xen_allocate_pirq_msi() and xen_bind_pirq_msi_to_irq() for MSIs,
 * request_irq()/free_irq(), xen_destroy_irq() and the queries pciback
 * makes; save/restore as manage.c runs it.
 */
#include <kunit/test.h>
#include <linux/delay.h>
#include <linux/interrupt.h>
#include <linux/irq.h>
#include <xen/events.h>
#include <xen/interface/physdev.h>
#include <asm/xen/hypercall.h>

#include "../events_internal.h"
#include "xen_evtchn_hvm_util.h"
#include "xen_model.h"

/*
 * GSIs above the ISA range and the IO-APIC's 24 lines: nobody else's. One
 * per case: Xen never maps a GSI to a second PIRQ (spec 15.3), and a domU
 * kernel does not unmap.
 */
enum {
	XPQ_GSI_LEVEL = 40,
	XPQ_GSI_BOOKKEEPING,
	XPQ_GSI_SHARED,
	XPQ_GSI_REFUSED,
	XPQ_GSI_RESTORE,
	XPQ_GSI_EOI_MAP,
};

#define XPQ_MSI_VECS	4

/*
 * A PCI device behind a PIRQ: its line (a GSI of 16 or more is a level
 * PCI INTx line) stays up until the handler has serviced it, after
 * @service_after calls.
 */
struct xpq_dev {
	unsigned int gsi;
	atomic_t hits;
	int service_after;
};

static irqreturn_t xpq_handler(int irq, void *dev_id)
{
	struct xpq_dev *dev = dev_id;
	int n = atomic_inc_return(&dev->hits);

	if (n >= dev->service_after)
		xm_gsi_set_level(xeh_live(), dev->gsi, false);
	return IRQ_HANDLED;
}

static int xpq_test_init(struct kunit *test)
{
	int rc = xeh_test_init(test);

	if (!rc)
		xm_set_has_pirq(xeh_live(), true);
	return rc;
}

static void xpq_test_exit(struct kunit *test)
{
	xen_pirq_eoi_map_forget();
	xm_set_pv_physdev(xeh_live(), false);
	xm_set_has_pirq(xeh_live(), false);
}

/* What arch/x86/pci/xen.c's xen_register_pirq() does for an ACPI GSI. */
static int xpq_map_gsi(struct kunit *test, unsigned int gsi)
{
	struct physdev_map_pirq map = {
		.domid = DOMID_SELF,
		.type = MAP_PIRQ_TYPE_GSI,
		.index = gsi,
		.pirq = -1,
	};

	KUNIT_ASSERT_EQ(test, HYPERVISOR_physdev_op(PHYSDEVOP_map_pirq, &map), 0);
	KUNIT_ASSERT_GE(test, map.pirq, 16);
	return map.pirq;
}

static int xpq_bind_gsi(struct kunit *test, unsigned int gsi, int *pirq,
			bool level)
{
	int irq;

	*pirq = xpq_map_gsi(test, gsi);
	irq = xen_bind_pirq_gsi_to_irq(gsi, *pirq, level, "xpq");
	KUNIT_ASSERT_GT(test, irq, 0);
	return irq;
}

static unsigned long xpq_eois(int pirq)
{
	return xm_pirq_eois(xeh_live(), pirq);
}

/* Raise the line, and see the handler run @n times in all. */
static void xpq_fire_gsi(struct kunit *test, struct xpq_dev *dev, int n)
{
	xm_gsi_set_level(xeh_live(), dev->gsi, true);
	KUNIT_EXPECT_TRUE_MSG(test, xeh_wait_count(&dev->hits, n, XEH_WAIT_MS),
			      "GSI %u: %d handler calls, want %d", dev->gsi,
			      atomic_read(&dev->hits), n);
}

/* The EOI comes after the handler (fasteoi): wait for Xen to refuse it. */
static bool xpq_wait_eoi_failures(unsigned long above)
{
	unsigned int waited;

	for (waited = 0; waited < XEH_WAIT_MS; waited += XEH_POLL_MS) {
		if (xen_pirq_eoi_failures() > above)
			return true;
		msleep(XEH_POLL_MS);
	}
	return false;
}

static void xpq_release(struct xpq_dev *dev, int irq)
{
	xm_gsi_set_level(xeh_live(), dev->gsi, false);
	free_irq(irq, dev);
	xen_destroy_irq(irq);
}

/*
 * A level line stays asserted until its device is serviced: every EOI
 * while it is up brings the event back (spec 15.6), and the line going
 * down ends it.
 */
static void xpq_level_gsi_until_serviced(struct kunit *test)
{
	struct xpq_dev dev = { .gsi = XPQ_GSI_LEVEL, .service_after = 3 };
	unsigned long eois;
	int irq, pirq;

	irq = xpq_bind_gsi(test, dev.gsi, &pirq, true);
	KUNIT_ASSERT_EQ(test, request_irq(irq, xpq_handler, IRQF_SHARED, "xpq", &dev), 0);
	KUNIT_EXPECT_NE(test, xm_pirq_port(xeh_live(), pirq), 0);
	eois = xpq_eois(pirq);
	xpq_fire_gsi(test, &dev, 3);
	msleep(XEH_QUIET_MS);
	KUNIT_EXPECT_EQ(test, atomic_read(&dev.hits), 3);
	KUNIT_EXPECT_EQ(test, xpq_eois(pirq), eois + 3);
	KUNIT_EXPECT_EQ(test, xen_pirq_eoi_failures(), 0UL);

	/* Serviced at once this time: one call. */
	dev.service_after = 4;
	xpq_fire_gsi(test, &dev, 4);
	msleep(XEH_QUIET_MS);
	KUNIT_EXPECT_EQ(test, atomic_read(&dev.hits), 4);
	xpq_release(&dev, irq);
}

/*
 * Bookkeeping pciback and ACPI rely on: one irq per GSI however often it
 * is bound, the PIRQ behind it, "not shared" for an emulated line, and
 * nothing left once destroyed. The port exists only while requested.
 */
static void xpq_gsi_bookkeeping(struct kunit *test)
{
	struct xpq_dev dev = { .gsi = XPQ_GSI_BOOKKEEPING, .service_after = 1 };
	int irq, pirq;

	irq = xpq_bind_gsi(test, dev.gsi, &pirq, false);
	KUNIT_EXPECT_EQ(test, xen_bind_pirq_gsi_to_irq(dev.gsi, pirq, 0, "xpq"), irq);
	KUNIT_EXPECT_EQ(test, xen_irq_from_gsi(dev.gsi), irq);
	KUNIT_EXPECT_EQ(test, xen_pirq_from_irq(irq), pirq);
	KUNIT_EXPECT_EQ(test, xen_test_irq_shared(irq), 1);
	KUNIT_EXPECT_EQ(test, xm_pirq_port(xeh_live(), pirq), 0);

	KUNIT_ASSERT_EQ(test, request_irq(irq, xpq_handler, 0, "xpq", &dev), 0);
	KUNIT_EXPECT_NE(test, xm_pirq_port(xeh_live(), pirq), 0);
	/*
	 * An edge flow acks (and EOIs) before the handler runs: the line,
	 * still up then, comes back once more after the handler.
	 */
	dev.service_after = 1;
	xpq_fire_gsi(test, &dev, 1);
	free_irq(irq, &dev);
	KUNIT_EXPECT_EQ(test, xm_pirq_port(xeh_live(), pirq), 0);

	/* Requested again: a new port, events again. */
	KUNIT_ASSERT_EQ(test, request_irq(irq, xpq_handler, 0, "xpq", &dev), 0);
	dev.service_after = atomic_read(&dev.hits) + 1;
	xpq_fire_gsi(test, &dev, dev.service_after);
	xpq_release(&dev, irq);
	KUNIT_EXPECT_EQ(test, xen_irq_from_gsi(dev.gsi), -1);
	KUNIT_EXPECT_EQ(test, xen_pirq_from_irq(irq), 0);
	KUNIT_EXPECT_EQ(test, xen_test_irq_shared(irq), -ENOENT);
	KUNIT_EXPECT_EQ(test, xen_destroy_irq(irq), -ENOENT);
}

/* Two drivers on one level line: both handlers see every event. */
static void xpq_shared_line(struct kunit *test)
{
	struct xpq_dev a = { .gsi = XPQ_GSI_SHARED, .service_after = 1 };
	struct xpq_dev b = { .gsi = XPQ_GSI_SHARED, .service_after = 1 };
	int irq, pirq;

	irq = xpq_bind_gsi(test, a.gsi, &pirq, true);
	KUNIT_ASSERT_EQ(test, request_irq(irq, xpq_handler, IRQF_SHARED, "xpq-a", &a), 0);
	KUNIT_ASSERT_EQ(test, request_irq(irq, xpq_handler, IRQF_SHARED, "xpq-b", &b), 0);
	xpq_fire_gsi(test, &a, 1);
	KUNIT_EXPECT_TRUE(test, xeh_wait_count(&b.hits, 1, XEH_WAIT_MS));
	free_irq(irq, &b);
	xpq_fire_gsi(test, &a, 2);
	KUNIT_EXPECT_EQ(test, atomic_read(&b.hits), 1);
	xpq_release(&a, irq);
}

#ifdef CONFIG_PCI_MSI
static irqreturn_t xpq_msi_handler(int irq, void *dev_id)
{
	atomic_inc(dev_id);
	return IRQ_HANDLED;
}

/*
 * An MSI group as dom0 binds one (consecutive PIRQs, consecutive irqs):
 * each vector its own events, every binding gone after destroy.
 */
static void xpq_msi_group(struct kunit *test)
{
	atomic_t hits[XPQ_MSI_VECS];
	int pirq = -1, irq, i;

	/* The model hands MSI PIRQs out from the top down. */
	for (i = 0; i < XPQ_MSI_VECS; i++) {
		pirq = xen_allocate_pirq_msi(NULL, NULL);
		KUNIT_ASSERT_GT(test, pirq, 0);
	}
	irq = xen_bind_pirq_msi_to_irq(NULL, NULL, pirq, XPQ_MSI_VECS, "xpq-msi",
				       DOMID_SELF);
	KUNIT_ASSERT_GT(test, irq, 0);
	for (i = 0; i < XPQ_MSI_VECS; i++) {
		atomic_set(&hits[i], 0);
		KUNIT_EXPECT_EQ(test, xen_pirq_from_irq(irq + i), pirq + i);
		KUNIT_ASSERT_EQ(test, request_irq(irq + i, xpq_msi_handler, 0,
						  "xpq-msi", &hits[i]), 0);
	}
	for (i = 0; i < XPQ_MSI_VECS; i++) {
		xm_msi_fire(xeh_live(), pirq + i);
		KUNIT_EXPECT_TRUE_MSG(test, xeh_wait_count(&hits[i], 1, XEH_WAIT_MS),
				      "vector %d", i);
	}
	msleep(XEH_QUIET_MS);
	for (i = 0; i < XPQ_MSI_VECS; i++) {
		KUNIT_EXPECT_EQ(test, atomic_read(&hits[i]), 1);
		free_irq(irq + i, &hits[i]);
		KUNIT_EXPECT_EQ(test, xm_pirq_port(xeh_live(), pirq + i), 0);
		KUNIT_EXPECT_EQ(test, xen_destroy_irq(irq + i), 0);
		KUNIT_EXPECT_EQ(test, xen_pirq_from_irq(irq + i), 0);
	}
}
#endif

/*
 * Xen refusing: a bind_pirq at request time leaves the irq without a port
 * (and says so); an EOI refused is counted; a status query refused means
 * no EOIs. Each time the kernel stays up and the next try works.
 */
static void xpq_xen_refuses(struct kunit *test)
{
	struct xpq_dev dev = { .gsi = XPQ_GSI_REFUSED, .service_after = 1 };
	struct xm_domain *d = xeh_live();
	unsigned long errors = xen_pirq_eoi_failures(), eois;
	int irq, pirq;

	irq = xpq_bind_gsi(test, dev.gsi, &pirq, true);
	xm_fail_nth(d, __HYPERVISOR_event_channel_op, EVTCHNOP_bind_pirq, 1, -ENOSPC);
	KUNIT_ASSERT_EQ(test, request_irq(irq, xpq_handler, IRQF_SHARED, "xpq", &dev), 0);
	KUNIT_EXPECT_EQ(test, xm_pirq_port(d, pirq), 0);
	free_irq(irq, &dev);
	KUNIT_ASSERT_EQ(test, request_irq(irq, xpq_handler, IRQF_SHARED, "xpq", &dev), 0);
	KUNIT_EXPECT_NE(test, xm_pirq_port(d, pirq), 0);

	xm_fail_always(d, __HYPERVISOR_physdev_op, PHYSDEVOP_eoi, -EINVAL);
	xpq_fire_gsi(test, &dev, 1);
	KUNIT_EXPECT_TRUE(test, xpq_wait_eoi_failures(errors));
	xm_fail_always(d, __HYPERVISOR_physdev_op, PHYSDEVOP_eoi, 0);
	free_irq(irq, &dev);

	/* No status: no EOI, so a line left up is not sent again. */
	xm_fail_nth(d, __HYPERVISOR_physdev_op, PHYSDEVOP_irq_status_query, 1, -EINVAL);
	dev.service_after = 3;
	eois = xpq_eois(pirq);
	KUNIT_ASSERT_EQ(test, request_irq(irq, xpq_handler, IRQF_SHARED, "xpq", &dev), 0);
	xpq_fire_gsi(test, &dev, 2);
	msleep(XEH_QUIET_MS);
	KUNIT_EXPECT_EQ(test, atomic_read(&dev.hits), 2);
	KUNIT_EXPECT_EQ(test, xpq_eois(pirq), eois);
	xpq_release(&dev, irq);
	KUNIT_EXPECT_EQ(test, xen_destroy_irq(-1), -ENOENT);
}

static int xpq_save_restore(void *unused)
{
	return xeh_suspend_steps();
}

/*
 * Save/restore: an emulated GSI's PIRQ is mapped and bound again in the
 * new domain and keeps working; an MSI's is not (passthrough does not
 * survive a save) and still goes away cleanly.
 */
static void xpq_gsi_survives_restore(struct kunit *test)
{
	struct xpq_dev dev = { .gsi = XPQ_GSI_RESTORE, .service_after = 1 };
	int irq, pirq;

	irq = xpq_bind_gsi(test, dev.gsi, &pirq, true);
	KUNIT_ASSERT_EQ(test, request_irq(irq, xpq_handler, IRQF_SHARED, "xpq", &dev), 0);
	xpq_fire_gsi(test, &dev, 1);
	KUNIT_ASSERT_EQ(test, xeh_suspend_machine(xpq_save_restore, NULL), 0);
	KUNIT_EXPECT_EQ(test, xm_pirq_of_gsi(xeh_live(), dev.gsi), pirq);
	KUNIT_EXPECT_NE(test, xm_pirq_port(xeh_live(), pirq), 0);
	xpq_fire_gsi(test, &dev, 2);
	xpq_release(&dev, irq);
}

#ifdef CONFIG_PCI_MSI
/*
 * One maskable MSI, started and fired once: the PHYSDEVOP_eoi calls it
 * cost (start-up sends one too, for what Xen may hold back).
 */
static unsigned long xpq_msi_eois(struct kunit *test)
{
	struct xm_domain *d = xeh_live();
	atomic_t hits = ATOMIC_INIT(0);
	unsigned long eois;
	int pirq, irq;

	pirq = xen_allocate_pirq_msi(NULL, NULL);
	KUNIT_ASSERT_GT(test, pirq, 0);
	irq = xen_bind_pirq_msi_to_irq(NULL, NULL, pirq, 1, "xpq-msi", DOMID_SELF);
	KUNIT_ASSERT_GT(test, irq, 0);
	KUNIT_ASSERT_EQ(test, request_irq(irq, xpq_msi_handler, 0, "xpq-msi", &hits), 0);
	KUNIT_EXPECT_FALSE(test, xm_pirq_eoi_bit(d, pirq));
	xm_msi_fire(d, pirq);
	KUNIT_EXPECT_TRUE(test, xeh_wait_count(&hits, 1, XEH_WAIT_MS));
	msleep(XEH_QUIET_MS);
	eois = xpq_eois(pirq);
	free_irq(irq, &hits);
	KUNIT_EXPECT_EQ(test, xen_destroy_irq(irq), 0);
	return eois;
}
#else
static unsigned long xpq_msi_eois(struct kunit *test)
{
	return 0;
}
#endif

/*
 * A PV guest's EOI map (spec 15.10). Without it Xen's status query says
 * "needs EOI" for every PIRQ, so even a maskable MSI costs PHYSDEVOP_eoi
 * calls. With it Xen sets the bit at bind for a level line and
 * clears it for such an MSI, and the kernel EOIs only what the page asks
 * for. A refused registration leaves it on the query; a restored domain
 * has no page until the kernel registers it again, before its PIRQs are
 * bound again.
 */
static void xpq_pv_eoi_map(struct kunit *test)
{
	struct xpq_dev dev = { .gsi = XPQ_GSI_EOI_MAP, .service_after = 2 };
	struct xm_domain *d = xeh_live();
	unsigned long eois;
	int irq, pirq;

	xm_set_pv_physdev(d, true);
	if (IS_ENABLED(CONFIG_PCI_MSI))
		KUNIT_EXPECT_EQ(test, xpq_msi_eois(test), 2UL);
	xm_fail_nth(d, __HYPERVISOR_physdev_op, PHYSDEVOP_pirq_eoi_gmfn_v2, 1, -EINVAL);
	KUNIT_EXPECT_EQ(test, xen_pirq_eoi_map_register(), -EINVAL);
	KUNIT_EXPECT_FALSE(test, xm_pirq_eoi_map_registered(d));
	KUNIT_ASSERT_EQ(test, xen_pirq_eoi_map_register(), 0);
	KUNIT_EXPECT_EQ(test, xpq_msi_eois(test), 0UL);

	/* A level line: its bit set, an EOI per event, the line sent again. */
	irq = xpq_bind_gsi(test, dev.gsi, &pirq, true);
	KUNIT_ASSERT_EQ(test, request_irq(irq, xpq_handler, IRQF_SHARED, "xpq", &dev), 0);
	KUNIT_EXPECT_TRUE(test, xm_pirq_eoi_bit(d, pirq));
	eois = xpq_eois(pirq);
	xpq_fire_gsi(test, &dev, 2);
	msleep(XEH_QUIET_MS);
	KUNIT_EXPECT_EQ(test, xpq_eois(pirq), eois + 2);

	KUNIT_ASSERT_EQ(test, xeh_suspend_machine(xpq_save_restore, NULL), 0);
	KUNIT_EXPECT_TRUE(test, xm_pirq_eoi_map_registered(xeh_live()));
	KUNIT_EXPECT_TRUE(test, xm_pirq_eoi_bit(xeh_live(), pirq));
	dev.service_after = 3;
	eois = xpq_eois(pirq);
	xpq_fire_gsi(test, &dev, 3);
	msleep(XEH_QUIET_MS);
	KUNIT_EXPECT_EQ(test, xpq_eois(pirq), eois + 1);
	xpq_release(&dev, irq);
	KUNIT_EXPECT_EQ(test, xpq_msi_eois(test), 0UL);
}

static struct kunit_case xpq_cases[] = {
	KUNIT_CASE(xpq_level_gsi_until_serviced),
	KUNIT_CASE(xpq_gsi_bookkeeping),
	KUNIT_CASE(xpq_shared_line),
#ifdef CONFIG_PCI_MSI
	KUNIT_CASE(xpq_msi_group),
#endif
	KUNIT_CASE(xpq_xen_refuses),
	KUNIT_CASE(xpq_gsi_survives_restore),
	KUNIT_CASE(xpq_pv_eoi_map),
	{}
};

static struct kunit_suite xpq_suite = {
	.name = "xen_evtchn_pirq",
	.suite_init = xeh_suite_init,
	.suite_exit = xeh_suite_exit,
	.init = xpq_test_init,
	.exit = xpq_test_exit,
	.test_cases = xpq_cases,
};

kunit_test_suite(xpq_suite);

MODULE_DESCRIPTION("KUnit: Xen PIRQs over event channels, on the model");
MODULE_LICENSE("GPL");
