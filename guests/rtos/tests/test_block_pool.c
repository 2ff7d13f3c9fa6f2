/* Host tests of fixed-size block pools. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include "kernel/block_pool.h"

#define BLOCK 32
#define COUNT 4

static uint64_t buffer[BLOCK * COUNT / sizeof(uint64_t) + 1];

static void test_rejects_bad_geometry(void **state)
{
	struct block_pool bp;

	(void)state;
	assert_int_equal(bp_init(&bp, NULL, sizeof(buffer), BLOCK), -1);
	assert_int_equal(bp_init(&bp, buffer, sizeof(buffer), 4), -1);
	assert_int_equal(bp_init(&bp, buffer, sizeof(buffer), 12), -1);
	assert_int_equal(bp_init(&bp, (char *)buffer + 1, BLOCK * 2, BLOCK), -1);
	assert_int_equal(bp_init(&bp, buffer, BLOCK - 8, BLOCK), -1);
}

static void test_alloc_all_then_exhausted(void **state)
{
	struct block_pool bp;
	void *blocks[COUNT];
	int i, j;

	(void)state;
	assert_int_equal(bp_init(&bp, buffer, BLOCK * COUNT, BLOCK), COUNT);
	for (i = 0; i < COUNT; i++) {
		blocks[i] = bp_alloc(&bp);
		assert_non_null(blocks[i]);
		assert_ptr_equal(blocks[i], (char *)buffer + i * BLOCK);
		for (j = 0; j < i; j++)
			assert_ptr_not_equal(blocks[i], blocks[j]);
	}
	assert_int_equal(bp_free_count(&bp), 0);
	assert_null(bp_alloc(&bp));
	assert_int_equal(bp_free(&bp, blocks[2]), 0);
	assert_ptr_equal(bp_alloc(&bp), blocks[2]); /* LIFO reuse */
}

static void test_free_rejects_foreign_pointers(void **state)
{
	struct block_pool bp;
	void *a;

	(void)state;
	bp_init(&bp, buffer, BLOCK * COUNT, BLOCK);
	a = bp_alloc(&bp);
	assert_int_equal(bp_free(&bp, (char *)a + 8), -1);
	assert_int_equal(bp_free(&bp, (char *)buffer + BLOCK * COUNT), -1);
	assert_int_equal(bp_free(&bp, (char *)buffer - BLOCK), -1);
	assert_int_equal(bp_free(&bp, NULL), -1);
	assert_int_equal(bp_free(&bp, a), 0);
	/* Everything is free: a second release must be refused. */
	assert_int_equal(bp_free(&bp, a), -1);
	assert_int_equal(bp_free_count(&bp), COUNT);
}

static void test_blocks_keep_data(void **state)
{
	struct block_pool bp;
	uint64_t *a, *b;

	(void)state;
	bp_init(&bp, buffer, BLOCK * COUNT, BLOCK);
	a = bp_alloc(&bp);
	b = bp_alloc(&bp);
	a[0] = 0x1111;
	a[3] = 0x2222;
	b[0] = 0x3333;
	assert_int_equal(a[0], 0x1111);
	assert_int_equal(a[3], 0x2222);
	assert_int_equal(b[0], 0x3333);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rejects_bad_geometry),
		cmocka_unit_test(test_alloc_all_then_exhausted),
		cmocka_unit_test(test_free_rejects_foreign_pointers),
		cmocka_unit_test(test_blocks_keep_data),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
