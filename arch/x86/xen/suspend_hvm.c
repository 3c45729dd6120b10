// SPDX-License-Identifier: GPL-2.0-only
/*
 * x86 HVM/PVH: what has to be told to Xen again after save/restore or live
 * migration. A restored guest runs in a new domain where nothing of ours is
 * registered: no shared-info page in the physical map, no vcpu_info areas,
 * no upcall vectors, CALLBACK_IRQ back to 0. The new host may also lack
 * what the old one offered, so the delivery mode is chosen again rather
 * than replayed. A cancelled suspend (checkpoint, failed save) returns to
 * the same domain, where every registration still holds.
 *
 * Failures are logged and the guest keeps going with what works: at this
 * point (stop_machine, interrupts off) a crash loses the whole guest, while
 * a degraded guest can still be shut down cleanly.
 */
#define pr_fmt(fmt) "xen/hvm: " fmt

#include <linux/cpumask.h>
#include <linux/percpu.h>
#include <linux/smp.h>
#include <linux/types.h>

#include <xen/features.h>
#include <xen/hvm.h>
#include <xen/xen.h>
#include <xen/xen-ops.h>
#include <xen/interface/vcpu.h>

#include <asm/xen/events.h>
#include <asm/xen/hypervisor.h>
#include <asm/xen/page.h>

#include "xen-ops.h"

static int xen_hvm_register_vcpu_info(unsigned int cpu)
{
	struct vcpu_info *area = &per_cpu(xen_vcpu_info, cpu);
	struct vcpu_register_vcpu_info req = {
		.mfn = arbitrary_virt_to_mfn(area),
		.offset = offset_in_page(area),
	};

	return HYPERVISOR_vcpu_op(VCPUOP_register_vcpu_info, xen_vcpu_nr(cpu),
				  &req);
}

/*
 * Point @cpu's xen_vcpu at the area Xen now writes. -EBUSY (Xen 4.18+)
 * means a registration already exists; the only area we ever register is
 * the per-CPU one, so that is where Xen writes. Any other error, including
 * -EINVAL (before 4.18 also "another vCPU is still running"), means nothing
 * is registered: Xen then keeps writing the vCPU's slot in shared info,
 * which exists for vCPUs below 32 only. Offline CPUs are registered by the
 * CPU hotplug prepare step when they come back.
 */
static void xen_hvm_restore_one_vcpu_info(unsigned int cpu)
{
	int rc;

	xen_vcpu_info_reset(cpu);
	if (!cpu_online(cpu))
		return;

	rc = xen_hvm_register_vcpu_info(cpu);
	if (!rc || rc == -EBUSY) {
		per_cpu(xen_vcpu, cpu) = &per_cpu(xen_vcpu_info, cpu);
		return;
	}
	if (per_cpu(xen_vcpu, cpu))
		pr_warn("CPU %u: vcpu_info not registered (%d); using the shared info slot\n",
			cpu, rc);
	else
		pr_err("CPU %u: vcpu_info not registered (%d); it gets no events\n",
		       cpu, rc);
}

/*
 * Before Xen 4.18 a vCPU's vcpu_info could only be registered from another
 * vCPU while that one was down; the other CPUs are parked in stop_machine,
 * so stopping them briefly is safe. Xen before 4.5 cannot say whether a
 * vCPU is up; then it is left running and registration may fall back to
 * the shared-info slot.
 */
static bool xen_hvm_stop_other_vcpu(unsigned int cpu)
{
	int rc;

	if (cpu == smp_processor_id() ||
	    HYPERVISOR_vcpu_op(VCPUOP_is_up, xen_vcpu_nr(cpu), NULL) <= 0)
		return false;
	rc = HYPERVISOR_vcpu_op(VCPUOP_down, xen_vcpu_nr(cpu), NULL);
	if (rc)
		pr_warn("CPU %u: vCPU not stopped for re-registration (%d)\n",
			cpu, rc);
	return !rc;
}

static void xen_hvm_restore_vcpu_infos(void)
{
	unsigned int cpu;
	int rc;

	for_each_possible_cpu(cpu) {
		bool stopped;

		if (xen_vcpu_nr(cpu) == XEN_VCPU_ID_INVALID)
			continue;
		stopped = xen_hvm_stop_other_vcpu(cpu);
		if (xen_feature(XENFEAT_hvm_safe_pvclock))
			xen_setup_runstate_info(cpu);
		xen_hvm_restore_one_vcpu_info(cpu);
		if (!stopped)
			continue;
		rc = HYPERVISOR_vcpu_op(VCPUOP_up, xen_vcpu_nr(cpu), NULL);
		if (rc)
			pr_err("CPU %u: vCPU not restarted (%d); the resume will stall\n",
			       cpu, rc);
	}
}

/**
 * xen_hvm_post_suspend() - renegotiate with Xen after a suspend returns
 * @suspend_cancelled: non-zero if we are back in the same domain
 *
 * Called on CPU 0 inside stop_machine, before the event-channel core's
 * xen_irq_resume() re-creates the bindings (and, if need be, drops from
 * FIFO to 2-level). Order matters: the shared-info page and the vcpu_info
 * areas must be in place before an upcall vector can usefully fire, and
 * the delivery mode must be known before the core kicks each CPU to scan.
 */
void xen_hvm_post_suspend(int suspend_cancelled)
{
	bool was_percpu = xen_percpu_upcall;

	if (suspend_cancelled)
		return;

	xen_hvm_init_shared_info();
	xen_hvm_restore_vcpu_infos();
	/*
	 * Also writes CALLBACK_IRQ again (the "PV drivers present" marker or
	 * the global vector): it is not part of the migration stream.
	 */
	xen_hvm_choose_upcall_delivery();
	/* The migrated LAPICs may still hold the vector we no longer EOI. */
	if (was_percpu && !xen_percpu_upcall)
		xen_hvm_note_vector_residue();
	/* The new host's device model starts with its emulated devices. */
	xen_unplug_emulated_devices();
}
