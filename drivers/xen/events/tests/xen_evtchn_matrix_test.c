// SPDX-License-Identifier: GPL-2.0-only
/*
 * One cell of the ABI negotiation matrix per boot: what the model offers
 * (FIFO; no FIFO with -ENOSYS or -EOPNOTSUPP; FIFO whose
 * EVTCHNOP_init_control fails for one vCPU, xen_model=...,failinit=V:ENOMEM)
 * crossed
 * with the kernel's switch (xen.fifo_events=0, or its other spelling
 * xen_fifo_events=0, or neither). scripts/xen-evtchn/run-kunit.sh boots
 * once per cell and collects the "matrix:" rows into a table.
 *
 * Expected: FIFO when asked for, offered, and the boot CPU's init_control
 * works; 2-level otherwise. A failing init_control on a later CPU refuses
 * that CPU only: it stays offline, the others stay on FIFO, and it can be
 * brought up once Xen stops failing. Events flow on every online CPU in
 * every cell.
 */
#include <kunit/test.h>
#include <linux/atomic.h>
#include <linux/cpu.h>
#include <linux/delay.h>
#include <linux/init.h>
#include <linux/interrupt.h>
#include <linux/irq.h>
#include <linux/string.h>
#include <asm/xen/hypercall.h>
#include <xen/events.h>
#include <xen/interface/event_channel.h>
#include "xen_model.h"
#include "xen_evtchn_hvm_util.h"

#define XEM_WAIT_MS	2000
#define XEM_XEN_ENOSYS	38	/* Xen's errno for a missing operation */

struct xem_chan {
	evtchn_port_t local;
	evtchn_port_t remote;
	int irq;
	atomic_t hits;
	int last_cpu;
};

static irqreturn_t xem_handler(int irq, void *dev_id)
{
	struct xem_chan *c = dev_id;

	WRITE_ONCE(c->last_cpu, smp_processor_id());
	atomic_inc(&c->hits);
	return IRQ_HANDLED;
}

static int xem_open(struct xem_chan *c)
{
	int rc;

	memset(c, 0, sizeof(*c));
	c->irq = -1;
	c->last_cpu = -1;
	rc = xeh_peer_pair(&c->local, &c->remote);
	if (rc)
		return rc;
	c->irq = bind_evtchn_to_irqhandler(c->local, xem_handler, 0, "xem", c);
	return c->irq < 0 ? c->irq : 0;
}

static void xem_close(struct xem_chan *c)
{
	struct evtchn_close cl = { .port = c->remote };

	if (c->irq > 0)
		unbind_from_irqhandler(c->irq, c);
	c->irq = -1;
	if (c->remote)
		xeh_peer_op(EVTCHNOP_close, &cl);
}

/* A peer event reaches a handler on @cpu exactly once. */
static bool xem_event_flows_on(struct kunit *test, unsigned int cpu)
{
	struct evtchn_send send;
	struct xem_chan c;
	bool ok = false;
	int rc;

	rc = xem_open(&c);
	KUNIT_EXPECT_EQ_MSG(test, rc, 0, "opening a channel for CPU %u", cpu);
	if (rc)
		goto out;
	rc = irq_set_affinity(c.irq, cpumask_of(cpu));
	KUNIT_EXPECT_EQ_MSG(test, rc, 0, "affinity to CPU %u", cpu);
	send.port = c.remote;
	if (rc || xeh_peer_op(EVTCHNOP_send, &send))
		goto out;
	xeh_wait_count(&c.hits, 1, XEM_WAIT_MS);
	msleep(20);
	ok = atomic_read(&c.hits) == 1 && READ_ONCE(c.last_cpu) == (int)cpu;
	KUNIT_EXPECT_TRUE_MSG(test, ok, "CPU %u: %d handler runs, last on CPU %d", cpu,
			      atomic_read(&c.hits), READ_ONCE(c.last_cpu));
out:
	xem_close(&c);
	return ok;
}

static void xem_note_cpu(void *arg)
{
	WRITE_ONCE(*(int *)arg, smp_processor_id());
}

/* Events on every online CPU, and the kernel's IPIs (events too) reach it. */
static bool xem_events_flow_everywhere(struct kunit *test)
{
	unsigned int cpu;
	bool ok = true;
	int ran_on;

	for_each_online_cpu(cpu) {
		ok &= xem_event_flows_on(test, cpu);
		ran_on = -1;
		KUNIT_EXPECT_EQ(test, smp_call_function_single(cpu, xem_note_cpu, &ran_on, 1), 0);
		KUNIT_EXPECT_EQ_MSG(test, ran_on, (int)cpu, "IPI to CPU %u", cpu);
		ok &= ran_on == (int)cpu;
	}
	return ok;
}

/* What the command line asked for, read independently of the kernel's parser. */
static bool xem_fifo_requested(const char **spelling)
{
	*spelling = "default";
	if (strstr(saved_command_line, "xen.fifo_events=0")) {
		*spelling = "xen.fifo_events=0";
		return false;
	}
	if (strstr(saved_command_line, "xen_fifo_events=0")) {
		*spelling = "xen_fifo_events=0";
		return false;
	}
	return true;
}

static const char *xem_errno_name(int err)
{
	switch (err) {
	case 0:
		return "none";
	case -XEM_XEN_ENOSYS:
		return "ENOSYS";
	case -EOPNOTSUPP:
		return "EOPNOTSUPP";
	case -ENOMEM:
		return "ENOMEM";
	default:
		return "?";
	}
}

/* The CPU whose init_control the model fails once the domain is on FIFO. */
static int xem_refused_cpu(const struct xm_boot_info *bi, bool fifo)
{
	if (!fifo || !bi->fail_init_errno || !bi->fail_init_vcpu ||
	    bi->fail_init_vcpu >= nr_cpu_ids)
		return -1;
	return bi->fail_init_vcpu;
}

/*
 * A CPU refused at boot: offline, no control block in Xen, the domain on
 * FIFO. (The kernel's parallel bring-up tries a failed CPU twice; the
 * failure persists, so both attempts are refused.) Once Xen stops failing
 * it comes up, registers its control block and takes events.
 */
static bool xem_refused_cpu_comes_up(struct kunit *test, unsigned int cpu)
{
	struct xm_domain *d = xm_live_domain();
	bool ok;
	int rc;

	KUNIT_EXPECT_FALSE_MSG(test, cpu_online(cpu), "CPU %u was refused at boot", cpu);
	KUNIT_EXPECT_FALSE_MSG(test, xm_fifo_has_control_block(d, cpu),
			       "control block of refused CPU %u", cpu);
	if (cpu_online(cpu))
		return false;
	xm_fail_init_control(d, cpu, 0);
	rc = add_cpu(cpu);
	KUNIT_EXPECT_EQ_MSG(test, rc, 0, "bringing CPU %u up later", cpu);
	if (rc)
		return false;
	ok = xm_fifo_has_control_block(d, cpu);
	KUNIT_EXPECT_TRUE_MSG(test, ok, "control block of CPU %u after add_cpu", cpu);
	return xem_event_flows_on(test, cpu) && ok;
}

static void xem_cell(struct kunit *test)
{
	const struct xm_boot_info *bi = xm_boot_info();
	struct xm_domain *d = xm_live_domain();
	const char *spelling, *model;
	char modelbuf[48], note[64] = "";
	bool requested, expect_fifo, ok;
	unsigned int cpu;
	int refused;

	requested = xem_fifo_requested(&spelling);
	if (bi->fail_init_errno) {
		snprintf(modelbuf, sizeof(modelbuf), "FIFO,init_control(vCPU %u)=%s",
			 bi->fail_init_vcpu, xem_errno_name(bi->fail_init_errno));
		model = modelbuf;
	} else {
		model = bi->fifo_errno ? xem_errno_name(bi->fifo_errno) : "FIFO";
	}
	expect_fifo = requested && !bi->fifo_errno &&
		      !(bi->fail_init_errno && bi->fail_init_vcpu == 0);

	KUNIT_EXPECT_EQ_MSG(test, xen_fifo_events, expect_fifo,
			    "kernel ABI, model %s, %s", model, spelling);
	KUNIT_EXPECT_EQ_MSG(test, xm_is_fifo(d), expect_fifo,
			    "model ABI, model %s, %s", model, spelling);
	ok = xen_fifo_events == expect_fifo && xm_is_fifo(d) == expect_fifo;

	refused = xem_refused_cpu(bi, expect_fifo);
	for_each_online_cpu(cpu) {
		bool has_cb = xm_fifo_has_control_block(d, cpu);

		KUNIT_EXPECT_EQ_MSG(test, has_cb, expect_fifo, "control block of CPU %u", cpu);
		ok &= has_cb == expect_fifo;
	}
	if (refused < 0) {
		KUNIT_EXPECT_EQ_MSG(test, num_online_cpus(), num_present_cpus(),
				    "every CPU came up");
		ok &= num_online_cpus() == num_present_cpus();
	}
	ok &= xem_events_flow_everywhere(test);
	if (refused >= 0) {
		bool up = xem_refused_cpu_comes_up(test, refused);

		ok &= up;
		snprintf(note, sizeof(note), " (CPU %d refused at boot, %s)", refused,
			 up ? "up later" : "NOT up later");
	}
	kunit_info(test, "matrix: model=%s fifo_events=%s -> %s%s, events %s\n",
		   model, requested ? "1" : spelling, xen_fifo_events ? "FIFO" : "2-level",
		   note, ok ? "ok" : "FAILED");
}

static int xem_test_init(struct kunit *test)
{
	if (!xm_booted_on_model() || !xeh_peer)
		kunit_skip(test, "needs a boot with xen_model=...");
	return 0;
}

static struct kunit_case xem_cases[] = {
	KUNIT_CASE(xem_cell),
	{}
};

static struct kunit_suite xem_suite = {
	.name = "xen_evtchn_matrix",
	.suite_init = xeh_suite_init,
	.suite_exit = xeh_suite_exit,
	.init = xem_test_init,
	.test_cases = xem_cases,
};

kunit_test_suite(xem_suite);
