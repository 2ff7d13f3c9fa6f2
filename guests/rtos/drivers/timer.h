/* The Arm generic timer as the RTOS uses it: the counter, the EL1 virtual
 * timer (the kernel's tickless timer) and the EL1 physical timer (a second,
 * independent interrupt source for the benchmarks). */
#ifndef RTOS_DRIVERS_TIMER_H
#define RTOS_DRIVERS_TIMER_H

#include <stdint.h>
#include <stdbool.h>

/* The virtual count, ordered after earlier instructions. */
uint64_t timer_now(void);
uint64_t timer_frequency(void);

/* Virtual timer: fire at an absolute virtual count, or never. */
void vtimer_set_deadline(uint64_t deadline);
void vtimer_stop(void);
uint64_t vtimer_deadline(void);

/* EL1 physical timer. */
void ptimer_set_deadline(uint64_t deadline);
void ptimer_stop(void);
uint64_t ptimer_now(void);

#endif
