/*
 * Host tests of the replay's terminal-query filter: DSR and DA queries go,
 * split across calls too; every other escape sequence and byte stays.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "vdev/term_query.h"

static char out[256];

/* Feeds in, split every `step` bytes, then flushes; out holds the result. */
static const char *filtered(const char *in, size_t step)
{
	struct term_query q;
	size_t n = strlen(in), w = 0;

	term_query_init(&q);
	for (size_t i = 0; i < n; i += step)
		w += term_query_filter(&q, in + i, n - i < step ? n - i : step, out + w);
	w += term_query_flush(&q, out + w);
	out[w] = '\0';
	return out;
}

static void test_queries_go(void **state)
{
	(void)state;
	for (size_t step = 1; step <= 8; step++) {
		assert_string_equal(filtered("linux# \x1b[6n", step), "linux# ");
		assert_string_equal(filtered("a\x1b[5nb\x1b[cc\x1b[0cd\x1b[>ce\x1b[>0cf", step),
		                    "abcdef");
	}
}

static void test_other_sequences_stay(void **state)
{
	(void)state;
	for (size_t step = 1; step <= 8; step++) {
		assert_string_equal(filtered("\x1b[1;32mgreen\x1b[0m", step),
		                    "\x1b[1;32mgreen\x1b[0m");
		assert_string_equal(filtered("\x1b[6;1H\x1b[K\x1b[2J", step),
		                    "\x1b[6;1H\x1b[K\x1b[2J");
		assert_string_equal(filtered("\x1b\x1b[6n\x1b", step), "\x1b\x1b");
		assert_string_equal(filtered("plain text\r\n", step), "plain text\r\n");
	}
}

static void test_a_held_prefix_comes_out_on_flush(void **state)
{
	(void)state;
	assert_string_equal(filtered("end\x1b[", 3), "end\x1b[");
	assert_string_equal(filtered("\x1b[>", 1), "\x1b[>");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_queries_go),
		cmocka_unit_test(test_other_sequences_stay),
		cmocka_unit_test(test_a_held_prefix_comes_out_on_flush),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
