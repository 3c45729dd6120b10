// SPDX-License-Identifier: GPL-2.0-only
/*
 * Hibernation handover on the model's live domain (a kernel booted with
 * xen_model=..., see xen_model_boot.c and events_hibernate.c).
 *
 * One kernel plays both parts. As the image it takes its snapshot (the PM
 * notifier, then the syscore suspend with only CPU 0 online); the model
 * then creates the new domain of the restore; the test plays the boot
 * kernel's footprint there with the hypercalls a boot kernel makes (its
 * ABI with its own control blocks and event array, ports on its vCPUs,
 * runstate areas, upcall vectors or the global vector, the shared-info
 * page at the frame this build uses); the kernel's own handover code runs
 * as that boot kernel would (notifier, syscore suspend); the jump is
 * emulated by putting back the image's copy of the hibernation state
 * (ordinary data; the nosave record is left as the boot kernel wrote it),
 * and the kernel's syscore resume runs as the image's first step. All of
 * it happens in stop_machine with interrupts off, as on the real path:
 * neither kernel takes an upcall in between.
 *
 * The handover matrix: boot kernel {2-level, FIFO} x {1, 4 vCPUs} against
 * this boot's ABI and delivery mode (run-kunit.sh runs the suite in the
 * four boots {FIFO, 2L} x {per-vCPU, global}); each cell prints a
 * "hibernate:" row. Every cell checks that the image runs on its own ABI,
 * its VIRQs and IPIs work again on every CPU, xenstore and console are
 * bound again, a new channel works, the channel the image had is released
 * without closing anyone else's port, and that Xen writes no frame the boot
 * kernel registered.
 */
#include <kunit/test.h>
#include <linux/cpu.h>
#include <linux/cpumask.h>
#include <linux/delay.h>
#include <linux/interrupt.h>
#include <linux/mm.h>
#include <linux/slab.h>
#include <linux/stop_machine.h>
#include <linux/suspend.h>
#include <asm/irq_vectors.h>
#include <asm/xen/events.h>
#include <asm/xen/hypercall.h>
#include <asm/xen/page.h>
#include <xen/events.h>
#include <xen/hvm.h>
#include <xen/interface/event_channel.h>
#include <xen/interface/hvm/hvm_op.h>
#include <xen/interface/hvm/params.h>
#include <xen/interface/memory.h>
#include <xen/interface/vcpu.h>
#include "../events_hibernate.h"
#include "xen_model.h"
#include "xen_evtchn_hvm_util.h"

#define XHIB_MAX_VCPUS		4	/* the boot kernel's, at most */
#define XHIB_IPIS		2	/* IPI ports the boot kernel binds per vCPU */
#define XHIB_MAX_FRAMES		64

/* What the boot kernel played by the test registered with Xen. */
struct xhib_boot {
	bool fifo;
	unsigned int vcpus;
	bool handover;			/* false: a boot kernel that does not hand over */
	void *cb[XHIB_MAX_VCPUS];	/* FIFO control blocks */
	void *array;			/* FIFO event-array page */
	struct vcpu_runstate_info *runstate;	/* one page, one area per vCPU */
	evtchn_port_t blk;		/* its channel to the peer, like blkfront's */
	int err;			/* first hypercall that failed, if any */
};

/* Everything stop_machine's function does and finds. */
struct xhib_jump {
	struct xhib_boot *boot;
	struct xen_hib_state image;	/* the image's copy of the state */
	int suspend_rc;			/* syscore suspend of the image */
	int handover_rc;		/* syscore suspend of the boot kernel */
	domid_t new_domid;
	xen_pfn_t balloon;		/* a frame the kernel gave to the balloon */
	bool balloon_hole_at_jump;	/* ... still a hole when the image is copied */
};

/* One row of the matrix. */
struct xhib_row {
	bool abi_kept, virqs, ipis, toolstack, new_chan, old_released, balloon;
	unsigned int boot_frames;	/* boot kernel frames Xen still writes */
	char image_abi[8];
};

static const char *xhib_abi_name(bool fifo)
{
	return fifo ? "FIFO" : "2L";
}

/* --- the boot kernel's footprint ------------------------------------------ */

static void xhib_note(struct xhib_boot *b, int rc)
{
	if (rc && !b->err)
		b->err = rc;
}

static int xhib_set_param(unsigned int index, u64 value)
{
	struct xen_hvm_param p = { .domid = DOMID_SELF, .index = index, .value = value };

	return HYPERVISOR_hvm_op(HVMOP_set_param, &p);
}

/* A page given to the balloon: offline for the kernel, a hole for Xen. */
static struct page *xhib_balloon_page(struct kunit *test)
{
	struct xen_memory_reservation r = { .nr_extents = 1, .domid = DOMID_SELF };
	struct page *page = alloc_page(GFP_KERNEL);
	xen_pfn_t gfn;

	KUNIT_ASSERT_NOT_NULL(test, page);
	gfn = page_to_pfn(page);
	set_xen_guest_handle(r.extent_start, &gfn);
	__SetPageOffline(page);
	KUNIT_EXPECT_EQ(test, HYPERVISOR_memory_op(XENMEM_decrease_reservation, &r), 1);
	KUNIT_EXPECT_TRUE(test, xm_gfn_is_hole(xeh_live(), gfn));
	return page;
}

static void xhib_unballoon_page(struct page *page)
{
	struct xen_memory_reservation r = { .nr_extents = 1, .domid = DOMID_SELF };
	xen_pfn_t gfn = page_to_pfn(page);

	set_xen_guest_handle(r.extent_start, &gfn);
	HYPERVISOR_memory_op(XENMEM_populate_physmap, &r);
	__ClearPageOffline(page);
	__free_page(page);
}

static void xhib_boot_fifo(struct xhib_boot *b)
{
	struct evtchn_expand_array ex = { .array_gfn = virt_to_gfn(b->array) };
	unsigned int v;

	for (v = 0; v < b->vcpus; v++) {
		struct evtchn_init_control ic = {
			.control_gfn = virt_to_gfn(b->cb[v]),
			.vcpu = v,
		};

		xhib_note(b, HYPERVISOR_event_channel_op(EVTCHNOP_init_control, &ic));
	}
	xhib_note(b, HYPERVISOR_event_channel_op(EVTCHNOP_expand_array, &ex));
}

/* Timer VIRQ and IPIs on each vCPU; those of the APs are closed again. */
static void xhib_boot_percpu_ports(struct xhib_boot *b)
{
	unsigned int v, i;

	for (v = 0; v < b->vcpus; v++) {
		struct evtchn_bind_virq bv = { .virq = VIRQ_TIMER, .vcpu = v };
		evtchn_port_t ports[XHIB_IPIS + 1];

		xhib_note(b, HYPERVISOR_event_channel_op(EVTCHNOP_bind_virq, &bv));
		ports[0] = bv.port;
		for (i = 0; i < XHIB_IPIS; i++) {
			struct evtchn_bind_ipi bi = { .vcpu = v };

			xhib_note(b, HYPERVISOR_event_channel_op(EVTCHNOP_bind_ipi, &bi));
			ports[i + 1] = bi.port;
		}
		/* hibernate_resume_nonboot_cpu_disable(): the APs go offline. */
		for (i = 0; v && i <= XHIB_IPIS; i++) {
			struct evtchn_close cl = { .port = ports[i] };

			xhib_note(b, HYPERVISOR_event_channel_op(EVTCHNOP_close, &cl));
		}
	}
}

static void xhib_boot_blk_channel(struct xhib_boot *b)
{
	struct evtchn_alloc_unbound au = {
		.dom = DOMID_SELF,
		.remote_dom = xm_domain_id(xeh_peer),
	};
	struct evtchn_bind_interdomain bi = {};
	struct evtchn_send send = {};

	xhib_note(b, HYPERVISOR_event_channel_op(EVTCHNOP_alloc_unbound, &au));
	b->blk = au.port;
	bi.remote_dom = xm_domain_id(xeh_live());
	bi.remote_port = au.port;
	xhib_note(b, xeh_peer_op(EVTCHNOP_bind_interdomain, &bi));
	/* A backend event: Xen writes it into the boot kernel's ABI state. */
	send.port = bi.local_port;
	xhib_note(b, xeh_peer_op(EVTCHNOP_send, &send));
}

/* Delivery as this kernel's mode asks: a boot kernel of the same build. */
static void xhib_boot_delivery(struct xhib_boot *b)
{
	unsigned int v;

	if (xeh_kernel_mode() != XEH_PERCPU) {
		xhib_note(b, xhib_set_param(HVM_PARAM_CALLBACK_IRQ,
					    HVM_CALLBACK_VECTOR(HYPERVISOR_CALLBACK_VECTOR)));
		return;
	}
	for (v = 0; v < b->vcpus; v++) {
		struct xen_hvm_evtchn_upcall_vector uv = {
			.vcpu = v,
			.vector = HYPERVISOR_CALLBACK_VECTOR,
		};

		xhib_note(b, HYPERVISOR_hvm_op(HVMOP_set_evtchn_upcall_vector, &uv));
	}
	xhib_note(b, xhib_set_param(HVM_PARAM_CALLBACK_IRQ, 1));
}

/*
 * Areas of the same build: a vcpu_info where this kernel has one (none
 * with shared-info slots), a runstate area per vCPU in the boot kernel's
 * own page. Registering another vCPU's vcpu_info needs it down first.
 */
static void xhib_boot_areas(struct xhib_boot *b)
{
	unsigned int cpu, v;

	for_each_possible_cpu(cpu) {
		struct vcpu_info *area = xen_hvm_vcpu_area(cpu);
		struct vcpu_register_vcpu_info r = {
			.mfn = virt_to_gfn(area),
			.offset = offset_in_page(area),
		};

		if (!xen_hvm_vcpu_area_live(cpu))
			continue;
		if (cpu)
			HYPERVISOR_vcpu_op(VCPUOP_down, cpu, NULL);
		xhib_note(b, HYPERVISOR_vcpu_op(VCPUOP_register_vcpu_info, cpu, &r));
		if (cpu)
			HYPERVISOR_vcpu_op(VCPUOP_up, cpu, NULL);
	}
	for (v = 0; v < b->vcpus; v++) {
		struct vcpu_register_runstate_memory_area rs = {
			.addr.v = &b->runstate[v],
		};

		xhib_note(b, HYPERVISOR_vcpu_op(VCPUOP_register_runstate_memory_area,
						v, &rs));
	}
}

static void xhib_play_boot_kernel(struct xhib_boot *b)
{
	struct xen_add_to_physmap xatp = {
		.domid = DOMID_SELF,
		.space = XENMAPSPACE_shared_info,
		.gpfn = xen_hvm_shared_info_pfn(),
	};

	xhib_note(b, HYPERVISOR_memory_op(XENMEM_add_to_physmap, &xatp));
	xhib_boot_areas(b);
	if (b->fifo)
		xhib_boot_fifo(b);
	xhib_boot_delivery(b);
	xhib_boot_percpu_ports(b);
	xhib_boot_blk_channel(b);
	/* Its timer keeps running until the very end. */
	xm_fire_virq(xeh_live(), 0, VIRQ_TIMER);
}

/* The boot kernel gave the same page to the balloon (same build). */
static void xhib_make_hole(xen_pfn_t gfn)
{
	struct xen_memory_reservation r = { .nr_extents = 1, .domid = DOMID_SELF };

	set_xen_guest_handle(r.extent_start, &gfn);
	HYPERVISOR_memory_op(XENMEM_decrease_reservation, &r);
}

/* --- the jump ---------------------------------------------------------------- */

static int xhib_notify(unsigned long event)
{
	return xen_hib_pm_notifier.notifier_call(&xen_hib_pm_notifier, event, NULL);
}

/*
 * CPU 0, interrupts off, the other CPUs offline. (The notifier may be
 * called here: in a model boot there is no xenstore for it to talk to.)
 */
static int xhib_jump_fn(void *data)
{
	struct xhib_jump *j = data;
	struct xm_config cfg;

	j->suspend_rc = xen_hib_syscore_ops.suspend(NULL);
	j->image = xen_hib;

	/*
	 * The image's domain is gone; the boot kernel starts in a new one, on
	 * a host that offers FIFO (the image's ABI is its own choice).
	 */
	xm_domain_config(xeh_live(), &cfg);
	cfg.fifo_errno = 0;
	xm_domain_restore(xeh_live(), &cfg, j->new_domid);
	xhib_play_boot_kernel(j->boot);
	/* The image's data goes to every RAM frame: none may be a hole. */
	xhib_make_hole(j->balloon);
	if (j->boot->handover) {
		xhib_notify(PM_RESTORE_PREPARE);
		j->handover_rc = xen_hib_syscore_ops.suspend(NULL);
		j->balloon_hole_at_jump = xm_gfn_is_hole(xeh_live(), j->balloon);
	} else {
		/* Another kernel's data where our record lives. */
		memset(&xen_hib_record, 0, sizeof(xen_hib_record));
	}

	/* The jump: the image's memory is back, the nosave record is not. */
	xen_hib = j->image;
	xen_hib_syscore_ops.resume(NULL);
	return 0;
}

/* --- checks -------------------------------------------------------------------- */

static bool xhib_page_in(const u64 *gfns, unsigned int n, const void *page)
{
	unsigned long gfn = virt_to_gfn(page);
	unsigned int i;

	for (i = 0; i < n; i++)
		if (gfns[i] == gfn)
			return true;
	return false;
}

/* Frames of the boot kernel (not of this kernel) that Xen still writes. */
static unsigned int xhib_boot_frames_left(struct kunit *test, struct xhib_boot *b)
{
	u64 *gfns = kunit_kcalloc(test, XHIB_MAX_FRAMES, sizeof(*gfns), GFP_KERNEL);
	unsigned int n, v, left = 0;

	KUNIT_ASSERT_NOT_NULL(test, gfns);
	n = xm_frames_in_use(xeh_live(), gfns, XHIB_MAX_FRAMES);
	KUNIT_ASSERT_LE(test, n, XHIB_MAX_FRAMES);
	for (v = 0; v < b->vcpus; v++) {
		left += xhib_page_in(gfns, n, b->cb[v]);
		if (xm_runstate_area(xeh_live(), v) == (unsigned long)&b->runstate[v])
			left++;
	}
	left += xhib_page_in(gfns, n, b->array);
	left += xhib_page_in(gfns, n, b->runstate);
	return left;
}

/* The toolstack's port @param is bound to the peer and carries its events. */
static bool xhib_toolstack_port_works(struct kunit *test, unsigned int param)
{
	struct evtchn_status st = { .dom = DOMID_SELF };
	struct xeh_chan c;
	int pending;
	bool ok;

	xeh_chan_reset(&c);
	st.port = xm_hvm_param(xeh_live(), param);
	if (!st.port || HYPERVISOR_event_channel_op(EVTCHNOP_status, &st) ||
	    st.status != EVTCHNSTAT_interdomain) {
		KUNIT_FAIL(test, "toolstack port (HVM param %u) %u: status %u",
			   param, st.port, st.status);
		return false;
	}
	c.local = st.port;
	c.remote = st.u.interdomain.port;
	/* What xenbus and hvc_xen do once they know the port. */
	c.irq = bind_evtchn_to_irqhandler(c.local, xeh_handler, 0, "xhib-ts", &c);
	if (c.irq <= 0) {
		KUNIT_FAIL(test, "toolstack port (HVM param %u) %u: bind %d",
			   param, c.local, c.irq);
		return false;
	}
	/* Bound again by the handover: it came back pending, once. */
	ok = xeh_wait_hits(&c, 1);
	pending = atomic_read(&c.hits);
	ok &= xeh_peer_send(&c) == 0;
	ok &= xeh_wait_hits(&c, pending + 1);
	unbind_from_irqhandler(c.irq, &c);
	KUNIT_EXPECT_TRUE_MSG(test, ok,
			      "toolstack port (HVM param %u) %u: %d event(s) at bind, %d after a send",
			      param, c.local, pending, atomic_read(&c.hits));
	return ok;
}

/*
 * A model boot creates the toolstack's ports before the peer exists: they
 * wait unbound. Bind the peer's ends, as xenstored and xenconsoled do.
 */
static void xhib_toolstack_connect(struct kunit *test)
{
	static const unsigned int params[] = {
		HVM_PARAM_STORE_EVTCHN, HVM_PARAM_CONSOLE_EVTCHN,
	};
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(params); i++) {
		struct evtchn_status st = { .dom = DOMID_SELF };
		struct evtchn_bind_interdomain bi = {};

		st.port = xm_hvm_param(xeh_live(), params[i]);
		KUNIT_ASSERT_EQ(test, HYPERVISOR_event_channel_op(EVTCHNOP_status, &st), 0);
		if (st.status != EVTCHNSTAT_unbound)
			continue;
		bi.remote_dom = xm_domain_id(xeh_live());
		bi.remote_port = st.port;
		KUNIT_ASSERT_EQ(test, xeh_peer_op(EVTCHNOP_bind_interdomain, &bi), 0);
	}
}

static void xhib_offline_aps(struct kunit *test)
{
	unsigned int cpu;

	for_each_online_cpu(cpu)
		if (cpu)
			KUNIT_ASSERT_EQ(test, remove_cpu(cpu), 0);
}

static void xhib_online_cpus(struct kunit *test, unsigned int ncpus)
{
	unsigned int cpu;

	for (cpu = 1; cpu < ncpus && cpu < nr_cpu_ids; cpu++)
		if (!cpu_online(cpu))
			KUNIT_EXPECT_EQ_MSG(test, add_cpu(cpu), 0, "CPU %u back online", cpu);
}

static int xhib_alloc_boot(struct kunit *test, struct xhib_boot *b)
{
	unsigned int v;

	for (v = 0; v < XHIB_MAX_VCPUS; v++) {
		b->cb[v] = (void *)get_zeroed_page(GFP_KERNEL);
		if (!b->cb[v])
			return -ENOMEM;
	}
	b->array = (void *)get_zeroed_page(GFP_KERNEL);
	b->runstate = (void *)get_zeroed_page(GFP_KERNEL);
	return b->array && b->runstate ? 0 : -ENOMEM;
}

static void xhib_free_boot(struct xhib_boot *b)
{
	unsigned int v;

	for (v = 0; v < XHIB_MAX_VCPUS; v++)
		free_page((unsigned long)b->cb[v]);
	free_page((unsigned long)b->array);
	free_page((unsigned long)b->runstate);
}

/*
 * One hibernation: snapshot, a boot kernel with @boot's footprint, the
 * jump, then the image's checks. The boot kernel's pages are freed only
 * after the checks (Xen must have stopped writing them).
 */
static void xhib_run(struct kunit *test, struct xhib_boot *boot,
		     struct xhib_row *row, const char *what)
{
	bool fifo_before = xen_fifo_events;
	enum xeh_mode mode_before = xeh_kernel_mode();
	struct xhib_jump *j;
	struct xeh_chan old, fresh, *virq;
	struct page *balloon;
	unsigned int cpu;

	j = kunit_kzalloc(test, sizeof(*j), GFP_KERNEL);
	virq = kunit_kcalloc(test, nr_cpu_ids, sizeof(*virq), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, j);
	KUNIT_ASSERT_NOT_NULL(test, virq);
	KUNIT_ASSERT_EQ(test, xhib_alloc_boot(test, boot), 0);
	j->boot = boot;
	j->new_domid = xm_domain_id(xeh_live()) + 1;

	/* The image: a backend channel, a timer VIRQ on every CPU, a balloon. */
	balloon = xhib_balloon_page(test);
	j->balloon = page_to_pfn(balloon);
	xeh_open(test, &old);
	xeh_bind_virqs(test, virq);
	KUNIT_ASSERT_EQ(test, xhib_notify(PM_HIBERNATION_PREPARE), NOTIFY_DONE);
	xhib_offline_aps(test);
	KUNIT_EXPECT_EQ(test, stop_machine(xhib_jump_fn, j, cpumask_of(0)), 0);
	xhib_online_cpus(test, boot->vcpus);

	KUNIT_EXPECT_EQ_MSG(test, boot->err, 0, "%s: boot kernel footprint", what);
	KUNIT_EXPECT_EQ_MSG(test, j->suspend_rc, 0, "%s: image syscore suspend", what);
	KUNIT_EXPECT_EQ_MSG(test, j->handover_rc, 0, "%s: handover", what);
	KUNIT_EXPECT_TRUE_MSG(test, xen_hib.restored, "%s: image saw a new domain", what);
	KUNIT_EXPECT_EQ_MSG(test, xm_domain_id(xeh_live()), j->new_domid, "%s: domain", what);

	/* Its own ABI and delivery mode, whatever the boot kernel ran. */
	row->abi_kept = xen_fifo_events == fifo_before && xm_is_fifo(xeh_live()) == fifo_before;
	KUNIT_EXPECT_TRUE_MSG(test, row->abi_kept, "%s: image ABI %s, model %s, before %s",
			      what, xhib_abi_name(xen_fifo_events),
			      xhib_abi_name(xm_is_fifo(xeh_live())), xhib_abi_name(fifo_before));
	snprintf(row->image_abi, sizeof(row->image_abi), "%s", xhib_abi_name(xen_fifo_events));
	KUNIT_EXPECT_EQ_MSG(test, xeh_kernel_mode(), mode_before, "%s: delivery", what);
	KUNIT_EXPECT_NE_MSG(test, xm_callback_irq(xeh_live()), 0ULL, "%s: CALLBACK_IRQ", what);
	KUNIT_EXPECT_EQ_MSG(test, xm_shared_info_gfn(xeh_live()),
			    (long)xen_hvm_shared_info_pfn(), "%s: shared info frame", what);

	/* The old channel's port is gone: releasing it closes no one's port. */
	xeh_close(&old);

	/* Every VIRQ and IPI of the image works again, on its CPU. */
	row->virqs = true;
	KUNIT_EXPECT_TRUE_MSG(test, xeh_fire_virqs(virq), "%s: VIRQs bound again", what);
	xeh_check_virqs(test, virq, 1, what, &row->virqs);
	row->old_released = row->virqs;
	row->ipis = xeh_ipis_work();
	KUNIT_EXPECT_TRUE_MSG(test, row->ipis, "%s: SMP calls to every CPU", what);

	row->toolstack = xhib_toolstack_port_works(test, HVM_PARAM_STORE_EVTCHN) &&
			 xhib_toolstack_port_works(test, HVM_PARAM_CONSOLE_EVTCHN);

	xeh_open(test, &fresh);
	KUNIT_EXPECT_EQ(test, xeh_peer_send(&fresh), 0);
	row->new_chan = xeh_expect_hits(test, &fresh, 1, "new channel after the restore");
	xeh_close(&fresh);

	/*
	 * The boot kernel put RAM back where it had none, and the image gave
	 * back what it had ballooned (the boot kernel may have had RAM there).
	 */
	row->balloon = (!boot->handover || !j->balloon_hole_at_jump) &&
		       xm_gfn_is_hole(xeh_live(), j->balloon);
	KUNIT_EXPECT_TRUE_MSG(test, row->balloon,
			      "%s: balloon frame a hole at the jump %d, after the restore %d",
			      what, j->balloon_hole_at_jump,
			      xm_gfn_is_hole(xeh_live(), j->balloon));
	xhib_unballoon_page(balloon);

	row->boot_frames = xhib_boot_frames_left(test, boot);
	KUNIT_EXPECT_EQ_MSG(test, row->boot_frames, 0U,
			    "%s: frames of the boot kernel Xen still writes", what);

	KUNIT_EXPECT_EQ(test, xhib_notify(PM_POST_HIBERNATION), NOTIFY_DONE);
	xeh_unbind_virqs(virq);
	xhib_online_cpus(test, nr_cpu_ids);
	for_each_possible_cpu(cpu)
		KUNIT_EXPECT_TRUE_MSG(test, cpu_online(cpu), "CPU %u online at the end", cpu);
	xhib_free_boot(boot);
}

/* --- cases ------------------------------------------------------------------------ */

/*
 * The handover matrix for this boot's image: boot kernel {2L, FIFO} x
 * {1, 4 vCPUs}, and one boot kernel that does not hand over.
 */
static void xhib_handover_matrix(struct kunit *test)
{
	static const struct { bool fifo; unsigned int vcpus; bool handover; } cells[] = {
		{ false, 1, true }, { false, 4, true },
		{ true, 1, true }, { true, 4, true },
		{ true, 4, false },
	};
	struct xhib_row rows[ARRAY_SIZE(cells)] = {};
	const char *mode = xeh_mode_names[xeh_kernel_mode()];
	char what[48];
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(cells); i++) {
		struct xhib_boot boot = {
			.fifo = cells[i].fifo,
			/* A boot with fewer CPUs has a smaller boot kernel. */
			.vcpus = min(cells[i].vcpus, num_online_cpus()),
			.handover = cells[i].handover,
		};

		snprintf(what, sizeof(what), "boot %s %u vCPU%s%s", xhib_abi_name(boot.fifo),
			 boot.vcpus, boot.vcpus > 1 ? "s" : "",
			 boot.handover ? "" : " no handover");
		xhib_run(test, &boot, &rows[i], what);
	}

	/* "hibernate: |" lines: run-kunit.sh collects them from every boot. */
	kunit_info(test, "hibernate: | %-5s | %-8s | %-5s | %-8s | %-5s | %-8s | %-5s | %-4s | %-10s | %-8s | %-8s | %-7s | %-11s |\n",
		   "boot", "handover", "vCPUs", "delivery", "image", "ABI kept", "VIRQs",
		   "IPIs", "store+cons", "new chan", "old port", "balloon", "boot frames");
	for (i = 0; i < ARRAY_SIZE(cells); i++)
		kunit_info(test, "hibernate: | %-5s | %-8s | %-5u | %-8s | %-5s | %-8s | %-5s | %-4s | %-10s | %-8s | %-8s | %-7s | %-11u |\n",
			   xhib_abi_name(cells[i].fifo), cells[i].handover ? "yes" : "none",
			   min(cells[i].vcpus, num_online_cpus()), mode, rows[i].image_abi,
			   rows[i].abi_kept ? "yes" : "NO", rows[i].virqs ? "ok" : "FAIL",
			   rows[i].ipis ? "ok" : "FAIL", rows[i].toolstack ? "ok" : "FAIL",
			   rows[i].new_chan ? "ok" : "FAIL", rows[i].old_released ? "ok" : "FAIL",
			   rows[i].balloon ? "ok" : "FAIL", rows[i].boot_frames);
}

/* What the boot kernel leaves for the image: a domain as libxl builds it. */
struct xhib_handover_state {
	xen_pfn_t balloon;		/* in: a frame given to the balloon */
	bool balloon_hole;		/* it was still a hole after the handover */
	int suspend_rc;
	unsigned int bound_ports;	/* guest ports not free */
	unsigned int frames;		/* frames Xen writes */
	bool fifo;
	bool shinfo_mapped;
	bool shinfo_hole;		/* its frame left without RAM */
	unsigned long resets;
};

static int xhib_handover_and_back_fn(void *data)
{
	struct xhib_handover_state *h = data;
	struct xm_domain *d = xeh_live();
	unsigned long pfn = xen_hvm_shared_info_pfn();
	u64 gfns[XHIB_MAX_FRAMES];
	evtchn_port_t port;

	xhib_notify(PM_RESTORE_PREPARE);
	h->resets = xm_call_count(d, __HYPERVISOR_event_channel_op, EVTCHNOP_reset);
	h->suspend_rc = xen_hib_syscore_ops.suspend(NULL);
	h->resets = xm_call_count(d, __HYPERVISOR_event_channel_op, EVTCHNOP_reset) -
		    h->resets;
	for (port = 1; port < xm_valid_ports(d); port++)
		if (xm_port_state(d, port) != XM_PORT_FREE)
			h->bound_ports++;
	h->frames = xm_frames_in_use(d, gfns, ARRAY_SIZE(gfns));
	h->fifo = xm_is_fifo(d);
	h->shinfo_mapped = xm_shared_info_gfn(d) >= 0;
	h->shinfo_hole = xm_gfn_is_hole(d, pfn);
	h->balloon_hole = xm_gfn_is_hole(d, h->balloon);
	/* swsusp_arch_resume() failed: the boot kernel goes on. */
	xen_hib_syscore_ops.resume(NULL);
	return 0;
}

/*
 * A boot kernel whose restore fails. Before the handover (a bad image,
 * found while reading it) nothing at all changes. After the handover it
 * left the domain as libxl builds one (2-level, only the xenstore and
 * console channels, no frame of its own registered, its shared-info frame
 * RAM again; only vcpu_info areas stay, if it registered any) and then
 * takes everything back: its own ABI, VIRQs and IPIs
 * on every CPU, new channels.
 */
static void xhib_failed_restore_keeps_boot_kernel(struct kunit *test)
{
	struct xhib_handover_state h = {};
	bool fifo_before = xen_fifo_events;
	struct xm_domain *d = xeh_live();
	struct xeh_chan c, *virq;
	struct page *balloon;
	unsigned int cpu, areas = 0;
	unsigned long resets;
	bool ok = true;

	/* vcpu_info areas cannot be given back: with registration they stay. */
	for_each_possible_cpu(cpu)
		areas += xen_hvm_vcpu_area_live(cpu);
	virq = kunit_kcalloc(test, nr_cpu_ids, sizeof(*virq), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, virq);
	xeh_bind_virqs(test, virq);

	/* A bad image: PM_RESTORE_PREPARE, reading fails, PM_POST_RESTORE. */
	xeh_open(test, &c);
	resets = xm_call_count(d, __HYPERVISOR_event_channel_op, EVTCHNOP_reset);
	xhib_notify(PM_RESTORE_PREPARE);
	xhib_notify(PM_POST_RESTORE);
	KUNIT_EXPECT_EQ(test, xm_call_count(d, __HYPERVISOR_event_channel_op, EVTCHNOP_reset),
			resets);
	KUNIT_EXPECT_EQ(test, xeh_peer_send(&c), 0);
	xeh_expect_hits(test, &c, 1, "channel after an abandoned restore");
	xeh_close(&c);

	/* The jump itself fails after the handover. */
	xhib_toolstack_connect(test);
	balloon = xhib_balloon_page(test);
	h.balloon = page_to_pfn(balloon);
	xhib_offline_aps(test);
	KUNIT_EXPECT_EQ(test, stop_machine(xhib_handover_and_back_fn, &h, cpumask_of(0)), 0);
	xhib_online_cpus(test, nr_cpu_ids);
	KUNIT_EXPECT_EQ(test, xen_hib_dev_pm_ops.thaw_early(NULL), 0);
	xhib_notify(PM_POST_RESTORE);

	KUNIT_EXPECT_EQ(test, h.suspend_rc, 0);
	KUNIT_EXPECT_EQ(test, h.resets, 1UL);
	KUNIT_EXPECT_EQ_MSG(test, h.bound_ports, 2U,
			    "only xenstore and console after the handover");
	KUNIT_EXPECT_EQ_MSG(test, h.frames, areas,
			    "frames Xen writes after the handover (besides %u vcpu_info areas)",
			    areas);
	KUNIT_EXPECT_FALSE_MSG(test, h.fifo, "the handover leaves 2-level");
	KUNIT_EXPECT_FALSE_MSG(test, h.shinfo_mapped, "shared info unmapped by the handover");
	KUNIT_EXPECT_FALSE_MSG(test, h.shinfo_hole, "shared-info frame RAM again");
	KUNIT_EXPECT_FALSE_MSG(test, h.balloon_hole, "ballooned frame RAM again for the image");
	KUNIT_EXPECT_TRUE_MSG(test, xm_gfn_is_hole(d, h.balloon),
			      "ballooned frame given back again by the boot kernel's resume");
	xhib_unballoon_page(balloon);

	KUNIT_EXPECT_EQ(test, xen_fifo_events, fifo_before);
	KUNIT_EXPECT_EQ(test, xm_is_fifo(d), fifo_before);
	KUNIT_EXPECT_TRUE(test, xm_shared_info_gfn(d) >= 0);
	KUNIT_EXPECT_TRUE(test, xeh_fire_virqs(virq));
	xeh_check_virqs(test, virq, 1, "VIRQ after the abandoned jump", &ok);
	KUNIT_EXPECT_TRUE(test, xeh_ipis_work());
	xeh_open(test, &c);
	KUNIT_EXPECT_EQ(test, xeh_peer_send(&c), 0);
	xeh_expect_hits(test, &c, 1, "new channel after the abandoned jump");
	xeh_close(&c);
	KUNIT_EXPECT_TRUE(test, xhib_toolstack_port_works(test, HVM_PARAM_STORE_EVTCHN));
	xeh_unbind_virqs(virq);
}

struct xhib_thaw {
	int suspend_rc;
	domid_t domid;
};

static int xhib_snapshot_fn(void *data)
{
	struct xhib_thaw *t = data;

	t->suspend_rc = xen_hib_syscore_ops.suspend(NULL);
	t->domid = xm_domain_id(xeh_live());
	xen_hib_syscore_ops.resume(NULL);
	return 0;
}

/*
 * After writing the image the kernel goes on in the same domain (it then
 * powers off, or the writing failed): nothing is reset, every channel
 * keeps working as it was.
 */
static void xhib_thaw_keeps_domain(struct kunit *test)
{
	struct xm_domain *d = xeh_live();
	struct xhib_thaw t = {};
	struct xeh_chan c;
	unsigned long resets;

	xeh_open(test, &c);
	resets = xm_call_count(d, __HYPERVISOR_event_channel_op, EVTCHNOP_reset);
	xhib_notify(PM_HIBERNATION_PREPARE);
	xhib_offline_aps(test);
	KUNIT_EXPECT_EQ(test, stop_machine(xhib_snapshot_fn, &t, cpumask_of(0)), 0);
	xhib_online_cpus(test, nr_cpu_ids);
	KUNIT_EXPECT_EQ(test, xen_hib_dev_pm_ops.thaw_early(NULL), 0);
	xhib_notify(PM_POST_HIBERNATION);

	KUNIT_EXPECT_EQ(test, t.suspend_rc, 0);
	KUNIT_EXPECT_EQ(test, t.domid, xm_domain_id(d));
	KUNIT_EXPECT_FALSE(test, xen_hib.restored);
	KUNIT_EXPECT_EQ(test, xm_call_count(d, __HYPERVISOR_event_channel_op, EVTCHNOP_reset),
			resets);
	KUNIT_EXPECT_EQ(test, xeh_peer_send(&c), 0);
	xeh_expect_hits(test, &c, 1, "channel across a snapshot in the same domain");
	KUNIT_EXPECT_TRUE(test, xeh_ipis_work());
	xeh_close(&c);
}

static int xhib_idle_syscore_fn(void *data)
{
	int *rc = data;

	*rc = xen_hib_syscore_ops.suspend(NULL);
	xen_hib_syscore_ops.resume(NULL);
	return 0;
}

/*
 * Xen's own save/restore and suspend to RAM run the syscore callbacks too,
 * without the PM notifiers: ours make no hypercall at all then.
 */
static void xhib_other_transitions_untouched(struct kunit *test)
{
	struct xm_domain *d = xeh_live();
	static const unsigned int ops[][2] = {
		{ __HYPERVISOR_event_channel_op, EVTCHNOP_reset },
		{ __HYPERVISOR_event_channel_op, EVTCHNOP_status },
		{ __HYPERVISOR_event_channel_op, EVTCHNOP_bind_virq },
		{ __HYPERVISOR_memory_op, XENMEM_remove_from_physmap },
		{ __HYPERVISOR_memory_op, XENMEM_add_to_physmap },
		{ __HYPERVISOR_vcpu_op, VCPUOP_register_runstate_memory_area },
		{ __HYPERVISOR_hvm_op, HVMOP_get_param },
	};
	unsigned long before[ARRAY_SIZE(ops)];
	unsigned int i;
	int rc = -1;

	KUNIT_ASSERT_EQ(test, xen_hib.phase, XEN_HIB_IDLE);
	for (i = 0; i < ARRAY_SIZE(ops); i++)
		before[i] = xm_call_count(d, ops[i][0], ops[i][1]);
	KUNIT_EXPECT_EQ(test, stop_machine(xhib_idle_syscore_fn, &rc, cpumask_of(0)), 0);
	KUNIT_EXPECT_EQ(test, rc, 0);
	KUNIT_EXPECT_EQ(test, xen_hib_dev_pm_ops.freeze_late(NULL), 0);
	KUNIT_EXPECT_EQ(test, xen_hib_dev_pm_ops.restore_early(NULL), 0);
	for (i = 0; i < ARRAY_SIZE(ops); i++)
		KUNIT_EXPECT_EQ_MSG(test, xm_call_count(d, ops[i][0], ops[i][1]), before[i],
				    "hypercall %u/%u", ops[i][0], ops[i][1]);
}

static int xhib_test_init(struct kunit *test)
{
	xeh_test_init(test);
	KUNIT_ASSERT_GE_MSG(test, num_online_cpus(), 2U, "needs -smp 2 or more");
	return 0;
}

static struct kunit_case xhib_cases[] = {
	KUNIT_CASE(xhib_other_transitions_untouched),
	KUNIT_CASE(xhib_thaw_keeps_domain),
	KUNIT_CASE(xhib_failed_restore_keeps_boot_kernel),
	KUNIT_CASE_SLOW(xhib_handover_matrix),
	{}
};

static struct kunit_suite xhib_suite = {
	.name = "xen_evtchn_hvm_hibernate",
	.suite_init = xeh_suite_init,
	.suite_exit = xeh_suite_exit,
	.init = xhib_test_init,
	.test_cases = xhib_cases,
};

kunit_test_suites(&xhib_suite);
