/*
 * Kernel log ring: see logring.h for the contract.
 *
 * Records are stored back to back as a fixed header followed by the text,
 * wrapping around the end of the buffer byte by byte.  Records never move,
 * so a (sequence number, offset) pair stays valid until the writer drops
 * that record: that is what the read hint relies on.
 */
#include "kernel/logring.h"

#include "lib/string.h"

struct record_header {
	uint64_t seq;
	uint64_t timestamp;
	uint16_t text_len;
	uint16_t cpu;
	uint8_t level;
	uint8_t reserved[3];
};

_Static_assert(sizeof(struct record_header) == LOGRING_RECORD_OVERHEAD,
               "header documents the per-record overhead");
_Static_assert(LOGRING_MAX_TEXT <= UINT16_MAX, "text_len is 16 bits");

static const char *const level_names[LOG_LEVEL_COUNT] = {
	[LOG_ERROR] = "error",
	[LOG_WARN] = "warn",
	[LOG_INFO] = "info",
	[LOG_DEBUG] = "debug",
};

static size_t ring_advance(const struct logring *ring, size_t offset, size_t bytes)
{
	offset += bytes;
	return offset >= ring->size ? offset - ring->size : offset;
}

static void ring_put(struct logring *ring, size_t offset, const void *src, size_t len)
{
	size_t first = ring->size - offset;

	if (len == 0)
		return; /* src may be NULL for an empty text */
	if (first > len)
		first = len;
	memcpy(ring->buf + offset, src, first);
	memcpy(ring->buf, (const uint8_t *)src + first, len - first);
}

static void ring_get(const struct logring *ring, size_t offset, void *dst, size_t len)
{
	size_t first = ring->size - offset;

	if (first > len)
		first = len;
	memcpy(dst, ring->buf + offset, first);
	memcpy((uint8_t *)dst + first, ring->buf, len - first);
}

static size_t record_size(const struct record_header *h)
{
	return sizeof(*h) + h->text_len;
}

bool logring_init(struct logring *ring, void *buf, size_t size)
{
	if (!ring || !buf || size < sizeof(struct record_header) + 1)
		return false;
	*ring = (struct logring){ .buf = buf, .size = size };
	return true;
}

/* Forgets the oldest record to make room. */
static void drop_oldest(struct logring *ring)
{
	struct record_header h;

	ring_get(ring, ring->head, &h, sizeof(h));
	ring->head = ring_advance(ring, ring->head, record_size(&h));
	ring->used -= record_size(&h);
	ring->first_seq++;
	ring->dropped++;
}

uint64_t logring_write(struct logring *ring, uint64_t timestamp, uint32_t cpu, enum log_level level,
                       const char *text, size_t len)
{
	size_t room = ring->size - sizeof(struct record_header);
	struct record_header h = {
		.seq = ring->next_seq,
		.timestamp = timestamp,
		.cpu = (uint16_t)cpu,
		.level = (uint8_t)((unsigned int)level < LOG_LEVEL_COUNT ? level : LOG_DEBUG),
	};
	size_t tail;

	if (!text)
		len = 0;
	if (len > LOGRING_MAX_TEXT)
		len = LOGRING_MAX_TEXT;
	if (len > room)
		len = room;
	h.text_len = (uint16_t)len;
	while (ring->size - ring->used < record_size(&h))
		drop_oldest(ring);

	tail = ring_advance(ring, ring->head, ring->used);
	ring_put(ring, tail, &h, sizeof(h));
	ring_put(ring, ring_advance(ring, tail, sizeof(h)), text, len);
	ring->used += record_size(&h);
	return ring->next_seq++;
}

/* Offset of record seq, which must be in [first_seq, next_seq]. */
static size_t offset_of(const struct logring *ring, uint64_t seq)
{
	uint64_t at = ring->first_seq;
	size_t offset = ring->head;
	struct record_header h;

	if (ring->hint_seq >= ring->first_seq && ring->hint_seq <= seq &&
	    ring->hint_seq <= ring->next_seq) {
		at = ring->hint_seq;
		offset = ring->hint_offset;
	}
	for (; at < seq; at++) {
		ring_get(ring, offset, &h, sizeof(h));
		offset = ring_advance(ring, offset, record_size(&h));
	}
	return offset;
}

static void fill_record(const struct logring *ring, size_t offset, const struct record_header *h,
                        struct log_record *rec, char *buf, size_t buflen)
{
	size_t copy = h->text_len;

	rec->seq = h->seq;
	rec->timestamp = h->timestamp;
	rec->cpu = h->cpu;
	rec->level = (enum log_level)h->level;
	rec->truncated = false;
	rec->text = buf;
	if (buflen == 0) {
		rec->text = "";
		rec->text_len = 0;
		rec->truncated = copy != 0;
		return;
	}
	if (copy > buflen - 1) {
		copy = buflen - 1;
		rec->truncated = true;
	}
	ring_get(ring, ring_advance(ring, offset, sizeof(*h)), buf, copy);
	buf[copy] = '\0';
	rec->text_len = copy;
}

bool logring_read_level(struct logring *ring, uint64_t *seq, struct log_record *rec, char *buf,
                        size_t buflen, enum log_level filter)
{
	uint64_t at = *seq, lost = 0;
	size_t offset;

	if (at < ring->first_seq) {
		lost = ring->first_seq - at;
		at = ring->first_seq;
	}
	if (at >= ring->next_seq) {
		*seq = at;
		return false;
	}
	offset = offset_of(ring, at);
	for (; at < ring->next_seq; at++) {
		struct record_header h;
		size_t start = offset;

		ring_get(ring, start, &h, sizeof(h));
		offset = ring_advance(ring, start, record_size(&h));
		if (h.level <= (unsigned int)filter) {
			fill_record(ring, start, &h, rec, buf, buflen);
			rec->lost = lost;
			*seq = at + 1;
			ring->hint_seq = at + 1;
			ring->hint_offset = offset;
			return true;
		}
	}
	*seq = at;
	ring->hint_seq = at;
	ring->hint_offset = offset;
	return false;
}

bool logring_read(struct logring *ring, uint64_t *seq, struct log_record *rec, char *buf,
                  size_t buflen)
{
	return logring_read_level(ring, seq, rec, buf, buflen, LOG_DEBUG);
}

void logring_get_stats(const struct logring *ring, struct logring_stats *stats)
{
	stats->first_seq = ring->first_seq;
	stats->next_seq = ring->next_seq;
	stats->records = ring->next_seq - ring->first_seq;
	stats->dropped = ring->dropped;
	stats->used_bytes = ring->used;
	stats->size = ring->size;
}

const char *log_level_name(enum log_level level)
{
	if ((unsigned int)level >= LOG_LEVEL_COUNT)
		return "?";
	return level_names[level];
}

static char lower(char c)
{
	return c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
}

static bool equal_ignoring_case(const char *a, const char *b)
{
	while (*a && lower(*a) == lower(*b)) {
		a++;
		b++;
	}
	return *a == '\0' && *b == '\0';
}

bool log_level_parse(const char *s, enum log_level *level)
{
	if (!s)
		return false;
	for (unsigned int i = 0; i < LOG_LEVEL_COUNT; i++) {
		if (equal_ignoring_case(s, level_names[i])) {
			*level = (enum log_level)i;
			return true;
		}
	}
	return false;
}
