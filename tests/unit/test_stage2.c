/* Host tests of the stage-2 table builder (stage2.c, stage2_unmap.c). */
#include "stage2_fixture.h"
#include "lib/zerror.h"

#define RAM_IPA     UINT64_C(0x40000000) /* guest RAM at 1 GiB */
#define MODEL_PAGES (UINT64_C(8) * GIB / PAGE)

struct region {
	uint64_t ipa, pa, size;
	enum stage2_mem type;
};

static struct stage2_stats stats_of(const struct stage2 *s2)
{
	struct stage2_stats st;

	stage2_get_stats(s2, &st);
	return st;
}

static void assert_counts(const struct stage2 *s2, uint64_t g1, uint64_t m2, uint64_t k4,
                          unsigned int tables)
{
	struct stage2_stats st = stats_of(s2);

	assert_int_equal(st.blocks_1g, g1);
	assert_int_equal(st.blocks_2m, m2);
	assert_int_equal(st.pages_4k, k4);
	assert_int_equal(st.tables, tables);
	assert_int_equal(tables_live(), tables);
}

static void map_ok(struct stage2 *s2, uint64_t ipa, uint64_t pa, uint64_t size,
                   enum stage2_mem type)
{
	assert_int_equal(stage2_map(s2, ipa, pa, size, type), 0);
}

/* Every page of [lo, hi) translates as the regions say, holes not at all. */
static void assert_translations(const struct stage2 *s2, uint64_t lo, uint64_t hi,
                                const struct region *regions, size_t count)
{
	for (uint64_t ipa = lo; ipa < hi; ipa += PAGE) {
		const struct region *want = NULL;
		uint64_t pa = 0;
		enum stage2_mem type = STAGE2_RAM;

		for (size_t i = 0; i < count; i++) {
			if (ipa >= regions[i].ipa && ipa - regions[i].ipa < regions[i].size)
				want = &regions[i];
		}
		if (!want) {
			assert_false(stage2_translate(s2, ipa + 0x123, &pa, &type));
			continue;
		}
		assert_true(stage2_translate(s2, ipa + 0x123, &pa, &type));
		assert_int_equal(pa, want->pa + (ipa - want->ipa) + 0x123);
		assert_int_equal(type, want->type);
	}
}

static void test_one_gib_aligned_is_one_block(void **state)
{
	struct stage2 s2;

	(void)state;
	s2_new(&s2, 1);
	map_ok(&s2, RAM_IPA, 2 * GIB, GIB, STAGE2_RAM);
	assert_counts(&s2, 1, 0, 0, 1); /* the root alone */
	assert_int_equal(stage2_mapped_bytes(&s2), GIB);
	stage2_destroy(&s2);
}

static void test_pa_alignment_limits_block_size(void **state)
{
	struct stage2 s2;

	(void)state;
	s2_new(&s2, 1);
	/* PA only 2 MiB aligned: 512 blocks of 2 MiB in one level-2 table. */
	map_ok(&s2, RAM_IPA, 2 * GIB + 2 * MIB, GIB, STAGE2_RAM);
	assert_counts(&s2, 0, 512, 0, 2);
	stage2_destroy(&s2);

	s2_new(&s2, 2);
	/* PA only 4 KiB aligned: pages, in 512 level-3 tables. */
	map_ok(&s2, RAM_IPA, 2 * GIB + PAGE, GIB, STAGE2_RAM);
	assert_counts(&s2, 0, 0, 512 * 512, 2 + 512);
	assert_translations(&s2, RAM_IPA - PAGE, RAM_IPA + GIB + PAGE,
	                    &(struct region){ RAM_IPA, 2 * GIB + PAGE, GIB, STAGE2_RAM }, 1);
	stage2_destroy(&s2);
}

static void test_mixed_sizes_use_largest_blocks(void **state)
{
	struct stage2 s2;
	/* 4 KiB below a 2 MiB edge, a 2 MiB block, then one more page. */
	uint64_t ipa = RAM_IPA + 4 * MIB - PAGE;
	uint64_t pa = 2 * GIB + 4 * MIB - PAGE;

	(void)state;
	s2_new(&s2, 1);
	map_ok(&s2, RAM_IPA + GIB, 3 * GIB, GIB + 2 * MIB + PAGE, STAGE2_RAM);
	assert_counts(&s2, 1, 1, 1, 3);
	map_ok(&s2, ipa, pa, PAGE + 2 * MIB + PAGE, STAGE2_RAM);
	/* Under another level-1 entry: one more L2, two more L3 tables. */
	assert_counts(&s2, 1, 2, 3, 6);
	assert_int_equal(stage2_mapped_bytes(&s2), GIB + 2 * (2 * MIB) + 3 * PAGE);
	stage2_destroy(&s2);
}

static void test_every_page_of_mixed_mappings(void **state)
{
	static const struct region regions[] = {
		{ RAM_IPA, 0x80000000, GIB, STAGE2_RAM },
		{ 0x08000000, 0x08000000, 0x10000, STAGE2_DEVICE },
		{ 0x09000000, 0x09040000, PAGE, STAGE2_DEVICE },
		{ 0x00000000, 0x3ff00000, 6 * MIB + 3 * PAGE, STAGE2_ROM },
		{ 0x80000000 + 2 * MIB - PAGE, 0xc0001000, 4 * MIB, STAGE2_RAM },
	};
	struct stage2 s2;

	(void)state;
	s2_new(&s2, 3);
	for (size_t i = 0; i < sizeof(regions) / sizeof(regions[0]); i++)
		map_ok(&s2, regions[i].ipa, regions[i].pa, regions[i].size, regions[i].type);
	assert_translations(&s2, 0, 0x80000000 + 8 * MIB, regions,
	                    sizeof(regions) / sizeof(regions[0]));
	stage2_destroy(&s2);
}

static void test_descriptor_bits_follow_the_spec(void **state)
{
	struct stage2 s2;
	uint64_t desc;
	int level;

	(void)state;
	s2_new(&s2, 1);
	map_ok(&s2, RAM_IPA, 0x80200000, 2 * MIB, STAGE2_RAM);
	map_ok(&s2, 0x09000000, 0x09000000, PAGE, STAGE2_DEVICE);
	map_ok(&s2, 0x00000000, 0x00400000, PAGE, STAGE2_ROM);

	desc = raw_leaf(&s2, RAM_IPA, &level);
	assert_int_equal(level, 2);
	assert_int_equal(desc & DESC_KIND_MASK, DESC_KIND_BLOCK);
	assert_int_equal(MEMATTR(desc), 0xf); /* normal, write-back */
	assert_int_equal(S2AP(desc), 3);      /* read/write */
	assert_int_equal(SH(desc), 3);        /* inner shareable */
	assert_int_equal(AF(desc), 1);
	assert_int_equal(XN(desc), 0);
	assert_int_equal(desc & DESC_OA_MASK, 0x80200000);
	assert_int_equal(desc, UINT64_C(0x80200000) | 0x7fd);

	desc = raw_leaf(&s2, 0x09000000, &level);
	assert_int_equal(level, 3);
	assert_int_equal(desc & DESC_KIND_MASK, DESC_KIND_TABLE); /* page */
	assert_int_equal(MEMATTR(desc), 0x1);                     /* device-nGnRE */
	assert_int_equal(S2AP(desc), 3);
	assert_int_equal(AF(desc), 1);
	assert_int_equal(XN(desc), 1);
	assert_int_equal(desc, (UINT64_C(1) << 54) | 0x09000000 | 0x4c7);

	desc = raw_leaf(&s2, 0x00000000, &level);
	assert_int_equal(level, 3);
	assert_int_equal(MEMATTR(desc), 0xf);
	assert_int_equal(S2AP(desc), 1); /* read-only */
	assert_int_equal(XN(desc), 0);
	assert_int_equal(desc, UINT64_C(0x00400000) | 0x77f);
	stage2_destroy(&s2);
}

/* Shared pages (Zshm, the time base): normal memory, never executable. */
static void test_shared_pages_are_normal_and_never_executable(void **state)
{
	static const struct region regions[] = {
		{ 0x10000000, 0x48000000, 2 * PAGE, STAGE2_SHARED_RW },
		{ 0x10002000, 0x48100000, PAGE, STAGE2_SHARED_RO },
	};
	struct stage2 s2;
	uint64_t desc;
	int level;

	(void)state;
	s2_new(&s2, 1);
	for (size_t i = 0; i < sizeof(regions) / sizeof(regions[0]); i++)
		map_ok(&s2, regions[i].ipa, regions[i].pa, regions[i].size, regions[i].type);
	assert_translations(&s2, 0x10000000 - PAGE, 0x10000000 + 4 * PAGE, regions,
	                    sizeof(regions) / sizeof(regions[0]));

	desc = raw_leaf(&s2, 0x10000000, &level);
	assert_int_equal(level, 3);
	assert_int_equal(MEMATTR(desc), 0xf); /* normal, write-back */
	assert_int_equal(S2AP(desc), 3);      /* read/write */
	assert_int_equal(SH(desc), 3);        /* inner shareable */
	assert_int_equal(XN(desc), 1);

	desc = raw_leaf(&s2, 0x10002000, &level);
	assert_int_equal(MEMATTR(desc), 0xf);
	assert_int_equal(S2AP(desc), 1); /* read-only */
	assert_int_equal(SH(desc), 3);
	assert_int_equal(XN(desc), 1);
	assert_int_equal(stage2_map(&s2, 0x20000000, 0x48200000, PAGE,
	                            (enum stage2_mem)(STAGE2_SHARED_RO + 1)),
	                 -ZE_INVAL);
	stage2_destroy(&s2);
}

static void test_overlap_rejected_without_side_effects(void **state)
{
	static const struct region regions[] = {
		{ RAM_IPA, 2 * GIB, GIB, STAGE2_RAM },
		{ 0x08000000, 0x08000000, 2 * MIB + PAGE, STAGE2_DEVICE },
	};
	static const struct region attempts[] = {
		{ RAM_IPA, 2 * GIB, GIB, STAGE2_RAM },              /* the same */
		{ RAM_IPA + 123 * PAGE, 0x1000, PAGE, STAGE2_RAM }, /* inside */
		{ 0, 0, 2 * GIB, STAGE2_RAM },                      /* around */
		/* ends on the block's first page, after tables would be made */
		{ RAM_IPA - 4 * MIB - PAGE, 0x1000, 4 * MIB + 2 * PAGE, STAGE2_ROM },
		{ 0x08000000 + 2 * MIB, 0x1000, 2 * MIB, STAGE2_RAM }, /* tail */
	};
	struct stage2 s2;

	(void)state;
	s2_new(&s2, 1);
	for (size_t i = 0; i < 2; i++)
		map_ok(&s2, regions[i].ipa, regions[i].pa, regions[i].size, regions[i].type);
	struct stage2_stats before = stats_of(&s2);
	unsigned int allocs = pool_allocs, flushes = flush_count;

	for (size_t i = 0; i < sizeof(attempts) / sizeof(attempts[0]); i++) {
		assert_int_equal(stage2_map(&s2, attempts[i].ipa, attempts[i].pa, attempts[i].size,
		                            attempts[i].type),
		                 -ZE_BUSY);
		assert_memory_equal(&before, &s2.stats, sizeof(before));
		assert_int_equal(pool_allocs, allocs);
		assert_int_equal(flush_count, flushes);
	}
	assert_translations(&s2, 0, 2 * GIB, regions, 2);
	stage2_destroy(&s2);
}

static void test_bad_arguments_rejected(void **state)
{
	struct stage2 s2, small;

	(void)state;
	assert_int_equal(stage2_init(&s2, 0, 40, &pool_allocator), -ZE_INVAL);
	assert_int_equal(stage2_init(&s2, 256, 40, &pool_allocator), -ZE_INVAL);
	assert_int_equal(stage2_init(&s2, 1, 48, &pool_allocator), -ZE_INVAL);
	s2_new(&s2, 255);
	assert_int_equal(stage2_map(&s2, 0x800, 0, PAGE, STAGE2_RAM), -ZE_INVAL);
	assert_int_equal(stage2_map(&s2, 0, 0x800, PAGE, STAGE2_RAM), -ZE_INVAL);
	assert_int_equal(stage2_map(&s2, 0, 0, 0x800, STAGE2_RAM), -ZE_INVAL);
	assert_int_equal(stage2_map(&s2, 0, 0, 0, STAGE2_RAM), -ZE_INVAL);
	assert_int_equal(stage2_map(&s2, IPA_LIMIT, 0, PAGE, STAGE2_RAM), -ZE_INVAL);
	assert_int_equal(stage2_map(&s2, IPA_LIMIT - PAGE, 0, 2 * PAGE, STAGE2_RAM), -ZE_INVAL);
	assert_int_equal(stage2_map(&s2, PAGE, 0, UINT64_MAX - PAGE + 1, STAGE2_RAM), -ZE_INVAL);
	assert_int_equal(stage2_map(&s2, 0, UINT64_C(1) << 40, PAGE, STAGE2_RAM), -ZE_INVAL);
	assert_int_equal(stage2_map(&s2, 0, (UINT64_C(1) << 40) - PAGE, 2 * PAGE, STAGE2_RAM),
	                 -ZE_INVAL);
	assert_int_equal(stage2_map(&s2, 0, 0, PAGE, (enum stage2_mem)7), -ZE_INVAL);
	assert_int_equal(stage2_unmap(&s2, 0x800, PAGE), -ZE_INVAL);
	assert_int_equal(stage2_unmap(&s2, 0, 0), -ZE_INVAL);
	assert_counts(&s2, 0, 0, 0, 1);
	/* The very top of the IPA space and of the PA space are usable. */
	map_ok(&s2, IPA_LIMIT - GIB, (UINT64_C(1) << 40) - GIB, GIB, STAGE2_RAM);
	map_ok(&s2, IPA_LIMIT - 2 * GIB, (UINT64_C(1) << 40) - PAGE, PAGE, STAGE2_RAM);
	assert_counts(&s2, 1, 0, 1, 3);
	stage2_destroy(&s2);

	/* A CPU with 36 PA bits: nothing above 64 GiB. */
	assert_int_equal(stage2_init(&small, 9, 36, &pool_allocator), 0);
	watched_s2 = &small;
	assert_int_equal(stage2_map(&small, 0, UINT64_C(1) << 36, PAGE, STAGE2_RAM), -ZE_INVAL);
	map_ok(&small, 0, (UINT64_C(1) << 36) - PAGE, PAGE, STAGE2_RAM);
	stage2_destroy(&small);
}

static void test_map_out_of_memory_leaves_map_as_it_was(void **state)
{
	struct region regions[] = {
		{ RAM_IPA, 2 * GIB, 2 * MIB, STAGE2_RAM },
		/* needs an L2 table (shared), then several L3 tables */
		{ RAM_IPA + 3 * MIB, 2 * GIB + 5 * MIB, 8 * MIB, STAGE2_DEVICE },
		/* a fresh level-1 entry: L2 + L3 tables */
		{ 5 * GIB - PAGE, 3 * GIB, 4 * MIB, STAGE2_ROM },
	};
	struct stage2 s2;

	(void)state;
	s2_new(&s2, 1);
	map_ok(&s2, regions[0].ipa, regions[0].pa, regions[0].size, regions[0].type);
	for (size_t r = 1; r < 3; r++) {
		for (long budget = 0;; budget++) {
			struct stage2_stats before = stats_of(&s2);
			unsigned int flushes = flush_count;
			int err;

			pool_fail_after = budget;
			err = stage2_map(&s2, regions[r].ipa, regions[r].pa, regions[r].size,
			                 regions[r].type);
			pool_fail_after = -1;
			if (err == 0)
				break;
			assert_int_equal(err, -ZE_NOMEM);
			/*
			 * Once a table was linked, a walker may have cached it:
			 * undoing costs a flush.  With no table, nothing to flush.
			 */
			assert_int_equal(flush_count - flushes, budget > 0);
			assert_memory_equal(&before, &s2.stats, sizeof(before));
			assert_int_equal(tables_live(), before.tables);
			assert_translations(&s2, RAM_IPA, RAM_IPA + 16 * MIB, regions, r);
			assert_translations(&s2, 5 * GIB - 2 * MIB, 5 * GIB + 4 * MIB, regions, r);
		}
	}
	assert_translations(&s2, RAM_IPA, RAM_IPA + 16 * MIB, regions, 3);
	assert_translations(&s2, 5 * GIB - 2 * MIB, 5 * GIB + 4 * MIB, regions, 3);
	stage2_destroy(&s2);
}

static void test_unmap_splits_blocks_break_before_make(void **state)
{
	struct stage2 s2;
	struct region left = { RAM_IPA, 2 * GIB, 300 * MIB + 5 * PAGE, STAGE2_RAM };
	struct region right = { RAM_IPA + 300 * MIB + 6 * PAGE, 2 * GIB + 300 * MIB + 6 * PAGE,
		                GIB - 300 * MIB - 6 * PAGE, STAGE2_RAM };

	(void)state;
	s2_new(&s2, 1);
	map_ok(&s2, RAM_IPA, 2 * GIB, GIB, STAGE2_RAM);
	watch_ipa = right.ipa; /* stays mapped, in the split block */
	watch_active = true;
	assert_int_equal(stage2_unmap(&s2, left.ipa + left.size, PAGE), 0);
	/* 1 GiB -> 511 x 2 MiB + 511 x 4 KiB, in an L2 and an L3 table. */
	assert_counts(&s2, 0, 511, 511, 3);
	/* The block was gone from the tables at the first flush... */
	assert_true(flush_count >= 2);
	assert_false(watch_mapped[0]);
	/* ...and the neighbour mapped again by the last one. */
	assert_true(watch_mapped[flush_count - 1]);
	assert_translations(&s2, RAM_IPA, RAM_IPA + GIB, (struct region[]){ left, right }, 2);
	watch_active = false;

	/* Unmapping the rest frees both tables again. */
	assert_int_equal(stage2_unmap(&s2, RAM_IPA, left.size), 0);
	assert_int_equal(stage2_unmap(&s2, right.ipa, right.size), 0);
	assert_counts(&s2, 0, 0, 0, 1);
	assert_false(stage2_translate(&s2, right.ipa, NULL, NULL));
	stage2_destroy(&s2);
}

static void test_split_keeps_attributes(void **state)
{
	struct stage2 s2;
	uint64_t desc;
	int level;

	(void)state;
	s2_new(&s2, 1);
	map_ok(&s2, 0x08000000 + 2 * MIB, 0x10000000, 2 * MIB, STAGE2_DEVICE);
	assert_int_equal(stage2_unmap(&s2, 0x08000000 + 2 * MIB, PAGE), 0);
	desc = raw_leaf(&s2, 0x08000000 + 2 * MIB + PAGE, &level);
	assert_int_equal(level, 3);
	assert_int_equal(desc, (UINT64_C(1) << 54) | (0x10000000 + PAGE) | 0x4c7);
	assert_int_equal(raw_leaf(&s2, 0x08000000 + 2 * MIB, &level), 0);
	assert_counts(&s2, 0, 0, 511, 3);
	stage2_destroy(&s2);
}

static void test_unmap_out_of_memory_changes_nothing(void **state)
{
	struct stage2 s2;
	struct region whole = { RAM_IPA, 2 * GIB, GIB, STAGE2_RAM };

	(void)state;
	s2_new(&s2, 1);
	map_ok(&s2, whole.ipa, whole.pa, whole.size, whole.type);
	for (long budget = 0; budget < 2; budget++) {
		pool_fail_after = budget;
		assert_int_equal(stage2_unmap(&s2, RAM_IPA + 5 * PAGE, PAGE), -ZE_NOMEM);
		assert_counts(&s2, 1, 0, 0, 1);
	}
	pool_fail_after = -1;
	assert_translations(&s2, RAM_IPA, RAM_IPA + 8 * MIB, &whole, 1);
	stage2_destroy(&s2);
}

static void test_unmap_frees_tables_only_after_a_flush(void **state)
{
	struct stage2 s2;

	(void)state;
	s2_new(&s2, 1);
	map_ok(&s2, 7 * GIB + PAGE, 0x1000, 3 * MIB, STAGE2_RAM);
	assert_counts(&s2, 0, 0, 3 * MIB / PAGE, 4);
	snapshot_reachable(); /* as if a vCPU had walked them */
	/* pool_free() fails the test for a table freed before a flush. */
	assert_int_equal(stage2_unmap(&s2, 6 * GIB, 2 * GIB), 0);
	assert_counts(&s2, 0, 0, 0, 1);
	assert_int_equal(flush_count, 1); /* one flush for the whole call */
	/* Unmapping nothing costs no flush. */
	assert_int_equal(stage2_unmap(&s2, 6 * GIB, 2 * GIB), 0);
	assert_int_equal(flush_count, 1);
	stage2_destroy(&s2);
}

static void test_destroy_frees_every_table(void **state)
{
	struct stage2 s2;

	(void)state;
	s2_new(&s2, 1);
	map_ok(&s2, 0, 0x3ff00000, 6 * MIB + 3 * PAGE, STAGE2_ROM);
	map_ok(&s2, RAM_IPA, 2 * GIB, 2 * GIB, STAGE2_RAM);
	map_ok(&s2, 200 * GIB + PAGE, 0x09000000, 5 * MIB, STAGE2_DEVICE);
	assert_true(tables_live() > 5);
	snapshot_reachable();
	stage2_destroy(&s2);
	assert_int_equal(pool_allocs, pool_frees);
	assert_int_equal(flush_count, 1);
	assert_int_equal(frees_at_last_flush, 0); /* flushed first */
	assert_null(s2.root);
	assert_int_equal(stage2_mapped_bytes(&s2), 0);
	assert_false(stage2_translate(&s2, RAM_IPA, NULL, NULL));
	stage2_destroy(&s2); /* twice is harmless */
	assert_int_equal(flush_count, 1);
}

/* A revoked map translates nothing and is flushed at once; restored, it is
 * as it was, and freeing it still finds every table. */
static void test_revoke_then_restore(void **state)
{
	struct stage2 s2;
	const struct region regions[] = {
		{ 0, 0x3ff00000, 6 * MIB + 3 * PAGE, STAGE2_ROM },
		{ RAM_IPA, 2 * GIB, 2 * GIB + 5 * PAGE, STAGE2_RAM },
	};

	(void)state;
	s2_new(&s2, 1);
	for (size_t i = 0; i < 2; i++)
		map_ok(&s2, regions[i].ipa, regions[i].pa, regions[i].size, regions[i].type);
	unsigned int flushes = flush_count;
	struct stage2_stats before = stats_of(&s2);
	stage2_revoke(&s2);
	assert_true(s2.revoked);
	assert_int_equal(flush_count, flushes + 1);
	assert_translations(&s2, 0, 8 * MIB, NULL, 0);
	assert_translations(&s2, RAM_IPA, RAM_IPA + 4 * MIB, NULL, 0);
	stage2_revoke(&s2); /* a retry flushes again */
	assert_int_equal(flush_count, flushes + 2);
	stage2_restore(&s2);
	assert_false(s2.revoked);
	assert_translations(&s2, 0, 8 * MIB, regions, 2);
	assert_translations(&s2, RAM_IPA + 2 * GIB - 4 * MIB, RAM_IPA + 2 * GIB + 8 * MIB, regions,
	                    2);
	struct stage2_stats after = stats_of(&s2);
	assert_memory_equal(&before, &after, sizeof(before));
	stage2_restore(&s2); /* not revoked: nothing */
	assert_translations(&s2, 0, 8 * MIB, regions, 2);
	stage2_destroy(&s2);
	assert_int_equal(pool_allocs, pool_frees);
}

static void test_vtcr_and_vttbr_values(void **state)
{
	struct stage2 s2;
	uint64_t root;

	(void)state;
	/* RES1 | PS | TG0=4K | SH0=inner | ORGN0,IRGN0=WBWA | SL0=1 | T0SZ=25 */
	assert_int_equal(stage2_vtcr(0x2), 0x80000000 | (2 << 16) | (0 << 14) | (3 << 12) |
	                                           (1 << 10) | (1 << 8) | (1 << 6) | 25);
	assert_int_equal(stage2_vtcr(0x00101122), stage2_vtcr(0x2));
	assert_int_equal(stage2_vtcr(0x5), stage2_vtcr(0x2)); /* 48 bits: capped */
	assert_int_equal(stage2_vtcr(0x1) >> 16 & 7, 1);
	assert_int_equal(stage2_vtcr(0x0) >> 16 & 7, 0);
	assert_int_equal(stage2_pa_bits(0x0), 32);
	assert_int_equal(stage2_pa_bits(0x1), 36);
	assert_int_equal(stage2_pa_bits(0x2), 40);
	assert_int_equal(stage2_pa_bits(0x6), 40);

	s2_new(&s2, 0xa7);
	root = (uint64_t)(uintptr_t)s2.root;
	assert_int_equal(root % TABLE_BYTES, 0);
	assert_int_equal(stage2_vttbr(&s2), root | (UINT64_C(0xa7) << 48));
	stage2_destroy(&s2);
}

/* --- random operations against a model of every page ------------------ */

struct model_page {
	uint64_t pa; /* 0: unmapped (the test never maps PA 0) */
	enum stage2_mem type;
};

static uint64_t rng_state = 0x9e3779b97f4a7c15ull;

static uint64_t rng(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return rng_state;
}

/* A size and alignment that makes 1 GiB, 2 MiB and 4 KiB pieces likely. */
static uint64_t random_grain(void)
{
	static const uint64_t grains[] = { PAGE, 2 * MIB, GIB };

	return grains[rng() % 3];
}

/* Unmaps are mostly smaller, so that they split the blocks maps make. */
static void random_range(uint64_t *ipa, uint64_t *size, bool for_unmap)
{
	uint64_t grain = random_grain();

	*ipa = (rng() % (MODEL_PAGES * PAGE / grain)) * grain;
	*size = (1 + rng() % 3) * (rng() % 2 ? grain : random_grain());
	if (for_unmap && rng() % 4)
		*size = (1 + rng() % 3) * (rng() % 2 ? PAGE : 2 * MIB);
	if (rng() % 4 == 0)
		*ipa += (rng() % 8) * PAGE; /* break the alignment */
	if (*ipa >= MODEL_PAGES * PAGE)
		*ipa = MODEL_PAGES * PAGE - PAGE;
	if (*ipa + *size > MODEL_PAGES * PAGE)
		*size = MODEL_PAGES * PAGE - *ipa;
}

static bool model_free(const struct model_page *model, uint64_t ipa, uint64_t size)
{
	for (uint64_t p = ipa / PAGE; p < (ipa + size) / PAGE; p++) {
		if (model[p].pa)
			return false;
	}
	return true;
}

static void model_check(const struct stage2 *s2, const struct model_page *model)
{
	uint64_t mapped = 0;

	for (uint64_t p = 0; p < MODEL_PAGES; p++) {
		uint64_t pa;
		enum stage2_mem type;
		bool hit = stage2_translate(s2, p * PAGE, &pa, &type);

		assert_int_equal(hit, model[p].pa != 0);
		if (hit) {
			assert_int_equal(pa, model[p].pa);
			assert_int_equal(type, model[p].type);
			mapped++;
		}
	}
	assert_int_equal(stage2_mapped_bytes(s2), mapped * PAGE);
	assert_int_equal(stats_of(s2).tables, tables_live());
}

static void random_step(struct stage2 *s2, struct model_page *model)
{
	uint64_t ipa, size;
	bool unmap = rng() % 3 == 0;

	random_range(&ipa, &size, unmap);
	if (unmap) {
		assert_int_equal(stage2_unmap(s2, ipa, size), 0);
		memset(&model[ipa / PAGE], 0, size / PAGE * sizeof(*model));
		return;
	}
	/* PA keeps the IPA's alignment within a 1 GiB, so blocks can form. */
	uint64_t pa = 4 * GIB + (rng() % 64) * GIB + ipa % GIB;
	enum stage2_mem type = (enum stage2_mem)(rng() % 3);
	bool fits = model_free(model, ipa, size);
	bool starve = rng() % 8 == 0;
	int err;

	pool_fail_after = starve ? (long)(rng() % 4) : -1;
	err = stage2_map(s2, ipa, pa, size, type);
	pool_fail_after = -1;
	if (!fits) {
		assert_int_equal(err, -ZE_BUSY);
		return;
	}
	if (starve && err == -ZE_NOMEM)
		return;
	assert_int_equal(err, 0);
	for (uint64_t p = 0; p < size / PAGE; p++)
		model[ipa / PAGE + p] = (struct model_page){ pa + p * PAGE, type };
}

static void test_random_map_unmap_against_model(void **state)
{
	struct model_page *model = calloc(MODEL_PAGES, sizeof(*model));
	struct stage2 s2;

	(void)state;
	assert_non_null(model);
	struct stage2_stats seen = { 0 };

	s2_new(&s2, 1);
	for (int step = 1; step <= 600; step++) {
		random_step(&s2, model);
		seen.blocks_1g += s2.stats.blocks_1g != 0;
		seen.blocks_2m += s2.stats.blocks_2m != 0;
		seen.pages_4k += s2.stats.pages_4k != 0;
		if (step % 40 == 0)
			model_check(&s2, model);
	}
	/* The run did exercise every leaf size. */
	assert_true(seen.blocks_1g && seen.blocks_2m && seen.pages_4k);
	model_check(&s2, model);
	assert_int_equal(stage2_unmap(&s2, 0, MODEL_PAGES * PAGE), 0);
	assert_counts(&s2, 0, 0, 0, 1);
	stage2_destroy(&s2);
	free(model);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		S2_TEST(test_one_gib_aligned_is_one_block),
		S2_TEST(test_pa_alignment_limits_block_size),
		S2_TEST(test_mixed_sizes_use_largest_blocks),
		S2_TEST(test_every_page_of_mixed_mappings),
		S2_TEST(test_descriptor_bits_follow_the_spec),
		S2_TEST(test_shared_pages_are_normal_and_never_executable),
		S2_TEST(test_overlap_rejected_without_side_effects),
		S2_TEST(test_bad_arguments_rejected),
		S2_TEST(test_map_out_of_memory_leaves_map_as_it_was),
		S2_TEST(test_unmap_splits_blocks_break_before_make),
		S2_TEST(test_split_keeps_attributes),
		S2_TEST(test_unmap_out_of_memory_changes_nothing),
		S2_TEST(test_unmap_frees_tables_only_after_a_flush),
		S2_TEST(test_destroy_frees_every_table),
		S2_TEST(test_revoke_then_restore),
		S2_TEST(test_vtcr_and_vttbr_values),
		S2_TEST(test_random_map_unmap_against_model),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
