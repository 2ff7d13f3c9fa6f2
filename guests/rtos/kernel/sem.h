/* Counting semaphores; sem_give may be called from IRQ handlers. */
#ifndef RTOS_KERNEL_SEM_H
#define RTOS_KERNEL_SEM_H

#include <stdint.h>
#include "kernel/prio_queue.h"

struct semaphore {
	uint32_t count;
	uint32_t limit;
	struct wait_queue waiters;
};

void sem_init(struct semaphore *s, uint32_t initial, uint32_t limit);
/* Wakes the highest-priority waiter, or counts up to the limit. */
void sem_give(struct semaphore *s);
/* 0, -E_AGAIN (timeout TIMEOUT_NO_WAIT) or -E_TIMEOUT. */
int sem_take(struct semaphore *s, uint64_t timeout);

#endif
