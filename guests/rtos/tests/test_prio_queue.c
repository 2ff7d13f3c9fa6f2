/* Host tests of the ready queue and wait queues. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include "kernel/prio_queue.h"

static void test_empty_ready_queue(void **state)
{
	struct ready_queue rq;

	(void)state;
	rq_init(&rq);
	assert_null(rq_peek(&rq));
	assert_int_equal(rq_top_prio(&rq), PRIO_LEVELS);
}

static void test_highest_priority_first(void **state)
{
	struct ready_queue rq;
	struct prio_node a, b, c;

	(void)state;
	rq_init(&rq);
	prio_node_init(&a, 20);
	prio_node_init(&b, 3);
	prio_node_init(&c, PRIO_LOWEST);
	rq_push_back(&rq, &a);
	rq_push_back(&rq, &c);
	rq_push_back(&rq, &b);
	assert_ptr_equal(rq_peek(&rq), &b);
	assert_int_equal(rq_top_prio(&rq), 3);
	rq_remove(&rq, &b);
	assert_ptr_equal(rq_peek(&rq), &a);
	rq_remove(&rq, &a);
	assert_ptr_equal(rq_peek(&rq), &c);
	rq_remove(&rq, &c);
	assert_null(rq_peek(&rq));
	assert_int_equal(rq.bitmap, 0);
}

static void test_fifo_within_level_and_front(void **state)
{
	struct ready_queue rq;
	struct prio_node a, b, c;

	(void)state;
	rq_init(&rq);
	prio_node_init(&a, 7);
	prio_node_init(&b, 7);
	prio_node_init(&c, 7);
	rq_push_back(&rq, &a);
	rq_push_back(&rq, &b);
	assert_ptr_equal(rq_peek(&rq), &a);
	rq_push_front(&rq, &c); /* a preempted thread goes first */
	assert_ptr_equal(rq_peek(&rq), &c);
	rq_remove(&rq, &c);
	rq_remove(&rq, &a);
	assert_ptr_equal(rq_peek(&rq), &b);
	assert_int_equal(rq.bitmap, 1u << 7);
}

static void test_remove_keeps_other_levels(void **state)
{
	struct ready_queue rq;
	struct prio_node a, b;

	(void)state;
	rq_init(&rq);
	prio_node_init(&a, 0);
	prio_node_init(&b, 31);
	rq_push_back(&rq, &a);
	rq_push_back(&rq, &b);
	rq_remove(&rq, &a);
	assert_int_equal(rq.bitmap, 1u << 31);
	assert_false(list_linked(&a.link));
}

static void test_wait_queue_order(void **state)
{
	struct wait_queue wq;
	struct prio_node n[5];
	static const uint8_t prio[5] = { 10, 5, 10, 1, 5 };
	/* Expected: 1 (n3), 5 (n1, then n4), 10 (n0, then n2). */
	static const int order[5] = { 3, 1, 4, 0, 2 };
	int i;

	(void)state;
	wq_init(&wq);
	assert_true(wq_empty(&wq));
	assert_null(wq_pop(&wq));
	for (i = 0; i < 5; i++) {
		prio_node_init(&n[i], prio[i]);
		wq_insert(&wq, &n[i]);
	}
	for (i = 0; i < 5; i++)
		assert_ptr_equal(wq_pop(&wq), &n[order[i]]);
	assert_true(wq_empty(&wq));
}

static void test_wait_queue_remove_middle(void **state)
{
	struct wait_queue wq;
	struct prio_node a, b, c;

	(void)state;
	wq_init(&wq);
	prio_node_init(&a, 1);
	prio_node_init(&b, 2);
	prio_node_init(&c, 3);
	wq_insert(&wq, &c);
	wq_insert(&wq, &b);
	wq_insert(&wq, &a);
	wq_remove(&b);
	assert_ptr_equal(wq_pop(&wq), &a);
	assert_ptr_equal(wq_peek(&wq), &c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_empty_ready_queue),
		cmocka_unit_test(test_highest_priority_first),
		cmocka_unit_test(test_fifo_within_level_and_front),
		cmocka_unit_test(test_remove_keeps_other_levels),
		cmocka_unit_test(test_wait_queue_order),
		cmocka_unit_test(test_wait_queue_remove_middle),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
