/*
 * Host tests of the time base record: the counter <-> time scale (exact
 * where it can be, never overflowing), and the seqcount, including a
 * writer thread racing a reader that must never see a torn record.
 */
#define _POSIX_C_SOURCE 200809L

#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "lib/timebase.h"

#define NS_PER_SEC     1000000000ull
#define STRESS_WRITES  200000u
#define RK3588_HZ      24000000ull /* the RK3588's system counter */
#define QEMU_ICOUNT_HZ 1000000000ull

static struct timebase_snapshot snapshot_for(uint64_t hz, uint64_t counter, uint64_t ns)
{
	return (struct timebase_snapshot){
		.flags = ZVM_TIMEBASE_UTC_VALID,
		.counter_value = counter,
		.time_ns = ns,
		.counter_hz = hz,
		.mult = timebase_mult(hz),
		.shift = TIMEBASE_SHIFT,
		.source = ZVM_TIMEBASE_SRC_RTC,
		.error_bound_ns = NS_PER_SEC,
	};
}

static void test_mult_is_exact_where_it_can_be(void **state)
{
	(void)state;
	assert_int_equal(timebase_mult(QEMU_ICOUNT_HZ), UINT64_C(1) << 32);
	assert_int_equal(timebase_mult(62500000), UINT64_C(16) << 32);
	assert_int_equal(timebase_mult(0), 0);
	/* 1 Hz: the largest mult there is, and it still fits. */
	assert_int_equal(timebase_mult(1), NS_PER_SEC << 32);
	assert_int_equal(timebase_scale(QEMU_ICOUNT_HZ, timebase_mult(QEMU_ICOUNT_HZ), 32),
	                 NS_PER_SEC);
}

/* One second of ticks is one second within a nanosecond, at any rate. */
static void test_one_second_of_ticks_at_many_rates(void **state)
{
	static const uint64_t rates[] = { 1,         3,          1000,         19200000,
		                          RK3588_HZ, 25000000,   54000000,     62500000,
		                          100000000, 1000000000, 3000000007ull };

	(void)state;
	for (size_t i = 0; i < sizeof(rates) / sizeof(rates[0]); i++) {
		uint64_t mult = timebase_mult(rates[i]);
		uint64_t ns = timebase_scale(rates[i], mult, TIMEBASE_SHIFT);

		assert_in_range(ns, NS_PER_SEC - 1, NS_PER_SEC + 1);
		/* A day at 24 MHz: within a microsecond. */
		ns = timebase_scale(rates[i] * 86400, mult, TIMEBASE_SHIFT);
		assert_in_range(ns, 86400 * NS_PER_SEC - 1000, 86400 * NS_PER_SEC + 1000);
	}
}

/* The product is 128 bits: the largest tick counts do not wrap. */
static void test_scale_never_overflows(void **state)
{
	uint64_t mult = timebase_mult(RK3588_HZ);

	(void)state;
	/* 2^63 ticks at 1 GHz: 2^63 ns, exactly. */
	assert_int_equal(timebase_scale(UINT64_C(1) << 63, timebase_mult(QEMU_ICOUNT_HZ), 32),
	                 UINT64_C(1) << 63);
	assert_int_equal(timebase_scale(UINT64_MAX, timebase_mult(QEMU_ICOUNT_HZ), 32), UINT64_MAX);
	/* At 24 MHz 2^60 ticks are ~4.8e19 ns: past 2^64, saturated, not wrapped. */
	assert_int_equal(timebase_scale(UINT64_C(1) << 60, mult, 32), UINT64_MAX);
	/*
	 * 2^56 ticks at 24 MHz (95 years): 2^56 * 1e9 / 24e6 = 3.0024e18 ns,
	 * within the rounding of mult: half a unit in 2^32 per tick.
	 */
	uint64_t ns = timebase_scale(UINT64_C(1) << 56, mult, 32);
	uint64_t want = (uint64_t)(((__uint128_t)1 << 56) * NS_PER_SEC / RK3588_HZ);
	uint64_t bound = (UINT64_C(1) << 55) >> 32;
	assert_in_range(ns, want - bound, want + bound);
}

static void test_to_ns_forward_backward_and_saturated(void **state)
{
	struct timebase_snapshot s = snapshot_for(RK3588_HZ, 24000000, 1000 * NS_PER_SEC);

	(void)state;
	assert_int_equal(timebase_to_ns(&s, 24000000), 1000 * NS_PER_SEC);
	assert_int_equal(timebase_to_ns(&s, 48000000), 1001 * NS_PER_SEC);
	assert_int_equal(timebase_to_ns(&s, 0), 999 * NS_PER_SEC);
	assert_int_equal(timebase_to_ns(&s, 24000000 + 24), 1000 * NS_PER_SEC + 1000);
	assert_int_equal(timebase_to_ns(&s, 24000000 - 24), 1000 * NS_PER_SEC - 1000);
	/* Before the epoch: 0, not a wrap to the far future. */
	s = snapshot_for(QEMU_ICOUNT_HZ, UINT64_MAX, 5);
	assert_int_equal(timebase_to_ns(&s, 0), 0);
	/* Past 2554: UINT64_MAX, not a wrap to 1970. */
	s = snapshot_for(QEMU_ICOUNT_HZ, 0, UINT64_MAX - 5);
	assert_int_equal(timebase_to_ns(&s, 10), UINT64_MAX);
}

static void test_diff_is_signed_and_saturated(void **state)
{
	(void)state;
	assert_int_equal(timebase_diff_ns(10, 3), 7);
	assert_int_equal(timebase_diff_ns(3, 10), -7);
	assert_int_equal(timebase_diff_ns(UINT64_MAX, 0), INT64_MAX);
	assert_true(timebase_diff_ns(0, UINT64_MAX) == INT64_MIN);
	assert_int_equal(timebase_diff_ns((uint64_t)INT64_MAX, 0), INT64_MAX);
}

static unsigned syncs;
static void count_sync(const volatile void *addr, unsigned long size)
{
	(void)addr;
	assert_int_equal(size, sizeof(struct zvm_timebase));
	syncs++;
}

static void test_publish_then_read(void **state)
{
	struct zvm_timebase r;
	struct timebase_snapshot in = snapshot_for(RK3588_HZ, 777, 1700000000 * NS_PER_SEC), out;

	(void)state;
	memset(&r, 0xa5, sizeof(r));
	assert_false(timebase_read(&r, &out)); /* no magic yet */
	syncs = 0;
	timebase_record_init(&r, count_sync);
	assert_int_equal(r.magic, ZVM_TIMEBASE_MAGIC);
	assert_int_equal(r.version, ZVM_TIMEBASE_VERSION);
	assert_int_equal(r.size, sizeof(r));
	assert_int_equal(r.seq, 0);
	assert_true(timebase_read(&r, &out));
	assert_int_equal(out.flags, 0); /* no UTC before the first publish */
	in.generation = 1;
	timebase_publish(&r, &in, count_sync);
	assert_int_equal(syncs, 4); /* init, odd, fields, even */
	assert_int_equal(r.seq, 2);
	assert_true(timebase_read(&r, &out));
	assert_int_equal(out.seq, 2);
	out.seq = in.seq;
	assert_memory_equal(&out, &in, sizeof(in));
	timebase_publish(&r, &in, NULL);
	assert_int_equal(r.seq, 4);
}

static void test_reader_refuses_what_is_not_a_record(void **state)
{
	struct zvm_timebase r;
	struct timebase_snapshot out;

	(void)state;
	timebase_record_init(&r, NULL);
	r.version = ZVM_TIMEBASE_VERSION + 1;
	assert_false(timebase_read(&r, &out));
	timebase_record_init(&r, NULL);
	r.size = (uint16_t)(sizeof(r) - 8);
	assert_false(timebase_read(&r, &out));
	/* A writer that died mid-write: the reader gives up, it does not hang. */
	timebase_record_init(&r, NULL);
	r.seq = 7;
	assert_false(timebase_read(&r, &out));
}

/*
 * A writer publishing records whose fields all derive from one number k,
 * a reader checking every copy it gets is one k: a torn read (fields of
 * two publishes) fails.  seq only grows, and the reader sees it grow.
 */
struct stress {
	struct zvm_timebase r;
	uint32_t done;
};

static struct timebase_snapshot derived(uint64_t k)
{
	struct timebase_snapshot s = snapshot_for(RK3588_HZ + k, k * 3, k * 5);

	s.error_bound_ns = k * 7;
	s.generation = k;
	s.source = (uint32_t)k;
	s.flags = (uint32_t)(k >> 1);
	return s;
}

static void *writer_main(void *arg)
{
	struct stress *st = arg;

	for (uint64_t k = 1; k <= STRESS_WRITES; k++) {
		struct timebase_snapshot s = derived(k);
		timebase_publish(&st->r, &s, NULL);
	}
	__atomic_store_n(&st->done, 1, __ATOMIC_RELEASE);
	return NULL;
}

static void test_reader_never_sees_a_torn_record(void **state)
{
	static struct stress st;
	pthread_t writer;
	uint64_t reads = 0, last_generation = 0;
	uint32_t last_seq = 0;

	(void)state;
	timebase_record_init(&st.r, NULL);
	assert_int_equal(pthread_create(&writer, NULL, writer_main, &st), 0);
	while (!__atomic_load_n(&st.done, __ATOMIC_ACQUIRE) || last_generation < STRESS_WRITES) {
		struct timebase_snapshot got;

		if (!timebase_read(&st.r, &got))
			continue; /* the writer kept it busy: try again */
		if (got.generation == 0)
			continue; /* before the first publish */
		struct timebase_snapshot want = derived(got.generation);
		want.seq = got.seq;
		assert_memory_equal(&got, &want, sizeof(want));
		assert_true(got.seq >= last_seq && (got.seq & 1u) == 0);
		assert_true(got.generation >= last_generation);
		last_seq = got.seq;
		last_generation = got.generation;
		reads++;
	}
	assert_int_equal(pthread_join(writer, NULL), 0);
	assert_int_equal(last_generation, STRESS_WRITES);
	assert_int_equal(last_seq, 2 * STRESS_WRITES);
	assert_true(reads > 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_mult_is_exact_where_it_can_be),
		cmocka_unit_test(test_one_second_of_ticks_at_many_rates),
		cmocka_unit_test(test_scale_never_overflows),
		cmocka_unit_test(test_to_ns_forward_backward_and_saturated),
		cmocka_unit_test(test_diff_is_signed_and_saturated),
		cmocka_unit_test(test_publish_then_read),
		cmocka_unit_test(test_reader_refuses_what_is_not_a_record),
		cmocka_unit_test(test_reader_never_sees_a_torn_record),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
