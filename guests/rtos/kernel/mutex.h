/*
 * Recursive mutexes with (one-level) priority inheritance: while a thread
 * waits, the owner runs at least at the waiter's priority.
 */
#ifndef RTOS_KERNEL_MUTEX_H
#define RTOS_KERNEL_MUTEX_H

#include <stdint.h>
#include "kernel/prio_queue.h"

struct thread;

struct mutex {
	struct thread *owner;
	uint32_t depth;
	struct wait_queue waiters;
};

void mutex_init(struct mutex *m);
void mutex_lock(struct mutex *m);
/* 0 or -E_AGAIN. */
int mutex_trylock(struct mutex *m);
/* 0 or -E_PERM when the caller is not the owner. */
int mutex_unlock(struct mutex *m);

#endif
