/*
 * The register frame every exception entry saves on the stack.  Its
 * offsets for the assembly (FRAME_*) come from asm-offsets.c.
 */
#ifndef ARCH_ARM64_TRAP_FRAME_H
#define ARCH_ARM64_TRAP_FRAME_H

/* Which vector was taken (ARM ARM D1.10.2, vector table layout). */
#define VEC_SYNC_CUR     0
#define VEC_IRQ_CUR      1
#define VEC_FIQ_CUR      2
#define VEC_SERROR_CUR   3
#define VEC_SYNC_LOWER   4
#define VEC_IRQ_LOWER    5
#define VEC_FIQ_LOWER    6
#define VEC_SERROR_LOWER 7
#define VEC_SP0          8 /* taken with SP_EL0: never used by ZVM */
#define VEC_AARCH32      9 /* from an AArch32 lower EL */

#ifndef __ASSEMBLY__
#include <stdint.h>

struct trap_frame {
	uint64_t x[31];
	uint64_t sp;
	uint64_t elr;
	uint64_t spsr;
	uint64_t esr;
	uint64_t far;
};
#endif

#endif
