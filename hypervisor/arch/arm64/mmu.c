/*
 * EL2 stage-1 identity map: 4 KiB granule, 39-bit addresses, walks start at
 * level 1 so that RAM maps with 1 GiB and 2 MiB blocks (few TLB entries,
 * tables built once by the boot core before the MMU is on and then shared
 * read-only by every core).  Descriptor formats: ARM ARM D8.3.
 */
#include <stdbool.h>

#include "arch/arm64/mmu.h"
#include "arch/arm64/boot_defs.h"
#include "arch/arm64/cache.h"
#include "arch/arm64/sysreg.h"
#include "lib/zerror.h"

#define VA_BITS    39
#define PAGE_SHIFT 12
#define ENTRIES    512
#define TABLE_POOL 64

#define DESC_VALID     (1ull << 0)
#define DESC_TABLE     (1ull << 1) /* table (L1/L2) or page (L3) */
#define DESC_ATTR(idx) ((uint64_t)(idx) << 2)
#define DESC_SH_INNER  (3ull << 8)
#define DESC_AF        (1ull << 10)
#define DESC_XN        (1ull << 54) /* EL2 regime: execute-never */
#define DESC_ADDR_MASK 0x0000fffffffff000ull

/* MAIR_EL2 attribute slots (ARM ARM D13.2.95). */
#define ATTR_IDX_DEVICE   0
#define ATTR_IDX_NORMAL   1
#define MAIR_DEVICE_nGnRE 0x04ull
#define MAIR_NORMAL_WB    0xffull
#define MAIR_VALUE \
	((MAIR_DEVICE_nGnRE << (8 * ATTR_IDX_DEVICE)) | (MAIR_NORMAL_WB << (8 * ATTR_IDX_NORMAL)))

/* TCR_EL2 with E2H == 0 (ARM ARM D13.2.131). */
#define TCR_EL2_RES1   ((1ull << 31) | (1ull << 23))
#define TCR_T0SZ       (64 - VA_BITS)
#define TCR_IRGN0_WBWA (1ull << 8)
#define TCR_ORGN0_WBWA (1ull << 10)
#define TCR_SH0_INNER  (3ull << 12)
#define TCR_PS_SHIFT   16
#define TCR_PS_40BIT   2 /* enough for a 39-bit map */

static uint64_t tables[TABLE_POOL][ENTRIES] __attribute__((aligned(4096)));
static unsigned tables_used = 1; /* tables[0] is the level-1 root */

static uint64_t *table_alloc(void)
{
	if (tables_used == TABLE_POOL)
		return 0;
	return tables[tables_used++];
}

static uint64_t leaf_attrs(enum mem_type type)
{
	if (type == MEM_DEVICE)
		return DESC_ATTR(ATTR_IDX_DEVICE) | DESC_AF | DESC_XN;
	return DESC_ATTR(ATTR_IDX_NORMAL) | DESC_AF | DESC_SH_INNER;
}

static unsigned level_shift(int level)
{
	return (unsigned)(PAGE_SHIFT + 9 * (3 - level));
}

/* Maps one range at one level, recursing into tables for what blocks can't cover. */
static int map_level(uint64_t *table, int level, uint64_t addr, uint64_t end, enum mem_type type)
{
	uint64_t block = 1ull << level_shift(level);

	while (addr < end) {
		uint64_t *entry = &table[(addr >> level_shift(level)) & (ENTRIES - 1)];
		uint64_t next = (addr & ~(block - 1)) + block;
		uint64_t stop = next < end ? next : end;
		bool whole = (addr & (block - 1)) == 0 && stop - addr == block;

		if (whole && (level == 3 || !(*entry & DESC_VALID) || !(*entry & DESC_TABLE))) {
			uint64_t desc = addr | leaf_attrs(type) | DESC_VALID |
			                (level == 3 ? DESC_TABLE : 0);
			if ((*entry & DESC_VALID) && *entry != desc)
				return -ZE_OVERLAP; /* conflicting earlier mapping */
			*entry = desc;
		} else {
			if (!(*entry & DESC_VALID)) {
				uint64_t *sub = table_alloc();
				if (!sub)
					return -ZE_NOMEM;
				*entry = (uint64_t)(uintptr_t)sub | DESC_TABLE | DESC_VALID;
			} else if (!(*entry & DESC_TABLE)) {
				return -ZE_OVERLAP; /* would split a block: not needed at boot */
			}
			uint64_t *sub = (uint64_t *)(uintptr_t)(*entry & DESC_ADDR_MASK);
			int err = map_level(sub, level + 1, addr, stop, type);
			if (err)
				return err;
		}
		addr = stop;
	}
	return 0;
}

int mmu_map_identity(uint64_t base, uint64_t size, enum mem_type type)
{
	uint64_t page = 1ull << PAGE_SHIFT;
	uint64_t start = base & ~(page - 1);
	uint64_t end = (base + size + page - 1) & ~(page - 1);

	if (end > (1ull << VA_BITS) || end <= start)
		return -3;
	return map_level(tables[0], 1, start, end, type);
}

static uint64_t tcr_value(void)
{
	uint64_t parange = read_sysreg(id_aa64mmfr0_el1) & 0xf;
	uint64_t ps = parange < TCR_PS_40BIT ? parange : TCR_PS_40BIT;

	return TCR_EL2_RES1 | TCR_T0SZ | TCR_IRGN0_WBWA | TCR_ORGN0_WBWA | TCR_SH0_INNER |
	       (ps << TCR_PS_SHIFT);
}

/*
 * The boot core first drops whatever a bootloader left cached over our
 * image, so that stale lines cannot shadow what it wrote with caches off.
 * Secondaries must not: "dc ivac" is broadcast and would discard the boot
 * core's dirty lines.
 */
void mmu_enable_boot_cpu(void)
{
	extern char _head[], _end[];

	dcache_inval_range((uintptr_t)_head, (uintptr_t)(_end - _head));
	mmu_enable();
}

void mmu_enable(void)
{
	write_sysreg(mair_el2, MAIR_VALUE);
	write_sysreg(tcr_el2, tcr_value());
	write_sysreg(ttbr0_el2, (uintptr_t)tables[0]);
	isb();
	__asm__ volatile("tlbi alle2" ::: "memory");
	dsb(ish);
	__asm__ volatile("ic iallu" ::: "memory");
	dsb(ish);
	isb();
	write_sysreg(sctlr_el2,
	             SCTLR_EL2_RES1 | SCTLR_ELx_M | SCTLR_ELx_C | SCTLR_ELx_SA | SCTLR_ELx_I);
	isb();
}

unsigned mmu_tables_used(void)
{
	return tables_used;
}

unsigned mmu_tables_total(void)
{
	return TABLE_POOL;
}
