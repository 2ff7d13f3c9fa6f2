/* PSCI calls through the conduit the devicetree names (DEN0022). */
#ifndef RTOS_DRIVERS_PSCI_H
#define RTOS_DRIVERS_PSCI_H

enum psci_conduit {
	PSCI_CONDUIT_NONE,
	PSCI_CONDUIT_SMC,
	PSCI_CONDUIT_HVC
};

void psci_init(enum psci_conduit conduit);
const char *psci_conduit_name(enum psci_conduit conduit);
/* Does not return when PSCI works; returns when there is no conduit. */
void psci_system_off(void);

#endif
