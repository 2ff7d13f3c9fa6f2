/* Host tests of the message-queue ring. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include "kernel/msg_ring.h"

struct msg {
	uint32_t id;
	char text[12];
};

static void test_rejects_bad_sizes(void **state)
{
	struct msg_ring r;
	struct msg buf[2];

	(void)state;
	assert_int_equal(mr_init(&r, NULL, sizeof(buf), sizeof(buf[0])), -1);
	assert_int_equal(mr_init(&r, buf, sizeof(buf), 0), -1);
	assert_int_equal(mr_init(&r, buf, sizeof(buf[0]) - 1, sizeof(buf[0])), -1);
}

static void test_fifo_with_wraparound(void **state)
{
	struct msg_ring r;
	struct msg buf[3], in, out;
	uint32_t next_in = 0, next_out = 0;
	int round;

	(void)state;
	assert_int_equal(mr_init(&r, buf, sizeof(buf), sizeof(buf[0])), 3);
	/* Two in, one out, for long enough to wrap many times. */
	for (round = 0; round < 20; round++) {
		if (!mr_full(&r)) {
			in.id = next_in++;
			in.text[0] = (char)('a' + in.id % 26);
			assert_true(mr_put(&r, &in));
		}
		if (!mr_full(&r)) {
			in.id = next_in++;
			in.text[0] = (char)('a' + in.id % 26);
			assert_true(mr_put(&r, &in));
		}
		assert_true(mr_get(&r, &out));
		assert_int_equal(out.id, next_out);
		assert_int_equal(out.text[0], 'a' + next_out % 26);
		next_out++;
	}
	assert_int_equal(mr_count(&r), next_in - next_out);
}

static void test_full_and_empty(void **state)
{
	struct msg_ring r;
	struct msg buf[2], m = { 0, "x" };

	(void)state;
	mr_init(&r, buf, sizeof(buf), sizeof(buf[0]));
	assert_false(mr_get(&r, &m));
	assert_true(mr_put(&r, &m));
	assert_true(mr_put(&r, &m));
	assert_true(mr_full(&r));
	assert_false(mr_put(&r, &m));
	assert_int_equal(mr_count(&r), 2);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rejects_bad_sizes),
		cmocka_unit_test(test_fifo_with_wraparound),
		cmocka_unit_test(test_full_and_empty),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
