/* System-register access and the barrier/cache instructions ZVM uses. */
#ifndef ARCH_ARM64_SYSREG_H
#define ARCH_ARM64_SYSREG_H

#include <stdint.h>

#define read_sysreg(reg)                                         \
	({                                                       \
		uint64_t __val;                                  \
		__asm__ volatile("mrs %0, " #reg : "=r"(__val)); \
		__val;                                           \
	})

/* The write's local has its own name: write_sysreg(a, read_sysreg(b)) nests. */
#define write_sysreg(reg, val)                                        \
	do {                                                          \
		uint64_t __wval = (uint64_t)(val);                    \
		__asm__ volatile("msr " #reg ", %0" : : "r"(__wval)); \
	} while (0)

/* Registers the assembler of binutils 2.40 may not know by name. */
#define read_sysreg_s(enc)                                      \
	({                                                      \
		uint64_t __val;                                 \
		__asm__ volatile("mrs %0, " enc : "=r"(__val)); \
		__val;                                          \
	})
#define write_sysreg_s(enc, val)                                     \
	do {                                                         \
		uint64_t __wval = (uint64_t)(val);                   \
		__asm__ volatile("msr " enc ", %0" : : "r"(__wval)); \
	} while (0)

#define isb()       __asm__ volatile("isb" ::: "memory")
#define dsb(opt)    __asm__ volatile("dsb " #opt ::: "memory")
#define dmb(opt)    __asm__ volatile("dmb " #opt ::: "memory")
#define wfi()       __asm__ volatile("wfi" ::: "memory")
#define wfe()       __asm__ volatile("wfe" ::: "memory")
#define sev()       __asm__ volatile("sev" ::: "memory")
#define cpu_relax() __asm__ volatile("yield" ::: "memory")

/*
 * ZVM masks IRQs and FIQs together: its own interrupts are IRQs, except on
 * a core lent to a guest with direct interrupt delivery, where they are
 * Group 0 FIQs (the guest owns the IRQ line there).
 */
#define DAIF_IRQ_BIT (1u << 7)

static inline uint64_t irq_save(void)
{
	uint64_t flags = read_sysreg(daif);

	__asm__ volatile("msr daifset, #3" ::: "memory");
	return flags;
}

static inline void irq_restore(uint64_t flags)
{
	write_sysreg(daif, flags);
}

static inline void irq_enable(void)
{
	__asm__ volatile("msr daifclr, #3" ::: "memory");
}

static inline void irq_disable(void)
{
	__asm__ volatile("msr daifset, #3" ::: "memory");
}

static inline int irqs_disabled(void)
{
	return (read_sysreg(daif) & DAIF_IRQ_BIT) != 0;
}

static inline uint64_t current_el(void)
{
	return (read_sysreg(CurrentEL) >> 2) & 3;
}

/* The physical counter: ZVM's one time base. */
static inline uint64_t counter_now(void)
{
	isb();
	return read_sysreg(cntpct_el0);
}

static inline uint64_t counter_freq(void)
{
	return read_sysreg(cntfrq_el0);
}

#endif
