// SPDX-License-Identifier: GPL-2.0-only
/*
 * The FIFO ABI: one 32-bit event word per port in an event array made of
 * guest pages, and per vCPU a control block with 16 priority queues. Xen
 * links a raised port onto the tail of its vCPU's queue (LINK field of the
 * previous tail word), writes the queue's HEAD when it starts a new list
 * and then sets the queue's READY bit. We pop events from the head.
 *
 * Who may change a word: Xen sets PENDING, LINKED and LINK (holding BUSY
 * while it retries a link); we may set or clear MASKED (clear only while
 * BUSY is clear), clear PENDING, and clear LINKED together with LINK.
 * Every change is one atomic operation on the word.
 */
#define pr_fmt(fmt) "xen:" KBUILD_MODNAME ": " fmt

#include <linux/atomic.h>
#include <linux/bitops.h>
#include <linux/cpu.h>
#include <linux/irqflags.h>
#include <linux/mm.h>
#include <linux/mutex.h>
#include <linux/percpu.h>
#include <linux/rcupdate.h>
#include <linux/string.h>

#include <asm/xen/hypercall.h>

#include <xen/events.h>
#include <xen/page.h>
#include <xen/xen-ops.h>
#include <xen/interface/event_channel.h>

#include "events_internal.h"

/* Xen's event array pages are 4 KiB whatever the kernel's page size. */
#define XEN_FIFO_WORDS_PER_PAGE	(XEN_PAGE_SIZE / sizeof(event_word_t))
#define XEN_FIFO_MAX_PAGES	(EVTCHN_FIFO_NR_CHANNELS / XEN_FIFO_WORDS_PER_PAGE)
#define XEN_FIFO_ALL_QUEUES	(BIT(EVTCHN_FIFO_MAX_QUEUES) - 1)

#define XEN_FIFO_PENDING	((u32)BIT(EVTCHN_FIFO_PENDING))
#define XEN_FIFO_MASKED		((u32)BIT(EVTCHN_FIFO_MASKED))
#define XEN_FIFO_LINKED		((u32)BIT(EVTCHN_FIFO_LINKED))
#define XEN_FIFO_BUSY		((u32)BIT(EVTCHN_FIFO_BUSY))
#define XEN_FIFO_LINK		((u32)EVTCHN_FIFO_LINK_MASK)

/* Local unmask attempts while Xen holds BUSY before asking Xen instead. */
#define XEN_FIFO_UNMASK_TRIES	8

/**
 * struct xen_fifo_cpu - per-CPU consumer state
 * @cb: this CPU's control block page (kept for the life of the kernel)
 * @registered: @cb is registered with Xen in the current domain
 * @head: next port to take from each queue; 0 = read HEAD from @cb
 * @carry: READY bits left over by a run that stopped early, or forced
 *	after resume
 */
struct xen_fifo_cpu {
	struct evtchn_fifo_control_block *cb;
	bool registered;
	u32 head[EVTCHN_FIFO_MAX_QUEUES];
	u32 carry;
};

static DEFINE_PER_CPU(struct xen_fifo_cpu, xen_fifo_cpu);
/* Serialises control block registration (bring-up, binding). */
static DEFINE_MUTEX(xen_fifo_cb_lock);

/*
 * The event array. Pages stay allocated once added, so a resumed domain
 * re-adds the same pages without allocating. xen_fifo_nr_pages counts the
 * pages Xen knows in the current domain; it only grows (under
 * xen_fifo_grow_lock) and is read by the upcall.
 */
static event_word_t *xen_fifo_pages[XEN_FIFO_MAX_PAGES];
static unsigned int xen_fifo_nr_pages;

static atomic_long_t xen_fifo_link_errors = ATOMIC_LONG_INIT(0);

/*
 * The last reattach found our control blocks still registered: the same
 * domain, whose queues and HEADs are intact (and may be stale where our
 * cursor is 0: never force those).
 */
static bool xen_fifo_same_domain;

/* Corrupted links seen by the consumer (tests read this). */
unsigned long xen_evtchn_fifo_link_errors(void)
{
	return atomic_long_read(&xen_fifo_link_errors);
}

static unsigned int xen_fifo_port_span(void)
{
	/* Pairs with the release in xen_fifo_add_page_locked(). */
	return smp_load_acquire(&xen_fifo_nr_pages) * XEN_FIFO_WORDS_PER_PAGE;
}

/* The word of @port as an atomic, or NULL if no array page covers it. */
static atomic_t *xen_fifo_word(evtchn_port_t port)
{
	unsigned int page = port / XEN_FIFO_WORDS_PER_PAGE;

	/* A page counted here is initialised and known to Xen. */
	if (page >= smp_load_acquire(&xen_fifo_nr_pages))
		return NULL;
	/* An event word is a u32 that Xen and we update atomically. */
	return (atomic_t *)&xen_fifo_pages[page][port % XEN_FIFO_WORDS_PER_PAGE];
}

/*
 * All words MASKED: a port only becomes live when a binding unmasks it.
 * Xen does not see the page until EVTCHNOP_expand_array, so plain stores
 * do (and a resume re-adds every page this way).
 */
static void xen_fifo_init_page(event_word_t *words)
{
	memset32(words, XEN_FIFO_MASKED, XEN_FIFO_WORDS_PER_PAGE);
}

/*
 * Grows the array; PIRQs bind their port in irq_startup, under a
 * descriptor lock, so bindings do not all hold the bind mutex.
 */
static DEFINE_RAW_SPINLOCK(xen_fifo_grow_lock);

/* Add page @n (allocated already): mask it, give it to Xen, publish it. */
static int xen_fifo_add_page_locked(unsigned int n)
{
	struct evtchn_expand_array op;
	int rc;

	lockdep_assert_held(&xen_fifo_grow_lock);
	/*
	 * Xen neither clears nor reads the page before using it, and it may
	 * raise parked events into it at once: it must be fully masked first.
	 */
	xen_fifo_init_page(xen_fifo_pages[n]);
	op.array_gfn = virt_to_gfn(xen_fifo_pages[n]);
	rc = HYPERVISOR_event_channel_op(EVTCHNOP_expand_array, &op);
	if (rc)
		return rc;
	/* Publish the page only once it is masked and accepted by Xen. */
	smp_store_release(&xen_fifo_nr_pages, n + 1);
	return 0;
}

/* One more page; the allocation (with @gfp) happens outside the lock. */
static int xen_fifo_add_page(gfp_t gfp)
{
	unsigned int n = READ_ONCE(xen_fifo_nr_pages);
	event_word_t *fresh = NULL;
	unsigned long flags;
	int rc = 0;

	if (n >= XEN_FIFO_MAX_PAGES)
		return -ENOSPC;
	/* Pages stay allocated once added: a resumed domain re-adds them. */
	if (!READ_ONCE(xen_fifo_pages[n])) {
		fresh = (event_word_t *)get_zeroed_page(gfp);
		if (!fresh)
			return -ENOMEM;
	}
	raw_spin_lock_irqsave(&xen_fifo_grow_lock, flags);
	/* Another binder added page n meanwhile: the caller looks again. */
	if (xen_fifo_nr_pages == n) {
		if (!xen_fifo_pages[n]) {
			xen_fifo_pages[n] = fresh;
			fresh = NULL;
		}
		rc = xen_fifo_add_page_locked(n);
	}
	raw_spin_unlock_irqrestore(&xen_fifo_grow_lock, flags);
	if (fresh)
		free_page((unsigned long)fresh);
	return rc;
}

/* Any context; @gfp says what the caller may wait for. */
static int xen_fifo_port_setup(evtchn_port_t port, gfp_t gfp)
{
	int rc;

	while (port >= xen_fifo_port_span()) {
		rc = xen_fifo_add_page(gfp);
		if (rc) {
			pr_err("cannot grow the event array to port %u: %d\n",
			       port, rc);
			return rc;
		}
	}
	return 0;
}

/* Xen queues per vCPU on its own; the consumer needs no bookkeeping. */
static void xen_fifo_port_moved(evtchn_port_t port, unsigned int cpu,
				unsigned int old_cpu)
{
}

static void xen_fifo_clear_bits(evtchn_port_t port, u32 bits)
{
	atomic_t *word = xen_fifo_word(port);

	if (word)
		atomic_andnot(bits, word);
}

static void xen_fifo_set_bits(evtchn_port_t port, u32 bits)
{
	atomic_t *word = xen_fifo_word(port);

	if (word)
		atomic_or(bits, word);
}

static void xen_fifo_port_clear(evtchn_port_t port)
{
	xen_fifo_clear_bits(port, XEN_FIFO_PENDING);
}

static void xen_fifo_port_raise(evtchn_port_t port)
{
	xen_fifo_set_bits(port, XEN_FIFO_PENDING);
}

static bool xen_fifo_port_raised(evtchn_port_t port)
{
	atomic_t *word = xen_fifo_word(port);

	return word && (atomic_read(word) & XEN_FIFO_PENDING);
}

static void xen_fifo_port_mask(evtchn_port_t port)
{
	xen_fifo_set_bits(port, XEN_FIFO_MASKED);
}

static void xen_fifo_unmask_by_xen(evtchn_port_t port)
{
	struct evtchn_unmask op = { .port = port };

	if (HYPERVISOR_event_channel_op(EVTCHNOP_unmask, &op))
		pr_warn_ratelimited("EVTCHNOP_unmask of port %u failed\n", port);
}

/*
 * Clearing MASKED ourselves is only right for a port that is not pending:
 * a pending one was not linked while masked and only Xen can link it now
 * (EVTCHNOP_unmask clears MASKED and raises it). Doing both would unmask
 * twice. The clear must not happen while Xen holds BUSY on the word, so
 * the expected value always has BUSY clear; if Xen keeps BUSY for long we
 * let Xen do the unmask instead of spinning.
 */
static void xen_fifo_port_unmask(evtchn_port_t port)
{
	atomic_t *word = xen_fifo_word(port);
	unsigned int tries;
	int old;

	if (!word)
		return;
	old = atomic_read(word);
	for (tries = 0; tries < XEN_FIFO_UNMASK_TRIES; tries++) {
		if (old & XEN_FIFO_PENDING)
			break;
		if (!(old & XEN_FIFO_MASKED))
			return;
		old &= ~XEN_FIFO_BUSY;
		if (atomic_try_cmpxchg(word, &old, old & ~XEN_FIFO_MASKED))
			return;
		cpu_relax();
	}
	xen_fifo_unmask_by_xen(port);
}

static void xen_fifo_link_error(struct xen_fifo_cpu *fc, unsigned int q,
				evtchn_port_t port, u32 word)
{
	atomic_long_inc(&xen_fifo_link_errors);
	fc->head[q] = 0;
	pr_warn_ratelimited("queue %u: bad event link at port %u (word %#x)\n",
			    q, port, word);
}

/*
 * Take the head event of queue @q. Returns true while the queue has more.
 *
 * Xen writes HEAD before it sets READY, so a READY bit seen means HEAD may
 * be read (after a read barrier). Clearing LINKED and reading LINK is one
 * atomic step: if Xen appends to this word at the same moment, either its
 * link lands first (we see it and follow it) or our clear does (Xen then
 * finds the tail unlinked and starts a new list with a new HEAD and READY,
 * which is why an empty cursor always re-reads HEAD).
 */
static bool xen_fifo_pop(struct xen_fifo_cpu *fc, unsigned int q,
			 struct xen_evtchn_loop *loop)
{
	evtchn_port_t port = fc->head[q];
	atomic_t *word;
	u32 old, next;

	if (!port) {
		/* READY was seen set; HEAD was written before it. */
		virt_rmb();
		port = READ_ONCE(fc->cb->head[q]);
		if (!port)
			return false;
	}
	word = xen_fifo_word(port);
	if (!word) {
		xen_fifo_link_error(fc, q, port, 0);
		return false;
	}
	old = atomic_fetch_andnot(XEN_FIFO_LINKED | XEN_FIFO_LINK, word);
	/* An unlinked word on our list: a loop or a corrupted link. */
	if (!(old & XEN_FIFO_LINKED)) {
		xen_fifo_link_error(fc, q, port, old);
		return false;
	}
	next = old & XEN_FIFO_LINK;
	fc->head[q] = next;
	if ((old & (XEN_FIFO_PENDING | XEN_FIFO_MASKED)) == XEN_FIFO_PENDING)
		xen_evtchn_dispatch(port, loop);
	return next != 0;
}

/*
 * Serve the queues of @fc, highest priority first, one event at a time so
 * a newly ready higher-priority queue is served next. A run takes at most
 * as many events as there are ports (plus the queue count): every port is
 * on a list at most once, so only Xen re-raising ports endlessly, or a
 * corrupted list, reaches the bound; the rest is carried to the next run.
 * Returns true if the run stopped early.
 */
static bool xen_fifo_consume(struct xen_fifo_cpu *fc, u32 ready,
			     struct xen_evtchn_loop *loop)
{
	unsigned long budget = xen_fifo_port_span() + EVTCHN_FIFO_MAX_QUEUES;
	unsigned int q;

	while (ready) {
		if (!budget--) {
			fc->carry |= ready;
			return true;
		}
		q = __ffs(ready);
		if (!xen_fifo_pop(fc, q, loop))
			ready &= ~BIT(q);
		ready |= xchg(&fc->cb->ready, 0);
	}
	return false;
}

static void xen_fifo_scan(struct xen_evtchn_loop *loop)
{
	struct xen_fifo_cpu *fc = this_cpu_ptr(&xen_fifo_cpu);
	u32 ready;

	if (unlikely(!fc->cb || !fc->registered))
		return;
	ready = xchg(&fc->cb->ready, 0) | fc->carry;
	fc->carry = 0;
	/* Stopped early: come round again rather than leave events behind. */
	if (xen_fifo_consume(fc, ready, loop))
		WRITE_ONCE(__this_cpu_read(xen_vcpu)->evtchn_upcall_pending, 1);
}

static int xen_fifo_set_priority(evtchn_port_t port, unsigned int priority)
{
	struct evtchn_set_priority op = { .port = port, .priority = priority };

	return HYPERVISOR_event_channel_op(EVTCHNOP_set_priority, &op);
}

static int xen_fifo_init_control(unsigned int cpu)
{
	struct xen_fifo_cpu *fc = per_cpu_ptr(&xen_fifo_cpu, cpu);
	struct evtchn_init_control op = {
		.control_gfn = virt_to_gfn(fc->cb),
		.offset = 0,
		.vcpu = xen_vcpu_nr(cpu),
	};

	return HYPERVISOR_event_channel_op(EVTCHNOP_init_control, &op);
}

/* A fresh registration: Xen does not clear the block, we must. */
static void xen_fifo_reset_consumer(struct xen_fifo_cpu *fc)
{
	clear_page(fc->cb);
	memset(fc->head, 0, sizeof(fc->head));
	fc->carry = 0;
}

static int xen_fifo_register_cpu(unsigned int cpu)
{
	struct xen_fifo_cpu *fc = per_cpu_ptr(&xen_fifo_cpu, cpu);
	int rc;

	if (fc->registered)
		return 0;
	if (!fc->cb) {
		fc->cb = (void *)get_zeroed_page(GFP_KERNEL);
		if (!fc->cb)
			return -ENOMEM;
	}
	xen_fifo_reset_consumer(fc);
	rc = xen_fifo_init_control(cpu);
	if (!rc)
		fc->registered = true;
	return rc;
}

/*
 * A CPU must have its control block before anything is bound to it: Xen
 * drops events for a vCPU without one. Failing here fails that CPU's
 * bring-up (or the binding), which keeps the domain wholly on FIFO.
 */
static int xen_fifo_cpu_prepare(unsigned int cpu)
{
	int rc;

	mutex_lock(&xen_fifo_cb_lock);
	rc = xen_fifo_register_cpu(cpu);
	mutex_unlock(&xen_fifo_cb_lock);
	if (rc)
		pr_err("CPU %u: EVTCHNOP_init_control failed (%d), CPU refused\n",
		       cpu, rc);
	return rc;
}

/*
 * Xen keeps a dead vCPU's control block and whatever is still linked on
 * its queues. Take those events off (a LINKED port stays busy in Xen
 * otherwise) and have the core re-raise each where its port lives now.
 */
static int xen_fifo_cpu_dead(unsigned int cpu)
{
	struct xen_fifo_cpu *fc = per_cpu_ptr(&xen_fifo_cpu, cpu);
	struct xen_evtchn_loop loop = { .cpu = cpu, .rehome = true };
	unsigned long flags;
	unsigned int q;
	u32 ready;

	if (!fc->cb || !fc->registered)
		return 0;
	ready = xchg(&fc->cb->ready, 0) | fc->carry;
	fc->carry = 0;
	for (q = 0; q < EVTCHN_FIFO_MAX_QUEUES; q++)
		if (fc->head[q])
			ready |= BIT(q);

	local_irq_save(flags);
	rcu_read_lock();
	if (xen_fifo_consume(fc, ready, &loop))
		pr_err("CPU %u: queues not fully drained\n", cpu);
	rcu_read_unlock();
	local_irq_restore(flags);
	return 0;
}

/*
 * After save/restore. In a new domain Xen has no FIFO state: the first
 * init_control switches it to FIFO with an empty event array, so the array
 * is re-added page by page as ports are bound again. Until a page exists
 * Xen writes nothing into control blocks, so clearing them after their
 * registration is safe. -EINVAL means the block is still registered: this
 * is the same domain (a cancelled suspend), whose state must be kept.
 * The first CPU decides: any other failure there makes the caller fall
 * back to 2-level.
 */
static int xen_fifo_reattach(void)
{
	bool first = true, same_domain = false;
	unsigned int cpu;
	int rc;

	for_each_possible_cpu(cpu)
		per_cpu_ptr(&xen_fifo_cpu, cpu)->registered = false;

	for_each_online_cpu(cpu) {
		struct xen_fifo_cpu *fc = per_cpu_ptr(&xen_fifo_cpu, cpu);

		if (!fc->cb) {
			pr_err("resume: CPU %u has no control block\n", cpu);
			continue;
		}
		rc = xen_fifo_init_control(cpu);
		if (first && rc && rc != -EINVAL)
			return rc;
		if (first) {
			same_domain = rc == -EINVAL;
			if (!same_domain)
				xen_fifo_nr_pages = 0;
			xen_fifo_same_domain = same_domain;
			first = false;
		}
		if (rc == -EINVAL && same_domain) {
			fc->registered = true;
			continue;
		}
		if (rc) {
			pr_err("resume: CPU %u: EVTCHNOP_init_control failed (%d), it gets no events\n",
			       cpu, rc);
			continue;
		}
		xen_fifo_reset_consumer(fc);
		fc->registered = true;
	}
	return 0;
}

/*
 * Every queue of every online CPU is looked at by its next upcall. In the
 * same domain Xen's READY bits are still right and a forced queue would
 * read a HEAD Xen wrote long ago: only the flag is set there.
 */
static void xen_fifo_rescan(void)
{
	unsigned int cpu;

	for_each_online_cpu(cpu) {
		struct vcpu_info *vcpu = per_cpu(xen_vcpu, cpu);

		if (!xen_fifo_same_domain)
			per_cpu_ptr(&xen_fifo_cpu, cpu)->carry = XEN_FIFO_ALL_QUEUES;
		if (vcpu)
			WRITE_ONCE(vcpu->evtchn_upcall_pending, 1);
	}
}

static void xen_fifo_debug_dump(void)
{
	unsigned int cpu;

	for_each_online_cpu(cpu) {
		struct xen_fifo_cpu *fc = per_cpu_ptr(&xen_fifo_cpu, cpu);

		if (!fc->cb)
			continue;
		pr_info("CPU %u: registered %d, ready %#x, carry %#x, heads %*ph\n",
			cpu, fc->registered, READ_ONCE(fc->cb->ready), fc->carry,
			(int)sizeof(fc->cb->head), fc->cb->head);
	}
	pr_info("event array: %u pages, %lu link errors\n",
		xen_fifo_nr_pages, xen_evtchn_fifo_link_errors());
}

static const struct xen_evtchn_abi xen_evtchn_abi_fifo = {
	.name		= "FIFO-based",
	.nr_ports	= EVTCHN_FIFO_NR_CHANNELS,
	.port_span	= xen_fifo_port_span,
	.port_setup	= xen_fifo_port_setup,
	.port_moved	= xen_fifo_port_moved,
	.port_clear	= xen_fifo_port_clear,
	.port_raise	= xen_fifo_port_raise,
	.port_raised	= xen_fifo_port_raised,
	.port_mask	= xen_fifo_port_mask,
	.port_unmask	= xen_fifo_port_unmask,
	.scan		= xen_fifo_scan,
	.set_priority	= xen_fifo_set_priority,
	.reattach	= xen_fifo_reattach,
	.rescan		= xen_fifo_rescan,
	.cpu_prepare	= xen_fifo_cpu_prepare,
	.cpu_dead	= xen_fifo_cpu_dead,
	.debug_dump	= xen_fifo_debug_dump,
};

/**
 * xen_evtchn_fifo_select() - try to switch the domain to the FIFO ABI
 *
 * The first EVTCHNOP_init_control is what switches the domain; if it fails
 * for any reason the domain is still on 2-level and the caller uses that.
 * CPUs other than the boot CPU are normally not online yet at this point
 * (the choice is made before SMP bring-up); any that are get registered
 * here too, and a failure for one of them is reported.
 *
 * Return: the ABI's operations, or NULL if FIFO is not available.
 */
const struct xen_evtchn_abi *xen_evtchn_fifo_select(void)
{
	unsigned int boot = smp_processor_id(), cpu;
	int rc;

	mutex_lock(&xen_fifo_cb_lock);
	rc = xen_fifo_register_cpu(boot);
	if (rc) {
		mutex_unlock(&xen_fifo_cb_lock);
		pr_info("FIFO ABI unavailable, EVTCHNOP_init_control: %d\n", rc);
		return NULL;
	}
	for_each_online_cpu(cpu) {
		if (cpu == boot)
			continue;
		rc = xen_fifo_register_cpu(cpu);
		if (rc)
			pr_err("CPU %u: EVTCHNOP_init_control failed (%d), it gets no events\n",
			       cpu, rc);
	}
	mutex_unlock(&xen_fifo_cb_lock);
	return &xen_evtchn_abi_fifo;
}
