// SPDX-License-Identifier: GPL-2.0-only
/*
 * Software model of Xen: the 2-level ABI (spec 5.2, xen/common/event_2l.c).
 *
 * The pending and mask bitmaps live in shared_info, the selector in the
 * vCPU's vcpu_info; the guest changes all of them without a lock, so each
 * step here is one locked bit operation, in Xen's order.
 */
#include <linux/bitops.h>
#include "xen_model_internal.h"

static bool xm_2l_port_ok(u32 port)
{
	return port < XM_2L_NR_PORTS;
}

/*
 * spec 5.2.1: pending 0->1, else stop; then, only when unmasked, selector
 * 0->1 marks the vCPU's events pending. A set selector bit therefore hides
 * the event from the upcall even if evtchn_upcall_pending is 0.
 */
void xm_2l_raise(struct xm_domain *d, unsigned int vcpu, u32 port)
{
	struct shared_info *s = d->shinfo;
	struct vcpu_info *vi;

	if (!xm_2l_port_ok(port))
		return;
	if (test_and_set_bit(port, s->evtchn_pending))
		return;
	vi = xm_vcpu_info_locked(d, vcpu);
	if (!test_bit(port, s->evtchn_mask) &&
	    !test_and_set_bit(port / BITS_PER_LONG, &vi->evtchn_pending_sel))
		xm_mark_events_pending(d, vcpu);
	/* spec 5.2.1 step 3: pollers wake even for a masked port. */
	xm_wake_pollers(d, port);
}

/* spec 5.2.2: close and reset clear the pending bit only. */
void xm_2l_clear(struct xm_domain *d, u32 port)
{
	if (xm_2l_port_ok(port))
		clear_bit(port, d->shinfo->evtchn_pending);
}

/*
 * spec 5.2.3: act only if the hypercall itself cleared the mask bit; a
 * guest that cleared it first gets no event from the hypercall.
 */
void xm_2l_unmask(struct xm_domain *d, u32 port)
{
	struct shared_info *s = d->shinfo;
	unsigned int vcpu = d->ports[port].notify_vcpu;
	struct vcpu_info *vi;

	if (!xm_2l_port_ok(port))
		return;
	if (!test_and_clear_bit(port, s->evtchn_mask))
		return;
	if (!test_bit(port, s->evtchn_pending))
		return;
	vi = xm_vcpu_info_locked(d, vcpu);
	if (!test_and_set_bit(port / BITS_PER_LONG, &vi->evtchn_pending_sel))
		xm_mark_events_pending(d, vcpu);
}

bool xm_2l_is_pending(struct xm_domain *d, u32 port)
{
	return xm_2l_port_ok(port) && test_bit(port, d->shinfo->evtchn_pending);
}
