/* Kernel memory: physical pages and the real-time heap, both lock-guarded. */
#ifndef KERNEL_MEM_H
#define KERNEL_MEM_H

#include <stddef.h>
#include <stdint.h>

#include "kernel/phys_range.h"
#include "lib/zerror.h"

/*
 * Takes every RAM range, keeps ZVM's image (and whatever follows it up to
 * free_after: the system package), the allocator's own metadata and every
 * reserved range out, and carves the kernel heap.  0, or a negated
 * enum zerror with a message in msg.
 */
int mem_init(const struct phys_range *ram, unsigned ram_count, const struct phys_range *reserved,
             unsigned reserved_count, uint64_t free_after, struct zerr_msg *msg);
void *kmalloc(size_t size);
void *kzalloc(size_t size);
void *kmalloc_aligned(size_t size, size_t align);
void kfree(void *p);
/* Physical pages, 2^order of them, naturally aligned; 0 when none. */
uint64_t page_alloc_order(unsigned order);
int page_free_order(uint64_t addr, unsigned order);
/* bytes of physical memory (page_alloc_bytes()); 0 when no block fits. */
uint64_t page_alloc_size(uint64_t bytes);
/* The same for a VM's RAM, which stays as clean as it was (ram_clean.h):
 * whoever loads the VM must scrub it with mem_scrub_guest() first. */
uint64_t page_alloc_guest(uint64_t bytes);
/* Zeroes what of [base, base + size) may hold data (ram_clean.h) and
 * returns how many bytes that was; the range is dirty afterwards. */
uint64_t mem_scrub_guest(uint64_t base, uint64_t size);
/* [base, base + size) may hold data from now on. */
void mem_dirty(uint64_t base, uint64_t size);
int page_free_size(uint64_t addr, uint64_t bytes);
/* The largest page_alloc_size() that can succeed now. */
uint64_t page_largest_free(void);
/* Gives a range reserved at boot (a configured VM's RAM) to the allocator. */
int page_unreserve(uint64_t base, uint64_t size);

struct mem_stats {
	uint64_t ram_bytes;
	uint64_t pages_total, pages_free;
	uint64_t heap_used, heap_free, heap_largest_free, heap_allocs;
	uint64_t kfree_errors;
};
void mem_get_stats(struct mem_stats *out);
/* Walks both allocators' structures: 0 when sound. */
int mem_check(void);

#endif
