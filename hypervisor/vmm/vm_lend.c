/*
 * A stopped VM lends its cores to ZVM's built-in tests and takes them back.
 * Cores are exclusive: a test that boots a VM of its own on a system whose
 * cores all belong to VMs may, with the operator's consent (`zvm test run
 * ... --borrow`), stop one of them and lend its cores out.  The VM keeps
 * everything else (its id, memory, console, counters); while lent it cannot
 * start, so nothing can run two guests on one core.
 */
#include "kernel/percpu.h"
#include "kernel/thread.h"
#include "lib/format.h"
#include "vmm/vm.h"

int vm_lend_cores(struct vm *vm, struct zerr_msg *msg)
{
	int rc = 0;

	mutex_lock(&vm->ops, WAIT_FOREVER);
	if (vm->state != VM_STOPPED || vm->threads_live || vm->cores_lent) {
		rc = zerr_set(msg, ZE_STATE, "'%s' is %s: only a stopped VM lends its cores",
		              vm->cfg.name, vm->cores_lent ? "lending" : vm_state_name(vm->state));
	} else {
		for (unsigned i = 0; i < vm->vcpu_count; i++)
			cpu_data(vm->vcpus[i].cpu)->owner = 0;
		vm->cores_lent = true;
		fmt_snprintf(vm->reason, sizeof(vm->reason),
		             "stopped: its cores are lent to the built-in tests");
	}
	mutex_unlock(&vm->ops);
	return rc;
}

int vm_reclaim_cores(struct vm *vm, struct zerr_msg *msg)
{
	int rc = 0;

	mutex_lock(&vm->ops, WAIT_FOREVER);
	for (unsigned i = 0; i < vm->vcpu_count && !rc; i++) {
		if (vm_core_taken(vm->vcpus[i].cpu))
			rc = zerr_set(msg, ZE_BUSY, "core %u of '%s' still belongs to another VM",
			              vm->vcpus[i].cpu, vm->cfg.name);
	}
	if (!rc && vm->cores_lent) {
		for (unsigned i = 0; i < vm->vcpu_count; i++)
			cpu_data(vm->vcpus[i].cpu)->owner = &vm->vcpus[i];
		vm->cores_lent = false;
		fmt_snprintf(vm->reason, sizeof(vm->reason), "stopped: its cores came back");
	}
	mutex_unlock(&vm->ops);
	return rc;
}
