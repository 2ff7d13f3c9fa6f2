/*
 * The test stream every Zshm endpoint speaks (the bare-metal guest, the
 * Linux endpoint, the guest RTOS), so that any two of them can check each
 * other: message seq of a stream meant for reader epoch E is
 *
 *   bytes 0..3  seq, little-endian
 *   bytes 4..7  E, the reader's epoch when the writer started the stream
 *   bytes 8..   (seq * 7 + i * 13) & 0xff for byte i
 *
 * and is ZSHM_STREAM_HEADER + seq % (ZSHM_MSG_MAX - ZSHM_STREAM_HEADER + 1)
 * bytes long (every length from the header to a full slot).  Both ends
 * fold every message into a 32-bit FNV-1a checksum and print it.
 */
#ifndef LIB_ZSHM_STREAM_H
#define LIB_ZSHM_STREAM_H

#include <stdint.h>

#include "zvm/zshm.h"

#define ZSHM_STREAM_HEADER 8u          /* seq, epoch */
#define ZSHM_FNV_OFFSET    2166136261u /* FNV-1a, 32 bits */
#define ZSHM_FNV_PRIME     16777619u

/* Fills m (ZSHM_MSG_MAX bytes) with message seq; returns its length. */
static inline uint32_t zshm_stream_message(uint32_t seq, uint32_t epoch, uint8_t *m)
{
	uint32_t len = ZSHM_STREAM_HEADER + seq % (ZSHM_MSG_MAX - ZSHM_STREAM_HEADER + 1);

	for (uint32_t i = 0; i < 4; i++) {
		m[i] = (uint8_t)(seq >> (8 * i));
		m[4 + i] = (uint8_t)(epoch >> (8 * i));
	}
	for (uint32_t i = ZSHM_STREAM_HEADER; i < len; i++)
		m[i] = (uint8_t)(seq * 7u + i * 13u);
	return len;
}

static inline uint32_t zshm_stream_fnv(uint32_t h, const uint8_t *m, uint32_t len)
{
	for (uint32_t i = 0; i < len; i++)
		h = (h ^ m[i]) * ZSHM_FNV_PRIME;
	return h;
}

static inline uint32_t zshm_stream_word(const uint8_t *m)
{
	return (uint32_t)m[0] | (uint32_t)m[1] << 8 | (uint32_t)m[2] << 16 | (uint32_t)m[3] << 24;
}

/* True when m (n bytes) is exactly message seq of a stream for epoch. */
static inline int zshm_stream_check(const uint8_t *m, int n, uint32_t seq, uint32_t epoch)
{
	uint8_t want[ZSHM_MSG_MAX];
	uint32_t len = zshm_stream_message(seq, epoch, want);

	if (n < 0 || (uint32_t)n != len)
		return 0;
	for (uint32_t i = 0; i < len; i++)
		if (m[i] != want[i])
			return 0;
	return 1;
}

#endif
