#include "bench/stats.h"
#include "lib/format.h"

#define NS_PER_SECOND 1000000000ull

void stats_init(struct bench_stats *s, uint32_t warmup, uint32_t limit)
{
	s->warmup = warmup;
	s->limit = limit;
	s->samples = 0;
	s->min = UINT64_MAX;
	s->max = 0;
	s->sum = 0;
}

void stats_add(struct bench_stats *s, uint64_t ticks)
{
	if (s->warmup) {
		s->warmup--;
		return;
	}
	if (s->samples >= s->limit)
		return;
	s->samples++;
	s->sum += ticks;
	if (ticks < s->min)
		s->min = ticks;
	if (ticks > s->max)
		s->max = ticks;
}

bool stats_full(const struct bench_stats *s)
{
	return s->samples >= s->limit;
}

uint64_t stats_avg(const struct bench_stats *s)
{
	return s->samples ? s->sum / s->samples : 0;
}

uint64_t ticks_to_ns(uint64_t ticks, uint64_t freq)
{
	if (freq == 0)
		return 0;
	return ticks / freq * NS_PER_SECOND + ticks % freq * NS_PER_SECOND / freq;
}

int stats_json(char *buf, size_t size, const char *name, const struct bench_stats *s, uint64_t freq)
{
	uint64_t min = s->samples ? s->min : 0;
	uint64_t avg = stats_avg(s);

	return fmt_snprintf(buf, size,
	                    "{\"bench\":\"%s\",\"samples\":%u,"
	                    "\"min_ticks\":%llu,\"avg_ticks\":%llu,\"max_ticks\":%llu,"
	                    "\"min_ns\":%llu,\"avg_ns\":%llu,\"max_ns\":%llu}",
	                    name, (unsigned int)s->samples, (unsigned long long)min,
	                    (unsigned long long)avg, (unsigned long long)s->max,
	                    (unsigned long long)ticks_to_ns(min, freq),
	                    (unsigned long long)ticks_to_ns(avg, freq),
	                    (unsigned long long)ticks_to_ns(s->max, freq));
}
