/*
 * struct thread *arch_context_switch(struct thread *prev, struct thread *next)
 *
 * Saves prev's callee-saved registers and SP in prev->ctx, loads next's.
 * Returns, on next's stack, the thread it switched away from: x0 is still
 * the prev argument, which the resumed code needs to finish the switch.
 */
#include "arch/arm64/callee_saved.h"

	.text
	.globl arch_context_switch
arch_context_switch:
	save_callee_saved x0, x9
	restore_callee_saved x1, x9
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
