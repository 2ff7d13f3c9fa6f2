/* Host tests of the kernel log ring: records, drops, readers, levels. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "kernel/logring.h"

#define OVERHEAD LOGRING_RECORD_OVERHEAD
#define TEXT_BUF 1024

static uint8_t storage[4096];
static char text[TEXT_BUF];

static uint64_t write_str(struct logring *r, uint64_t ts, uint32_t cpu, enum log_level level,
                          const char *s)
{
	return logring_write(r, ts, cpu, level, s, strlen(s));
}

static struct logring_stats stats_of(const struct logring *r)
{
	struct logring_stats st;

	logring_get_stats(r, &st);
	return st;
}

static void test_init_checks_arguments(void **state)
{
	struct logring r;

	(void)state;
	assert_false(logring_init(&r, NULL, 100));
	assert_false(logring_init(&r, storage, OVERHEAD));
	assert_true(logring_init(&r, storage, OVERHEAD + 1));
	assert_true(logring_init(&r, storage, sizeof(storage)));
	assert_int_equal(stats_of(&r).records, 0);
	assert_int_equal(stats_of(&r).size, sizeof(storage));
}

static void test_write_then_read_in_order(void **state)
{
	struct logring r;
	struct log_record rec;
	uint64_t seq = 0;

	(void)state;
	assert_true(logring_init(&r, storage, sizeof(storage)));
	assert_int_equal(write_str(&r, 1000, 0, LOG_INFO, "boot"), 0);
	assert_int_equal(write_str(&r, 2000, 3, LOG_ERROR, "vm1 crashed"), 1);
	assert_int_equal(write_str(&r, 3000, 1, LOG_DEBUG, ""), 2);

	assert_true(logring_read(&r, &seq, &rec, text, sizeof(text)));
	assert_int_equal(rec.seq, 0);
	assert_int_equal(rec.timestamp, 1000);
	assert_int_equal(rec.cpu, 0);
	assert_int_equal(rec.level, LOG_INFO);
	assert_int_equal(rec.lost, 0);
	assert_string_equal(rec.text, "boot");
	assert_int_equal(rec.text_len, 4);
	assert_false(rec.truncated);
	assert_int_equal(seq, 1);

	assert_true(logring_read(&r, &seq, &rec, text, sizeof(text)));
	assert_int_equal(rec.seq, 1);
	assert_int_equal(rec.cpu, 3);
	assert_int_equal(rec.level, LOG_ERROR);
	assert_string_equal(rec.text, "vm1 crashed");

	assert_true(logring_read(&r, &seq, &rec, text, sizeof(text)));
	assert_int_equal(rec.seq, 2);
	assert_string_equal(rec.text, "");
	assert_int_equal(seq, 3);
	assert_false(logring_read(&r, &seq, &rec, text, sizeof(text)));
	assert_int_equal(seq, 3);

	/* A reader ahead of the writer waits: nothing, seq untouched. */
	seq = 10;
	assert_false(logring_read(&r, &seq, &rec, text, sizeof(text)));
	assert_int_equal(seq, 10);
	assert_int_equal(stats_of(&r).used_bytes, 3 * OVERHEAD + 4 + 11);
}

static void test_level_filter(void **state)
{
	static const enum log_level levels[] = {
		LOG_DEBUG, LOG_WARN, LOG_INFO, LOG_ERROR, LOG_DEBUG, LOG_INFO,
	};
	struct logring r;
	struct log_record rec;
	uint64_t seq = 0;

	(void)state;
	assert_true(logring_init(&r, storage, sizeof(storage)));
	for (size_t i = 0; i < sizeof(levels) / sizeof(levels[0]); i++)
		write_str(&r, i, 0, levels[i], log_level_name(levels[i]));

	assert_true(logring_read_level(&r, &seq, &rec, text, sizeof(text), LOG_WARN));
	assert_int_equal(rec.seq, 1);
	assert_string_equal(rec.text, "warn");
	assert_true(logring_read_level(&r, &seq, &rec, text, sizeof(text), LOG_WARN));
	assert_int_equal(rec.seq, 3);
	assert_int_equal(rec.level, LOG_ERROR);
	/* Only less severe records remain: none, and seq moves past them. */
	assert_false(logring_read_level(&r, &seq, &rec, text, sizeof(text), LOG_WARN));
	assert_int_equal(seq, 6);

	seq = 0;
	assert_true(logring_read_level(&r, &seq, &rec, text, sizeof(text), LOG_INFO));
	assert_int_equal(rec.seq, 1);
	assert_true(logring_read_level(&r, &seq, &rec, text, sizeof(text), LOG_INFO));
	assert_int_equal(rec.seq, 2);
	assert_true(logring_read_level(&r, &seq, &rec, text, sizeof(text), LOG_ERROR));
	assert_int_equal(rec.seq, 3);
	assert_true(logring_read_level(&r, &seq, &rec, text, sizeof(text), LOG_DEBUG));
	assert_int_equal(rec.seq, 4);
}

static void test_full_ring_drops_oldest(void **state)
{
	/* Room for exactly three records of 8 text bytes. */
	const size_t size = 3 * (OVERHEAD + 8);
	struct logring r;
	struct log_record rec;
	struct logring_stats st;
	uint64_t seq = 0;
	char line[24];

	(void)state;
	assert_true(logring_init(&r, storage, size));
	for (int i = 0; i < 10; i++) {
		snprintf(line, sizeof(line), "record%02d", i);
		assert_int_equal(write_str(&r, (uint64_t)i, 0, LOG_INFO, line), i);
	}
	st = stats_of(&r);
	assert_int_equal(st.records, 3);
	assert_int_equal(st.dropped, 7);
	assert_int_equal(st.first_seq, 7);
	assert_int_equal(st.next_seq, 10);
	assert_int_equal(st.used_bytes, size);

	/* A reader that starts at 0 learns that 7 records are gone. */
	assert_true(logring_read(&r, &seq, &rec, text, sizeof(text)));
	assert_int_equal(rec.seq, 7);
	assert_int_equal(rec.lost, 7);
	assert_string_equal(rec.text, "record07");
	assert_true(logring_read(&r, &seq, &rec, text, sizeof(text)));
	assert_int_equal(rec.lost, 0);
	assert_string_equal(rec.text, "record08");

	/* It falls behind again while the writer laps the ring. */
	for (int i = 10; i < 15; i++) {
		snprintf(line, sizeof(line), "record%02d", i);
		write_str(&r, (uint64_t)i, 0, LOG_INFO, line);
	}
	assert_true(logring_read(&r, &seq, &rec, text, sizeof(text)));
	assert_int_equal(rec.seq, 12);
	assert_int_equal(rec.lost, 3);
	assert_string_equal(rec.text, "record12");
	assert_int_equal(rec.timestamp, 12);
}

static void test_one_big_record_evicts_many(void **state)
{
	struct logring r;
	struct log_record rec;
	uint64_t seq = 0;
	char big[230];

	(void)state;
	assert_true(logring_init(&r, storage, 256));
	for (int i = 0; i < 8; i++)
		write_str(&r, 0, 0, LOG_INFO, "tiny");
	memset(big, 'B', sizeof(big));
	assert_int_equal(logring_write(&r, 5, 2, LOG_WARN, big, sizeof(big)), 8);
	/* 8 * 28 of 256 bytes in use: a 254-byte record needs all of them. */
	assert_int_equal(stats_of(&r).records, 1);
	assert_int_equal(stats_of(&r).dropped, 8);
	assert_true(logring_read(&r, &seq, &rec, text, sizeof(text)));
	assert_int_equal(rec.lost, 8);
	assert_int_equal(rec.text_len, sizeof(big));
	assert_memory_equal(rec.text, big, sizeof(big));
}

static void test_texts_are_cut_safely(void **state)
{
	static char longer[LOGRING_MAX_TEXT + 100];
	struct logring r;
	struct log_record rec;
	uint64_t seq = 0;
	char small[6];

	(void)state;
	memset(longer, 'x', sizeof(longer));
	assert_true(logring_init(&r, storage, sizeof(storage)));
	logring_write(&r, 0, 0, LOG_INFO, longer, sizeof(longer));
	write_str(&r, 0, 0, LOG_INFO, "hello world");
	logring_write(&r, 0, 0, LOG_INFO, NULL, 5);
	logring_write(&r, 0, 0, (enum log_level)7, "odd", 3);

	assert_true(logring_read(&r, &seq, &rec, text, sizeof(text)));
	assert_int_equal(rec.text_len, LOGRING_MAX_TEXT);
	assert_true(logring_read(&r, &seq, &rec, small, sizeof(small)));
	assert_true(rec.truncated);
	assert_string_equal(small, "hello");
	assert_int_equal(rec.text_len, 5);
	assert_true(logring_read(&r, &seq, &rec, text, sizeof(text)));
	assert_int_equal(rec.text_len, 0);
	assert_false(rec.truncated);
	assert_true(logring_read(&r, &seq, &rec, NULL, 0));
	assert_true(rec.truncated);
	assert_string_equal(rec.text, "");
	assert_int_equal(rec.level, LOG_DEBUG);

	/* A ring smaller than one maximal record still takes it, cut. */
	assert_true(logring_init(&r, storage, OVERHEAD + 10));
	logring_write(&r, 0, 0, LOG_INFO, longer, sizeof(longer));
	seq = 0;
	assert_true(logring_read(&r, &seq, &rec, text, sizeof(text)));
	assert_int_equal(rec.text_len, 10);
}

static void test_level_names(void **state)
{
	enum log_level level = LOG_ERROR;

	(void)state;
	for (unsigned int i = 0; i < LOG_LEVEL_COUNT; i++) {
		assert_true(log_level_parse(log_level_name((enum log_level)i), &level));
		assert_int_equal(level, i);
	}
	assert_string_equal(log_level_name(LOG_ERROR), "error");
	assert_string_equal(log_level_name(LOG_WARN), "warn");
	assert_string_equal(log_level_name(LOG_INFO), "info");
	assert_string_equal(log_level_name(LOG_DEBUG), "debug");
	assert_string_equal(log_level_name(LOG_LEVEL_COUNT), "?");
	assert_true(log_level_parse("WARN", &level));
	assert_int_equal(level, LOG_WARN);
	assert_true(log_level_parse("Debug", &level));
	assert_int_equal(level, LOG_DEBUG);
	level = LOG_INFO;
	assert_false(log_level_parse("warning", &level));
	assert_false(log_level_parse("err", &level));
	assert_false(log_level_parse("", &level));
	assert_false(log_level_parse(NULL, &level));
	assert_int_equal(level, LOG_INFO);
}

/* ---- randomized test against a model of every record written --------- */

#define MODEL_RECORDS 20000
#define MODEL_RING    1000 /* deliberately not a power of two */
#define MODEL_READERS 3

struct model_record {
	uint16_t len;
	uint8_t level;
	uint8_t cpu;
};

struct model {
	struct model_record rec[MODEL_RECORDS];
	uint64_t written;
	uint64_t first; /* oldest record the ring should still hold */
	size_t used;
	uint32_t seed;
};

static uint32_t model_rand(struct model *m)
{
	m->seed = m->seed * 1664525u + 1013904223u;
	return m->seed >> 8;
}

static char text_byte(uint64_t seq, size_t i)
{
	return (char)('a' + (seq * 7 + i) % 26);
}

static void model_write(struct logring *r, struct model *m)
{
	struct model_record *mr = &m->rec[m->written];
	char line[300];

	mr->len = (uint16_t)(model_rand(m) % 300);
	mr->level = (uint8_t)(model_rand(m) % LOG_LEVEL_COUNT);
	mr->cpu = (uint8_t)(model_rand(m) % 8);
	for (size_t i = 0; i < mr->len; i++)
		line[i] = text_byte(m->written, i);
	assert_int_equal(logring_write(r, m->written * 10, mr->cpu, mr->level, line, mr->len),
	                 m->written);
	/* The specification: drop from the oldest until the new one fits. */
	while (MODEL_RING - m->used < (size_t)OVERHEAD + mr->len) {
		m->used -= OVERHEAD + m->rec[m->first].len;
		m->first++;
	}
	m->used += OVERHEAD + mr->len;
	m->written++;
}

static void model_read(struct logring *r, struct model *m, uint64_t *cursor, enum log_level filter)
{
	struct log_record rec;
	uint64_t from = *cursor, expect = from < m->first ? m->first : from;
	bool got = logring_read_level(r, cursor, &rec, text, sizeof(text), filter);

	/* Everything skipped was filtered out, never silently lost. */
	while (expect < m->written && m->rec[expect].level > filter)
		expect++;
	if (expect == m->written) {
		assert_false(got);
		assert_int_equal(*cursor, m->written > from ? m->written : from);
		return;
	}
	assert_true(got);
	assert_int_equal(rec.seq, expect);
	assert_int_equal(rec.lost, from < m->first ? m->first - from : 0);
	assert_int_equal(rec.level, m->rec[expect].level);
	assert_int_equal(rec.cpu, m->rec[expect].cpu);
	assert_int_equal(rec.timestamp, expect * 10);
	assert_int_equal(rec.text_len, m->rec[expect].len);
	for (size_t i = 0; i < rec.text_len; i++)
		assert_int_equal(rec.text[i], text_byte(expect, i));
	assert_int_equal(*cursor, expect + 1);
}

static void test_random_against_model(void **state)
{
	static struct model m;
	static const enum log_level filters[MODEL_READERS] = {
		LOG_DEBUG,
		LOG_WARN,
		LOG_INFO,
	};
	uint64_t cursor[MODEL_READERS] = { 0 };
	struct logring r;
	struct logring_stats st;

	(void)state;
	m.seed = 99;
	assert_true(logring_init(&r, storage, MODEL_RING));
	while (m.written < MODEL_RECORDS) {
		uint32_t dice = model_rand(&m) % 100;
		unsigned int reader = model_rand(&m) % MODEL_READERS;

		/* Readers keep up at times and fall far behind at others. */
		if (dice < (m.written / 2000 % 2 ? 30u : 60u))
			model_write(&r, &m);
		else
			model_read(&r, &m, &cursor[reader], filters[reader]);
		st = stats_of(&r);
		assert_int_equal(st.first_seq, m.first);
		assert_int_equal(st.next_seq, m.written);
		assert_int_equal(st.dropped, m.first);
		assert_int_equal(st.used_bytes, m.used);
	}
	assert_true(m.first > MODEL_RECORDS / 2);
	for (unsigned int i = 0; i < MODEL_READERS; i++) {
		while (cursor[i] < m.written)
			model_read(&r, &m, &cursor[i], filters[i]);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_init_checks_arguments),
		cmocka_unit_test(test_write_then_read_in_order),
		cmocka_unit_test(test_level_filter),
		cmocka_unit_test(test_full_ring_drops_oldest),
		cmocka_unit_test(test_one_big_record_evicts_many),
		cmocka_unit_test(test_texts_are_cut_safely),
		cmocka_unit_test(test_level_names),
		cmocka_unit_test(test_random_against_model),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
