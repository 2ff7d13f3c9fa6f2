/*
 * Saving and restoring the AAPCS64 callee-saved registers (x19-x30) and SP
 * at [base]: the layout of struct arch_context and struct guest_host_ctx.
 */
/* Assembler macros, not C: clang-format must leave the rest of this file alone. */
/* clang-format off */
#ifndef ARCH_ARM64_CALLEE_SAVED_H
#define ARCH_ARM64_CALLEE_SAVED_H

#include "asm-offsets.h"	/* CALLEE_SAVED_X19, CALLEE_SAVED_SP */

.macro save_callee_saved base, tmp
	stp	x19, x20, [\base, #CALLEE_SAVED_X19 + 0]
	stp	x21, x22, [\base, #CALLEE_SAVED_X19 + 16]
	stp	x23, x24, [\base, #CALLEE_SAVED_X19 + 32]
	stp	x25, x26, [\base, #CALLEE_SAVED_X19 + 48]
	stp	x27, x28, [\base, #CALLEE_SAVED_X19 + 64]
	stp	x29, x30, [\base, #CALLEE_SAVED_X19 + 80]
	mov	\tmp, sp
	str	\tmp, [\base, #CALLEE_SAVED_SP]
.endm

.macro restore_callee_saved base, tmp
	ldp	x19, x20, [\base, #CALLEE_SAVED_X19 + 0]
	ldp	x21, x22, [\base, #CALLEE_SAVED_X19 + 16]
	ldp	x23, x24, [\base, #CALLEE_SAVED_X19 + 32]
	ldp	x25, x26, [\base, #CALLEE_SAVED_X19 + 48]
	ldp	x27, x28, [\base, #CALLEE_SAVED_X19 + 64]
	ldp	x29, x30, [\base, #CALLEE_SAVED_X19 + 80]
	ldr	\tmp, [\base, #CALLEE_SAVED_SP]
	mov	sp, \tmp
.endm

#endif
