#include "drivers/psci.h"
#include <stdint.h>

#include "lib/psci_defs.h"

static enum psci_conduit psci_conduit;

void psci_init(enum psci_conduit conduit)
{
	psci_conduit = conduit;
}

const char *psci_conduit_name(enum psci_conduit conduit)
{
	switch (conduit) {
	case PSCI_CONDUIT_SMC: return "smc";
	case PSCI_CONDUIT_HVC: return "hvc";
	default: return "none";
	}
}

static void psci_call(uint64_t function)
{
	register uint64_t x0 __asm__("x0") = function;

	if (psci_conduit == PSCI_CONDUIT_HVC)
		__asm__ volatile("hvc #0" : "+r"(x0) : : "x1", "x2", "x3", "memory");
	else if (psci_conduit == PSCI_CONDUIT_SMC)
		__asm__ volatile("smc #0" : "+r"(x0) : : "x1", "x2", "x3", "memory");
}

void psci_system_off(void)
{
	psci_call(PSCI_SYSTEM_OFF);
}
