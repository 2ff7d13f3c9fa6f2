/*
 * Benchmark statistics: min, average and max of counter-tick samples after a
 * warm-up, and their JSON line (portable, host-tested).
 */
#ifndef RTOS_BENCH_STATS_H
#define RTOS_BENCH_STATS_H

#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>

struct bench_stats {
	uint32_t warmup;  /* samples still to drop */
	uint32_t samples; /* samples kept */
	uint32_t limit;   /* samples beyond this are dropped */
	uint64_t min, max, sum;
};

void stats_init(struct bench_stats *s, uint32_t warmup, uint32_t limit);
/* Drops the first warmup samples and any after limit. */
void stats_add(struct bench_stats *s, uint64_t ticks);
bool stats_full(const struct bench_stats *s);
/* Rounded down; 0 without samples. */
uint64_t stats_avg(const struct bench_stats *s);
/* Counter ticks to nanoseconds at freq Hz, without overflow for any
 * realistic frequency. */
uint64_t ticks_to_ns(uint64_t ticks, uint64_t freq);
/* Writes {"bench":name,"samples":..,"min_ticks":..,...,"max_ns":..};
 * returns the length like snprintf. */
int stats_json(char *buf, size_t size, const char *name, const struct bench_stats *s,
               uint64_t freq);

#endif
