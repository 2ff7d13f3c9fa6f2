/*
 * zvm shutdown: asks the guest to power itself off, as `xl shutdown` does,
 * and waits (bounded) for its PSCI SYSTEM_OFF; `zvm stop` destroys instead.
 *
 * What each guest type does:
 *  - Linux: ZVM sends a break on its console, then 'o': Linux's serial
 *    magic SysRq (CONFIG_MAGIC_SYSRQ_SERIAL, 'o' allowed by Debian's default
 *    sysrq mask 0x1b6) powers the kernel off: SYSTEM_OFF.  It is the
 *    kernel's own power-off (no init scripts run; busybox's init has none).
 *  - the RTOS and the bare-metal guest take no such request: ZVM says so.
 */
#include "kernel/thread.h"
#include "kernel/time.h"
#include "vmm/vm.h"

#define SHUTDOWN_TIMEOUT_MS 30000 /* a guest that does not act by then won't */
#define SHUTDOWN_POLL_MS    50
#define SYSRQ_POWER_OFF     'o' /* Documentation/admin-guide/sysrq.rst */

static bool powered_off(const struct vm *vm)
{
	return vm->state == VM_STOPPED && !vm->threads_live;
}

int vm_shutdown(struct vm *vm, struct zerr_msg *msg)
{
	const char key = SYSRQ_POWER_OFF;

	if (vm->cfg.os_type != VM_OS_LINUX || !vm->cfg.uart)
		return zerr_set(msg, ZE_STATE,
		                "'%s' (%s) takes no shutdown request; 'zvm stop %s' "
		                "stops it at once",
		                vm->cfg.name, vm_os_type_name(vm->cfg.os_type), vm->cfg.name);
	if (vm->state != VM_RUNNING)
		return zerr_set(msg, ZE_STATE, "'%s' is %s: only a running VM can shut down",
		                vm->cfg.name, vm_state_name(vm->state));
	if (!vm_console_break(vm) || vm_console_input(vm, &key, 1) != 1)
		return zerr_set(msg, ZE_BUSY,
		                "'%s' is not reading its console: no shutdown "
		                "request could be sent; 'zvm stop %s' stops it at once",
		                vm->cfg.name, vm->cfg.name);
	uint64_t deadline = time_now_plus(ms_to_ticks(SHUTDOWN_TIMEOUT_MS));
	while (time_now() < deadline) {
		if (powered_off(vm))
			return 0;
		thread_sleep(ms_to_ticks(SHUTDOWN_POLL_MS));
	}
	return zerr_set(msg, ZE_TIMEOUT,
	                "'%s' did not power off within %u s (it is %s); "
	                "'zvm stop %s' destroys it",
	                vm->cfg.name, SHUTDOWN_TIMEOUT_MS / 1000, vm_state_name(vm->state),
	                vm->cfg.name);
}
