/* Host tests of the sorted timeout list behind the tickless timer. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include "kernel/timeout_list.h"

static void test_empty(void **state)
{
	struct timeout_list tl;
	uint64_t d = 77;

	(void)state;
	tl_init(&tl);
	assert_false(tl_next_deadline(&tl, &d));
	assert_int_equal(d, 77);
	assert_null(tl_pop_expired(&tl, UINT64_MAX));
}

static void test_sorted_and_earliest_flag(void **state)
{
	struct timeout_list tl;
	struct timeout a, b, c;
	uint64_t d;

	(void)state;
	tl_init(&tl);
	timeout_init(&a);
	timeout_init(&b);
	timeout_init(&c);
	assert_true(tl_arm(&tl, &a, 300));
	assert_false(tl_arm(&tl, &b, 500));
	assert_true(tl_arm(&tl, &c, 100));
	assert_true(tl_next_deadline(&tl, &d));
	assert_int_equal(d, 100);
	assert_null(tl_pop_expired(&tl, 99));
	assert_ptr_equal(tl_pop_expired(&tl, 300), &c);
	assert_ptr_equal(tl_pop_expired(&tl, 300), &a);
	assert_null(tl_pop_expired(&tl, 300));
	assert_false(timeout_armed(&a));
	assert_true(timeout_armed(&b));
}

static void test_equal_deadlines_fifo(void **state)
{
	struct timeout_list tl;
	struct timeout a, b;

	(void)state;
	tl_init(&tl);
	timeout_init(&a);
	timeout_init(&b);
	tl_arm(&tl, &a, 50);
	tl_arm(&tl, &b, 50);
	assert_ptr_equal(tl_pop_expired(&tl, 50), &a);
	assert_ptr_equal(tl_pop_expired(&tl, 50), &b);
}

static void test_rearm_and_cancel(void **state)
{
	struct timeout_list tl;
	struct timeout a, b;
	uint64_t d;

	(void)state;
	tl_init(&tl);
	timeout_init(&a);
	timeout_init(&b);
	tl_arm(&tl, &a, 10);
	tl_arm(&tl, &b, 20);
	assert_false(tl_arm(&tl, &a, 30)); /* moves behind b */
	assert_true(tl_next_deadline(&tl, &d));
	assert_int_equal(d, 20);
	tl_cancel(&b);
	tl_cancel(&b); /* harmless twice */
	assert_true(tl_next_deadline(&tl, &d));
	assert_int_equal(d, 30);
	tl_cancel(&a);
	assert_false(tl_next_deadline(&tl, &d));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_empty),
		cmocka_unit_test(test_sorted_and_earliest_flag),
		cmocka_unit_test(test_equal_deadlines_fifo),
		cmocka_unit_test(test_rearm_and_cancel),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
