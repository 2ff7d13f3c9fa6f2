/*
 * ZVM's one time base (docs/timebase.md): the relation between the system
 * counter and UTC, published in the read-only time base page
 * (include/zvm/timebase.h) that VMs with `time-base` map, and answered to
 * Linux's ptp_kvm (vmm/smccc.c).  UTC comes from the board's RTC at boot,
 * later from whoever calls zvm_time_set() (the `zvm time set` command,
 * the VisualZVM agent).
 */
#ifndef ZSHM_ZVM_TIME_H
#define ZSHM_ZVM_TIME_H

#include <stdbool.h>
#include <stdint.h>

#include "lib/timebase.h"
#include "lib/zerror.h"

/* Error bound of a time given in whole seconds (the PL031, `zvm time set`). */
#define ZVM_TIME_SECOND_ERROR_NS 1000000000ull

/*
 * Boot, MMU still off: reads the board's RTC (a PL031 at rtc_base; 0: the
 * board has none) together with the counter.  Device loads only.
 */
void zvm_time_sample_rtc(uint64_t rtc_base);

/* Boot, after memory: the page, and the first relation published in it. */
int zvm_time_init(void);

/*
 * Sets the relation: it is time_ns UTC now, within error_ns; source is a
 * ZVM_TIMEBASE_SRC_*.  Every VM sees the change (the seqcount moves).
 * -ZE_INVAL for a time before 1970 + 1 s or a source that is none.
 */
int zvm_time_set(uint64_t time_ns, uint64_t error_ns, uint32_t source);

/* The current relation; false before zvm_time_init(). */
bool zvm_time_snapshot(struct timebase_snapshot *out);

/* UTC ns at physical counter value counter, from the published record. */
uint64_t zvm_time_at(const struct timebase_snapshot *s, uint64_t counter);

/* Host-physical address of the page, for the stage-2 maps; 0 before init. */
uint64_t zvm_time_page_pa(void);

const char *zvm_time_source_name(uint32_t source);

/*
 * Per VM (by id): what its guests' synchronizations said.  Counted on the
 * guests' own cores without a lock (relaxed atomics: counters and the
 * last value, each word whole).
 */
struct zvm_time_vm_stats {
	uint64_t ptp_calls;      /* ptp_kvm's PTP calls (Linux) */
	uint64_t reports;        /* ZVM_HC_TIME_REPORT calls (the RTOS) */
	int64_t last_offset_ns;  /* guest clock - time base, at its last report */
	uint64_t last_report_at; /* counter value of that report; 0: none */
	uint64_t last_ptp_at;    /* counter value of the last PTP call */
};
void zvm_time_count_ptp(unsigned vm_id, uint64_t counter);
/* A guest says its clock read guest_ns at physical counter counter (ZVM
 * added the VM's CNTVOFF to the virtual value the guest gave):
 * returns guest_ns - time base there, and keeps it. */
int64_t zvm_time_report(unsigned vm_id, uint64_t counter, uint64_t guest_ns);
void zvm_time_vm_stats(unsigned vm_id, struct zvm_time_vm_stats *out);
/* A VM (re)starts: its figures start again. */
void zvm_time_vm_reset(unsigned vm_id);

#endif
