/* Host tests of the TLSF heap: contract, error paths and a random model. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "kernel/heap.h"

#define KIB         1024u
#define REGION_SIZE (256 * KIB)
#define HEADER      32u /* heap.c's block header on 64-bit hosts */
#define MIN_BLOCK   48u

static _Alignas(64) uint8_t region_a[REGION_SIZE];
static _Alignas(64) uint8_t region_b[REGION_SIZE];

static void assert_healthy(const struct heap *h)
{
	assert_int_equal(heap_check(h), 0);
}

static struct heap_stats stats_of(const struct heap *h)
{
	struct heap_stats st;

	heap_stats(h, &st);
	return st;
}

static void assert_stats_equal(const struct heap_stats *a, const struct heap_stats *b)
{
	assert_int_equal(a->used_bytes, b->used_bytes);
	assert_int_equal(a->free_bytes, b->free_bytes);
	assert_int_equal(a->largest_free, b->largest_free);
	assert_int_equal(a->max_alloc, b->max_alloc);
	assert_int_equal(a->alloc_count, b->alloc_count);
	assert_int_equal(a->overhead_bytes, b->overhead_bytes);
}

static bool in_buffer(const void *p, size_t size, const uint8_t *buf)
{
	return (const uint8_t *)p >= buf && (const uint8_t *)p + size <= buf + REGION_SIZE;
}

static void setup_one_region(struct heap *h)
{
	heap_init(h);
	assert_int_equal(heap_add_region(h, region_a, REGION_SIZE), 0);
}

static void test_fresh_region_is_one_free_block(void **state)
{
	struct heap h;
	struct heap_stats st;

	(void)state;
	setup_one_region(&h);
	st = stats_of(&h);
	assert_int_equal(st.used_bytes, 0);
	assert_int_equal(st.free_bytes, REGION_SIZE - HEADER);
	assert_int_equal(st.overhead_bytes, HEADER);
	assert_int_equal(st.largest_free, REGION_SIZE - 2 * HEADER);
	assert_int_equal(st.alloc_count, 0);
	assert_healthy(&h);
}

static void test_alloc_is_aligned_usable_and_counted(void **state)
{
	static const size_t sizes[] = { 1, 15, 16, 17, 100, 255, 256, 1000, 4096, 50000 };
	void *p[sizeof(sizes) / sizeof(sizes[0])];
	struct heap h;
	struct heap_stats st;

	(void)state;
	setup_one_region(&h);
	for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		p[i] = heap_alloc(&h, sizes[i]);
		assert_non_null(p[i]);
		assert_int_equal((uintptr_t)p[i] % 16, 0);
		assert_true(in_buffer(p[i], sizes[i], region_a));
		assert_true(heap_usable_size(&h, p[i]) >= sizes[i]);
		memset(p[i], 0xa0 + (int)i, heap_usable_size(&h, p[i]));
	}
	st = stats_of(&h);
	assert_int_equal(st.alloc_count, 10);
	assert_int_equal(st.used_bytes + st.free_bytes, REGION_SIZE - HEADER);
	assert_healthy(&h); /* filling whole usable sizes harmed no header */
	for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++)
		assert_int_equal(heap_free(&h, p[i]), 0);
	st = stats_of(&h);
	assert_int_equal(st.used_bytes, 0);
	assert_int_equal(st.largest_free, REGION_SIZE - 2 * HEADER);
	assert_healthy(&h);
}

static void test_degenerate_requests(void **state)
{
	struct heap h;

	(void)state;
	setup_one_region(&h);
	assert_null(heap_alloc(&h, 0));
	assert_null(heap_alloc(&h, REGION_SIZE));
	assert_null(heap_alloc(&h, SIZE_MAX));
	assert_null(heap_alloc(&h, SIZE_MAX - 8));
	assert_null(heap_alloc_aligned(&h, 64, 48));
	assert_null(heap_alloc_aligned(&h, 64, SIZE_MAX / 2 + 1));
	assert_null(heap_alloc_aligned(&h, SIZE_MAX - 100, 64));
	assert_int_equal(heap_free(&h, NULL), 0);
	assert_int_equal(stats_of(&h).alloc_count, 0);
	assert_healthy(&h);
}

static void test_bad_frees_are_refused(void **state)
{
	struct heap h;
	struct heap_stats before, after;
	uint64_t outside;
	uint8_t *a, *b, *c;

	(void)state;
	setup_one_region(&h);
	a = heap_alloc(&h, 64);
	b = heap_alloc(&h, 64);
	c = heap_alloc(&h, 64);
	before = stats_of(&h);
	assert_int_equal(heap_free(&h, &outside), -ZE_NOT_ALLOCATED);
	assert_int_equal(heap_free(&h, region_b + 64), -ZE_NOT_ALLOCATED);
	assert_int_equal(heap_free(&h, a + 16), -ZE_NOT_ALLOCATED);
	assert_int_equal(heap_free(&h, a + 1), -ZE_NOT_ALLOCATED);
	assert_int_equal(heap_free(&h, region_a), -ZE_NOT_ALLOCATED);
	assert_int_equal(heap_free(&h, region_a + REGION_SIZE - 16), -ZE_NOT_ALLOCATED);
	/* A payload that merely looks like a header is still refused. */
	memcpy(b + 16, b - HEADER, HEADER);
	assert_int_equal(heap_free(&h, b + 48), -ZE_NOT_ALLOCATED);
	after = stats_of(&h);
	assert_stats_equal(&before, &after);
	assert_healthy(&h);

	assert_int_equal(heap_free(&h, b), 0);
	assert_int_equal(heap_free(&h, b), -ZE_DOUBLE_FREE);
	/* After a merge the old header is stale but still recognised. */
	assert_int_equal(heap_free(&h, c), 0);
	assert_int_equal(heap_free(&h, c), -ZE_DOUBLE_FREE);
	assert_int_equal(heap_free(&h, b), -ZE_DOUBLE_FREE);
	assert_int_equal(heap_usable_size(&h, c), 0);
	assert_int_equal(stats_of(&h).alloc_count, 1);
	assert_healthy(&h);
	assert_int_equal(heap_free(&h, a), 0);
	assert_int_equal(stats_of(&h).free_bytes, REGION_SIZE - HEADER);
}

static void test_corruption_is_found(void **state)
{
	struct heap h;
	uint8_t *a, *b;

	(void)state;
	setup_one_region(&h);
	a = heap_alloc(&h, 100);
	b = heap_alloc(&h, 100);
	assert_healthy(&h);
	/* Overrun a into b's header: check and free must both notice. */
	memset(a, 0x5a, heap_usable_size(&h, a) + 8);
	assert_int_equal(heap_check(&h), -ZE_CORRUPT);
	assert_int_equal(heap_free(&h, b), -ZE_NOT_ALLOCATED);
	assert_string_equal(zerror_name(-ZE_CORRUPT), "allocator state is corrupt");
}

static void test_aligned_allocations(void **state)
{
	static const size_t aligns[] = { 1, 16, 32, 64, 128, 4096, 16384, 65536 };
	void *p[sizeof(aligns) / sizeof(aligns[0])];
	struct heap h;

	(void)state;
	setup_one_region(&h);
	for (size_t i = 0; i < sizeof(aligns) / sizeof(aligns[0]); i++) {
		size_t align = aligns[i] < 16 ? 16 : aligns[i];

		p[i] = heap_alloc_aligned(&h, 200 + i, aligns[i]);
		assert_non_null(p[i]);
		assert_int_equal((uintptr_t)p[i] % align, 0);
		assert_true(heap_usable_size(&h, p[i]) >= 200 + i);
		memset(p[i], 0x33, 200 + i);
		assert_healthy(&h);
	}
	for (size_t i = 0; i < sizeof(aligns) / sizeof(aligns[0]); i++)
		assert_int_equal(heap_free(&h, p[i]), 0);
	assert_int_equal(stats_of(&h).largest_free, REGION_SIZE - 2 * HEADER);
	assert_healthy(&h);
}

static void test_exhaustion_and_recovery(void **state)
{
	static void *p[REGION_SIZE / MIN_BLOCK];
	struct heap h;
	size_t n = 0;

	(void)state;
	setup_one_region(&h);
	while ((p[n] = heap_alloc(&h, 16)) != NULL)
		n++;
	/* Every block is the 48-byte minimum; only a sliver is left over. */
	assert_int_equal(n, (REGION_SIZE - HEADER) / MIN_BLOCK);
	assert_true(stats_of(&h).free_bytes < MIN_BLOCK);
	assert_healthy(&h);
	/* Free every other block first so merging meets both neighbours. */
	for (size_t i = 0; i < n; i += 2)
		assert_int_equal(heap_free(&h, p[i]), 0);
	assert_healthy(&h);
	for (size_t i = 1; i < n; i += 2)
		assert_int_equal(heap_free(&h, p[i]), 0);
	assert_int_equal(stats_of(&h).largest_free, REGION_SIZE - 2 * HEADER);
	assert_healthy(&h);
}

/* max_alloc is exact: that size works, the next aligned size does not. */
static void test_max_alloc_is_exact(void **state)
{
	static const size_t sizes[] = { 200, 1000, 5000, 70000, 100000, 200000, REGION_SIZE };
	struct heap h;

	(void)state;
	for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		struct heap_stats st;
		void *p;

		/* A region of an odd size is a single free block. */
		heap_init(&h);
		assert_int_equal(heap_add_region(&h, region_a, sizes[i]), 0);
		st = stats_of(&h);
		assert_true(st.max_alloc <= st.largest_free);
		assert_true(st.max_alloc >= st.largest_free / 2);
		assert_null(heap_alloc(&h, st.max_alloc + 16));
		p = heap_alloc(&h, st.max_alloc);
		assert_non_null(p);
		assert_int_equal(heap_free(&h, p), 0);
		assert_healthy(&h);
	}
}

static void test_regions(void **state)
{
	static _Alignas(16) uint8_t tiny[MIN_BLOCK + HEADER];
	struct heap h;
	size_t in_a = 0, in_b = 0, in_tiny = 0;
	void *p;

	(void)state;
	heap_init(&h);
	assert_null(heap_alloc(&h, 16));
	assert_int_equal(heap_add_region(&h, region_a + 3, 64 * KIB), 0);
	assert_int_equal(heap_add_region(&h, region_b, 64 * KIB), 0);
	assert_int_equal(heap_add_region(&h, region_a + 32 * KIB, 64 * KIB), -ZE_OVERLAP);
	assert_int_equal(heap_add_region(&h, region_b + 60 * KIB, 8 * KIB), -ZE_OVERLAP);
	assert_int_equal(heap_add_region(&h, region_a + 80 * KIB, MIN_BLOCK + HEADER - 1),
	                 -ZE_NO_SPACE);
	assert_int_equal(heap_add_region(&h, NULL, 4096), -ZE_NO_SPACE);
	assert_int_equal(heap_add_region(&h, tiny, sizeof(tiny)), 0);
	assert_healthy(&h);
	while ((p = heap_alloc(&h, 1000)) != NULL) {
		in_a += in_buffer(p, 1000, region_a);
		in_b += in_buffer(p, 1000, region_b);
	}
	/* (64 KiB - sentinel) / 1040-byte blocks = 62 in each region. */
	assert_int_equal(in_a, 62);
	assert_int_equal(in_b, 62);
	while ((p = heap_alloc(&h, 16)) != NULL)
		in_tiny += (uint8_t *)p >= tiny && (uint8_t *)p < tiny + sizeof(tiny);
	assert_int_equal(in_tiny, 1);
	assert_healthy(&h);

	heap_init(&h);
	for (unsigned int i = 0; i < HEAP_MAX_REGIONS; i++)
		assert_int_equal(heap_add_region(&h, region_a + i * 4 * KIB, 4 * KIB), 0);
	assert_int_equal(heap_add_region(&h, region_b, 4 * KIB), -ZE_NO_SPACE);
	assert_healthy(&h);
}

/* ---- randomized test against a model of live allocations -------------- */

#define MODEL_STEPS 40000
#define MODEL_LIVE  600

struct live {
	uint8_t *ptr;
	size_t size;
	uint8_t fill;
};

struct model {
	struct live live[MODEL_LIVE];
	size_t count;
	uint32_t seed;
	size_t ok, failed;
};

static uint32_t model_rand(struct model *m)
{
	m->seed = m->seed * 1664525u + 1013904223u;
	return m->seed >> 8;
}

/* Mostly small, sometimes page sized, now and then large. */
static size_t model_size(struct model *m)
{
	uint32_t dice = model_rand(m) % 100;

	if (dice < 70)
		return 1 + model_rand(m) % 256;
	if (dice < 95)
		return 1 + model_rand(m) % 8192;
	return 1 + model_rand(m) % 65536;
}

static void model_alloc(struct heap *h, struct model *m)
{
	size_t size = model_size(m), align = 16;
	struct live *l = &m->live[m->count];
	uint8_t *p;

	if (model_rand(m) % 8 == 0) {
		align = (size_t)16 << (model_rand(m) % 9);
		p = heap_alloc_aligned(h, size, align);
	} else {
		p = heap_alloc(h, size);
	}
	if (!p) {
		/* Refusal is only right when the block it needs is too big. */
		size_t block = ((size + 15) & ~(size_t)15) + HEADER;

		if (block < MIN_BLOCK)
			block = MIN_BLOCK;
		if (align > 16)
			block += MIN_BLOCK + align - 16;
		assert_true(block > stats_of(h).max_alloc + HEADER);
		m->failed++;
		return;
	}
	assert_int_equal((uintptr_t)p % align, 0);
	assert_true(in_buffer(p, size, region_a) || in_buffer(p, size, region_b));
	for (size_t i = 0; i < m->count; i++) {
		const struct live *o = &m->live[i];

		assert_true(p + size <= o->ptr || o->ptr + o->size <= p);
	}
	l->ptr = p;
	l->size = size;
	l->fill = (uint8_t)model_rand(m);
	memset(p, l->fill, size);
	m->count++;
	m->ok++;
}

static void model_free(struct heap *h, struct model *m, size_t slot)
{
	struct live *l = &m->live[slot];

	/* Nobody else wrote into this allocation while it was live. */
	for (size_t i = 0; i < l->size; i++)
		assert_int_equal(l->ptr[i], l->fill);
	assert_int_equal(heap_free(h, l->ptr), 0);
	if (model_rand(m) % 4 == 0)
		assert_int_equal(heap_free(h, l->ptr), -ZE_DOUBLE_FREE);
	*l = m->live[--m->count];
}

static void test_random_against_model(void **state)
{
	static struct model m;
	struct heap h;
	struct heap_stats st, fresh;
	size_t total;

	(void)state;
	m.seed = 7;
	heap_init(&h);
	assert_int_equal(heap_add_region(&h, region_a, REGION_SIZE), 0);
	assert_int_equal(heap_add_region(&h, region_b + 8, REGION_SIZE - 8), 0);
	fresh = stats_of(&h);
	total = fresh.free_bytes;
	for (int step = 0; step < MODEL_STEPS; step++) {
		bool fill = (step / 4000) % 2 == 0;

		if (m.count < MODEL_LIVE &&
		    (m.count == 0 || model_rand(&m) % 100 < (fill ? 65u : 35u)))
			model_alloc(&h, &m);
		else
			model_free(&h, &m, model_rand(&m) % m.count);
		st = stats_of(&h);
		assert_int_equal(st.alloc_count, m.count);
		assert_int_equal(st.used_bytes + st.free_bytes, total);
		if (step % 500 == 0)
			assert_healthy(&h);
	}
	assert_true(m.ok > MODEL_STEPS / 4);
	assert_true(m.failed > 50);
	while (m.count)
		model_free(&h, &m, m.count - 1);
	assert_healthy(&h);
	st = stats_of(&h);
	assert_stats_equal(&st, &fresh);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fresh_region_is_one_free_block),
		cmocka_unit_test(test_alloc_is_aligned_usable_and_counted),
		cmocka_unit_test(test_degenerate_requests),
		cmocka_unit_test(test_bad_frees_are_refused),
		cmocka_unit_test(test_corruption_is_found),
		cmocka_unit_test(test_aligned_allocations),
		cmocka_unit_test(test_exhaustion_and_recovery),
		cmocka_unit_test(test_max_alloc_is_exact),
		cmocka_unit_test(test_regions),
		cmocka_unit_test(test_random_against_model),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
