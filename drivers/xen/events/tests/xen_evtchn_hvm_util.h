/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Helpers shared by the suites that run on the model's live domain (a
 * kernel booted with xen_model=...): channels to a peer domain with a
 * counting handler, per-CPU VIRQs, SMP calls, and the delivery mode the
 * kernel is on.
 */
#ifndef _XEN_EVTCHN_TESTS_HVM_UTIL_H
#define _XEN_EVTCHN_TESTS_HVM_UTIL_H

#include <kunit/test.h>
#include <linux/atomic.h>
#include <linux/interrupt.h>
#include <xen/interface/event_channel.h>
#include "xen_model.h"

#define XEH_WAIT_MS		2000	/* an event normally lands in microseconds */
#define XEH_POLL_MS		5
#define XEH_QUIET_MS		100	/* how long "nothing more happens" is watched */

/* The three rungs of the ladder (events_hvm_vector.c). */
enum xeh_mode {
	XEH_PERCPU,
	XEH_GLOBAL,
	XEH_NONE,
};

extern const char * const xeh_mode_names[];

/* A channel: an interdomain one to the peer, or a per-CPU VIRQ. */
struct xeh_chan {
	evtchn_port_t local;
	evtchn_port_t remote;
	int irq;
	atomic_t hits;
	int last_cpu;
	bool apic_isr_upcall;	/* the upcall vector was in service in the handler */
};

/* The control domain (domid 0) the channels lead to; see xeh_peer_create(). */
extern struct xm_domain *xeh_peer;

int xeh_peer_create(void);
void xeh_peer_destroy(void);
struct xm_domain *xeh_live(void);
unsigned int xeh_test_cpu(unsigned int n);
unsigned int xeh_hotplug_cpu(void);
#ifndef XEN_EVTCHN_TEST_UPSTREAM
int xeh_free_ipi(unsigned int cpu);
#endif
int xeh_suite_init(struct kunit_suite *suite);
void xeh_suite_exit(struct kunit_suite *suite);
int xeh_test_init(struct kunit *test);
bool xeh_apic_in_service(u8 vector);
irqreturn_t xeh_handler(int irq, void *dev_id);
void xeh_chan_reset(struct xeh_chan *c);
int xeh_peer_op(unsigned int cmd, void *arg);
int xeh_peer_send(struct xeh_chan *c);
int xeh_peer_pair(evtchn_port_t *local, evtchn_port_t *remote);
void xeh_open(struct kunit *test, struct xeh_chan *c);
void xeh_close(struct xeh_chan *c);
bool xeh_wait_count(atomic_t *count, int n, unsigned int limit_ms);
bool xeh_wait_hits(struct xeh_chan *c, int n);
void xeh_dump_port(evtchn_port_t port);
bool xeh_expect_hits(struct kunit *test, struct xeh_chan *c, int n,
		     const char *what);
enum xeh_mode xeh_kernel_mode(void);
bool xeh_ipi_works(unsigned int cpu);
bool xeh_ipis_work(void);
irqreturn_t xeh_virq_handler(int irq, void *dev_id);
void xeh_bind_virqs(struct kunit *test, struct xeh_chan *v);
void xeh_unbind_virqs(struct xeh_chan *v);
bool xeh_fire_virqs(struct xeh_chan *v);
bool xeh_toolstack_ports_open(void);
int xeh_suspend_steps_timed(u64 *resume_ns);
int xeh_suspend_steps(void);
int xeh_suspend_machine(int (*fn)(void *), void *arg);
unsigned int xeh_bound_ports(void);
void xeh_check_virqs(struct kunit *test, struct xeh_chan *v, int n,
		     const char *what, bool *ok);

#endif /* _XEN_EVTCHN_TESTS_HVM_UTIL_H */
