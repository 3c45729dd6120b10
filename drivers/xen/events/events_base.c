// SPDX-License-Identifier: GPL-2.0-only
/*
 * Event-channel bindings: which Linux interrupt stands for which port, and
 * the API drivers use to create, share and drop such bindings.
 *
 * Port -> info lookups happen in the upcall, so the table is read under RCU
 * without locks; every change is made under xen_evtchn_bind_lock.
 */
#define pr_fmt(fmt) "xen:" KBUILD_MODNAME ": " fmt

#include <linux/cpumask.h>
#include <linux/export.h>
#include <linux/irq.h>
#include <linux/irqdesc.h>
#include <linux/rcupdate.h>
#include <linux/slab.h>

#include <xen/events.h>
#include <xen/xenbus.h>
#include <xen/xen-ops.h>
#include <xen/interface/sched.h>
#include <xen/interface/vcpu.h>
#include <asm/xen/hypercall.h>

#include "events_internal.h"

/* Serialises binding and unbinding, refcounts and xen_irq_all. */
DEFINE_MUTEX(xen_evtchn_bind_lock);
LIST_HEAD(xen_irq_all);

const struct xen_evtchn_abi *xen_evtchn_abi;

DEFINE_PER_CPU(struct xen_cpu_bindings, xen_cpu_bindings);
static DEFINE_PER_CPU(atomic_t, xen_cpu_channels);
static atomic_long_t xen_stale_notifies = ATOMIC_LONG_INIT(0);

/*
 * Port table: rows of one page each, allocated when the first port of a
 * row is bound and kept for the life of the kernel (so resume can reuse
 * them without allocating). The row array itself is static, sized for the
 * largest ABI, so initialisation cannot fail.
 */
#define XEN_PORTS_PER_ROW	(PAGE_SIZE / sizeof(void *))
#define XEN_PORT_ROWS		DIV_ROUND_UP(EVTCHN_FIFO_NR_CHANNELS, XEN_PORTS_PER_ROW)

static struct xen_irq_info __rcu **xen_port_rows[XEN_PORT_ROWS];

bool xen_port_in_range(evtchn_port_t port)
{
	return port && xen_evtchn_abi && port < xen_evtchn_abi->max_channels();
}

/* Caller holds rcu_read_lock() or xen_evtchn_bind_lock. */
struct xen_irq_info *xen_info_from_port(evtchn_port_t port)
{
	struct xen_irq_info __rcu **row;

	if (!xen_port_in_range(port))
		return NULL;
	row = READ_ONCE(xen_port_rows[port / XEN_PORTS_PER_ROW]);
	if (!row)
		return NULL;
	return rcu_dereference_check(row[port % XEN_PORTS_PER_ROW],
				     lockdep_is_held(&xen_evtchn_bind_lock));
}

/*
 * An irq number from a caller is only trusted once its chip proves it is
 * one of ours: chip data of other interrupt controllers is something else.
 */
struct xen_irq_info *xen_info_from_irq(unsigned int irq)
{
	struct irq_data *data = irq_get_irq_data(irq);

	struct xen_irq_info *info;

	if (!data || !xen_chip_is_ours(irq_data_get_irq_chip(data)))
		return NULL;
	info = irq_data_get_irq_chip_data(data);
	return info && !READ_ONCE(info->dying) ? info : NULL;
}

static struct xen_irq_info __rcu **xen_port_row(evtchn_port_t port, gfp_t gfp)
{
	unsigned int r = port / XEN_PORTS_PER_ROW;
	struct xen_irq_info __rcu **row = READ_ONCE(xen_port_rows[r]);

	if (row)
		return row;
	row = (void *)get_zeroed_page(gfp);
	if (!row)
		return NULL;
	/* Rows are only added, never replaced; losing a race is harmless. */
	if (cmpxchg(&xen_port_rows[r], NULL, row)) {
		free_page((unsigned long)row);
		row = READ_ONCE(xen_port_rows[r]);
	}
	return row;
}

int xen_port_table_set(evtchn_port_t port, struct xen_irq_info *info, gfp_t gfp)
{
	struct xen_irq_info __rcu **row;

	if (!xen_port_in_range(port))
		return -EINVAL;
	row = xen_port_row(port, gfp);
	if (!row)
		return -ENOMEM;
	rcu_assign_pointer(row[port % XEN_PORTS_PER_ROW], info);
	return 0;
}

void xen_port_table_clear(evtchn_port_t port)
{
	struct xen_irq_info __rcu **row;

	if (!port || port >= EVTCHN_FIFO_NR_CHANNELS)
		return;
	row = READ_ONCE(xen_port_rows[port / XEN_PORTS_PER_ROW]);
	if (row)
		RCU_INIT_POINTER(row[port % XEN_PORTS_PER_ROW], NULL);
}

/* Resume: every port number of the old domain is meaningless now. */
void xen_port_table_forget_all(void)
{
	unsigned int r;

	for (r = 0; r < XEN_PORT_ROWS; r++)
		if (xen_port_rows[r])
			memset(xen_port_rows[r], 0, PAGE_SIZE);
}

unsigned int xen_cpu_channel_count(unsigned int cpu)
{
	return atomic_read(per_cpu_ptr(&xen_cpu_channels, cpu));
}

void xen_evtchn_set_ipi_port(unsigned int cpu, unsigned int ipi,
			     evtchn_port_t port)
{
	WRITE_ONCE(per_cpu(xen_cpu_bindings, cpu).ipi_port[ipi], port);
}

/*
 * Make @cpu able to receive events before anything is bound to it (FIFO:
 * its control block). Safe to call again for a ready CPU.
 */
int xen_evtchn_cpu_ready(unsigned int cpu)
{
	if (!xen_evtchn_abi->cpu_prepare)
		return 0;
	return xen_evtchn_abi->cpu_prepare(cpu);
}

unsigned long xen_evtchn_stale_notifies(void)
{
	return atomic_long_read(&xen_stale_notifies);
}

/*
 * Record that @info's port is now handled by @cpu: ABI bookkeeping, the
 * per-CPU load used to pick targets, and what genirq reports as effective
 * affinity. Xen is told separately (bind_vcpu) where that is needed.
 */
void xen_info_note_cpu(struct xen_irq_info *info, unsigned int cpu)
{
	unsigned int old = info->cpu;
	struct irq_data *data = irq_get_irq_data(info->irq);

	if (info->port)
		xen_evtchn_abi->bind_to_cpu(info->port, cpu, old);
	atomic_dec(per_cpu_ptr(&xen_cpu_channels, old));
	atomic_inc(per_cpu_ptr(&xen_cpu_channels, cpu));
	info->cpu = cpu;
	if (!data)
		return;
	/* VIRQs and IPIs are fixed to their CPU: say so in their affinity. */
	if (info->kind != XEN_IRQ_EVTCHN)
		irq_data_update_affinity(data, cpumask_of(cpu));
	irq_data_update_effective_affinity(data, cpumask_of(cpu));
}

/*
 * Make @port the port of @info: masked first (a port reused from an
 * earlier binding may be unmasked and pending), addressable by the ABI,
 * then visible to the upcall. Called under the bind mutex, or in
 * stop_machine at resume (then with GFP_ATOMIC).
 */
int xen_info_attach_port(struct xen_irq_info *info, evtchn_port_t port,
			 unsigned int cpu, gfp_t gfp)
{
	int rc;

	if (!xen_port_in_range(port))
		return -EINVAL;
	if (xen_evtchn_abi->port_setup) {
		rc = xen_evtchn_abi->port_setup(port, gfp);
		if (rc)
			return rc;
	}
	xen_evtchn_abi->mask(port);
	info->port = port;
	info->stale = false;
	rc = xen_port_table_set(port, info, gfp);
	if (rc) {
		info->port = 0;
		return rc;
	}
	xen_info_note_cpu(info, cpu);
	/* Keep Xen's view of the mask in line with the reasons we hold. */
	xen_info_sync_mask(info);
	return 0;
}

static void xen_info_free_work(struct work_struct *work)
{
	struct xen_irq_info *info =
		container_of(to_rcu_work(work), struct xen_irq_info, free_work);

	irq_free_desc(info->irq);
	kfree(info);
}

static struct xen_irq_info *xen_info_alloc(enum xen_irq_kind kind)
{
	struct xen_irq_info *info;
	int irq;

	info = kzalloc(sizeof(*info), GFP_KERNEL);
	if (!info)
		return NULL;
	irq = irq_alloc_desc_from(0, -1);
	if (irq < 0) {
		kfree(info);
		return NULL;
	}
	info->irq = irq;
	info->kind = kind;
	info->users = XEN_IRQ_SINGLE_OWNER;
	/* Masked until genirq enables the interrupt. */
	info->mask_reasons = XEN_MASK_IRQ_CORE;
	INIT_LIST_HEAD(&info->eoi_node);
	INIT_RCU_WORK(&info->free_work, xen_info_free_work);
	raw_spin_lock_init(&info->mask_lock);
	/* Counted on CPU 0 until the port is attached to its real CPU. */
	atomic_inc(per_cpu_ptr(&xen_cpu_channels, 0));
	list_add_tail(&info->all_node, &xen_irq_all);
	return info;
}

static void xen_info_set_chip(struct xen_irq_info *info, struct irq_chip *chip,
			      irq_flow_handler_t flow, const char *flow_name)
{
	irq_set_chip_data(info->irq, info);
	irq_set_chip_and_handler_name(info->irq, chip, flow, flow_name);
	/*
	 * Requestable on every architecture, and movable from process
	 * context: a move is a hypercall, it needs no interrupt to complete.
	 */
	irq_clear_status_flags(info->irq, IRQ_NOREQUEST | IRQ_NOAUTOEN);
	irq_set_status_flags(info->irq, IRQ_MOVE_PCNTXT);
}

/* Forget the port of @info in every table; the port itself stays open. */
static void xen_info_detach_port(struct xen_irq_info *info)
{
	evtchn_port_t port = info->port;
	unsigned long flags;

	if (!port)
		return;
	xen_info_mask(info, XEN_MASK_IRQ_CORE);
	xen_port_table_clear(port);
	/* An affinity change reads the port under this lock. */
	raw_spin_lock_irqsave(&info->mask_lock, flags);
	info->port = 0;
	raw_spin_unlock_irqrestore(&info->mask_lock, flags);
	if (xen_evtchn_abi->port_remove)
		xen_evtchn_abi->port_remove(port, info->cpu);
}

static void xen_info_clear_percpu_slot(struct xen_irq_info *info)
{
	struct xen_cpu_bindings *b = per_cpu_ptr(&xen_cpu_bindings,
						 info->home_cpu);

	if (info->kind == XEN_IRQ_VIRQ && b->virq[info->u.virq] == info)
		WRITE_ONCE(b->virq[info->u.virq], NULL);
	if (info->kind == XEN_IRQ_IPI && b->ipi[info->u.ipi] == info) {
		WRITE_ONCE(b->ipi[info->u.ipi], NULL);
		WRITE_ONCE(b->ipi_port[info->u.ipi], 0);
	}
}

/*
 * Tear a binding down completely: tables, the port (unless static or
 * already gone) and, after a grace period so a concurrent upcall that
 * still holds the pointer finishes first, the descriptor and the info.
 */
static void xen_info_destroy(struct xen_irq_info *info)
{
	evtchn_port_t port = info->port;

	lockdep_assert_held(&xen_evtchn_bind_lock);
	WRITE_ONCE(info->dying, true);
	xen_lateeoi_forget(info);
	xen_info_clear_percpu_slot(info);
	xen_info_detach_port(info);
	if (port && !info->is_static)
		xen_evtchn_close(port);
	if (info->kind == XEN_IRQ_EVTCHN && info->u.dev)
		atomic_dec(&info->u.dev->event_channels);
	atomic_dec(per_cpu_ptr(&xen_cpu_channels, info->cpu));
	list_del(&info->all_node);
	/*
	 * Chip and chip data stay until the descriptor is freed: an upcall
	 * that found the port before it left the table may still run the
	 * flow handler, which then sees port 0 and does nothing.
	 */
	queue_rcu_work(system_wq, &info->free_work);
}

/* Drop one user; the binding goes away with the last one. */
static void xen_info_put(struct xen_irq_info *info)
{
	lockdep_assert_held(&xen_evtchn_bind_lock);
	if (info->users > 1) {
		info->users--;
		return;
	}
	xen_info_destroy(info);
}

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

static bool xen_cpu_usable(unsigned int cpu)
{
	return cpu < nr_cpu_ids && cpu_possible(cpu);
}

/*
 * Xen refuses a second binding of a per-vCPU VIRQ with -EEXIST; that
 * happens after kexec when the old kernel's binding survived. Look for it
 * among the ports the ABI can address now, which bounds the search.
 */
static int xen_find_bound_virq(unsigned int virq, unsigned int cpu,
			       evtchn_port_t *port)
{
	struct evtchn_status status;
	unsigned int nr = xen_evtchn_abi->nr_channels();
	evtchn_port_t p;

	for (p = 1; p < nr; p++) {
		status.dom = DOMID_SELF;
		status.port = p;
		if (HYPERVISOR_event_channel_op(EVTCHNOP_status, &status))
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

/* Attach a port Xen just bound for us; on failure the port is closed. */
static int xen_attach_new_port(struct xen_irq_info *info, evtchn_port_t port,
			       unsigned int cpu)
{
	int rc = xen_info_attach_port(info, port, cpu, GFP_KERNEL);

	if (rc)
		xen_evtchn_close(port);
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
	rc = xen_evtchn_cpu_ready(cpu);
	if (rc)
		return rc;
	info = xen_info_alloc(XEN_IRQ_VIRQ);
	if (!info)
		return -ENOMEM;
	info->u.virq = virq;
	info->home_cpu = cpu;
	if (percpu)
		xen_info_set_chip(info, &xen_percpu_chip, handle_percpu_irq, "virq");
	else
		xen_info_set_chip(info, &xen_dyn_chip, handle_edge_irq, "virq");

	rc = xen_hyp_bind_virq(virq, cpu, &port);
	if (!rc)
		rc = xen_attach_new_port(info, port, cpu);
	if (rc) {
		xen_info_destroy(info);
		return rc;
	}
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
	rc = xen_evtchn_cpu_ready(cpu);
	if (rc)
		return rc;
	info = xen_info_alloc(XEN_IRQ_IPI);
	if (!info)
		return -ENOMEM;
	info->u.ipi = ipi;
	info->home_cpu = cpu;
	xen_info_set_chip(info, &xen_percpu_chip, handle_percpu_irq, "ipi");

	rc = xen_hyp_bind_ipi(cpu, &port);
	if (!rc)
		rc = xen_attach_new_port(info, port, cpu);
	if (rc) {
		xen_info_destroy(info);
		return rc;
	}
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

	if (!xen_info_from_irq(irq)) {
		pr_warn_ratelimited("unbind of irq %u, which is not an event channel\n",
				    irq);
		return;
	}
	free_irq(irq, dev_id);

	mutex_lock(&xen_evtchn_bind_lock);
	info = xen_info_from_irq(irq);
	if (info)
		xen_info_put(info);
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
	struct xen_irq_info *info;
	int rc = -EINVAL;

	mutex_lock(&xen_evtchn_bind_lock);
	info = irq >= 0 ? xen_info_from_irq(irq) : NULL;
	if (info && info->kind == XEN_IRQ_EVTCHN && !xen_info_from_port(evtchn)) {
		xen_info_detach_port(info);
		/* The mask reasons are unchanged: re-enable as genirq has it. */
		if (!irqd_irq_disabled(irq_get_irq_data(irq)))
			info->mask_reasons &= ~XEN_MASK_IRQ_CORE;
		rc = xen_info_attach_port(info, evtchn, 0, GFP_KERNEL);
	}
	mutex_unlock(&xen_evtchn_bind_lock);
	if (rc)
		pr_err("cannot rebind irq %d to port %u: %d\n", irq, evtchn, rc);
}

/**
 * notify_remote_via_irq() - send an event on the port bound to an irq
 * @irq: a bound irq
 */
void notify_remote_via_irq(int irq)
{
	struct xen_irq_info *info;
	evtchn_port_t port = 0;

	rcu_read_lock();
	info = irq >= 0 ? xen_info_from_irq(irq) : NULL;
	if (info)
		port = READ_ONCE(info->port);
	rcu_read_unlock();
	if (port) {
		notify_remote_via_evtchn(port);
		return;
	}
	/* After resume a driver's old port is gone until it rebinds. */
	atomic_long_inc(&xen_stale_notifies);
	pr_warn_ratelimited("notify on irq %d without a port dropped\n", irq);
}
EXPORT_SYMBOL_GPL(notify_remote_via_irq);

/**
 * irq_from_evtchn() - the irq bound to a port
 * @evtchn: the port
 *
 * Return: the irq number, or (unsigned int)-1 if nothing is bound.
 */
unsigned int irq_from_evtchn(evtchn_port_t evtchn)
{
	struct xen_irq_info *info;
	unsigned int irq = -1;

	rcu_read_lock();
	info = xen_info_from_port(evtchn);
	if (info)
		irq = info->irq;
	rcu_read_unlock();
	return irq;
}
EXPORT_SYMBOL_GPL(irq_from_evtchn);

/**
 * irq_evtchn_from_virq() - irq and port of a VIRQ binding
 * @cpu: the CPU the VIRQ was bound for
 * @virq: VIRQ_* number
 * @evtchn: the port is stored here
 *
 * Return: the irq number, or -1 if the VIRQ is not bound on @cpu.
 */
int irq_evtchn_from_virq(unsigned int cpu, unsigned int virq,
			 evtchn_port_t *evtchn)
{
	struct xen_irq_info *info;
	int irq = -1;

	if (virq >= NR_VIRQS || !xen_cpu_usable(cpu))
		return -1;
	rcu_read_lock();
	info = READ_ONCE(per_cpu(xen_cpu_bindings, cpu).virq[virq]);
	if (info && info->port) {
		*evtchn = info->port;
		irq = info->irq;
	}
	rcu_read_unlock();
	return irq;
}

/**
 * xen_send_IPI_one() - interrupt one CPU
 * @cpu: target CPU
 * @vector: which IPI
 */
void xen_send_IPI_one(unsigned int cpu, enum ipi_vector vector)
{
	evtchn_port_t port;

	if (!xen_cpu_usable(cpu) || (unsigned int)vector >= XEN_NR_IPIS) {
		WARN_ONCE(1, "IPI %d to invalid CPU %u\n", vector, cpu);
		return;
	}
#ifdef CONFIG_X86
	/* An NMI cannot travel as an event: Xen injects it directly. */
	if (vector == XEN_NMI_VECTOR) {
		int rc = HYPERVISOR_vcpu_op(VCPUOP_send_nmi, xen_vcpu_nr(cpu),
					    NULL);

		if (rc < 0)
			pr_warn_ratelimited("NMI to CPU %u failed: %d\n", cpu, rc);
		return;
	}
#endif
	port = READ_ONCE(per_cpu(xen_cpu_bindings, cpu).ipi_port[vector]);
	if (WARN_ONCE(!port, "IPI %d to CPU %u, which has none bound\n",
		      vector, cpu))
		return;
	notify_remote_via_evtchn(port);
}

/**
 * xen_evtchn_nr_channels() - ports the ABI in use can address right now
 *
 * Return: the number of ports (port numbers are below it).
 */
unsigned int xen_evtchn_nr_channels(void)
{
	return xen_evtchn_abi ? xen_evtchn_abi->nr_channels() : 0;
}
EXPORT_SYMBOL_GPL(xen_evtchn_nr_channels);

/**
 * xen_set_irq_priority() - FIFO priority of the port behind an irq
 * @irq: a bound irq
 * @priority: XEN_IRQ_PRIORITY_MAX (0) .. XEN_IRQ_PRIORITY_MIN (15)
 *
 * Return: 0, -EINVAL for a bad irq or priority, -ENOTCONN if no port is
 * bound, -EOPNOTSUPP under the 2-level ABI (which has no priorities), or Xen's
 * error.
 */
int xen_set_irq_priority(unsigned int irq, unsigned int priority)
{
	struct xen_irq_info *info;
	evtchn_port_t port = 0;

	if (priority > XEN_IRQ_PRIORITY_MIN)
		return -EINVAL;
	rcu_read_lock();
	info = xen_info_from_irq(irq);
	if (info)
		port = READ_ONCE(info->port);
	rcu_read_unlock();
	if (!info)
		return -EINVAL;
	if (!port)
		return -ENOTCONN;
	if (!xen_evtchn_abi->set_priority)
		return -EOPNOTSUPP;
	return xen_evtchn_abi->set_priority(port, priority);
}
EXPORT_SYMBOL_GPL(xen_set_irq_priority);

static evtchn_port_t xen_port_of_irq(int irq)
{
	struct xen_irq_info *info;
	evtchn_port_t port = 0;

	rcu_read_lock();
	info = irq >= 0 ? xen_info_from_irq(irq) : NULL;
	if (info)
		port = READ_ONCE(info->port);
	rcu_read_unlock();
	return port;
}

/**
 * xen_clear_irq_pending() - clear the pending state of an irq's port
 * @irq: a bound irq
 */
void xen_clear_irq_pending(int irq)
{
	evtchn_port_t port = xen_port_of_irq(irq);

	if (port)
		xen_evtchn_abi->clear_pending(port);
}
EXPORT_SYMBOL(xen_clear_irq_pending);

/**
 * xen_test_irq_pending() - test the pending state of an irq's port
 * @irq: a bound irq
 *
 * Return: true if the port is pending; false also for an unbound irq.
 */
bool xen_test_irq_pending(int irq)
{
	evtchn_port_t port = xen_port_of_irq(irq);

	return port && xen_evtchn_abi->is_pending(port);
}

/**
 * xen_poll_irq_timeout() - block the vCPU until an irq's port is pending
 * @irq: a bound irq (normally disabled, so no handler runs)
 * @timeout: absolute Xen system time in ns when to give up; 0 = never
 */
void xen_poll_irq_timeout(int irq, u64 timeout)
{
	evtchn_port_t port = xen_port_of_irq(irq);
	struct sched_poll poll = { .nr_ports = 1, .timeout = timeout };
	int rc;

	if (!port)
		return;
	set_xen_guest_handle(poll.ports, &port);
	rc = HYPERVISOR_sched_op(SCHEDOP_poll, &poll);
	if (rc)
		pr_warn_ratelimited("poll on port %u failed: %d\n", port, rc);
}
EXPORT_SYMBOL(xen_poll_irq_timeout);

/**
 * xen_poll_irq() - xen_poll_irq_timeout() without a timeout
 * @irq: a bound irq
 */
void xen_poll_irq(int irq)
{
	xen_poll_irq_timeout(irq, 0);
}
