#include "kernel/block_pool.h"

int bp_init(struct block_pool *bp, void *buffer, size_t buffer_size, size_t block_size)
{
	size_t count, i;

	if (!buffer || block_size < sizeof(struct free_block) || block_size % BLOCK_ALIGN ||
	    (uintptr_t)buffer % BLOCK_ALIGN)
		return -1;
	count = buffer_size / block_size;
	if (count == 0 || count > UINT32_MAX)
		return -1;
	bp->base = buffer;
	bp->block_size = block_size;
	bp->block_count = (uint32_t)count;
	bp->free_count = (uint32_t)count;
	bp->free_list = NULL;
	/* Build the list backwards so blocks are handed out in address order. */
	for (i = count; i-- > 0;) {
		struct free_block *b = (struct free_block *)(void *)(bp->base + i * block_size);

		b->next = bp->free_list;
		bp->free_list = b;
	}
	return (int)count;
}

void *bp_alloc(struct block_pool *bp)
{
	struct free_block *b = bp->free_list;

	if (!b)
		return NULL;
	bp->free_list = b->next;
	bp->free_count--;
	return b;
}

int bp_free(struct block_pool *bp, void *block)
{
	uint8_t *p = block;
	struct free_block *b = block;
	size_t offset;

	if (!p || p < bp->base)
		return -1;
	offset = (size_t)(p - bp->base);
	if (offset % bp->block_size || offset / bp->block_size >= bp->block_count ||
	    bp->free_count == bp->block_count)
		return -1;
	b->next = bp->free_list;
	bp->free_list = b;
	bp->free_count++;
	return 0;
}

uint32_t bp_free_count(const struct block_pool *bp)
{
	return bp->free_count;
}
