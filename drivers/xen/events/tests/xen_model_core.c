// SPDX-License-Identifier: GPL-2.0-only
/*
 * Software model of Xen: the seam, the hypercall dispatcher, domains, the
 * acting vCPU per CPU, fault injection and call counters.
 */
#include <linux/errno.h>
#include <linux/gfp.h>
#include <linux/mm.h>
#include <linux/percpu.h>
#include <linux/preempt.h>
#include <linux/static_call.h>
#include <linux/uaccess.h>
#include <linux/vmalloc.h>
#include <asm/e820/api.h>
#include <asm/xen/hypercall.h>
#include <asm/xen/hypervisor.h>
#include "xen_model_internal.h"

#define XM_ACTOR_DEPTH	8

DEFINE_RAW_SPINLOCK(xm_lock);

static struct xm_domain *xm_domains[XM_MAX_DOMAINS];
static struct xm_domain *xm_live;
static atomic_long_t xm_stray = ATOMIC_LONG_INIT(0);
static bool xm_installed;
static void (*xm_saved_target)(void);
static DEFINE_MUTEX(xm_install_mutex);

/*
 * The vCPUs this CPU acts as, innermost last (xm_enter() nests). Each entry
 * remembers the context level (task, softirq, hardirq, NMI) that entered:
 * an interrupt arriving while a test acts as a scratch vCPU belongs to the
 * live domain, and so do the hypercalls its handlers issue.
 */
struct xm_actor_stack {
	unsigned int depth;
	struct xm_caller entry[XM_ACTOR_DEPTH];
	unsigned char level[XM_ACTOR_DEPTH];
};

static DEFINE_PER_CPU(struct xm_actor_stack, xm_actors);

/* --- the seam ------------------------------------------------------------ */

/*
 * The model must never stand in for a real hypervisor: its hypercalls would
 * replace Xen's under a running guest. The CPUID instruction itself (not
 * xen_hvm_cpuid_leaf(), which the model answers) tells whether one is there.
 */
static bool xm_under_real_xen(void)
{
	return xen_cpuid_base() != 0;
}

/**
 * xm_install() - point the xen_hypercall static call at the model
 *
 * Saves the current target so xm_uninstall() can put it back. Process
 * context only: static_call_update() patches text under a mutex.
 *
 * Return: 0, -EBUSY when the model is already installed, or -EPERM on a
 * kernel running on real Xen.
 */
int xm_install(void)
{
	int ret = 0;

	if (xm_under_real_xen()) {
		pr_err_once("xen_model: running on real Xen: the model stays out of the way\n");
		return -EPERM;
	}
	mutex_lock(&xm_install_mutex);
	if (xm_installed) {
		ret = -EBUSY;
	} else {
		xm_saved_target = static_call_query(xen_hypercall);
		static_call_update(xen_hypercall, xen_model_hypercall_entry);
		xm_installed = true;
	}
	mutex_unlock(&xm_install_mutex);
	return ret;
}

/**
 * xm_uninstall() - give the xen_hypercall static call its old target back
 *
 * The caller must have flushed everything that could still issue a
 * hypercall: on bare metal the old target executes VMCALL.
 */
void xm_uninstall(void)
{
	mutex_lock(&xm_install_mutex);
	if (xm_installed) {
		static_call_update(xen_hypercall, xm_saved_target);
		xm_installed = false;
	}
	mutex_unlock(&xm_install_mutex);
}

/**
 * xm_stray_hypercalls() - hypercalls that had no domain to act for
 *
 * Return: how many hypercalls reached the model with neither an xm_enter()
 * actor on their CPU nor a live domain owning that CPU.
 */
unsigned long xm_stray_hypercalls(void)
{
	return atomic_long_read(&xm_stray);
}

/* --- helpers shared by the model's files -------------------------------- */

bool xm_is_live(const struct xm_domain *d)
{
	return d && d == xm_live;
}

struct xm_domain *xm_find_live_locked(void)
{
	return xm_live;
}

struct xm_domain *xm_find_locked(domid_t domid)
{
	unsigned int i;

	for (i = 0; i < XM_MAX_DOMAINS; i++)
		if (xm_domains[i] && xm_domains[i]->domid == domid)
			return xm_domains[i];
	return NULL;
}

/*
 * spec 3.4, xen/common/domain.c (rcu_lock_domain_by_any_id): DOMID_SELF and
 * the caller's own numeric id both name the caller.
 */
struct xm_domain *xm_lookup_arg(const struct xm_caller *c, domid_t domid)
{
	if (domid == DOMID_SELF || domid == c->d->domid)
		return c->d;
	return xm_find_locked(domid);
}

/*
 * spec 3.4, xen/include/xsm/dummy.h: with the dummy XSM policy a "target"
 * check passes for the domain itself and for the control domain (the model
 * has no device-model domains).
 */
bool xm_may_target(const struct xm_caller *c, const struct xm_domain *t)
{
	return c->d == t || c->d->cfg.is_control;
}

/*
 * A gfn is a writable RAM page of the domain when the firmware memory map
 * calls it RAM and the kernel maps it (holes, MMIO and firmware areas are
 * not RAM). Whether the guest kernel has the page reserved does not matter
 * to Xen: the boot CPU's vcpu_info lives in memblock memory, and the live
 * domain maps shared_info before the memory map has struct pages at all.
 * page_is_ram() would take resource_lock, which must not nest inside the
 * IRQ-safe model lock; the e820 table is read without a lock.
 */
bool xm_gfn_is_ram(u64 gfn)
{
	if (gfn >= max_pfn)
		return false;
	return e820__mapped_any(PFN_PHYS(gfn), PFN_PHYS(gfn + 1), E820_TYPE_RAM);
}

/* spec 0.3, xen/common/event_channel.c: a failed copy-in is -EFAULT first. */
int xm_copy_in(void *dst, unsigned long src, size_t size)
{
	if (copy_from_kernel_nofault(dst, (const void *)src, size))
		return -EFAULT;
	return 0;
}

/* spec 0.3: a failed copy-back is -EFAULT, but the effect is not undone. */
int xm_copy_out(unsigned long dst, const void *src, size_t size)
{
	if (copy_to_kernel_nofault((void *)dst, src, size))
		return -EFAULT;
	return 0;
}

/* --- the acting vCPU ---------------------------------------------------- */

/**
 * xm_enter() - act as a vCPU of a domain on this CPU
 * @d: the domain
 * @vcpu: its vCPU
 *
 * Hypercalls issued on this CPU until xm_leave() are made for @d's @vcpu.
 * Disables preemption until the matching xm_leave(); calls nest.
 */
void xm_enter(struct xm_domain *d, unsigned int vcpu)
{
	struct xm_actor_stack *s;

	preempt_disable();
	s = this_cpu_ptr(&xm_actors);
	/* Deeper nesting than any test needs: keep the innermost actor. */
	if (s->depth < XM_ACTOR_DEPTH) {
		s->entry[s->depth].d = d;
		s->entry[s->depth].vcpu = vcpu;
		s->level[s->depth] = interrupt_context_level();
	}
	s->depth++;
}

/**
 * xm_leave() - stop acting as the vCPU of the last xm_enter()
 *
 * The previous actor of this CPU, if any, acts again.
 */
void xm_leave(void)
{
	struct xm_actor_stack *s = this_cpu_ptr(&xm_actors);

	if (s->depth)
		s->depth--;
	preempt_enable();
}

/*
 * The innermost actor of this CPU if it was entered from the context level
 * running now, else NULL (an interrupt handler that interrupted a test).
 */
static const struct xm_caller *xm_actor_here(void)
{
	struct xm_actor_stack *s = this_cpu_ptr(&xm_actors);
	unsigned int top;

	if (!s->depth)
		return NULL;
	top = min_t(unsigned int, s->depth, XM_ACTOR_DEPTH) - 1;
	if (s->level[top] != interrupt_context_level())
		return NULL;
	return &s->entry[top];
}

/* Who a hypercall on this CPU is for; false when nobody (a stray call). */
static bool xm_current_caller(struct xm_caller *c)
{
	const struct xm_caller *actor = xm_actor_here();
	unsigned int cpu = smp_processor_id();

	if (actor) {
		*c = *actor;
		return c->d && xm_vcpu_exists(c->d, c->vcpu);
	}
	if (xm_live && xm_vcpu_exists(xm_live, cpu)) {
		c->d = xm_live;
		c->vcpu = cpu;
		return true;
	}
	return false;
}

/* --- fault injection and counters --------------------------------------- */

static void xm_count_call(struct xm_domain *d, unsigned int op,
			  unsigned int cmd)
{
	if (op < XM_NR_OPS && cmd < XM_NR_CMDS)
		d->calls[op][cmd]++;
}

/* An injected failure for this call, or 0: it fails before any effect. */
static int xm_injected_error(struct xm_domain *d, unsigned int op,
			     unsigned int cmd)
{
	struct xm_fault *f;
	unsigned int i;
	int err;

	for (i = 0; i < XM_MAX_FAULTS; i++) {
		f = &d->faults[i];
		if (!f->err || f->op != op || f->cmd != cmd)
			continue;
		if (!f->nth)
			return f->err;
		if (--f->nth)
			continue;
		err = f->err;
		f->err = 0;
		return err;
	}
	return 0;
}

static struct xm_fault *xm_fault_slot(struct xm_domain *d, unsigned int op,
				      unsigned int cmd, bool always)
{
	struct xm_fault *f, *free_slot = NULL;
	unsigned int i;

	for (i = 0; i < XM_MAX_FAULTS; i++) {
		f = &d->faults[i];
		if (f->err && f->op == op && f->cmd == cmd &&
		    !f->nth == always)
			return f;
		if (!f->err && !free_slot)
			free_slot = f;
	}
	return free_slot;
}

static void xm_set_fault(struct xm_domain *d, unsigned int op,
			 unsigned int cmd, unsigned int nth, int err,
			 bool always)
{
	struct xm_fault *f;
	unsigned long flags;

	raw_spin_lock_irqsave(&xm_lock, flags);
	f = xm_fault_slot(d, op, cmd, always);
	if (f) {
		f->op = op;
		f->cmd = cmd;
		f->nth = always ? 0 : nth;
		f->err = (always || nth) ? err : 0;
	}
	raw_spin_unlock_irqrestore(&xm_lock, flags);
}

/**
 * xm_fail_nth() - make one future call of a hypercall fail
 * @d: the calling domain
 * @op: hypercall number
 * @cmd: sub-op
 * @nth: which call from now (1-based); 0 clears
 * @err: the negative errno to return
 */
void xm_fail_nth(struct xm_domain *d, unsigned int op, unsigned int cmd,
		 unsigned int nth, int err)
{
	xm_set_fault(d, op, cmd, nth, err, false);
}

/**
 * xm_fail_always() - make every future call of a hypercall fail
 * @d: the calling domain
 * @op: hypercall number
 * @cmd: sub-op
 * @err: the negative errno to return; 0 clears
 */
void xm_fail_always(struct xm_domain *d, unsigned int op, unsigned int cmd,
		    int err)
{
	xm_set_fault(d, op, cmd, 0, err, true);
}

/**
 * xm_fail_init_control() - make one vCPU's FIFO registration fail
 * @d: the domain
 * @vcpu: the vCPU whose EVTCHNOP_init_control fails
 * @err: the negative errno to return; 0 clears
 */
void xm_fail_init_control(struct xm_domain *d, unsigned int vcpu, int err)
{
	unsigned long flags;

	raw_spin_lock_irqsave(&xm_lock, flags);
	d->fail_init_vcpu = vcpu;
	d->fail_init_err = err;
	raw_spin_unlock_irqrestore(&xm_lock, flags);
}

/**
 * xm_call_count() - calls of a hypercall a domain has issued
 * @d: the domain
 * @op: hypercall number
 * @cmd: sub-op
 *
 * Return: the count, injected failures included.
 */
unsigned long xm_call_count(struct xm_domain *d, unsigned int op,
			    unsigned int cmd)
{
	if (op >= XM_NR_OPS || cmd >= XM_NR_CMDS)
		return 0;
	return READ_ONCE(d->calls[op][cmd]);
}

/* --- the dispatcher ------------------------------------------------------ */

/* spec 0.2: the sub-op is the first argument; memory_op keeps it in 5:0. */
static unsigned int xm_sub_op(unsigned long op, unsigned long a1)
{
	if (op == __HYPERVISOR_memory_op)
		return a1 & 0x3f;
	return a1 < XM_NR_CMDS ? a1 : XM_NR_CMDS;
}

static long xm_dispatch(struct xm_caller *c, unsigned long op,
			unsigned long a1, unsigned long a2, unsigned long a3)
{
	switch (op) {
	case __HYPERVISOR_memory_op:
		return xm_memory_op(c, a1 & 0x3f, a2);
	case __HYPERVISOR_xen_version:
		return xm_xen_version(c, a1, a2);
	case __HYPERVISOR_vcpu_op:
		return xm_vcpu_op(c, a1, a2, a3);
	case __HYPERVISOR_sched_op:
		return xm_sched_op(c, a1, a2);
	case __HYPERVISOR_event_channel_op:
		return xm_evtchn_op(c, a1, a2);
	case __HYPERVISOR_hvm_op:
		return xm_hvm_op(c, a1, a2);
	case __HYPERVISOR_physdev_op:
		return xm_physdev_op(c, a1, a2);
	default:
		/* Everything else is not modelled. */
		return -XM_ENOSYS;
	}
}

/**
 * xen_model_hypercall() - C entry of every hypercall while installed
 * @op: hypercall number
 * @a1: first argument (the sub-op for the hypercalls modelled)
 * @a2: second argument
 * @a3: third argument
 * @a4: fourth argument (unused)
 * @a5: fifth argument (unused)
 *
 * Any context, interrupts on or off.
 *
 * Return: what Xen would return, as an unsigned long.
 */
unsigned long xen_model_hypercall(unsigned long op, unsigned long a1,
				  unsigned long a2, unsigned long a3,
				  unsigned long a4, unsigned long a5)
{
	struct xm_caller c;
	unsigned long flags;
	unsigned int cmd;
	long ret;

	preempt_disable();
	if (!xm_current_caller(&c)) {
		preempt_enable();
		atomic_long_inc(&xm_stray);
		return -XM_ENOSYS;
	}
	raw_spin_lock_irqsave(&xm_lock, flags);
	/* spec 7.1: every hypercall is a VM exit (lazy GSI de-assert). */
	xm_vm_exit(c.d);
	cmd = xm_sub_op(op, a1);
	xm_count_call(c.d, op, cmd);
	ret = xm_injected_error(c.d, op, cmd);
	if (!ret)
		ret = xm_dispatch(&c, op, a1, a2, a3);
	raw_spin_unlock_irqrestore(&xm_lock, flags);
	preempt_enable();
	return ret;
}

/* --- domains -------------------------------------------------------------- */

/**
 * xm_config_default() - the configuration of a typical HVM domU
 * @cfg: filled in
 */
void xm_config_default(struct xm_config *cfg)
{
	*cfg = (struct xm_config) {
		.nr_vcpus = 1,
		.xen_version = XM_XEN(4, 17),
		.lapic_fix = true,
	};
}

/* Everything a new (or restored) domain starts with, spec 2 and 12. */
void xm_domain_setup_state(struct xm_domain *d, const struct xm_config *cfg,
			   domid_t domid)
{
	unsigned int v;

	d->cfg = *cfg;
	d->domid = domid;
	d->max_port = cfg->max_evtchn_port ?: XM_DEFAULT_MAX_PORT;
	if (!d->cfg.nr_gsis)
		d->cfg.nr_gsis = XM_DEFAULT_NR_GSIS;
	xm_evtchn_init_domain(d);
	xm_pirq_reset_domain(d);
	memset(d->params, 0, sizeof(d->params));
	clear_page(d->xen_shinfo);	/* spec 1.3: zero-filled, all unmasked */
	d->shinfo = d->xen_shinfo;
	d->shinfo_gfn = -1;
	d->nr_holes = 0;
	d->populated = 0;
	xm_hvm_reset_delivery(d);
	for (v = 0; v < XM_MAX_VCPUS; v++) {
		struct xm_vcpu *vc = &d->vcpus[v];

		vc->online = true;
		vc->vi_registered = false;
		vc->vi_area = NULL;
		vc->runstate_area = 0;
		vc->time_area = 0;
		vc->polling = false;
	}
}

/*
 * A scratch domain stands for a guest that has booted: its local APICs are
 * software-enabled until a test says otherwise.
 */
static void xm_lapics_enable(struct xm_domain *d)
{
	unsigned int v;

	for (v = 0; v < XM_MAX_VCPUS; v++)
		d->vcpus[v].lapic.enabled = true;
}

/*
 * The live domain of a model boot is created at x86_init.hyper
 * .init_mem_mapping time, before the page, slab and vmalloc allocators
 * exist, so it lives in static storage: one per boot, never freed.
 */
static struct xm_domain xm_boot_domain;
static struct xm_port xm_boot_ports[XM_FIFO_NR_PORTS];
static u8 xm_boot_shinfo[PAGE_SIZE] __aligned(PAGE_SIZE);
static bool xm_boot_domain_used;

static void xm_domain_free(struct xm_domain *d)
{
	if (!d)
		return;
	if (d == &xm_boot_domain) {
		xm_boot_domain_used = false;
		return;
	}
	free_page((unsigned long)d->xen_shinfo);
	vfree(d->ports);
	vfree(d);
}

static struct xm_domain *xm_domain_alloc(void)
{
	struct xm_domain *d = vzalloc(sizeof(*d));

	if (!d)
		return NULL;
	d->ports = vzalloc(array_size(XM_FIFO_NR_PORTS, sizeof(*d->ports)));
	d->xen_shinfo = (struct shared_info *)get_zeroed_page(GFP_KERNEL);
	if (!d->ports || !d->xen_shinfo) {
		xm_domain_free(d);
		return NULL;
	}
	return d;
}

static bool xm_insert_locked(struct xm_domain *d)
{
	unsigned int i;

	if (xm_find_locked(d->domid))
		return false;
	for (i = 0; i < XM_MAX_DOMAINS; i++) {
		if (!xm_domains[i]) {
			xm_domains[i] = d;
			return true;
		}
	}
	return false;
}

static bool xm_config_ok(const struct xm_config *cfg, domid_t domid)
{
	return cfg->nr_vcpus && cfg->nr_vcpus <= XM_MAX_VCPUS &&
	       domid != DOMID_SELF;
}

/* Fill a new domain's state and register it; frees it on failure. */
static struct xm_domain *xm_domain_register(struct xm_domain *d,
					    const struct xm_config *cfg,
					    domid_t domid)
{
	unsigned long flags;
	bool ok;

	xm_domain_setup_state(d, cfg, domid);
	xm_lapics_enable(d);
	d->suspend_outcome = XM_SUSPEND_NEW_DOMAIN;
	raw_spin_lock_irqsave(&xm_lock, flags);
	ok = xm_insert_locked(d);
	if (ok && !cfg->is_control)
		xm_evtchn_toolstack_ports(d);
	raw_spin_unlock_irqrestore(&xm_lock, flags);
	if (!ok) {
		xm_domain_free(d);
		return NULL;
	}
	return d;
}

/**
 * xm_domain_create() - create a model domain
 * @cfg: its configuration
 * @domid: its domain id (unique among model domains)
 *
 * A domain that is not the control domain gets its xenstore and console
 * ports, as the toolstack would create them. Process context.
 *
 * Return: the domain, or NULL (bad configuration, id in use, no memory).
 */
struct xm_domain *xm_domain_create(const struct xm_config *cfg, domid_t domid)
{
	struct xm_domain *d;

	if (!xm_config_ok(cfg, domid))
		return NULL;
	d = xm_domain_alloc();
	if (!d)
		return NULL;
	return xm_domain_register(d, cfg, domid);
}

/**
 * xm_domain_create_boot() - create the domain a model boot runs in
 * @cfg: its configuration
 * @domid: its domain id
 *
 * Like xm_domain_create(), but with static storage, so it works before any
 * allocator is up (early boot, one CPU, interrupts off). Only one such
 * domain can exist at a time.
 *
 * Return: the domain, or NULL (bad configuration, already in use).
 */
struct xm_domain *xm_domain_create_boot(const struct xm_config *cfg,
					domid_t domid)
{
	struct xm_domain *d = &xm_boot_domain;

	if (!xm_config_ok(cfg, domid) || xm_boot_domain_used)
		return NULL;
	xm_boot_domain_used = true;
	memset(d, 0, sizeof(*d));
	memset(xm_boot_ports, 0, sizeof(xm_boot_ports));
	d->ports = xm_boot_ports;
	d->xen_shinfo = (struct shared_info *)xm_boot_shinfo;
	return xm_domain_register(d, cfg, domid);
}

/**
 * xm_domain_destroy() - destroy a model domain
 * @d: the domain (NULL is ignored)
 *
 * Its interdomain peers see their ports closed from this side, and the
 * back-ends close their ends of its store and console channels. Nothing
 * may act as one of its vCPUs any more. Process context.
 */
void xm_domain_destroy(struct xm_domain *d)
{
	unsigned long flags;
	unsigned int i;

	if (!d)
		return;
	raw_spin_lock_irqsave(&xm_lock, flags);
	xm_evtchn_close_toolstack_peers(d);
	xm_evtchn_unlink_peers(d);
	for (i = 0; i < XM_MAX_DOMAINS; i++)
		if (xm_domains[i] == d)
			xm_domains[i] = NULL;
	if (xm_live == d)
		xm_live = NULL;
	raw_spin_unlock_irqrestore(&xm_lock, flags);
	xm_domain_free(d);
}

/**
 * xm_domain_id() - a domain's id
 * @d: the domain
 *
 * Return: the id (it changes on xm_domain_restore()).
 */
domid_t xm_domain_id(const struct xm_domain *d)
{
	return READ_ONCE(d->domid);
}

/**
 * xm_domain_find() - look a model domain up by id
 * @domid: the id
 *
 * Return: the domain or NULL.
 */
struct xm_domain *xm_domain_find(domid_t domid)
{
	struct xm_domain *d;
	unsigned long flags;

	raw_spin_lock_irqsave(&xm_lock, flags);
	d = xm_find_locked(domid);
	raw_spin_unlock_irqrestore(&xm_lock, flags);
	return d;
}

/**
 * xm_domain_make_live() - make a domain the live one
 * @d: the domain; NULL makes no domain live
 *
 * vCPU n of the live domain is Linux CPU n; hypercalls without an actor are
 * its, and its per-vCPU upcalls are real interrupts.
 *
 * Return: 0, or -EBUSY when another domain is live.
 */
int xm_domain_make_live(struct xm_domain *d)
{
	unsigned long flags;
	int ret = 0;

	raw_spin_lock_irqsave(&xm_lock, flags);
	if (d && xm_live && xm_live != d)
		ret = -EBUSY;
	else
		xm_live = d;
	raw_spin_unlock_irqrestore(&xm_lock, flags);
	return ret;
}

/**
 * xm_live_domain() - the live domain
 *
 * Return: the live domain or NULL.
 */
struct xm_domain *xm_live_domain(void)
{
	return READ_ONCE(xm_live);
}

/**
 * xm_set_suspend_outcome() - choose what the next suspend does
 * @d: the domain
 * @o: restore into a new domain, or cancel
 */
void xm_set_suspend_outcome(struct xm_domain *d, enum xm_suspend_outcome o)
{
	unsigned long flags;

	raw_spin_lock_irqsave(&xm_lock, flags);
	d->suspend_outcome = o;
	raw_spin_unlock_irqrestore(&xm_lock, flags);
}

/**
 * xm_domain_restore() - the guest wakes up in a new domain (spec 12)
 * @d: the domain
 * @cfg: the features of the new domain
 * @new_domid: the id of the new domain
 */
void xm_domain_restore(struct xm_domain *d, const struct xm_config *cfg,
		       domid_t new_domid)
{
	unsigned long flags;

	raw_spin_lock_irqsave(&xm_lock, flags);
	xm_restore_locked(d, cfg, new_domid);
	raw_spin_unlock_irqrestore(&xm_lock, flags);
}

/**
 * xm_set_restore_config() - features of the next restored domain
 * @d: the domain
 * @cfg: the configuration the next suspend ending in a new domain gives it
 *	(the host migrated to); used once
 */
void xm_set_restore_config(struct xm_domain *d, const struct xm_config *cfg)
{
	unsigned long flags;

	raw_spin_lock_irqsave(&xm_lock, flags);
	d->restore_cfg = *cfg;
	d->restore_cfg_set = true;
	raw_spin_unlock_irqrestore(&xm_lock, flags);
}

/**
 * xm_domain_config() - a domain's current configuration
 * @d: the domain
 * @cfg: filled in
 */
void xm_domain_config(struct xm_domain *d, struct xm_config *cfg)
{
	unsigned long flags;

	raw_spin_lock_irqsave(&xm_lock, flags);
	*cfg = d->cfg;
	raw_spin_unlock_irqrestore(&xm_lock, flags);
}

/**
 * xm_domain_soft_reset() - complete a soft reset as the toolstack does
 * @d: the domain (spec 6.5)
 */
void xm_domain_soft_reset(struct xm_domain *d)
{
	unsigned long flags;

	raw_spin_lock_irqsave(&xm_lock, flags);
	xm_soft_reset_locked(d);
	raw_spin_unlock_irqrestore(&xm_lock, flags);
}
