/*
 * The kernel log ring: variable-length records in a fixed byte ring.
 *
 * Each record carries a sequence number (0, 1, 2, ... with no gaps), a
 * counter timestamp, the writing CPU, a level and its text.  Writing never
 * blocks and never fails: when the ring is full the oldest records are
 * dropped (and counted) to make room.  Readers keep only a sequence number;
 * asking for one that has already been dropped yields the oldest surviving
 * record together with how many were lost in between.
 *
 * Not thread-safe: the kernel wraps writes and reads in its spinlock.
 */
#ifndef KERNEL_LOGRING_H
#define KERNEL_LOGRING_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Most severe first, so "at least as severe as" is a <= comparison. */
enum log_level {
	LOG_ERROR = 0,
	LOG_WARN,
	LOG_INFO,
	LOG_DEBUG,
	LOG_LEVEL_COUNT,
};

/* Longer texts are cut; keeps one record from flushing the whole ring. */
#define LOGRING_MAX_TEXT        512
/* Bytes a record takes in the ring besides its text. */
#define LOGRING_RECORD_OVERHEAD 24

struct logring {
	uint8_t *buf;
	size_t size;
	size_t head;        /* offset of the oldest record */
	size_t used;        /* bytes holding records */
	uint64_t first_seq; /* sequence number of the oldest record */
	uint64_t next_seq;  /* sequence number of the next write */
	uint64_t dropped;   /* records overwritten since init */
	/* Where the last read stopped, so sequential reads do not rescan. */
	uint64_t hint_seq;
	size_t hint_offset;
};

struct log_record {
	uint64_t seq;
	uint64_t timestamp; /* counter ticks, as given to logring_write */
	uint32_t cpu;       /* stored in 16 bits: CPUs 0..65535 */
	enum log_level level;
	uint64_t lost;    /* records dropped before the reader got them */
	const char *text; /* the caller's buf, NUL-terminated */
	size_t text_len;  /* bytes in text */
	bool truncated;   /* buf was too small for the whole text */
};

struct logring_stats {
	uint64_t first_seq;
	uint64_t next_seq;
	uint64_t records; /* held now */
	uint64_t dropped;
	size_t used_bytes;
	size_t size;
};

/*
 * Uses buf[0..size) as the ring.  False when buf is NULL or too small to
 * hold even one record with a one-byte text.
 */
bool logring_init(struct logring *ring, void *buf, size_t size);

/*
 * Appends a record and returns its sequence number.  Texts longer than
 * LOGRING_MAX_TEXT (or than the ring allows) are cut; an out-of-range level
 * is stored as LOG_DEBUG.
 */
uint64_t logring_write(struct logring *ring, uint64_t timestamp, uint32_t cpu, enum log_level level,
                       const char *text, size_t len);

/*
 * Reads the first record whose sequence number is >= *seq and whose level
 * is at least as severe as filter (LOG_DEBUG passes everything).  On success
 * fills rec, copies the text into buf (NUL-terminated, cut to buflen - 1)
 * and sets *seq past the record.  Returns false when there is none; *seq
 * then points past everything skipped.  The ring is not const only because
 * it remembers where the last read stopped.
 */
bool logring_read_level(struct logring *ring, uint64_t *seq, struct log_record *rec, char *buf,
                        size_t buflen, enum log_level filter);

/* logring_read_level() with every level passing. */
bool logring_read(struct logring *ring, uint64_t *seq, struct log_record *rec, char *buf,
                  size_t buflen);

void logring_get_stats(const struct logring *ring, struct logring_stats *stats);

/* "error", "warn", "info", "debug"; "?" for anything else. */
const char *log_level_name(enum log_level level);

/* Parses those names, in any letter case; false when s is none of them. */
bool log_level_parse(const char *s, enum log_level *level);

#endif
