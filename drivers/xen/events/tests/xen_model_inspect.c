// SPDX-License-Identifier: GPL-2.0-only
/*
 * Software model of Xen: Xen-side event sources a test can trigger, and
 * read-only views of the model's per-port and FIFO state.
 */
#include <linux/errno.h>
#include "xen_model_internal.h"

/* --- Xen-side event sources -------------------------------------------------- */

/**
 * xm_raise_raw() - raise a port whatever its state
 * @d: the domain
 * @vcpu: the vCPU to notify
 * @port: the port
 *
 * The domain's ABI raise path runs without the usability check of spec
 * 5.1: a hypervisor signalling ports it should not.
 */
void xm_raise_raw(struct xm_domain *d, unsigned int vcpu, evtchn_port_t port)
{
	unsigned long flags;

	if (port >= XM_FIFO_NR_PORTS)
		return;
	raw_spin_lock_irqsave(&xm_lock, flags);
	xm_raise(d, vcpu, port);
	raw_spin_unlock_irqrestore(&xm_lock, flags);
}

/**
 * xm_upcall_raw() - an upcall with nothing behind it
 * @d: the domain
 * @vcpu: the vCPU interrupted
 *
 * spec 7.3's assertion (vector, global vector or the line) without the
 * 0 -> 1 change of evtchn_upcall_pending that normally comes first.
 */
void xm_upcall_raw(struct xm_domain *d, unsigned int vcpu)
{
	unsigned long flags;

	if (!xm_vcpu_exists(d, vcpu))
		return;
	raw_spin_lock_irqsave(&xm_lock, flags);
	xm_assert_upcall(d, vcpu);
	raw_spin_unlock_irqrestore(&xm_lock, flags);
}

/**
 * xm_status_lie() - make EVTCHNOP_status lie about one port
 * @d: the domain asked about
 * @port: the port; 0 ends the lie
 * @lie: status, vcpu and union to answer; NULL ends the lie
 */
void xm_status_lie(struct xm_domain *d, evtchn_port_t port,
		   const struct evtchn_status *lie)
{
	unsigned long flags;

	raw_spin_lock_irqsave(&xm_lock, flags);
	d->status_lie_port = lie ? port : 0;
	if (lie)
		d->status_lie = *lie;
	raw_spin_unlock_irqrestore(&xm_lock, flags);
}

/*
 * spec 5.1, xen/common/event_channel.c (send_guest_vcpu_virq and
 * send_guest_global_virq): per-vCPU VIRQs use that vCPU's binding, the
 * others vCPU 0's binding and the port's notify vCPU.
 */
static u32 xm_fire_virq_locked(struct xm_domain *d, unsigned int vcpu,
			       unsigned int virq)
{
	bool per_vcpu = virq == VIRQ_TIMER || virq == VIRQ_DEBUG ||
			virq == VIRQ_XENOPROF || virq == VIRQ_XENPMU;
	unsigned int holder = per_vcpu ? vcpu : 0;
	u32 port;

	if (virq >= XM_NR_VIRQS || !xm_vcpu_exists(d, holder))
		return 0;
	port = d->vcpus[holder].virq_to_port[virq];
	if (!port)
		return 0;
	xm_raise_if_usable(d, per_vcpu ? vcpu : d->ports[port].notify_vcpu,
			   port);
	return port;
}

/**
 * xm_fire_virq() - fire a VIRQ as Xen would
 * @d: the domain
 * @vcpu: the vCPU, for per-vCPU VIRQs
 * @virq: the VIRQ
 *
 * Return: the port raised, or 0 when the VIRQ is not bound (dropped).
 */
evtchn_port_t xm_fire_virq(struct xm_domain *d, unsigned int vcpu,
			   unsigned int virq)
{
	return XM_LOCKED(xm_fire_virq_locked(d, vcpu, virq));
}

/* spec 3.3, xen/common/event_channel.c (alloc_unbound_xen_event_channel) */
static int xm_alloc_xen_attached_locked(struct xm_domain *d)
{
	struct xm_port *p;
	int port = xm_evtchn_alloc_port(d);

	if (port < 0)
		return port;
	p = &d->ports[port];
	p->state = XM_PORT_UNBOUND;
	p->remote_dom = XM_DOMID_PEER;
	p->remote_port = 0;
	p->notify_vcpu = 0;
	p->priority = EVTCHN_FIFO_PRIORITY_DEFAULT;
	p->xen_attached = true;
	return port;
}

/**
 * xm_alloc_xen_attached() - a port whose consumer is Xen itself
 * @d: the domain
 *
 * Return: the port, or a negative errno from allocation.
 */
int xm_alloc_xen_attached(struct xm_domain *d)
{
	return XM_LOCKED(xm_alloc_xen_attached_locked(d));
}

/* --- per-port state -------------------------------------------------------------- */

static const struct xm_port *xm_port_or_null(struct xm_domain *d, u32 port)
{
	return port < XM_FIFO_NR_PORTS ? &d->ports[port] : NULL;
}

/**
 * xm_port_state() - a port's state
 * @d: the domain
 * @port: the port
 *
 * Return: the state (FREE for ports out of range).
 */
enum xm_port_state xm_port_state(struct xm_domain *d, evtchn_port_t port)
{
	const struct xm_port *p = xm_port_or_null(d, port);

	return p ? p->state : XM_PORT_FREE;
}

/**
 * xm_port_notify_vcpu() - the vCPU a port notifies
 * @d: the domain
 * @port: the port
 *
 * Return: the vCPU id (0 for free ports).
 */
unsigned int xm_port_notify_vcpu(struct xm_domain *d, evtchn_port_t port)
{
	const struct xm_port *p = xm_port_or_null(d, port);

	return p ? p->notify_vcpu : 0;
}

/**
 * xm_port_valid() - is the port below valid_evtchns (spec 3.1)?
 * @d: the domain
 * @port: the port
 *
 * Return: true when valid.
 */
bool xm_port_valid(struct xm_domain *d, evtchn_port_t port)
{
	return port < READ_ONCE(d->valid_ports);
}

/**
 * xm_valid_ports() - valid_evtchns
 * @d: the domain
 *
 * Return: the number of valid port slots (a multiple of 64).
 */
unsigned int xm_valid_ports(struct xm_domain *d)
{
	return READ_ONCE(d->valid_ports);
}

/* --- FIFO ------------------------------------------------------------------------ */

/**
 * xm_is_fifo() - does the domain use the FIFO ABI?
 * @d: the domain
 *
 * Return: true for FIFO, false for 2-level.
 */
bool xm_is_fifo(struct xm_domain *d)
{
	return READ_ONCE(d->fifo);
}

/**
 * xm_fifo_priority() - a port's FIFO priority
 * @d: the domain
 * @port: the port
 *
 * Return: the priority (0 highest .. 15).
 */
unsigned int xm_fifo_priority(struct xm_domain *d, evtchn_port_t port)
{
	const struct xm_port *p = xm_port_or_null(d, port);

	return p ? p->priority : EVTCHN_FIFO_PRIORITY_DEFAULT;
}

/**
 * xm_fifo_hidden_pending() - the port's software pending flag (spec 5.3.1)
 * @d: the domain
 * @port: the port
 *
 * Return: true when set; it is never cleared (spec 6.4).
 */
bool xm_fifo_hidden_pending(struct xm_domain *d, evtchn_port_t port)
{
	const struct xm_port *p = xm_port_or_null(d, port);

	return p && p->sw_pending;
}

/**
 * xm_fifo_tail() - Xen's private tail of a queue
 * @d: the domain
 * @vcpu: the vCPU
 * @prio: the priority
 *
 * Return: the tail port, 0 when the queue is empty.
 */
evtchn_port_t xm_fifo_tail(struct xm_domain *d, unsigned int vcpu,
			   unsigned int prio)
{
	if (!xm_vcpu_exists(d, vcpu) || prio >= XM_NR_PRIOS)
		return 0;
	return d->vcpus[vcpu].fifo_tail[prio];
}

/**
 * xm_fifo_last_queue() - the queue a port was last linked on
 * @d: the domain
 * @port: the port
 * @vcpu: out, the vCPU of that queue
 * @prio: out, its priority
 */
void xm_fifo_last_queue(struct xm_domain *d, evtchn_port_t port,
			unsigned int *vcpu, unsigned int *prio)
{
	const struct xm_port *p = xm_port_or_null(d, port);

	*vcpu = p ? p->last_vcpu : 0;
	*prio = p ? p->last_prio : 0;
}

/**
 * xm_fifo_array_pages() - pages in the event array
 * @d: the domain
 *
 * Return: the number of pages added by EVTCHNOP_expand_array.
 */
unsigned int xm_fifo_array_pages(struct xm_domain *d)
{
	return READ_ONCE(d->fifo_nr_pages);
}

/**
 * xm_is_toolstack_peer_end() - is a peer port the back-ends' end of one of
 *	@d's store and console channels?
 * @d: the domain the toolstack made the channels for
 * @peer_port: a port of the peer domain
 *
 * Return: true if the toolstack bound @peer_port for @d's xenstore or
 * console channel when it created or restored @d.
 */
bool xm_is_toolstack_peer_end(struct xm_domain *d, evtchn_port_t peer_port)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(d->toolstack_peer_ports); i++)
		if (peer_port && READ_ONCE(d->toolstack_peer_ports[i]) == peer_port)
			return true;
	return false;
}

/**
 * xm_fifo_has_control_block() - has the vCPU a FIFO control block?
 * @d: the domain
 * @vcpu: the vCPU
 *
 * Return: true after its EVTCHNOP_init_control.
 */
bool xm_fifo_has_control_block(struct xm_domain *d, unsigned int vcpu)
{
	return xm_vcpu_exists(d, vcpu) && READ_ONCE(d->vcpus[vcpu].fifo_cb);
}

/**
 * xm_fifo_lost_events() - events Xen dropped
 * @d: the domain
 *
 * Return: events dropped for lack of a control block or a reachable link.
 */
unsigned long xm_fifo_lost_events(struct xm_domain *d)
{
	return READ_ONCE(d->fifo_lost);
}

/**
 * xm_fifo_event_word() - an event word of the domain's event array
 * @d: the domain
 * @port: the port
 *
 * Return: the word in the guest page Xen uses, or NULL when no array page
 * covers @port (or the domain is not using FIFO).
 */
u32 *xm_fifo_event_word(struct xm_domain *d, evtchn_port_t port)
{
	return xm_fifo_word(d, port);
}

/**
 * xm_fifo_control_block() - the control block Xen uses for a vCPU
 * @d: the domain
 * @vcpu: the vCPU
 *
 * Return: the guest's control block, or NULL before its registration.
 */
struct evtchn_fifo_control_block *xm_fifo_control_block(struct xm_domain *d,
							unsigned int vcpu)
{
	return xm_vcpu_exists(d, vcpu) ? READ_ONCE(d->vcpus[vcpu].fifo_cb) : NULL;
}

/**
 * xm_poll_wakeups() - SCHEDOP_poll wake-ups of a vCPU
 * @d: the domain
 * @vcpu: the vCPU
 *
 * Return: how many times a raise woke the vCPU's armed poll.
 */
unsigned long xm_poll_wakeups(struct xm_domain *d, unsigned int vcpu)
{
	return xm_vcpu_exists(d, vcpu) ? READ_ONCE(d->vcpus[vcpu].poll_wakeups) : 0;
}
