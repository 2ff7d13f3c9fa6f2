/*
 * Single-thread benchmarks of uncontended kernel object operations, plus
 * the cost of reading the counter itself (every other figure includes one
 * such read).
 *   counter_read: two back-to-back timer_now() calls.
 *   mutex: lock + unlock of a free mutex.
 *   mempool: alloc + free of one block.
 */
#include "app/bench.h"
#include "kernel/mutex.h"
#include "kernel/mempool.h"
#include "kernel/panic.h"
#include "drivers/timer.h"

#define POOL_BLOCKS     8
#define POOL_BLOCK_SIZE 64

static struct bench_stats stats;
static struct mutex mutex;
static struct mempool pool;
static uint64_t pool_buf[POOL_BLOCKS * POOL_BLOCK_SIZE / sizeof(uint64_t)];

static void counter_read(void *arg)
{
	uint64_t t0;
	unsigned int i;

	(void)arg;
	stats_init(&stats, BENCH_WARMUP, BENCH_SAMPLES);
	for (i = 0; i < BENCH_TOTAL; i++) {
		t0 = timer_now();
		stats_add(&stats, timer_now() - t0);
	}
	bench_report("counter_read", &stats);
	bench_finish();
}

void bench_counter_read(void)
{
	bench_spawn(0, "counter", counter_read, NULL, PRIO_BENCH_MID);
}

static void mutex_cycle(void *arg)
{
	uint64_t t0;
	unsigned int i;

	(void)arg;
	stats_init(&stats, BENCH_WARMUP, BENCH_SAMPLES);
	mutex_init(&mutex);
	for (i = 0; i < BENCH_TOTAL; i++) {
		t0 = timer_now();
		mutex_lock(&mutex);
		mutex_unlock(&mutex);
		stats_add(&stats, timer_now() - t0);
	}
	bench_report("mutex_lock_unlock", &stats);
	bench_finish();
}

void bench_mutex(void)
{
	bench_spawn(0, "mutex", mutex_cycle, NULL, PRIO_BENCH_MID);
}

static void mempool_cycle(void *arg)
{
	uint64_t t0;
	unsigned int i;
	void *block;

	(void)arg;
	stats_init(&stats, BENCH_WARMUP, BENCH_SAMPLES);
	if (mempool_init(&pool, pool_buf, sizeof(pool_buf), POOL_BLOCK_SIZE))
		panic("mempool_init");
	for (i = 0; i < BENCH_TOTAL; i++) {
		t0 = timer_now();
		block = mempool_alloc(&pool);
		mempool_free(&pool, block);
		stats_add(&stats, timer_now() - t0);
		if (!block)
			panic("mempool exhausted");
	}
	bench_report("mem_alloc_free", &stats);
	bench_finish();
}

void bench_mempool(void)
{
	bench_spawn(0, "mempool", mempool_cycle, NULL, PRIO_BENCH_MID);
}
