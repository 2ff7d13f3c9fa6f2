/* The one error type: every code named, distinct; the operator's message. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "lib/zerror.h"

static void test_every_code_has_its_own_name(void **state)
{
	(void)state;
	for (int a = 0; a <= ZE_LAST; a++) {
		assert_string_not_equal(zerror_name(a), "unknown error");
		assert_string_equal(zerror_name(a), zerror_name(-a));
		for (int b = a + 1; b <= ZE_LAST; b++)
			assert_string_not_equal(zerror_name(a), zerror_name(b));
	}
	assert_string_equal(zerror_name(ZE_LAST + 1), "unknown error");
	assert_string_equal(zerror_name(-1000), "unknown error");
}

/* The texts operator messages quote (board, configuration, allocators). */
static void test_names_operators_see(void **state)
{
	(void)state;
	assert_string_equal(zerror_name(0), "ok");
	assert_string_equal(zerror_name(-ZE_FDT_MAGIC), "bad magic (not a devicetree blob)");
	assert_string_equal(zerror_name(-ZE_TRUNCATED), "blob truncated");
	assert_string_equal(zerror_name(-ZE_NOENT), "not found");
	assert_string_equal(zerror_name(-ZE_DOUBLE_FREE), "block is already free");
	assert_string_equal(zerror_name(-ZE_FDT_NO_SPACE), "devicetree buffer too small");
}

static void test_set_fills_the_message_and_returns_the_code(void **state)
{
	struct zerr_msg msg;

	(void)state;
	assert_int_equal(zerr_set(&msg, ZE_CONFLICT, "core %u given twice", 3u), -ZE_CONFLICT);
	assert_string_equal(msg.text, "core 3 given twice");
	zerr_clear(&msg);
	assert_string_equal(msg.text, "");
	/* Nobody wants the words: the code still comes back. */
	assert_int_equal(zerr_set(NULL, ZE_NOMEM, "%s", "x"), -ZE_NOMEM);
	zerr_clear(NULL);
}

static int set_prefixed(struct zerr_msg *msg, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	int rc = zerr_vset(msg, ZE_MISSING, "board: ", fmt, ap);
	va_end(ap);
	return rc;
}

static void test_prefix_and_truncation(void **state)
{
	struct zerr_msg msg;
	char longer[2 * ZERR_MSG_MAX];

	(void)state;
	assert_int_equal(set_prefixed(&msg, "no %s node", "/cpus"), -ZE_MISSING);
	assert_string_equal(msg.text, "board: no /cpus node");
	memset(longer, 'x', sizeof(longer) - 1);
	longer[sizeof(longer) - 1] = '\0';
	set_prefixed(&msg, "%s", longer);
	assert_int_equal(strlen(msg.text), ZERR_MSG_MAX - 1);
	assert_memory_equal(msg.text, "board: xxx", 10);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_every_code_has_its_own_name),
		cmocka_unit_test(test_names_operators_see),
		cmocka_unit_test(test_set_fills_the_message_and_returns_the_code),
		cmocka_unit_test(test_prefix_and_truncation),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
