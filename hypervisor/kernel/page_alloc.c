/*
 * Buddy page allocator: see page_alloc.h for the contract.
 *
 * Every page of every range has a struct page_meta.  The first page of a
 * block (its head) records the block's state and order; all other pages of
 * the block are TAIL.  Keeping that invariant on every split and merge is
 * what lets page_free() tell a real allocation from a stray address.
 */
#include "kernel/page_alloc.h"
#include "lib/string.h"

_Static_assert(PAGE_SIZE == 4096, "page_alloc assumes the 4 KiB granule");
_Static_assert(sizeof(struct page_meta) == 12, "header documents 12 bytes");

/* TAIL is 0 so that a new range's metadata is one memset (a 1 GiB range
 * has 262144 pages): see page_alloc_add_range(). */
enum page_state {
	PAGE_TAIL = 0,  /* inside a block, not its first page */
	PAGE_RESERVED,  /* not managed: reservation, page 0 */
	PAGE_FREE_HEAD, /* first page of a free block */
	PAGE_USED_HEAD, /* first page of an allocated block */
};

#define NO_PAGE        UINT32_MAX /* end of a free list */
#define SPAN_CONTINUES 1          /* page_meta.span: a later piece of one block */

static uint64_t block_bytes(unsigned int order)
{
	return PAGE_SIZE << order;
}

static uint64_t align_down(uint64_t value, uint64_t align)
{
	return value & ~(align - 1);
}

/* Meta index of the page at addr, or NO_PAGE when no range holds it. */
static uint32_t page_index(const struct page_alloc *pa, uint64_t addr)
{
	for (unsigned int i = 0; i < pa->range_count; i++) {
		const struct page_range *r = &pa->ranges[i];

		if (addr >= r->base && ((addr - r->base) >> PAGE_SHIFT) < r->pages)
			return r->first_meta + (uint32_t)((addr - r->base) >> PAGE_SHIFT);
	}
	return NO_PAGE;
}

static uint64_t page_address(const struct page_alloc *pa, uint32_t index)
{
	for (unsigned int i = 0; i < pa->range_count; i++) {
		const struct page_range *r = &pa->ranges[i];

		if (index >= r->first_meta && index - r->first_meta < r->pages)
			return r->base + ((uint64_t)(index - r->first_meta) << PAGE_SHIFT);
	}
	return 0;
}

static struct page_meta *meta_at(struct page_alloc *pa, uint64_t addr)
{
	uint32_t index = page_index(pa, addr);

	return index == NO_PAGE ? NULL : &pa->meta[index];
}

static void free_list_push(struct page_alloc *pa, uint32_t index, unsigned int order)
{
	struct page_meta *m = &pa->meta[index];

	m->state = PAGE_FREE_HEAD;
	m->order = (uint8_t)order;
	m->prev = NO_PAGE;
	m->next = pa->free_head[order];
	if (m->next != NO_PAGE)
		pa->meta[m->next].prev = index;
	pa->free_head[order] = index;
	pa->free_blocks[order]++;
}

/* Unlinks a free head; the caller decides what the page becomes. */
static void free_list_remove(struct page_alloc *pa, uint32_t index)
{
	struct page_meta *m = &pa->meta[index];

	if (m->prev != NO_PAGE)
		pa->meta[m->prev].next = m->next;
	else
		pa->free_head[m->order] = m->next;
	if (m->next != NO_PAGE)
		pa->meta[m->next].prev = m->prev;
	pa->free_blocks[m->order]--;
	m->state = PAGE_TAIL;
}

/*
 * Puts the block at addr on a free list after merging it with free buddies
 * of equal order.  All its pages, the head included, must already be TAIL;
 * free_list_remove() makes each absorbed buddy head TAIL too, so only the
 * final head needs a state.
 */
static void free_block_merge(struct page_alloc *pa, uint64_t addr, unsigned int order)
{
	while (order < PAGE_MAX_ORDER) {
		uint64_t buddy = addr ^ block_bytes(order);
		uint32_t index = page_index(pa, buddy);

		if (index == NO_PAGE || pa->meta[index].state != PAGE_FREE_HEAD ||
		    pa->meta[index].order != order)
			break;
		free_list_remove(pa, index);
		addr = align_down(addr, block_bytes(order + 1));
		order++;
	}
	free_list_push(pa, page_index(pa, addr), order);
}

/*
 * The head address of the block holding addr, or 0 when addr is reserved
 * or unmanaged.  Blocks are aligned to their size, so the head is the first
 * align_down(addr, 2^k pages) that is a head whose order reaches addr.
 */
static uint64_t containing_block(struct page_alloc *pa, uint64_t addr)
{
	for (unsigned int order = 0; order <= PAGE_MAX_ORDER; order++) {
		uint64_t head = align_down(addr, block_bytes(order));
		struct page_meta *m = meta_at(pa, head);

		if (!m || m->state == PAGE_RESERVED)
			return 0;
		if (m->state != PAGE_TAIL && addr - head < block_bytes(m->order))
			return head;
	}
	return 0;
}

static bool in_reservation(const struct page_alloc *pa, uint64_t addr, uint64_t *end)
{
	for (unsigned int i = 0; i < pa->reserved_count; i++) {
		if (addr >= pa->reserved[i].base && addr < pa->reserved[i].end) {
			*end = pa->reserved[i].end;
			return true;
		}
	}
	return false;
}

/* Start of the first reservation above addr, or limit when none is lower. */
static uint64_t next_reservation(const struct page_alloc *pa, uint64_t addr, uint64_t limit)
{
	for (unsigned int i = 0; i < pa->reserved_count; i++) {
		if (pa->reserved[i].base > addr && pa->reserved[i].base < limit)
			limit = pa->reserved[i].base;
	}
	return limit;
}

/* Pages [addr, end) of one range get state. */
static void mark_pages(struct page_alloc *pa, uint64_t addr, uint64_t end, enum page_state state)
{
	struct page_meta *m = meta_at(pa, addr);

	for (; addr < end; addr += PAGE_SIZE, m++)
		m->state = (uint8_t)state;
}

/* The largest aligned block at addr that is no longer than left bytes. */
static unsigned int piece_order(uint64_t addr, uint64_t left)
{
	unsigned int order = 0;

	while (order < PAGE_MAX_ORDER && (addr & (block_bytes(order + 1) - 1)) == 0 &&
	       left >= block_bytes(order + 1))
		order++;
	return order;
}

/* Frees managed pages [addr, end) as the largest aligned blocks that fit;
 * already_tail: every page of it is TAIL already (a new range). */
static void release_pages(struct page_alloc *pa, uint64_t addr, uint64_t end, bool already_tail)
{
	while (addr < end) {
		unsigned int order = piece_order(addr, end - addr);

		if (!already_tail)
			mark_pages(pa, addr, addr + block_bytes(order), PAGE_TAIL);
		pa->free_pages += UINT64_C(1) << order;
		free_block_merge(pa, addr, order);
		addr += block_bytes(order);
	}
}

static void release_span(struct page_alloc *pa, uint64_t addr, uint64_t end)
{
	release_pages(pa, addr, end, false);
}

/* Adds [addr, end) to the managed pages, free. */
static void free_span(struct page_alloc *pa, uint64_t addr, uint64_t end)
{
	pa->total_pages += (end - addr) >> PAGE_SHIFT;
	release_span(pa, addr, end);
}

void page_alloc_init(struct page_alloc *pa, struct page_meta *meta, size_t meta_count)
{
	*pa = (struct page_alloc){ 0 };
	pa->meta = meta;
	pa->meta_capacity = meta_count > NO_PAGE ? NO_PAGE : (uint32_t)meta_count;
	for (unsigned int order = 0; order <= PAGE_MAX_ORDER; order++)
		pa->free_head[order] = NO_PAGE;
}

static bool overlaps_range(const struct page_alloc *pa, uint64_t base, uint64_t end)
{
	for (unsigned int i = 0; i < pa->range_count; i++) {
		const struct page_range *r = &pa->ranges[i];
		uint64_t r_end = r->base + ((uint64_t)r->pages << PAGE_SHIFT);

		if (base < r_end && r->base < end)
			return true;
	}
	return false;
}

int page_alloc_add_range(struct page_alloc *pa, uint64_t base, uint64_t size)
{
	uint64_t end, pages;
	struct page_range *r;

	if (size == 0 || base + size < base || base > UINT64_MAX - PAGE_SIZE)
		return -ZE_BAD_ADDRESS;
	end = align_down(base + size, PAGE_SIZE);
	base = align_down(base + PAGE_SIZE - 1, PAGE_SIZE);
	if (base == 0)
		base = PAGE_SIZE; /* address 0 means "no memory" */
	if (end <= base)
		return -ZE_BAD_ADDRESS;
	if (overlaps_range(pa, base, end))
		return -ZE_OVERLAP;
	pages = (end - base) >> PAGE_SHIFT;
	if (pa->range_count == PAGE_ALLOC_MAX_RANGES || pages > pa->meta_capacity - pa->meta_used)
		return -ZE_NO_SPACE;

	r = &pa->ranges[pa->range_count++];
	r->base = base;
	r->pages = (uint32_t)pages;
	r->first_meta = pa->meta_used;
	pa->meta_used += (uint32_t)pages;
	/* Every page TAIL (0); links matter on free heads only, which
	 * free_list_push() sets.  Reservations are marked, the rest freed. */
	memset(&pa->meta[r->first_meta], 0, (size_t)pages * sizeof(struct page_meta));
	while (base < end) {
		uint64_t skip_to, limit;

		if (in_reservation(pa, base, &skip_to)) {
			limit = skip_to < end ? skip_to : end;
			mark_pages(pa, base, limit, PAGE_RESERVED);
			base = limit;
			continue;
		}
		limit = next_reservation(pa, base, end);
		pa->total_pages += (limit - base) >> PAGE_SHIFT;
		release_pages(pa, base, limit, true);
		base = limit;
	}
	return 0;
}

/*
 * Takes a free block off its list and gives back everything in it that is
 * outside [rbase, rend); pages inside become RESERVED.  Recursion depth is
 * bounded by PAGE_MAX_ORDER.
 */
static void carve_block(struct page_alloc *pa, uint64_t head, unsigned int order, uint64_t rbase,
                        uint64_t rend)
{
	uint64_t end = head + block_bytes(order);

	if (end <= rbase || head >= rend) {
		free_list_push(pa, page_index(pa, head), order);
		return;
	}
	if (head >= rbase && end <= rend) {
		for (uint64_t addr = head; addr < end; addr += PAGE_SIZE)
			meta_at(pa, addr)->state = PAGE_RESERVED;
		pa->total_pages -= UINT64_C(1) << order;
		pa->free_pages -= UINT64_C(1) << order;
		return;
	}
	carve_block(pa, head, order - 1, rbase, rend);
	carve_block(pa, head + block_bytes(order - 1), order - 1, rbase, rend);
}

/* Narrows [*base, *end) to range r; false when they do not meet. */
static bool clip_to_range(const struct page_range *r, uint64_t *base, uint64_t *end)
{
	uint64_t r_end = r->base + ((uint64_t)r->pages << PAGE_SHIFT);

	if (*base < r->base)
		*base = r->base;
	if (*end > r_end)
		*end = r_end;
	return *base < *end;
}

static bool any_allocated(struct page_alloc *pa, uint64_t base, uint64_t end)
{
	for (unsigned int i = 0; i < pa->range_count; i++) {
		uint64_t addr = base, stop = end;

		if (!clip_to_range(&pa->ranges[i], &addr, &stop))
			continue;
		while (addr < stop) {
			uint64_t head = containing_block(pa, addr);

			if (!head) {
				addr += PAGE_SIZE;
				continue;
			}
			if (meta_at(pa, head)->state == PAGE_USED_HEAD)
				return true;
			addr = head + block_bytes(meta_at(pa, head)->order);
		}
	}
	return false;
}

/* Carves every free block meeting [base, end) within one range. */
static void carve_range(struct page_alloc *pa, const struct page_range *r, uint64_t base,
                        uint64_t end)
{
	uint64_t addr = base, stop = end;

	if (!clip_to_range(r, &addr, &stop))
		return;
	while (addr < stop) {
		uint64_t head = containing_block(pa, addr);
		unsigned int order;

		if (!head) {
			addr += PAGE_SIZE;
			continue;
		}
		order = meta_at(pa, head)->order;
		addr = head + block_bytes(order);
		free_list_remove(pa, page_index(pa, head));
		carve_block(pa, head, order, base, end);
	}
}

int page_alloc_reserve(struct page_alloc *pa, uint64_t base, uint64_t size)
{
	uint64_t end;

	if (size == 0 || base + size < base || base + size > UINT64_MAX - PAGE_SIZE)
		return -ZE_BAD_ADDRESS;
	end = align_down(base + size + PAGE_SIZE - 1, PAGE_SIZE);
	base = align_down(base, PAGE_SIZE);
	if (pa->reserved_count == PAGE_ALLOC_MAX_RESERVED)
		return -ZE_NO_SPACE;
	if (any_allocated(pa, base, end))
		return -ZE_BUSY;
	pa->reserved[pa->reserved_count++] = (struct page_reservation){ .base = base, .end = end };
	for (unsigned int i = 0; i < pa->range_count; i++)
		carve_range(pa, &pa->ranges[i], base, end);
	return 0;
}

int page_alloc_unreserve(struct page_alloc *pa, uint64_t base, uint64_t size)
{
	uint64_t end = align_down(base + size + PAGE_SIZE - 1, PAGE_SIZE);
	unsigned int i;

	base = align_down(base, PAGE_SIZE);
	for (i = 0; i < pa->reserved_count; i++) {
		if (pa->reserved[i].base == base && pa->reserved[i].end == end)
			break;
	}
	if (size == 0 || i == pa->reserved_count)
		return -ZE_NOENT;
	pa->reserved[i] = pa->reserved[--pa->reserved_count];
	for (unsigned int r = 0; r < pa->range_count; r++) {
		uint64_t addr = base, stop = end, skip;

		if (!clip_to_range(&pa->ranges[r], &addr, &stop))
			continue;
		while (addr < stop) {
			if (in_reservation(pa, addr, &skip)) {
				addr = skip;
				continue;
			}
			skip = next_reservation(pa, addr, stop);
			free_span(pa, addr, skip);
			addr = skip;
		}
	}
	return 0;
}

uint64_t page_alloc(struct page_alloc *pa, unsigned int order)
{
	unsigned int found = order;
	uint32_t index;
	uint64_t addr;

	if (order > PAGE_MAX_ORDER)
		return 0;
	while (found <= PAGE_MAX_ORDER && pa->free_head[found] == NO_PAGE)
		found++;
	if (found > PAGE_MAX_ORDER)
		return 0;

	index = pa->free_head[found];
	addr = page_address(pa, index);
	free_list_remove(pa, index);
	/* Hand the upper halves back until the block is the size asked for. */
	while (found > order) {
		found--;
		free_list_push(pa, page_index(pa, addr + block_bytes(found)), found);
	}
	pa->meta[index].state = PAGE_USED_HEAD;
	pa->meta[index].order = (uint8_t)order;
	pa->meta[index].span = 0;
	pa->free_pages -= UINT64_C(1) << order;
	return addr;
}

int page_free(struct page_alloc *pa, uint64_t addr, unsigned int order)
{
	struct page_meta *m;
	uint64_t head;

	if (order > PAGE_MAX_ORDER || addr == 0 || (addr & (block_bytes(order) - 1)) != 0)
		return -ZE_BAD_ADDRESS;
	m = meta_at(pa, addr);
	if (!m || m->state == PAGE_RESERVED)
		return -ZE_BAD_ADDRESS;
	if (m->state == PAGE_USED_HEAD) {
		if (m->order != order)
			return -ZE_WRONG_ORDER;
		m->state = PAGE_TAIL;
		pa->free_pages += UINT64_C(1) << order;
		free_block_merge(pa, addr, order);
		return 0;
	}
	/* A page that already merged into a free block is a double free too. */
	head = containing_block(pa, addr);
	if (head && meta_at(pa, head)->state == PAGE_FREE_HEAD)
		return -ZE_DOUBLE_FREE;
	return -ZE_NOT_ALLOCATED;
}

/*
 * A block of bytes that is no power of two: the smallest block that holds
 * it, kept as its largest aligned pieces (each a used block of its own, the
 * later ones marked SPAN_CONTINUES) and the rest given back at once.
 */
uint64_t page_alloc_bytes(struct page_alloc *pa, uint64_t bytes)
{
	uint64_t size = align_down(bytes + PAGE_SIZE - 1, PAGE_SIZE);
	int order = page_order_for_bytes(size);

	if (bytes == 0 || order < 0)
		return 0;
	uint64_t addr = page_alloc(pa, (unsigned int)order);
	if (!addr)
		return 0;
	for (uint64_t at = addr; at < addr + size;) {
		unsigned int o = piece_order(at, addr + size - at);
		struct page_meta *m = meta_at(pa, at);
		m->state = PAGE_USED_HEAD;
		m->order = (uint8_t)o;
		m->span = at == addr ? 0 : SPAN_CONTINUES;
		at += block_bytes(o);
	}
	release_span(pa, addr + size, addr + block_bytes((unsigned int)order));
	return addr;
}

int page_free_bytes(struct page_alloc *pa, uint64_t addr, uint64_t bytes)
{
	uint64_t size = align_down(bytes + PAGE_SIZE - 1, PAGE_SIZE);
	uint64_t at;

	if (bytes == 0 || addr == 0 || (addr & (PAGE_SIZE - 1)))
		return -ZE_BAD_ADDRESS;
	for (at = addr; at < addr + size;) {
		unsigned int o = piece_order(at, addr + size - at);
		struct page_meta *m = meta_at(pa, at);
		if (at == addr && (!m || m->state != PAGE_USED_HEAD))
			return page_free(pa, addr, o); /* its error, nothing freed */
		if (!m || m->state != PAGE_USED_HEAD || m->order != o ||
		    (m->span == SPAN_CONTINUES) != (at != addr))
			return -ZE_WRONG_ORDER;
		at += block_bytes(o);
	}
	struct page_meta *next = meta_at(pa, at);
	if (next && next->state == PAGE_USED_HEAD && next->span == SPAN_CONTINUES)
		return -ZE_WRONG_ORDER; /* the block goes on: freed too short */
	for (at = addr; at < addr + size;) {
		unsigned int o = piece_order(at, addr + size - at);
		meta_at(pa, at)->span = 0;
		page_free(pa, at, o);
		at += block_bytes(o);
	}
	return 0;
}

uint64_t page_alloc_largest_free(const struct page_alloc *pa)
{
	for (int order = PAGE_MAX_ORDER; order >= 0; order--) {
		if (pa->free_blocks[order])
			return block_bytes((unsigned int)order);
	}
	return 0;
}

int page_order_for_bytes(uint64_t bytes)
{
	for (unsigned int order = 0; order <= PAGE_MAX_ORDER; order++) {
		if (bytes <= block_bytes(order))
			return (int)order;
	}
	return -ZE_INVAL;
}

void page_alloc_get_stats(const struct page_alloc *pa, struct page_alloc_stats *stats)
{
	stats->total_pages = pa->total_pages;
	stats->free_pages = pa->free_pages;
	for (unsigned int order = 0; order <= PAGE_MAX_ORDER; order++)
		stats->free_blocks[order] = pa->free_blocks[order];
}

/* Each free list is well linked, and its heads agree with the counters. */
static bool free_lists_consistent(const struct page_alloc *pa, uint64_t *free_pages)
{
	*free_pages = 0;
	for (unsigned int order = 0; order <= PAGE_MAX_ORDER; order++) {
		uint32_t prev = NO_PAGE, count = 0;

		for (uint32_t i = pa->free_head[order]; i != NO_PAGE; i = pa->meta[i].next) {
			const struct page_meta *m = &pa->meta[i];

			if (i >= pa->meta_used || count > pa->meta_used ||
			    m->state != PAGE_FREE_HEAD || m->order != order || m->prev != prev)
				return false;
			prev = i;
			count++;
		}
		if (count != pa->free_blocks[order])
			return false;
		*free_pages += (uint64_t)count << order;
	}
	return true;
}

/*
 * Every head is aligned and covers only TAIL pages (which may run on into an
 * adjacent range), and together the heads cover every TAIL page exactly.
 */
static bool blocks_consistent(const struct page_alloc *pa, uint64_t *managed)
{
	uint64_t tails = 0, covered_tails = 0;

	*managed = 0;
	for (uint32_t i = 0; i < pa->meta_used; i++) {
		const struct page_meta *m = &pa->meta[i];
		uint64_t addr = page_address(pa, i), pages;

		if (m->state == PAGE_RESERVED)
			continue;
		if (m->state == PAGE_TAIL) {
			tails++;
			continue;
		}
		if (m->order > PAGE_MAX_ORDER || (addr & (block_bytes(m->order) - 1)) != 0)
			return false;
		pages = UINT64_C(1) << m->order;
		for (uint64_t t = 1; t < pages; t++) {
			uint32_t index = page_index(pa, addr + (t << PAGE_SHIFT));

			if (index == NO_PAGE || pa->meta[index].state != PAGE_TAIL)
				return false;
		}
		covered_tails += pages - 1;
		*managed += pages;
	}
	return tails == covered_tails;
}

int page_alloc_check(const struct page_alloc *pa)
{
	uint64_t free_pages, managed;

	if (!free_lists_consistent(pa, &free_pages) || free_pages != pa->free_pages ||
	    !blocks_consistent(pa, &managed) || managed != pa->total_pages)
		return -ZE_CORRUPT;
	return 0;
}
