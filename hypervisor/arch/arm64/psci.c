/* PSCI client: how ZVM starts its secondary cores and powers the board off. */
#include "arch/arm64/psci.h"

static enum psci_conduit conduit = PSCI_CONDUIT_NONE;

void psci_set_conduit(enum psci_conduit c)
{
	conduit = c;
}

int64_t psci_call(uint32_t fn, uint64_t a1, uint64_t a2, uint64_t a3)
{
	register uint64_t x0 __asm__("x0") = fn;
	register uint64_t x1 __asm__("x1") = a1;
	register uint64_t x2 __asm__("x2") = a2;
	register uint64_t x3 __asm__("x3") = a3;

	if (conduit == PSCI_CONDUIT_SMC)
		__asm__ volatile("smc #0" : "+r"(x0), "+r"(x1), "+r"(x2), "+r"(x3) : : "memory");
	else if (conduit == PSCI_CONDUIT_HVC)
		__asm__ volatile("hvc #0" : "+r"(x0), "+r"(x1), "+r"(x2), "+r"(x3) : : "memory");
	else
		return PSCI_NOT_SUPPORTED;
	return (int64_t)x0;
}

int psci_cpu_on(uint64_t mpidr, uintptr_t entry, uint64_t context)
{
	return (int)psci_call(PSCI_CPU_ON_64, mpidr, entry, context);
}

void psci_system_off(void)
{
	psci_call(PSCI_SYSTEM_OFF, 0, 0, 0);
}

const char *psci_error_name(int64_t err)
{
	switch (err) {
	case PSCI_SUCCESS: return "success";
	case PSCI_NOT_SUPPORTED: return "not supported";
	case PSCI_INVALID_PARAMS: return "invalid parameters";
	case PSCI_DENIED: return "denied";
	case PSCI_ALREADY_ON: return "already on";
	default: return "other error";
	}
}
