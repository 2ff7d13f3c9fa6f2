/*
 * Two-level segregated fit heap: see heap.h for the contract.
 *
 * Memory layout of a region:
 *
 *   [block][block]...[block][sentinel header]
 *
 * A block is a header followed by its payload; block sizes include the
 * header and are multiples of HEAP_ALIGN.  The sentinel is a bare header of
 * size 0 that is never free, so the last block never tries to merge past
 * the region.  Free blocks keep their list links in the payload.
 */
#include "kernel/heap.h"

/* Header states; arbitrary values unlikely to appear in stray memory. */
#define MAGIC_USED 0x55534544u /* "USED" */
#define MAGIC_FREE 0x46524545u /* "FREE" */
#define MAGIC_END  0x454e4421u /* "END!" */
/* Mixed into the guard so a zeroed header never looks valid. */
#define GUARD_SALT 0xa5c3e10fu

struct heap_block {
	struct heap_block *prev_phys; /* NULL for a region's first block */
	size_t size;                  /* whole block, header included */
	uint32_t magic;
	uint32_t guard; /* ties magic and size to this address */
	/* Payload starts here; free blocks store their list links in it. */
	_Alignas(HEAP_ALIGN) struct heap_block *next_free;
	struct heap_block *prev_free;
};

#define HEADER_SIZE offsetof(struct heap_block, next_free)
#define MIN_BLOCK   (sizeof(struct heap_block))
#define SMALL_LIMIT ((size_t)1 << (HEAP_SL_SHIFT + HEAP_ALIGN_SHIFT))
#define MAX_BLOCK   (((size_t)1 << HEAP_FL_MAX_SHIFT) - HEAP_ALIGN)

_Static_assert(HEADER_SIZE % HEAP_ALIGN == 0, "payloads must stay aligned");
_Static_assert(MIN_BLOCK % HEAP_ALIGN == 0, "block sizes are aligned");
_Static_assert(sizeof(size_t) >= 8, "block sizes reach 2^HEAP_FL_MAX_SHIFT");
_Static_assert(HEAP_FL_COUNT <= 32, "fl_bitmap is 32 bits");
_Static_assert(HEAP_SL_COUNT <= 32, "sl_bitmap entries are 32 bits");

static size_t align_up(size_t value, size_t align)
{
	return (value + align - 1) & ~(align - 1);
}

/* Index of the most significant set bit; x must not be 0. */
static unsigned int msb(size_t x)
{
	return 63u - (unsigned int)__builtin_clzll((unsigned long long)x);
}

static unsigned int lsb(uint32_t x)
{
	return (unsigned int)__builtin_ctz(x);
}

static uint32_t guard_of(const struct heap_block *b)
{
	return (uint32_t)((uintptr_t)b >> HEAP_ALIGN_SHIFT) ^ (uint32_t)b->size ^ b->magic ^
	       GUARD_SALT;
}

static void set_header(struct heap_block *b, size_t size, uint32_t magic)
{
	b->size = size;
	b->magic = magic;
	b->guard = guard_of(b);
}

static bool header_intact(const struct heap_block *b)
{
	return b->guard == guard_of(b);
}

static struct heap_block *next_phys(const struct heap_block *b)
{
	return (struct heap_block *)((uintptr_t)b + b->size);
}

static void *payload_of(struct heap_block *b)
{
	return (void *)((uintptr_t)b + HEADER_SIZE);
}

/* The list a free block of this size belongs to. */
static void mapping_insert(size_t size, unsigned int *fl, unsigned int *sl)
{
	unsigned int top;

	if (size < SMALL_LIMIT) {
		*fl = 0;
		*sl = (unsigned int)(size >> HEAP_ALIGN_SHIFT);
		return;
	}
	top = msb(size);
	*sl = (unsigned int)(size >> (top - HEAP_SL_SHIFT)) ^ HEAP_SL_COUNT;
	*fl = top - (HEAP_SL_SHIFT + HEAP_ALIGN_SHIFT) + 1;
}

/*
 * The first list whose every block fits size: round size up to the next
 * list boundary so any block found there is large enough without a walk.
 * False when that is beyond the largest class.
 */
static bool mapping_search(size_t size, unsigned int *fl, unsigned int *sl)
{
	if (size >= SMALL_LIMIT)
		size += ((size_t)1 << (msb(size) - HEAP_SL_SHIFT)) - 1;
	mapping_insert(size, fl, sl);
	return *fl < HEAP_FL_COUNT;
}

static void insert_free(struct heap *h, struct heap_block *b)
{
	unsigned int fl, sl;

	mapping_insert(b->size, &fl, &sl);
	set_header(b, b->size, MAGIC_FREE);
	b->prev_free = NULL;
	b->next_free = h->free_lists[fl][sl];
	if (b->next_free)
		b->next_free->prev_free = b;
	h->free_lists[fl][sl] = b;
	h->sl_bitmap[fl] |= 1u << sl;
	h->fl_bitmap |= 1u << fl;
	h->free_bytes += b->size;
}

static void remove_free(struct heap *h, struct heap_block *b)
{
	unsigned int fl, sl;

	mapping_insert(b->size, &fl, &sl);
	if (b->prev_free)
		b->prev_free->next_free = b->next_free;
	else
		h->free_lists[fl][sl] = b->next_free;
	if (b->next_free)
		b->next_free->prev_free = b->prev_free;
	h->free_bytes -= b->size;
	if (!h->free_lists[fl][sl]) {
		h->sl_bitmap[fl] &= ~(1u << sl);
		if (!h->sl_bitmap[fl])
			h->fl_bitmap &= ~(1u << fl);
	}
}

/* Unlinks and returns a free block of at least size bytes, or NULL. */
static struct heap_block *take_block(struct heap *h, size_t size)
{
	unsigned int fl, sl;
	uint32_t sl_map, fl_map;
	struct heap_block *b;

	if (!mapping_search(size, &fl, &sl))
		return NULL;
	sl_map = h->sl_bitmap[fl] & (~0u << sl);
	if (!sl_map) {
		fl_map = h->fl_bitmap & (~0u << (fl + 1));
		if (!fl_map)
			return NULL;
		fl = lsb(fl_map);
		sl_map = h->sl_bitmap[fl];
	}
	b = h->free_lists[fl][lsb(sl_map)];
	remove_free(h, b);
	return b;
}

/* Gives the part of b beyond size back to the free lists if it is usable. */
static void trim_tail(struct heap *h, struct heap_block *b, size_t size)
{
	struct heap_block *rest;

	if (b->size - size < MIN_BLOCK)
		return;
	rest = (struct heap_block *)((uintptr_t)b + size);
	rest->prev_phys = b;
	set_header(rest, b->size - size, MAGIC_FREE);
	next_phys(rest)->prev_phys = rest;
	set_header(b, size, b->magic);
	/* rest's successor is in use: free blocks never touch, so no merge. */
	insert_free(h, rest);
}

/* Splits off the first gap bytes of free block b as a free block. */
static struct heap_block *trim_head(struct heap *h, struct heap_block *b, size_t gap)
{
	struct heap_block *rest = (struct heap_block *)((uintptr_t)b + gap);

	rest->prev_phys = b;
	set_header(rest, b->size - gap, MAGIC_FREE);
	next_phys(rest)->prev_phys = rest;
	set_header(b, gap, MAGIC_FREE);
	/* b's predecessor is in use because b was free: no merge needed. */
	insert_free(h, b);
	return rest;
}

static void *finish_alloc(struct heap *h, struct heap_block *b, size_t size)
{
	trim_tail(h, b, size);
	set_header(b, b->size, MAGIC_USED);
	h->used_bytes += b->size;
	h->alloc_count++;
	return payload_of(b);
}

/* Block size for a payload of size bytes; 0 when it cannot exist. */
static size_t block_size_for(size_t size)
{
	if (size == 0 || size > MAX_BLOCK - HEADER_SIZE)
		return 0;
	size = align_up(size, HEAP_ALIGN) + HEADER_SIZE;
	return size < MIN_BLOCK ? MIN_BLOCK : size;
}

void *heap_alloc(struct heap *h, size_t size)
{
	size_t need = block_size_for(size);
	struct heap_block *b;

	if (!need)
		return NULL;
	b = take_block(h, need);
	return b ? finish_alloc(h, b, need) : NULL;
}

void *heap_alloc_aligned(struct heap *h, size_t size, size_t align)
{
	size_t need = block_size_for(size), slack, gap;
	uintptr_t payload, aligned;
	struct heap_block *b;

	if (align <= HEAP_ALIGN)
		return heap_alloc(h, size);
	if ((align & (align - 1)) != 0 || align > MAX_BLOCK)
		return NULL;
	/* Room to move the payload up to align, leaving a usable free gap. */
	slack = MIN_BLOCK + align - HEAP_ALIGN;
	if (!need || slack > MAX_BLOCK || need > MAX_BLOCK - slack)
		return NULL;
	b = take_block(h, need + slack);
	if (!b)
		return NULL;
	payload = (uintptr_t)payload_of(b);
	aligned = align_up(payload, align);
	if (aligned != payload && aligned - payload < MIN_BLOCK)
		aligned = align_up(payload + MIN_BLOCK, align);
	gap = aligned - payload;
	if (gap)
		b = trim_head(h, b, gap);
	return finish_alloc(h, b, need);
}

void heap_init(struct heap *h)
{
	*h = (struct heap){ 0 };
}

static bool regions_overlap(const struct heap *h, uintptr_t start, uintptr_t end)
{
	for (unsigned int i = 0; i < h->region_count; i++) {
		const struct heap_region *r = &h->regions[i];

		if (start < r->end + HEADER_SIZE && r->start < end)
			return true;
	}
	return false;
}

int heap_add_region(struct heap *h, void *mem, size_t size)
{
	uintptr_t start = (uintptr_t)mem, end = start + size;
	struct heap_block *first, *sentinel;
	size_t first_size;

	if (!mem || end < start || end > UINTPTR_MAX - HEAP_ALIGN)
		return -ZE_NO_SPACE;
	start = align_up(start, HEAP_ALIGN);
	end &= ~(uintptr_t)(HEAP_ALIGN - 1);
	if (end <= start || end - start < MIN_BLOCK + HEADER_SIZE ||
	    h->region_count == HEAP_MAX_REGIONS)
		return -ZE_NO_SPACE;
	first_size = end - start - HEADER_SIZE;
	if (first_size > MAX_BLOCK)
		first_size = MAX_BLOCK;
	if (regions_overlap(h, start, start + first_size + HEADER_SIZE))
		return -ZE_OVERLAP;

	first = (struct heap_block *)start;
	sentinel = (struct heap_block *)(start + first_size);
	first->prev_phys = NULL;
	set_header(first, first_size, MAGIC_FREE);
	sentinel->prev_phys = first;
	set_header(sentinel, 0, MAGIC_END);
	h->regions[h->region_count++] = (struct heap_region){
		.start = start,
		.end = (uintptr_t)sentinel,
	};
	insert_free(h, first);
	return 0;
}

/*
 * The block behind a payload pointer, checked only as far as it is safe to
 * read: inside a region, aligned, with an intact header.  NULL otherwise.
 */
static struct heap_block *block_of(const struct heap *h, const void *ptr)
{
	uintptr_t p = (uintptr_t)ptr;
	struct heap_block *b = (struct heap_block *)(p - HEADER_SIZE);

	if (p % HEAP_ALIGN != 0)
		return NULL;
	for (unsigned int i = 0; i < h->region_count; i++) {
		const struct heap_region *r = &h->regions[i];

		if (p >= r->start + HEADER_SIZE && p < r->end)
			return header_intact(b) ? b : NULL;
	}
	return NULL;
}

/* A live allocation whose neighbours agree that it is where it says. */
static bool is_live_block(const struct heap *h, const struct heap_block *b)
{
	const struct heap_region *r = NULL;

	for (unsigned int i = 0; i < h->region_count; i++) {
		if ((uintptr_t)b >= h->regions[i].start && (uintptr_t)b < h->regions[i].end)
			r = &h->regions[i];
	}
	if (!r || b->magic != MAGIC_USED || b->size < MIN_BLOCK ||
	    b->size > r->end - (uintptr_t)b || next_phys(b)->prev_phys != b)
		return false;
	if (!b->prev_phys)
		return (uintptr_t)b == r->start;
	return (uintptr_t)b->prev_phys >= r->start && b->prev_phys < b &&
	       next_phys(b->prev_phys) == b;
}

int heap_free(struct heap *h, void *ptr)
{
	struct heap_block *b, *prev, *next;

	if (!ptr)
		return 0;
	b = block_of(h, ptr);
	if (!b)
		return -ZE_NOT_ALLOCATED;
	/* Merged-away headers keep MAGIC_FREE, so those are caught as well. */
	if (b->magic == MAGIC_FREE)
		return -ZE_DOUBLE_FREE;
	if (!is_live_block(h, b))
		return -ZE_NOT_ALLOCATED;

	h->used_bytes -= b->size;
	h->alloc_count--;
	set_header(b, b->size, MAGIC_FREE);
	prev = b->prev_phys;
	if (prev && prev->magic == MAGIC_FREE) {
		remove_free(h, prev);
		set_header(prev, prev->size + b->size, MAGIC_FREE);
		b = prev;
	}
	next = next_phys(b);
	if (next->magic == MAGIC_FREE) {
		remove_free(h, next);
		set_header(b, b->size + next->size, MAGIC_FREE);
	}
	next_phys(b)->prev_phys = b;
	insert_free(h, b);
	return 0;
}

size_t heap_usable_size(const struct heap *h, const void *ptr)
{
	const struct heap_block *b = block_of(h, ptr);

	return b && is_live_block(h, b) ? b->size - HEADER_SIZE : 0;
}

/* Smallest block size that list (fl, sl) holds: mapping_insert inverted. */
static size_t class_min(unsigned int fl, unsigned int sl)
{
	if (fl == 0)
		return (size_t)sl << HEAP_ALIGN_SHIFT;
	return ((size_t)1 << (fl + HEAP_SL_SHIFT + HEAP_ALIGN_SHIFT - 1)) +
	       ((size_t)sl << (fl + HEAP_ALIGN_SHIFT - 1));
}

/*
 * Fills in the largest free block's payload (only the top list needs a
 * look) and the largest request heap_alloc() will grant: requests round up
 * to a class boundary, so that is the top list's smallest size.
 */
static void largest_free(const struct heap *h, struct heap_stats *stats)
{
	unsigned int fl, sl;
	size_t best = 0, grant;

	stats->largest_free = 0;
	stats->max_alloc = 0;
	if (!h->fl_bitmap)
		return;
	fl = msb(h->fl_bitmap);
	sl = msb(h->sl_bitmap[fl]);
	for (const struct heap_block *b = h->free_lists[fl][sl]; b; b = b->next_free) {
		if (b->size > best)
			best = b->size;
	}
	stats->largest_free = best - HEADER_SIZE;
	grant = class_min(fl, sl);
	stats->max_alloc = grant < MIN_BLOCK ? 0 : grant - HEADER_SIZE;
}

void heap_stats(const struct heap *h, struct heap_stats *stats)
{
	stats->used_bytes = h->used_bytes;
	stats->free_bytes = h->free_bytes;
	largest_free(h, stats);
	stats->alloc_count = h->alloc_count;
	stats->overhead_bytes = h->region_count * HEADER_SIZE;
}

struct walk_totals {
	size_t used_bytes;
	size_t free_bytes;
	size_t used_blocks;
	size_t free_blocks;
};

/* Walks one region block by block, from its first block to its sentinel. */
static bool region_consistent(const struct heap_region *r, struct walk_totals *t)
{
	const struct heap_block *prev = NULL;
	uintptr_t at = r->start;

	while (at < r->end) {
		const struct heap_block *b = (const struct heap_block *)at;

		if (!header_intact(b) || b->prev_phys != prev || b->size < MIN_BLOCK ||
		    b->size % HEAP_ALIGN != 0 || b->size > r->end - at)
			return false;
		if (b->magic == MAGIC_FREE) {
			/* Two free neighbours mean a merge was missed. */
			if (prev && prev->magic == MAGIC_FREE)
				return false;
			t->free_bytes += b->size;
			t->free_blocks++;
		} else if (b->magic == MAGIC_USED) {
			t->used_bytes += b->size;
			t->used_blocks++;
		} else {
			return false;
		}
		prev = b;
		at += b->size;
	}
	prev = (const struct heap_block *)r->end;
	return at == r->end && header_intact(prev) && prev->magic == MAGIC_END && prev->size == 0;
}

static bool inside_regions(const struct heap *h, const struct heap_block *b)
{
	for (unsigned int i = 0; i < h->region_count; i++) {
		if ((uintptr_t)b >= h->regions[i].start && (uintptr_t)b < h->regions[i].end)
			return true;
	}
	return false;
}

/* One list: linked both ways, every block free and of the list's class. */
static bool list_consistent(const struct heap *h, unsigned int fl, unsigned int sl, size_t limit,
                            size_t *count)
{
	const struct heap_block *prev = NULL;

	for (const struct heap_block *b = h->free_lists[fl][sl]; b; b = b->next_free) {
		unsigned int bfl, bsl;

		if (++*count > limit || !inside_regions(h, b) || !header_intact(b) ||
		    b->magic != MAGIC_FREE || b->prev_free != prev)
			return false;
		mapping_insert(b->size, &bfl, &bsl);
		if (bfl != fl || bsl != sl)
			return false;
		prev = b;
	}
	return true;
}

static bool lists_consistent(const struct heap *h, size_t free_blocks)
{
	size_t count = 0;

	for (unsigned int fl = 0; fl < HEAP_FL_COUNT; fl++) {
		bool fl_bit = (h->fl_bitmap >> fl) & 1;

		if (fl_bit != (h->sl_bitmap[fl] != 0))
			return false;
		for (unsigned int sl = 0; sl < HEAP_SL_COUNT; sl++) {
			bool sl_bit = (h->sl_bitmap[fl] >> sl) & 1;

			if (sl_bit != (h->free_lists[fl][sl] != NULL) ||
			    !list_consistent(h, fl, sl, free_blocks, &count))
				return false;
		}
	}
	return count == free_blocks;
}

int heap_check(const struct heap *h)
{
	struct walk_totals t = { 0 };

	if ((h->fl_bitmap >> HEAP_FL_COUNT) != 0)
		return -ZE_CORRUPT;
	for (unsigned int i = 0; i < h->region_count; i++) {
		if (!region_consistent(&h->regions[i], &t))
			return -ZE_CORRUPT;
	}
	if (t.used_bytes != h->used_bytes || t.free_bytes != h->free_bytes ||
	    t.used_blocks != h->alloc_count || !lists_consistent(h, t.free_blocks))
		return -ZE_CORRUPT;
	return 0;
}
