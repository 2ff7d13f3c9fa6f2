/* The strict JSON reader and the writer. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "lib/json.h"
#include "lib/zerror.h"

#define TOKENS 64

static struct json_token tok[TOKENS];

static int parse(struct json_doc *doc, const char *s)
{
	return json_parse(doc, s, strlen(s), tok, TOKENS);
}

static void test_accepts_valid_documents(void **state)
{
	static const char *const good[] = {
		"0",
		"-0",
		"12.5e-3",
		"1E+2",
		"true",
		"false",
		"null",
		"\"\"",
		" [ ] ",
		"{}",
		"{\"a\":[1,{\"b\":null}],\"c\":\"\\u00e9\\ud83d\\ude00\\n\"}",
		"\"caf\xc3\xa9 \xf0\x9f\x98\x80\"",
		"[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]",
	};
	struct json_doc doc;

	(void)state;
	for (unsigned i = 0; i < sizeof(good) / sizeof(good[0]); i++)
		assert_int_equal(parse(&doc, good[i]), 0);
}

static void test_refuses_what_is_not_strict(void **state)
{
	static const char *const bad[] = {
		"",
		" ",
		"01",
		"1.",
		".5",
		"+1",
		"1e",
		"-",
		"tru",
		"nul",
		"[1,]",
		"[,1]",
		"{\"a\"}",
		"{\"a\":1,}",
		"{a:1}",
		"'a'",
		"\"a",
		"\"\\x\"",
		"\"\\u12\"",
		"\"\\ud800\"",
		"\"\\udc00\"",
		"\"\x01\"",
		"1 2",
		"[1] x",
		"{\"a\":1,\"a\":2}",
		"\"\xc0\xaf\"",
		"\"\xed\xa0\x80\"",
		"\"\xf4\x90\x80\x80\"",
		"\"\x80\"",
		"\"\xe2\x82\"",
		"[1}",
		"{\"a\":1]",
		"NaN",
		"Infinity",
	};
	struct json_doc doc;

	(void)state;
	for (unsigned i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		int rc = parse(&doc, bad[i]);
		if (rc != -ZE_MALFORMED)
			fail_msg("'%s' gave %d", bad[i], rc);
	}
}

static void test_depth_and_token_limits(void **state)
{
	char deep[2 * (JSON_MAX_DEPTH + 1) + 1];
	struct json_doc doc;

	(void)state;
	memset(deep, '[', JSON_MAX_DEPTH + 1);
	memset(deep + JSON_MAX_DEPTH + 1, ']', JSON_MAX_DEPTH + 1);
	deep[sizeof(deep) - 1] = '\0';
	assert_int_equal(parse(&doc, deep), -ZE_TOO_DEEP);
	assert_int_equal(json_parse(&doc, "[1,2,3]", 7, tok, 3), -ZE_NO_SPACE);
	assert_int_equal(json_parse(&doc, "[1,2,3]", 7, tok, 4), 0);
}

static void test_members_elements_values(void **state)
{
	struct json_doc doc;
	uint64_t u;
	int64_t i;
	char buf[16];

	(void)state;
	assert_int_equal(parse(&doc,
	                       "{\"n\":18446744073709551615,\"neg\":-9223372036854775808,"
	                       "\"list\":[\"x\",[true],3],\"s\":\"a\\\"b\\u0041\",\"f\":1.5}"),
	                 0);
	assert_true(json_get_u64(&doc, json_member(&doc, 0, "n"), &u));
	assert_true(u == UINT64_MAX);
	assert_true(json_get_i64(&doc, json_member(&doc, 0, "neg"), &i));
	assert_true(i == INT64_MIN);
	assert_false(json_get_u64(&doc, json_member(&doc, 0, "neg"), &u));
	assert_false(json_get_u64(&doc, json_member(&doc, 0, "f"), &u));
	assert_int_equal(json_member(&doc, 0, "missing"), -1);
	int list = json_member(&doc, 0, "list");
	assert_true(json_is(&doc, json_element(&doc, list, 1), JSON_ARRAY));
	assert_true(json_get_u64(&doc, json_element(&doc, list, 2), &u));
	assert_true(u == 3);
	assert_int_equal(json_element(&doc, list, 3), -1);
	assert_int_equal(json_get_string(&doc, json_member(&doc, 0, "s"), buf, sizeof(buf)), 4);
	assert_string_equal(buf, "a\"bA");
	assert_int_equal(json_get_string(&doc, json_member(&doc, 0, "s"), buf, 4), -ZE_NO_SPACE);
	assert_int_equal(parse(&doc, "{\"n\":18446744073709551616}"), 0);
	assert_false(json_get_u64(&doc, json_member(&doc, 0, "n"), &u));
	assert_int_equal(parse(&doc, "\"a\\u0000b\""), 0);
	assert_int_equal(json_get_string(&doc, 0, buf, sizeof(buf)), -ZE_MALFORMED);
}

static void test_writer_output_parses_back(void **state)
{
	char buf[256];
	struct json_writer w;
	struct json_doc doc;
	char s[32];

	(void)state;
	json_writer_init(&w, buf, sizeof(buf));
	json_object_begin(&w);
	json_member_string(&w, "name", "q\"\\\n\x01\xff");
	json_member_u64(&w, "big", UINT64_MAX);
	json_key(&w, "neg");
	json_i64(&w, INT64_MIN);
	json_key(&w, "list");
	json_array_begin(&w);
	json_bool(&w, true);
	json_null(&w);
	json_array_begin(&w);
	json_array_end(&w);
	json_raw(&w, "{\"r\":1}", 7);
	json_array_end(&w);
	json_object_end(&w);
	assert_true(json_writer_ok(&w));
	assert_string_equal(buf,
	                    "{\"name\":\"q\\\"\\\\\\n\\u0001\\u00ff\",\"big\":18446744073709551615,"
	                    "\"neg\":-9223372036854775808,\"list\":[true,null,[],{\"r\":1}]}");
	assert_int_equal(json_parse(&doc, buf, w.len, tok, TOKENS), 0);
	assert_int_equal(json_get_string(&doc, json_member(&doc, 0, "name"), s, sizeof(s)), 7);
	assert_string_equal(s, "q\"\\\n\x01\xc3\xbf");
}

static void test_writer_overflow_is_sticky(void **state)
{
	char buf[8];
	struct json_writer w;

	(void)state;
	json_writer_init(&w, buf, sizeof(buf));
	json_array_begin(&w);
	json_string(&w, "too long for it");
	json_u64(&w, 1);
	json_array_end(&w);
	assert_false(json_writer_ok(&w));
	assert_true(strlen(buf) < sizeof(buf));
	json_writer_init(&w, buf, sizeof(buf));
	json_array_begin(&w);
	assert_false(json_writer_ok(&w)); /* left open */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_accepts_valid_documents),
		cmocka_unit_test(test_refuses_what_is_not_strict),
		cmocka_unit_test(test_depth_and_token_limits),
		cmocka_unit_test(test_members_elements_values),
		cmocka_unit_test(test_writer_output_parses_back),
		cmocka_unit_test(test_writer_overflow_is_sticky),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
