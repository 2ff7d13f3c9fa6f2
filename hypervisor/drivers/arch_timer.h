/* The EL2 physical timer (CNTHP_*): the one hardware timer ZVM itself uses. */
#ifndef DRIVERS_ARCH_TIMER_H
#define DRIVERS_ARCH_TIMER_H

#include <stdint.h>

void arch_timer_init_cpu(unsigned intid);
void arch_timer_set_deadline(uint64_t counter_value);
void arch_timer_stop(void);

#endif
