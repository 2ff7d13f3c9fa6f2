/* Cache maintenance by VA, line by line (line size from CTR_EL0.DminLine). */
#include "arch/arm64/cache.h"
#include "arch/arm64/sysreg.h"

static size_t dcache_line(void)
{
	return 4u << ((read_sysreg(ctr_el0) >> 16) & 0xf);
}

#define DCACHE_OP(name, insn)                                                      \
	void name(uintptr_t start, size_t size)                                    \
	{                                                                          \
		size_t line = dcache_line();                                       \
		uintptr_t end = start + size;                                      \
                                                                                   \
		for (uintptr_t a = start & ~(line - 1); a < end; a += line)        \
			__asm__ volatile("dc " insn ", %0" : : "r"(a) : "memory"); \
		dsb(sy);                                                           \
	}

DCACHE_OP(dcache_inval_range, "ivac")
DCACHE_OP(dcache_clean_range, "cvac")
DCACHE_OP(dcache_clean_inval_range, "civac")
