/*
 * The C side of the EL2 vectors (vectors.S): exceptions taken from EL2
 * itself go to trap_dispatch(), exceptions from a guest straight to
 * vcpu_trap() (vmm/vcpu.h).
 */
#ifndef ARCH_ARM64_TRAP_H
#define ARCH_ARM64_TRAP_H

#include "arch/arm64/trap_frame.h"

void trap_dispatch(struct trap_frame *frame, unsigned kind);
/* An exception nothing expected: report it and stop this core only. */
void trap_fault_report(struct trap_frame *frame, unsigned kind) __attribute__((noreturn));

#endif
