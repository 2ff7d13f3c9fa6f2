/*
 * Tickless one-shot kernel timers.  Each core keeps its armed timers sorted
 * by deadline and programs its hardware timer for the earliest one only;
 * callbacks run in interrupt context on the core that armed the timer.
 */
#ifndef KERNEL_KTIMER_H
#define KERNEL_KTIMER_H

#include <stdbool.h>
#include <stdint.h>
#include "kernel/list.h"

struct ktimer;
typedef void (*ktimer_fn)(struct ktimer *timer);

struct ktimer {
	struct list node;
	uint64_t deadline; /* counter value */
	ktimer_fn fn;
	unsigned cpu;
	bool armed;
};

void ktimer_init(struct ktimer *t, ktimer_fn fn);
/* Arms (or re-arms) t on the calling core for an absolute counter value. */
void ktimer_arm(struct ktimer *t, uint64_t deadline);
/* Returns true if t was armed and is now not going to fire. */
bool ktimer_cancel(struct ktimer *t);
/* Per-core set-up: the timer interrupt handler on the calling core. */
void ktimer_init_cpu(unsigned timer_intid);
unsigned ktimer_armed_count(unsigned cpu);

#endif
