// SPDX-License-Identifier: GPL-2.0-only
/*
 * Software model of Xen: the EVTCHNOP_* operations, port allocation and
 * port validity (spec sections 3 and 4; xen/common/event_channel.c).
 */
#include <linux/errno.h>
#include <linux/types.h>
#include <linux/string.h>
#include <xen/interface/hvm/params.h>
#include "xen_model_internal.h"

#define XM_EVTCHNOP_RESET_CONT	14	/* only in Xen's own copy of the header */
#define XM_VIRQ_ARGO		11

enum xm_virq_kind { XM_VIRQ_PER_VCPU, XM_VIRQ_PER_DOMAIN, XM_VIRQ_GLOBAL };

/* spec 10, xen/common/event_channel.c (get_virq_type); unassigned: global. */
static enum xm_virq_kind xm_virq_kind(unsigned int virq)
{
	switch (virq) {
	case VIRQ_TIMER:
	case VIRQ_DEBUG:
	case VIRQ_XENOPROF:
	case VIRQ_XENPMU:
		return XM_VIRQ_PER_VCPU;
	case XM_VIRQ_ARGO:
		return XM_VIRQ_PER_DOMAIN;
	default:
		return XM_VIRQ_GLOBAL;
	}
}

/* --- ports: validity, allocation, binding, freeing ------------------------ */

/* spec 1.5/1.6: 4096 ports with 2-level (64-bit layout), 2^17 with FIFO. */
unsigned int xm_abi_nr_ports(const struct xm_domain *d)
{
	return d->fifo ? XM_FIFO_NR_PORTS : XM_2L_NR_PORTS;
}

/* spec 3.3, xen/include/xen/event.h (evtchn_usable). */
bool xm_port_usable(const struct xm_port *p)
{
	return !p->xen_attached && p->state > XM_PORT_RESERVED;
}

/* spec 3.2, xen/common/event_fifo.c: only FIFO has busy (still LINKED) ports. */
bool xm_port_busy(struct xm_domain *d, u32 port)
{
	return d->fifo && xm_fifo_is_busy(d, port);
}

/* Fresh port table: port 0 reserved, ports 0..63 valid (spec 3.1, 3.2). */
void xm_evtchn_init_domain(struct xm_domain *d)
{
	unsigned int i;

	xm_fifo_teardown(d);
	memset(d->ports, 0, XM_FIFO_NR_PORTS * sizeof(*d->ports));
	for (i = 0; i < XM_FIFO_NR_PORTS; i++)
		d->ports[i].priority = EVTCHN_FIFO_PRIORITY_DEFAULT;
	d->ports[0].state = XM_PORT_RESERVED;
	d->valid_ports = XM_BUCKET_PORTS;
	d->free_hint = 0;
	memset(d->pirq_to_port, 0, sizeof(d->pirq_to_port));
	for (i = 0; i < XM_MAX_VCPUS; i++)
		memset(d->vcpus[i].virq_to_port, 0,
		       sizeof(d->vcpus[i].virq_to_port));
}

/*
 * spec 3.2, xen/common/event_channel.c (get_free_port, evtchn_allocate_port):
 * the lowest valid port that is FREE and not busy; a port above
 * max_evtchn_port or at the ABI limit ends the scan with -ENOSPC. When all
 * valid ports are taken, the next bucket becomes valid (spec 3.1).
 */
int xm_evtchn_alloc_port(struct xm_domain *d)
{
	u32 port, busy = U32_MAX;
	int ret = -ENOSPC;

	/*
	 * Start at the hint: everything below it is taken. A free port still
	 * busy (LINKED) can become allocatable without a close, so the hint
	 * never passes the first one seen.
	 */
	for (port = d->free_hint; port <= d->max_port; port++) {
		if (port >= xm_abi_nr_ports(d))
			break;
		if (!xm_port_valid_locked(d, port)) {
			/* port == valid_ports: open one more bucket of 64. */
			d->valid_ports = min_t(unsigned int, port + XM_BUCKET_PORTS,
					       XM_FIFO_NR_PORTS);
			ret = port;
			break;
		}
		if (d->ports[port].state != XM_PORT_FREE)
			continue;
		if (!xm_port_busy(d, port)) {
			ret = port;
			break;
		}
		busy = min(busy, port);
	}
	d->free_hint = min_t(u32, busy, ret >= 0 ? ret : d->free_hint);
	return ret;
}

/*
 * spec 4.1-4.7, xen/common/event_fifo.c (evtchn_fifo_init): a new binding
 * gets the default FIFO priority and notifies vCPU 0 unless told otherwise.
 * Its pending and mask state in guest memory is left alone (spec 3.2).
 */
static struct xm_port *xm_bind_port(struct xm_domain *d, u32 port,
				    enum xm_port_state state, unsigned int vcpu)
{
	struct xm_port *p = &d->ports[port];

	p->state = state;
	p->notify_vcpu = vcpu;
	p->priority = EVTCHN_FIFO_PRIORITY_DEFAULT;
	p->xen_attached = false;
	p->remote_dom = 0;
	p->remote_port = 0;
	return p;
}

/*
 * spec 4.3, xen/common/event_channel.c (evtchn_free): clear the pending
 * state, notify vCPU back to 0. The FIFO hidden pending flag stays (6.4).
 */
static void xm_free_port(struct xm_domain *d, u32 port)
{
	struct xm_port *p = &d->ports[port];

	xm_clear_pending(d, port);
	p->state = XM_PORT_FREE;
	d->free_hint = min(d->free_hint, port);
	p->notify_vcpu = 0;
	p->xen_attached = false;
	p->remote_dom = 0;
	p->remote_port = 0;
}

/* spec 4.3: the far end of a closed interdomain channel waits for @d again. */
static void xm_unbind_far_end(struct xm_domain *d, struct xm_port *p, u32 port)
{
	struct xm_domain *rd = xm_find_locked(p->remote_dom);
	struct xm_port *rp;

	if (!rd || p->remote_port >= rd->valid_ports)
		return;
	rp = &rd->ports[p->remote_port];
	if (rp->state != XM_PORT_INTERDOMAIN || rp->remote_dom != d->domid ||
	    rp->remote_port != port)
		return;
	/* Its notify vCPU, priority and pending state are left alone. */
	rp->state = XM_PORT_UNBOUND;
	rp->remote_dom = d->domid;
	rp->remote_port = 0;
}

/* spec 4.3, xen/common/event_channel.c (evtchn_close), checks already done. */
void xm_evtchn_close_port(struct xm_domain *d, u32 port)
{
	struct xm_port *p = &d->ports[port];
	unsigned int v;

	switch (p->state) {
	case XM_PORT_VIRQ:
		/* Whichever vCPU holds the binding (vCPU 0 for non-per-vCPU). */
		for (v = 0; v < d->cfg.nr_vcpus; v++)
			if (d->vcpus[v].virq_to_port[p->remote_port] == port)
				d->vcpus[v].virq_to_port[p->remote_port] = 0;
		break;
	case XM_PORT_PIRQ:
		if (p->remote_port < XM_NR_PIRQS)
			d->pirq_to_port[p->remote_port] = 0;
		break;
	case XM_PORT_INTERDOMAIN:
		xm_unbind_far_end(d, p, port);
		break;
	default:
		break;
	}
	xm_free_port(d, port);
}

/* Domain teardown or restore: every interdomain peer sees a close. */
void xm_evtchn_unlink_peers(struct xm_domain *d)
{
	u32 port;

	for (port = 1; port < d->valid_ports; port++)
		if (d->ports[port].state == XM_PORT_INTERDOMAIN)
			xm_unbind_far_end(d, &d->ports[port], port);
}

/*
 * The toolstack's xenstore/console port (spec 12, 4.2 and
 * tools/libs/guest/xg_sr_restore_x86_hvm.c): a port of the guest, bound to
 * the peer domain when there is one, else waiting for it.
 */
static u32 xm_toolstack_port(struct xm_domain *d, u32 *peer_port)
{
	struct xm_domain *peer = xm_find_locked(XM_DOMID_PEER);
	struct xm_port *p;
	int port, pport;

	port = xm_evtchn_alloc_port(d);
	if (port < 0)
		return 0;
	p = xm_bind_port(d, port, XM_PORT_UNBOUND, 0);
	p->remote_dom = XM_DOMID_PEER;
	if (!peer || peer == d)
		return port;
	pport = xm_evtchn_alloc_port(peer);
	if (pport < 0)
		return port;
	p->state = XM_PORT_INTERDOMAIN;
	p->remote_port = pport;
	p = xm_bind_port(peer, pport, XM_PORT_INTERDOMAIN, 0);
	p->remote_dom = d->domid;
	p->remote_port = port;
	*peer_port = pport;
	return port;
}

void xm_evtchn_toolstack_ports(struct xm_domain *d)
{
	u32 *peer = d->toolstack_peer_ports;

	peer[0] = 0;
	peer[1] = 0;
	d->params[HVM_PARAM_STORE_EVTCHN] = xm_toolstack_port(d, &peer[0]);
	d->params[HVM_PARAM_CONSOLE_EVTCHN] = xm_toolstack_port(d, &peer[1]);
}

/*
 * spec 12: xenstored and xenconsoled unbind their end of a domain's
 * channel when the domain dies (tools/xenstored/domain.c, destroy_domain();
 * tools/console/daemon/io.c, shutdown_domain()) or is introduced again
 * after a soft reset. The peer domain stands for both back-ends. An end
 * that no longer waits for or talks to @d was reused and is left alone.
 */
void xm_evtchn_close_toolstack_peers(struct xm_domain *d)
{
	struct xm_domain *peer = xm_find_locked(XM_DOMID_PEER);
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(d->toolstack_peer_ports); i++) {
		u32 pport = d->toolstack_peer_ports[i];
		struct xm_port *pp;

		d->toolstack_peer_ports[i] = 0;
		if (!peer || peer == d || !pport || pport >= peer->valid_ports)
			continue;
		pp = &peer->ports[pport];
		if ((pp->state == XM_PORT_INTERDOMAIN || pp->state == XM_PORT_UNBOUND) &&
		    pp->remote_dom == d->domid)
			xm_evtchn_close_port(peer, pport);
	}
}

/* --- raising, clearing, unmasking with the domain's ABI ------------------- */

void xm_raise(struct xm_domain *d, unsigned int vcpu, u32 port)
{
	if (!xm_vcpu_exists(d, vcpu))
		return;
	if (d->fifo)
		xm_fifo_raise(d, vcpu, port);
	else
		xm_2l_raise(d, vcpu, port);
}

/* spec 5.1, xen/include/xen/event.h: raising an unusable port does nothing. */
void xm_raise_if_usable(struct xm_domain *d, unsigned int vcpu, u32 port)
{
	if (xm_port_valid_locked(d, port) && xm_port_usable(&d->ports[port]))
		xm_raise(d, vcpu, port);
}

void xm_clear_pending(struct xm_domain *d, u32 port)
{
	if (d->fifo)
		xm_fifo_clear(d, port);
	else
		xm_2l_clear(d, port);
}

bool xm_is_pending(struct xm_domain *d, u32 port)
{
	if (!xm_port_valid_locked(d, port))
		return false;
	return d->fifo ? xm_fifo_is_pending(d, port) : xm_2l_is_pending(d, port);
}

void xm_unmask(struct xm_domain *d, u32 port)
{
	if (d->fifo)
		xm_fifo_unmask(d, port);
	else
		xm_2l_unmask(d, port);
}

/*
 * spec 5.2.1 step 3, xen/common/event_channel.c (evtchn_check_pollers): a
 * vCPU polling this port, or polling several ports, is woken.
 */
void xm_wake_pollers(struct xm_domain *d, u32 port)
{
	unsigned int v;

	for (v = 0; v < d->cfg.nr_vcpus; v++) {
		struct xm_vcpu *vc = &d->vcpus[v];

		if (!vc->polling)
			continue;
		if (vc->poll_port >= 0 && vc->poll_port != port)
			continue;
		vc->polling = false;
		vc->poll_wakeups++;
	}
}

/* --- the operations ------------------------------------------------------- */

/* spec 4.1 */
static long xm_op_alloc_unbound(struct xm_caller *c, unsigned long arg)
{
	struct evtchn_alloc_unbound a;
	struct xm_domain *d;
	struct xm_port *p;
	int port;

	if (xm_copy_in(&a, arg, sizeof(a)))
		return -EFAULT;
	d = xm_lookup_arg(c, a.dom);
	if (!d)
		return -ESRCH;
	/* spec 4.1: allocation errors come before the permission check. */
	port = xm_evtchn_alloc_port(d);
	if (port < 0)
		return port;
	/* The port stays free; the bucket it opened stays valid (spec 3.1). */
	if (!xm_may_target(c, d))
		return -EPERM;
	p = xm_bind_port(d, port, XM_PORT_UNBOUND, 0);
	/* spec 4.1: remote_dom unchecked; DOMID_SELF means the caller. */
	p->remote_dom = a.remote_dom == DOMID_SELF ? c->d->domid : a.remote_dom;
	a.port = port;
	return xm_copy_out(arg, &a, sizeof(a));
}

/* spec 4.2 */
static long xm_op_bind_interdomain(struct xm_caller *c, unsigned long arg)
{
	struct evtchn_bind_interdomain a;
	struct xm_domain *ld = c->d, *rd;
	struct xm_port *lp, *rp;
	int lport;

	if (xm_copy_in(&a, arg, sizeof(a)))
		return -EFAULT;
	rd = xm_lookup_arg(c, a.remote_dom);
	if (!rd)
		return -ESRCH;
	/* spec 4.2: the local port is allocated before the remote one is checked. */
	lport = xm_evtchn_alloc_port(ld);
	if (lport < 0)
		return lport;
	if (!xm_port_valid_locked(rd, a.remote_port))
		return -EINVAL;
	rp = &rd->ports[a.remote_port];
	if (rp->state != XM_PORT_UNBOUND || rp->remote_dom != ld->domid)
		return -EINVAL;
	lp = xm_bind_port(ld, lport, XM_PORT_INTERDOMAIN, 0);
	lp->remote_dom = rd->domid;
	lp->remote_port = a.remote_port;
	/* The remote end keeps its notify vCPU, priority and pending state. */
	rp->state = XM_PORT_INTERDOMAIN;
	rp->remote_dom = ld->domid;
	rp->remote_port = lport;
	/* spec 4.2: always one event on the new local port, for lost sends. */
	xm_raise_if_usable(ld, lp->notify_vcpu, lport);
	a.local_port = lport;
	return xm_copy_out(arg, &a, sizeof(a));
}

/* spec 4.6 */
static long xm_op_bind_virq(struct xm_caller *c, unsigned long arg)
{
	struct xm_domain *d = c->d;
	struct evtchn_bind_virq a;
	enum xm_virq_kind kind;
	struct xm_port *p;
	int port;

	if (xm_copy_in(&a, arg, sizeof(a)))
		return -EFAULT;
	if (a.virq >= XM_NR_VIRQS)
		return -EINVAL;
	kind = xm_virq_kind(a.virq);
	if (kind != XM_VIRQ_PER_VCPU && a.vcpu != 0)
		return -EINVAL;
	if (!xm_vcpu_exists(d, a.vcpu))
		return -ENOENT;
	/* spec 4.6: global VIRQs belong to the hardware domain by default. */
	if (kind == XM_VIRQ_GLOBAL && !d->cfg.is_control)
		return -EBUSY;
	if (d->vcpus[a.vcpu].virq_to_port[a.virq])
		return -EEXIST;
	port = xm_evtchn_alloc_port(d);
	if (port < 0)
		return port;
	p = xm_bind_port(d, port, XM_PORT_VIRQ, a.vcpu);
	p->remote_port = a.virq;
	d->vcpus[a.vcpu].virq_to_port[a.virq] = port;
	a.port = port;
	return xm_copy_out(arg, &a, sizeof(a));
}

/* spec 4.8, minimal: every pirq below nr_pirqs counts as mapped. */
static long xm_op_bind_pirq(struct xm_caller *c, unsigned long arg)
{
	struct xm_domain *d = c->d;
	struct evtchn_bind_pirq a;
	struct xm_port *p;
	int port;

	if (xm_copy_in(&a, arg, sizeof(a)))
		return -EFAULT;
	if (a.pirq >= XM_NR_PIRQS)
		return -EINVAL;
	if (d->pirq_to_port[a.pirq])
		return -EEXIST;
	port = xm_evtchn_alloc_port(d);
	if (port < 0)
		return port;
	p = xm_bind_port(d, port, XM_PORT_PIRQ, 0);
	p->remote_port = a.pirq;
	d->pirq_to_port[a.pirq] = port;
	xm_pirq_note_bind(d, a.pirq);
	a.port = port;
	return xm_copy_out(arg, &a, sizeof(a));
}

/* spec 4.3 */
static long xm_op_close(struct xm_caller *c, unsigned long arg)
{
	struct xm_domain *d = c->d;
	struct evtchn_close a;
	struct xm_port *p;

	if (xm_copy_in(&a, arg, sizeof(a)))
		return -EFAULT;
	if (!xm_port_valid_locked(d, a.port))
		return -EINVAL;
	p = &d->ports[a.port];
	if (p->xen_attached)
		return -EINVAL;
	if (p->state == XM_PORT_FREE || p->state == XM_PORT_RESERVED)
		return -EINVAL;
	xm_evtchn_close_port(d, a.port);
	return 0;
}

/* spec 4.4 */
static long xm_op_send(struct xm_caller *c, unsigned long arg)
{
	struct xm_domain *d = c->d, *rd;
	struct evtchn_send a;
	struct xm_port *p;

	if (xm_copy_in(&a, arg, sizeof(a)))
		return -EFAULT;
	if (!xm_port_valid_locked(d, a.port))
		return -EINVAL;
	p = &d->ports[a.port];
	if (p->xen_attached)
		return -EINVAL;
	switch (p->state) {
	case XM_PORT_INTERDOMAIN:
		rd = xm_find_locked(p->remote_dom);
		/* A Xen-attached far end is handled inside Xen: no guest bits. */
		if (rd && xm_port_valid_locked(rd, p->remote_port))
			xm_raise_if_usable(rd,
					   rd->ports[p->remote_port].notify_vcpu,
					   p->remote_port);
		return 0;
	case XM_PORT_IPI:
		xm_raise_if_usable(d, p->notify_vcpu, a.port);
		return 0;
	case XM_PORT_UNBOUND:
		/* spec 4.4: nobody listens yet, the event is dropped. */
		return 0;
	default:
		return -EINVAL;
	}
}

/* spec 4.5 */
static long xm_op_status(struct xm_caller *c, unsigned long arg)
{
	struct evtchn_status a;
	struct xm_domain *d;
	struct xm_port *p;

	if (xm_copy_in(&a, arg, sizeof(a)))
		return -EFAULT;
	d = xm_lookup_arg(c, a.dom);
	if (!d)
		return -ESRCH;
	if (!xm_port_valid_locked(d, a.port))
		return -EINVAL;
	if (!xm_may_target(c, d))
		return -EPERM;
	p = &d->ports[a.port];
	/* Union bytes not set below go back as the guest sent them. */
	a.vcpu = p->notify_vcpu;
	switch (p->state) {
	case XM_PORT_UNBOUND:
		a.status = EVTCHNSTAT_unbound;
		a.u.unbound.dom = p->remote_dom;
		break;
	case XM_PORT_INTERDOMAIN:
		a.status = EVTCHNSTAT_interdomain;
		a.u.interdomain.dom = p->remote_dom;
		a.u.interdomain.port = p->remote_port;
		break;
	case XM_PORT_PIRQ:
		a.status = EVTCHNSTAT_pirq;
		a.u.pirq = p->remote_port;
		break;
	case XM_PORT_VIRQ:
		a.status = EVTCHNSTAT_virq;
		a.u.virq = p->remote_port;
		break;
	case XM_PORT_IPI:
		a.status = EVTCHNSTAT_ipi;
		break;
	default:
		a.status = EVTCHNSTAT_closed;
		break;
	}
	if (d->status_lie_port && a.port == d->status_lie_port) {
		a.status = d->status_lie.status;
		a.vcpu = d->status_lie.vcpu;
		a.u = d->status_lie.u;
	}
	return xm_copy_out(arg, &a, sizeof(a));
}

/* spec 4.7: no online check, for any binding op. */
static long xm_op_bind_ipi(struct xm_caller *c, unsigned long arg)
{
	struct xm_domain *d = c->d;
	struct evtchn_bind_ipi a;
	int port;

	if (xm_copy_in(&a, arg, sizeof(a)))
		return -EFAULT;
	if (!xm_vcpu_exists(d, a.vcpu))
		return -ENOENT;
	port = xm_evtchn_alloc_port(d);
	if (port < 0)
		return port;
	xm_bind_port(d, port, XM_PORT_IPI, a.vcpu);
	a.port = port;
	return xm_copy_out(arg, &a, sizeof(a));
}

/* spec 4.9: only the notify vCPU changes; pending events are not moved. */
static long xm_op_bind_vcpu(struct xm_caller *c, unsigned long arg)
{
	struct xm_domain *d = c->d;
	struct evtchn_bind_vcpu a;
	struct xm_port *p;

	if (xm_copy_in(&a, arg, sizeof(a)))
		return -EFAULT;
	/* spec 4.9: the vCPU is checked before the port. */
	if (!xm_vcpu_exists(d, a.vcpu))
		return -ENOENT;
	if (!xm_port_valid_locked(d, a.port))
		return -EINVAL;
	p = &d->ports[a.port];
	if (p->xen_attached)
		return -EINVAL;
	switch (p->state) {
	case XM_PORT_VIRQ:
		if (xm_virq_kind(p->remote_port) == XM_VIRQ_PER_VCPU)
			return -EINVAL;
		fallthrough;
	case XM_PORT_UNBOUND:
	case XM_PORT_INTERDOMAIN:
	case XM_PORT_PIRQ:
		p->notify_vcpu = a.vcpu;
		return 0;
	default:
		return -EINVAL;
	}
}

/* spec 4.10: an unusable valid port is a silent no-op, mask bit included. */
static long xm_op_unmask(struct xm_caller *c, unsigned long arg)
{
	struct xm_domain *d = c->d;
	struct evtchn_unmask a;

	if (xm_copy_in(&a, arg, sizeof(a)))
		return -EFAULT;
	if (!xm_port_valid_locked(d, a.port))
		return -EINVAL;
	if (xm_port_usable(&d->ports[a.port]))
		xm_unmask(d, a.port);
	return 0;
}

/*
 * spec 4.11, xen/common/event_channel.c (evtchn_reset): close every guest
 * port (Xen-attached ones stay), then a FIFO domain returns to 2-level.
 * The model never preempts, so no reset is ever left in progress.
 */
void xm_evtchn_reset_domain(struct xm_domain *d)
{
	u32 port;

	for (port = 1; port < d->valid_ports; port++) {
		struct xm_port *p = &d->ports[port];

		if (p->state > XM_PORT_RESERVED && !p->xen_attached)
			xm_evtchn_close_port(d, port);
	}
	if (d->fifo)
		xm_fifo_teardown(d);
}

/* spec 4.11 */
static long xm_op_reset(struct xm_caller *c, unsigned long arg, bool cont)
{
	struct evtchn_reset a;
	struct xm_domain *d;

	if (xm_copy_in(&a, arg, sizeof(a)))
		return -EFAULT;
	d = xm_lookup_arg(c, a.dom);
	if (!d)
		return -ESRCH;
	if (!xm_may_target(c, d))
		return -EPERM;
	/* The model has no way to pause a domain: another one is running. */
	if (d != c->d)
		return -EINVAL;
	/* reset_cont with no reset in progress. */
	if (cont)
		return -EBUSY;
	xm_evtchn_reset_domain(d);
	return 0;
}

/**
 * xm_evtchn_op() - EVTCHNOP_* dispatcher (xen/common/event_channel.c)
 * @c: the caller
 * @cmd: the sub-op
 * @arg: guest address of its argument structure
 *
 * Return: 0 or a negative errno; spec 0.3: unknown sub-ops give -XM_ENOSYS.
 */
long xm_evtchn_op(struct xm_caller *c, unsigned int cmd, unsigned long arg)
{
	switch (cmd) {
	case EVTCHNOP_bind_interdomain:
		return xm_op_bind_interdomain(c, arg);
	case EVTCHNOP_bind_virq:
		return xm_op_bind_virq(c, arg);
	case EVTCHNOP_bind_pirq:
		return xm_op_bind_pirq(c, arg);
	case EVTCHNOP_close:
		return xm_op_close(c, arg);
	case EVTCHNOP_send:
		return xm_op_send(c, arg);
	case EVTCHNOP_status:
		return xm_op_status(c, arg);
	case EVTCHNOP_alloc_unbound:
		return xm_op_alloc_unbound(c, arg);
	case EVTCHNOP_bind_ipi:
		return xm_op_bind_ipi(c, arg);
	case EVTCHNOP_bind_vcpu:
		return xm_op_bind_vcpu(c, arg);
	case EVTCHNOP_unmask:
		return xm_op_unmask(c, arg);
	case EVTCHNOP_reset:
		return xm_op_reset(c, arg, false);
	case XM_EVTCHNOP_RESET_CONT:
		/* spec 1.1: defined only for Xen itself, yet guests may issue it. */
		return xm_op_reset(c, arg, true);
	case EVTCHNOP_init_control:
		return xm_fifo_init_control(c, arg);
	case EVTCHNOP_expand_array:
		return xm_fifo_expand_array(c, arg);
	case EVTCHNOP_set_priority:
		return xm_fifo_set_priority(c, arg);
	default:
		return -XM_ENOSYS;
	}
}
