/*
 * Where a vCPU's core time goes: in the guest, in ZVM handling its traps
 * (the idle bucket has no boundary yet: see below).  Each boundary (a trap taken, a return to the
 * guest) reads the counter once, adds the span since the last boundary to
 * the bucket that span belonged to and opens the next; paused and powered
 * off, no bucket is open.  A reader on another core counts the open span
 * too (vcpu_time_read), so an idle guest that has not trapped for a while
 * is still seen where it is.
 *
 * What it cannot see: ZVM's exception entry before vcpu_trap() and the
 * vector fast paths (GICD loads, the virtual timer) count as guest time,
 * and so does an idle guest's WFI, which ZVM does not trap on an exclusive
 * core (a trap per idle entry would cost a real-time guest its wake-up
 * latency).  Direct-delivery vCPUs are not counted at all: their trapped
 * WFI's wake-up runs through vcpu_trap() to the guest's interrupt, and
 * bench-rt measured the boundaries on it (irq_latency, direct: 59 -> 79 ns
 * of icount time; 64 with them skipped), against a target of +10 %.  The
 * cost for the others: a counter read without an ISB (a boundary may be off by the few
 * instructions the read is reordered by) and a seqcount update per
 * boundary, two boundaries per slow trap; the vector fast paths (GICD
 * loads, the timer, which bench-rt's lr figures take) pay nothing.
 */
#ifndef VMM_VCPU_TIME_H
#define VMM_VCPU_TIME_H

#include "arch/arm64/sysreg.h"
#include "vmm/vcpu.h"

/* The span since the last boundary goes to its bucket; next opens now. */
static inline void vcpu_time_switch(struct vcpu *v, uint64_t *next)
{
	struct vcpu_time_span *t = &v->time;

	if (!t->counted)
		return;
	uint64_t now = read_sysreg(cntpct_el0); /* no ISB: see above */

	/* A seqcount: odd while the span moves, for vcpu_time_read. */
	__atomic_store_n(&t->seq, t->seq + 1, __ATOMIC_RELAXED);
	__atomic_thread_fence(__ATOMIC_RELEASE);
	if (t->open)
		*t->open += now - t->mark;
	t->mark = now;
	t->open = next;
	__atomic_store_n(&t->seq, t->seq + 1, __ATOMIC_RELEASE);
}

/* From any core: v's counters, its time buckets with the open span in
 * unless the core is dead (its span would grow for ever). */
void vcpu_time_read(const struct vcpu *v, bool core_dead, struct vcpu_stats *out);

#endif
