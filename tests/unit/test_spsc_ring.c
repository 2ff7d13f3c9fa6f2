/* Host tests of the lock-free SPSC ring, including a two-thread stress. */
#define _POSIX_C_SOURCE 200809L

#include <pthread.h>
#include <sched.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "lib/spsc_ring.h"

#define SMALL_SLOTS  8
#define STRESS_SLOTS 64
#define STRESS_ITEMS 3000000u
#define WIDE_ITEMS   1000000u

static void test_init_rejects_bad_arguments(void **state)
{
	struct spsc_ring ring;
	uint32_t storage[SMALL_SLOTS];

	(void)state;
	assert_false(spsc_init(&ring, storage, sizeof(uint32_t), 0));
	assert_false(spsc_init(&ring, storage, sizeof(uint32_t), 6));
	assert_false(spsc_init(&ring, storage, 0, SMALL_SLOTS));
	assert_false(spsc_init(&ring, NULL, sizeof(uint32_t), SMALL_SLOTS));
	assert_false(spsc_init(NULL, storage, sizeof(uint32_t), SMALL_SLOTS));
	assert_true(spsc_init(&ring, storage, sizeof(uint32_t), 1));
	assert_true(spsc_init(&ring, storage, sizeof(uint32_t), SMALL_SLOTS));
	assert_int_equal(spsc_capacity(&ring), SMALL_SLOTS);
}

static void test_fill_and_drain_in_order(void **state)
{
	struct spsc_ring ring;
	uint32_t storage[SMALL_SLOTS];
	uint32_t value;

	(void)state;
	assert_true(spsc_init(&ring, storage, sizeof(uint32_t), SMALL_SLOTS));
	assert_int_equal(spsc_count(&ring), 0);
	assert_false(spsc_pop(&ring, &value));
	for (uint32_t i = 0; i < SMALL_SLOTS; i++) {
		assert_true(spsc_push(&ring, &i));
		assert_int_equal(spsc_count(&ring), i + 1);
	}
	value = 99;
	assert_false(spsc_push(&ring, &value));
	assert_int_equal(spsc_count(&ring), SMALL_SLOTS);
	for (uint32_t i = 0; i < SMALL_SLOTS; i++) {
		assert_true(spsc_pop(&ring, &value));
		assert_int_equal(value, i);
	}
	assert_false(spsc_pop(&ring, &value));
	assert_int_equal(spsc_count(&ring), 0);
}

/* Indices run freely: walk them across 2^32 to prove wrapping is harmless. */
static void test_index_wraparound(void **state)
{
	struct spsc_ring ring;
	uint32_t storage[SMALL_SLOTS];
	uint32_t value;

	(void)state;
	assert_true(spsc_init(&ring, storage, sizeof(uint32_t), SMALL_SLOTS));
	ring.head = UINT32_MAX - 2;
	ring.tail = UINT32_MAX - 2;
	for (uint32_t round = 0; round < 4; round++) {
		for (uint32_t i = 0; i < SMALL_SLOTS; i++) {
			uint32_t item = round * 100 + i;

			assert_true(spsc_push(&ring, &item));
		}
		assert_false(spsc_push(&ring, &value));
		assert_int_equal(spsc_count(&ring), SMALL_SLOTS);
		for (uint32_t i = 0; i < SMALL_SLOTS; i++) {
			assert_true(spsc_pop(&ring, &value));
			assert_int_equal(value, round * 100 + i);
		}
		assert_false(spsc_pop(&ring, &value));
	}
}

/* Interleaved partial fills keep FIFO order across the storage boundary. */
static void test_interleaved_matches_model(void **state)
{
	struct spsc_ring ring;
	uint64_t storage[SMALL_SLOTS];
	uint64_t next_in = 0, next_out = 0, value;
	unsigned int seed = 12345;

	(void)state;
	assert_true(spsc_init(&ring, storage, sizeof(uint64_t), SMALL_SLOTS));
	for (int step = 0; step < 100000; step++) {
		seed = seed * 1103515245u + 12345u;
		if ((seed >> 16) & 1) {
			bool room = next_in - next_out < SMALL_SLOTS;

			assert_int_equal(spsc_push(&ring, &next_in), room);
			if (room)
				next_in++;
		} else {
			bool any = next_in != next_out;

			assert_int_equal(spsc_pop(&ring, &value), any);
			if (any) {
				assert_int_equal(value, next_out);
				next_out++;
			}
		}
		assert_int_equal(spsc_count(&ring), next_in - next_out);
	}
}

/* A slot wider than a machine word, so torn copies would be visible. */
struct wide_item {
	uint64_t seq;
	uint64_t inverted;
	uint64_t mixed;
};

struct stress {
	struct spsc_ring ring;
	uint32_t items;
	bool wide;
	uint64_t mismatches;
	uint64_t received;
};

static void spin_pause(void)
{
	/* Lets the other thread run on a host with fewer cores than threads. */
	sched_yield();
}

static void fill_wide(struct wide_item *item, uint64_t seq)
{
	item->seq = seq;
	item->inverted = ~seq;
	item->mixed = seq * 0x9e3779b97f4a7c15ull;
}

static void *producer_main(void *arg)
{
	struct stress *s = arg;

	for (uint64_t seq = 0; seq < s->items; seq++) {
		struct wide_item wide;
		const void *item = &seq;

		if (s->wide) {
			fill_wide(&wide, seq);
			item = &wide;
		}
		while (!spsc_push(&s->ring, item))
			spin_pause();
	}
	return NULL;
}

static void *consumer_main(void *arg)
{
	struct stress *s = arg;

	for (uint64_t expect = 0; expect < s->items; expect++) {
		struct wide_item got, want;

		while (!spsc_pop(&s->ring, &got))
			spin_pause();
		fill_wide(&want, expect);
		if (s->wide ? memcmp(&got, &want, sizeof(got)) != 0 : got.seq != expect)
			s->mismatches++;
		s->received++;
	}
	return NULL;
}

static void run_stress(uint32_t items, bool wide, void *storage)
{
	static struct stress s;
	pthread_t producer, consumer;
	size_t slot = wide ? sizeof(struct wide_item) : sizeof(uint64_t);

	memset(&s, 0, sizeof(s));
	s.items = items;
	s.wide = wide;
	assert_true(spsc_init(&s.ring, storage, slot, STRESS_SLOTS));
	assert_int_equal(pthread_create(&consumer, NULL, consumer_main, &s), 0);
	assert_int_equal(pthread_create(&producer, NULL, producer_main, &s), 0);
	assert_int_equal(pthread_join(producer, NULL), 0);
	assert_int_equal(pthread_join(consumer, NULL), 0);
	assert_int_equal(s.mismatches, 0);
	assert_int_equal(s.received, items);
	assert_int_equal(spsc_count(&s.ring), 0);
}

static void test_two_thread_stress_sequence(void **state)
{
	static uint64_t storage[STRESS_SLOTS];

	(void)state;
	run_stress(STRESS_ITEMS, false, storage);
}

static void test_two_thread_stress_wide_slots(void **state)
{
	static struct wide_item storage[STRESS_SLOTS];

	(void)state;
	run_stress(WIDE_ITEMS, true, storage);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_init_rejects_bad_arguments),
		cmocka_unit_test(test_fill_and_drain_in_order),
		cmocka_unit_test(test_index_wraparound),
		cmocka_unit_test(test_interleaved_matches_model),
		cmocka_unit_test(test_two_thread_stress_sequence),
		cmocka_unit_test(test_two_thread_stress_wide_slots),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
