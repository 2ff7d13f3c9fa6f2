/*
 * Known-zero RAM (kernel/ram_clean.c): a chunk is clean only while nothing
 * may have written it.  What a VM start relies on: it scrubs every chunk
 * ram_clean_claim() does not vouch for, so any chunk wrongly vouched for
 * would hand a VM someone else's data.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "kernel/ram_clean.h"

#define MIB   (UINT64_C(1) << 20)
#define BASE  (UINT64_C(0x40000000))
#define CHUNK RAM_CLEAN_CHUNK

/* The state is global (one per ZVM): each test starts a new bank higher up,
 * so earlier tests' chunks never answer for it. */
static uint64_t next_base = BASE;

static uint64_t fresh_bank(uint64_t size, int zero)
{
	uint64_t base = next_base;
	struct phys_range r = { base, size };

	next_base += size + 64 * MIB;
	ram_clean_init(&r, 1, zero != 0);
	return base;
}

static void test_fresh_ram_is_clean_once(void **state)
{
	(void)state;
	uint64_t base = fresh_bank(64 * MIB, 1);

	for (uint64_t a = base; a < base + 64 * MIB; a += CHUNK)
		assert_true(ram_clean_claim(a));
	/* Claimed means taken by its new owner: never clean again. */
	for (uint64_t a = base; a < base + 64 * MIB; a += CHUNK)
		assert_false(ram_clean_claim(a));
}

static void test_board_without_zero_ram_vouches_for_nothing(void **state)
{
	(void)state;
	uint64_t base = fresh_bank(16 * MIB, 0);

	for (uint64_t a = base; a < base + 16 * MIB; a += CHUNK)
		assert_false(ram_clean_claim(a));
}

static void test_a_written_page_dirties_its_chunk(void **state)
{
	(void)state;
	uint64_t base = fresh_bank(16 * MIB, 1);

	ram_clean_dirty(base + 4 * MIB + 4096, 4096); /* one page in chunk 2 */
	ram_clean_dirty(base + 8 * MIB - 1, 2);       /* straddles chunks 3 and 4 */
	assert_true(ram_clean_claim(base));
	assert_true(ram_clean_claim(base + 2 * MIB));
	assert_false(ram_clean_claim(base + 4 * MIB));
	assert_false(ram_clean_claim(base + 6 * MIB));
	assert_false(ram_clean_claim(base + 8 * MIB));
	assert_true(ram_clean_claim(base + 10 * MIB));
}

static void test_partial_chunks_and_strangers_are_dirty(void **state)
{
	(void)state;
	/* A bank that starts and ends inside chunks: only whole chunks can be
	 * known clean. */
	uint64_t base = fresh_bank(8 * MIB, 1);
	struct phys_range odd = { next_base + 1 * MIB, 6 * MIB }; /* chunks: half, 2 whole, half */

	next_base += 16 * MIB;
	ram_clean_init(&odd, 1, true);
	assert_false(ram_clean_claim(odd.base));           /* partial head */
	assert_true(ram_clean_claim(odd.base + 1 * MIB));  /* whole chunk */
	assert_true(ram_clean_claim(odd.base + 3 * MIB));  /* whole chunk */
	assert_false(ram_clean_claim(odd.base + 5 * MIB)); /* partial tail */
	assert_false(ram_clean_claim(UINT64_C(0x1000)));   /* no bank */
	assert_true(ram_clean_claim(base + 6 * MIB));
}

static void test_dirty_of_nothing_changes_nothing(void **state)
{
	(void)state;
	uint64_t base = fresh_bank(4 * MIB, 1);
	uint64_t before = ram_clean_bytes();

	ram_clean_dirty(base, 0);
	assert_int_equal(ram_clean_bytes(), before);
	assert_true(ram_clean_claim(base));
	assert_int_equal(ram_clean_bytes(), before - CHUNK);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fresh_ram_is_clean_once),
		cmocka_unit_test(test_board_without_zero_ram_vouches_for_nothing),
		cmocka_unit_test(test_a_written_page_dirties_its_chunk),
		cmocka_unit_test(test_partial_chunks_and_strangers_are_dirty),
		cmocka_unit_test(test_dirty_of_nothing_changes_nothing),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
