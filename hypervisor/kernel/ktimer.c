/* Tickless kernel timers on the EL2 physical timer: see ktimer.h. */
#include "kernel/ktimer.h"
#include "kernel/irq.h"
#include "kernel/percpu.h"
#include "kernel/time.h"
#include "drivers/arch_timer.h"

void ktimer_init(struct ktimer *t, ktimer_fn fn)
{
	list_init(&t->node);
	t->fn = fn;
	t->armed = false;
	t->deadline = 0;
	t->cpu = 0;
}

/* Called with the queue locked, on the queue's own core. */
static void program_hardware(struct timer_queue *q)
{
	if (list_empty(&q->armed)) {
		arch_timer_stop();
		return;
	}
	arch_timer_set_deadline(list_entry(q->armed.next, struct ktimer, node)->deadline);
}

static void insert_sorted(struct timer_queue *q, struct ktimer *t)
{
	struct list *pos;

	list_for_each (pos, &q->armed) {
		if (list_entry(pos, struct ktimer, node)->deadline > t->deadline)
			break;
	}
	list_add_before(pos, &t->node);
}

static bool remove_locked(struct timer_queue *q, struct ktimer *t)
{
	(void)q;
	if (!t->armed)
		return false;
	list_del(&t->node);
	t->armed = false;
	return true;
}

void ktimer_arm(struct ktimer *t, uint64_t deadline)
{
	ktimer_cancel(t);

	struct percpu *cpu = this_cpu();
	struct timer_queue *q = &cpu->timers;
	uint64_t flags = spin_lock_irqsave(&q->lock);

	t->cpu = cpu->id;
	t->deadline = deadline;
	t->armed = true;
	insert_sorted(q, t);
	if (q->armed.next == &t->node)
		program_hardware(q);
	spin_unlock_irqrestore(&q->lock, flags);
}

/*
 * May run on any core.  A remote cancel cannot reprogram the owner's timer;
 * the owner then takes one early interrupt that finds nothing due.
 */
bool ktimer_cancel(struct ktimer *t)
{
	struct timer_queue *q = &cpu_data(t->cpu)->timers;
	uint64_t flags = spin_lock_irqsave(&q->lock);
	bool was_first = q->armed.next == &t->node;
	bool removed = remove_locked(q, t);

	if (removed && was_first && t->cpu == this_cpu_id())
		program_hardware(q);
	spin_unlock_irqrestore(&q->lock, flags);
	return removed;
}

static enum irq_result timer_irq(unsigned intid, void *arg)
{
	struct timer_queue *q = &this_cpu()->timers;

	(void)intid;
	(void)arg;
	spin_lock(&q->lock);
	while (!list_empty(&q->armed)) {
		struct ktimer *t = list_entry(q->armed.next, struct ktimer, node);
		if (t->deadline > time_now())
			break;
		remove_locked(q, t);
		q->fired++;
		spin_unlock(&q->lock); /* the callback may arm timers */
		t->fn(t);
		spin_lock(&q->lock);
	}
	program_hardware(q);
	spin_unlock(&q->lock);
	return IRQ_HANDLED;
}

void ktimer_init_cpu(unsigned timer_intid)
{
	struct timer_queue *q = &this_cpu()->timers;

	list_init(&q->armed);
	irq_register(timer_intid, timer_irq, 0, "hyp-timer");
	arch_timer_init_cpu(timer_intid);
}

unsigned ktimer_armed_count(unsigned cpu)
{
	struct timer_queue *q = &cpu_data(cpu)->timers;
	uint64_t flags = spin_lock_irqsave(&q->lock);
	unsigned n = 0;
	struct list *pos;

	list_for_each (pos, &q->armed)
		n++;
	spin_unlock_irqrestore(&q->lock, flags);
	return n;
}
