/* The time base record: scale math and the seqcount (lib/timebase.h). */
#include "lib/timebase.h"

#define LOAD(p)     __atomic_load_n(p, __ATOMIC_RELAXED)
#define STORE(p, v) __atomic_store_n(p, v, __ATOMIC_RELAXED)

uint64_t timebase_mult(uint64_t hz)
{
	if (hz == 0)
		return 0;
	/* Rounded to nearest; >= 1 Hz keeps it below 2^64 (10^9 < 2^30). */
	return (uint64_t)((((__uint128_t)TIMEBASE_NS_PER_SEC << TIMEBASE_SHIFT) + hz / 2) / hz);
}

uint64_t timebase_scale(uint64_t ticks, uint64_t mult, uint32_t shift)
{
	__uint128_t ns = ((__uint128_t)ticks * mult) >> (shift & 63u);

	return ns > UINT64_MAX ? UINT64_MAX : (uint64_t)ns;
}

uint64_t timebase_to_ns(const struct timebase_snapshot *s, uint64_t counter)
{
	uint64_t delta;

	if (counter >= s->counter_value) {
		delta = timebase_scale(counter - s->counter_value, s->mult, s->shift);
		return delta > UINT64_MAX - s->time_ns ? UINT64_MAX : s->time_ns + delta;
	}
	delta = timebase_scale(s->counter_value - counter, s->mult, s->shift);
	return delta > s->time_ns ? 0 : s->time_ns - delta;
}

int64_t timebase_diff_ns(uint64_t a, uint64_t b)
{
	if (a >= b)
		return a - b > (uint64_t)INT64_MAX ? INT64_MAX : (int64_t)(a - b);
	return b - a > (uint64_t)INT64_MAX ? INT64_MIN : -(int64_t)(b - a);
}

static void sync_record(const struct zvm_timebase *r, timebase_sync_fn sync)
{
	if (sync)
		sync(r, sizeof(*r));
}

void timebase_record_init(struct zvm_timebase *r, timebase_sync_fn sync)
{
	volatile uint8_t *bytes = (volatile uint8_t *)r;

	for (unsigned long i = 0; i < sizeof(*r); i++)
		bytes[i] = 0;
	r->version = ZVM_TIMEBASE_VERSION;
	r->size = (uint16_t)sizeof(*r);
	/* The magic last: a reader that sees it sees a whole header. */
	__atomic_store_n(&r->magic, ZVM_TIMEBASE_MAGIC, __ATOMIC_RELEASE);
	sync_record(r, sync);
}

static void write_fields(struct zvm_timebase *r, const struct timebase_snapshot *s)
{
	STORE(&r->flags, s->flags);
	STORE(&r->counter_value, s->counter_value);
	STORE(&r->time_ns, s->time_ns);
	STORE(&r->counter_hz, s->counter_hz);
	STORE(&r->mult, s->mult);
	STORE(&r->shift, s->shift);
	STORE(&r->source, s->source);
	STORE(&r->error_bound_ns, s->error_bound_ns);
	STORE(&r->generation, s->generation);
}

void timebase_publish(struct zvm_timebase *r, const struct timebase_snapshot *s,
                      timebase_sync_fn sync)
{
	uint32_t seq = LOAD(&r->seq);

	/* Odd first, and seen before any field changes (the release fence
	 * orders it before the stores that follow). */
	STORE(&r->seq, seq | 1u);
	__atomic_thread_fence(__ATOMIC_RELEASE);
	sync_record(r, sync);
	write_fields(r, s);
	sync_record(r, sync);
	/* Even again once every field is out: the next even value. */
	__atomic_store_n(&r->seq, (seq | 1u) + 1u, __ATOMIC_RELEASE);
	sync_record(r, sync);
}

static void read_fields(const struct zvm_timebase *r, struct timebase_snapshot *out)
{
	out->flags = LOAD(&r->flags);
	out->counter_value = LOAD(&r->counter_value);
	out->time_ns = LOAD(&r->time_ns);
	out->counter_hz = LOAD(&r->counter_hz);
	out->mult = LOAD(&r->mult);
	out->shift = LOAD(&r->shift);
	out->source = LOAD(&r->source);
	out->error_bound_ns = LOAD(&r->error_bound_ns);
	out->generation = LOAD(&r->generation);
}

static bool header_ok(const struct zvm_timebase *r)
{
	return __atomic_load_n(&r->magic, __ATOMIC_ACQUIRE) == ZVM_TIMEBASE_MAGIC &&
	       LOAD(&r->version) == ZVM_TIMEBASE_VERSION && LOAD(&r->size) >= sizeof(*r);
}

bool timebase_read(const struct zvm_timebase *r, struct timebase_snapshot *out)
{
	if (!header_ok(r))
		return false;
	for (unsigned tries = 0; tries < TIMEBASE_READ_TRIES; tries++) {
		uint32_t before = __atomic_load_n(&r->seq, __ATOMIC_ACQUIRE);

		if (before & 1u)
			continue; /* ZVM is writing */
		read_fields(r, out);
		/* No field load may move past the second read of seq. */
		__atomic_thread_fence(__ATOMIC_ACQUIRE);
		if (LOAD(&r->seq) == before) {
			out->seq = before;
			return true;
		}
	}
	return false;
}
