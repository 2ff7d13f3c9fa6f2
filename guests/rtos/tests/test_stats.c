/* Host tests of benchmark statistics and their JSON line. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>
#include "bench/stats.h"

static void test_warmup_and_limit(void **state)
{
	struct bench_stats s;
	uint64_t v;

	(void)state;
	stats_init(&s, 2, 3);
	stats_add(&s, 1000); /* warm-up, dropped */
	stats_add(&s, 1);    /* warm-up, dropped */
	assert_int_equal(s.samples, 0);
	assert_int_equal(stats_avg(&s), 0);
	for (v = 10; v <= 50; v += 10)
		stats_add(&s, v); /* 40 and 50 are past the limit */
	assert_true(stats_full(&s));
	assert_int_equal(s.samples, 3);
	assert_int_equal(s.min, 10);
	assert_int_equal(s.max, 30);
	assert_int_equal(stats_avg(&s), 20);
}

static void test_ticks_to_ns(void **state)
{
	(void)state;
	assert_int_equal(ticks_to_ns(123, 1000000000), 123);
	assert_int_equal(ticks_to_ns(625, 62500000), 10000);
	assert_int_equal(ticks_to_ns(3, 24000000), 125);
	/* A day at 1 GHz does not overflow. */
	assert_int_equal(ticks_to_ns(86400ull * 1000000000, 1000000000), 86400ull * 1000000000);
	assert_int_equal(ticks_to_ns(5, 0), 0);
}

static void test_json_line(void **state)
{
	struct bench_stats s;
	char buf[256];
	int n;

	(void)state;
	stats_init(&s, 0, 10);
	stats_add(&s, 24);
	stats_add(&s, 48);
	n = stats_json(buf, sizeof(buf), "irq_latency", &s, 24000000);
	assert_int_equal(n, (int)strlen(buf));
	assert_string_equal(buf, "{\"bench\":\"irq_latency\",\"samples\":2,"
	                         "\"min_ticks\":24,\"avg_ticks\":36,\"max_ticks\":48,"
	                         "\"min_ns\":1000,\"avg_ns\":1500,\"max_ns\":2000}");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_warmup_and_limit),
		cmocka_unit_test(test_ticks_to_ns),
		cmocka_unit_test(test_json_line),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
