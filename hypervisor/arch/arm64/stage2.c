/*
 * Building a VM's stage-2 tables: creation, mapping with the largest
 * blocks that fit, the software walk and the register values.  Portable:
 * the host tests run this very file.  Unmapping is in stage2_unmap.c.
 */
#include "arch/arm64/stage2.h"
#include "arch/arm64/stage2_desc.h"
#include "lib/zerror.h"

/* VTCR_EL2 fields (ARM ARM D13.2, VTCR_EL2). */
#define VTCR_T0SZ       (64 - STAGE2_IPA_BITS)
#define VTCR_SL0_SHIFT  6
#define VTCR_SL0_LEVEL1 (UINT64_C(1) << VTCR_SL0_SHIFT) /* 4 KiB granule */
#define VTCR_IRGN0_WBWA (UINT64_C(1) << 8)
#define VTCR_ORGN0_WBWA (UINT64_C(1) << 10)
#define VTCR_SH0_INNER  (UINT64_C(3) << 12)
#define VTCR_TG0_4K     (UINT64_C(0) << 14)
#define VTCR_PS_SHIFT   16
#define VTCR_RES1       (UINT64_C(1) << 31)

/* VTTBR_EL2.VMID, bits [55:48] with 8-bit VMIDs (ARM ARM D13.2, VTTBR_EL2). */
#define VTTBR_VMID_SHIFT 48

/* ID_AA64MMFR0_EL1.PARange, bits [3:0], and the encodings ZVM cares about. */
#define PARANGE_MASK  UINT64_C(0xf)
#define PARANGE_32BIT 0
#define PARANGE_36BIT 1
#define PARANGE_40BIT 2 /* STAGE2_PA_BITS_MAX */

unsigned int stage2_pa_bits(uint64_t id_aa64mmfr0)
{
	switch (id_aa64mmfr0 & PARANGE_MASK) {
	case PARANGE_32BIT: return 32;
	case PARANGE_36BIT: return 36;
	default: return STAGE2_PA_BITS_MAX;
	}
}

uint64_t stage2_vtcr(uint64_t id_aa64mmfr0)
{
	uint64_t parange = id_aa64mmfr0 & PARANGE_MASK;
	uint64_t ps = parange < PARANGE_40BIT ? parange : PARANGE_40BIT;

	return VTCR_RES1 | VTCR_T0SZ | VTCR_SL0_LEVEL1 | VTCR_IRGN0_WBWA | VTCR_ORGN0_WBWA |
	       VTCR_SH0_INNER | VTCR_TG0_4K | (ps << VTCR_PS_SHIFT);
}

uint64_t stage2_vttbr(const struct stage2 *s2)
{
	return (uint64_t)(uintptr_t)s2->root | ((uint64_t)s2->vmid << VTTBR_VMID_SHIFT);
}

uint64_t *s2_table_new(struct stage2 *s2)
{
	uint64_t *table = s2->alloc.alloc_table(s2->alloc.ctx);

	if (table)
		s2->stats.tables++;
	return table;
}

void s2_table_free(struct stage2 *s2, uint64_t *table)
{
	s2->alloc.free_table(s2->alloc.ctx, table);
	s2->stats.tables--;
}

void s2_count_leaf(struct stage2 *s2, int level, int delta)
{
	if (level == S2_LEVEL_1G)
		s2->stats.blocks_1g += (uint64_t)(int64_t)delta;
	else if (level == S2_LEVEL_2M)
		s2->stats.blocks_2m += (uint64_t)(int64_t)delta;
	else
		s2->stats.pages_4k += (uint64_t)(int64_t)delta;
}

int stage2_init(struct stage2 *s2, uint16_t vmid, unsigned int pa_bits,
                const struct stage2_alloc *alloc)
{
	if (vmid == 0 || vmid > STAGE2_VMID_MAX || pa_bits > STAGE2_PA_BITS_MAX ||
	    pa_bits <= S2_PAGE_SHIFT || !alloc || !alloc->alloc_table || !alloc->free_table)
		return -ZE_INVAL;
	*s2 = (struct stage2){
		.pa_limit = UINT64_C(1) << pa_bits,
		.vmid = vmid,
		.alloc = *alloc,
	};
	s2->root = s2_table_new(s2);
	return s2->root ? 0 : -ZE_NOMEM;
}

static uint64_t leaf_attrs(enum stage2_mem type)
{
	switch (type) {
	case STAGE2_DEVICE:
		/* Shareability is ignored for device memory. */
		return S2_MEMATTR_DEVICE_nGnRE | S2_S2AP_RW | S2_AF | S2_XN;
	case STAGE2_ROM: return S2_MEMATTR_NORMAL_WB | S2_S2AP_RO | S2_SH_INNER | S2_AF;
	case STAGE2_SHARED_RW:
		return S2_MEMATTR_NORMAL_WB | S2_S2AP_RW | S2_SH_INNER | S2_AF | S2_XN;
	case STAGE2_SHARED_RO:
		return S2_MEMATTR_NORMAL_WB | S2_S2AP_RO | S2_SH_INNER | S2_AF | S2_XN;
	case STAGE2_RAM:
	default: return S2_MEMATTR_NORMAL_WB | S2_S2AP_RW | S2_SH_INNER | S2_AF;
	}
}

static enum stage2_mem leaf_type(uint64_t desc)
{
	if ((desc & S2_MEMATTR_MASK) == S2_MEMATTR_DEVICE_nGnRE)
		return STAGE2_DEVICE;
	if (desc & S2_XN)
		return (desc & S2_S2AP_MASK) == S2_S2AP_RO ? STAGE2_SHARED_RO : STAGE2_SHARED_RW;
	if ((desc & S2_S2AP_MASK) == S2_S2AP_RO)
		return STAGE2_ROM;
	return STAGE2_RAM;
}

static uint64_t leaf_desc(int level, uint64_t pa, enum stage2_mem type)
{
	/* Bit 1 tells a level-3 page from a reserved encoding; blocks clear it. */
	uint64_t kind = level == S2_LAST_LEVEL ? S2_DESC_TABLE : 0;

	return pa | leaf_attrs(type) | kind | S2_DESC_VALID;
}

static bool is_page_aligned(uint64_t value)
{
	return (value & (STAGE2_PAGE_SIZE - 1)) == 0;
}

bool s2_args_valid(const struct stage2 *s2, uint64_t ipa, uint64_t size)
{
	uint64_t ipa_limit = UINT64_C(1) << STAGE2_IPA_BITS;

	return s2->root && size != 0 && is_page_aligned(ipa) && is_page_aligned(size) &&
	       ipa < ipa_limit && size <= ipa_limit - ipa;
}

/* True when no page of [ipa, end) is mapped below table. */
static bool range_is_free(const uint64_t *table, int level, uint64_t ipa, uint64_t end)
{
	while (ipa < end) {
		uint64_t desc = table[s2_index(ipa, level)];
		uint64_t stop = s2_entry_stop(ipa, end, level);

		if (s2_is_table(desc, level)) {
			if (!range_is_free(s2_next_table(desc), level + 1, ipa, stop))
				return false;
		} else if (s2_is_valid(desc)) {
			return false;
		}
		ipa = stop;
	}
	return true;
}

/* A leaf fits when the entry is wholly inside the range and PA-aligned. */
static bool leaf_fits(int level, uint64_t ipa, uint64_t stop, uint64_t pa)
{
	uint64_t span = s2_level_span(level);

	return stop - ipa == span && (ipa & (span - 1)) == 0 && (pa & (span - 1)) == 0;
}

static int map_level(struct stage2 *s2, uint64_t *table, int level, uint64_t ipa, uint64_t end,
                     uint64_t pa, enum stage2_mem type);

/* Maps [ipa, stop) through the table under *entry, making it if needed. */
static int map_below(struct stage2 *s2, uint64_t *entry, int level, uint64_t ipa, uint64_t stop,
                     uint64_t pa, enum stage2_mem type)
{
	if (!s2_is_valid(*entry)) {
		uint64_t *sub = s2_table_new(s2);

		if (!sub)
			return -ZE_NOMEM;
		s2_write_desc(entry, (uint64_t)(uintptr_t)sub | S2_DESC_TABLE | S2_DESC_VALID);
	} else if (!s2_is_table(*entry, level)) {
		return -ZE_BUSY; /* range_is_free() said otherwise */
	}
	return map_level(s2, s2_next_table(*entry), level + 1, ipa, stop, pa, type);
}

static int map_level(struct stage2 *s2, uint64_t *table, int level, uint64_t ipa, uint64_t end,
                     uint64_t pa, enum stage2_mem type)
{
	while (ipa < end) {
		uint64_t *entry = &table[s2_index(ipa, level)];
		uint64_t stop = s2_entry_stop(ipa, end, level);

		if (leaf_fits(level, ipa, stop, pa)) {
			if (s2_is_valid(*entry))
				return -ZE_BUSY;
			s2_write_desc(entry, leaf_desc(level, pa, type));
			s2_count_leaf(s2, level, 1);
		} else {
			int err = map_below(s2, entry, level, ipa, stop, pa, type);

			if (err)
				return err;
		}
		pa += stop - ipa;
		ipa = stop;
	}
	return 0;
}

int stage2_map(struct stage2 *s2, uint64_t ipa, uint64_t pa, uint64_t size, enum stage2_mem type)
{
	struct s2_spares none = { .count = 0 };
	int err;

	if (!s2_args_valid(s2, ipa, size) || !is_page_aligned(pa) || pa >= s2->pa_limit ||
	    size > s2->pa_limit - pa || (unsigned)type > (unsigned)STAGE2_SHARED_RO)
		return -ZE_INVAL;
	if (!range_is_free(s2->root, S2_START_LEVEL, ipa, ipa + size))
		return -ZE_BUSY;
	err = map_level(s2, s2->root, S2_START_LEVEL, ipa, ipa + size, pa, type);
	if (err) {
		/*
		 * Everything valid in the range is this call's own work, made
		 * of whole entries, so taking it away never splits a block.
		 */
		s2_unmap_range(s2, ipa, ipa + size, &none);
		s2_commit(s2);
	}
	return err;
}

bool stage2_translate(const struct stage2 *s2, uint64_t ipa, uint64_t *pa, enum stage2_mem *type)
{
	const uint64_t *table = s2->root;

	if (!table || ipa >> STAGE2_IPA_BITS)
		return false;
	for (int level = S2_START_LEVEL; level <= S2_LAST_LEVEL; level++) {
		uint64_t desc = table[s2_index(ipa, level)];
		uint64_t offset_mask = s2_level_span(level) - 1;

		if (!s2_is_valid(desc))
			return false;
		if (s2_is_table(desc, level)) {
			table = s2_next_table(desc);
			continue;
		}
		if (level == S2_LAST_LEVEL && !(desc & S2_DESC_TABLE))
			return false; /* reserved encoding: faults */
		if (pa)
			*pa = (desc & S2_ADDR_MASK & ~offset_mask) | (ipa & offset_mask);
		if (type)
			*type = leaf_type(desc);
		return true;
	}
	return false;
}

static void free_tree(struct stage2 *s2, uint64_t *table, int level)
{
	for (unsigned int i = 0; i < S2_ENTRIES; i++) {
		if (s2_is_table(table[i], level))
			free_tree(s2, s2_next_table(table[i]), level + 1);
	}
	s2_table_free(s2, table);
}

void stage2_destroy(struct stage2 *s2)
{
	if (!s2->root)
		return;
	/* Walk caches may hold these tables until the VMID is flushed. */
	stage2_flush_tlb(s2);
	s2->tlb_stale = false;
	free_tree(s2, s2->root, S2_START_LEVEL);
	s2->root = NULL;
	s2->stats.blocks_1g = 0;
	s2->stats.blocks_2m = 0;
	s2->stats.pages_4k = 0;
}

void stage2_get_stats(const struct stage2 *s2, struct stage2_stats *stats)
{
	*stats = s2->stats;
}

uint64_t stage2_mapped_bytes(const struct stage2 *s2)
{
	return s2->stats.blocks_1g * s2_level_span(S2_LEVEL_1G) +
	       s2->stats.blocks_2m * s2_level_span(S2_LEVEL_2M) +
	       s2->stats.pages_4k * s2_level_span(S2_LEVEL_4K);
}
