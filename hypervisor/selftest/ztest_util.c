/* Helpers shared by the built-in tests; see ztest_util.h. */
#include "selftest/ztest_util.h"
#include "selftest/ztest_cores.h"
#include "kernel/time.h"

void zt_events_reset(struct zt_events *e)
{
	__atomic_store_n(&e->count, 0, __ATOMIC_RELAXED);
	for (unsigned i = 0; i < ZT_EVENTS_MAX; i++)
		e->ev[i] = 0;
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
}

void zt_event(struct zt_events *e, int what)
{
	unsigned slot = __atomic_fetch_add(&e->count, 1, __ATOMIC_ACQ_REL);

	if (slot < ZT_EVENTS_MAX)
		__atomic_store_n(&e->ev[slot], what, __ATOMIC_RELEASE);
}

bool zt_events_equal(const struct zt_events *e, const int *want, unsigned n)
{
	if (__atomic_load_n(&e->count, __ATOMIC_ACQUIRE) != n)
		return false;
	for (unsigned i = 0; i < n; i++) {
		if (__atomic_load_n(&e->ev[i], __ATOMIC_ACQUIRE) != want[i])
			return false;
	}
	return true;
}

uint32_t zt_rand(uint32_t *state)
{
	uint32_t x = *state ? *state : 1;

	/* Marsaglia's xorshift32 shift triple (13, 17, 5). */
	x ^= x << 13;
	x ^= x >> 17;
	x ^= x << 5;
	*state = x;
	return x;
}

/*
 * Cores a test may put threads on: online and not given to a VM, whose
 * vCPU thread would never let a test thread run there.  With the
 * operator's consent (--borrow) the VMs lend theirs first, so the kernel's
 * cross-core tests run on every core of make run's system too.
 */
unsigned zt_online_cpus(unsigned *cpus, unsigned max)
{
	unsigned n = 0;

	ztest_borrow_all_cores();

	for (unsigned i = 0; i < MAX_CPUS && n < max; i++) {
		if (cpu_data(i)->state == CPU_ONLINE && !cpu_data(i)->owner)
			cpus[n++] = i;
	}
	return n;
}

struct thread *zt_start(const char *name, void (*fn)(void *), void *arg, unsigned prio,
                        unsigned cpu)
{
	return thread_create(name, fn, arg, prio, cpu, 0);
}

bool zt_join_all(struct thread **ts, unsigned n)
{
	bool ok = true;

	for (unsigned i = 0; i < n; i++) {
		if (ts[i] && thread_join(ts[i], ms_to_ticks(ZT_JOIN_TIMEOUT_MS)) != 0)
			ok = false;
		else
			ts[i] = 0;
	}
	return ok;
}

unsigned zt_set_own_prio(unsigned prio)
{
	struct thread *self = thread_current();
	unsigned old = self->base_prio;

	thread_set_priority(self, prio);
	return old;
}

bool zt_spin_until(volatile int *flag, uint64_t ticks)
{
	uint64_t deadline = time_now_plus(ticks);

	while (!__atomic_load_n(flag, __ATOMIC_ACQUIRE)) {
		if (time_now() >= deadline)
			return false;
		cpu_relax();
	}
	return true;
}
