/*
 * The time base record (include/zvm/timebase.h): the counter <-> UTC math
 * and the seqcount that guards the published record.  Portable: ZVM writes
 * the record with it, the guest RTOS reads it with it, the host tests both.
 *
 * Scale: ns = (ticks * mult) >> TIMEBASE_SHIFT with the product in 128
 * bits, so no tick count overflows; only the final sum saturates (at year
 * 2554).  mult is rounded to nearest, so a tick is off by at most half a
 * unit of mult: a relative error of hz / (10^9 * 2^33), 3e-12 at 24 MHz
 * (0.25 us a day), none when hz divides 10^9 * 2^32 (1 GHz, 62.5 MHz).
 */
#ifndef LIB_TIMEBASE_H
#define LIB_TIMEBASE_H

#include <stdbool.h>
#include <stdint.h>

#include "zvm/timebase.h"

#define TIMEBASE_SHIFT      32u
#define TIMEBASE_NS_PER_SEC 1000000000ull
/* A reader that sees the record change this often gives up (ZVM writes it
 * a handful of times a day: only a broken writer gets there). */
#define TIMEBASE_READ_TRIES 64u

/* One consistent copy of the record's fields. */
struct timebase_snapshot {
	uint32_t seq; /* even: the seqcount value it was read under */
	uint32_t flags;
	uint64_t counter_value;
	uint64_t time_ns;
	uint64_t counter_hz;
	uint64_t mult;
	uint32_t shift;
	uint32_t source;
	uint64_t error_bound_ns;
	uint64_t generation;
};

/* mult for a counter of hz ticks per second; 0 when hz is 0. */
uint64_t timebase_mult(uint64_t hz);

/* ticks scaled by mult >> shift (shift <= 63), saturating at UINT64_MAX. */
uint64_t timebase_scale(uint64_t ticks, uint64_t mult, uint32_t shift);

/*
 * UTC ns at physical counter value counter: after the snapshot's counter
 * value forward, before it backward (a counter sampled just before the
 * record was written); saturates at 0 and UINT64_MAX.
 */
uint64_t timebase_to_ns(const struct timebase_snapshot *s, uint64_t counter);

/* a - b as a signed count of ns, saturating at INT64_MIN / INT64_MAX. */
int64_t timebase_diff_ns(uint64_t a, uint64_t b);

/*
 * Writer side: fills r's header (magic, version, size) and zeroes the
 * rest; then every publish makes seq odd, writes the fields, makes it
 * even.  sync, when not NULL, runs after each of the three steps with the
 * record's address and size: ZVM cleans the lines to memory there, for
 * guests that read with their caches off.  One writer at a time.
 */
typedef void (*timebase_sync_fn)(const volatile void *addr, unsigned long size);
void timebase_record_init(struct zvm_timebase *r, timebase_sync_fn sync);
void timebase_publish(struct zvm_timebase *r, const struct timebase_snapshot *s,
                      timebase_sync_fn sync);

/*
 * Reader side: a consistent copy of r into out.  Returns false when r is
 * no version-1 time base record (magic, version, size), or when it changed
 * under the reader TIMEBASE_READ_TRIES times in a row.
 */
bool timebase_read(const struct zvm_timebase *r, struct timebase_snapshot *out);

#endif
