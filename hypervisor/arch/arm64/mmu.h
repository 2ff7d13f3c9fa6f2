/* ZVM's own EL2 stage-1 translation: an identity map built once at boot. */
#ifndef ARCH_ARM64_MMU_H
#define ARCH_ARM64_MMU_H

#include <stdint.h>

enum mem_type {
	MEM_NORMAL, /* write-back cacheable RAM */
	MEM_DEVICE, /* device-nGnRE registers, never executable */
};

/* Identity-maps [base, base+size) with the largest blocks that fit: 0,
 * -ZE_OVERLAP (it conflicts with an earlier mapping) or -ZE_NOMEM. */
int mmu_map_identity(uint64_t base, uint64_t size, enum mem_type type);
/* Turns the MMU and caches on for the calling core with the shared map. */
void mmu_enable_boot_cpu(void);
void mmu_enable(void);
unsigned mmu_tables_used(void);
unsigned mmu_tables_total(void);

#endif
