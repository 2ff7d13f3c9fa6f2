/* Entering and leaving a guest: see guest_entry.S. */
#ifndef ARCH_ARM64_GUEST_ENTRY_H
#define ARCH_ARM64_GUEST_ENTRY_H

#include <stdint.h>
#include "arch/arm64/trap_frame.h"

/* Offsets for guest_entry.S: asm-offsets.c (HOST_CTX_*). */
struct guest_host_ctx {
	uint64_t callee_saved[12]; /* x19-x30 */
	uint64_t sp;
	struct trap_frame *frame; /* the guest's registers during a trap */
};

/* Runs the guest from regs; returns the reason given to guest_exit(). */
uint64_t guest_enter(struct guest_host_ctx *host, const struct trap_frame *regs);
void guest_exit(struct guest_host_ctx *host, uint64_t reason) __attribute__((noreturn));

#endif
