/*
 * The PMU as a guest sees it (issue 12: a guest counted ZVM's own
 * instructions with PMEVTYPER<n>_EL0.NSH=1).  While a guest runs,
 * MDCR_EL2 gives it the first HPMN counters only, prohibits counting at
 * EL2 where the PMU has HPMD (ARMv8.1 PMU), and traps every PMU register
 * access (TPM, TPMCR) so the EL2 filter bits are forced clear on every
 * model, the ARMv8.0 one included, and on the cycle counter too (HPMD
 * does not cover it).  The trapped accesses are done at EL2 for the guest:
 * its counters stay its own, and EL2 time is never counted in them.
 */
#ifndef ARCH_ARM64_PMU_H
#define ARCH_ARM64_PMU_H

#include <stdbool.h>
#include <stdint.h>

/* MDCR_EL2 for a guest given `counters` event counters (0: all the core
 * has; more than it has: all it has). */
uint64_t pmu_guest_mdcr(unsigned counters);
/* MDCR_EL2 while ZVM itself runs on the core. */
uint64_t pmu_host_mdcr(void);
/* Event counters of this core (PMCR_EL0.N); 0 without a PMU. */
unsigned pmu_core_counters(void);
/* Does this core count L1 data cache accesses and refills (a hit rate)? */
bool pmu_has_l1d_events(void);

/* Is this trapped system-register access (ESR_EL2.ISS, EC 0x18) a PMU
 * register? */
bool pmu_is_reg(uint32_t iss);
/* Does it for the guest: *value is what a write writes, and gets what a
 * read returns. */
void pmu_emulate(uint32_t iss, uint64_t *value);

#endif
