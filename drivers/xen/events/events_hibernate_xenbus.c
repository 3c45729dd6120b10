// SPDX-License-Identifier: GPL-2.0-only
/*
 * Hibernation of an x86 HVM/PVH guest: xenstore, console and PV frontends
 * across the handover (see events_hibernate.c for the event channels).
 *
 * Xenstore watches belong to the domain's xenstore connection, which the
 * boot kernel and the image share, and a watch's token is the address of
 * its struct xenbus_watch. A boot kernel of the same build therefore holds
 * watches with the very (path, token) pairs the image registers again
 * after the restore. For most watches that is harmless (xenstored replies
 * EEXIST and the existing watch serves the image), but a frontend's
 * otherend watch is registered by its restore callback, which gives up on
 * EEXIST and closes the device. So the boot kernel drops its otherend
 * watches once it knows it is restoring (and puts them back if the restore
 * is abandoned).
 *
 * The backends are still connected to the boot kernel's rings, and a
 * connected backend ignores a frontend that starts over. Before the
 * frontends' restore callbacks run, the image walks each backend through
 * Closing and Closed back to InitWait, as a frontend does after kexec.
 * Then the restore callbacks reconnect as they do after a save/restore,
 * re-issuing the requests that were in flight when the image was taken.
 */
#define pr_fmt(fmt) "xen:" KBUILD_MODNAME ": " fmt

#include <linux/delay.h>
#include <linux/device.h>
#include <linux/jiffies.h>
#include <linux/slab.h>

#include <xen/hvc-console.h>
#include <xen/xenbus.h>
#include <xen/interface/hvm/hvm_op.h>
#include <xen/interface/hvm/params.h>
#include <xen/interface/io/xenbus.h>

#include <asm/xen/hypercall.h>

#include "events_hibernate.h"

/* A backend answers a state change within milliseconds; be generous. */
#define XEN_HIB_BACKEND_WAIT_MS		5000
#define XEN_HIB_BACKEND_POLL_MS		10

/*
 * A frontend driver that matches no device: registering it is how a
 * built-in user gets hold of the xenbus frontend bus to walk its devices.
 */
static const struct xenbus_device_id xen_hib_no_devices[] = {
	{ "" }
};

static struct xenbus_driver xen_hib_anchor = {
	.name = "xen-hibernate",
	.ids = xen_hib_no_devices,
};

static bool xen_hib_have_anchor;

/**
 * xen_hib_xenbus_init() - find the xenbus frontend bus
 *
 * Return: 0, or the error of the frontend driver registration.
 */
int xen_hib_xenbus_init(void)
{
	int rc;

	if (!IS_ENABLED(CONFIG_XEN_XENBUS_FRONTEND))
		return 0;
	rc = xenbus_register_frontend(&xen_hib_anchor);
	xen_hib_have_anchor = !rc;
	return rc;
}

/* NULL when there is no bus to walk. */
static const struct bus_type *xen_hib_frontend_bus(void)
{
	if (!xen_hib_have_anchor || !xen_hib_xenstore_up())
		return NULL;
	return xen_hib_anchor.driver.bus;
}

/* --- xenstore ------------------------------------------------------------ */

/**
 * xen_hib_xenstore_up() - is there a xenstore connection to suspend?
 *
 * Return: true once xenbus has its ring and xenstored answered.
 */
bool xen_hib_xenstore_up(void)
{
	return xen_store_interface && xenstored_ready;
}

/**
 * xen_hib_xenstore_resume() - xenstore after a new-domain resume
 *
 * The xenstore port may have a new number (the toolstack's channel was
 * bound again); xs_resume() then re-binds its interrupt and registers
 * every watch again on the connection, which this domain may have had for
 * a while already. Pairs with the xs_suspend() of the late freeze.
 */
void xen_hib_xenstore_resume(void)
{
	struct xen_hvm_param p = {
		.domid = DOMID_SELF,
		.index = HVM_PARAM_STORE_EVTCHN,
	};

	if (!HYPERVISOR_hvm_op(HVMOP_get_param, &p) && p.value)
		xen_store_evtchn = p.value;
	else
		pr_warn("hibernation: xenstore port unknown, keeping %d\n",
			xen_store_evtchn);
	xs_resume();
}

/* --- otherend watches of the boot kernel ----------------------------------- */

/*
 * Like xenbus' own release of the watch, so that its later
 * talk_to_otherend() finds nothing to release. The callbacks stay set:
 * they say the watch is ours to put back.
 */
static int xen_hib_detach_one(struct device *dev, void *unused)
{
	struct xenbus_device *xdev = to_xenbus_device(dev);

	device_lock(dev);
	if (xdev->otherend_watch.node) {
		unregister_xenbus_watch(&xdev->otherend_watch);
		kfree(xdev->otherend_watch.node);
		xdev->otherend_watch.node = NULL;
	}
	device_unlock(dev);
	return 0;
}

static int xen_hib_reattach_one(struct device *dev, void *unused)
{
	struct xenbus_device *xdev = to_xenbus_device(dev);
	struct xenbus_watch *w = &xdev->otherend_watch;
	char *node;
	int rc = -ENOMEM;

	device_lock(dev);
	if (!dev->driver || !xdev->otherend || w->node || !w->callback)
		goto out;
	node = kasprintf(GFP_KERNEL, "%s/state", xdev->otherend);
	if (node) {
		w->node = node;
		rc = register_xenbus_watch(w);
		if (rc) {
			w->node = NULL;
			kfree(node);
		}
	}
	if (rc)
		dev_warn(dev, "backend watch not restored (%d)\n", rc);
out:
	device_unlock(dev);
	return 0;
}

/**
 * xen_hib_detach_frontends() - boot kernel: drop every otherend watch
 *
 * At PM_RESTORE_PREPARE, while xenstore works and before the image is
 * read (the disks keep working without their watches).
 */
void xen_hib_detach_frontends(void)
{
	const struct bus_type *bus = xen_hib_frontend_bus();

	if (bus)
		bus_for_each_dev(bus, NULL, NULL, xen_hib_detach_one);
}

/**
 * xen_hib_reattach_frontends() - boot kernel: the restore was abandoned early
 */
void xen_hib_reattach_frontends(void)
{
	const struct bus_type *bus = xen_hib_frontend_bus();

	if (bus)
		bus_for_each_dev(bus, NULL, NULL, xen_hib_reattach_one);
}

/* --- backends still connected to the boot kernel ----------------------------- */

static bool xen_hib_backend_in(const char *be, unsigned int states)
{
	return BIT(xenbus_read_driver_state(be)) & states;
}

/* Write our state, wait for the backend to answer with one of @states. */
static bool xen_hib_backend_step(struct xenbus_device *xdev, const char *be,
				 enum xenbus_state ours, unsigned int states)
{
	unsigned long deadline = jiffies + msecs_to_jiffies(XEN_HIB_BACKEND_WAIT_MS);

	if (xenbus_printf(XBT_NIL, xdev->nodename, "state", "%d", ours))
		return false;
	while (!xen_hib_backend_in(be, states)) {
		if (time_after(jiffies, deadline))
			return false;
		msleep(XEN_HIB_BACKEND_POLL_MS);
	}
	return true;
}

#define XEN_HIB_FRESH	(BIT(XenbusStateUnknown) | BIT(XenbusStateInitialising) | \
			 BIT(XenbusStateInitWait))

static int xen_hib_reset_one(struct device *dev, void *unused)
{
	struct xenbus_device *xdev = to_xenbus_device(dev);
	enum xenbus_state was;
	char *be;

	be = xenbus_read(XBT_NIL, xdev->nodename, "backend", NULL);
	if (IS_ERR(be))
		return 0;
	was = xenbus_read_driver_state(be);
	if (BIT(was) & XEN_HIB_FRESH)
		goto out;
	if (!xen_hib_backend_step(xdev, be, XenbusStateClosing,
				  BIT(XenbusStateClosing) | BIT(XenbusStateClosed)) ||
	    !xen_hib_backend_step(xdev, be, XenbusStateClosed,
				  BIT(XenbusStateClosed)) ||
	    !xen_hib_backend_step(xdev, be, XenbusStateInitialising,
				  BIT(XenbusStateInitWait))) {
		dev_err(dev, "backend %s stuck in %s (was %s)\n", be,
			xenbus_strstate(xenbus_read_driver_state(be)),
			xenbus_strstate(was));
		goto out;
	}
	dev_info(dev, "backend %s reset from %s for reconnection\n", be,
		 xenbus_strstate(was));
out:
	kfree(be);
	return 0;
}

/**
 * xen_hib_reset_backends() - send every backend back to InitWait
 *
 * Only backends that went past InitWait (connected to, or closing from,
 * a frontend of an earlier kernel) are touched. Sleeps; needs xenstore.
 */
void xen_hib_reset_backends(void)
{
	const struct bus_type *bus = xen_hib_frontend_bus();

	if (bus)
		bus_for_each_dev(bus, NULL, NULL, xen_hib_reset_one);
}

static int xen_hib_restore_one(struct device *dev, void *unused)
{
	int rc = 0;

	device_lock(dev);
	if (dev->driver && dev->bus->pm && dev->bus->pm->restore)
		rc = dev->bus->pm->restore(dev);
	device_unlock(dev);
	if (rc)
		dev_err(dev, "not reconnected after the abandoned restore (%d)\n",
			rc);
	return 0;
}

/**
 * xen_hib_reconnect_frontends() - boot kernel: the jump did not happen
 *
 * After a handover the boot kernel's own channels are gone, and the PM
 * core only thaws its devices (nothing for xenbus frontends). Each one is
 * reconnected the way a restored image does it: backend reset, then the
 * bus' restore callback.
 */
void xen_hib_reconnect_frontends(void)
{
	const struct bus_type *bus = xen_hib_frontend_bus();

	if (!bus)
		return;
	bus_for_each_dev(bus, NULL, NULL, xen_hib_reset_one);
	bus_for_each_dev(bus, NULL, NULL, xen_hib_restore_one);
}
