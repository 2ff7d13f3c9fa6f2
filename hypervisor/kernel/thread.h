/*
 * Kernel threads.  Every thread is pinned to one core for its whole life;
 * each core runs its own preemptive fixed-priority scheduler (0 = highest,
 * FIFO among equals, no time slicing).
 */
#ifndef KERNEL_THREAD_H
#define KERNEL_THREAD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "kernel/ktimer.h"
#include "kernel/list.h"
#include "kernel/percpu.h"
#include "kernel/spinlock.h"
#include "kernel/waitq.h"

#define THREAD_NAME_MAX      16
#define THREAD_STACK_DEFAULT (16 * 1024)
#define WAIT_FOREVER         UINT64_MAX /* timeouts are in counter ticks */
#define NO_WAIT              0

enum thread_state {
	THREAD_READY,
	THREAD_RUNNING,
	THREAD_BLOCKED,
	THREAD_DEAD,
};

/* Callee-saved state; what arch_context_switch saves and restores. */
struct arch_context {
	uint64_t x19_x28[10];
	uint64_t fp;
	uint64_t lr;
	uint64_t sp;
};

struct mutex;

struct thread {
	struct arch_context ctx; /* first: context.S relies on it */
	char name[THREAD_NAME_MAX];
	unsigned id;
	unsigned cpu;
	uint8_t base_prio; /* as created or set */
	uint8_t prio;      /* effective: raised by priority inheritance */
	volatile enum thread_state state;
	volatile bool on_cpu; /* its stack is still in use */
	struct list rq_node;

	/* Waiting: protected by the lock of the object waited on. */
	struct waitq *waiting_on;
	struct spinlock *wait_lock;
	struct list wait_node;
	int wait_result;
	struct ktimer timeout;
	struct mutex *blocked_on; /* for priority-inheritance chains */
	struct list owned_mutexes;

	void (*entry)(void *arg);
	void *arg;
	void *stack;
	size_t stack_size;
	struct spinlock lock; /* guards exit_wq */
	struct waitq exit_wq;

	uint64_t run_ticks;
	uint64_t switched_in;
	uint64_t switches;
	struct list all_node;
};

struct thread *thread_create(const char *name, void (*entry)(void *), void *arg, unsigned prio,
                             unsigned cpu, size_t stack_size);
/* Each core's boot context becomes its idle thread (boot only). */
void thread_init_idle(struct thread *idle, unsigned cpu);
void thread_exit(void) __attribute__((noreturn));
/* Waits for t to end, then frees it.  0, -ZE_TIMEOUT or -ZE_DEADLK. */
int thread_join(struct thread *t, uint64_t timeout);
void thread_yield(void);
void thread_sleep_until(uint64_t deadline);
void thread_sleep(uint64_t ticks);
void thread_set_priority(struct thread *t, unsigned prio);

static inline struct thread *thread_current(void)
{
	return this_cpu()->current;
}

/* Iterates every live thread under the thread-list lock. */
void thread_for_each(void (*fn)(struct thread *t, void *ctx), void *ctx);
const char *thread_state_name(enum thread_state s);

/* --- scheduler internals, used by thread.c, waitq.c and mutex.c --- */
void sched_init_cpu(struct thread *idle);
void sched_start_cpu(void) __attribute__((noreturn));
/* Gives up the CPU; IRQs must be disabled.  Yielding puts a running thread
 * behind its equals, preemption in front of them. */
void schedule(bool yield);
/* Makes a blocked thread ready; false if it was not blocked. */
bool sched_wake(struct thread *t);
/* Adds a new thread to its core's ready queue. */
void sched_add_new(struct thread *t);
/* Changes the effective priority, re-queueing a ready thread. */
void sched_change_prio(struct thread *t, unsigned prio);
/* At the end of every IRQ: switch if a higher priority became ready. */
void sched_irq_exit(void);
/* After waking someone outside interrupt context. */
void sched_preempt_check(void);
void sched_finish_switch(struct thread *last);
void sched_resched_ipi(void);

#endif
