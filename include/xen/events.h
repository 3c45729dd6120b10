/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Guest side of Xen event channels: binding ports, VIRQs and IPIs to Linux
 * interrupts, notifying the remote end, and the upcall entry point.
 *
 * Interrupt numbers handed in by callers are validated: a number that does
 * not belong to an event channel is rejected (error return or a no-op with
 * a rate-limited message), never trusted.
 */
#ifndef _XEN_EVENTS_H
#define _XEN_EVENTS_H

#include <linux/interrupt.h>
#include <linux/irq.h>
#ifdef CONFIG_PCI_MSI
#include <linux/msi.h>
#endif

#include <xen/interface/event_channel.h>
#include <asm/xen/hypercall.h>
#include <asm/xen/events.h>

struct xenbus_device;

unsigned int xen_evtchn_nr_channels(void);

int bind_evtchn_to_irq(evtchn_port_t evtchn);
int bind_evtchn_to_irq_lateeoi(evtchn_port_t evtchn);
int bind_evtchn_to_irqhandler(evtchn_port_t evtchn,
			      irq_handler_t handler,
			      unsigned long irqflags, const char *devname,
			      void *dev_id);
int bind_evtchn_to_irqhandler_lateeoi(evtchn_port_t evtchn,
				      irq_handler_t handler,
				      unsigned long irqflags,
				      const char *devname, void *dev_id);
int bind_virq_to_irq(unsigned int virq, unsigned int cpu, bool percpu);
int bind_virq_to_irqhandler(unsigned int virq, unsigned int cpu,
			    irq_handler_t handler,
			    unsigned long irqflags, const char *devname,
			    void *dev_id);
int bind_ipi_to_irqhandler(enum ipi_vector ipi,
			   unsigned int cpu,
			   irq_handler_t handler,
			   unsigned long irqflags,
			   const char *devname,
			   void *dev_id);
int bind_interdomain_evtchn_to_irq_lateeoi(struct xenbus_device *dev,
					   evtchn_port_t remote_port);
int bind_interdomain_evtchn_to_irqhandler_lateeoi(struct xenbus_device *dev,
						  evtchn_port_t remote_port,
						  irq_handler_t handler,
						  unsigned long irqflags,
						  const char *devname,
						  void *dev_id);

/*
 * Undo any of the bind functions above: frees the handler (if @dev_id's
 * handler was requested) and, once the last user is gone, closes the port.
 */
void unbind_from_irqhandler(unsigned int irq, void *dev_id);

/*
 * Drivers bound with a *_lateeoi function keep their channel masked after
 * each event until they call this, so a flooding peer cannot keep a CPU busy.
 */
void xen_irq_lateeoi(unsigned int irq, unsigned int eoi_flags);
/* The event needed no work: repeated ones are throttled with a back-off. */
#define XEN_EOI_FLAG_SPURIOUS	0x00000001

#define XEN_IRQ_PRIORITY_MAX     EVTCHN_FIFO_PRIORITY_MAX
#define XEN_IRQ_PRIORITY_DEFAULT EVTCHN_FIFO_PRIORITY_DEFAULT
#define XEN_IRQ_PRIORITY_MIN     EVTCHN_FIFO_PRIORITY_MIN
int xen_set_irq_priority(unsigned int irq, unsigned int priority);

/* Extra references for ports exposed to user space (/dev/xen/evtchn). */
int evtchn_make_refcounted(evtchn_port_t evtchn, bool is_static);
int evtchn_get(evtchn_port_t evtchn);
void evtchn_put(evtchn_port_t evtchn);

void xen_send_IPI_one(unsigned int cpu, enum ipi_vector vector);
void rebind_evtchn_irq(evtchn_port_t evtchn, int irq);

static inline void notify_remote_via_evtchn(evtchn_port_t port)
{
	struct evtchn_send send = { .port = port };

	(void)HYPERVISOR_event_channel_op(EVTCHNOP_send, &send);
}

void notify_remote_via_irq(int irq);

void xen_irq_resume(void);

/* Clear an irq's pending state before polling on it. */
void xen_clear_irq_pending(int irq);
bool xen_test_irq_pending(int irq);

/* Block until the (normally disabled) irq's port becomes pending. */
void xen_poll_irq(int irq);

/* As xen_poll_irq(); @timeout is an absolute Xen system time in ns, 0 = none. */
void xen_poll_irq_timeout(int irq, u64 timeout);

/* The irq bound to a port, or (unsigned int)-1 when there is none. */
unsigned int irq_from_evtchn(evtchn_port_t evtchn);
int irq_evtchn_from_virq(unsigned int cpu, unsigned int virq,
			 evtchn_port_t *evtchn);

int xen_set_callback_via(uint64_t via);
int xen_evtchn_do_upcall(void);

/* Physical interrupts (dom0 and PCI passthrough). */
int xen_bind_pirq_gsi_to_irq(unsigned int gsi,
			     unsigned int pirq, int shareable, char *name);

#ifdef CONFIG_PCI_MSI
int xen_allocate_pirq_msi(struct pci_dev *dev, struct msi_desc *msidesc);
int xen_bind_pirq_msi_to_irq(struct pci_dev *dev, struct msi_desc *msidesc,
			     int pirq, int nvec, const char *name, domid_t domid);
#endif

int xen_destroy_irq(int irq);
int xen_pirq_from_irq(unsigned int irq);
int xen_irq_from_gsi(unsigned int gsi);
int xen_test_irq_shared(int irq);

/* Set up event delivery; called once on the boot CPU. */
void xen_init_IRQ(void);

irqreturn_t xen_debug_interrupt(int irq, void *dev_id);

/*
 * Close a port we own. Xen only refuses this for a port that is not ours or
 * already closed, which is a caller bug but no reason to stop the machine:
 * report it and let the caller carry on.
 */
static inline int xen_evtchn_close(evtchn_port_t port)
{
	struct evtchn_close close = { .port = port };
	int rc;

	rc = HYPERVISOR_event_channel_op(EVTCHNOP_close, &close);
	if (rc)
		pr_err_ratelimited("xen: closing event channel %u failed: %d\n",
				   port, rc);
	return rc;
}

extern bool xen_fifo_events;

#endif	/* _XEN_EVENTS_H */
