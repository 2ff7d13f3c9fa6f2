/*
 * Wait queues: the one blocking mechanism under semaphores, mutexes and
 * message queues.  A wait queue has no lock of its own; it is guarded by
 * the lock of the object it belongs to, passed to waitq_wait.
 */
#ifndef KERNEL_WAITQ_H
#define KERNEL_WAITQ_H

#include <stdbool.h>
#include <stdint.h>
#include "kernel/list.h"
#include "kernel/spinlock.h"

struct thread;

struct waitq {
	struct list waiters; /* highest priority first, FIFO among equals */
};

void waitq_init(struct waitq *wq);
/*
 * Blocks the current thread.  Called with lock held and IRQs disabled;
 * returns with lock released and IRQs still disabled.  The result is what
 * the waker passed, or -ZE_TIMEOUT after timeout counter ticks.
 */
int waitq_wait(struct waitq *wq, struct spinlock *lock, uint64_t timeout);
/* Wakes the first waiter with result; returns it, or NULL.  Lock held. */
struct thread *waitq_wake_one(struct waitq *wq, int result);
unsigned waitq_wake_all(struct waitq *wq, int result);
bool waitq_empty(const struct waitq *wq);
struct thread *waitq_first(const struct waitq *wq);
/* Re-sorts t after its priority changed while it waits.  Lock held. */
void waitq_reposition(struct waitq *wq, struct thread *t);

#endif
