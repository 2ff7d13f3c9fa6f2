/*
 * struct thread *arch_context_switch(struct thread *prev, struct thread *next)
 *
 * Saves prev's callee-saved registers and SP in prev->ctx, loads next's.
 * Returns, on next's stack, the thread it switched away from: x0 is still
 * the prev argument, which the resumed code needs to finish the switch.
 */
	.text
	.globl arch_context_switch
arch_context_switch:
	stp	x19, x20, [x0, #0]
	stp	x21, x22, [x0, #16]
	stp	x23, x24, [x0, #32]
	stp	x25, x26, [x0, #48]
	stp	x27, x28, [x0, #64]
	stp	x29, x30, [x0, #80]
	mov	x9, sp
	str	x9, [x0, #96]

	ldp	x19, x20, [x1, #0]
	ldp	x21, x22, [x1, #16]
	ldp	x23, x24, [x1, #32]
	ldp	x25, x26, [x1, #48]
	ldp	x27, x28, [x1, #64]
	ldp	x29, x30, [x1, #80]
	ldr	x9, [x1, #96]
	mov	sp, x9
	ret

/*
 * First code of every new thread: x0 = the thread switched away from,
 * x19 = the new thread.
 */
	.globl thread_trampoline
thread_trampoline:
	bl	sched_finish_switch
	msr	daifclr, #3
	mov	x0, x19
	bl	thread_run
	b	thread_exit
