/*
 * Self-hosted debug as a guest sees it (issue 12).  The guest owns its
 * core (one vCPU per core, registers reset at every VM start by
 * el1_reset.c), so its breakpoints, watchpoints and software step are
 * the real ones, untrapped (MDCR_EL2.TDA = 0): with MDCR_EL2.TDE = 0 and
 * HCR_EL2.TGE = 0 the debug target exception level is EL1, and no debug
 * exception is generated at an exception level above it (ARM ARM D2,
 * "Routing debug exceptions" and "Enabling debug exceptions from the
 * current Exception level"): a breakpoint or watchpoint that matches at
 * EL2 (DBGxCR.HMC) never fires there, so no guest observes ZVM's code or
 * data through them.  What a guest must not have is trapped
 * (MDCR_EL2.TDRA, TDOSA): the debug ROM table's physical address
 * (MDRAR_EL1: reads as no ROM table), the OS Double Lock and the
 * core's power-down control (OSDLR_EL1, DBGPRCR_EL1: read as zero,
 * writes ignored).  The OS Lock (OSLAR_EL1, OSLSR_EL1), trapped with
 * them, is the guest's and is done for it on the real register.
 */
#ifndef ARCH_ARM64_DEBUG_REGS_H
#define ARCH_ARM64_DEBUG_REGS_H

#include <stdbool.h>
#include <stdint.h>

/* The MDCR_EL2 bits of debug while a guest runs. */
uint64_t debug_guest_mdcr(void);
/* Is this trapped system-register access (ESR_EL2.ISS, EC 0x18) one of the
 * debug registers MDCR_EL2.TDRA/TDOSA trap? */
bool debug_is_reg(uint32_t iss);
/* Does it for the guest: *value is what a write writes, and gets what a
 * read returns. */
void debug_emulate(uint32_t iss, uint64_t *value);

#endif
