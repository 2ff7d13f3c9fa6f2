/* Thread life cycle: create, run, sleep, exit, join. */
#include "kernel/thread.h"
#include "lib/zerror.h"
#include "kernel/mem.h"
#include "kernel/mutex.h"
#include "kernel/time.h"
#include "lib/string.h"

void thread_trampoline(void);
void thread_run(struct thread *t);

static struct spinlock all_lock = SPINLOCK_INIT;
static struct list all_threads = LIST_INIT(all_threads);
static unsigned next_id;

static void thread_init_common(struct thread *t, const char *name, unsigned prio, unsigned cpu)
{
	strlcpy(t->name, name, sizeof(t->name));
	t->id = __atomic_fetch_add(&next_id, 1, __ATOMIC_RELAXED);
	t->cpu = cpu;
	t->base_prio = t->prio = (uint8_t)prio;
	list_init(&t->rq_node);
	list_init(&t->wait_node);
	list_init(&t->owned_mutexes);
	waitq_init(&t->exit_wq);
	ktimer_init(&t->timeout, 0);

	uint64_t flags = spin_lock_irqsave(&all_lock);
	list_add_tail(&all_threads, &t->all_node);
	spin_unlock_irqrestore(&all_lock, flags);
}

/* Each core's boot context becomes its idle thread; the struct is static. */
void thread_init_idle(struct thread *idle, unsigned cpu)
{
	char name[THREAD_NAME_MAX] = "idle/";

	name[5] = (char)('0' + cpu / 10);
	name[6] = (char)('0' + cpu % 10);
	thread_init_common(idle, name, PRIO_IDLE, cpu);
}

struct thread *thread_create(const char *name, void (*entry)(void *), void *arg, unsigned prio,
                             unsigned cpu, size_t stack_size)
{
	if (prio >= PRIO_IDLE || cpu >= MAX_CPUS || cpu_data(cpu)->state != CPU_ONLINE)
		return 0;
	if (stack_size == 0)
		stack_size = THREAD_STACK_DEFAULT;

	struct thread *t = kzalloc(sizeof(*t));
	void *stack = kmalloc_aligned(stack_size, 16);
	if (!t || !stack) {
		kfree(t);
		kfree(stack);
		return 0;
	}
	t->entry = entry;
	t->arg = arg;
	t->stack = stack;
	t->stack_size = stack_size;
	t->ctx.sp = (uintptr_t)stack + stack_size;
	t->ctx.lr = (uintptr_t)thread_trampoline;
	t->ctx.x19_x28[0] = (uintptr_t)t;
	thread_init_common(t, name, prio, cpu);
	sched_add_new(t);
	sched_preempt_check();
	return t;
}

void thread_run(struct thread *t)
{
	t->entry(t->arg);
}

void thread_exit(void)
{
	struct thread *self = thread_current();

	irq_disable();
	self->state = THREAD_DEAD;
	schedule(false);
	__builtin_unreachable();
}

static bool thread_finished(struct thread *t)
{
	return t->state == THREAD_DEAD && !__atomic_load_n(&t->on_cpu, __ATOMIC_ACQUIRE);
}

int thread_join(struct thread *t, uint64_t timeout)
{
	uint64_t deadline = time_now_plus(timeout);

	if (t == thread_current())
		return -ZE_DEADLK;
	uint64_t flags = spin_lock_irqsave(&t->lock);
	while (!thread_finished(t)) {
		uint64_t now = time_now();
		if (now >= deadline) {
			spin_unlock_irqrestore(&t->lock, flags);
			return -ZE_TIMEOUT;
		}
		waitq_wait(&t->exit_wq, &t->lock,
		           timeout == WAIT_FOREVER ? WAIT_FOREVER : deadline - now);
		spin_lock(&t->lock);
	}
	spin_unlock_irqrestore(&t->lock, flags);

	flags = spin_lock_irqsave(&all_lock);
	list_del(&t->all_node);
	spin_unlock_irqrestore(&all_lock, flags);
	kfree(t->stack);
	kfree(t);
	return 0;
}

void thread_yield(void)
{
	uint64_t flags = irq_save();

	schedule(true);
	irq_restore(flags);
}

/* Sleeping is waiting on a private queue that only the timeout ends. */
void thread_sleep_until(uint64_t deadline)
{
	struct spinlock lock = SPINLOCK_INIT;
	struct waitq never;
	uint64_t now = time_now();

	if (deadline <= now)
		return;
	waitq_init(&never);
	uint64_t flags = irq_save();
	spin_lock(&lock);
	waitq_wait(&never, &lock, deadline - now);
	irq_restore(flags);
}

void thread_sleep(uint64_t ticks)
{
	thread_sleep_until(time_now_plus(ticks));
}

void thread_set_priority(struct thread *t, unsigned prio)
{
	if (prio >= PRIO_IDLE)
		return;
	mutex_set_base_priority(t, prio);
}

void thread_for_each(void (*fn)(struct thread *t, void *ctx), void *ctx)
{
	uint64_t flags = spin_lock_irqsave(&all_lock);
	struct list *pos;

	list_for_each (pos, &all_threads)
		fn(list_entry(pos, struct thread, all_node), ctx);
	spin_unlock_irqrestore(&all_lock, flags);
}

const char *thread_state_name(enum thread_state s)
{
	switch (s) {
	case THREAD_READY: return "ready";
	case THREAD_RUNNING: return "running";
	case THREAD_BLOCKED: return "blocked";
	case THREAD_DEAD: return "dead";
	default: break;
	}
	return "?";
}
