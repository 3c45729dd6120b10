// SPDX-License-Identifier: GPL-2.0-only
/*
 * debugfs xen/events/: what an operator needs when a PV device stops
 * answering. "ports" has one line per binding (port, irq, kind, CPU, why
 * it is masked, whether Xen has it pending, FIFO priority, events taken,
 * late-EOI state and the driver's name), "upcalls" the per-CPU upcall
 * figures and the core's error counters.
 *
 * Reading takes the bind mutex (bindings cannot come or go meanwhile) and
 * each descriptor's lock for its action name, as /proc/interrupts does;
 * the figures themselves are read without locks and may be a moment old.
 */
#define pr_fmt(fmt) "xen:" KBUILD_MODNAME ": " fmt

#include <linux/debugfs.h>
#include <linux/init.h>
#include <linux/interrupt.h>
#include <linux/irq.h>
#include <linux/irqdesc.h>
#include <linux/jiffies.h>
#include <linux/seq_file.h>
#include <linux/string.h>

#include <xen/xen.h>

#include "events_internal.h"

static const char *xen_kind_name(enum xen_irq_kind kind)
{
	switch (kind) {
	case XEN_IRQ_EVTCHN:
		return "evtchn";
	case XEN_IRQ_VIRQ:
		return "virq";
	case XEN_IRQ_IPI:
		return "ipi";
	case XEN_IRQ_PIRQ:
		return "pirq";
	}
	return "?";
}

/* One letter per mask reason: c(ore) m(oving) l(ate EOI) f(reeing). */
static void xen_show_mask(struct seq_file *m, u8 reasons)
{
	static const char letters[] = "cmlf";
	char buf[sizeof(letters)];
	unsigned int i, n = 0;

	for (i = 0; i < sizeof(letters) - 1; i++)
		if (reasons & BIT(i))
			buf[n++] = letters[i];
	buf[n] = '\0';
	seq_printf(m, " %-6s", n ? buf : "-");
}

/*
 * "-" for a channel without late EOI; else where its EOI stands: waiting
 * for the driver, queued for N more jiffies (throttled), or idle.
 */
static void xen_show_lateeoi(struct seq_file *m, struct xen_irq_info *info)
{
	u64 due = READ_ONCE(info->eoi_deadline);
	u64 now = get_jiffies_64();

	if (!info->lateeoi) {
		seq_puts(m, " -");
		return;
	}
	if (!list_empty_careful(&info->eoi_node))
		seq_printf(m, " queued+%llu", time_after64(due, now) ? due - now : 0);
	else if (READ_ONCE(info->mask_reasons) & XEN_MASK_LATE_EOI)
		seq_puts(m, " waiting");
	else
		seq_puts(m, " idle");
	seq_printf(m, ",spurious=%u", READ_ONCE(info->spurious));
}

static void xen_show_action_name(struct seq_file *m, struct xen_irq_info *info)
{
	struct irq_desc *desc = info->desc;
	char name[32] = "-";
	unsigned long flags;

	if (desc) {
		raw_spin_lock_irqsave(&desc->lock, flags);
		if (desc->action && desc->action->name)
			strscpy(name, desc->action->name, sizeof(name));
		raw_spin_unlock_irqrestore(&desc->lock, flags);
	}
	seq_printf(m, " %s", name);
}

/**
 * xen_evtchn_show_port() - print the debugfs line of one binding
 * @m: the seq_file to print into
 * @info: the binding; caller holds xen_evtchn_bind_lock
 */
void xen_evtchn_show_port(struct seq_file *m, struct xen_irq_info *info)
{
	evtchn_port_t port = READ_ONCE(info->port);
	bool pending = port && xen_evtchn_abi->port_raised(port);

	lockdep_assert_held(&xen_evtchn_bind_lock);
	seq_printf(m, "%6u %6u %-6s %3u", port, info->irq,
		   xen_kind_name(info->kind), READ_ONCE(info->cpu));
	xen_show_mask(m, READ_ONCE(info->mask_reasons));
	seq_printf(m, " %7d", pending);
	if (xen_evtchn_abi->set_priority)
		seq_printf(m, " %4u", READ_ONCE(info->priority));
	else
		seq_puts(m, "    -");
	seq_printf(m, " %10lu", READ_ONCE(info->events));
	xen_show_lateeoi(m, info);
	xen_show_action_name(m, info);
	if (xen_info_is_stale(info))
		seq_printf(m, " (stale, was port %u)", READ_ONCE(info->stale_port));
	seq_putc(m, '\n');
}

static void *xen_ports_start(struct seq_file *m, loff_t *pos)
{
	mutex_lock(&xen_evtchn_bind_lock);
	return seq_list_start_head(&xen_irq_all, *pos);
}

static void *xen_ports_next(struct seq_file *m, void *v, loff_t *pos)
{
	return seq_list_next(v, &xen_irq_all, pos);
}

static void xen_ports_stop(struct seq_file *m, void *v)
{
	mutex_unlock(&xen_evtchn_bind_lock);
}

static int xen_ports_show(struct seq_file *m, void *v)
{
	if (v == &xen_irq_all) {
		seq_printf(m, "# ABI %s\n", xen_evtchn_abi->name);
		seq_puts(m, "  port    irq kind   cpu masked pending prio     events lateeoi name\n");
		return 0;
	}
	xen_evtchn_show_port(m, list_entry(v, struct xen_irq_info, all_node));
	return 0;
}

static const struct seq_operations xen_ports_sops = {
	.start	= xen_ports_start,
	.next	= xen_ports_next,
	.stop	= xen_ports_stop,
	.show	= xen_ports_show,
};
DEFINE_SEQ_ATTRIBUTE(xen_ports);

/**
 * xen_evtchn_upcalls_show() - print the debugfs upcall figures
 * @m: the seq_file to print into
 * @v: unused
 *
 * Return: 0.
 */
int xen_evtchn_upcalls_show(struct seq_file *m, void *v)
{
	unsigned int cpu;

	seq_puts(m, "cpu    upcalls     events per-upcall     rounds max-events deadline-hits cut-short stray\n");
	for_each_online_cpu(cpu) {
		const struct xen_upcall_stats *st = per_cpu_ptr(&xen_upcall_stats, cpu);
		unsigned long upcalls = READ_ONCE(st->upcalls);
		unsigned long events = READ_ONCE(st->events);

		seq_printf(m, "%3u %10lu %10lu %11lu %10lu %10lu %13lu %9lu %5lu\n",
			   cpu, upcalls, events, upcalls ? events / upcalls : 0,
			   READ_ONCE(st->rounds), READ_ONCE(st->max_events),
			   READ_ONCE(st->deadline_hits), READ_ONCE(st->cut_short),
			   READ_ONCE(st->stray));
	}
	seq_printf(m, "stray events %lu, events dropped with an offline CPU %lu, notifies without a port %lu",
		   xen_evtchn_stray_events(), xen_evtchn_offline_drops(),
		   xen_evtchn_stale_notifies());
	if (xen_evtchn_abi->set_priority)
		seq_printf(m, ", FIFO link errors %lu", xen_evtchn_fifo_link_errors());
	seq_putc(m, '\n');
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(xen_evtchn_upcalls);

/* "xen" may exist already (arch code puts its own files there). */
static struct dentry *xen_debugfs_dir(void)
{
	struct dentry *xen = debugfs_lookup("xen", NULL);

	return xen ?: debugfs_create_dir("xen", NULL);
}

static int __init xen_evtchn_debugfs_init(void)
{
	struct dentry *dir;

	if (!xen_domain() || !xen_evtchn_abi)
		return 0;
	dir = debugfs_create_dir("events", xen_debugfs_dir());
	debugfs_create_file("ports", 0400, dir, NULL, &xen_ports_fops);
	debugfs_create_file("upcalls", 0400, dir, NULL,
			    &xen_evtchn_upcalls_fops);
	return 0;
}
late_initcall(xen_evtchn_debugfs_init);
