/*
 * Fixed-size memory blocks carved from a caller's buffer (portable,
 * host-tested).  Allocation and release are O(1): free blocks form a list
 * threaded through the blocks themselves.
 */
#ifndef RTOS_KERNEL_BLOCK_POOL_H
#define RTOS_KERNEL_BLOCK_POOL_H

#include <stddef.h>
#include <stdint.h>

/* Blocks hold the free-list link and must stay aligned for it (the RTOS
 * runs with the MMU off, where unaligned accesses fault). */
#define BLOCK_ALIGN 8

struct free_block {
	struct free_block *next;
};

struct block_pool {
	uint8_t *base;
	size_t block_size;
	uint32_t block_count;
	uint32_t free_count;
	struct free_block *free_list;
};

/* Returns the number of blocks, or -1 for a bad size or alignment. */
int bp_init(struct block_pool *bp, void *buffer, size_t buffer_size, size_t block_size);
/* NULL when every block is in use. */
void *bp_alloc(struct block_pool *bp);
/* 0, or -1 if block is not a block of this pool. */
int bp_free(struct block_pool *bp, void *block);
uint32_t bp_free_count(const struct block_pool *bp);

#endif
