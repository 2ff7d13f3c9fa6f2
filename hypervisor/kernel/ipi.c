/*
 * IPIs: SGI n carries ipi_kind n.  A cross-core call posts one function in
 * the target's call slot and waits (bounded) for the target to run it.
 */
#include "kernel/ipi.h"
#include "kernel/irq_priority.h"
#include "lib/zerror.h"
#include "kernel/irq.h"
#include "kernel/percpu.h"
#include "kernel/thread.h"
#include "kernel/time.h"
#include "drivers/gicv3.h"

#define IPI_GROUP_TRIES 100000 /* a group change is a few register writes */

struct call_slot {
	struct spinlock lock; /* one caller at a time per target */
	void (*fn)(void *arg);
	void *arg;
	volatile uint64_t done; /* bumped by the target after each call */
};

static struct call_slot slots[MAX_CPUS];
static uint64_t received[MAX_CPUS][IPI_KINDS];

/*
 * Runs the call posted in this core's slot, if any.  Taking the function
 * with an exchange settles the race with a caller that gives up: exactly
 * one of the two sees it.
 */
static void run_posted_call(struct call_slot *s)
{
	void (*fn)(void *) = __atomic_exchange_n(&s->fn, 0, __ATOMIC_ACQUIRE);

	if (fn) {
		fn(s->arg);
		__atomic_fetch_add(&s->done, 1, __ATOMIC_RELEASE);
	}
}

/*
 * A caller waits with IRQs masked, so it must serve calls posted to its own
 * core meanwhile: two cores calling each other would otherwise both wait
 * for an IPI neither can take.  Hence also a ticket lock taken by hand.
 */
static void lock_slot_serving(struct call_slot *target, struct call_slot *mine)
{
	uint16_t ticket = __atomic_fetch_add(&target->lock.next, 1, __ATOMIC_RELAXED);

	while (__atomic_load_n(&target->lock.owner, __ATOMIC_ACQUIRE) != ticket) {
		run_posted_call(mine);
		cpu_relax();
	}
}

static enum irq_result ipi_irq(unsigned intid, void *arg)
{
	struct percpu *cpu = this_cpu();

	(void)arg;
	received[cpu->id][intid]++;
	if (intid == IPI_RESCHED)
		sched_resched_ipi();
	else if (intid == IPI_CALL)
		run_posted_call(&slots[cpu->id]);
	return IRQ_HANDLED;
}

void ipi_init_cpu(void)
{
	for (unsigned k = 0; k < IPI_KINDS; k++) {
		irq_register(k, ipi_irq, 0, k == IPI_RESCHED ? "ipi-resched" : "ipi-call");
		gic_set_priority(k, IRQ_PRIO_IPI);
		gic_enable_irq(k);
	}
}

/*
 * An SGI sent as the wrong group is dropped, so a sender must use the group
 * the target's SGIs have when it arrives.  The target brackets a change
 * with a sequence count (odd meanwhile): a send that saw the same even
 * count before and after used the right group.
 */
void ipi_set_group0(bool group0, uint8_t priority)
{
	struct percpu *cpu = this_cpu();

	__atomic_fetch_add(&cpu->sgi_group_seq, 1, __ATOMIC_ACQ_REL);
	dsb(ish);
	for (unsigned k = 0; k < IPI_KINDS; k++) {
		gic_set_group0(k, group0);
		gic_set_priority(k, priority);
	}
	__atomic_store_n(&cpu->sgis_group0, group0, __ATOMIC_RELAXED);
	dsb(sy);
	__atomic_fetch_add(&cpu->sgi_group_seq, 1, __ATOMIC_RELEASE);
}

void ipi_send(unsigned cpu, enum ipi_kind kind)
{
	struct percpu *t = cpu_data(cpu);

	for (unsigned tries = 0; tries < IPI_GROUP_TRIES; tries++) {
		uint32_t seq = __atomic_load_n(&t->sgi_group_seq, __ATOMIC_ACQUIRE);
		if (seq & 1) {
			cpu_relax();
			continue;
		}
		gic_send_sgi(kind, t->mpidr, __atomic_load_n(&t->sgis_group0, __ATOMIC_RELAXED));
		dsb(sy);
		if (__atomic_load_n(&t->sgi_group_seq, __ATOMIC_ACQUIRE) == seq)
			return;
	}
	/* A target stuck amid a change: one of the two arrives (a duplicate
	 * IPI is harmless, a lost one is not). */
	gic_send_sgi(kind, t->mpidr, true);
	gic_send_sgi(kind, t->mpidr, false);
}

int ipi_call(unsigned cpu, void (*fn)(void *arg), void *arg, uint64_t timeout)
{
	if (cpu >= MAX_CPUS || cpu_data(cpu)->state != CPU_ONLINE)
		return -ZE_INVAL;
	if (cpu == this_cpu_id()) {
		uint64_t flags = irq_save();
		fn(arg);
		irq_restore(flags);
		return 0;
	}

	struct call_slot *s = &slots[cpu];
	uint64_t flags = irq_save();
	struct call_slot *mine = &slots[this_cpu_id()];

	lock_slot_serving(s, mine);
	uint64_t before = s->done;
	uint64_t deadline = time_now_plus(timeout);
	int err = 0;

	s->arg = arg;
	__atomic_store_n(&s->fn, fn, __ATOMIC_RELEASE);
	ipi_send(cpu, IPI_CALL);
	while (__atomic_load_n(&s->done, __ATOMIC_ACQUIRE) == before) {
		/*
		 * Give up only if the target has not taken the call yet (arg may
		 * live on our stack) or has stopped for good inside it.
		 */
		if (time_now() > deadline && (__atomic_exchange_n(&s->fn, 0, __ATOMIC_ACQ_REL) ||
		                              cpu_data(cpu)->state != CPU_ONLINE)) {
			err = -ZE_TIMEOUT;
			break;
		}
		run_posted_call(mine);
		cpu_relax();
	}
	spin_unlock_irqrestore(&s->lock, flags);
	return err;
}

uint64_t ipi_received(unsigned cpu, enum ipi_kind kind)
{
	return cpu < MAX_CPUS && kind < IPI_KINDS ? received[cpu][kind] : 0;
}
