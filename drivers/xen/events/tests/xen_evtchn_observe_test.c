// SPDX-License-Identifier: GPL-2.0-only
/*
 * What an operator sees of the core: the tracepoints of
 * include/trace/events/xen_evtchn.h (probes attached the way perf and
 * trace-cmd attach them) and the lines of debugfs xen/events/ports and
 * xen/events/upcalls (rendered into a buffer by the same functions the
 * files use). Runs on the model's live domain, FIFO and 2-level boots.
 */
#include <kunit/test.h>
#include <linux/atomic.h>
#include <linux/interrupt.h>
#include <linux/kstrtox.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/tracepoint.h>
#include <xen/events.h>
#include "../events_internal.h"
#include "xen_model.h"
#include "xen_evtchn_hvm_util.h"

#include <trace/events/xen_evtchn.h>

#define XEO_EVENTS	3
#define XEO_BUF		PAGE_SIZE
#define XEO_FIELDS	12

/* What the probes saw of the one port a case watches. */
struct xeo_seen {
	unsigned int port;	/* the watched port, set before attaching */
	unsigned int irq;
	atomic_t binds, unbinds, dispatches, upcall_exits, defers, eois,
		 resumes;
	int bind_kind;
	unsigned int bind_irq, unbind_irq;
	unsigned long max_delay;
	unsigned int forgotten;
};

static void xeo_on_bind(void *data, unsigned int irq, unsigned int port,
			int kind, unsigned int cpu)
{
	struct xeo_seen *s = data;

	if (port != READ_ONCE(s->port))
		return;
	WRITE_ONCE(s->bind_irq, irq);
	WRITE_ONCE(s->bind_kind, kind);
	atomic_inc(&s->binds);
}

static void xeo_on_unbind(void *data, unsigned int irq, unsigned int port)
{
	struct xeo_seen *s = data;

	if (irq != READ_ONCE(s->irq))
		return;
	WRITE_ONCE(s->unbind_irq, irq);
	atomic_inc(&s->unbinds);
}

static void xeo_on_dispatch(void *data, unsigned int port, unsigned int irq)
{
	struct xeo_seen *s = data;

	if (port == READ_ONCE(s->port) && irq == READ_ONCE(s->irq))
		atomic_inc(&s->dispatches);
}

static void xeo_on_upcall_exit(void *data, unsigned int events,
			       unsigned int rounds, bool throttled)
{
	struct xeo_seen *s = data;

	if (events && rounds)
		atomic_inc(&s->upcall_exits);
}

static void xeo_on_defer(void *data, unsigned int irq, unsigned int port,
			 unsigned long delay, unsigned int spurious)
{
	struct xeo_seen *s = data;

	if (irq != READ_ONCE(s->irq))
		return;
	if (delay > READ_ONCE(s->max_delay))
		WRITE_ONCE(s->max_delay, delay);
	atomic_inc(&s->defers);
}

static void xeo_on_lateeoi(void *data, unsigned int irq, unsigned int port)
{
	struct xeo_seen *s = data;

	if (irq == READ_ONCE(s->irq))
		atomic_inc(&s->eois);
}

static void xeo_on_resume(void *data, unsigned int forgotten,
			  unsigned int rebound)
{
	struct xeo_seen *s = data;

	WRITE_ONCE(s->forgotten, forgotten);
	atomic_inc(&s->resumes);
}

static void xeo_attach(struct kunit *test, struct xeo_seen *s)
{
	KUNIT_ASSERT_EQ(test, register_trace_xen_evtchn_bind(xeo_on_bind, s), 0);
	KUNIT_ASSERT_EQ(test, register_trace_xen_evtchn_unbind(xeo_on_unbind, s), 0);
	KUNIT_ASSERT_EQ(test, register_trace_xen_evtchn_dispatch(xeo_on_dispatch, s), 0);
	KUNIT_ASSERT_EQ(test, register_trace_xen_evtchn_upcall_exit(xeo_on_upcall_exit, s), 0);
	KUNIT_ASSERT_EQ(test, register_trace_xen_evtchn_lateeoi_defer(xeo_on_defer, s), 0);
	KUNIT_ASSERT_EQ(test, register_trace_xen_evtchn_lateeoi(xeo_on_lateeoi, s), 0);
	KUNIT_ASSERT_EQ(test, register_trace_xen_evtchn_resume(xeo_on_resume, s), 0);
}

/* After this no probe runs any more: @s may go. */
static void xeo_detach(struct xeo_seen *s)
{
	unregister_trace_xen_evtchn_bind(xeo_on_bind, s);
	unregister_trace_xen_evtchn_unbind(xeo_on_unbind, s);
	unregister_trace_xen_evtchn_dispatch(xeo_on_dispatch, s);
	unregister_trace_xen_evtchn_upcall_exit(xeo_on_upcall_exit, s);
	unregister_trace_xen_evtchn_lateeoi_defer(xeo_on_defer, s);
	unregister_trace_xen_evtchn_lateeoi(xeo_on_lateeoi, s);
	unregister_trace_xen_evtchn_resume(xeo_on_resume, s);
	tracepoint_synchronize_unregister();
}

/* A port offered by the peer, not bound yet: the bind is what is watched. */
static void xeo_pair(struct kunit *test, struct xeh_chan *c)
{
	xeh_chan_reset(c);
	KUNIT_ASSERT_EQ(test, xeh_peer_pair(&c->local, &c->remote), 0);
}

static void xeo_send_and_wait(struct kunit *test, struct xeh_chan *c, int n)
{
	int i;

	for (i = atomic_read(&c->hits); i < n; i++) {
		KUNIT_ASSERT_EQ(test, xeh_peer_send(c), 0);
		KUNIT_ASSERT_TRUE_MSG(test, xeh_wait_hits(c, i + 1),
				      "event %d of port %u not delivered", i + 1,
				      c->local);
	}
}

static void xeo_trace_bind_deliver_unbind(struct kunit *test)
{
	struct xeo_seen *s = kunit_kzalloc(test, sizeof(*s), GFP_KERNEL);
	struct xeh_chan c;

	KUNIT_ASSERT_NOT_NULL(test, s);
	xeo_pair(test, &c);
	s->port = c.local;
	xeo_attach(test, s);
	c.irq = bind_evtchn_to_irqhandler(c.local, xeh_handler, 0, "xeo", &c);
	WRITE_ONCE(s->irq, c.irq);
	if (c.irq > 0)
		xeo_send_and_wait(test, &c, XEO_EVENTS);
	xeh_close(&c);
	xeo_detach(s);

	KUNIT_ASSERT_GT(test, READ_ONCE(s->irq), 0U);
	KUNIT_EXPECT_EQ(test, atomic_read(&s->binds), 1);
	KUNIT_EXPECT_EQ(test, s->bind_irq, s->irq);
	KUNIT_EXPECT_EQ(test, s->bind_kind, (int)XEN_IRQ_EVTCHN);
	KUNIT_EXPECT_EQ(test, atomic_read(&s->dispatches), XEO_EVENTS);
	KUNIT_EXPECT_GE(test, atomic_read(&s->upcall_exits), XEO_EVENTS);
	KUNIT_EXPECT_EQ(test, atomic_read(&s->unbinds), 1);
}

static irqreturn_t xeo_spurious_handler(int irq, void *dev_id)
{
	struct xeh_chan *c = dev_id;

	atomic_inc(&c->hits);
	/* Spurious every time: the back-off must start holding EOIs back. */
	xen_irq_lateeoi(irq, XEN_EOI_FLAG_SPURIOUS);
	return IRQ_HANDLED;
}

static void xeo_trace_lateeoi_backoff(struct kunit *test)
{
	struct xeo_seen *s = kunit_kzalloc(test, sizeof(*s), GFP_KERNEL);
	struct xeh_chan c;

	KUNIT_ASSERT_NOT_NULL(test, s);
	xeo_pair(test, &c);
	s->port = c.local;
	xeo_attach(test, s);
	c.irq = bind_evtchn_to_irqhandler_lateeoi(c.local, xeo_spurious_handler,
						  0, "xeo-lateeoi", &c);
	WRITE_ONCE(s->irq, c.irq);
	/* Each event waits for the EOI of the one before: nothing merges. */
	if (c.irq > 0)
		xeo_send_and_wait(test, &c, 4);
	xeh_close(&c);
	xeo_detach(s);

	KUNIT_ASSERT_GT(test, READ_ONCE(s->irq), 0U);
	/* Threshold 1: the 2nd spurious EOI in a row completes, later ones wait. */
	KUNIT_EXPECT_GE(test, atomic_read(&s->defers), 2);
	KUNIT_EXPECT_GE(test, s->max_delay, 1UL);
	/* Every event got its EOI, deferred or not. */
	KUNIT_EXPECT_GE(test, atomic_read(&s->eois), 3);
}

/* Render one binding's debugfs line into @buf (XEO_BUF bytes). */
static void xeo_render_port(struct kunit *test, struct xeh_chan *c, char *buf)
{
	struct seq_file m = { .buf = buf, .size = XEO_BUF };
	struct xen_irq_info *info;

	mutex_lock(&xen_evtchn_bind_lock);
	info = xen_info_from_irq(c->irq);
	if (info)
		xen_evtchn_show_port(&m, info);
	mutex_unlock(&xen_evtchn_bind_lock);
	KUNIT_ASSERT_NOT_NULL(test, info);
	KUNIT_ASSERT_FALSE(test, seq_has_overflowed(&m));
	buf[m.count] = '\0';
	kunit_info(test, "ports: %s", buf);
}

/* ... and split it into its fields. */
static int xeo_port_fields(struct kunit *test, struct xeh_chan *c, char *buf,
			   char **field)
{
	char *cur = buf, *tok;
	int n = 0;

	xeo_render_port(test, c, buf);
	while (n < XEO_FIELDS && (tok = strsep(&cur, "\n ")))
		if (*tok)
			field[n++] = tok;
	return n;
}

static unsigned long xeo_field_ul(struct kunit *test, const char *s)
{
	unsigned long v = ~0UL;

	KUNIT_EXPECT_EQ_MSG(test, kstrtoul(s, 10, &v), 0, "field '%s'", s);
	return v;
}

static void xeo_debugfs_port_line(struct kunit *test)
{
	char *buf = kunit_kzalloc(test, XEO_BUF, GFP_KERNEL);
	char *f[XEO_FIELDS];
	struct xeh_chan c;
	bool fifo = xm_is_fifo(xeh_live());
	int n;

	KUNIT_ASSERT_NOT_NULL(test, buf);
	xeh_open(test, &c);
	xeo_send_and_wait(test, &c, XEO_EVENTS);
	if (fifo)
		KUNIT_EXPECT_EQ(test, xen_set_irq_priority(c.irq, 3), 0);
	n = xeo_port_fields(test, &c, buf, f);
	xeh_close(&c);

	/* port irq kind cpu masked pending prio events lateeoi name */
	KUNIT_ASSERT_EQ(test, n, 10);
	KUNIT_EXPECT_EQ(test, xeo_field_ul(test, f[0]), (unsigned long)c.local);
	KUNIT_EXPECT_STREQ(test, f[2], "evtchn");
	KUNIT_EXPECT_EQ(test, xeo_field_ul(test, f[3]), (unsigned long)c.last_cpu);
	KUNIT_EXPECT_STREQ(test, f[4], "-");
	KUNIT_EXPECT_STREQ(test, f[5], "0");
	KUNIT_EXPECT_STREQ(test, f[6], fifo ? "3" : "-");
	KUNIT_EXPECT_EQ(test, xeo_field_ul(test, f[7]), (unsigned long)XEO_EVENTS);
	KUNIT_EXPECT_STREQ(test, f[8], "-");
	KUNIT_EXPECT_STREQ(test, f[9], "xeh");
}

/* A masked, pending port says so; a stale one after a resume too. */
static void xeo_debugfs_masked_pending(struct kunit *test)
{
	char *buf = kunit_kzalloc(test, XEO_BUF, GFP_KERNEL);
	char *f[XEO_FIELDS];
	struct xeh_chan c;
	int n;

	KUNIT_ASSERT_NOT_NULL(test, buf);
	xeh_open(test, &c);
	disable_irq(c.irq);
	KUNIT_ASSERT_EQ(test, xeh_peer_send(&c), 0);
	n = xeo_port_fields(test, &c, buf, f);
	KUNIT_EXPECT_EQ(test, n, 10);
	if (n >= 6) {
		KUNIT_EXPECT_STREQ(test, f[4], "c");
		KUNIT_EXPECT_STREQ(test, f[5], "1");
	}
	enable_irq(c.irq);
	KUNIT_EXPECT_TRUE(test, xeh_wait_hits(&c, 1));
	xeh_close(&c);
}

static int xeo_suspend_on_cpu0(void *arg)
{
	*(int *)arg = xeh_suspend_steps();
	return 0;
}

static void xeo_resume_trace_and_stale_line(struct kunit *test)
{
	struct xeo_seen *s = kunit_kzalloc(test, sizeof(*s), GFP_KERNEL);
	char *buf = kunit_kzalloc(test, XEO_BUF, GFP_KERNEL);
	int cancelled = -1;
	struct xeh_chan c;

	KUNIT_ASSERT_NOT_NULL(test, s);
	KUNIT_ASSERT_NOT_NULL(test, buf);
	xeh_open(test, &c);
	xeo_attach(test, s);
	xm_set_suspend_outcome(xeh_live(), XM_SUSPEND_NEW_DOMAIN);
	KUNIT_EXPECT_EQ(test, xeh_suspend_machine(xeo_suspend_on_cpu0, &cancelled), 0);
	xeo_detach(s);
	KUNIT_EXPECT_EQ(test, cancelled, 0);
	KUNIT_EXPECT_EQ(test, atomic_read(&s->resumes), 1);
	/* Our channel at least had a port in the old domain. */
	KUNIT_EXPECT_GE(test, s->forgotten, 1U);

	xeo_render_port(test, &c, buf);
	KUNIT_EXPECT_NOT_NULL(test, strstr(buf, "(stale, was port "));
	xeh_close(&c);
}

static void xeo_debugfs_upcalls(struct kunit *test)
{
	char *buf = kunit_kzalloc(test, XEO_BUF, GFP_KERNEL);
	struct seq_file m = { .buf = buf, .size = XEO_BUF };
	const struct xen_upcall_stats *st;
	unsigned long upcalls, events;
	unsigned int cpu, lines = 0;
	struct xeh_chan c;
	char *p;

	KUNIT_ASSERT_NOT_NULL(test, buf);
	xeh_open(test, &c);
	xeo_send_and_wait(test, &c, 1);
	cpu = c.last_cpu;
	st = per_cpu_ptr(&xen_upcall_stats, cpu);
	upcalls = READ_ONCE(st->upcalls);
	events = READ_ONCE(st->events);
	xeo_send_and_wait(test, &c, 1 + XEO_EVENTS);
	xeh_close(&c);
	KUNIT_EXPECT_EQ(test, c.last_cpu, (int)cpu);
	KUNIT_EXPECT_GE(test, READ_ONCE(st->upcalls) - upcalls, (unsigned long)XEO_EVENTS);
	KUNIT_EXPECT_GE(test, READ_ONCE(st->events) - events, (unsigned long)XEO_EVENTS);
	KUNIT_EXPECT_GE(test, READ_ONCE(st->rounds), READ_ONCE(st->upcalls));

	xen_evtchn_upcalls_show(&m, NULL);
	KUNIT_ASSERT_FALSE(test, seq_has_overflowed(&m));
	buf[m.count] = '\0';
	kunit_info(test, "upcalls:\n%s", buf);
	KUNIT_EXPECT_TRUE(test, str_has_prefix(buf, "cpu    upcalls"));
	/* A header, one line per online CPU, the counters. */
	for (p = buf; (p = strchr(p, '\n')); p++)
		lines++;
	KUNIT_EXPECT_EQ(test, lines, num_online_cpus() + 2);
	KUNIT_EXPECT_NOT_NULL(test, strstr(buf, "stray events "));
}

static struct kunit_case xeo_cases[] = {
	KUNIT_CASE(xeo_trace_bind_deliver_unbind),
	KUNIT_CASE(xeo_trace_lateeoi_backoff),
	KUNIT_CASE(xeo_debugfs_port_line),
	KUNIT_CASE(xeo_debugfs_masked_pending),
	KUNIT_CASE(xeo_debugfs_upcalls),
	KUNIT_CASE(xeo_resume_trace_and_stale_line),
	{}
};

static struct kunit_suite xeo_suite = {
	.name = "xen_evtchn_observe",
	.suite_init = xeh_suite_init,
	.suite_exit = xeh_suite_exit,
	.init = xeh_test_init,
	.test_cases = xeo_cases,
};

kunit_test_suites(&xeo_suite);
