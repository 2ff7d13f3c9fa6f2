/*
 * Real-time heap: two-level segregated fit, O(1) allocation and free.
 *
 * Free blocks sit in lists indexed by a first level (the size's power of
 * two) and a second level (HEAP_SL_COUNT linear steps within that power).
 * One bitmap per level finds the first non-empty list able to satisfy a
 * request with a couple of bit scans, so neither allocation nor free ever
 * walks a list.  Neighbouring free blocks are merged on free; each block
 * knows its physical predecessor, so merging is O(1) too.
 *
 * Every block starts with a HEAP_HEADER_SIZE header carrying a magic that
 * says used or free, which is how heap_free() spots double frees and
 * pointers that never came from this heap.
 *
 * Not thread-safe: the kernel wraps every call in its spinlock.
 */
#ifndef KERNEL_HEAP_H
#define KERNEL_HEAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/zerror.h"

#define HEAP_ALIGN_SHIFT  4
#define HEAP_ALIGN        (1u << HEAP_ALIGN_SHIFT) /* AAPCS64 stack/quad alignment */
#define HEAP_SL_SHIFT     4
#define HEAP_SL_COUNT     (1u << HEAP_SL_SHIFT) /* second-level lists per class */
/* Blocks must stay below 2^HEAP_FL_MAX_SHIFT bytes (4 GiB). */
#define HEAP_FL_MAX_SHIFT 32
/* Sizes below 2^(SL_SHIFT + ALIGN_SHIFT) share first-level list 0. */
#define HEAP_FL_COUNT     (HEAP_FL_MAX_SHIFT - HEAP_SL_SHIFT - HEAP_ALIGN_SHIFT + 1)
#define HEAP_MAX_REGIONS  8

struct heap_block;

struct heap_region {
	uintptr_t start; /* first block header */
	uintptr_t end;   /* the end sentinel header */
};

struct heap {
	uint32_t fl_bitmap;                /* bit f: some list in class f */
	uint32_t sl_bitmap[HEAP_FL_COUNT]; /* bit s: list (f, s) non-empty */
	struct heap_block *free_lists[HEAP_FL_COUNT][HEAP_SL_COUNT];
	struct heap_region regions[HEAP_MAX_REGIONS];
	unsigned int region_count;
	size_t used_bytes; /* in allocated blocks, headers included */
	size_t free_bytes; /* in free blocks, headers included */
	size_t alloc_count;
};

struct heap_stats {
	size_t used_bytes;   /* allocated blocks, headers included */
	size_t free_bytes;   /* free blocks, headers included */
	size_t largest_free; /* payload bytes of the largest free block */
	/*
	 * Largest heap_alloc() size that succeeds now.  It can be below
	 * largest_free: staying O(1) means rounding a request up to the
	 * next size class and never searching inside a list.
	 */
	size_t max_alloc;
	size_t alloc_count;    /* live allocations */
	size_t overhead_bytes; /* region sentinels */
};

void heap_init(struct heap *h);

/*
 * Hands [mem, mem + size) to the heap; the edges are trimmed to HEAP_ALIGN
 * and anything beyond the largest block size is left unused.  Returns
 * 0, -ZE_NO_SPACE (too small, or HEAP_MAX_REGIONS reached) or
 * -ZE_OVERLAP.
 */
int heap_add_region(struct heap *h, void *mem, size_t size);

/* size bytes aligned to HEAP_ALIGN, or NULL; size 0 gives NULL. */
void *heap_alloc(struct heap *h, size_t size);

/* size bytes aligned to align (a power of two), or NULL. */
void *heap_alloc_aligned(struct heap *h, size_t size, size_t align);

/*
 * Returns ptr to the heap; NULL is accepted and ignored.  Returns 0,
 * -ZE_DOUBLE_FREE or -ZE_NOT_ALLOCATED, changing nothing on error.
 */
int heap_free(struct heap *h, void *ptr);

/* Usable size of a live allocation (at least what was asked), 0 if bad. */
size_t heap_usable_size(const struct heap *h, const void *ptr);

void heap_stats(const struct heap *h, struct heap_stats *stats);

/* Walks every block and every free list: 0 or -ZE_CORRUPT. */
int heap_check(const struct heap *h);

#endif
