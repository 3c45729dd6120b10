// SPDX-License-Identifier: GPL-2.0-only
/*
 * Helpers shared by the suites that run on the model's live domain; see
 * xen_evtchn_hvm_util.h.
 */
#include <kunit/test.h>
#include <linux/cpumask.h>
#include <linux/delay.h>
#include <linux/interrupt.h>
#include <linux/irq.h>
#include <linux/ktime.h>
#include <linux/smp.h>
#include <linux/stop_machine.h>
#include <asm/apic.h>
#include <asm/irq_vectors.h>
#include <asm/xen/events.h>
#include <asm/xen/hypercall.h>
#include <xen/events.h>
#include <xen/xen-ops.h>
#include <xen/interface/hvm/params.h>
#ifndef XEN_EVTCHN_TEST_UPSTREAM
#include "../events_internal.h"
#endif
#include "xen_evtchn_hvm_util.h"

const char * const xeh_mode_names[] = {
	[XEH_PERCPU] = "per-vCPU",
	[XEH_GLOBAL] = "global",
	[XEH_NONE] = "none/INTx",
};

struct xm_domain *xeh_peer;

/* A control domain beside the live one, so that channels have a far end. */
int xeh_peer_create(void)
{
	struct xm_config cfg;

	if (!xm_booted_on_model())
		return 0;
	xm_config_default(&cfg);
	cfg.is_control = true;
	xeh_peer = xm_domain_create(&cfg, XM_DOMID_PEER);
	return xeh_peer ? 0 : -ENOMEM;
}

void xeh_peer_destroy(void)
{
	xm_domain_destroy(xeh_peer);
	xeh_peer = NULL;
}

struct xm_domain *xeh_live(void)
{
	return xm_live_domain();
}

/*
 * The CPUs the cases use, for any -smp (run-kunit.sh boots 1, 2, 4 and 8):
 * the n-th CPU, wrapping around, and the last one as the CPU to unplug
 * (CPU 0 when it is alone, which x86 cannot unplug: callers check).
 */
unsigned int xeh_test_cpu(unsigned int n)
{
	return n % nr_cpu_ids;
}

unsigned int xeh_hotplug_cpu(void)
{
	return nr_cpu_ids - 1;
}

#ifndef XEN_EVTCHN_TEST_UPSTREAM
/* An IPI vector no binding of @cpu uses (the NMI one is not an event). */
int xeh_free_ipi(unsigned int cpu)
{
	int v;

	for (v = 0; v < XEN_NR_IPIS; v++)
		if (v != XEN_NMI_VECTOR && !per_cpu(xen_cpu_bindings, cpu).ipi[v])
			return v;
	return -ENOENT;
}
#endif

/* Suite hooks of every suite that talks to the peer domain. */
int xeh_suite_init(struct kunit_suite *suite)
{
	return xeh_peer_create();
}

void xeh_suite_exit(struct kunit_suite *suite)
{
	xeh_peer_destroy();
}

/* These suites only make sense on the model's live domain: fail, not skip. */
int xeh_test_init(struct kunit *test)
{
	KUNIT_ASSERT_TRUE_MSG(test, xm_booted_on_model() && xeh_peer,
			      "needs a boot with xen_model=... (run-kunit.sh)");
	return 0;
}

/* Is @vector in service in this CPU's local APIC? */
bool xeh_apic_in_service(u8 vector)
{
	u32 isr = apic_read(APIC_ISR + 0x10 * (vector / 32));

	return isr & BIT(vector % 32);
}

irqreturn_t xeh_handler(int irq, void *dev_id)
{
	struct xeh_chan *c = dev_id;

	WRITE_ONCE(c->last_cpu, smp_processor_id());
	if (xen_percpu_upcall && xeh_apic_in_service(HYPERVISOR_CALLBACK_VECTOR))
		WRITE_ONCE(c->apic_isr_upcall, true);
	atomic_inc(&c->hits);
	return IRQ_HANDLED;
}

void xeh_chan_reset(struct xeh_chan *c)
{
	atomic_set(&c->hits, 0);
	c->last_cpu = -1;
	c->irq = -1;
	c->apic_isr_upcall = false;
}

/* A hypercall issued by the peer domain's vCPU 0. */
int xeh_peer_op(unsigned int cmd, void *arg)
{
	int rc;

	xm_enter(xeh_peer, 0);
	rc = HYPERVISOR_event_channel_op(cmd, arg);
	xm_leave();
	return rc;
}

int xeh_peer_send(struct xeh_chan *c)
{
	struct evtchn_send send = { .port = c->remote };

	return xeh_peer_op(EVTCHNOP_send, &send);
}

/* The kernel offers a port, the peer binds it, a handler is bound to ours. */
/*
 * A port of ours offered to the peer and the peer's end bound to it, both
 * open in Xen and not yet bound to an irq. On failure nothing stays open.
 */
int xeh_peer_pair(evtchn_port_t *local, evtchn_port_t *remote)
{
	struct evtchn_alloc_unbound au = {
		.dom = DOMID_SELF,
		.remote_dom = xm_domain_id(xeh_peer),
	};
	struct evtchn_bind_interdomain bi = {};
	int rc;

	rc = HYPERVISOR_event_channel_op(EVTCHNOP_alloc_unbound, &au);
	if (rc)
		return rc;
	bi.remote_dom = xm_domain_id(xeh_live());
	bi.remote_port = au.port;
	rc = xeh_peer_op(EVTCHNOP_bind_interdomain, &bi);
	if (rc) {
		struct evtchn_close cl = { .port = au.port };

		HYPERVISOR_event_channel_op(EVTCHNOP_close, &cl);
		return rc;
	}
	*local = au.port;
	*remote = bi.local_port;
	return 0;
}

void xeh_open(struct kunit *test, struct xeh_chan *c)
{
	xeh_chan_reset(c);
	KUNIT_ASSERT_EQ(test, xeh_peer_pair(&c->local, &c->remote), 0);
	c->irq = bind_evtchn_to_irqhandler(c->local, xeh_handler, 0, "xeh", c);
	KUNIT_ASSERT_GT(test, c->irq, 0);
}

void xeh_close(struct xeh_chan *c)
{
	struct evtchn_close cl = { .port = c->remote };

	if (c->irq > 0)
		unbind_from_irqhandler(c->irq, c);
	c->irq = -1;
	xeh_peer_op(EVTCHNOP_close, &cl);
}

/**
 * xeh_wait_count() - wait for a handler's counter to reach a value
 * @count: the counter (the handler increments it)
 * @n: the value waited for
 * @limit_ms: how long to wait at most (polling every XEH_POLL_MS)
 *
 * Return: true if @count reached @n in time.
 */
bool xeh_wait_count(atomic_t *count, int n, unsigned int limit_ms)
{
	unsigned int waited;

	for (waited = 0; waited < limit_ms; waited += XEH_POLL_MS) {
		if (atomic_read(count) >= n)
			return true;
		msleep(XEH_POLL_MS);
	}
	return atomic_read(count) >= n;
}

bool xeh_wait_hits(struct xeh_chan *c, int n)
{
	return xeh_wait_count(&c->hits, n, XEH_WAIT_MS);
}

/* FIFO: the queue @port was last put on (its event may still be there). */
static void xeh_dump_last_queue(struct xm_domain *d, evtchn_port_t port)
{
	struct evtchn_fifo_control_block *cb;
	unsigned int vcpu, prio;
	struct vcpu_info *vi;

	xm_fifo_last_queue(d, port, &vcpu, &prio);
	cb = xm_fifo_control_block(d, vcpu);
	vi = xm_vcpu_info(d, vcpu);
	pr_info("port %u: last queued on vCPU %u priority %u: tail %u head %u ready %#x upcall pending %d\n",
		port, vcpu, prio, xm_fifo_tail(d, vcpu, prio),
		cb ? READ_ONCE(cb->head[prio]) : 0, cb ? READ_ONCE(cb->ready) : 0,
		vi ? READ_ONCE(vi->evtchn_upcall_pending) : -1);
}

/*
 * What the model and the kernel know of a port whose event did not arrive:
 * enough to tell a kernel that never unmasked or never took the vector from
 * a model that never raised it.
 */
void xeh_dump_port(evtchn_port_t port)
{
	struct xm_domain *d = xeh_live();
	unsigned int vcpu = xm_port_notify_vcpu(d, port);
	struct vcpu_info *vi = xm_vcpu_info(d, vcpu);
	struct shared_info *si = xm_shared_info(d);
	u32 *word = xm_is_fifo(d) ? xm_fifo_event_word(d, port) : NULL;
	struct evtchn_fifo_control_block *cb =
		xm_is_fifo(d) ? xm_fifo_control_block(d, vcpu) : NULL;

	pr_info("port %u: state %d, vCPU %u, %s word %#x, 2L pending %d mask %d, irq %d\n",
		port, xm_port_state(d, port), vcpu, xm_is_fifo(d) ? "FIFO" : "2L",
		word ? *word : 0,
		si ? test_bit(port, (unsigned long *)si->evtchn_pending) : -1,
		si ? test_bit(port, (unsigned long *)si->evtchn_mask) : -1,
		irq_from_evtchn(port));
	pr_info("vCPU %u: vcpu_info %s, upcall pending %d mask %d sel %#lx, FIFO ready %#x, vector %u (%lu sent), via %d\n",
		vcpu, xm_vcpu_info_registered(d, vcpu) ? "registered" : "default",
		vi ? vi->evtchn_upcall_pending : -1, vi ? vi->evtchn_upcall_mask : -1,
		vi ? (unsigned long)vi->evtchn_pending_sel : 0, cb ? cb->ready : 0,
		xm_upcall_vector(d, vcpu), xm_vector_injections(d, vcpu), xm_via_type(d));
	if (word)
		xeh_dump_last_queue(d, port);
}

/* The handler ran exactly @n times and stays there; @what names the input. */
bool xeh_expect_hits(struct kunit *test, struct xeh_chan *c, int n,
		     const char *what)
{
	bool ok = true;

	if (n && !xeh_wait_hits(c, n))
		ok = false;
	msleep(XEH_QUIET_MS);
	if (atomic_read(&c->hits) != n)
		ok = false;
	KUNIT_EXPECT_TRUE_MSG(test, ok, "%s: handler ran %d times, expected %d",
			      what, atomic_read(&c->hits), n);
	if (!ok)
		xeh_dump_port(c->local);
	return ok;
}

/* The rung the kernel is on. */
enum xeh_mode xeh_kernel_mode(void)
{
	if (!xen_have_vector_callback)
		return XEH_NONE;
	return xen_percpu_upcall ? XEH_PERCPU : XEH_GLOBAL;
}

static void xeh_note_cpu(void *arg)
{
	WRITE_ONCE(*(int *)arg, smp_processor_id());
}

/* An SMP function call to @cpu runs there (it travels as an event). */
bool xeh_ipi_works(unsigned int cpu)
{
	int ran_on = -1;

	if (smp_call_function_single(cpu, xeh_note_cpu, &ran_on, 1))
		return false;
	return ran_on == (int)cpu;
}

/* SMP function calls reach every other online CPU. */
bool xeh_ipis_work(void)
{
	unsigned int cpu, self;
	bool all = true;

	migrate_disable();
	self = smp_processor_id();
	for_each_online_cpu(cpu)
		if (cpu != self && !xeh_ipi_works(cpu))
			all = false;
	migrate_enable();
	return all;
}

irqreturn_t xeh_virq_handler(int irq, void *dev_id)
{
	return xeh_handler(irq, dev_id);
}

/* A timer-like per-CPU VIRQ on every online CPU. */
void xeh_bind_virqs(struct kunit *test, struct xeh_chan *v)
{
	unsigned int cpu;

	for_each_online_cpu(cpu) {
		xeh_chan_reset(&v[cpu]);
		v[cpu].irq = bind_virq_to_irqhandler(VIRQ_TIMER, cpu, xeh_virq_handler,
						     IRQF_PERCPU | IRQF_NOBALANCING,
						     "xeh-virq", &v[cpu]);
		KUNIT_EXPECT_GT_MSG(test, v[cpu].irq, 0, "VIRQ_TIMER on CPU %u", cpu);
	}
}

void xeh_unbind_virqs(struct xeh_chan *v)
{
	unsigned int cpu;

	for_each_possible_cpu(cpu)
		if (v[cpu].irq > 0)
			unbind_from_irqhandler(v[cpu].irq, &v[cpu]);
}

/* Xen fires every online CPU's VIRQ_TIMER; false if one was not bound. */
bool xeh_fire_virqs(struct xeh_chan *v)
{
	bool all = true;
	unsigned int cpu;

	for_each_online_cpu(cpu) {
		if (v[cpu].irq <= 0)
			continue;
		/* The port, for xeh_dump_port() if the event does not arrive. */
		v[cpu].local = xm_fire_virq(xeh_live(), cpu, VIRQ_TIMER);
		if (!v[cpu].local)
			all = false;
	}
	return all;
}

/*
 * The toolstack's xenstore and console ports of a new domain are open
 * (bound to the control domain, which exists here: the suite's peer).
 */
bool xeh_toolstack_ports_open(void)
{
	struct xm_domain *d = xeh_live();
	evtchn_port_t store = xm_hvm_param(d, HVM_PARAM_STORE_EVTCHN);
	evtchn_port_t cons = xm_hvm_param(d, HVM_PARAM_CONSOLE_EVTCHN);

	return store && cons && xm_port_state(d, store) != XM_PORT_FREE &&
	       xm_port_state(d, cons) != XM_PORT_FREE;
}

void xeh_check_virqs(struct kunit *test, struct xeh_chan *v, int n,
		     const char *what, bool *ok)
{
	unsigned int cpu;

	for_each_online_cpu(cpu) {
		if (!xeh_expect_hits(test, &v[cpu], n, what))
			*ok = false;
		if (v[cpu].last_cpu != (int)cpu)
			*ok = false;
		KUNIT_EXPECT_EQ_MSG(test, v[cpu].last_cpu, (int)cpu,
				    "%s: VIRQ of CPU %u taken on", what, cpu);
	}
}

/**
 * xeh_suspend_steps_timed() - the event steps of a suspend, on CPU 0
 * @resume_ns: if not NULL, set to the guest time xen_irq_resume() took
 *	(left alone for a cancelled suspend); the benchmarks read the core's
 *	own resume work from it
 *
 * drivers/xen/manage.c's xen_suspend() in its order, less what is not
 * about events (syscore, grant tables, runstate time: none is set up in a
 * model boot). Call on CPU 0 under stop_machine, through
 * xeh_suspend_machine(); what the model's next
 * SHUTDOWN_suspend does is set beforehand (xm_set_suspend_outcome()).
 *
 * Return: 1 for a cancelled suspend, 0 when it ended in a new domain.
 */
int xeh_suspend_steps_timed(u64 *resume_ns)
{
	int cancelled;
	u64 t0;

	xen_arch_pre_suspend();
	cancelled = HYPERVISOR_suspend(0);
	xen_arch_post_suspend(cancelled);
	if (!cancelled) {
		t0 = ktime_get_ns();
		xen_irq_resume();
		if (resume_ns)
			*resume_ns = ktime_get_ns() - t0;
		xen_timer_resume();
	}
	return cancelled;
}

/* xeh_suspend_steps_timed() for the callers that do not time it. */
int xeh_suspend_steps(void)
{
	return xeh_suspend_steps_timed(NULL);
}

/**
 * xeh_suspend_machine() - run a suspend function as manage.c's do_suspend()
 * @fn: what runs on CPU 0 under stop_machine (xeh_suspend_steps() and
 *	whatever the test adds around it)
 * @arg: its argument
 *
 * do_suspend() brackets its stop_machine with the PM core's
 * dpm_suspend_end() and dpm_resume_start(), and with them
 * suspend_device_irqs() and resume_device_irqs(): every device irq is
 * disabled across the suspend and enabled again afterwards, which unmasks
 * what the kernel bound anew at resume. Upstream's core counts on that for
 * the VIRQs it re-binds masked, so a test that left it out would see them
 * stay masked for ever.
 *
 * Return: stop_machine()'s result.
 */
int xeh_suspend_machine(int (*fn)(void *), void *arg)
{
	int rc;

	suspend_device_irqs();
	rc = stop_machine(fn, arg, cpumask_of(0));
	resume_device_irqs();
	return rc;
}

/**
 * xeh_bound_ports() - ports the live domain holds in Xen
 *
 * Return: the ports of the live domain that are not free, port 0 aside.
 */
unsigned int xeh_bound_ports(void)
{
	struct xm_domain *d = xeh_live();
	unsigned int port, n = 0;

	for (port = 1; port < xm_valid_ports(d); port++)
		n += xm_port_state(d, port) != XM_PORT_FREE;
	return n;
}
