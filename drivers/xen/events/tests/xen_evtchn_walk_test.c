// SPDX-License-Identifier: GPL-2.0-only
/*
 * Seeded random walks over the event-channel API on the model's live
 * domain, with senders on other CPUs running at the same time.
 *
 * A walk keeps a few slots, each an interdomain channel to the peer domain
 * or nothing. The walker opens and closes slots (plain or late-EOI),
 * disables and enables their irqs, moves them to other CPUs and takes a
 * CPU offline and back; meanwhile sender threads send on random open
 * slots as the peer, concurrently with all of it, so that upcalls run on
 * several CPUs while ports are moved, masked or unbound. A reference of
 * what every handler must have seen is checked at quiet points: a send is
 * announced (counted) before it is made, and a handler records the count
 * it found on entry, so once all is quiet every open, enabled slot's
 * handler must have seen its last send (no lost wake-up). Handlers must
 * never run for a slot whose unbind returned, and when a walk ends every
 * port and irq it made is gone again.
 *
 * The seeds are fixed, so a failure is reproducible as far as the
 * interleaving allows: it prints the seed and the walk's last operations.
 * xen_evtchn_walk_test.seed=S runs seed S only (ops=N to change the
 * length, seeds=K to run K seeds from S on).
 */
#include <kunit/test.h>
#include <linux/atomic.h>
#include <linux/cpu.h>
#include <linux/cpumask.h>
#include <linux/delay.h>
#include <linux/interrupt.h>
#include <linux/irq.h>
#include <linux/kthread.h>
#include <linux/moduleparam.h>
#include <linux/prandom.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <asm/xen/hypercall.h>
#include <xen/events.h>
#include <xen/interface/event_channel.h>
#include "xen_model.h"
#include "xen_evtchn_hvm_util.h"

#define XW_SLOTS		10
#define XW_SENDERS		3
#define XW_LOG			16	/* last operations printed on a failure */
#define XW_QUIET_WAIT_MS	2000
#define XW_HOTPLUG_CPU		xeh_hotplug_cpu()
#define XW_STATE_BUCKETS	4096

static unsigned int seed = 1;
module_param(seed, uint, 0444);
static unsigned int seeds = 6;
module_param(seeds, uint, 0444);
static unsigned int ops = 300;
module_param(ops, uint, 0444);

enum xw_state {
	XW_CLOSED,
	XW_OPEN,
};

struct xw_slot {
	spinlock_t lock;		/* state against the senders */
	enum xw_state state;
	bool enabled;
	bool lateeoi;
	bool unbound;			/* unbind returned: no handler may run */
	evtchn_port_t local;
	evtchn_port_t remote;
	int irq;
	atomic_t sent;			/* sends announced (before each send) */
	atomic_t seen;			/* the highest @sent a handler found */
	atomic_t runs;
	atomic_t late;			/* runs after an unbind returned (kept) */
};

enum xw_op {
	XW_OP_OPEN,
	XW_OP_CLOSE,
	XW_OP_DISABLE,
	XW_OP_ENABLE,
	XW_OP_MOVE,
	XW_OP_CHECK,
	XW_OP_HOTPLUG,
	XW_NR_OPS,
};

static const char * const xw_op_names[] = {
	[XW_OP_OPEN] = "open", [XW_OP_CLOSE] = "close",
	[XW_OP_DISABLE] = "disable", [XW_OP_ENABLE] = "enable",
	[XW_OP_MOVE] = "move", [XW_OP_CHECK] = "check",
	[XW_OP_HOTPLUG] = "hotplug",
};

struct xw_walk {
	struct kunit *test;
	struct rnd_state rnd;
	struct xw_slot slot[XW_SLOTS];
	struct task_struct *sender[XW_SENDERS];
	atomic_t pause;			/* senders hold off while set */
	atomic_t sends;
	unsigned int seed;
	unsigned int nr_ops;
	unsigned int log[XW_LOG][3];	/* op, slot, argument */
	unsigned long *states;		/* distinct slot-state vectors seen */
	bool failed;
};

static irqreturn_t xw_handler(int irq, void *dev_id)
{
	struct xw_slot *s = dev_id;
	int now = atomic_read_acquire(&s->sent), old;

	if (READ_ONCE(s->unbound))
		atomic_inc(&s->late);
	old = atomic_read(&s->seen);
	while (old < now && !atomic_try_cmpxchg(&s->seen, &old, now))
		;
	atomic_inc(&s->runs);
	if (READ_ONCE(s->lateeoi))
		xen_irq_lateeoi(irq, 0);
	return IRQ_HANDLED;
}

/* --- senders: the peer, on other CPUs, all the time ---------------------- */

static int xw_sender(void *data)
{
	struct xw_walk *w = data;
	struct rnd_state rnd;
	unsigned int i;

	prandom_seed_state(&rnd, (u64)(unsigned long)current ^ w->seed);
	while (!kthread_should_stop()) {
		struct xw_slot *s = &w->slot[prandom_u32_state(&rnd) % XW_SLOTS];
		struct evtchn_send send;

		if (atomic_read(&w->pause)) {
			usleep_range(200, 400);
			continue;
		}
		spin_lock(&s->lock);
		if (s->state == XW_OPEN) {
			atomic_inc(&s->sent);
			/* The handler this send wakes must find the new count. */
			smp_mb__after_atomic();
			send.port = s->remote;
			if (!xeh_peer_op(EVTCHNOP_send, &send))
				atomic_inc(&w->sends);
		}
		spin_unlock(&s->lock);
		for (i = prandom_u32_state(&rnd) % 4; i; i--)
			cpu_relax();
		cond_resched();
	}
	return 0;
}

static int xw_start_senders(struct xw_walk *w)
{
	unsigned int i;

	for (i = 0; i < XW_SENDERS; i++) {
		w->sender[i] = kthread_run(xw_sender, w, "xw-send/%u", i);
		if (IS_ERR(w->sender[i])) {
			int rc = PTR_ERR(w->sender[i]);

			w->sender[i] = NULL;
			return rc;
		}
	}
	return 0;
}

static void xw_stop_senders(struct xw_walk *w)
{
	unsigned int i;

	for (i = 0; i < XW_SENDERS; i++)
		if (w->sender[i])
			kthread_stop(w->sender[i]);
}

/* --- the walker's operations ---------------------------------------------- */

static void xw_note(struct xw_walk *w, enum xw_op op, unsigned int slot,
		    unsigned int arg)
{
	unsigned int *e = w->log[w->nr_ops % XW_LOG];

	e[0] = op;
	e[1] = slot;
	e[2] = arg;
	w->nr_ops++;
}

static void xw_fail(struct xw_walk *w, const char *fmt, unsigned int slot,
		    int a, int b)
{
	struct kunit *test = w->test;
	unsigned int i, n = min_t(unsigned int, w->nr_ops, XW_LOG);

	if (w->failed)
		return;
	w->failed = true;
	KUNIT_FAIL(test, "seed %u, after %u operations: slot %u: %s (%d, %d)",
		   w->seed, w->nr_ops, slot, fmt, a, b);
	for (i = w->nr_ops - n; i < w->nr_ops; i++) {
		unsigned int *e = w->log[i % XW_LOG];

		kunit_info(test, "  op %u: %s slot %u arg %u\n", i, xw_op_names[e[0]],
			   e[1], e[2]);
	}
}

static void xw_open(struct xw_walk *w, struct xw_slot *s)
{
	bool lateeoi = prandom_u32_state(&w->rnd) & 1;
	evtchn_port_t local, remote;
	int irq;

	if (xeh_peer_pair(&local, &remote))
		return;
	atomic_set(&s->sent, 0);
	atomic_set(&s->seen, 0);
	atomic_set(&s->runs, 0);
	WRITE_ONCE(s->unbound, false);
	WRITE_ONCE(s->lateeoi, lateeoi);
	s->local = local;
	s->remote = remote;
	irq = lateeoi ?
	      bind_evtchn_to_irqhandler_lateeoi(s->local, xw_handler, 0, "xw", s) :
	      bind_evtchn_to_irqhandler(s->local, xw_handler, 0, "xw", s);
	if (irq <= 0) {
		struct evtchn_close cl = { .port = s->remote };

		xeh_peer_op(EVTCHNOP_close, &cl);
		xw_fail(w, "bind failed", s - w->slot, irq, lateeoi);
		return;
	}
	s->irq = irq;
	s->enabled = true;
	spin_lock(&s->lock);
	s->state = XW_OPEN;
	spin_unlock(&s->lock);
}

static void xw_close(struct xw_walk *w, struct xw_slot *s)
{
	struct evtchn_close cl = { .port = s->remote };

	spin_lock(&s->lock);
	s->state = XW_CLOSED;
	spin_unlock(&s->lock);
	if (!s->enabled)
		enable_irq(s->irq);
	unbind_from_irqhandler(s->irq, s);
	WRITE_ONCE(s->unbound, true);
	xeh_peer_op(EVTCHNOP_close, &cl);
	s->irq = 0;
}

/* Every open, enabled slot's handler has seen its last send. */
static void xw_check(struct xw_walk *w)
{
	unsigned int i, waited;

	atomic_set(&w->pause, 1);
	/* A sender in the middle of its send finishes it under the lock. */
	for (i = 0; i < XW_SLOTS; i++) {
		spin_lock(&w->slot[i].lock);
		spin_unlock(&w->slot[i].lock);
	}
	for (i = 0; i < XW_SLOTS; i++) {
		struct xw_slot *s = &w->slot[i];

		if (s->state != XW_OPEN || !s->enabled)
			continue;
		for (waited = 0; waited < XW_QUIET_WAIT_MS &&
		     atomic_read(&s->seen) < atomic_read(&s->sent); waited++)
			usleep_range(1000, 1100);
		if (atomic_read(&s->seen) < atomic_read(&s->sent))
			xw_fail(w, "lost wake-up: handler never saw the last send", i,
				atomic_read(&s->seen), atomic_read(&s->sent));
	}
	atomic_set(&w->pause, 0);
}

static void xw_hotplug(struct xw_walk *w)
{
	int rc;

	if (!cpu_online(XW_HOTPLUG_CPU) || !cpu_is_hotpluggable(XW_HOTPLUG_CPU))
		return;
	rc = remove_cpu(XW_HOTPLUG_CPU);
	if (rc) {
		xw_fail(w, "CPU offline failed", XW_HOTPLUG_CPU, rc, 0);
		return;
	}
	rc = add_cpu(XW_HOTPLUG_CPU);
	if (rc)
		xw_fail(w, "CPU online failed", XW_HOTPLUG_CPU, rc, 0);
}

static void xw_move(struct xw_walk *w, struct xw_slot *s, unsigned int cpu)
{
	if (cpu_online(cpu))
		irq_set_affinity(s->irq, cpumask_of(cpu));
}

/* Which operation, weighted: mostly traffic-shaping, rarely a hotplug. */
static enum xw_op xw_pick(struct xw_walk *w)
{
	static const u8 weight[XW_NR_OPS] = {
		[XW_OP_OPEN] = 20, [XW_OP_CLOSE] = 12, [XW_OP_DISABLE] = 10,
		[XW_OP_ENABLE] = 12, [XW_OP_MOVE] = 20, [XW_OP_CHECK] = 8,
		[XW_OP_HOTPLUG] = 1,
	};
	unsigned int r = prandom_u32_state(&w->rnd) % 83, op;

	for (op = 0; op < XW_NR_OPS; op++) {
		if (r < weight[op])
			return op;
		r -= weight[op];
	}
	return XW_OP_CHECK;
}

static void xw_note_state(struct xw_walk *w)
{
	unsigned int i, h = 0;

	for (i = 0; i < XW_SLOTS; i++) {
		const struct xw_slot *s = &w->slot[i];
		unsigned int v = s->state == XW_OPEN ?
				 1 + s->enabled + 2 * s->lateeoi : 0;

		h = h * 5 + v;
	}
	__set_bit(h % XW_STATE_BUCKETS, w->states);
}

static void xw_step(struct xw_walk *w)
{
	unsigned int i = prandom_u32_state(&w->rnd) % XW_SLOTS;
	unsigned int cpu = prandom_u32_state(&w->rnd) % num_possible_cpus();
	struct xw_slot *s = &w->slot[i];
	enum xw_op op = xw_pick(w);

	xw_note(w, op, i, cpu);
	switch (op) {
	case XW_OP_OPEN:
		if (s->state == XW_CLOSED)
			xw_open(w, s);
		break;
	case XW_OP_CLOSE:
		if (s->state == XW_OPEN)
			xw_close(w, s);
		break;
	case XW_OP_DISABLE:
		if (s->state == XW_OPEN && s->enabled) {
			disable_irq(s->irq);
			s->enabled = false;
		}
		break;
	case XW_OP_ENABLE:
		if (s->state == XW_OPEN && !s->enabled) {
			enable_irq(s->irq);
			s->enabled = true;
		}
		break;
	case XW_OP_MOVE:
		if (s->state == XW_OPEN)
			xw_move(w, s, cpu);
		break;
	case XW_OP_CHECK:
		xw_check(w);
		break;
	case XW_OP_HOTPLUG:
		xw_hotplug(w);
		break;
	default:
		break;
	}
	xw_note_state(w);
}

static unsigned int xw_bound_ports(void)
{
	struct xm_domain *d = xeh_live();
	unsigned int port, n = 0;

	for (port = 1; port < xm_valid_ports(d); port++)
		n += xm_port_state(d, port) != XM_PORT_FREE;
	return n;
}

static void xw_run_seed(struct kunit *test, unsigned int s, unsigned int nr,
			unsigned long *states, unsigned int *sends)
{
	unsigned int ports = xw_bound_ports(), i;
	struct xw_walk *w;
	int late = 0;

	w = kzalloc(sizeof(*w), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, w);
	w->test = test;
	w->seed = s;
	w->states = states;
	prandom_seed_state(&w->rnd, s);
	for (i = 0; i < XW_SLOTS; i++)
		spin_lock_init(&w->slot[i].lock);
	if (xw_start_senders(w))
		xw_fail(w, "no sender threads", 0, 0, 0);
	for (i = 0; i < nr && !w->failed; i++)
		xw_step(w);
	xw_check(w);
	xw_stop_senders(w);
	for (i = 0; i < XW_SLOTS; i++)
		if (w->slot[i].state == XW_OPEN)
			xw_close(w, &w->slot[i]);
	/* Unbound slots must stay silent: give a stray upcall time to run. */
	msleep(XEH_QUIET_MS);
	for (i = 0; i < XW_SLOTS; i++)
		late += atomic_read(&w->slot[i].late);
	KUNIT_EXPECT_EQ_MSG(test, xw_bound_ports(), ports,
			    "seed %u: ports left bound after the walk", s);
	KUNIT_EXPECT_EQ_MSG(test, late, 0, "seed %u: handler runs after unbind", s);
	*sends += atomic_read(&w->sends);
	kfree(w);
}

/*
 * The fixed seeds of make check (or the ones the parameters ask for),
 * each a walk of @ops operations with senders on the other CPUs.
 */
static void xw_random_walks(struct kunit *test)
{
	unsigned long *states;
	unsigned int i, sends = 0;

	states = kunit_kcalloc(test, BITS_TO_LONGS(XW_STATE_BUCKETS),
			       sizeof(*states), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, states);
	for (i = 0; i < seeds; i++)
		xw_run_seed(test, seed + i, ops, states, &sends);
	kunit_info(test, "walk: %u seeds from %u, %u operations each, %u sends, %u distinct slot states\n",
		   seeds, seed, ops, sends, bitmap_weight(states, XW_STATE_BUCKETS));
}

static int xw_suite_init(struct kunit_suite *suite)
{
	return xeh_peer_create();
}

static void xw_suite_exit(struct kunit_suite *suite)
{
	xeh_peer_destroy();
}

static int xw_test_init(struct kunit *test)
{
	KUNIT_ASSERT_TRUE_MSG(test, xm_booted_on_model() && xeh_peer,
			      "needs a boot with xen_model=... (run-kunit.sh)");
	return 0;
}

static struct kunit_case xw_cases[] = {
	KUNIT_CASE_SLOW(xw_random_walks),
	{}
};

static struct kunit_suite xw_suite = {
	.name = "xen_evtchn_walk",
	.suite_init = xw_suite_init,
	.suite_exit = xw_suite_exit,
	.init = xw_test_init,
	.test_cases = xw_cases,
};

kunit_test_suite(xw_suite);
