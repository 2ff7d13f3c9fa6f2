/* Small inline helpers around AArch64 system registers and interrupt masks. */
#ifndef RTOS_ARCH_CPU_H
#define RTOS_ARCH_CPU_H

#include <stdint.h>

/* Two levels so that a register given as a macro name is expanded first. */
#define read_sysreg(reg)       read_sysreg_raw(reg)
#define write_sysreg(reg, val) write_sysreg_raw(reg, val)

#define read_sysreg_raw(reg)                                     \
	({                                                       \
		uint64_t __val;                                  \
		__asm__ volatile("mrs %0, " #reg : "=r"(__val)); \
		__val;                                           \
	})

#define write_sysreg_raw(reg, val) \
	__asm__ volatile("msr " #reg ", %0" : : "r"((uint64_t)(val)) : "memory")

static inline void isb(void)
{
	__asm__ volatile("isb" : : : "memory");
}

/* A spin-wait hint (YIELD): another hardware thread may go first.  QEMU
 * without MTTCG (e.g. under -icount) ends the vCPU's turn on it, so a
 * spinning vCPU lets the one it waits for run at once instead of after
 * its time slice. */
static inline void cpu_relax(void)
{
	__asm__ volatile("yield" : : : "memory");
}

static inline void dsb_sy(void)
{
	__asm__ volatile("dsb sy" : : : "memory");
}

static inline void wfi(void)
{
	__asm__ volatile("wfi" : : : "memory");
}

/* Masks IRQs and returns the previous DAIF for irq_restore(). */
static inline uint64_t irq_save(void)
{
	uint64_t daif = read_sysreg(daif);

	__asm__ volatile("msr daifset, #2" : : : "memory");
	return daif;
}

static inline void irq_restore(uint64_t daif)
{
	write_sysreg(daif, daif);
}

static inline void irq_enable(void)
{
	__asm__ volatile("msr daifclr, #2" : : : "memory");
}

/* The saved registers of a thread that is not running (arch/switch.S). */
struct arch_context {
	uint64_t x19_x30[12];
	uint64_t sp;
};

#define ARCH_CTX_X19 0
#define ARCH_CTX_X20 1
#define ARCH_CTX_LR  11

void arch_switch(struct arch_context *from, struct arch_context *to);
void thread_trampoline(void);

#endif
