/*
 * The health monitor, a thread on ZVM's core.  It notices VMs that stopped
 * beating (hung, interrupts masked, stuck in an interrupt storm) or lost a
 * core, reaps the vCPU threads of VMs that crashed or ended themselves,
 * applies each crashed VM's recovery policy (restart boots it again from its
 * pristine image) and boots again a guest that reset itself.
 */
#include "vmm/vm.h"
#include "kernel/log.h"
#include "kernel/sem.h"
#include "kernel/thread.h"
#include "kernel/time.h"
#include "lib/format.h"
#include "lib/string.h"
#include "vmm/heartbeat.h"
#include "vmm/vm_snapshot.h"

#define HEALTH_PERIOD_MS  50
/* A VM that crashes this often is not helped by restarting it. */
#define RESTART_LIMIT     5
#define RESTART_WINDOW_MS 10000

static struct sem wakeup;

void health_notify(void)
{
	sem_give(&wakeup);
}

/* One watch per registry slot: only this thread uses them. */
static struct heartbeat_watch watches[VM_MAX];

/* Only a running guest that has started beating can miss a beat, and only
 * a guest whose vCPUs ran meanwhile (heartbeat.h): host load is no hang. */
static void check_heartbeat(unsigned slot, struct vm *vm, const struct vm_snapshot *snap)
{
	uint64_t progress = 0;
	uint32_t timeout_ms = snap->cfg.heartbeat_timeout_ms;

	for (unsigned i = 0; i < snap->vcpu_count; i++)
		progress += snap->vcpus[i].stats.traps;
	enum heartbeat_verdict verdict = heartbeat_check(
	        &watches[slot], time_now(), snap->state == VM_RUNNING ? snap->last_heartbeat : 0,
	        ms_to_ticks(timeout_ms), progress);
	if (verdict == HEARTBEAT_OVERDUE) {
		vm_kick_vcpus(vm, ~0u); /* the probe: a trap once they run */
	} else if (verdict == HEARTBEAT_MISSED) {
		char reason[VM_REASON_MAX];
		fmt_snprintf(reason, sizeof(reason), "missed its heartbeat for %u ms", timeout_ms);
		vm_crash_from_outside(vm, reason);
	}
}

/* Counts restarts in a sliding window; false once the limit is reached. */
static bool restart_allowed(struct vm *vm)
{
	uint64_t now = time_now();

	if (now - vm->restart_window_start > ms_to_ticks(RESTART_WINDOW_MS)) {
		vm->restart_window_start = now;
		vm->restarts_in_window = 0;
	}
	return ++vm->restarts_in_window <= RESTART_LIMIT;
}

/* A vCPU's core that stopped on an exception takes its VM down with it. */
static void check_cores(struct vm *vm, const struct vm_snapshot *snap)
{
	if (snap->state != VM_RUNNING && snap->state != VM_PAUSED)
		return;
	for (unsigned i = 0; i < snap->vcpu_count; i++) {
		if (snap->vcpus[i].core_dead) {
			char reason[VM_REASON_MAX];
			fmt_snprintf(reason, sizeof(reason),
			             "core %u of vCPU %u stopped on an "
			             "exception ZVM could not handle",
			             snap->vcpus[i].cpu, i);
			vm_crash_from_outside(vm, reason);
			return;
		}
	}
}

/* Reaps the vCPUs of a VM that crashed or ended itself; false if it is
 * stuck or someone else already did. */
static bool reap(struct vm *vm, enum vm_state state)
{
	mutex_lock(&vm->ops, WAIT_FOREVER);
	bool reaped = vm->state == state && vm->threads_live && !vm_reap(vm);
	mutex_unlock(&vm->ops);
	return reaped;
}

static void recover(struct vm *vm, const struct vm_snapshot *snap)
{
	struct zerr_msg msg;

	if (!reap(vm, VM_CRASHED) || snap->cfg.recovery != VM_RECOVERY_RESTART)
		return;
	if (!restart_allowed(vm)) {
		log_msg(LOG_ERROR, "vm %u '%s': %u crashes within %u s; no more restarts", vm->id,
		        vm->cfg.name, RESTART_LIMIT, RESTART_WINDOW_MS / 1000);
		fmt_snprintf(vm->reason + strnlen(vm->reason, sizeof(vm->reason) - 24), 24,
		             " (restart limit)");
		return;
	}
	if (vm_restart(vm, &msg))
		log_msg(LOG_ERROR, "vm %u: restart failed: %s", vm->id, msg.text);
	else
		log_msg(LOG_WARN, "vm %u '%s' restarted (%u restarts)", vm->id, vm->cfg.name,
		        vm->restarts);
}

/* The guest powered off or reset itself: reap it, and boot it again if
 * it asked for a reset. */
static void guest_ended(struct vm *vm)
{
	struct zerr_msg msg;

	if (reap(vm, VM_STOPPED) && vm->reboot_pending && vm_reboot(vm, &msg))
		log_msg(LOG_ERROR, "vm %u: reboot failed: %s", vm->id, msg.text);
}

void health_monitor(void)
{
	struct vm_snapshot snap;

	for (;;) {
		sem_take(&wakeup, ms_to_ticks(HEALTH_PERIOD_MS));
		for (unsigned i = 0; i < VM_MAX; i++) {
			struct vm *vm = vm_at(i);
			if (!vm || !vm_snapshot_at(i, &snap))
				continue;
			check_cores(vm, &snap);
			check_heartbeat(i, vm, &snap);
			if (snap.state == VM_CRASHED && snap.threads_live)
				recover(vm, &snap);
			else if (snap.state == VM_STOPPED && snap.threads_live)
				guest_ended(vm);
		}
	}
}

void health_init(void)
{
	sem_init(&wakeup, 0, 1);
}
