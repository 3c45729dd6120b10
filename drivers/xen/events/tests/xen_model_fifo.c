// SPDX-License-Identifier: GPL-2.0-only
/*
 * Software model of Xen: the FIFO ABI (spec 5.3, 4.12-4.14, 6;
 * xen/common/event_fifo.c).
 *
 * Event words live in guest pages that the guest updates with its own
 * atomic operations while the model works on them, so every change of a
 * word is an atomic read-modify-write, and linking uses the LINKED/BUSY
 * compare-exchange protocol with a bounded number of retries. Xen keeps the
 * tail of every queue privately and never reads head[] or clears READY.
 */
#include <linux/atomic.h>
#include <linux/errno.h>
#include <linux/mm.h>
#include <linux/printk.h>
#include "xen_model_internal.h"

#define XM_FIFO_LINK_RETRIES	4	/* spec 5.3.2 */

/* --- event words ------------------------------------------------------------ */

u32 *xm_fifo_word(struct xm_domain *d, u32 port)
{
	unsigned int page = port / XM_FIFO_WORDS_PER_PAGE;

	if (!d->fifo || page >= d->fifo_nr_pages)
		return NULL;
	return &d->fifo_pages[page][port % XM_FIFO_WORDS_PER_PAGE];
}

static bool xm_word_test(u32 *w, unsigned int bit)
{
	return READ_ONCE(*w) & BIT(bit);
}

static bool xm_word_test_and_set(u32 *w, unsigned int bit)
{
	return atomic_fetch_or(BIT(bit), (atomic_t *)w) & BIT(bit);
}

static void xm_word_set(u32 *w, unsigned int bit)
{
	atomic_or(BIT(bit), (atomic_t *)w);
}

static void xm_word_clear(u32 *w, unsigned int bit)
{
	atomic_andnot(BIT(bit), (atomic_t *)w);
}

bool xm_fifo_is_pending(struct xm_domain *d, u32 port)
{
	u32 *w = xm_fifo_word(d, port);

	return w && xm_word_test(w, EVTCHN_FIFO_PENDING);
}

/* spec 3.2: a word still LINKED keeps its port from being reused. */
bool xm_fifo_is_busy(struct xm_domain *d, u32 port)
{
	u32 *w = xm_fifo_word(d, port);

	return w && xm_word_test(w, EVTCHN_FIFO_LINKED);
}

/* Xen's "lost event" warnings become a counter and a quiet line. */
static void xm_fifo_lost(struct xm_domain *d, u32 port, const char *why)
{
	d->fifo_lost++;
	pr_info_ratelimited("xen model: d%u port %u event dropped: %s\n",
			    d->domid, port, why);
}

/* --- linking (spec 5.3.2) ---------------------------------------------------- */

/*
 * One attempt to point the tail word at @port. 1: linked; 0: the guest has
 * consumed the tail (no longer LINKED), so the caller starts a new list;
 * -EAGAIN: the guest changed the word meanwhile (@seen is updated).
 */
static int xm_fifo_try_link(u32 *tail, u32 *seen, u32 port)
{
	u32 next;

	if (!(*seen & BIT(EVTCHN_FIFO_LINKED)))
		return 0;
	next = (*seen & ~(BIT(EVTCHN_FIFO_BUSY) | EVTCHN_FIFO_LINK_MASK)) | port;
	if (try_cmpxchg(tail, seen, next))
		return 1;
	return -EAGAIN;
}

/*
 * spec 5.3.2: if the guest keeps changing the tail word, set BUSY so that
 * a well-behaved guest stops unmasking it, and retry a few times. After
 * the last retry the event counts as linked although nobody will find it:
 * only a misbehaving guest gets there.
 */
static bool xm_fifo_set_link(struct xm_domain *d, u32 tail_port, u32 port)
{
	u32 *tail = xm_fifo_word(d, tail_port);
	unsigned int i;
	u32 seen;
	int ret;

	if (!tail)
		return false;
	seen = READ_ONCE(*tail);
	ret = xm_fifo_try_link(tail, &seen, port);
	if (ret >= 0)
		return ret;
	xm_word_set(tail, EVTCHN_FIFO_BUSY);
	seen = READ_ONCE(*tail);
	for (i = 0; i < XM_FIFO_LINK_RETRIES; i++) {
		ret = xm_fifo_try_link(tail, &seen, port);
		if (ret == 0)
			xm_word_clear(tail, EVTCHN_FIFO_BUSY);
		if (ret >= 0)
			return ret;
	}
	xm_fifo_lost(d, port, "not linked");
	xm_word_clear(tail, EVTCHN_FIFO_BUSY);
	return true;
}

/*
 * spec 5.3.1 step 5: put an event that was on no queue at the end of queue
 * (@vcpu, port priority). Returns true when it became a new HEAD.
 */
static bool xm_fifo_link_event(struct xm_domain *d, unsigned int vcpu,
			       u32 port)
{
	struct xm_port *p = &d->ports[port];
	struct xm_vcpu *vc = &d->vcpus[vcpu];
	struct xm_vcpu *old = &d->vcpus[p->last_vcpu];
	unsigned int prio = p->priority;
	bool linked;
	u32 tail;

	/* a: the old queue's tail must not name an unlinked event (Xen 4.4). */
	if (old->fifo_tail[p->last_prio] == port)
		old->fifo_tail[p->last_prio] = 0;
	/* b: remember where the event went, for the next move. */
	p->last_vcpu = vcpu;
	p->last_prio = prio;
	/* c, d: append to the tail, or start a new list at HEAD. */
	tail = vc->fifo_tail[prio];
	linked = tail && xm_fifo_set_link(d, tail, port);
	if (!linked)
		WRITE_ONCE(vc->fifo_cb->head[prio], port);
	/* e */
	vc->fifo_tail[prio] = port;
	return !linked;
}

/* --- raise, clear, unmask (spec 5.3.1, 5.3.4, 5.3.5) ------------------------- */

void xm_fifo_raise(struct xm_domain *d, unsigned int vcpu, u32 port)
{
	struct xm_vcpu *vc = &d->vcpus[vcpu];
	u32 *w = xm_fifo_word(d, port);
	unsigned int prio;
	bool was_pending;
	bool new_head = false;

	/* 1: no array page yet: only the hidden flag remembers the event. */
	if (!w) {
		d->ports[port].sw_pending = true;
		return;
	}
	/* 3: no control block: dropped; before Xen 4.17 PENDING was still set. */
	if (!vc->fifo_cb) {
		if (!xm_version_at_least(d, 4, 17))
			xm_word_set(w, EVTCHN_FIFO_PENDING);
		xm_fifo_lost(d, port, "no control block");
		return;
	}
	prio = d->ports[port].priority;
	was_pending = xm_word_test_and_set(w, EVTCHN_FIFO_PENDING);
	/* 5: only an unmasked event that was on no queue gets linked. */
	if (!xm_word_test(w, EVTCHN_FIFO_MASKED) &&
	    !xm_word_test_and_set(w, EVTCHN_FIFO_LINKED))
		new_head = xm_fifo_link_event(d, vcpu, port);
	/* 6: an upcall only for a new HEAD whose READY bit was clear. */
	if (new_head &&
	    !(atomic_fetch_or(BIT(prio), (atomic_t *)&vc->fifo_cb->ready) &
	      BIT(prio)))
		xm_mark_events_pending(d, vcpu);
	/* 7 */
	if (!was_pending)
		xm_wake_pollers(d, port);
}

/* spec 5.3.4: PENDING only; a LINKED word stays on its queue ("busy"). */
void xm_fifo_clear(struct xm_domain *d, u32 port)
{
	u32 *w = xm_fifo_word(d, port);

	if (w)
		xm_word_clear(w, EVTCHN_FIFO_PENDING);
}

/* spec 5.3.5: clear MASKED, then a pending event is raised again. */
void xm_fifo_unmask(struct xm_domain *d, u32 port)
{
	u32 *w = xm_fifo_word(d, port);

	if (!w)
		return;
	xm_word_clear(w, EVTCHN_FIFO_MASKED);
	if (xm_word_test(w, EVTCHN_FIFO_PENDING))
		xm_fifo_raise(d, d->ports[port].notify_vcpu, port);
}

/* --- ABI switches (spec 6) -------------------------------------------------- */

/* spec 4.11, 6.3: back to 2-level; pages and control blocks are forgotten. */
void xm_fifo_teardown(struct xm_domain *d)
{
	unsigned int v;

	d->fifo = false;
	memset(d->fifo_pages, 0, sizeof(d->fifo_pages));
	d->fifo_nr_pages = 0;
	for (v = 0; v < XM_MAX_VCPUS; v++) {
		d->vcpus[v].fifo_cb = NULL;
		memset(d->vcpus[v].fifo_tail, 0, sizeof(d->vcpus[v].fifo_tail));
	}
}

/*
 * spec 4.12 step 5, 6.1, xen/common/event_fifo.c (setup_ports): 2-level
 * pending bits become hidden flags (the bits themselves stay set in
 * shared_info) and every valid port gets the default priority.
 */
static void xm_fifo_adopt_2l_ports(struct xm_domain *d)
{
	unsigned int nr = min_t(unsigned int, d->valid_ports, XM_2L_NR_PORTS);
	u32 port;

	for (port = 1; port < nr; port++) {
		if (test_bit(port, d->shinfo->evtchn_pending))
			d->ports[port].sw_pending = true;
		d->ports[port].priority = EVTCHN_FIFO_PRIORITY_DEFAULT;
	}
}

/* The errno a Xen without FIFO gives before the argument is read. */
static long xm_fifo_absent_early(const struct xm_domain *d)
{
	return d->cfg.fifo_errno == -XM_ENOSYS ? -XM_ENOSYS : 0;
}

/* spec 4.12 */
long xm_fifo_init_control(struct xm_caller *c, unsigned long arg)
{
	struct xm_domain *d = c->d;
	struct evtchn_init_control a;
	struct xm_vcpu *vc;
	long ret = xm_fifo_absent_early(d);

	if (ret)
		return ret;
	if (xm_copy_in(&a, arg, sizeof(a)))
		return -EFAULT;
	/* spec 11: Xen built without CONFIG_EVTCHN_FIFO. */
	if (d->cfg.fifo_errno)
		return d->cfg.fifo_errno;
	/* Injected by a test: this vCPU's registration fails, no effect. */
	if (d->fail_init_err && a.vcpu == d->fail_init_vcpu)
		return d->fail_init_err;
	if (!xm_vcpu_exists(d, a.vcpu))
		return -ENOENT;
	if (a.offset > PAGE_SIZE - XM_FIFO_CB_SIZE || (a.offset & 7))
		return -EINVAL;
	vc = &d->vcpus[a.vcpu];
	/* spec 6.2: one control block per vCPU; no way to move it. */
	if (d->fifo && vc->fifo_cb)
		return -EINVAL;
	/* On a first call this failure leaves the domain 2-level. */
	if (!xm_gfn_usable(d, a.control_gfn))
		return -EINVAL;
	if (!d->fifo) {
		/* spec 4.12 step 1-2: empty queues for all vCPUs, no pages. */
		xm_fifo_teardown(d);
		d->fifo = true;
		xm_fifo_adopt_2l_ports(d);
	}
	/* spec 4.12: Xen neither zeroes nor reads the control block. */
	vc->fifo_cb = pfn_to_kaddr(a.control_gfn) + a.offset;
	a.link_bits = EVTCHN_FIFO_LINK_BITS;
	return xm_copy_out(arg, &a, sizeof(a));
}

/*
 * spec 4.13: the page covers the next 1024 ports; events remembered in
 * hidden flags are raised now, whatever the port's state, and the flags
 * stay set (spec 6.4).
 */
long xm_fifo_expand_array(struct xm_caller *c, unsigned long arg)
{
	struct xm_domain *d = c->d;
	struct evtchn_expand_array a;
	long ret = xm_fifo_absent_early(d);
	u32 port, first, end;

	if (ret)
		return ret;
	if (xm_copy_in(&a, arg, sizeof(a)))
		return -EFAULT;
	if (d->cfg.fifo_errno || !d->fifo)
		return -EOPNOTSUPP;
	if (d->fifo_nr_pages >= XM_FIFO_MAX_PAGES)
		return -ENOSPC;
	if (!xm_gfn_usable(d, a.array_gfn))
		return -EINVAL;
	/* Xen does not initialise the page; the guest masks every word. */
	d->fifo_pages[d->fifo_nr_pages++] = pfn_to_kaddr(a.array_gfn);
	first = (d->fifo_nr_pages - 1) * XM_FIFO_WORDS_PER_PAGE;
	end = min_t(u32, first + XM_FIFO_WORDS_PER_PAGE, d->valid_ports);
	for (port = first; port < end; port++)
		if (d->ports[port].sw_pending)
			xm_fifo_raise(d, d->ports[port].notify_vcpu, port);
	return 0;
}

/* spec 4.14: future links only; a LINKED event stays on its queue. */
long xm_fifo_set_priority(struct xm_caller *c, unsigned long arg)
{
	struct xm_domain *d = c->d;
	struct evtchn_set_priority a;
	long ret = xm_fifo_absent_early(d);

	if (ret)
		return ret;
	if (xm_copy_in(&a, arg, sizeof(a)))
		return -EFAULT;
	if (!xm_port_valid_locked(d, a.port))
		return -EINVAL;
	/* spec 4.14, xen/common/event_channel.h: 2-level has no such hook. */
	if (!d->fifo)
		return -XM_ENOSYS;
	if (!xm_port_usable(&d->ports[a.port]))
		return -EACCES;
	if (a.priority > EVTCHN_FIFO_PRIORITY_MIN)
		return -EINVAL;
	d->ports[a.port].priority = a.priority;
	return 0;
}
