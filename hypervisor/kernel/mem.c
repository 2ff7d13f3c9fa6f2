/*
 * Kernel memory glue: the buddy page allocator over all RAM and a TLSF heap
 * carved from it, each behind its own spinlock.  The page metadata sits
 * right after ZVM's image, so nothing needs a heap before the heap exists.
 */
#include "kernel/mem.h"
#include "kernel/console.h"
#include "kernel/heap.h"
#include "kernel/page_alloc.h"
#include "kernel/ram_clean.h"
#include "boards/board.h"
#include "kernel/spinlock.h"
#include "lib/format.h"
#include "lib/string.h"

#define HEAP_ORDER 11 /* 2^11 pages = 8 MiB of kernel heap */

static struct page_alloc pages;
static struct heap heap;
static struct spinlock page_lock = SPINLOCK_INIT;
static struct spinlock heap_lock = SPINLOCK_INIT;
static uint64_t ram_bytes;
static uint64_t kfree_errors;

static uint64_t align_up(uint64_t v, uint64_t a)
{
	return (v + a - 1) & ~(a - 1);
}

/* rc: the allocator's negated code, or 0 when it just had no memory. */
static int fail(struct zerr_msg *msg, const char *what, int rc)
{
	enum zerror code = rc < 0 ? (enum zerror) - rc : ZE_NOMEM;

	return zerr_set(msg, code, "memory: %s (%d)", what, rc);
}

int mem_init(const struct phys_range *ram, unsigned ram_count, const struct phys_range *reserved,
             unsigned reserved_count, uint64_t free_after, struct zerr_msg *msg)
{
	extern char _head[];
	uint64_t total_pages = 0;
	int rc;

	for (unsigned i = 0; i < ram_count; i++) {
		total_pages += ram[i].size / PAGE_SIZE;
		ram_bytes += ram[i].size;
	}
	uint64_t meta = align_up(free_after, PAGE_SIZE);
	uint64_t meta_bytes = align_up(total_pages * sizeof(struct page_meta), PAGE_SIZE);

	page_alloc_init(&pages, (struct page_meta *)(uintptr_t)meta, total_pages);
	ram_clean_init(ram, ram_count, board_info.ram_zero_at_reset);
	ram_clean_dirty((uintptr_t)_head, meta + meta_bytes - (uintptr_t)_head);
	rc = page_alloc_reserve(&pages, (uintptr_t)_head, meta + meta_bytes - (uintptr_t)_head);
	if (rc)
		return fail(msg, "cannot reserve ZVM's image", rc);
	for (unsigned i = 0; i < reserved_count; i++) {
		rc = page_alloc_reserve(&pages, reserved[i].base, reserved[i].size);
		if (rc)
			return fail(msg, "cannot reserve a reserved range", rc);
	}
	for (unsigned i = 0; i < ram_count; i++) {
		rc = page_alloc_add_range(&pages, ram[i].base, ram[i].size);
		if (rc)
			return fail(msg, zerror_name(rc), rc);
	}

	uint64_t heap_mem = page_alloc(&pages, HEAP_ORDER);
	if (!heap_mem)
		return fail(msg, "no room for the kernel heap", 0);
	ram_clean_dirty(heap_mem, PAGE_SIZE << HEAP_ORDER);
	heap_init(&heap);
	rc = heap_add_region(&heap, (void *)(uintptr_t)heap_mem, PAGE_SIZE << HEAP_ORDER);
	if (rc)
		return fail(msg, zerror_name(rc), rc);
	return 0;
}

void *kmalloc(size_t size)
{
	uint64_t flags = spin_lock_irqsave(&heap_lock);
	void *p = heap_alloc(&heap, size);

	spin_unlock_irqrestore(&heap_lock, flags);
	return p;
}

void *kzalloc(size_t size)
{
	void *p = kmalloc(size);

	if (p)
		memset(p, 0, size);
	return p;
}

void *kmalloc_aligned(size_t size, size_t align)
{
	uint64_t flags = spin_lock_irqsave(&heap_lock);
	void *p = heap_alloc_aligned(&heap, size, align);

	spin_unlock_irqrestore(&heap_lock, flags);
	return p;
}

void kfree(void *p)
{
	uint64_t flags = spin_lock_irqsave(&heap_lock);
	int rc = heap_free(&heap, p);

	if (rc)
		kfree_errors++;
	spin_unlock_irqrestore(&heap_lock, flags);
	if (rc)
		kprintf("mem: kfree(%p): %s\n", p, zerror_name(rc));
}

uint64_t page_alloc_order(unsigned order)
{
	uint64_t flags = spin_lock_irqsave(&page_lock);
	uint64_t addr = page_alloc(&pages, order);

	if (addr)
		ram_clean_dirty(addr, PAGE_SIZE << order);
	spin_unlock_irqrestore(&page_lock, flags);
	return addr;
}

uint64_t page_alloc_guest(uint64_t bytes)
{
	uint64_t flags = spin_lock_irqsave(&page_lock);
	uint64_t addr = page_alloc_bytes(&pages, bytes);

	spin_unlock_irqrestore(&page_lock, flags);
	return addr;
}

uint64_t page_alloc_size(uint64_t bytes)
{
	uint64_t addr = page_alloc_guest(bytes);

	if (addr)
		mem_dirty(addr, bytes);
	return addr;
}

void mem_dirty(uint64_t base, uint64_t size)
{
	uint64_t flags = spin_lock_irqsave(&page_lock);

	ram_clean_dirty(base, size);
	spin_unlock_irqrestore(&page_lock, flags);
}

/* A chunk at a time, so that the lock is never held over a scrub. */
uint64_t mem_scrub_guest(uint64_t base, uint64_t size)
{
	uint64_t end = base + size, zeroed = 0;

	for (uint64_t a = base; a < end;) {
		uint64_t next = (a & ~(RAM_CLEAN_CHUNK - 1)) + RAM_CLEAN_CHUNK;
		if (next > end)
			next = end;
		uint64_t flags = spin_lock_irqsave(&page_lock);
		bool clean = ram_clean_claim(a);
		spin_unlock_irqrestore(&page_lock, flags);
		if (!clean) {
			memset((void *)(uintptr_t)a, 0, next - a);
			zeroed += next - a;
		}
		a = next;
	}
	return zeroed;
}

int page_free_size(uint64_t addr, uint64_t bytes)
{
	uint64_t flags = spin_lock_irqsave(&page_lock);
	int rc = page_free_bytes(&pages, addr, bytes);

	spin_unlock_irqrestore(&page_lock, flags);
	return rc;
}

uint64_t page_largest_free(void)
{
	uint64_t flags = spin_lock_irqsave(&page_lock);
	uint64_t bytes = page_alloc_largest_free(&pages);

	spin_unlock_irqrestore(&page_lock, flags);
	return bytes;
}

int page_unreserve(uint64_t base, uint64_t size)
{
	uint64_t flags = spin_lock_irqsave(&page_lock);
	int rc = page_alloc_unreserve(&pages, base, size);

	spin_unlock_irqrestore(&page_lock, flags);
	return rc;
}

int page_free_order(uint64_t addr, unsigned order)
{
	uint64_t flags = spin_lock_irqsave(&page_lock);
	int rc = page_free(&pages, addr, order);

	spin_unlock_irqrestore(&page_lock, flags);
	return rc;
}

void mem_get_stats(struct mem_stats *out)
{
	struct page_alloc_stats ps;
	struct heap_stats hs;
	uint64_t flags = spin_lock_irqsave(&page_lock);

	page_alloc_get_stats(&pages, &ps);
	spin_unlock_irqrestore(&page_lock, flags);
	flags = spin_lock_irqsave(&heap_lock);
	heap_stats(&heap, &hs);
	spin_unlock_irqrestore(&heap_lock, flags);

	out->ram_bytes = ram_bytes;
	out->pages_total = ps.total_pages;
	out->pages_free = ps.free_pages;
	out->heap_used = hs.used_bytes;
	out->heap_free = hs.free_bytes;
	out->heap_largest_free = hs.largest_free;
	out->heap_allocs = hs.alloc_count;
	out->kfree_errors = kfree_errors;
}

int mem_check(void)
{
	uint64_t flags = spin_lock_irqsave(&page_lock);
	int rc = page_alloc_check(&pages);

	spin_unlock_irqrestore(&page_lock, flags);
	if (rc)
		return rc;
	flags = spin_lock_irqsave(&heap_lock);
	rc = heap_check(&heap);
	spin_unlock_irqrestore(&heap_lock, flags);
	return rc;
}
