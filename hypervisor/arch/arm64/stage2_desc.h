/*
 * Stage-2 descriptor format and helpers shared by stage2.c and
 * stage2_unmap.c; not for other users (they go through stage2.h).
 * Descriptor formats: ARM ARM D8, "Translation table descriptor formats"
 * and "Stage 2 memory region attributes", 4 KiB granule.
 */
#ifndef ARCH_ARM64_STAGE2_DESC_H
#define ARCH_ARM64_STAGE2_DESC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "arch/arm64/stage2.h"

#define S2_START_LEVEL    1 /* VTCR_EL2.SL0 = 1 with a 4 KiB granule */
#define S2_LAST_LEVEL     3
#define S2_LEVEL_1G       1 /* levels whose leaves are 1 GiB, 2 MiB, 4 KiB */
#define S2_LEVEL_2M       2
#define S2_LEVEL_4K       3
#define S2_PAGE_SHIFT     12
#define S2_BITS_PER_LEVEL 9 /* 512 eight-byte entries per 4 KiB table */
#define S2_ENTRIES        (1u << S2_BITS_PER_LEVEL)

#define S2_DESC_VALID           (UINT64_C(1) << 0)
#define S2_DESC_TABLE           (UINT64_C(1) << 1)   /* table at L1/L2, page at L3 */
#define S2_MEMATTR_MASK         (UINT64_C(0xf) << 2) /* MemAttr[3:0], bits [5:2] */
#define S2_MEMATTR_NORMAL_WB    (UINT64_C(0xf) << 2) /* outer and inner write-back */
#define S2_MEMATTR_DEVICE_nGnRE (UINT64_C(0x1) << 2)
#define S2_S2AP_MASK            (UINT64_C(3) << 6) /* S2AP[1:0], bits [7:6] */
#define S2_S2AP_RO              (UINT64_C(1) << 6)
#define S2_S2AP_RW              (UINT64_C(3) << 6)
#define S2_SH_INNER             (UINT64_C(3) << 8)           /* SH[1:0], bits [9:8] */
#define S2_AF                   (UINT64_C(1) << 10)          /* access flag: no AF faults */
#define S2_XN                   (UINT64_C(1) << 54)          /* XN[1], execute-never */
#define S2_DESC_SW_REVOKED      (UINT64_C(1) << 55)          /* software bit: stage2_revoke() */
#define S2_ADDR_MASK            UINT64_C(0x0000fffffffff000) /* OA / next table [47:12] */

/* Tables split_block() may need per range end: one level-2 and one level-3. */
#define S2_SPARES_PER_END 2
#define S2_MAX_SPARES     (2 * S2_SPARES_PER_END)

/* Tables taken from the allocator before an unmap starts changing things. */
struct s2_spares {
	uint64_t *tables[S2_MAX_SPARES];
	unsigned int count;
};

static inline unsigned int s2_level_shift(int level)
{
	return (unsigned int)(S2_PAGE_SHIFT + S2_BITS_PER_LEVEL * (S2_LAST_LEVEL - level));
}

/* Bytes of IPA space one entry at level covers: 1 GiB, 2 MiB or 4 KiB. */
static inline uint64_t s2_level_span(int level)
{
	return UINT64_C(1) << s2_level_shift(level);
}

static inline unsigned int s2_index(uint64_t ipa, int level)
{
	return (ipa >> s2_level_shift(level)) & (S2_ENTRIES - 1);
}

/* End of the entry that holds ipa, or end if that comes first. */
static inline uint64_t s2_entry_stop(uint64_t ipa, uint64_t end, int level)
{
	uint64_t next = (ipa | (s2_level_span(level) - 1)) + 1;

	return next < end ? next : end;
}

static inline bool s2_is_valid(uint64_t desc)
{
	return (desc & S2_DESC_VALID) != 0;
}

static inline bool s2_is_table(uint64_t desc, int level)
{
	return s2_is_valid(desc) && (desc & S2_DESC_TABLE) && level < S2_LAST_LEVEL;
}

static inline uint64_t *s2_next_table(uint64_t desc)
{
	return (uint64_t *)(uintptr_t)(desc & S2_ADDR_MASK);
}

/*
 * A table walker on another core may read the entry at any moment, so each
 * descriptor is written with one 64-bit store the compiler may not split.
 */
static inline void s2_write_desc(uint64_t *entry, uint64_t desc)
{
	*(volatile uint64_t *)entry = desc;
}

/* The argument rules stage2_map() and stage2_unmap() share for the IPA range. */
bool s2_args_valid(const struct stage2 *s2, uint64_t ipa, uint64_t size);

/* Adds delta to the counter of leaves of that level. */
void s2_count_leaf(struct stage2 *s2, int level, int delta);

/* A zeroed table from the allocator, counted; NULL when out of memory. */
uint64_t *s2_table_new(struct stage2 *s2);
void s2_table_free(struct stage2 *s2, uint64_t *table);

/*
 * Unmaps [ipa, end), splitting blocks with tables from spares; fails with
 * -ZE_NOMEM only when a split finds no spare left.  The caller ends with
 * s2_commit().
 */
int s2_unmap_range(struct stage2 *s2, uint64_t ipa, uint64_t end, struct s2_spares *spares);

/* Flushes the TLB if a valid entry went away, then frees detached tables. */
void s2_commit(struct stage2 *s2);

#endif
