// SPDX-License-Identifier: GPL-2.0-only
/*
 * The 2-level ABI: one pending and one mask bit per port in shared_info,
 * and per vCPU a selector word whose bit w says "word w of the pending
 * bitmap may hold news for you". Xen raises a port by setting its pending
 * bit and, if it was newly set and the port is unmasked, the selector bit
 * and the vCPU's upcall flag; each step only acts on a 0 -> 1 change.
 *
 * Which CPU handles a port is our own bookkeeping (a per-CPU bitmap); Xen
 * only knows the vCPU it notifies.
 */
#define pr_fmt(fmt) "xen:" KBUILD_MODNAME ": " fmt

#include <linux/bitops.h>
#include <linux/build_bug.h>
#include <linux/interrupt.h>
#include <linux/percpu.h>
#include <linux/printk.h>

#include <asm/sync_bitops.h>
#include <asm/xen/hypervisor.h>
#include <asm/xen/hypercall.h>

#include <xen/events.h>
#include <xen/xen-ops.h>
#include <xen/interface/xen.h>

#include "events_internal.h"

#define XEN_2L_NR_PORTS		EVTCHN_2L_NR_CHANNELS
#define XEN_2L_WORD_BITS	(sizeof(xen_ulong_t) * BITS_PER_BYTE)
#define XEN_2L_NR_WORDS		(XEN_2L_NR_PORTS / XEN_2L_WORD_BITS)

/* One selector bit per pending word: the scan turns the selector. */
static_assert(XEN_2L_NR_WORDS == XEN_2L_WORD_BITS);

/*
 * Ports this CPU handles, indexed like shared_info's bitmaps. Kept exactly
 * by port_moved and port_remove, also across CPU hotplug: a per-vCPU VIRQ
 * or IPI stays bound to its vCPU in Xen while the CPU is offline, and must
 * be scanned again once the CPU is back.
 */
static DEFINE_PER_CPU(xen_ulong_t [XEN_2L_NR_WORDS], xen_2l_cpu_ports);
/* Where this CPU's next scan starts, so no port is always served first. */
static DEFINE_PER_CPU(unsigned int, xen_2l_cursor);

static xen_ulong_t *xen_2l_pending(void)
{
	return HYPERVISOR_shared_info->evtchn_pending;
}

static xen_ulong_t *xen_2l_mask_bits(void)
{
	return HYPERVISOR_shared_info->evtchn_mask;
}

/* The sync_ bit helpers take unsigned long; xen_ulong_t has its width. */
#define XEN_2L_BITS(p)		((unsigned long *)(p))

static unsigned int xen_2l_channels(void)
{
	return XEN_2L_NR_PORTS;
}

static void xen_2l_port_moved(evtchn_port_t port, unsigned int cpu,
			      unsigned int old_cpu)
{
	clear_bit(port, (unsigned long *)per_cpu(xen_2l_cpu_ports, old_cpu));
	set_bit(port, (unsigned long *)per_cpu(xen_2l_cpu_ports, cpu));
}

static void xen_2l_port_remove(evtchn_port_t port, unsigned int cpu)
{
	clear_bit(port, (unsigned long *)per_cpu(xen_2l_cpu_ports, cpu));
}

/* Xen sets pending bits with locked operations: ours must be atomic too. */
static void xen_2l_port_clear(evtchn_port_t port)
{
	sync_clear_bit(port, XEN_2L_BITS(xen_2l_pending()));
}

static void xen_2l_port_raise(evtchn_port_t port)
{
	sync_set_bit(port, XEN_2L_BITS(xen_2l_pending()));
}

static bool xen_2l_port_raised(evtchn_port_t port)
{
	return sync_test_bit(port, XEN_2L_BITS(xen_2l_pending()));
}

static void xen_2l_port_mask(evtchn_port_t port)
{
	sync_set_bit(port, XEN_2L_BITS(xen_2l_mask_bits()));
}

static void xen_2l_unmask_by_xen(evtchn_port_t port)
{
	struct evtchn_unmask op = { .port = port };

	if (HYPERVISOR_event_channel_op(EVTCHNOP_unmask, &op))
		pr_warn_ratelimited("EVTCHNOP_unmask of port %u failed\n", port);
}

/*
 * Unmask with Xen's semantics: an event raised while the port was masked
 * set only its pending bit, so it must be raised again now. Only Xen can
 * do that properly (selector, upcall flag, interrupt), and its unmask only
 * acts on a masked port, so a pending port is handed to it still masked.
 */
static void xen_2l_port_unmask(evtchn_port_t port)
{
	unsigned long *mask = XEN_2L_BITS(xen_2l_mask_bits());

	if (!xen_2l_port_raised(port)) {
		sync_clear_bit(port, mask);
		/*
		 * A raise racing with the clear may have seen the mask still
		 * set and signalled nobody, hence the second look at pending.
		 */
		smp_mb__after_atomic(); /* the clear before that look */
		if (!xen_2l_port_raised(port))
			return;
		sync_set_bit(port, mask);
	}
	xen_2l_unmask_by_xen(port);
}

static xen_ulong_t xen_2l_active_bits(unsigned int cpu, unsigned int word)
{
	return READ_ONCE(xen_2l_pending()[word]) &
	       ~READ_ONCE(xen_2l_mask_bits()[word]) &
	       per_cpu(xen_2l_cpu_ports, cpu)[word];
}

/* Dispatch the active ports of @word that @visible lets through, in order. */
static void xen_2l_scan_word(struct xen_evtchn_loop *loop, unsigned int word,
			     xen_ulong_t visible)
{
	xen_ulong_t bits = xen_2l_active_bits(loop->cpu, word) & visible;
	unsigned int port;

	while (bits) {
		/* xen_ulong_t is 64 bits even on 32-bit Arm. */
		port = word * XEN_2L_WORD_BITS + __ffs64(bits);
		bits &= bits - 1;
		xen_evtchn_dispatch(port, loop);
		__this_cpu_write(xen_2l_cursor, (port + 1) % XEN_2L_NR_PORTS);
	}
}

/*
 * The selector turned so that bit 0 stands for the cursor's word: walking
 * its set bits upwards visits the signalled words in scan order, and only
 * those (a hot port costs one word, not a walk over all of them).
 */
static xen_ulong_t xen_2l_turn(xen_ulong_t sel, unsigned int start_word)
{
	if (!start_word)
		return sel;
	return (sel >> start_word) | (sel << (XEN_2L_WORD_BITS - start_word));
}

/*
 * One pass over all ports this CPU was signalled for, each handled at most
 * once, starting after the port handled last. The cursor's word is visited
 * first from the cursor up and last below it. A port raised again during
 * the pass is found by the next pass (Xen sets its selector bit again once
 * the ack cleared its pending bit), so a flooding port gets one turn per
 * pass like everybody else.
 */
static void xen_2l_scan(struct xen_evtchn_loop *loop)
{
	struct vcpu_info *vcpu = __this_cpu_read(xen_vcpu);
	unsigned int cursor = __this_cpu_read(xen_2l_cursor);
	unsigned int start_word = cursor / XEN_2L_WORD_BITS;
	xen_ulong_t from_cursor = ~(xen_ulong_t)0 << (cursor % XEN_2L_WORD_BITS);
	xen_ulong_t sel, left;
	unsigned int offset;

	/* Taking the selector atomically lets Xen set new bits meanwhile. */
	sel = xchg_xen_ulong(&vcpu->evtchn_pending_sel, 0);
	if (!sel)
		return;

	left = xen_2l_turn(sel, start_word);
	if (left & 1) {
		xen_2l_scan_word(loop, start_word, from_cursor);
		left &= ~(xen_ulong_t)1;
	}
	while (left) {
		offset = __ffs64(left);
		left &= left - 1;
		xen_2l_scan_word(loop, (start_word + offset) % XEN_2L_NR_WORDS,
				 ~(xen_ulong_t)0);
	}
	if ((sel >> start_word) & 1 && ~from_cursor)
		xen_2l_scan_word(loop, start_word, ~from_cursor);
}

/* Every port masked: nothing is live until a binding unmasks it. */
static void xen_2l_reset_ports(void)
{
	unsigned int cpu, word;

	for (word = 0; word < XEN_2L_NR_WORDS; word++)
		WRITE_ONCE(xen_2l_mask_bits()[word], ~(xen_ulong_t)0);
	for_each_possible_cpu(cpu)
		memset(per_cpu(xen_2l_cpu_ports, cpu), 0,
		       sizeof(per_cpu(xen_2l_cpu_ports, cpu)));
}

static int xen_2l_reattach(void)
{
	xen_2l_reset_ports();
	return 0;
}

/* Pretend every word is signalled once; a scan of a quiet word is harmless. */
static void xen_2l_rescan(void)
{
	unsigned int cpu;

	for_each_online_cpu(cpu) {
		struct vcpu_info *vcpu = per_cpu(xen_vcpu, cpu);

		if (!vcpu)
			continue;
		xchg_xen_ulong(&vcpu->evtchn_pending_sel, ~(xen_ulong_t)0);
		WRITE_ONCE(vcpu->evtchn_upcall_pending, 1);
	}
}

static void xen_2l_dump_ports(const char *what, const xen_ulong_t *words)
{
	pr_info("  %s: %*pbl\n", what, (int)XEN_2L_NR_PORTS,
		(const unsigned long *)words);
}

static void xen_2l_debug_dump(void)
{
	unsigned int cpu;

	for_each_online_cpu(cpu) {
		struct vcpu_info *vcpu = per_cpu(xen_vcpu, cpu);

		if (!vcpu)
			continue;
		pr_info("CPU %u: upcall pending %u, selector %0*llx\n", cpu,
			READ_ONCE(vcpu->evtchn_upcall_pending),
			(int)(2 * sizeof(xen_ulong_t)),
			(unsigned long long)READ_ONCE(vcpu->evtchn_pending_sel));
		xen_2l_dump_ports("ports", per_cpu(xen_2l_cpu_ports, cpu));
	}
	xen_2l_dump_ports("pending", xen_2l_pending());
	xen_2l_dump_ports("masked", xen_2l_mask_bits());
}

static const struct xen_evtchn_abi xen_evtchn_abi_2l = {
	.name		= "2-level",
	.nr_ports	= XEN_2L_NR_PORTS,
	.port_span	= xen_2l_channels,
	.port_remove	= xen_2l_port_remove,
	.port_moved	= xen_2l_port_moved,
	.port_clear	= xen_2l_port_clear,
	.port_raise	= xen_2l_port_raise,
	.port_raised	= xen_2l_port_raised,
	.port_mask	= xen_2l_port_mask,
	.port_unmask	= xen_2l_port_unmask,
	.scan		= xen_2l_scan,
	.reattach	= xen_2l_reattach,
	.rescan		= xen_2l_rescan,
	.debug_dump	= xen_2l_debug_dump,
};

/**
 * xen_evtchn_2l_select() - start using the 2-level ABI
 *
 * At boot, or at resume on a host without FIFO. Always succeeds.
 *
 * Return: the ABI's operations.
 */
const struct xen_evtchn_abi *xen_evtchn_2l_select(void)
{
	xen_2l_reset_ports();
	return &xen_evtchn_abi_2l;
}

/**
 * xen_debug_interrupt() - VIRQ_DEBUG handler: print the event state
 * @irq: the VIRQ_DEBUG irq
 * @dev_id: unused
 *
 * Return: IRQ_HANDLED.
 */
irqreturn_t xen_debug_interrupt(int irq, void *dev_id)
{
	if (xen_evtchn_abi && xen_evtchn_abi->debug_dump)
		xen_evtchn_abi->debug_dump();
	return IRQ_HANDLED;
}
