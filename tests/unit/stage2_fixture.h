/*
 * Test harness for stage-2 tables: a pool table allocator that counts,
 * fails on demand and poisons what is freed, and the test's own
 * stage2_flush_tlb() that records what a TLB flush would have seen.
 * Included by test_stage2.c only (its statics are that test's state).
 */
#ifndef TESTS_UNIT_STAGE2_FIXTURE_H
#define TESTS_UNIT_STAGE2_FIXTURE_H

#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "arch/arm64/stage2.h"

#define KIB         (UINT64_C(1) << 10)
#define MIB         (UINT64_C(1) << 20)
#define GIB         (UINT64_C(1) << 30)
#define PAGE        (4 * KIB)
#define TABLE_BYTES 4096
#define POOL_TABLES 4096 /* 16 MiB: more than any test needs */
#define POISON_BYTE 0xa5 /* freed tables read as garbage */
#define MAX_WATCHED 64   /* flushes whose observation is kept */

/* ARM ARM D8 descriptor fields, written out independently of stage2.c. */
#define ENTRIES         512
#define IPA_LIMIT       (UINT64_C(1) << 39)
#define DESC_KIND_MASK  UINT64_C(3) /* bits [1:0] */
#define DESC_KIND_BLOCK UINT64_C(1) /* 0b01 at levels 1 and 2 */
#define DESC_KIND_TABLE UINT64_C(3) /* 0b11: table, or page at L3 */
#define DESC_OA_MASK    UINT64_C(0x0000fffffffff000)

static inline uint64_t field(uint64_t desc, unsigned int lo, unsigned int width)
{
	return (desc >> lo) & ((UINT64_C(1) << width) - 1);
}

#define MEMATTR(d) field(d, 2, 4)
#define S2AP(d)    field(d, 6, 2)
#define SH(d)      field(d, 8, 2)
#define AF(d)      field(d, 10, 1)
#define XN(d)      field(d, 54, 1)

/* --- the table pool -------------------------------------------------- */

struct pool_slot {
	bool live;
	bool reachable_at_last_flush;
};

static uint8_t *pool_mem;
static struct pool_slot pool_slots[POOL_TABLES];
static unsigned int pool_allocs, pool_frees;
static long pool_fail_after = -1; /* allocations left before NULL; -1: never */
static struct stage2 *watched_s2; /* the map the flush hook inspects */
static unsigned int flush_count;
static unsigned int frees_at_last_flush;
static uint64_t watch_ipa;
static bool watch_active;
static bool watch_mapped[MAX_WATCHED]; /* was watch_ipa mapped at flush n? */

static long slot_of(const void *table)
{
	ptrdiff_t off = (const uint8_t *)table - pool_mem;

	if (!table || off < 0 || off >= (ptrdiff_t)POOL_TABLES * TABLE_BYTES || off % TABLE_BYTES)
		return -1;
	return off / TABLE_BYTES;
}

static void *pool_alloc(void *ctx)
{
	(void)ctx;
	if (pool_fail_after == 0)
		return NULL;
	if (pool_fail_after > 0)
		pool_fail_after--;
	for (unsigned int i = 0; i < POOL_TABLES; i++) {
		if (!pool_slots[i].live) {
			pool_slots[i].live = true;
			pool_slots[i].reachable_at_last_flush = false;
			pool_allocs++;
			memset(pool_mem + (size_t)i * TABLE_BYTES, 0, TABLE_BYTES);
			return pool_mem + (size_t)i * TABLE_BYTES;
		}
	}
	return NULL;
}

static bool table_reachable(const uint64_t *table, int level, const uint64_t *wanted);

static bool still_linked(const void *table)
{
	const uint64_t *root = watched_s2 ? watched_s2->root : NULL;

	return root && (root == table || table_reachable(root, 1, table));
}

static void pool_free(void *ctx, void *table)
{
	long slot = slot_of(table);

	(void)ctx;
	assert_true(slot >= 0);
	assert_true(pool_slots[slot].live);
	/*
	 * A walker may cache a table until the flush after it was unlinked.
	 * Only stage2_destroy() frees tables still linked (the VM is stopped
	 * and was flushed); those are exempt.
	 */
	if (pool_slots[slot].reachable_at_last_flush)
		assert_true(still_linked(table));
	pool_slots[slot].live = false;
	pool_frees++;
	memset(table, POISON_BYTE, TABLE_BYTES);
}

static const struct stage2_alloc pool_allocator = {
	.alloc_table = pool_alloc,
	.free_table = pool_free,
	.ctx = NULL,
};

/* --- walking the raw tables with the spec's own encodings -------------- */

static unsigned int level_shift(int level)
{
	return (unsigned int)(12 + 9 * (3 - level));
}

static const uint64_t *next_table(uint64_t desc)
{
	return (const uint64_t *)(uintptr_t)(desc & DESC_OA_MASK);
}

static bool is_table(uint64_t desc, int level)
{
	return level < 3 && (desc & DESC_KIND_MASK) == DESC_KIND_TABLE;
}

static bool table_reachable(const uint64_t *table, int level, const uint64_t *wanted)
{
	for (unsigned int i = 0; i < ENTRIES; i++) {
		if (!is_table(table[i], level))
			continue;
		if (next_table(table[i]) == wanted ||
		    table_reachable(next_table(table[i]), level + 1, wanted))
			return true;
	}
	return false;
}

static void mark_reachable(const uint64_t *table, int level)
{
	pool_slots[slot_of(table)].reachable_at_last_flush = true;
	for (unsigned int i = 0; i < ENTRIES; i++) {
		if (is_table(table[i], level))
			mark_reachable(next_table(table[i]), level + 1);
	}
}

/* What a TLB flush would leave walkers able to reach: the tree right now. */
static void snapshot_reachable(void)
{
	for (unsigned int i = 0; i < POOL_TABLES; i++)
		pool_slots[i].reachable_at_last_flush = false;
	if (watched_s2 && watched_s2->root)
		mark_reachable(watched_s2->root, 1);
}

/* The leaf descriptor for ipa and its level; 0 when there is none. */
static uint64_t raw_leaf(const struct stage2 *s2, uint64_t ipa, int *level_out)
{
	const uint64_t *table = s2->root;

	for (int level = 1; level <= 3; level++) {
		uint64_t desc = table[(ipa >> level_shift(level)) & (ENTRIES - 1)];

		if (is_table(desc, level)) {
			table = next_table(desc);
			continue;
		}
		*level_out = level;
		return desc;
	}
	return 0;
}

/* The kernel flushes the TLB here; the test records what it would see. */
void stage2_flush_tlb(const struct stage2 *s2)
{
	assert_ptr_equal(s2, watched_s2);
	if (watch_active && flush_count < MAX_WATCHED)
		watch_mapped[flush_count] = stage2_translate(s2, watch_ipa, NULL, NULL);
	flush_count++;
	frees_at_last_flush = pool_frees;
	snapshot_reachable();
}

/* --- set-up ------------------------------------------------------------ */

static int pool_setup(void **state)
{
	(void)state;
	pool_mem = aligned_alloc(TABLE_BYTES, (size_t)POOL_TABLES * TABLE_BYTES);
	if (!pool_mem)
		return -1;
	memset(pool_slots, 0, sizeof(pool_slots));
	pool_allocs = pool_frees = 0;
	pool_fail_after = -1;
	watched_s2 = NULL;
	flush_count = 0;
	frees_at_last_flush = 0;
	watch_active = false;
	return 0;
}

static int pool_teardown(void **state)
{
	(void)state;
	/* Every test destroys its maps: nothing may be left allocated. */
	int leaked = (int)(pool_allocs - pool_frees);

	free(pool_mem);
	pool_mem = NULL;
	return leaked ? -1 : 0;
}

#define S2_TEST(fn) cmocka_unit_test_setup_teardown(fn, pool_setup, pool_teardown)

static void s2_new(struct stage2 *s2, uint16_t vmid)
{
	assert_int_equal(stage2_init(s2, vmid, 40, &pool_allocator), 0);
	watched_s2 = s2;
}

static unsigned int tables_live(void)
{
	return pool_allocs - pool_frees;
}

#endif
