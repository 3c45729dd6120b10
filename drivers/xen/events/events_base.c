// SPDX-License-Identifier: GPL-2.0-only
/*
 * The core's data: which Linux interrupt (struct xen_irq_info) stands for
 * which port, per-CPU VIRQ/IPI tables, and creating, attaching and
 * destroying those infos. The public binding API is in events_bind.c.
 *
 * Port -> info lookups happen in the upcall, so the table is read under RCU
 * without locks; every change is made under xen_evtchn_bind_lock.
 */
#define pr_fmt(fmt) "xen:" KBUILD_MODNAME ": " fmt

#include <linux/cpumask.h>
#include <linux/irq.h>
#include <linux/irqdesc.h>
#include <linux/rcupdate.h>
#include <linux/slab.h>

#include <xen/events.h>
#include <xen/xenbus.h>
#include <xen/xen-ops.h>

#include "events_internal.h"

#include <trace/events/xen_evtchn.h>

/* Serialises binding and unbinding, refcounts and xen_irq_all. */
DEFINE_MUTEX(xen_evtchn_bind_lock);
LIST_HEAD(xen_irq_all);

const struct xen_evtchn_abi *xen_evtchn_abi;

DEFINE_PER_CPU(struct xen_cpu_bindings, xen_cpu_bindings);
static DEFINE_PER_CPU(atomic_t, xen_cpu_channels);

/*
 * Port table (see events_internal.h): rows of one page each, allocated
 * when the first port of a row is bound and kept for the life of the
 * kernel (so resume can reuse them without allocating). The row array
 * itself is static, sized for the largest ABI, so initialisation cannot
 * fail.
 */
struct xen_irq_info __rcu **xen_port_rows[XEN_PORT_ROWS];

/*
 * The irq table: the same shape, indexed by irq number, for the API calls
 * that name an irq (every notify, every late EOI). An irq number the table
 * cannot hold, on a kernel with that many interrupts, is looked up through
 * its descriptor instead.
 */
struct xen_irq_info __rcu **xen_irq_rows[XEN_IRQ_ROWS];

struct xen_irq_info __rcu *xen_legacy_infos[XEN_LEGACY_IRQS];

/* The slow way: only an irq whose chip is one of ours has our chip data. */
struct xen_irq_info *xen_info_from_irq_desc(unsigned int irq)
{
	struct irq_data *data = irq_get_irq_data(irq);

	if (!data || !xen_chip_is_ours(irq_data_get_irq_chip(data)))
		return NULL;
	return xen_data_info(data);
}

static int xen_irq_table_set(unsigned int irq, struct xen_irq_info *info)
{
	struct xen_irq_info __rcu **row;
	unsigned int r = irq / XEN_IRQS_PER_ROW;

	lockdep_assert_held(&xen_evtchn_bind_lock);
	if (r >= XEN_IRQ_ROWS)
		return 0;
	row = xen_irq_rows[r];
	if (!row) {
		row = (struct xen_irq_info __rcu **)get_zeroed_page(GFP_KERNEL);
		if (!row)
			return -ENOMEM;
		/* Readers find the row zeroed before they find it at all. */
		smp_store_release(&xen_irq_rows[r], row);
	}
	rcu_assign_pointer(row[irq % XEN_IRQS_PER_ROW], info);
	return 0;
}

static void xen_irq_table_clear(unsigned int irq)
{
	unsigned int r = irq / XEN_IRQS_PER_ROW;

	if (r < XEN_IRQ_ROWS && xen_irq_rows[r])
		RCU_INIT_POINTER(xen_irq_rows[r][irq % XEN_IRQS_PER_ROW], NULL);
}

/*
 * A binding whose port was lost at a resume, found by that old port: its
 * driver may still name it by the port it had (evtchn.c does, to unbind
 * when its file is closed). Only asked when no live binding has the port.
 * Caller holds rcu_read_lock().
 */
struct xen_irq_info *xen_info_from_stale_port(evtchn_port_t port)
{
	struct xen_irq_info *info;

	list_for_each_entry_rcu(info, &xen_irq_all, all_node)
		if (READ_ONCE(info->stale_port) == port && xen_info_is_stale(info) &&
		    !READ_ONCE(info->dying))
			return info;
	return NULL;
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

/*
 * Record that @info's port is now handled by @cpu: ABI bookkeeping, the
 * per-CPU load used to pick targets, and what genirq reports as effective
 * affinity. Xen is told separately (bind_vcpu) where that is needed.
 */
void xen_info_note_cpu(struct xen_irq_info *info, unsigned int cpu)
{
	unsigned int old = info->cpu;
	struct irq_data *data = info->desc ? irq_desc_get_irq_data(info->desc) : NULL;

	if (info->port)
		xen_evtchn_abi->port_moved(info->port, cpu, old);
	atomic_dec(per_cpu_ptr(&xen_cpu_channels, old));
	atomic_inc(per_cpu_ptr(&xen_cpu_channels, cpu));
	info->cpu = cpu;
	if (!data)
		return;
	/* VIRQs and IPIs are fixed to their CPU: say so in their affinity. */
	if (info->kind == XEN_IRQ_VIRQ || info->kind == XEN_IRQ_IPI)
		irq_data_update_affinity(data, cpumask_of(cpu));
	irq_data_update_effective_affinity(data, cpumask_of(cpu));
}

/*
 * Does another binding hold @port already? Asked under the bind mutex, or
 * in stop_machine at resume, where the table cannot change.
 */
static bool xen_port_taken(evtchn_port_t port, struct xen_irq_info *info)
{
	struct xen_irq_info *holder = xen_info_from_port(port);

	return holder && holder != info;
}

/*
 * Make @port the port of @info: masked first (a port reused from an
 * earlier binding may be unmasked and pending), addressable by the ABI,
 * then visible to the upcall. Called under the bind mutex, in
 * stop_machine at resume, or for a PIRQ in irq_startup under its
 * descriptor lock (the last two with GFP_ATOMIC): the port comes fresh
 * from Xen, and the tables take concurrent writers of different ports.
 *
 * Xen hands out a port once, so a port another binding holds means Xen
 * (or its EVTCHNOP_status) misled us: -EBUSY, and that binding keeps its
 * port untouched, mask state included.
 */
int xen_info_attach_port(struct xen_irq_info *info, evtchn_port_t port,
			 unsigned int cpu, gfp_t gfp)
{
	int rc;

	if (!xen_port_in_range(port))
		return -EINVAL;
	if (xen_port_taken(port, info)) {
		pr_err_ratelimited("port %u offered for irq %u is bound to another irq\n",
				   port, info->irq);
		return -EBUSY;
	}
	if (xen_evtchn_abi->port_setup) {
		rc = xen_evtchn_abi->port_setup(port, gfp);
		if (rc)
			return rc;
	}
	xen_evtchn_abi->port_mask(port);
	info->port = port;
	WRITE_ONCE(info->stale_port, 0);
	/* Xen gives every port it hands out the default priority. */
	WRITE_ONCE(info->priority, XEN_IRQ_PRIORITY_DEFAULT);
	rc = xen_port_table_set(port, info, gfp);
	if (rc) {
		info->port = 0;
		return rc;
	}
	xen_info_note_cpu(info, cpu);
	/* Keep Xen's view of the mask in line with the reasons we hold. */
	xen_info_sync_mask(info);
	trace_xen_evtchn_bind(info->irq, port, info->kind, cpu);
	return 0;
}

static void xen_info_free_work(struct work_struct *work)
{
	struct xen_irq_info *info =
		container_of(to_rcu_work(work), struct xen_irq_info, free_work);

	if (info->desc_owned)
		irq_free_desc(info->irq);
	kfree(info);
}

/**
 * xen_info_alloc_for_irq() - a binding for an irq whose descriptor exists
 * @kind: what the binding will be
 * @irq: the irq; its descriptor was allocated by the caller or the arch
 * @owned: free the descriptor together with the binding
 *
 * Return: the new binding, masked and on no port; NULL when out of memory.
 */
struct xen_irq_info *xen_info_alloc_for_irq(enum xen_irq_kind kind,
					    unsigned int irq, bool owned)
{
	struct xen_irq_info *info;

	info = kzalloc(sizeof(*info), GFP_KERNEL);
	if (!info)
		return NULL;
	if (xen_irq_table_set(irq, info)) {
		kfree(info);
		return NULL;
	}
	info->irq = irq;
	info->desc = irq_to_desc(irq);
	info->desc_owned = owned;
	info->kind = kind;
	info->users = XEN_IRQ_SINGLE_OWNER;
	/* Masked until genirq enables the interrupt. */
	info->mask_reasons = XEN_MASK_IRQ_CORE;
	INIT_LIST_HEAD(&info->eoi_node);
	INIT_RCU_WORK(&info->free_work, xen_info_free_work);
	raw_spin_lock_init(&info->mask_lock);
	/* Counted on CPU 0 until the port is attached to its real CPU. */
	atomic_inc(per_cpu_ptr(&xen_cpu_channels, 0));
	list_add_tail_rcu(&info->all_node, &xen_irq_all);
	return info;
}

/**
 * xen_info_forget_legacy() - hand a lent legacy irq back to the arch
 * @info: a binding on a descriptor it does not own
 *
 * The chip goes first, under the descriptor lock: no chip callback can
 * then look for @info any more, and the arch's chip data was never
 * touched. A flow handler an upcall still runs finds no chip of ours.
 */
void xen_info_forget_legacy(struct xen_irq_info *info)
{
	irq_set_chip_and_handler_name(info->irq, &no_irq_chip, handle_bad_irq,
				      NULL);
	if (info->irq < XEN_LEGACY_IRQS)
		RCU_INIT_POINTER(xen_legacy_infos[info->irq], NULL);
}

struct xen_irq_info *xen_info_alloc(enum xen_irq_kind kind)
{
	struct xen_irq_info *info;
	int irq;

	irq = irq_alloc_desc_from(0, -1);
	if (irq < 0)
		return NULL;
	info = xen_info_alloc_for_irq(kind, irq, true);
	if (!info)
		irq_free_desc(irq);
	return info;
}

void xen_info_set_chip(struct xen_irq_info *info, struct irq_chip *chip,
		       irq_flow_handler_t flow, const char *flow_name)
{
	info->percpu = chip == &xen_percpu_chip;
	if (!info->desc_owned && info->irq < XEN_LEGACY_IRQS)
		rcu_assign_pointer(xen_legacy_infos[info->irq], info);
	else
		irq_set_chip_data(info->irq, info);
	irq_set_chip_and_handler_name(info->irq, chip, flow, flow_name);
	/*
	 * Requestable on every architecture, and movable from process
	 * context: a move is a hypercall, it needs no interrupt to complete.
	 */
	irq_modify_status(info->irq, IRQ_NOREQUEST | IRQ_NOAUTOEN, IRQ_MOVE_PCNTXT);
}

/* Forget the port of @info in every table; the port itself stays open. */
void xen_info_detach_port(struct xen_irq_info *info)
{
	evtchn_port_t port = info->port;
	unsigned long flags;
	unsigned int cpu;

	if (!port)
		return;
	xen_info_mask(info, XEN_MASK_IRQ_CORE);
	xen_port_table_clear(port);
	/*
	 * An affinity change reads the port and moves the CPU under this
	 * lock: the CPU read here is the one the ABI has the port on.
	 */
	raw_spin_lock_irqsave(&info->mask_lock, flags);
	info->port = 0;
	cpu = info->cpu;
	raw_spin_unlock_irqrestore(&info->mask_lock, flags);
	if (xen_evtchn_abi->port_remove)
		xen_evtchn_abi->port_remove(port, cpu);
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
void xen_info_destroy(struct xen_irq_info *info)
{
	evtchn_port_t port = info->port;
	unsigned long flags;
	unsigned int cpu;

	lockdep_assert_held(&xen_evtchn_bind_lock);
	trace_xen_evtchn_unbind(info->irq, port);
	/* From here on an affinity change leaves the CPU alone. */
	raw_spin_lock_irqsave(&info->mask_lock, flags);
	WRITE_ONCE(info->dying, true);
	cpu = info->cpu;
	raw_spin_unlock_irqrestore(&info->mask_lock, flags);
	xen_irq_table_clear(info->irq);
	xen_lateeoi_forget(info);
	xen_info_clear_percpu_slot(info);
	xen_info_detach_port(info);
	if (port && !info->is_static)
		xen_evtchn_close(port);
	if (info->kind == XEN_IRQ_EVTCHN && info->u.dev)
		atomic_dec(&info->u.dev->event_channels);
	atomic_dec(per_cpu_ptr(&xen_cpu_channels, cpu));
	list_del_rcu(&info->all_node);
	/*
	 * Chip and chip data stay until the descriptor is freed: an upcall
	 * that found the port before it left the table may still run the
	 * flow handler, which then sees port 0 and does nothing.
	 */
	queue_rcu_work(system_wq, &info->free_work);
}

/* Drop one user; the binding goes away with the last one. */
void xen_info_put(struct xen_irq_info *info)
{
	lockdep_assert_held(&xen_evtchn_bind_lock);
	if (info->users > 1) {
		info->users--;
		return;
	}
	xen_info_destroy(info);
}
