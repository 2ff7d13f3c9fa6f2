/*
 * Where a vCPU's core time goes.  Each boundary (a trap taken, a return to
 * the guest, a trapped WFI's start and end) reads the counter once, adds
 * the span since the last boundary to the bucket that span belonged to and
 * opens the next; paused and powered off, no bucket is open.  A reader on
 * another core counts the open span too (vcpu_time_read), so a guest that
 * has not trapped for a while is still seen where it is.
 *
 * Which buckets a vCPU has depends on how ZVM meets its WFI:
 *
 * - List-register delivery (VCPU_TIME_RUN): in the guest and in ZVM
 *   handling its traps.  Its WFI is not trapped on an exclusive core (a
 *   trap per idle entry would cost a real-time guest its wake-up latency),
 *   so an idle guest counts as in the guest, and so do ZVM's exception
 *   entry before vcpu_trap() and the vector fast paths (GICD loads, the
 *   virtual timer).  Cost: a counter read and a seqcount update per
 *   boundary, two per slow trap; the fast paths (bench-rt's lr figures)
 *   pay nothing.
 * - Direct delivery (VCPU_TIME_IDLE): idle alone, the time its core waits
 *   in the WFI ZVM traps for it (HCR_EL2.TWI, vcpu_trap.c); the rest is
 *   the guest's or ZVM's without telling which.  A direct guest's
 *   interrupt latency through that WFI is what bench-rt's irq_latency
 *   (direct) takes, so the way out pays one counter read and one store
 *   (woke_at); the seqcount work that folds the wait into idle_ticks is
 *   done at the next WFI's start (or when the vCPU leaves), when the core
 *   is going idle anyway.  Its other traps pay the mode check only.
 *
 * Every counter read goes without an ISB: a boundary may be off by the few
 * instructions the read is reordered by.
 */
#ifndef VMM_VCPU_TIME_H
#define VMM_VCPU_TIME_H

#include "arch/arm64/sysreg.h"
#include "vmm/vcpu.h"

static inline enum vcpu_time_mode vcpu_time_mode_for(bool direct_irq)
{
	return direct_irq ? VCPU_TIME_IDLE : VCPU_TIME_RUN;
}

/* The span since the last boundary goes to its bucket; next opens now. */
static inline void vcpu_time_move(struct vcpu_time_span *t, uint64_t *next)
{
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

/* A boundary of a VCPU_TIME_RUN vCPU (the others have none here). */
static inline void vcpu_time_switch(struct vcpu *v, uint64_t *next)
{
	if (v->time.mode == VCPU_TIME_RUN)
		vcpu_time_move(&v->time, next);
}

/* Under the seqcount: the last trapped WFI's wait goes into idle_ticks,
 * up to its end or, while the core still waits in it, up to now. */
static inline void vcpu_time_fold_idle(struct vcpu *v, uint64_t now)
{
	struct vcpu_time_span *t = &v->time;

	if (!t->slept_at)
		return;
	uint64_t woke = t->woke_at;
	v->stats.idle_ticks += (woke >= t->slept_at ? woke : now) - t->slept_at;
	t->slept_at = 0;
}

/* A direct-delivery vCPU's trapped WFI begins; the one before is folded. */
static inline void vcpu_time_sleeps(struct vcpu *v)
{
	struct vcpu_time_span *t = &v->time;
	uint64_t now = read_sysreg(cntpct_el0);

	__atomic_store_n(&t->seq, t->seq + 1, __ATOMIC_RELAXED);
	__atomic_thread_fence(__ATOMIC_RELEASE);
	vcpu_time_fold_idle(v, now);
	t->slept_at = now;
	__atomic_store_n(&t->seq, t->seq + 1, __ATOMIC_RELEASE);
}

/* It woke: all the way out to the guest's interrupt pays.  The ISB keeps
 * the read after the wake-up (the pipeline is empty after a WFI anyway). */
static inline void vcpu_time_wakes(struct vcpu *v)
{
	isb();
	__atomic_store_n(&v->time.woke_at, read_sysreg(cntpct_el0), __ATOMIC_RELAXED);
}

/* The vCPU left the guest for good: whatever span is open ends (a trapped
 * WFI's too, should the way out have started inside it). */
static inline void vcpu_time_close(struct vcpu *v)
{
	struct vcpu_time_span *t = &v->time;

	if (t->mode == VCPU_TIME_RUN) {
		vcpu_time_move(t, 0);
		return;
	}
	__atomic_store_n(&t->seq, t->seq + 1, __ATOMIC_RELAXED);
	__atomic_thread_fence(__ATOMIC_RELEASE);
	vcpu_time_fold_idle(v, read_sysreg(cntpct_el0));
	__atomic_store_n(&t->seq, t->seq + 1, __ATOMIC_RELEASE);
}

/* From any core: v's counters, its time buckets with the open span in
 * unless the core is dead (its span would grow for ever). */
void vcpu_time_read(const struct vcpu *v, bool core_dead, struct vcpu_stats *out);

#endif
