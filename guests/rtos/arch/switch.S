/*
 * void arch_switch(struct arch_context *from, struct arch_context *to)
 *
 * Saves the callee-saved registers and sp of the running thread and resumes
 * another one where it called arch_switch (or at thread_trampoline the first
 * time).  Everything else is caller-saved by the AAPCS64, so this is all a
 * voluntary switch needs; a preempted thread's other registers are in the
 * IRQ frame below this call on its stack.  Called with IRQs masked.
 */
	.text
	.global	arch_switch
arch_switch:
	mov	x9, sp
	stp	x19, x20, [x0, #16 * 0]
	stp	x21, x22, [x0, #16 * 1]
	stp	x23, x24, [x0, #16 * 2]
	stp	x25, x26, [x0, #16 * 3]
	stp	x27, x28, [x0, #16 * 4]
	stp	x29, x30, [x0, #16 * 5]
	str	x9, [x0, #16 * 6]
	ldp	x19, x20, [x1, #16 * 0]
	ldp	x21, x22, [x1, #16 * 1]
	ldp	x23, x24, [x1, #16 * 2]
	ldp	x25, x26, [x1, #16 * 3]
	ldp	x27, x28, [x1, #16 * 4]
	ldp	x29, x30, [x1, #16 * 5]
	ldr	x9, [x1, #16 * 6]
	mov	sp, x9
	ret

/* First run of a thread: x19 = entry, x20 = argument (kernel/thread.c). */
	.global	thread_trampoline
thread_trampoline:
	mov	x0, x19
	mov	x1, x20
	bl	thread_start
1:	b	1b
