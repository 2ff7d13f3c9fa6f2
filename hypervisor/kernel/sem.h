/* Counting semaphores. */
#ifndef KERNEL_SEM_H
#define KERNEL_SEM_H

#include <stdint.h>
#include "kernel/spinlock.h"
#include "kernel/waitq.h"

struct sem {
	struct spinlock lock;
	unsigned count;
	unsigned max;
	struct waitq waiters;
};

void sem_init(struct sem *s, unsigned initial, unsigned max);
/* 0, -ZE_TIMEOUT, or -ZE_AGAIN with NO_WAIT. */
int sem_take(struct sem *s, uint64_t timeout);
/* 0, or -ZE_BUSY when the count is already at its maximum.  IRQ-safe. */
int sem_give(struct sem *s);
unsigned sem_count(struct sem *s);

#endif
