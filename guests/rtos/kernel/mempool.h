/* Fixed-size memory block pools for threads and IRQ handlers (never block). */
#ifndef RTOS_KERNEL_MEMPOOL_H
#define RTOS_KERNEL_MEMPOOL_H

#include <stddef.h>
#include "kernel/block_pool.h"

struct mempool {
	struct block_pool pool;
};

/* 0 or -E_INVAL. */
int mempool_init(struct mempool *mp, void *buffer, size_t size, size_t block_size);
/* NULL when exhausted. */
void *mempool_alloc(struct mempool *mp);
/* 0 or -E_INVAL for a pointer that is not one of the pool's blocks. */
int mempool_free(struct mempool *mp, void *block);

#endif
