/*
 * Memory tests: the heap's alignment and disjointness over many random
 * sizes, frees that give everything back, bad frees that are caught and
 * counted, the page allocator's natural alignment, and a sound heap after
 * every core hammered it at once.
 */
#include "selftest/ztest.h"
#include "selftest/ztest_util.h"
#include "kernel/heap.h"
#include "kernel/mem.h"
#include "kernel/page_alloc.h"
#include "lib/string.h"

#define RANDOM_BLOCKS       96
#define RANDOM_MAX_SIZE     3000
#define RANDOM_SEED         0x9e3779b9u
#define BIG_BLOCK           (64 * 1024)
#define MAX_ALIGN_SHIFT     13 /* up to 8 KiB alignment */
#define PAGE_TEST_ORDERS    9  /* orders 0..8: 4 KiB .. 1 MiB */
/* Shared among the cores: lock handoffs between vCPUs are slow on QEMU. */
#define STRESS_TOTAL_ROUNDS 800
#define STRESS_SLOTS        8
#define STRESS_MAX_SIZE     512

struct block {
	uint8_t *p;
	size_t size;
	uint8_t fill;
};

static bool block_intact(const struct block *b)
{
	for (size_t i = 0; i < b->size; i++) {
		if (b->p[i] != b->fill)
			return false;
	}
	return true;
}

static bool overlap(const struct block *a, const struct block *b)
{
	return a->p < b->p + b->size && b->p < a->p + a->size;
}

/* Allocates n blocks of random sizes, each filled with its own byte. */
static unsigned alloc_random(struct block *b, unsigned n, uint32_t *seed)
{
	unsigned got = 0;

	for (unsigned i = 0; i < n; i++) {
		b[i].size = i == n / 2 ? BIG_BLOCK : 1 + zt_rand(seed) % RANDOM_MAX_SIZE;
		b[i].fill = (uint8_t)(0x5a ^ i);
		b[i].p = kmalloc(b[i].size);
		if (b[i].p) {
			memset(b[i].p, b[i].fill, b[i].size);
			got++;
		}
	}
	return got;
}

static void free_shuffled(struct block *b, unsigned n, uint32_t *seed)
{
	for (unsigned left = n; left > 0; left--) {
		unsigned k = zt_rand(seed) % left;
		struct block tmp = b[k];

		kfree(tmp.p);
		b[k] = b[left - 1];
		b[left - 1] = tmp;
	}
}

ZTEST(alloc, random_sizes_aligned_disjoint)
{
	static struct block b[RANDOM_BLOCKS];
	uint32_t seed = RANDOM_SEED;
	unsigned got = alloc_random(b, RANDOM_BLOCKS, &seed);
	unsigned misaligned = 0, overlaps = 0, damaged = 0;

	for (unsigned i = 0; i < RANDOM_BLOCKS; i++) {
		if (!b[i].p)
			continue;
		misaligned += ((uintptr_t)b[i].p % HEAP_ALIGN) != 0;
		damaged += !block_intact(&b[i]);
		for (unsigned j = i + 1; j < RANDOM_BLOCKS; j++)
			overlaps += b[j].p && overlap(&b[i], &b[j]);
	}
	free_shuffled(b, RANDOM_BLOCKS, &seed);
	ZT_CHECK_EQ(got, RANDOM_BLOCKS);
	ZT_CHECK_EQ(misaligned, 0);
	ZT_CHECK_EQ(overlaps, 0);
	ZT_CHECK_EQ(damaged, 0);
	ZT_CHECK_EQ(mem_check(), 0);
	ztest_figure(ctx, "blocks", got);
}

ZTEST(alloc, free_returns_memory)
{
	static struct block b[RANDOM_BLOCKS];
	struct mem_stats s0, s1, s2;
	uint32_t seed = RANDOM_SEED ^ 1;
	uint64_t asked = 0;

	mem_get_stats(&s0);
	unsigned got = alloc_random(b, RANDOM_BLOCKS, &seed);
	mem_get_stats(&s1);
	for (unsigned i = 0; i < RANDOM_BLOCKS; i++)
		asked += b[i].p ? b[i].size : 0;
	free_shuffled(b, RANDOM_BLOCKS, &seed);
	mem_get_stats(&s2);
	ZT_CHECK_EQ(got, RANDOM_BLOCKS);
	ZT_CHECK_EQ(s1.heap_allocs, s0.heap_allocs + RANDOM_BLOCKS);
	ZT_CHECK(s1.heap_used - s0.heap_used >= asked);
	/* Blocks move between used and free; the heap's size never changes. */
	ZT_CHECK_EQ(s1.heap_used + s1.heap_free, s0.heap_used + s0.heap_free);
	ZT_CHECK_EQ(s2.heap_used, s0.heap_used);
	ZT_CHECK_EQ(s2.heap_free, s0.heap_free);
	ZT_CHECK_EQ(s2.heap_allocs, s0.heap_allocs);
	/* Freed neighbours merged again: the largest block is back. */
	ZT_CHECK_EQ(s2.heap_largest_free, s0.heap_largest_free);
	ZT_CHECK_EQ(mem_check(), 0);
	ztest_figure(ctx, "peak_bytes", s1.heap_used - s0.heap_used);
}

ZTEST(alloc, bad_kfree_detected)
{
	struct mem_stats s0, s1;
	uint64_t not_heap = 0;
	uint8_t *p, *q;

	mem_get_stats(&s0);
	p = kzalloc(64);
	q = kzalloc(64); /* keeps p from merging on the double free */
	ZT_CHECK(p && q);
	kfree(0);              /* allowed, and not an error */
	kfree(p + HEAP_ALIGN); /* inside a block */
	kfree(&not_heap);      /* never from the heap */
	kfree(p);
	kfree(p); /* double free */
	kfree(q);
	mem_get_stats(&s1);
	ZT_CHECK_EQ(s1.kfree_errors - s0.kfree_errors, 3);
	ZT_CHECK_EQ(s1.heap_allocs, s0.heap_allocs);
	ZT_CHECK_EQ(s1.heap_used, s0.heap_used);
	ZT_CHECK_EQ(mem_check(), 0);
}

ZTEST(alloc, aligned_allocations)
{
	struct block b[MAX_ALIGN_SHIFT + 1] = { 0 };
	struct mem_stats s0, s1;
	unsigned misaligned = 0, got = 0, overlaps = 0;

	mem_get_stats(&s0);
	for (unsigned s = HEAP_ALIGN_SHIFT; s <= MAX_ALIGN_SHIFT; s++) {
		b[s].size = 100 + 37 * s;
		b[s].fill = (uint8_t)s;
		b[s].p = kmalloc_aligned(b[s].size, (size_t)1 << s);
		if (!b[s].p)
			continue;
		got++;
		misaligned += ((uintptr_t)b[s].p & (((uintptr_t)1 << s) - 1)) != 0;
		memset(b[s].p, b[s].fill, b[s].size);
	}
	for (unsigned i = 0; i <= MAX_ALIGN_SHIFT; i++) {
		for (unsigned j = i + 1; j <= MAX_ALIGN_SHIFT; j++)
			overlaps += b[i].p && b[j].p && overlap(&b[i], &b[j]);
		if (b[i].p && !block_intact(&b[i]))
			overlaps++;
	}
	for (unsigned i = 0; i <= MAX_ALIGN_SHIFT; i++)
		kfree(b[i].p);
	mem_get_stats(&s1);
	ZT_CHECK_EQ(got, MAX_ALIGN_SHIFT - HEAP_ALIGN_SHIFT + 1);
	ZT_CHECK_EQ(misaligned, 0);
	ZT_CHECK_EQ(overlaps, 0);
	ZT_CHECK_EQ(s1.heap_used, s0.heap_used);
	ZT_CHECK_EQ(s1.kfree_errors, s0.kfree_errors);
	ZT_CHECK_EQ(mem_check(), 0);
}

ZTEST(alloc, page_orders)
{
	uint64_t addr[PAGE_TEST_ORDERS] = { 0 };
	struct mem_stats s0, s1, s2;
	unsigned misaligned = 0, overlaps = 0, unwritable = 0;
	int rc_double, rc_wrong_order;
	uint64_t expect_used = 0;

	mem_get_stats(&s0);
	for (unsigned o = 0; o < PAGE_TEST_ORDERS; o++) {
		uint64_t bytes = PAGE_SIZE << o;

		addr[o] = page_alloc_order(o);
		if (!addr[o])
			continue;
		expect_used += 1u << o;
		misaligned += (addr[o] & (bytes - 1)) != 0;
		/* ZVM maps RAM 1:1: the block's first and last words are ours. */
		volatile uint64_t *first = (uint64_t *)(uintptr_t)addr[o];
		volatile uint64_t *last =
		        (uint64_t *)(uintptr_t)(addr[o] + bytes - sizeof(uint64_t));
		*first = addr[o];
		*last = ~addr[o];
		unwritable += *first != addr[o] || *last != ~addr[o];
	}
	for (unsigned i = 0; i < PAGE_TEST_ORDERS; i++) {
		for (unsigned j = i + 1; j < PAGE_TEST_ORDERS; j++) {
			if (addr[i] && addr[j] && addr[i] < addr[j] + (PAGE_SIZE << j) &&
			    addr[j] < addr[i] + (PAGE_SIZE << i))
				overlaps++;
		}
	}
	mem_get_stats(&s1);
	rc_wrong_order = addr[1] ? page_free_order(addr[1], 2) : 0;
	for (unsigned o = 0; o < PAGE_TEST_ORDERS; o++) {
		if (addr[o] && page_free_order(addr[o], o) != 0)
			overlaps++;
	}
	rc_double = addr[0] ? page_free_order(addr[0], 0) : 0;
	mem_get_stats(&s2);
	for (unsigned o = 0; o < PAGE_TEST_ORDERS; o++)
		ZT_CHECK(addr[o] != 0);
	ZT_CHECK_EQ(misaligned, 0);
	ZT_CHECK_EQ(overlaps, 0);
	ZT_CHECK_EQ(unwritable, 0);
	ZT_CHECK_EQ(s0.pages_free - s1.pages_free, expect_used);
	ZT_CHECK(rc_wrong_order != 0);
	ZT_CHECK(rc_double != 0);
	ZT_CHECK_EQ(s2.pages_free, s0.pages_free);
	ZT_CHECK_EQ(mem_check(), 0);
	ztest_figure(ctx, "pages", expect_used);
}

/* --- every core allocates and frees at once ---------------------------------- */

struct stress_ctx {
	uint32_t seed;
	unsigned rounds;
	unsigned failed_allocs;
	unsigned damaged;
	unsigned ops;
};

static void alloc_stress(void *arg)
{
	struct stress_ctx *c = arg;
	struct block slot[STRESS_SLOTS] = { 0 };

	for (unsigned r = 0; r < c->rounds; r++) {
		struct block *b = &slot[zt_rand(&c->seed) % STRESS_SLOTS];

		if (b->p) {
			c->damaged += !block_intact(b);
			kfree(b->p);
			b->p = 0;
		} else {
			b->size = 1 + zt_rand(&c->seed) % STRESS_MAX_SIZE;
			b->fill = (uint8_t)(c->seed >> 24);
			b->p = kmalloc(b->size);
			if (!b->p) {
				c->failed_allocs++;
				continue;
			}
			memset(b->p, b->fill, b->size);
		}
		c->ops++;
	}
	for (unsigned i = 0; i < STRESS_SLOTS; i++) {
		if (slot[i].p) {
			c->damaged += !block_intact(&slot[i]);
			kfree(slot[i].p);
		}
	}
}

ZTEST(alloc, all_cores_at_once)
{
	unsigned cpus[MAX_CPUS], n = zt_online_cpus(cpus, MAX_CPUS), created = 0, ops = 0;
	struct thread *ts[MAX_CPUS] = { 0 };
	struct stress_ctx c[MAX_CPUS] = { 0 };
	struct mem_stats s0, s1;
	int check_before = mem_check();

	/* The threads' own structures come and go too: measure around them. */
	for (unsigned i = 0; i < n; i++) {
		c[i].seed = RANDOM_SEED + i;
		c[i].rounds = STRESS_TOTAL_ROUNDS / n;
	}
	unsigned old = zt_set_own_prio(ZT_PRIO_STARTER);
	mem_get_stats(&s0);
	for (unsigned i = 0; i < n; i++)
		created += (ts[i] = zt_start("alloc", alloc_stress, &c[i], ZT_PRIO_WORKER,
		                             cpus[i])) != 0;
	zt_set_own_prio(old);
	ZT_CHECK(zt_join_all(ts, n));
	mem_get_stats(&s1);
	ZT_CHECK_EQ(check_before, 0);
	ZT_CHECK_EQ(created, n);
	for (unsigned i = 0; i < n; i++) {
		ZT_CHECK_EQ(c[i].failed_allocs, 0);
		ZT_CHECK_EQ(c[i].damaged, 0);
		ops += c[i].ops;
	}
	ZT_CHECK_EQ(s1.heap_used, s0.heap_used);
	ZT_CHECK_EQ(s1.kfree_errors, s0.kfree_errors);
	ZT_CHECK_EQ(mem_check(), 0);
	ztest_figure(ctx, "ops", ops);
}
