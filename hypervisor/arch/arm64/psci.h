/* PSCI calls to the firmware (ARM DEN 0022). */
#ifndef ARCH_ARM64_PSCI_H
#define ARCH_ARM64_PSCI_H

#include <stdint.h>

#include "lib/psci_defs.h"

enum psci_conduit {
	PSCI_CONDUIT_NONE,
	PSCI_CONDUIT_SMC,
	PSCI_CONDUIT_HVC
};

void psci_set_conduit(enum psci_conduit conduit);
int64_t psci_call(uint32_t fn, uint64_t a1, uint64_t a2, uint64_t a3);
int psci_cpu_on(uint64_t mpidr, uintptr_t entry, uint64_t context);
void psci_system_off(void);
const char *psci_error_name(int64_t err);

#endif
