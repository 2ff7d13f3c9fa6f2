/*
 * Mutexes with priority inheritance: while a thread waits, the owner (and,
 * transitively, whoever that owner waits for) runs at the waiter's priority,
 * so a middle-priority thread cannot stretch a high-priority one's wait.
 */
#ifndef KERNEL_MUTEX_H
#define KERNEL_MUTEX_H

#include <stdint.h>
#include "kernel/list.h"
#include "kernel/waitq.h"

struct thread;

struct mutex {
	struct thread *owner;
	struct list owner_node; /* in owner->owned_mutexes */
	struct waitq waiters;
	const char *name;
};

void mutex_init(struct mutex *m, const char *name);
/* 0, -ZE_TIMEOUT, -ZE_AGAIN (NO_WAIT and taken) or -ZE_DEADLK (own it). */
int mutex_lock(struct mutex *m, uint64_t timeout);
/* 0, or -ZE_PERM when the caller is not the owner. */
int mutex_unlock(struct mutex *m);
struct thread *mutex_owner(const struct mutex *m);
/* Sets t's own priority; its effective one stays raised while it must. */
void mutex_set_base_priority(struct thread *t, unsigned prio);

#endif
