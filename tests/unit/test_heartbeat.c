/*
 * Host tests of the heartbeat verdict: a guest that beats is fine, a hung
 * guest whose vCPUs keep running is declared hung one timeout after its
 * deadline, and a guest whose vCPUs got no time (a loaded host) is not,
 * however long the host starves it; once it runs it beats again.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "vmm/heartbeat.h"

#define TIMEOUT 500 /* ticks */
#define PERIOD  50  /* the health monitor's */

struct sim {
	struct heartbeat_watch w;
	uint64_t now, beat, traps;
};

static enum heartbeat_verdict step(struct sim *s, int ran, int beat)
{
	s->now += PERIOD;
	if (ran)
		s->traps++; /* at least the probe */
	if (beat)
		s->beat = s->now;
	return heartbeat_check(&s->w, s->now, s->beat, TIMEOUT, s->traps);
}

static void test_a_beating_guest_is_fine(void **state)
{
	struct sim s = { .now = 1000, .beat = 1000 };

	(void)state;
	for (int i = 0; i < 100; i++)
		assert_int_equal(step(&s, 1, i % 4 == 0), HEARTBEAT_FINE);
}

static void test_a_guest_that_never_beat_is_not_watched(void **state)
{
	struct sim s = { .now = 1000 };

	(void)state;
	for (int i = 0; i < 100; i++)
		assert_int_equal(step(&s, 1, 0), HEARTBEAT_FINE);
}

static void test_a_hung_guest_is_caught_a_timeout_after_its_deadline(void **state)
{
	struct sim s = { .now = 1000, .beat = 1000 };
	int checks = 0;

	(void)state;
	while (step(&s, 1, 0) != HEARTBEAT_MISSED) {
		checks++;
		assert_true(checks < 100);
	}
	/* Deadline at TIMEOUT, confirmed after TIMEOUT more of running. */
	assert_true(s.now - s.beat >= 2 * TIMEOUT);
	assert_true(s.now - s.beat <= 2 * TIMEOUT + 2 * PERIOD);
}

static void test_a_starved_guest_is_never_declared_hung(void **state)
{
	struct sim s = { .now = 1000, .beat = 1000 };

	(void)state;
	/* Its core gets no time for ten timeouts: overdue, never missed. */
	for (int i = 0; i < 10 * TIMEOUT / PERIOD; i++)
		assert_int_equal(step(&s, 0, 0),
		                 i < TIMEOUT / PERIOD ? HEARTBEAT_FINE : HEARTBEAT_OVERDUE);
	/* Running again, it beats at its next tick: fine again. */
	assert_int_equal(step(&s, 1, 1), HEARTBEAT_FINE);
}

static void test_a_guest_that_runs_rarely_is_judged_on_its_running_time(void **state)
{
	struct sim s = { .now = 1000, .beat = 1000 };
	int checks = 0;

	(void)state;
	/* Hung, but its core runs in one check out of five only. */
	while (step(&s, checks % 5 == 0, 0) != HEARTBEAT_MISSED) {
		checks++;
		assert_true(checks < 1000);
	}
	assert_true(s.now - s.beat >= TIMEOUT + 4 * TIMEOUT);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_a_beating_guest_is_fine),
		cmocka_unit_test(test_a_guest_that_never_beat_is_not_watched),
		cmocka_unit_test(test_a_hung_guest_is_caught_a_timeout_after_its_deadline),
		cmocka_unit_test(test_a_starved_guest_is_never_declared_hung),
		cmocka_unit_test(test_a_guest_that_runs_rarely_is_judged_on_its_running_time),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
