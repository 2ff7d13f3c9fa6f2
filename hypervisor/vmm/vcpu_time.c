/* A vCPU's core time, read from another core (vmm/vcpu_time.h). */
#include "vmm/vcpu_time.h"
#include "kernel/time.h"

/* The vCPU's core holds the seqcount odd for a few instructions only; a
 * core that died in between must not hang the reader. */
#define READ_TRIES 1000

/* A trapped WFI's wait the vCPU's core has not folded in yet: ended (at
 * woke), or going on (woke is the one before; not for a dead core). */
static uint64_t idle_not_folded(uint64_t slept, uint64_t woke, bool core_dead, uint64_t now)
{
	if (!slept)
		return 0;
	if (woke >= slept)
		return woke - slept;
	return core_dead ? 0 : now - slept;
}

void vcpu_time_read(const struct vcpu *v, bool core_dead, struct vcpu_stats *out)
{
	const struct vcpu_time_span *t = &v->time;

	for (unsigned tries = 0; tries < READ_TRIES; tries++) {
		uint32_t seq = __atomic_load_n(&t->seq, __ATOMIC_ACQUIRE);
		if (seq & 1)
			continue;
		*out = v->stats;
		uint64_t mark = t->mark, slept = t->slept_at, woke = t->woke_at;
		const uint64_t *open = t->open;
		__atomic_thread_fence(__ATOMIC_ACQUIRE);
		if (__atomic_load_n(&t->seq, __ATOMIC_RELAXED) != seq)
			continue;
		uint64_t now = time_now();
		uint64_t span = open && !core_dead ? now - mark : 0;
		if (open == &v->stats.guest_ticks)
			out->guest_ticks += span;
		else if (open == &v->stats.el2_ticks)
			out->el2_ticks += span;
		out->idle_ticks += idle_not_folded(slept, woke, core_dead, now);
		return;
	}
	*out = v->stats; /* without the open span */
}
