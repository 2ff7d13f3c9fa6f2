/*
 * EL1 exception vectors.  The RTOS always runs at EL1h, so only "current EL
 * with SPx" vectors are expected; IRQs save a full frame on the interrupted
 * thread's stack, which is what lets the scheduler switch threads on the way
 * out (see kernel/sched.c).
 */
#include "arch/arm64_defs.h"

/* Vector table: 16 slots of 128 bytes each (Arm ARM D1.10.2). */
#define VECTOR_SLOT_SIZE	128

	.macro	unexpected kind
	.balign	VECTOR_SLOT_SIZE
	stp	x0, x1, [sp, #-FRAME_SIZE]!
	mov	x0, #\kind
	b	unexpected_entry
	.endm

	.section .vectors, "ax"
	.balign	2048
	.global	exception_vectors
exception_vectors:
	unexpected 0		/* current EL, SP0: sync */
	unexpected 1		/* IRQ */
	unexpected 2		/* FIQ */
	unexpected 3		/* SError */

	.balign	VECTOR_SLOT_SIZE	/* current EL, SPx: sync */
	stp	x0, x1, [sp, #-FRAME_SIZE]!
	mov	x0, #4
	b	unexpected_entry

	.balign	VECTOR_SLOT_SIZE	/* current EL, SPx: IRQ */
	/* The counter is read by the second instruction of the handler: the
	 * IRQ latency benchmark measures up to here (one instruction late). */
	stp	x0, x1, [sp, #-FRAME_SIZE]!
	mrs	x0, cntvct_el0
	adrp	x1, irq_entry_stamp
	str	x0, [x1, :lo12:irq_entry_stamp]
	b	irq_entry

	unexpected 6		/* FIQ */
	unexpected 7		/* SError */
	unexpected 8		/* lower EL, AArch64 */
	unexpected 9
	unexpected 10
	unexpected 11
	unexpected 12		/* lower EL, AArch32 */
	unexpected 13
	unexpected 14
	unexpected 15

	.text
	/* x0 and x1 are already saved at [sp]. */
	.macro	save_rest
	stp	x2, x3, [sp, #16 * 1]
	stp	x4, x5, [sp, #16 * 2]
	stp	x6, x7, [sp, #16 * 3]
	stp	x8, x9, [sp, #16 * 4]
	stp	x10, x11, [sp, #16 * 5]
	stp	x12, x13, [sp, #16 * 6]
	stp	x14, x15, [sp, #16 * 7]
	stp	x16, x17, [sp, #16 * 8]
	stp	x18, x19, [sp, #16 * 9]
	stp	x20, x21, [sp, #16 * 10]
	stp	x22, x23, [sp, #16 * 11]
	stp	x24, x25, [sp, #16 * 12]
	stp	x26, x27, [sp, #16 * 13]
	stp	x28, x29, [sp, #16 * 14]
	mrs	x21, elr_el1
	mrs	x22, spsr_el1
	stp	x30, x21, [sp, #FRAME_ELR - 8]
	str	x22, [sp, #FRAME_SPSR]
	.endm

irq_entry:
	save_rest
	bl	irq_dispatch
	ldr	x22, [sp, #FRAME_SPSR]
	ldp	x30, x21, [sp, #FRAME_ELR - 8]
	msr	spsr_el1, x22
	msr	elr_el1, x21
	ldp	x2, x3, [sp, #16 * 1]
	ldp	x4, x5, [sp, #16 * 2]
	ldp	x6, x7, [sp, #16 * 3]
	ldp	x8, x9, [sp, #16 * 4]
	ldp	x10, x11, [sp, #16 * 5]
	ldp	x12, x13, [sp, #16 * 6]
	ldp	x14, x15, [sp, #16 * 7]
	ldp	x16, x17, [sp, #16 * 8]
	ldp	x18, x19, [sp, #16 * 9]
	ldp	x20, x21, [sp, #16 * 10]
	ldp	x22, x23, [sp, #16 * 11]
	ldp	x24, x25, [sp, #16 * 12]
	ldp	x26, x27, [sp, #16 * 13]
	ldp	x28, x29, [sp, #16 * 14]
	ldp	x0, x1, [sp], #FRAME_SIZE
	eret

/* x0 = vector index; reports and stops (kernel/panic.c). */
unexpected_entry:
	str	x0, [sp, #8]			/* keep the index, x1 is lost */
	save_rest
	ldr	x0, [sp, #8]
	mov	x1, sp
	bl	exception_unexpected
1:	wfi
	b	1b
