/* Offsets into struct percpu that the exception vectors use. */
#ifndef ARCH_ARM64_PERCPU_ASM_H
#define ARCH_ARM64_PERCPU_ASM_H

#define PERCPU_FAST_TIMER_LR	0	/* LR value for the guest's timer, 0: off */
#define PERCPU_FAST_TIMER_COUNT	8	/* timer interrupts that took the fast path */
#define PERCPU_FAST_ACKED	16	/* an INTID the fast path acknowledged but left */

#endif
