/* Host tests of the buddy page allocator, on fake physical addresses. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "kernel/page_alloc.h"

#define MIB        (UINT64_C(1) << 20)
#define BASE       UINT64_C(0x40000000) /* QEMU virt RAM */
#define ORDER_4MIB 10                   /* 1024 pages */
#define META_PAGES 8192

static struct page_meta meta[META_PAGES];
static struct page_meta meta_other[META_PAGES];

static void init(struct page_alloc *pa)
{
	page_alloc_init(pa, meta, META_PAGES);
}

static void assert_healthy(const struct page_alloc *pa)
{
	assert_int_equal(page_alloc_check(pa), 0);
}

static void assert_stats_equal(const struct page_alloc_stats *a, const struct page_alloc_stats *b)
{
	assert_int_equal(a->total_pages, b->total_pages);
	assert_int_equal(a->free_pages, b->free_pages);
	for (unsigned int order = 0; order <= PAGE_MAX_ORDER; order++)
		assert_int_equal(a->free_blocks[order], b->free_blocks[order]);
}

static uint64_t free_pages(const struct page_alloc *pa)
{
	struct page_alloc_stats st;

	page_alloc_get_stats(pa, &st);
	return st.free_pages;
}

static void test_meta_size_formula(void **state)
{
	(void)state;
	assert_int_equal(sizeof(struct page_meta), 12);
	assert_int_equal(PAGE_ALLOC_META_BYTES(1024 * MIB), 3 * MIB);
	assert_int_equal(PAGE_ALLOC_META_BYTES(4 * MIB), 1024 * 12);
}

static void test_one_aligned_range_is_one_block(void **state)
{
	struct page_alloc pa;
	struct page_alloc_stats st;

	(void)state;
	init(&pa);
	assert_int_equal(page_alloc_add_range(&pa, BASE, 4 * MIB), 0);
	page_alloc_get_stats(&pa, &st);
	assert_int_equal(st.total_pages, 1024);
	assert_int_equal(st.free_pages, 1024);
	for (unsigned int order = 0; order <= PAGE_MAX_ORDER; order++)
		assert_int_equal(st.free_blocks[order], order == ORDER_4MIB);
	assert_int_equal(page_alloc(&pa, ORDER_4MIB), BASE);
	assert_int_equal(page_alloc(&pa, 0), 0);
	assert_int_equal(page_free(&pa, BASE, ORDER_4MIB), 0);
	assert_healthy(&pa);
}

static void test_allocate_every_page_then_free(void **state)
{
	static uint64_t got[1024];
	struct page_alloc pa;
	struct page_alloc_stats st;

	(void)state;
	init(&pa);
	assert_int_equal(page_alloc_add_range(&pa, BASE, 4 * MIB), 0);
	for (unsigned int i = 0; i < 1024; i++) {
		got[i] = page_alloc(&pa, 0);
		assert_true(got[i] >= BASE && got[i] < BASE + 4 * MIB);
		assert_int_equal(got[i] % PAGE_SIZE, 0);
		for (unsigned int j = 0; j < i; j++)
			assert_true(got[j] != got[i]);
	}
	assert_int_equal(page_alloc(&pa, 0), 0);
	assert_int_equal(free_pages(&pa), 0);
	assert_healthy(&pa);
	/* Free in a scrambled order so merges happen in every direction. */
	for (unsigned int i = 0; i < 1024; i++)
		assert_int_equal(page_free(&pa, got[(i * 389) % 1024], 0), 0);
	page_alloc_get_stats(&pa, &st);
	assert_int_equal(st.free_pages, 1024);
	assert_int_equal(st.free_blocks[ORDER_4MIB], 1);
	assert_healthy(&pa);
}

static void test_unaligned_range_is_shrunk_to_pages(void **state)
{
	struct page_alloc pa;
	struct page_alloc_stats st;

	(void)state;
	init(&pa);
	/* Whole pages 0x40001000..0x40006000: blocks of 1 + 2 + 2 pages. */
	assert_int_equal(page_alloc_add_range(&pa, BASE + 0x800, 0x5a00), 0);
	page_alloc_get_stats(&pa, &st);
	assert_int_equal(st.total_pages, 5);
	assert_int_equal(st.free_blocks[0], 1);
	assert_int_equal(st.free_blocks[1], 2);
	assert_int_equal(page_alloc(&pa, 2), 0);
	assert_int_equal(page_alloc(&pa, 0), BASE + 0x1000);
	assert_healthy(&pa);
}

static void test_page_zero_is_never_returned(void **state)
{
	struct page_alloc pa;
	uint64_t addr;

	(void)state;
	init(&pa);
	assert_int_equal(page_alloc_add_range(&pa, 0, 4 * PAGE_SIZE), 0);
	assert_int_equal(free_pages(&pa), 3);
	for (int i = 0; i < 3; i++) {
		addr = page_alloc(&pa, 0);
		assert_true(addr != 0);
	}
	assert_int_equal(page_alloc(&pa, 0), 0);
	assert_int_equal(page_free(&pa, 0, 0), -ZE_BAD_ADDRESS);
}

static void test_adjacent_ranges_merge(void **state)
{
	struct page_alloc pa;
	struct page_alloc_stats st;

	(void)state;
	init(&pa);
	assert_int_equal(page_alloc_add_range(&pa, BASE + 2 * MIB, 2 * MIB), 0);
	assert_int_equal(page_alloc_add_range(&pa, BASE, 2 * MIB), 0);
	page_alloc_get_stats(&pa, &st);
	assert_int_equal(st.free_blocks[ORDER_4MIB], 1);
	assert_int_equal(st.free_blocks[ORDER_4MIB - 1], 0);
	assert_int_equal(page_alloc(&pa, ORDER_4MIB), BASE);
	assert_healthy(&pa);
	assert_int_equal(page_free(&pa, BASE, ORDER_4MIB), 0);
	assert_healthy(&pa);
}

static bool inside(uint64_t addr, uint64_t base, uint64_t size)
{
	return addr >= base && addr < base + size;
}

static void test_separate_banks(void **state)
{
	const uint64_t bank2 = UINT64_C(0x100000000);
	struct page_alloc pa;
	uint64_t addr;
	unsigned int in1 = 0, in2 = 0;

	(void)state;
	init(&pa);
	assert_int_equal(page_alloc_add_range(&pa, BASE, MIB), 0);
	assert_int_equal(page_alloc_add_range(&pa, bank2, 3 * MIB), 0);
	while ((addr = page_alloc(&pa, 2)) != 0) {
		if (inside(addr, BASE, MIB))
			in1++;
		else if (inside(addr, bank2, 3 * MIB))
			in2++;
		else
			fail_msg("address %llx outside both banks", (unsigned long long)addr);
	}
	assert_int_equal(in1, 64);
	assert_int_equal(in2, 192);
	assert_healthy(&pa);
}

/* Allocates every page and asserts none lies in [base, base + size). */
static void assert_never_handed_out(struct page_alloc *pa, uint64_t base, uint64_t size)
{
	uint64_t addr;

	while ((addr = page_alloc(pa, 0)) != 0)
		assert_false(inside(addr, base, size));
}

static void test_reserve_before_and_after_agree(void **state)
{
	const uint64_t res = BASE + MIB + 0x10, res_len = 0x2000;
	struct page_alloc before, after;
	struct page_alloc_stats s1, s2;

	(void)state;
	page_alloc_init(&before, meta, META_PAGES);
	page_alloc_init(&after, meta_other, META_PAGES);
	/* Rounded outward: 0x40100000..0x40103000, three pages. */
	assert_int_equal(page_alloc_reserve(&before, res, res_len), 0);
	assert_int_equal(page_alloc_add_range(&before, BASE, 4 * MIB), 0);
	assert_int_equal(page_alloc_add_range(&after, BASE, 4 * MIB), 0);
	assert_int_equal(page_alloc_reserve(&after, res, res_len), 0);
	page_alloc_get_stats(&before, &s1);
	page_alloc_get_stats(&after, &s2);
	assert_int_equal(s1.total_pages, 1021);
	assert_stats_equal(&s1, &s2);
	assert_healthy(&before);
	assert_healthy(&after);
	assert_never_handed_out(&before, BASE + MIB, 3 * PAGE_SIZE);
	assert_never_handed_out(&after, BASE + MIB, 3 * PAGE_SIZE);
	assert_int_equal(page_free(&after, BASE + MIB, 0), -ZE_BAD_ADDRESS);
}

static void test_reserve_over_allocation_is_refused(void **state)
{
	struct page_alloc pa;
	struct page_alloc_stats s1, s2;
	uint64_t block;

	(void)state;
	init(&pa);
	assert_int_equal(page_alloc_add_range(&pa, BASE, 4 * MIB), 0);
	block = page_alloc(&pa, 3);
	page_alloc_get_stats(&pa, &s1);
	assert_int_equal(page_alloc_reserve(&pa, block + 5 * PAGE_SIZE, 1), -ZE_BUSY);
	page_alloc_get_stats(&pa, &s2);
	assert_stats_equal(&s1, &s2);
	assert_healthy(&pa);
	/* The refused reservation was not remembered either. */
	assert_int_equal(page_free(&pa, block, 3), 0);
	assert_int_equal(free_pages(&pa), 1024);
}

static void test_free_errors_leave_state_alone(void **state)
{
	struct page_alloc pa;
	struct page_alloc_stats s1, s2;
	uint64_t a, b, c;

	(void)state;
	init(&pa);
	assert_int_equal(page_alloc_add_range(&pa, BASE, 4 * MIB), 0);
	a = page_alloc(&pa, 0);
	b = page_alloc(&pa, 0); /* a's buddy */
	c = page_alloc(&pa, 2);
	assert_int_equal(a ^ b, PAGE_SIZE);
	page_alloc_get_stats(&pa, &s1);

	assert_int_equal(page_free(&pa, c, 1), -ZE_WRONG_ORDER);
	assert_int_equal(page_free(&pa, c + PAGE_SIZE, 0), -ZE_NOT_ALLOCATED);
	assert_int_equal(page_free(&pa, c + 0x10, 0), -ZE_BAD_ADDRESS);
	assert_int_equal(page_free(&pa, c + PAGE_SIZE, 2), -ZE_BAD_ADDRESS);
	assert_int_equal(page_free(&pa, BASE + 8 * MIB, 0), -ZE_BAD_ADDRESS);
	assert_int_equal(page_free(&pa, c, PAGE_MAX_ORDER + 1), -ZE_BAD_ADDRESS);
	assert_int_equal(page_free(&pa, BASE + 2 * MIB, 0), -ZE_DOUBLE_FREE);
	page_alloc_get_stats(&pa, &s2);
	assert_stats_equal(&s1, &s2);
	assert_healthy(&pa);

	/* Double frees, whether or not the block has merged since. */
	assert_int_equal(page_free(&pa, a, 0), 0);
	assert_int_equal(page_free(&pa, a, 0), -ZE_DOUBLE_FREE);
	assert_int_equal(page_free(&pa, b, 0), 0);
	assert_int_equal(page_free(&pa, b, 0), -ZE_DOUBLE_FREE);
	assert_int_equal(page_free(&pa, a, 0), -ZE_DOUBLE_FREE);
	assert_int_equal(page_free(&pa, c, 2), 0);
	assert_int_equal(page_free(&pa, c, 2), -ZE_DOUBLE_FREE);
	assert_int_equal(free_pages(&pa), 1024);
	assert_healthy(&pa);
}

static void test_setup_errors(void **state)
{
	struct page_alloc pa;

	(void)state;
	page_alloc_init(&pa, meta, 1024);
	assert_int_equal(page_alloc_add_range(&pa, BASE, 0), -ZE_BAD_ADDRESS);
	assert_int_equal(page_alloc_add_range(&pa, BASE + 1, PAGE_SIZE), -ZE_BAD_ADDRESS);
	assert_int_equal(page_alloc_add_range(&pa, UINT64_MAX - 10, 100), -ZE_BAD_ADDRESS);
	assert_int_equal(page_alloc_add_range(&pa, BASE, 4 * MIB + PAGE_SIZE), -ZE_NO_SPACE);
	assert_int_equal(page_alloc_add_range(&pa, BASE, 2 * MIB), 0);
	assert_int_equal(page_alloc_add_range(&pa, BASE + MIB, 2 * MIB), -ZE_OVERLAP);
	assert_int_equal(page_alloc_add_range(&pa, BASE - MIB, MIB + PAGE_SIZE), -ZE_OVERLAP);
	assert_int_equal(page_alloc_reserve(&pa, BASE, 0), -ZE_BAD_ADDRESS);
	assert_int_equal(page_alloc_reserve(&pa, UINT64_MAX - 10, 100), -ZE_BAD_ADDRESS);
	for (int i = 0; i < PAGE_ALLOC_MAX_RESERVED; i++)
		assert_int_equal(page_alloc_reserve(&pa, BASE + 8 * MIB, 1), 0);
	assert_int_equal(page_alloc_reserve(&pa, BASE + 8 * MIB, 1), -ZE_NO_SPACE);
	assert_int_equal(page_alloc(&pa, PAGE_MAX_ORDER + 1), 0);

	page_alloc_init(&pa, meta, META_PAGES);
	for (int i = 0; i < PAGE_ALLOC_MAX_RANGES; i++)
		assert_int_equal(page_alloc_add_range(&pa, BASE + 2 * (unsigned)i * MIB, MIB), 0);
	assert_int_equal(page_alloc_add_range(&pa, BASE + 100 * MIB, MIB), -ZE_NO_SPACE);
	assert_healthy(&pa);
}

/* A reservation given back joins the free memory around it again. */
static void test_unreserve_gives_the_pages_back(void **state)
{
	struct page_alloc pa;
	struct page_alloc_stats before, after;

	(void)state;
	init(&pa);
	assert_int_equal(page_alloc_add_range(&pa, BASE, 16 * MIB), 0);
	page_alloc_get_stats(&pa, &before);
	assert_int_equal(page_alloc_reserve(&pa, BASE + 4 * MIB, 4 * MIB), 0);
	assert_int_equal(page_alloc_reserve(&pa, BASE + 12 * MIB, 1 * MIB), 0);
	/* Only an exact reservation comes back. */
	assert_int_equal(page_alloc_unreserve(&pa, BASE + 4 * MIB, 2 * MIB), -ZE_NOENT);
	assert_int_equal(page_alloc_unreserve(&pa, BASE + 4 * MIB, 4 * MIB), 0);
	assert_int_equal(page_alloc_unreserve(&pa, BASE + 4 * MIB, 4 * MIB), -ZE_NOENT);
	assert_healthy(&pa);
	assert_int_equal(page_alloc_largest_free(&pa), 8 * MIB);
	assert_int_equal(page_alloc_unreserve(&pa, BASE + 12 * MIB, 1 * MIB), 0);
	page_alloc_get_stats(&pa, &after);
	assert_stats_equal(&before, &after);
	assert_int_equal(page_alloc_largest_free(&pa), 16 * MIB);
	assert_healthy(&pa);
}

/* A size that is no power of two takes only what it needs. */
static void test_bytes_allocation_keeps_only_its_size(void **state)
{
	struct page_alloc pa;
	struct page_alloc_stats before, after;
	uint64_t a, b;

	(void)state;
	init(&pa);
	assert_int_equal(page_alloc_add_range(&pa, BASE, 16 * MIB), 0);
	page_alloc_get_stats(&pa, &before);
	a = page_alloc_bytes(&pa, 5 * MIB); /* from an 8 MiB block */
	assert_true(a != 0);
	assert_int_equal(free_pages(&pa), (11 * MIB) >> 12);
	/* The 3 MiB left of that block are usable by others. */
	b = page_alloc_bytes(&pa, 2 * MIB);
	assert_true(b != 0 && (b >= a + 5 * MIB || b + 2 * MIB <= a));
	assert_healthy(&pa);
	assert_int_equal(page_alloc_largest_free(&pa), 8 * MIB);
	assert_int_equal(page_alloc_bytes(&pa, 9 * MIB), 0);
	/* Freed with another size: refused, nothing changes. */
	assert_int_equal(page_free_bytes(&pa, a, 4 * MIB), -ZE_WRONG_ORDER);
	assert_int_equal(page_free_bytes(&pa, a, 5 * MIB), 0);
	assert_int_equal(page_free_bytes(&pa, a, 5 * MIB), -ZE_DOUBLE_FREE);
	assert_int_equal(page_free_bytes(&pa, b, 2 * MIB), 0);
	page_alloc_get_stats(&pa, &after);
	assert_stats_equal(&before, &after);
	assert_healthy(&pa);
}

static void test_order_for_bytes(void **state)
{
	(void)state;
	assert_int_equal(page_order_for_bytes(0), 0);
	assert_int_equal(page_order_for_bytes(1), 0);
	assert_int_equal(page_order_for_bytes(PAGE_SIZE), 0);
	assert_int_equal(page_order_for_bytes(PAGE_SIZE + 1), 1);
	assert_int_equal(page_order_for_bytes(2 * MIB), 9);
	assert_int_equal(page_order_for_bytes(PAGE_SIZE << PAGE_MAX_ORDER), PAGE_MAX_ORDER);
	assert_int_equal(page_order_for_bytes((PAGE_SIZE << PAGE_MAX_ORDER) + 1), -ZE_INVAL);
	assert_string_equal(zerror_name(-ZE_DOUBLE_FREE), "block is already free");
}

/* ---- randomized test against a page-by-page model --------------------- */

#define MODEL_BASE      UINT64_C(0x80000000)
#define MODEL_PAGES     4096 /* 16 MiB */
#define MODEL_STEPS     60000
#define MODEL_MAX_LIVE  512
#define MODEL_MAX_ORDER 7

enum model_page {
	M_UNMANAGED,
	M_FREE,
	M_USED
};

struct model {
	uint8_t page[MODEL_PAGES];
	uint64_t live_addr[MODEL_MAX_LIVE];
	unsigned int live_order[MODEL_MAX_LIVE];
	unsigned int live;
	uint64_t managed;
	unsigned int succeeded, failed;
	uint32_t seed;
};

static uint32_t model_rand(struct model *m)
{
	m->seed = m->seed * 1664525u + 1013904223u;
	return m->seed >> 8;
}

static size_t model_index(uint64_t addr)
{
	return (size_t)((addr - MODEL_BASE) / PAGE_SIZE);
}

static void model_mark(struct model *m, uint64_t base, uint64_t end, enum model_page value)
{
	for (uint64_t a = base; a < end; a += PAGE_SIZE)
		m->page[model_index(a)] = (uint8_t)value;
}

/* Two adjacent, unaligned banks with reservations before and after. */
static void model_setup(struct page_alloc *pa, struct model *m, struct page_meta *storage)
{
	const uint64_t r1 = MODEL_BASE + 0x3123, r1_end = MODEL_BASE + 6 * MIB + 0x777;
	const uint64_t r2 = MODEL_BASE + 6 * MIB, r2_end = MODEL_BASE + 16 * MIB - 0x2000;

	memset(m->page, M_UNMANAGED, sizeof(m->page));
	page_alloc_init(pa, storage, META_PAGES);
	assert_int_equal(page_alloc_reserve(pa, MODEL_BASE + MIB + 0x10, 0x3000), 0);
	assert_int_equal(page_alloc_add_range(pa, r1, r1_end - r1), 0);
	assert_int_equal(page_alloc_add_range(pa, r2, r2_end - r2), 0);
	assert_int_equal(page_alloc_reserve(pa, MODEL_BASE + 9 * MIB - 0x800, 0x10000), 0);
	model_mark(m, MODEL_BASE + 0x4000, MODEL_BASE + 6 * MIB, M_FREE);
	model_mark(m, r2, r2_end, M_FREE);
	model_mark(m, MODEL_BASE + MIB, MODEL_BASE + MIB + 0x4000, M_UNMANAGED);
	model_mark(m, MODEL_BASE + 9 * MIB - PAGE_SIZE, MODEL_BASE + 9 * MIB + 0x10000,
	           M_UNMANAGED);
	m->managed = 0;
	for (size_t i = 0; i < MODEL_PAGES; i++)
		m->managed += m->page[i] == M_FREE;
	m->live = 0;
}

/* A failed allocation is only right when no aligned free run exists. */
static void model_assert_no_free_block(const struct model *m, unsigned int order)
{
	size_t run = (size_t)1 << order;

	for (size_t first = 0; first < MODEL_PAGES; first += run) {
		size_t i = 0;

		while (i < run && m->page[first + i] == M_FREE)
			i++;
		assert_true(i < run);
	}
}

static void model_alloc(struct page_alloc *pa, struct model *m)
{
	unsigned int order = model_rand(m) % (MODEL_MAX_ORDER + 1);
	uint64_t addr = page_alloc(pa, order);
	uint64_t end = addr + (PAGE_SIZE << order);

	if (addr == 0) {
		model_assert_no_free_block(m, order);
		m->failed++;
		return;
	}
	m->succeeded++;
	assert_int_equal(addr % (PAGE_SIZE << order), 0);
	assert_true(addr >= MODEL_BASE && end <= MODEL_BASE + MODEL_PAGES * PAGE_SIZE);
	for (uint64_t a = addr; a < end; a += PAGE_SIZE)
		assert_int_equal(m->page[model_index(a)], M_FREE);
	model_mark(m, addr, end, M_USED);
	m->live_addr[m->live] = addr;
	m->live_order[m->live] = order;
	m->live++;
}

static void model_free(struct page_alloc *pa, struct model *m, unsigned int slot)
{
	uint64_t addr = m->live_addr[slot];
	unsigned int order = m->live_order[slot];

	assert_int_equal(page_free(pa, addr, order), 0);
	model_mark(m, addr, addr + (PAGE_SIZE << order), M_FREE);
	m->live--;
	m->live_addr[slot] = m->live_addr[m->live];
	m->live_order[slot] = m->live_order[m->live];
	/* Every second free is repeated: it must be refused. */
	if (model_rand(m) & 1)
		assert_int_equal(page_free(pa, addr, order), -ZE_DOUBLE_FREE);
}

static uint64_t model_free_pages(const struct model *m)
{
	uint64_t n = 0;

	for (size_t i = 0; i < MODEL_PAGES; i++)
		n += m->page[i] == M_FREE;
	return n;
}

static void test_random_against_model(void **state)
{
	static struct model m;
	struct page_alloc pa, fresh;
	struct page_alloc_stats st, st_fresh;

	(void)state;
	m.seed = 20240601;
	model_setup(&pa, &m, meta);
	assert_int_equal(m.managed, 4096 - 4 - 2 - 4 - 17);
	page_alloc_get_stats(&pa, &st);
	assert_int_equal(st.total_pages, m.managed);
	for (int step = 0; step < MODEL_STEPS; step++) {
		/* Drift between filling up and draining to visit both ends. */
		bool fill = (step / 5000) % 2 == 0;
		uint32_t dice = model_rand(&m) % 100;

		if (m.live < MODEL_MAX_LIVE && (m.live == 0 || dice < (fill ? 70u : 30u)))
			model_alloc(&pa, &m);
		else
			model_free(&pa, &m, model_rand(&m) % m.live);
		if (step % 1000 == 0) {
			assert_healthy(&pa);
			assert_int_equal(free_pages(&pa), model_free_pages(&m));
		}
	}
	/* The run must have met both plenty and exhaustion. */
	assert_true(m.succeeded > MODEL_STEPS / 4);
	assert_true(m.failed > 100);
	while (m.live)
		model_free(&pa, &m, m.live - 1);
	assert_healthy(&pa);

	/* Everything merged back: same blocks as a freshly built allocator. */
	model_setup(&fresh, &m, meta_other);
	page_alloc_get_stats(&pa, &st);
	page_alloc_get_stats(&fresh, &st_fresh);
	assert_int_equal(st.free_pages, st.total_pages);
	assert_stats_equal(&st, &st_fresh);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_meta_size_formula),
		cmocka_unit_test(test_one_aligned_range_is_one_block),
		cmocka_unit_test(test_allocate_every_page_then_free),
		cmocka_unit_test(test_unaligned_range_is_shrunk_to_pages),
		cmocka_unit_test(test_page_zero_is_never_returned),
		cmocka_unit_test(test_adjacent_ranges_merge),
		cmocka_unit_test(test_separate_banks),
		cmocka_unit_test(test_reserve_before_and_after_agree),
		cmocka_unit_test(test_reserve_over_allocation_is_refused),
		cmocka_unit_test(test_free_errors_leave_state_alone),
		cmocka_unit_test(test_setup_errors),
		cmocka_unit_test(test_order_for_bytes),
		cmocka_unit_test(test_unreserve_gives_the_pages_back),
		cmocka_unit_test(test_bytes_allocation_keeps_only_its_size),
		cmocka_unit_test(test_random_against_model),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
