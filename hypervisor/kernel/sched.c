/*
 * Per-core preemptive fixed-priority scheduler.  Each core owns a run queue
 * (a bitmap of non-empty priority lists), so picking the next thread is a
 * count-trailing-zeros and a list head: O(1) whatever the thread count.
 * Cores only touch each other's queues to wake a thread, then poke the
 * owner with an SGI if it should preempt.
 */
#include "kernel/thread.h"
#include "kernel/ipi.h"
#include "kernel/time.h"

struct thread *arch_context_switch(struct thread *prev, struct thread *next);

static void rq_enqueue(struct runqueue *rq, struct thread *t, bool at_head)
{
	if (at_head)
		list_add_head(&rq->queue[t->prio], &t->rq_node);
	else
		list_add_tail(&rq->queue[t->prio], &t->rq_node);
	rq->ready_mask |= 1u << t->prio;
}

static void rq_dequeue(struct runqueue *rq, struct thread *t)
{
	list_del(&t->rq_node);
	if (list_empty(&rq->queue[t->prio]))
		rq->ready_mask &= ~(1u << t->prio);
}

static struct thread *rq_first(struct runqueue *rq)
{
	if (!rq->ready_mask)
		return 0;
	unsigned prio = (unsigned)__builtin_ctz(rq->ready_mask);
	return list_entry(rq->queue[prio].next, struct thread, rq_node);
}

/* Should cpu's current thread give way?  Its run queue lock is held. */
static bool should_preempt(struct percpu *cpu)
{
	struct thread *first = rq_first(&cpu->rq);

	return first && first->prio < cpu->current->prio;
}

static void poke(struct percpu *cpu)
{
	if (cpu == this_cpu())
		cpu->need_resched = true;
	else
		ipi_send(cpu->id, IPI_RESCHED);
}

void sched_init_cpu(struct thread *idle)
{
	struct percpu *cpu = this_cpu();

	for (unsigned p = 0; p < PRIO_COUNT; p++)
		list_init(&cpu->rq.queue[p]);
	cpu->idle = idle;
	cpu->current = idle;
	idle->state = THREAD_RUNNING;
	idle->on_cpu = true;
	idle->switched_in = time_now();
}

void schedule(bool yield)
{
	struct percpu *cpu = this_cpu();
	struct thread *prev = cpu->current, *next;
	uint64_t now;

	spin_lock(&cpu->rq.lock);
	cpu->need_resched = false;
	if (prev->state == THREAD_RUNNING) {
		prev->state = THREAD_READY;
		if (prev != cpu->idle)
			rq_enqueue(&cpu->rq, prev, !yield);
	}
	next = rq_first(&cpu->rq);
	if (next)
		rq_dequeue(&cpu->rq, next);
	else
		next = cpu->idle;
	next->state = THREAD_RUNNING;
	if (next == prev) {
		spin_unlock(&cpu->rq.lock);
		return;
	}
	now = time_now();
	prev->run_ticks += now - prev->switched_in;
	next->switched_in = now;
	next->switches++;
	next->on_cpu = true;
	cpu->current = next;
	cpu->rq.switches++;
	spin_unlock(&cpu->rq.lock);

	sched_finish_switch(arch_context_switch(prev, next));
}

/*
 * Runs on the new thread's stack, right after a switch away from last.
 * A dead thread is marked off the CPU only under its lock: a joiner that
 * sees it finished frees it, so this core must be done touching it first.
 */
void sched_finish_switch(struct thread *last)
{
	if (last->state != THREAD_DEAD) {
		__atomic_store_n(&last->on_cpu, false, __ATOMIC_RELEASE);
		return;
	}
	spin_lock(&last->lock);
	__atomic_store_n(&last->on_cpu, false, __ATOMIC_RELEASE);
	waitq_wake_all(&last->exit_wq, 0);
	spin_unlock(&last->lock);
}

bool sched_wake(struct thread *t)
{
	struct percpu *cpu = cpu_data(t->cpu);
	uint64_t flags = spin_lock_irqsave(&cpu->rq.lock);
	bool preempt;

	if (t->state != THREAD_BLOCKED) {
		spin_unlock_irqrestore(&cpu->rq.lock, flags);
		return false;
	}
	t->state = THREAD_READY;
	rq_enqueue(&cpu->rq, t, false);
	preempt = should_preempt(cpu);
	spin_unlock_irqrestore(&cpu->rq.lock, flags);
	if (preempt)
		poke(cpu);
	return true;
}

void sched_add_new(struct thread *t)
{
	t->state = THREAD_BLOCKED;
	sched_wake(t);
}

void sched_change_prio(struct thread *t, unsigned prio)
{
	struct percpu *cpu = cpu_data(t->cpu);
	uint64_t flags = spin_lock_irqsave(&cpu->rq.lock);
	bool preempt;

	if (t->state == THREAD_READY && t != cpu->idle) {
		rq_dequeue(&cpu->rq, t);
		t->prio = (uint8_t)prio;
		rq_enqueue(&cpu->rq, t, false);
	} else {
		t->prio = (uint8_t)prio;
	}
	preempt = should_preempt(cpu);
	spin_unlock_irqrestore(&cpu->rq.lock, flags);
	if (preempt)
		poke(cpu);
}

void sched_irq_exit(void)
{
	if (this_cpu()->need_resched)
		schedule(false);
}

void sched_preempt_check(void)
{
	if (in_irq() || !this_cpu()->need_resched)
		return;
	uint64_t flags = irq_save();
	schedule(false);
	irq_restore(flags);
}

void sched_resched_ipi(void)
{
	this_cpu()->need_resched = true;
}

/* The boot context of each core becomes its idle thread. */
void sched_start_cpu(void)
{
	struct percpu *cpu = this_cpu();

	for (;;) {
		irq_disable();
		if (!cpu->rq.ready_mask && !cpu->need_resched) {
			uint64_t t0 = time_now();
			wfi(); /* a pending IRQ ends it even while masked */
			cpu->idle_ticks += time_now() - t0;
		}
		irq_enable(); /* the IRQ is taken here and may switch */
		if (cpu->rq.ready_mask) {
			irq_disable();
			schedule(true);
			irq_enable();
		}
	}
}
