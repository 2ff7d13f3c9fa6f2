/*
 * Buddy allocator of 4 KiB physical pages.
 *
 * Blocks are 2^order contiguous pages, naturally aligned in physical address
 * space, for orders 0..PAGE_MAX_ORDER.  Memory comes from one or more
 * physical ranges (RAM banks); ranges need not be aligned to any order and
 * may be added in any order.  Reserved ranges (the ZVM image, the DTB, this
 * allocator's own metadata) are carved out whether they are declared before
 * or after the RAM that contains them.
 *
 * No state lives in the managed pages: every page has one struct page_meta
 * in an array the caller provides, so the kernel places it where it likes
 * and host tests can manage fake physical addresses.
 *
 *   metadata bytes = sizeof(struct page_meta) (12) * pages of all ranges,
 *   i.e. PAGE_ALLOC_META_BYTES(total RAM bytes): 3 MiB per GiB of RAM.
 *
 * Physical address 0 is the "no memory" answer of page_alloc(), so page 0 is
 * never handed out even when a range starts there.
 *
 * Not thread-safe: the kernel wraps every call in its spinlock.
 */
#ifndef KERNEL_PAGE_ALLOC_H
#define KERNEL_PAGE_ALLOC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/zerror.h"

#ifndef PAGE_SHIFT
#define PAGE_SHIFT 12 /* 4 KiB translation granule */
#endif
#ifndef PAGE_SIZE
#define PAGE_SIZE (UINT64_C(1) << PAGE_SHIFT)
#endif

/* 2^18 pages = 1 GiB: whole guest RAM banks come out in one block. */
#define PAGE_MAX_ORDER          18
#define PAGE_ORDER_COUNT        (PAGE_MAX_ORDER + 1)
#define PAGE_ALLOC_MAX_RANGES   8  /* RAM banks; boards have 1..4 */
#define PAGE_ALLOC_MAX_RESERVED 16 /* image, DTB, metadata, firmware */

/* Per-page bookkeeping: free-list links are indices into the meta array. */
struct page_meta {
	uint32_t next;
	uint32_t prev;
	uint8_t state; /* enum page_state in page_alloc.c */
	uint8_t order; /* meaningful on the first page of a block */
	uint16_t span; /* on a used head: a later piece of page_alloc_bytes() */
};

#define PAGE_ALLOC_META_BYTES(ram_bytes) \
	(((uint64_t)(ram_bytes) >> PAGE_SHIFT) * sizeof(struct page_meta))

struct page_range {
	uint64_t base; /* page aligned */
	uint32_t pages;
	uint32_t first_meta; /* index of the range's first page in meta */
};

struct page_reservation {
	uint64_t base; /* rounded out to whole pages */
	uint64_t end;
};

struct page_alloc {
	struct page_meta *meta;
	uint32_t meta_capacity;
	uint32_t meta_used;
	struct page_range ranges[PAGE_ALLOC_MAX_RANGES];
	unsigned int range_count;
	struct page_reservation reserved[PAGE_ALLOC_MAX_RESERVED];
	unsigned int reserved_count;
	uint32_t free_head[PAGE_ORDER_COUNT];
	uint32_t free_blocks[PAGE_ORDER_COUNT];
	uint64_t total_pages; /* managed pages, reservations excluded */
	uint64_t free_pages;
};

struct page_alloc_stats {
	uint64_t total_pages;
	uint64_t free_pages;
	uint32_t free_blocks[PAGE_ORDER_COUNT];
};

/* Starts empty; meta has room for meta_count pages over all ranges. */
void page_alloc_init(struct page_alloc *pa, struct page_meta *meta, size_t meta_count);

/*
 * Adds RAM [base, base + size), shrunk inward to whole pages.  Pages inside
 * earlier reservations stay out.  Returns 0, -ZE_BAD_ADDRESS (empty
 * or wrapping range), -ZE_OVERLAP or -ZE_NO_SPACE.
 */
int page_alloc_add_range(struct page_alloc *pa, uint64_t base, uint64_t size);

/*
 * Keeps [base, base + size), grown outward to whole pages, out of the
 * allocator, now and for ranges added later.  Returns 0,
 * -ZE_BAD_ADDRESS, -ZE_NO_SPACE or -ZE_BUSY (some of those pages
 * are allocated: nothing changes).
 */
int page_alloc_reserve(struct page_alloc *pa, uint64_t base, uint64_t size);

/* 2^order contiguous, aligned pages; returns their address, 0 if none. */
uint64_t page_alloc(struct page_alloc *pa, unsigned int order);

/*
 * Returns a block from page_alloc(addr, order) and merges it with free
 * buddies.  Errors leave the allocator untouched: -ZE_BAD_ADDRESS,
 * -ZE_DOUBLE_FREE, -ZE_NOT_ALLOCATED, -ZE_WRONG_ORDER.
 */
int page_free(struct page_alloc *pa, uint64_t addr, unsigned int order);

/*
 * Gives back reservation [base, base + size), exactly as reserved: its
 * managed pages become free.  0 or -ZE_NOENT (no such reservation).
 */
int page_alloc_unreserve(struct page_alloc *pa, uint64_t base, uint64_t size);

/*
 * bytes (rounded up to pages) of contiguous memory aligned to the smallest
 * power-of-two block that holds them; only bytes are kept, the rest stays
 * free.  0 if no block that large is free.  Freed with the same size only:
 * -ZE_WRONG_ORDER otherwise, and page_free()'s errors.
 */
uint64_t page_alloc_bytes(struct page_alloc *pa, uint64_t bytes);
int page_free_bytes(struct page_alloc *pa, uint64_t addr, uint64_t bytes);
/* The largest request page_alloc_bytes() can meet now, in bytes. */
uint64_t page_alloc_largest_free(const struct page_alloc *pa);

/* Smallest order whose block holds bytes; -ZE_INVAL when larger than the max. */
int page_order_for_bytes(uint64_t bytes);

void page_alloc_get_stats(const struct page_alloc *pa, struct page_alloc_stats *stats);

/* Walks every page and free list; 0 or -ZE_CORRUPT. */
int page_alloc_check(const struct page_alloc *pa);

#endif
