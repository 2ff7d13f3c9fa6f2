#include "kernel/mempool.h"
#include "kernel/errno.h"
#include "arch/cpu.h"

int mempool_init(struct mempool *mp, void *buffer, size_t size, size_t block_size)
{
	return bp_init(&mp->pool, buffer, size, block_size) < 0 ? -E_INVAL : 0;
}

void *mempool_alloc(struct mempool *mp)
{
	uint64_t flags = irq_save();
	void *block = bp_alloc(&mp->pool);

	irq_restore(flags);
	return block;
}

int mempool_free(struct mempool *mp, void *block)
{
	uint64_t flags = irq_save();
	int result = bp_free(&mp->pool, block);

	irq_restore(flags);
	return result < 0 ? -E_INVAL : 0;
}
