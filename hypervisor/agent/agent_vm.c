/*
 * The VM methods: zvm.list, zvm.info and the lifecycle.  Reads come from
 * the same locked snapshots `zvm list/info` print (vmm/vm_snapshot.h);
 * operations run the registry's own handlers, then report the VM's state.
 */
#include "agent/agent_methods.h"
#include "kernel/boot.h"
#include "kernel/percpu.h"
#include "kernel/shell.h"
#include "kernel/time.h"
#include "lib/format.h"
#include "lib/string.h"
#include "vmm/vm.h"
#include "vmm/vm_snapshot.h"
#include "vdev/virtio_defs.h"

#define VM_REF_MAX 24 /* a name (VM_NAME_MAX) or an id */

/* Several KiB: the agent thread is the only user. */
static struct vm_snapshot snap;

static void write_cores(struct json_writer *w, const struct vm_snapshot *vm)
{
	json_key(w, "cores");
	json_array_begin(w);
	for (unsigned i = 0; i < vm->vcpu_count; i++)
		json_u64(w, vm->vcpus[i].cpu);
	json_array_end(w);
}

static bool has_uptime(const struct vm_snapshot *vm)
{
	return vm->state == VM_RUNNING || vm->state == VM_PAUSED;
}

static void write_summary_members(struct json_writer *w, const struct vm_snapshot *vm)
{
	json_member_u64(w, "id", vm->id);
	json_member_string(w, "name", vm->cfg.name);
	json_member_string(w, "os", vm_os_type_name(vm->cfg.os_type));
	json_member_string(w, "state", vm_state_name(vm->state));
	write_cores(w, vm);
	json_member_u64(w, "memory_mib", vm->cfg.ram.size >> 20);
	json_key(w, "uptime_s");
	if (has_uptime(vm))
		json_u64(w, ticks_to_ns(time_now() - vm->started_at) / 1000000000ull);
	else
		json_null(w);
	json_member_u64(w, "restarts", vm->restarts);
}

static void write_summary(struct json_writer *w, const struct vm_snapshot *vm)
{
	json_object_begin(w);
	write_summary_members(w, vm);
	json_object_end(w);
}

int agent_zvm_list(struct rpc_call *call)
{
	static const char *const none[] = { 0 };
	int rc = agent_only_params(call, none);

	if (rc)
		return rc;
	json_object_begin(call->out);
	/* The board's core map: the agent runs on ZVM's own core. */
	json_member_u64(call->out, "zvm_core", this_cpu_id());
	json_member_u64(call->out, "board_cores", board.cpu_count);
	json_key(call->out, "vms");
	json_array_begin(call->out);
	for (unsigned i = 0; i < VM_MAX; i++) {
		if (vm_snapshot_at(i, &snap))
			write_summary(call->out, &snap);
	}
	json_array_end(call->out);
	json_object_end(call->out);
	return 0;
}

/* The "vm" param, checked against the registry: 0 with snap filled. */
static int find_vm(struct rpc_call *call, char *ref)
{
	static const char *const allowed[] = { "vm", 0 };
	int rc = agent_only_params(call, allowed);

	if (rc == 0)
		rc = agent_param_text(call, "vm", true, ref, VM_REF_MAX);
	if (rc)
		return rc;
	if (!vm_snapshot_find(ref, &snap))
		return agent_fail(call, RPC_ERR_FAILED, "no VM '%s'", ref);
	return 0;
}

static void write_vcpus(struct json_writer *w, const struct vm_snapshot *vm)
{
	json_key(w, "vcpus");
	json_array_begin(w);
	for (unsigned i = 0; i < vm->vcpu_count; i++) {
		const struct vcpu_snapshot *v = &vm->vcpus[i];
		json_object_begin(w);
		json_member_u64(w, "index", i);
		json_member_u64(w, "core", v->cpu);
		json_member_string(w, "state", vm_snapshot_vcpu_state(vm, v));
		json_member_u64(w, "traps", v->stats.traps);
		json_member_u64(w, "hypercalls", v->stats.hypercalls);
		json_member_u64(w, "mmio", v->stats.mmio);
		json_member_u64(w, "sysreg", v->stats.sysreg);
		json_member_u64(w, "irqs", v->stats.irqs);
		json_member_u64(w, "injected", v->stats.injected);
		json_member_u64(w, "fast_timer", v->fast_timer);
		json_object_end(w);
	}
	json_array_end(w);
}

static void write_virtio(struct json_writer *w, const struct vm_virtio_snapshot *d)
{
	uint64_t queue_errors = 0;

	for (unsigned e = 0; e < VIRTQ_ERR_COUNT; e++)
		queue_errors += d->stats.queue_errors[e];
	json_object_begin(w);
	json_member_string(w, "kind", d->kind);
	json_member_string(w, "mode", "virtio-mmio v2");
	json_member_u64(w, "slot", d->slot);
	json_member_u64(w, "intid", d->intid);
	json_member_u64(w, "status", d->status);
	json_member_u64(w, "requests", d->stats.requests);
	json_member_u64(w, "bytes_out", d->bytes_out);
	json_member_u64(w, "bytes_in", d->bytes_in);
	json_member_u64(w, "notifications", d->stats.notifications);
	json_member_u64(w, "interrupts", d->stats.interrupts);
	json_member_u64(w, "errors", d->stats.driver_errors);
	json_member_u64(w, "malformed_rings", queue_errors);
	json_member_u64(w, "resets", d->stats.resets);
	json_object_end(w);
}

/* Every device and how it is virtualized, as `zvm info` lists them. */
static void write_devices(struct json_writer *w, const struct vm_snapshot *vm)
{
	json_key(w, "devices");
	json_array_begin(w);
	if (vm->cfg.uart) {
		json_object_begin(w);
		json_member_string(w, "kind", "pl011");
		json_member_string(w, "mode", "emulated");
		json_member_u64(w, "base", GUEST_UART_BASE);
		json_member_u64(w, "intid", GUEST_INTID_UART);
		json_object_end(w);
	}
	for (unsigned i = 0; i < vm->virtio_count; i++)
		write_virtio(w, &vm->virtio[i]);
	for (unsigned i = 0; i < vm->cfg.passthrough_count; i++) {
		json_object_begin(w);
		json_member_string(w, "kind", "mmio");
		json_member_string(w, "mode", "pass-through");
		json_member_u64(w, "base", vm->cfg.passthrough[i].base);
		json_member_u64(w, "size", vm->cfg.passthrough[i].size);
		json_object_end(w);
	}
	for (unsigned i = 0; i < vm->cfg.intid_count; i++) {
		json_object_begin(w);
		json_member_string(w, "kind", "interrupt");
		json_member_string(w, "mode", "pass-through");
		json_member_u64(w, "intid", vm->cfg.intids[i]);
		json_object_end(w);
	}
	json_array_end(w);
}

static void write_vgic(struct json_writer *w, const struct vm_snapshot *vm)
{
	struct vgic_stats gs = vm->vgic;

	for (unsigned i = 0; i < vm->vcpu_count; i++) {
		gs.injected += vm->vcpus[i].fast_timer; /* as zvm info counts them */
		gs.delivered += vm->vcpus[i].fast_timer;
	}
	json_key(w, "vgic");
	json_object_begin(w);
	json_member_u64(w, "injected", gs.injected);
	json_member_u64(w, "delivered", gs.delivered);
	json_member_u64(w, "outstanding", gs.outstanding);
	json_member_u64(w, "lost", gs.lost);
	json_member_bool(w, "direct", vm->cfg.direct_irq);
	json_object_end(w);
}

int agent_zvm_info(struct rpc_call *call)
{
	char ref[VM_REF_MAX];
	struct json_writer *w = call->out;
	int rc = find_vm(call, ref);

	if (rc)
		return rc;
	json_object_begin(w);
	write_summary_members(w, &snap);
	json_member_string(w, "reason", snap.reason);
	json_key(w, "memory");
	json_object_begin(w);
	json_member_u64(w, "guest", snap.cfg.ram.base);
	json_member_u64(w, "host", snap.ram_pa);
	json_member_u64(w, "mib", snap.cfg.ram.size >> 20);
	json_object_end(w);
	json_member_string(w, "image", snap.cfg.image);
	json_member_string(w, "recovery", vm_recovery_name(snap.cfg.recovery));
	json_member_u64(w, "crashes", snap.crashes);
	json_member_u64(w, "guest_faults", snap.guest_faults);
	json_member_u64(w, "aborts_injected", snap.aborts_injected);
	json_member_u64(w, "revocations", snap.revocations);
	write_vgic(w, &snap);
	write_devices(w, &snap);
	write_vcpus(w, &snap);
	json_object_end(w);
	return 0;
}

/* zvm <verb> <vm> through the registry, then the VM as it is now. */
static int lifecycle(struct rpc_call *call, const char *verb)
{
	char ref[VM_REF_MAX], cmd_word[] = "zvm", verb_word[16];
	char *argv[] = { cmd_word, verb_word, ref, 0 };
	int rc = find_vm(call, ref);

	if (rc)
		return rc;
	unsigned id = snap.id;
	fmt_snprintf(verb_word, sizeof(verb_word), "%s", verb);
	rc = agent_run_command(call, 3, argv);
	if (rc)
		return rc;
	fmt_snprintf(ref, sizeof(ref), "%u", id);
	if (!vm_snapshot_find(ref, &snap)) {
		json_object_begin(call->out);
		json_member_u64(call->out, "deleted", id);
		json_object_end(call->out);
		return 0;
	}
	write_summary(call->out, &snap);
	return 0;
}

int agent_zvm_start(struct rpc_call *call)
{
	return lifecycle(call, "start");
}

int agent_zvm_stop(struct rpc_call *call)
{
	return lifecycle(call, "stop");
}

int agent_zvm_pause(struct rpc_call *call)
{
	return lifecycle(call, "pause");
}

int agent_zvm_resume(struct rpc_call *call)
{
	return lifecycle(call, "resume");
}

int agent_zvm_shutdown(struct rpc_call *call)
{
	return lifecycle(call, "shutdown");
}

int agent_zvm_restart(struct rpc_call *call)
{
	return lifecycle(call, "restart");
}

int agent_zvm_delete(struct rpc_call *call)
{
	return lifecycle(call, "delete");
}

/* The VM in a registry slot that held none before. */
static bool find_new(const bool *before)
{
	for (unsigned i = 0; i < VM_MAX; i++) {
		if (!before[i] && vm_snapshot_at(i, &snap))
			return true;
	}
	return false;
}

/* Appends "<option> <value>" to argv when the optional param is there. */
static int optional_option(struct rpc_call *call, const char *param, char *option, char *buf,
                           size_t cap, char **argv, int *argc)
{
	int rc = agent_param_text(call, param, false, buf, cap);

	if (rc == 0) {
		argv[(*argc)++] = option;
		argv[(*argc)++] = buf;
	}
	return rc < 0 ? rc : 0;
}

int agent_zvm_create(struct rpc_call *call)
{
	static const char *const allowed[] = {
		"template", "vcpus", "memory_mib", "name", "cores", 0
	};
	char t[16], name[VM_NAME_MAX], vcpus[24], mib[24], cores[64];
	char w0[] = "zvm", w1[] = "create", ot[] = "-t", oc[] = "-c", om[] = "-m", on[] = "-n",
	     oC[] = "-C";
	char *argv[13] = { w0, w1, ot, t, om, mib };
	int argc = 6;
	bool before[VM_MAX];
	int rc = agent_only_params(call, allowed);

	if (rc == 0)
		rc = agent_param_text(call, "template", true, t, sizeof(t));
	if (rc == 0)
		rc = agent_param_text(call, "memory_mib", true, mib, sizeof(mib));
	/* vcpus may be left out when cores ("2,3", as zvm create -C) names them. */
	if (rc == 0)
		rc = optional_option(call, "vcpus", oc, vcpus, sizeof(vcpus), argv, &argc);
	if (rc == 0)
		rc = optional_option(call, "name", on, name, sizeof(name), argv, &argc);
	if (rc == 0)
		rc = optional_option(call, "cores", oC, cores, sizeof(cores), argv, &argc);
	if (rc)
		return rc;
	/* Under the command lock throughout: the new slot is this command's. */
	shell_command_lock();
	for (unsigned i = 0; i < VM_MAX; i++)
		before[i] = vm_snapshot_at(i, &snap);
	rc = agent_run_locked(call, argc, argv);
	bool found = rc == 0 && find_new(before);
	shell_command_unlock();
	if (rc)
		return rc;
	if (!found)
		return agent_fail(call, RPC_ERR_INTERNAL, "created, then not found");
	write_summary(call->out, &snap);
	return 0;
}
