/*
 * Round trips through ZVM measured from inside the guest, in counter ticks
 * (CNTVCT_EL0): ZVM's perf tests type a key and read the printed figures.
 */
#ifndef BAREMETAL_PERF_H
#define BAREMETAL_PERF_H

#include <stdint.h>

#define PERF_ROUNDS 1000

struct perf_stats {
	uint64_t min, max, sum, n;
};

/* ZVM_HC_NULL: a hypercall that does nothing. */
void perf_hvc_null(struct perf_stats *st);
/* A read of GICD_TYPER: a stage-2 abort emulated by ZVM's vGIC. */
void perf_gicd_read(struct perf_stats *st);

/* Measure and print the "perf <what> ..." line of main.c's keys H and G. */
void perf_report_hvc_null(void);
void perf_report_gicd_read(void);
/*
 * Key I: a self-SGI from its ICC_SGI1R_EL1 write (a trap into ZVM) to the
 * guest's handler; the handler stores its counter in *taken_at and counts
 * in *taken.
 */
void perf_report_self_sgi(unsigned intid, volatile uint64_t *taken_at, volatile uint64_t *taken);

/* For the other round trips (virtio_test.c, zshm_test.c): the counter,
 * one sample, and the "perf <what> n= min= avg= max= freq=" line. */
uint64_t perf_now(void);
void perf_add(struct perf_stats *st, uint64_t ticks);
void perf_print(const char *what, const struct perf_stats *st);

#endif
