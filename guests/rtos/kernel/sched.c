/*
 * The scheduler core: ready queue, blocking and waking, the tickless
 * virtual-timer, and the switch itself.  Every function here runs with IRQs
 * masked (thread entry points mask them themselves).
 */
#include "kernel/sched.h"
#include "kernel/irq.h"
#include "kernel/errno.h"
#include "kernel/panic.h"
#include "drivers/timer.h"

#define IDLE_STACK_SIZE 1024
#define STACK_ALIGN     16

volatile struct timer_irq_sample sched_last_timer_irq;

static struct ready_queue ready;
static struct timeout_list timeouts;
static struct thread *current;
static struct thread boot_thread; /* rtos_main's context, never resumed */
static struct thread idle_thread;
static uint8_t idle_stack[IDLE_STACK_SIZE] __attribute__((aligned(STACK_ALIGN)));

static void program_timer(void)
{
	uint64_t deadline;

	if (tl_next_deadline(&timeouts, &deadline))
		vtimer_set_deadline(deadline);
	else
		vtimer_stop();
}

/* current has already been queued or parked by the caller. */
static void switch_to_next(void)
{
	struct prio_node *n = rq_peek(&ready);
	struct thread *prev = current;
	struct thread *next;

	if (!n)
		panic("no ready thread");
	rq_remove(&ready, n);
	next = thread_of(n);
	next->state = THREAD_RUNNING;
	if (next == prev)
		return;
	current = next;
	arch_switch(&prev->ctx, &next->ctx);
}

static void timer_isr(uint32_t intid, void *arg)
{
	struct timeout *t;
	uint64_t now;

	(void)intid;
	(void)arg;
	now = timer_now();
	sched_last_timer_irq.deadline = vtimer_deadline();
	/* An exception taken for another interrupt just before our deadline
	 * may acknowledge ours instead (equal priority, lower INTID first):
	 * then this handler starts now, not at that exception's entry. */
	sched_last_timer_irq.entry =
	        irq_entry_stamp >= sched_last_timer_irq.deadline ? irq_entry_stamp : now;
	while ((t = tl_pop_expired(&timeouts, now))) {
		struct thread *th = container_of(t, struct thread, timeout);

		/* A plain sleep ends on time; any other wait times out. */
		sched_wake(th, th->waiting_on ? -E_TIMEOUT : 0);
	}
	program_timer();
}

static void idle_loop(void *arg)
{
	(void)arg;
	for (;;)
		wfi();
}

void sched_init(uint32_t vtimer_intid)
{
	rq_init(&ready);
	tl_init(&timeouts);
	vtimer_stop();
	boot_thread.state = THREAD_RUNNING;
	current = &boot_thread;
	thread_create(&idle_thread, "idle", idle_loop, NULL, PRIO_LOWEST, idle_stack,
	              sizeof(idle_stack));
	if (irq_attach(vtimer_intid, timer_isr, NULL))
		panic("virtual timer interrupt");
}

void sched_start(void)
{
	irq_save();
	boot_thread.state = THREAD_DEAD;
	switch_to_next();
	panic("boot context resumed");
}

/* C entry of a new thread (arch/switch.S thread_trampoline). */
void thread_start(thread_entry_fn entry, void *arg);
void thread_start(thread_entry_fn entry, void *arg)
{
	irq_enable();
	entry(arg);
	thread_exit();
}

int thread_create(struct thread *t, const char *name, thread_entry_fn entry, void *arg,
                  uint8_t prio, void *stack, size_t stack_size)
{
	uint64_t top = ((uint64_t)stack + stack_size) & ~(uint64_t)(STACK_ALIGN - 1);
	uint64_t flags;

	if (prio > PRIO_LOWEST || !entry || stack_size < STACK_ALIGN)
		return -E_INVAL;
	*t = (struct thread){ .name = name, .base_prio = prio };
	prio_node_init(&t->node, prio);
	timeout_init(&t->timeout);
	t->ctx.x19_x30[ARCH_CTX_X19] = (uint64_t)entry;
	t->ctx.x19_x30[ARCH_CTX_X20] = (uint64_t)arg;
	t->ctx.x19_x30[ARCH_CTX_LR] = (uint64_t)thread_trampoline;
	t->ctx.sp = top;
	flags = irq_save();
	t->state = THREAD_READY;
	rq_push_back(&ready, &t->node);
	sched_reschedule();
	irq_restore(flags);
	return 0;
}

struct thread *thread_current(void)
{
	return current;
}

void sched_reschedule(void)
{
	if (irq_in_handler() || current->state != THREAD_RUNNING)
		return;
	if (rq_top_prio(&ready) >= current->node.prio)
		return;
	/* A preempted thread keeps its place at the head of its level. */
	current->state = THREAD_READY;
	rq_push_front(&ready, &current->node);
	switch_to_next();
}

void sched_irq_exit(void)
{
	sched_reschedule();
}

int sched_block(struct wait_queue *wq, uint64_t timeout)
{
	if (timeout == TIMEOUT_FOREVER)
		return sched_block_until(wq, DEADLINE_NEVER);
	return sched_block_until(wq, timer_now() + timeout);
}

int sched_block_until(struct wait_queue *wq, uint64_t deadline)
{
	struct thread *self = current;

	self->state = THREAD_BLOCKED;
	self->waiting_on = wq;
	self->wake_result = 0;
	if (wq)
		wq_insert(wq, &self->node);
	if (deadline != DEADLINE_NEVER && tl_arm(&timeouts, &self->timeout, deadline))
		vtimer_set_deadline(deadline);
	switch_to_next();
	return self->wake_result;
}

void sched_wake(struct thread *t, int result)
{
	tl_cancel(&t->timeout);
	if (t->waiting_on) {
		wq_remove(&t->node);
		t->waiting_on = NULL;
	}
	t->wake_result = result;
	t->state = THREAD_READY;
	rq_push_back(&ready, &t->node);
}

void sched_set_prio(struct thread *t, uint8_t prio)
{
	if (t->node.prio == prio)
		return;
	if (t->state == THREAD_READY) {
		rq_remove(&ready, &t->node);
		t->node.prio = prio;
		rq_push_back(&ready, &t->node);
	} else if (t->state == THREAD_BLOCKED && t->waiting_on) {
		wq_remove(&t->node);
		t->node.prio = prio;
		wq_insert(t->waiting_on, &t->node);
	} else {
		t->node.prio = prio;
	}
}

void thread_yield(void)
{
	uint64_t flags = irq_save();

	current->state = THREAD_READY;
	rq_push_back(&ready, &current->node);
	switch_to_next();
	irq_restore(flags);
}

void thread_sleep_until(uint64_t deadline)
{
	uint64_t flags = irq_save();

	sched_block_until(NULL, deadline);
	irq_restore(flags);
}

void thread_sleep(uint64_t ticks)
{
	thread_sleep_until(timer_now() + ticks);
}

void thread_suspend(void)
{
	uint64_t flags = irq_save();

	current->state = THREAD_SUSPENDED;
	switch_to_next();
	irq_restore(flags);
}

void thread_resume(struct thread *t)
{
	uint64_t flags = irq_save();

	if (t->state == THREAD_SUSPENDED) {
		t->state = THREAD_READY;
		rq_push_back(&ready, &t->node);
		sched_reschedule();
	}
	irq_restore(flags);
}

void thread_exit(void)
{
	irq_save();
	current->state = THREAD_DEAD;
	switch_to_next();
	panic("dead thread resumed");
}
