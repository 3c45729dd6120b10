/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Tracepoints of the Xen event-channel core (drivers/xen/events/): what
 * got bound to which irq and CPU, each upcall and the events it handed
 * out, late-EOI throttling, the ABI in use and resumes. Off, each costs a
 * patched-out jump (static key); on, they are read with trace-cmd or perf
 * under the "xen_evtchn" system.
 */
#undef TRACE_SYSTEM
#define TRACE_SYSTEM xen_evtchn

#if !defined(_TRACE_XEN_EVTCHN_H) || defined(TRACE_HEADER_MULTI_READ)
#define _TRACE_XEN_EVTCHN_H

#include <linux/tracepoint.h>
#include <linux/types.h>

/* A port got an irq: a new binding, a rebind or a resume. */
TRACE_EVENT(xen_evtchn_bind,
	    TP_PROTO(unsigned int irq, unsigned int port, int kind, unsigned int cpu),
	    TP_ARGS(irq, port, kind, cpu),
	    TP_STRUCT__entry(__field(unsigned int, irq)
			     __field(unsigned int, port)
			     __field(int, kind)
			     __field(unsigned int, cpu)),
	    TP_fast_assign(__entry->irq = irq;
			   __entry->port = port;
			   __entry->kind = kind;
			   __entry->cpu = cpu;),
	    TP_printk("irq=%u port=%u kind=%s cpu=%u", __entry->irq, __entry->port,
		      __print_symbolic(__entry->kind, { 0, "evtchn" },
				       { 1, "virq" }, { 2, "ipi" }, { 3, "pirq" }),
		      __entry->cpu)
);

/* The last user of a binding is gone; @port is 0 if it had none. */
TRACE_EVENT(xen_evtchn_unbind,
	    TP_PROTO(unsigned int irq, unsigned int port),
	    TP_ARGS(irq, port),
	    TP_STRUCT__entry(__field(unsigned int, irq)
			     __field(unsigned int, port)),
	    TP_fast_assign(__entry->irq = irq;
			   __entry->port = port;),
	    TP_printk("irq=%u port=%u", __entry->irq, __entry->port)
);

TRACE_EVENT(xen_evtchn_upcall_entry,
	    TP_PROTO(bool flagged),
	    TP_ARGS(flagged),
	    TP_STRUCT__entry(__field(bool, flagged)),
	    TP_fast_assign(__entry->flagged = flagged;),
	    TP_printk("flagged=%d", __entry->flagged)
);

/* @throttled: the run passed event_loop_timeout. */
TRACE_EVENT(xen_evtchn_upcall_exit,
	    TP_PROTO(unsigned int events, unsigned int rounds, bool throttled),
	    TP_ARGS(events, rounds, throttled),
	    TP_STRUCT__entry(__field(unsigned int, events)
			     __field(unsigned int, rounds)
			     __field(bool, throttled)),
	    TP_fast_assign(__entry->events = events;
			   __entry->rounds = rounds;
			   __entry->throttled = throttled;),
	    TP_printk("events=%u rounds=%u throttled=%d", __entry->events,
		      __entry->rounds, __entry->throttled)
);

/* One pending port handed to its irq's flow handler. */
TRACE_EVENT(xen_evtchn_dispatch,
	    TP_PROTO(unsigned int port, unsigned int irq),
	    TP_ARGS(port, irq),
	    TP_STRUCT__entry(__field(unsigned int, port)
			     __field(unsigned int, irq)),
	    TP_fast_assign(__entry->port = port;
			   __entry->irq = irq;),
	    TP_printk("port=%u irq=%u", __entry->port, __entry->irq)
);

/* A late EOI is held back for @delay jiffies (storm or spurious back-off). */
TRACE_EVENT(xen_evtchn_lateeoi_defer,
	    TP_PROTO(unsigned int irq, unsigned int port, unsigned long delay,
		     unsigned int spurious),
	    TP_ARGS(irq, port, delay, spurious),
	    TP_STRUCT__entry(__field(unsigned int, irq)
			     __field(unsigned int, port)
			     __field(unsigned long, delay)
			     __field(unsigned int, spurious)),
	    TP_fast_assign(__entry->irq = irq;
			   __entry->port = port;
			   __entry->delay = delay;
			   __entry->spurious = spurious;),
	    TP_printk("irq=%u port=%u delay=%lu spurious=%u", __entry->irq,
		      __entry->port, __entry->delay, __entry->spurious)
);

/* A late EOI took effect: the port may be unmasked again. */
TRACE_EVENT(xen_evtchn_lateeoi,
	    TP_PROTO(unsigned int irq, unsigned int port),
	    TP_ARGS(irq, port),
	    TP_STRUCT__entry(__field(unsigned int, irq)
			     __field(unsigned int, port)),
	    TP_fast_assign(__entry->irq = irq;
			   __entry->port = port;),
	    TP_printk("irq=%u port=%u", __entry->irq, __entry->port)
);

/* The ABI in use from now on, and why: "boot" or "resume". */
TRACE_EVENT(xen_evtchn_abi,
	    TP_PROTO(const char *abi, const char *when),
	    TP_ARGS(abi, when),
	    TP_STRUCT__entry(__string(abi, abi)
			     __string(when, when)),
	    TP_fast_assign(__assign_str(abi);
			   __assign_str(when);),
	    TP_printk("abi=%s when=%s", __get_str(abi), __get_str(when))
);

/*
 * End of xen_irq_resume(): ports the old domain had, and how many of them
 * (VIRQs and IPIs) the resume bound again; the rest wait for their drivers.
 */
TRACE_EVENT(xen_evtchn_resume,
	    TP_PROTO(unsigned int forgotten, unsigned int rebound),
	    TP_ARGS(forgotten, rebound),
	    TP_STRUCT__entry(__field(unsigned int, forgotten)
			     __field(unsigned int, rebound)),
	    TP_fast_assign(__entry->forgotten = forgotten;
			   __entry->rebound = rebound;),
	    TP_printk("forgotten=%u rebound=%u", __entry->forgotten,
		      __entry->rebound)
);

#endif /* _TRACE_XEN_EVTCHN_H */

#include <trace/define_trace.h>
