// SPDX-License-Identifier: GPL-2.0-only
/*
 * The binding API drivers use: ports, interdomain channels, VIRQs and IPIs
 * to irqs, unbinding, the reference counts of user-space ports, and
 * re-attaching an irq to a new port after resume.
 *
 * Every binding either completes or leaves nothing behind: a port Xen
 * bound for us is closed again when a later step fails.
 */
#define pr_fmt(fmt) "xen:" KBUILD_MODNAME ": " fmt

#include <linux/err.h>
#include <linux/export.h>
#include <linux/interrupt.h>
#include <linux/irq.h>

#include <xen/events.h>
#include <xen/xenbus.h>
#include <xen/xen-ops.h>
#include <asm/xen/hypercall.h>

#include "events_internal.h"

/* What binding a port that is already bound means. */
enum xen_bind_reuse {
	XEN_REUSE_IRQ,		/* hand out the existing irq (no reference) */
	XEN_REUSE_SHARED,	/* share a refcounted binding, else -EBUSY */
	XEN_REUSE_NONE,		/* the port must be new: -EBUSY */
};

/*
 * Whoever gets an irq from here for a handler owns a reference (or the new
 * binding), so a failing request_irq() can drop exactly that and never
 * tear down somebody else's binding.
 */
static int xen_reuse_binding(struct xen_irq_info *info,
			     enum xen_bind_reuse reuse)
{
	if (info->kind != XEN_IRQ_EVTCHN)
		return -EEXIST;
	if (reuse == XEN_REUSE_IRQ)
		return info->irq;
	if (reuse == XEN_REUSE_SHARED && info->users > 0 &&
	    info->users < INT_MAX) {
		info->users++;
		return info->irq;
	}
	/*
	 * A single owner that freed its handler but kept the binding hands it
	 * on: xenbus frees the handler of its late-init wait and binds the
	 * xenstore port again for good.
	 */
	if (info->users == XEN_IRQ_SINGLE_OWNER && !irq_has_action(info->irq))
		return info->irq;
	return -EBUSY;
}

static int xen_bind_port(evtchn_port_t port, struct irq_chip *chip,
			 struct xenbus_device *dev, enum xen_bind_reuse reuse)
{
	struct xen_irq_info *info;
	int rc;

	if (!xen_port_in_range(port))
		return -EINVAL;

	mutex_lock(&xen_evtchn_bind_lock);
	info = xen_info_from_port(port);
	if (info) {
		rc = xen_reuse_binding(info, reuse);
		goto out;
	}

	rc = -ENOMEM;
	info = xen_info_alloc(XEN_IRQ_EVTCHN);
	if (!info)
		goto out;
	info->lateeoi = chip == &xen_lateeoi_chip;
	xen_info_set_chip(info, chip, handle_edge_irq, "event");
	/* Xen notifies vCPU 0 for a newly bound port. */
	rc = xen_info_attach_port(info, port, 0, GFP_KERNEL);
	if (rc) {
		xen_info_destroy(info);
		goto out;
	}
	/* Counted only once bound, so a failed bind undoes nothing here. */
	info->u.dev = dev;
	if (dev)
		atomic_inc(&dev->event_channels);
	rc = info->irq;
out:
	mutex_unlock(&xen_evtchn_bind_lock);
	return rc;
}

/**
 * bind_evtchn_to_irq() - bind a port to a new (or its existing) irq
 * @evtchn: an open port of this domain
 *
 * Return: the irq number, or a negative errno (-EINVAL for a port the ABI
 * cannot address, -EEXIST if it is bound as a VIRQ/IPI, -ENOMEM).
 */
int bind_evtchn_to_irq(evtchn_port_t evtchn)
{
	return xen_bind_port(evtchn, &xen_dyn_chip, NULL, XEN_REUSE_IRQ);
}
EXPORT_SYMBOL_GPL(bind_evtchn_to_irq);

/**
 * bind_evtchn_to_irq_lateeoi() - as bind_evtchn_to_irq(), with late EOI
 * @evtchn: an open port of this domain
 *
 * The driver must call xen_irq_lateeoi() after each event it handled.
 *
 * Return: the irq number or a negative errno.
 */
int bind_evtchn_to_irq_lateeoi(evtchn_port_t evtchn)
{
	return xen_bind_port(evtchn, &xen_lateeoi_chip, NULL, XEN_REUSE_IRQ);
}
EXPORT_SYMBOL_GPL(bind_evtchn_to_irq_lateeoi);

static int xen_request_bound_irq(int irq, irq_handler_t handler,
				 unsigned long irqflags, const char *devname,
				 void *dev_id)
{
	int rc;

	if (irq < 0)
		return irq;
	rc = request_irq(irq, handler, irqflags, devname, dev_id);
	if (rc) {
		struct xen_irq_info *info;

		mutex_lock(&xen_evtchn_bind_lock);
		info = xen_info_from_irq(irq);
		if (info)
			xen_info_put(info);
		mutex_unlock(&xen_evtchn_bind_lock);
		return rc;
	}
	return irq;
}

static int xen_bind_port_handler(evtchn_port_t port, struct irq_chip *chip,
				 irq_handler_t handler, unsigned long irqflags,
				 const char *devname, void *dev_id)
{
	int irq = xen_bind_port(port, chip, NULL,
				(irqflags & IRQF_SHARED) ? XEN_REUSE_SHARED :
							   XEN_REUSE_NONE);

	return xen_request_bound_irq(irq, handler, irqflags, devname, dev_id);
}

/**
 * bind_evtchn_to_irqhandler() - bind a port and request its irq
 * @evtchn: an open port of this domain
 * @handler: interrupt handler
 * @irqflags: request_irq() flags
 * @devname: name shown in /proc/interrupts
 * @dev_id: cookie for the handler and for unbind_from_irqhandler()
 *
 * On failure nothing stays bound; the port itself is closed like on unbind.
 * A port that is bound already can only be shared (IRQF_SHARED) if its
 * binding is reference counted.
 *
 * Return: the irq number or a negative errno (-EBUSY: already bound).
 */
int bind_evtchn_to_irqhandler(evtchn_port_t evtchn, irq_handler_t handler,
			      unsigned long irqflags, const char *devname,
			      void *dev_id)
{
	return xen_bind_port_handler(evtchn, &xen_dyn_chip, handler, irqflags,
				     devname, dev_id);
}
EXPORT_SYMBOL_GPL(bind_evtchn_to_irqhandler);

/**
 * bind_evtchn_to_irqhandler_lateeoi() - as bind_evtchn_to_irqhandler(),
 *	with late EOI
 * @evtchn: an open port of this domain
 * @handler: interrupt handler
 * @irqflags: request_irq() flags
 * @devname: name shown in /proc/interrupts
 * @dev_id: cookie for the handler and for unbind_from_irqhandler()
 *
 * Return: the irq number or a negative errno.
 */
int bind_evtchn_to_irqhandler_lateeoi(evtchn_port_t evtchn,
				      irq_handler_t handler,
				      unsigned long irqflags,
				      const char *devname, void *dev_id)
{
	return xen_bind_port_handler(evtchn, &xen_lateeoi_chip, handler,
				     irqflags, devname, dev_id);
}
EXPORT_SYMBOL_GPL(bind_evtchn_to_irqhandler_lateeoi);

static int xen_bind_interdomain(struct xenbus_device *dev,
				evtchn_port_t remote_port)
{
	struct evtchn_bind_interdomain op = {
		.remote_dom = dev->otherend_id,
		.remote_port = remote_port,
	};
	int rc;

	rc = HYPERVISOR_event_channel_op(EVTCHNOP_bind_interdomain, &op);
	if (rc)
		return rc;
	rc = xen_bind_port(op.local_port, &xen_lateeoi_chip, dev,
			   XEN_REUSE_NONE);
	/* A port Xen says is new but that we have bound is not ours to close. */
	if (rc < 0 && rc != -EBUSY)
		xen_evtchn_close(op.local_port);
	return rc;
}

/**
 * bind_interdomain_evtchn_to_irq_lateeoi() - connect to a peer's port
 * @dev: the xenbus device the channel belongs to (its otherend is the peer)
 * @remote_port: the peer's unbound port
 *
 * Return: the irq number (late EOI binding) or a negative errno; on error
 * no local port is left open.
 */
int bind_interdomain_evtchn_to_irq_lateeoi(struct xenbus_device *dev,
					   evtchn_port_t remote_port)
{
	if (!dev)
		return -EINVAL;
	return xen_bind_interdomain(dev, remote_port);
}
EXPORT_SYMBOL_GPL(bind_interdomain_evtchn_to_irq_lateeoi);

/**
 * bind_interdomain_evtchn_to_irqhandler_lateeoi() - connect and request
 * @dev: the xenbus device the channel belongs to
 * @remote_port: the peer's unbound port
 * @handler: interrupt handler
 * @irqflags: request_irq() flags
 * @devname: name shown in /proc/interrupts
 * @dev_id: cookie for the handler and for unbind_from_irqhandler()
 *
 * Return: the irq number or a negative errno; nothing stays bound or open
 * on error.
 */
int bind_interdomain_evtchn_to_irqhandler_lateeoi(struct xenbus_device *dev,
						  evtchn_port_t remote_port,
						  irq_handler_t handler,
						  unsigned long irqflags,
						  const char *devname,
						  void *dev_id)
{
	int irq = bind_interdomain_evtchn_to_irq_lateeoi(dev, remote_port);

	return xen_request_bound_irq(irq, handler, irqflags, devname, dev_id);
}
EXPORT_SYMBOL_GPL(bind_interdomain_evtchn_to_irqhandler_lateeoi);

/*
 * Xen refuses a second binding of a per-vCPU VIRQ with -EEXIST; that
 * happens after kexec when the old kernel's binding survived. Look for it
 * among the ports the ABI can address now, which bounds the search.
 */
static int xen_find_bound_virq(unsigned int virq, unsigned int cpu,
			       evtchn_port_t *port)
{
	struct evtchn_status status;
	unsigned int nr = xen_evtchn_abi->nr_ports;
	evtchn_port_t p;
	int rc;

	/*
	 * A kernel before us (kexec) may have bound it anywhere, also beyond
	 * our event array so far. Xen's valid ports are contiguous from 0:
	 * its first -EINVAL ends the search.
	 */
	for (p = 1; p < nr; p++) {
		status.dom = DOMID_SELF;
		status.port = p;
		rc = HYPERVISOR_event_channel_op(EVTCHNOP_status, &status);
		if (rc == -EINVAL)
			break;
		/* A port we hold is not the one left behind, whatever Xen says. */
		if (rc || xen_info_from_port(p))
			continue;
		if (status.status == EVTCHNSTAT_virq && status.u.virq == virq &&
		    status.vcpu == xen_vcpu_nr(cpu)) {
			*port = p;
			return 0;
		}
	}
	return -EEXIST;
}

static int xen_hyp_bind_virq(unsigned int virq, unsigned int cpu,
			     evtchn_port_t *port)
{
	struct evtchn_bind_virq op = { .virq = virq, .vcpu = xen_vcpu_nr(cpu) };
	int rc;

	rc = HYPERVISOR_event_channel_op(EVTCHNOP_bind_virq, &op);
	if (rc == -EEXIST)
		return xen_find_bound_virq(virq, cpu, port);
	if (!rc)
		*port = op.port;
	return rc;
}

static int xen_hyp_bind_ipi(unsigned int cpu, evtchn_port_t *port)
{
	struct evtchn_bind_ipi op = { .vcpu = xen_vcpu_nr(cpu) };
	int rc;

	rc = HYPERVISOR_event_channel_op(EVTCHNOP_bind_ipi, &op);
	if (!rc)
		*port = op.port;
	return rc;
}

/*
 * Attach a port Xen just bound for us; on failure the port is closed,
 * unless it turned out to be another binding's (-EBUSY): not ours to close.
 */
static int xen_attach_new_port(struct xen_irq_info *info, evtchn_port_t port,
			       unsigned int cpu)
{
	int rc = xen_info_attach_port(info, port, cpu, GFP_KERNEL);

	if (rc && rc != -EBUSY)
		xen_evtchn_close(port);
	return rc;
}

/*
 * A VIRQ or IPI binding lives on one CPU, which must be able to receive
 * events before Xen is asked for the port.
 */
static struct xen_irq_info *xen_cpu_binding_new(enum xen_irq_kind kind,
						unsigned int cpu)
{
	struct xen_irq_info *info;
	int rc = xen_evtchn_cpu_ready(cpu);

	if (rc)
		return ERR_PTR(rc);
	info = xen_info_alloc(kind);
	if (!info)
		return ERR_PTR(-ENOMEM);
	info->home_cpu = cpu;
	return info;
}

/*
 * @bind_rc is Xen's answer to the bind request; whatever fails from here
 * on leaves neither the port nor the binding behind.
 */
static int xen_cpu_binding_attach(struct xen_irq_info *info, int bind_rc,
				  evtchn_port_t port, unsigned int cpu)
{
	int rc = bind_rc ?: xen_attach_new_port(info, port, cpu);

	if (rc)
		xen_info_destroy(info);
	return rc;
}

static int xen_bind_virq_locked(unsigned int virq, unsigned int cpu,
				bool percpu)
{
	struct xen_irq_info *info = per_cpu(xen_cpu_bindings, cpu).virq[virq];
	evtchn_port_t port;
	int rc;

	if (info)
		return info->irq;
	info = xen_cpu_binding_new(XEN_IRQ_VIRQ, cpu);
	if (IS_ERR(info))
		return PTR_ERR(info);
	info->u.virq = virq;
	if (percpu)
		xen_info_set_chip(info, &xen_percpu_chip, handle_percpu_irq, "virq");
	else
		xen_info_set_chip(info, &xen_dyn_chip, handle_edge_irq, "virq");

	rc = xen_hyp_bind_virq(virq, cpu, &port);
	rc = xen_cpu_binding_attach(info, rc, port, cpu);
	if (rc)
		return rc;
	WRITE_ONCE(per_cpu(xen_cpu_bindings, cpu).virq[virq], info);
	return info->irq;
}

/**
 * bind_virq_to_irq() - bind a virtual interrupt of one vCPU
 * @virq: VIRQ_* number
 * @cpu: CPU whose vCPU receives it
 * @percpu: use the per-CPU flow (never moved to another CPU)
 *
 * Return: the irq number (the existing one if already bound) or a negative
 * errno, including Xen's error for the binding.
 */
int bind_virq_to_irq(unsigned int virq, unsigned int cpu, bool percpu)
{
	int rc;

	if (virq >= NR_VIRQS || !xen_cpu_usable(cpu) || !xen_evtchn_abi)
		return -EINVAL;
	mutex_lock(&xen_evtchn_bind_lock);
	rc = xen_bind_virq_locked(virq, cpu, percpu);
	mutex_unlock(&xen_evtchn_bind_lock);
	return rc;
}

/**
 * bind_virq_to_irqhandler() - bind a VIRQ and request its irq
 * @virq: VIRQ_* number
 * @cpu: CPU whose vCPU receives it
 * @handler: interrupt handler
 * @irqflags: request_irq() flags; IRQF_PERCPU selects the per-CPU flow
 * @devname: name shown in /proc/interrupts
 * @dev_id: cookie for the handler and for unbind_from_irqhandler()
 *
 * Return: the irq number or a negative errno.
 */
int bind_virq_to_irqhandler(unsigned int virq, unsigned int cpu,
			    irq_handler_t handler, unsigned long irqflags,
			    const char *devname, void *dev_id)
{
	int irq = bind_virq_to_irq(virq, cpu, irqflags & IRQF_PERCPU);

	return xen_request_bound_irq(irq, handler, irqflags, devname, dev_id);
}
EXPORT_SYMBOL_GPL(bind_virq_to_irqhandler);

static int xen_bind_ipi_locked(enum ipi_vector ipi, unsigned int cpu)
{
	struct xen_irq_info *info = per_cpu(xen_cpu_bindings, cpu).ipi[ipi];
	evtchn_port_t port;
	int rc;

	if (info)
		return info->irq;
	info = xen_cpu_binding_new(XEN_IRQ_IPI, cpu);
	if (IS_ERR(info))
		return PTR_ERR(info);
	info->u.ipi = ipi;
	xen_info_set_chip(info, &xen_percpu_chip, handle_percpu_irq, "ipi");

	rc = xen_hyp_bind_ipi(cpu, &port);
	rc = xen_cpu_binding_attach(info, rc, port, cpu);
	if (rc)
		return rc;
	WRITE_ONCE(per_cpu(xen_cpu_bindings, cpu).ipi[ipi], info);
	WRITE_ONCE(per_cpu(xen_cpu_bindings, cpu).ipi_port[ipi], port);
	return info->irq;
}

/**
 * bind_ipi_to_irqhandler() - bind an inter-processor interrupt of one CPU
 * @ipi: which IPI
 * @cpu: CPU that receives it
 * @handler: interrupt handler
 * @irqflags: request_irq() flags (IPIs are never suspended)
 * @devname: name shown in /proc/interrupts
 * @dev_id: cookie for the handler and for unbind_from_irqhandler()
 *
 * Return: the irq number or a negative errno (also when Xen refuses, e.g.
 * while a CPU is brought up: the caller fails that bring-up cleanly).
 */
int bind_ipi_to_irqhandler(enum ipi_vector ipi, unsigned int cpu,
			   irq_handler_t handler, unsigned long irqflags,
			   const char *devname, void *dev_id)
{
	int irq;

	if ((unsigned int)ipi >= XEN_NR_IPIS || !xen_cpu_usable(cpu) ||
	    !xen_evtchn_abi)
		return -EINVAL;
	mutex_lock(&xen_evtchn_bind_lock);
	irq = xen_bind_ipi_locked(ipi, cpu);
	mutex_unlock(&xen_evtchn_bind_lock);

	irqflags |= IRQF_NO_SUSPEND | IRQF_FORCE_RESUME | IRQF_EARLY_RESUME;
	return xen_request_bound_irq(irq, handler, irqflags, devname, dev_id);
}

/*
 * The per-CPU flow (VIRQs, IPIs) runs handlers without the descriptor's
 * lock or its in-progress flag, so free_irq() cannot wait for a handler
 * running on the binding's CPU: that handler would go on with a freed
 * irqaction. Every dispatch happens inside the upcall's RCU read side,
 * so masking the port and waiting for a grace period is enough. An
 * offline CPU runs no handler: nothing to wait for (CPU teardown unbinds
 * its VIRQs and IPIs that way). Returns true if the port was masked.
 */
static bool xen_quiesce_percpu_handlers(struct xen_irq_info *info)
{
	if (!info->percpu || !cpu_online(READ_ONCE(info->cpu)))
		return false;
	xen_info_mask(info, XEN_MASK_FREEING);
	synchronize_rcu();
	return true;
}

/**
 * unbind_from_irqhandler() - release an irq bound by one of the bind calls
 * @irq: the irq number the bind call returned
 * @dev_id: the cookie given when binding (the handler is freed)
 *
 * Closes the port once the last user is gone. An irq that is not ours is
 * reported and otherwise left alone.
 */
void unbind_from_irqhandler(unsigned int irq, void *dev_id)
{
	struct xen_irq_info *info;
	const void *freed;
	bool quiesced;

	/*
	 * The caller owns the binding: it cannot go away under us, the RCU
	 * reader only keeps the lookup honest.
	 */
	rcu_read_lock_sched();
	info = xen_info_from_irq(irq);
	rcu_read_unlock_sched();
	if (!info) {
		pr_warn_ratelimited("unbind of irq %u, which is not an event channel\n",
				    irq);
		return;
	}
	quiesced = xen_quiesce_percpu_handlers(info);
	/*
	 * No handler with @dev_id on @irq (genirq warns): a caller that named
	 * the wrong irq, e.g. by an old port now bound to something else.
	 * That binding is not the caller's to drop.
	 */
	freed = free_irq(irq, dev_id);

	mutex_lock(&xen_evtchn_bind_lock);
	info = xen_info_from_irq(irq);
	if (info) {
		/* Another user keeps the irq: its events flow again. */
		if (quiesced && (!freed || info->users > 1))
			xen_info_unmask(info, XEN_MASK_FREEING);
		if (freed)
			xen_info_put(info);
	}
	mutex_unlock(&xen_evtchn_bind_lock);
}
EXPORT_SYMBOL_GPL(unbind_from_irqhandler);

/**
 * evtchn_make_refcounted() - let evtchn_get()/evtchn_put() manage a binding
 * @evtchn: a bound port with a single owner
 * @is_static: the port must not be closed when the last user goes
 *
 * Return: 0, -ENOENT if nothing is bound to @evtchn, -EINVAL if the
 * binding is already reference counted or not a plain port.
 */
int evtchn_make_refcounted(evtchn_port_t evtchn, bool is_static)
{
	struct xen_irq_info *info;
	int rc = -ENOENT;

	mutex_lock(&xen_evtchn_bind_lock);
	info = xen_info_from_port(evtchn);
	if (info) {
		rc = -EINVAL;
		if (info->kind == XEN_IRQ_EVTCHN &&
		    info->users == XEN_IRQ_SINGLE_OWNER) {
			info->users = 1;
			info->is_static = is_static;
			rc = 0;
		}
	}
	mutex_unlock(&xen_evtchn_bind_lock);
	return rc;
}
EXPORT_SYMBOL_GPL(evtchn_make_refcounted);

/**
 * evtchn_get() - take a reference on a reference-counted binding
 * @evtchn: the port
 *
 * Return: 0, -ENOENT if nothing is bound, -EINVAL if the binding is not
 * reference counted, -EOVERFLOW if it has too many users.
 */
int evtchn_get(evtchn_port_t evtchn)
{
	struct xen_irq_info *info;
	int rc = -ENOENT;

	mutex_lock(&xen_evtchn_bind_lock);
	info = xen_info_from_port(evtchn);
	if (info) {
		rc = 0;
		if (info->users <= 0)
			rc = -EINVAL;
		else if (info->users == INT_MAX)
			rc = -EOVERFLOW;
		else
			info->users++;
	}
	mutex_unlock(&xen_evtchn_bind_lock);
	return rc;
}
EXPORT_SYMBOL_GPL(evtchn_get);

/**
 * evtchn_put() - drop a reference (or the only owner) of a binding
 * @evtchn: the port
 *
 * The binding, and the port unless static, go away with the last user.
 */
void evtchn_put(evtchn_port_t evtchn)
{
	struct xen_irq_info *info;

	mutex_lock(&xen_evtchn_bind_lock);
	info = xen_info_from_port(evtchn);
	if (info)
		xen_info_put(info);
	mutex_unlock(&xen_evtchn_bind_lock);
	if (!info)
		pr_warn_ratelimited("%s: port %u is not bound\n", __func__, evtchn);
}
EXPORT_SYMBOL_GPL(evtchn_put);

/**
 * rebind_evtchn_irq() - attach an existing irq to a new port
 * @evtchn: the new port (e.g. xenstore's after resume)
 * @irq: an irq previously bound to a plain port
 *
 * Used after save/restore, when the driver learns its new port number.
 */
void rebind_evtchn_irq(evtchn_port_t evtchn, int irq)
{
	struct xen_irq_info *info, *owner;
	unsigned long flags;
	int rc = -EINVAL;

	mutex_lock(&xen_evtchn_bind_lock);
	info = irq >= 0 ? xen_info_from_irq(irq) : NULL;
	owner = xen_info_from_port(evtchn);
	if (info && info == owner) {
		/* Already there (a resume path that re-binds twice). */
		rc = 0;
	} else if (info && info->kind == XEN_IRQ_EVTCHN && !owner) {
		xen_info_detach_port(info);
		/*
		 * Masked (or not) as genirq has it, which also covers an irq
		 * it masked without disabling; changed under the mask lock,
		 * like every change of the reasons.
		 */
		raw_spin_lock_irqsave(&info->mask_lock, flags);
		if (irqd_irq_masked(irq_get_irq_data(irq)))
			info->mask_reasons |= XEN_MASK_IRQ_CORE;
		else
			info->mask_reasons &= ~XEN_MASK_IRQ_CORE;
		raw_spin_unlock_irqrestore(&info->mask_lock, flags);
		rc = xen_info_attach_port(info, evtchn, 0, GFP_KERNEL);
	}
	mutex_unlock(&xen_evtchn_bind_lock);
	if (rc)
		pr_err("cannot rebind irq %d to port %u: %d\n", irq, evtchn, rc);
}
