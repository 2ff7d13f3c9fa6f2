#include <stdbool.h>
#include "kernel/panic.h"
#include "kernel/console.h"
#include "drivers/psci.h"
#include "arch/cpu.h"
#include "arch/arm64_defs.h"

/* A failing power-off must not recurse through the exception handler. */
static void __attribute__((noreturn)) stop(void)
{
	static bool stopping;

	if (!stopping) {
		stopping = true;
		psci_system_off();
	}
	for (;;)
		wfi();
}

void panic(const char *why)
{
	irq_save();
	kprintf("{\"panic\":\"%s\"}\n", why);
	stop();
}

void exception_unexpected(uint64_t vector, const uint64_t *frame)
{
	kprintf("{\"panic\":\"exception\",\"vector\":%llu,\"esr\":\"0x%llx\","
	        "\"elr\":\"0x%llx\",\"far\":\"0x%llx\"}\n",
	        (unsigned long long)vector, (unsigned long long)read_sysreg(esr_el1),
	        (unsigned long long)frame[FRAME_ELR / 8], (unsigned long long)read_sysreg(far_el1));
	stop();
}
