/* Time in counter ticks (CNTPCT) and conversions to nanoseconds. */
#ifndef KERNEL_TIME_H
#define KERNEL_TIME_H

#include <stdint.h>
#include "arch/arm64/sysreg.h"

#define NSEC_PER_SEC 1000000000ull

static inline uint64_t time_now(void)
{
	return counter_now();
}

/* A deadline timeout ticks from now, saturating instead of wrapping. */
static inline uint64_t time_now_plus(uint64_t ticks)
{
	uint64_t now = time_now();

	return ticks > UINT64_MAX - now ? UINT64_MAX : now + ticks;
}

static inline uint64_t ns_to_ticks(uint64_t ns)
{
	return (uint64_t)(((__uint128_t)ns * counter_freq() + NSEC_PER_SEC - 1) / NSEC_PER_SEC);
}

static inline uint64_t ticks_to_ns(uint64_t ticks)
{
	return (uint64_t)(((__uint128_t)ticks * NSEC_PER_SEC) / counter_freq());
}

static inline uint64_t ms_to_ticks(uint64_t ms)
{
	return ns_to_ticks(ms * 1000000ull);
}

static inline uint64_t us_to_ticks(uint64_t us)
{
	return ns_to_ticks(us * 1000ull);
}

#endif
