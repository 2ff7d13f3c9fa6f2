/*
 * The RTOS's wall clock, synchronized from ZVM's time base page
 * (include/zvm/timebase.h, docs/timebase.md).
 *
 * The page relates UTC to the physical counter; the RTOS keeps time on
 * its virtual counter (its timers run on it), which under ZVM is offset by
 * the VM's CNTVOFF_EL2.  A sync copies the record and measures that
 * offset: CNTPCT, CNTVCT, CNTPCT read back to back, the virtual value
 * taken against the middle of the two physical ones.
 */
#ifndef RTOS_KERNEL_WALLCLOCK_H
#define RTOS_KERNEL_WALLCLOCK_H

#include <stdbool.h>
#include <stdint.h>

#include "lib/timebase.h"

/* Copies the record at page; false when there is none to be read. */
bool wallclock_sync(const struct zvm_timebase *page);

/* Whether ZVM changed the relation since the last sync (seq moved). */
bool wallclock_changed(const struct zvm_timebase *page);

/* UTC ns at virtual counter value vcount; 0 before the first sync. */
uint64_t wallclock_at(uint64_t vcount);

/* What the last sync took: its seqcount, and the CNTVOFF it measured. */
uint32_t wallclock_seq(void);
uint64_t wallclock_voff(void);
/* The reads it took: the offset is right within half of this, in ticks. */
uint64_t wallclock_voff_window(void);

#endif
