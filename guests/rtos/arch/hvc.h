/* A hypercall to ZVM (SMCCC, HVC conduit): function id and two arguments. */
#ifndef RTOS_ARCH_HVC_H
#define RTOS_ARCH_HVC_H

#include <stdint.h>

/* SMCCC: the callee may change x0-x17. */
static inline int64_t hvc3(uint64_t fn, uint64_t a1, uint64_t a2)
{
	register uint64_t x0 __asm__("x0") = fn;
	register uint64_t x1 __asm__("x1") = a1;
	register uint64_t x2 __asm__("x2") = a2;

	__asm__ volatile("hvc #0"
	                 : "+r"(x0), "+r"(x1), "+r"(x2)
	                 :
	                 : "x3", "x4", "x5", "x6", "x7", "x8", "x9", "x10", "x11", "x12", "x13",
	                   "x14", "x15", "x16", "x17", "memory");
	return (int64_t)x0;
}

#endif
