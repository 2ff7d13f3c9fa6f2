/* A vCPU's core time, read from another core (vmm/vcpu_time.h). */
#include "vmm/vcpu_time.h"
#include "kernel/time.h"

/* The vCPU's core holds the seqcount odd for a few instructions only; a
 * core that died in between must not hang the reader. */
#define READ_TRIES 1000

void vcpu_time_read(const struct vcpu *v, bool core_dead, struct vcpu_stats *out)
{
	const struct vcpu_time_span *t = &v->time;

	for (unsigned tries = 0; tries < READ_TRIES; tries++) {
		uint32_t seq = __atomic_load_n(&t->seq, __ATOMIC_ACQUIRE);
		if (seq & 1)
			continue;
		*out = v->stats;
		uint64_t mark = t->mark;
		const uint64_t *open = t->open;
		__atomic_thread_fence(__ATOMIC_ACQUIRE);
		if (__atomic_load_n(&t->seq, __ATOMIC_RELAXED) != seq)
			continue;
		uint64_t span = open && !core_dead ? time_now() - mark : 0;
		if (open == &v->stats.guest_ticks)
			out->guest_ticks += span;
		else if (open == &v->stats.el2_ticks)
			out->el2_ticks += span;
		else if (open == &v->stats.idle_ticks)
			out->idle_ticks += span;
		return;
	}
	*out = v->stats; /* without the open span */
}
