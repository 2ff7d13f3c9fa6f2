/*
 * A core about to run a new guest gets every register a previous guest of
 * that core could have left a value in back to its architectural reset
 * value, or zero where that is UNKNOWN (issue 12: a new VM read the old
 * one's q registers, FPCR, TPIDRRO_EL0, CNTP_CVAL_EL0, PMU and debug
 * registers).  EL1 state is never saved (the core is the vCPU's alone),
 * so this is what stands between two VMs on one core.
 */
#ifndef ARCH_ARM64_EL1_RESET_H
#define ARCH_ARM64_EL1_RESET_H

/* On the vCPU's own core, at EL2, before the guest's first instruction. */
void el1_reset_all(void);
/* el1_reset_fp.S: q0-q31, FPCR and FPSR to zero (FP must not trap at EL2). */
void el1_reset_fp(void);

#endif
