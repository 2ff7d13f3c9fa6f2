/*
 * Threads and the preemptive fixed-priority scheduler (one CPU).
 *
 * The running thread is the highest-priority ready one, always; it is not on
 * the ready queue while it runs.  Priority 0 is the highest; PRIO_LOWEST
 * belongs to the idle thread.  Timeouts are relative, in counter ticks.
 */
#ifndef RTOS_KERNEL_SCHED_H
#define RTOS_KERNEL_SCHED_H

#include <stddef.h>
#include <stdint.h>
#include "arch/cpu.h"
#include "kernel/prio_queue.h"
#include "kernel/timeout_list.h"

#define TIMEOUT_NO_WAIT 0
#define TIMEOUT_FOREVER UINT64_MAX
#define DEADLINE_NEVER  UINT64_MAX

enum thread_state {
	THREAD_READY,
	THREAD_RUNNING,
	THREAD_BLOCKED, /* on a wait queue and/or a timeout */
	THREAD_SUSPENDED,
	THREAD_DEAD,
};

struct thread {
	struct arch_context ctx;
	struct prio_node node; /* ready queue or a wait queue */
	struct timeout timeout;
	uint8_t base_prio; /* node.prio may be boosted by a mutex */
	enum thread_state state;
	struct wait_queue *waiting_on;
	int wake_result;
	void *msg; /* message buffer while in a msgq wait */
	const char *name;
};

typedef void (*thread_entry_fn)(void *arg);

/* Takes over the virtual timer (its INTID from the devicetree). */
void sched_init(uint32_t vtimer_intid);
/* Runs the highest-priority thread; never returns. */
void sched_start(void) __attribute__((noreturn));

int thread_create(struct thread *t, const char *name, thread_entry_fn entry, void *arg,
                  uint8_t prio, void *stack, size_t stack_size);
struct thread *thread_current(void);
void thread_yield(void);
void thread_sleep_until(uint64_t deadline);
void thread_sleep(uint64_t ticks);
void thread_suspend(void);
void thread_resume(struct thread *t);
void thread_exit(void) __attribute__((noreturn));

/* For kernel objects, with IRQs masked: */
int sched_block(struct wait_queue *wq, uint64_t timeout);
/* Same with an absolute counter deadline (a past one expires at once). */
int sched_block_until(struct wait_queue *wq, uint64_t deadline);
void sched_wake(struct thread *t, int result);
/* Lets a higher-priority ready thread run; deferred inside IRQ handlers. */
void sched_reschedule(void);
void sched_set_prio(struct thread *t, uint8_t prio);
void sched_irq_exit(void);

static inline struct thread *thread_of(struct prio_node *n)
{
	return container_of(n, struct thread, node);
}

/* The last virtual-timer interrupt: its deadline and vector entry stamp. */
struct timer_irq_sample {
	uint64_t deadline;
	uint64_t entry;
};

extern volatile struct timer_irq_sample sched_last_timer_irq;

#endif
