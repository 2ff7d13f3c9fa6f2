/*
 * Host tests of the console ring: the newest bytes are kept across wraps,
 * drops are counted, readers resume from offsets and learn what they
 * missed, and a random write/read mix is checked against a full log.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "vdev/console_ring.h"

#define RING_SIZE     16
#define GUARD         8
#define GUARD_BYTE    0xee
#define LOG_SIZE      20000
#define RANDOM_ROUNDS 5000
#define RANDOM_SEED   12345u

static uint8_t storage[RING_SIZE + GUARD];
static struct console_ring ring;
static char out[64];

static int setup(void **state)
{
	(void)state;
	memset(storage, GUARD_BYTE, sizeof(storage));
	assert_true(console_ring_init(&ring, storage, RING_SIZE));
	memset(out, 0, sizeof(out));
	return 0;
}

static void put(const char *s)
{
	console_ring_write(&ring, s, strlen(s));
}

/* Reads everything from *offset on into out (NUL-terminated). */
static size_t read_all(uint64_t *offset, uint64_t *lost)
{
	size_t n = console_ring_read(&ring, offset, out, sizeof(out) - 1, lost);

	out[n] = '\0';
	return n;
}

static void assert_guard_intact(void)
{
	size_t i;

	for (i = RING_SIZE; i < sizeof(storage); i++)
		assert_int_equal(storage[i], GUARD_BYTE);
}

static void test_init_checks(void **state)
{
	struct console_ring r;

	(void)state;
	assert_false(console_ring_init(&r, NULL, 10));
	assert_false(console_ring_init(&r, storage, 0));
	assert_false(console_ring_init(NULL, storage, 10));
	assert_int_equal(console_ring_start(&ring), 0);
	assert_int_equal(console_ring_end(&ring), 0);
	assert_int_equal(console_ring_dropped(&ring), 0);
}

static void test_write_and_replay(void **state)
{
	uint64_t off = 0, lost = 99;

	(void)state;
	put("login: ");
	assert_int_equal(read_all(&off, &lost), 7);
	assert_string_equal(out, "login: ");
	assert_int_equal(lost, 0);
	assert_int_equal(off, 7);
	/* Nothing new: nothing read, offset stays. */
	assert_int_equal(read_all(&off, &lost), 0);
	assert_int_equal(off, 7);
	put("root\n");
	assert_int_equal(read_all(&off, NULL), 5);
	assert_string_equal(out, "root\n");
	assert_int_equal(console_ring_dropped(&ring), 0);
}

/* Keeps the newest RING_SIZE bytes; an old reader learns what it lost. */
static void test_wrap_keeps_newest(void **state)
{
	uint64_t off = 0, lost = 0;

	(void)state;
	put("0123456789");
	put("abcdefghij"); /* 20 bytes into 16 */
	assert_int_equal(console_ring_start(&ring), 4);
	assert_int_equal(console_ring_end(&ring), 20);
	assert_int_equal(console_ring_dropped(&ring), 4);
	assert_int_equal(read_all(&off, &lost), 16);
	assert_string_equal(out, "456789abcdefghij");
	assert_int_equal(lost, 4);
	assert_int_equal(off, 20);
	assert_guard_intact();
}

static void test_write_longer_than_ring(void **state)
{
	uint64_t off = 0, lost = 0;

	(void)state;
	put("abc");
	put("ABCDEFGHIJKLMNOPQRSTUVWXYZ"); /* 26 bytes */
	assert_int_equal(console_ring_end(&ring), 29);
	assert_int_equal(console_ring_start(&ring), 13);
	assert_int_equal(console_ring_dropped(&ring), 13);
	assert_int_equal(read_all(&off, &lost), 16);
	assert_string_equal(out, "KLMNOPQRSTUVWXYZ");
	assert_int_equal(lost, 13);
	assert_guard_intact();
}

static void test_partial_reads_resume(void **state)
{
	uint64_t off = console_ring_start(&ring), lost;
	char small[4];
	size_t n;

	(void)state;
	put("hello world");
	n = console_ring_read(&ring, &off, small, 4, &lost);
	assert_int_equal(n, 4);
	assert_memory_equal(small, "hell", 4);
	assert_int_equal(off, 4);
	put("!!!!!!!!"); /* 19 bytes: "hel" dropped */
	n = console_ring_read(&ring, &off, small, 4, &lost);
	assert_int_equal(lost, 0); /* the reader was past them */
	assert_memory_equal(small, "o wo", 4);
	put("########"); /* 27: the reader at 8 lost 3 */
	assert_int_equal(read_all(&off, &lost), 16);
	assert_int_equal(lost, 3);
	assert_string_equal(out, "!!!!!!!!########");
}

/* An offset past the end reads nothing and is left alone. */
static void test_offset_beyond_end(void **state)
{
	uint64_t off = 100, lost = 7;

	(void)state;
	put("abc");
	assert_int_equal(read_all(&off, &lost), 0);
	assert_int_equal(off, 100);
	assert_int_equal(lost, 0);
}

/* After a clear only newer output replays; offsets keep counting. */
static void test_clear(void **state)
{
	uint64_t off = 0, lost = 0;

	(void)state;
	put("old boot");
	console_ring_clear(&ring);
	assert_int_equal(console_ring_start(&ring), 8);
	assert_int_equal(console_ring_end(&ring), 8);
	assert_int_equal(read_all(&off, &lost), 0);
	assert_int_equal(off, 8);
	assert_int_equal(lost, 8);
	put("new");
	off = console_ring_start(&ring);
	assert_int_equal(read_all(&off, &lost), 3);
	assert_string_equal(out, "new");
	assert_int_equal(console_ring_dropped(&ring), 0);
}

/* Random writes and reads against a log of everything ever written. */
static void test_random_against_log(void **state)
{
	static char log[LOG_SIZE];
	uint64_t off = 0, lost, expect_off, before;
	size_t logged = 0, n, i, chunk;
	char data[40];

	(void)state;
	srand(RANDOM_SEED);
	for (i = 0; i < RANDOM_ROUNDS && logged + sizeof(data) < LOG_SIZE; i++) {
		chunk = (size_t)rand() % sizeof(data);
		for (n = 0; n < chunk; n++)
			data[n] = log[logged + n] = (char)('a' + rand() % 26);
		console_ring_write(&ring, data, chunk);
		logged += chunk;
		if (rand() % 3)
			continue;
		expect_off = off < console_ring_start(&ring) ? console_ring_start(&ring) : off;
		before = off;
		n = read_all(&off, &lost);
		assert_int_equal(lost, expect_off - before);
		assert_memory_equal(out, log + expect_off, n);
		assert_int_equal(off, expect_off + n);
	}
	assert_int_equal(console_ring_end(&ring), logged);
	assert_int_equal(console_ring_dropped(&ring), logged - RING_SIZE);
	assert_guard_intact();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_init_checks, setup),
		cmocka_unit_test_setup(test_write_and_replay, setup),
		cmocka_unit_test_setup(test_wrap_keeps_newest, setup),
		cmocka_unit_test_setup(test_write_longer_than_ring, setup),
		cmocka_unit_test_setup(test_partial_reads_resume, setup),
		cmocka_unit_test_setup(test_offset_beyond_end, setup),
		cmocka_unit_test_setup(test_clear, setup),
		cmocka_unit_test_setup(test_random_against_log, setup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
