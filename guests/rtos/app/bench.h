/*
 * The real-time benchmark suite.  A controller thread at the lowest
 * application priority runs one benchmark at a time: the benchmark's threads
 * all outrank it, so when the controller runs again they are all finished.
 */
#ifndef RTOS_APP_BENCH_H
#define RTOS_APP_BENCH_H

#include <stdint.h>
#include "bench/stats.h"
#include "kernel/sched.h"
#include "kernel/sem.h"
#include "kernel/platform.h"

#define BENCH_SAMPLES    1000
#define BENCH_WARMUP     16
#define BENCH_TOTAL      (BENCH_SAMPLES + BENCH_WARMUP)
#define BENCH_WORKERS    3
#define BENCH_STACK_SIZE 4096

/* Priorities (0 highest): measuring threads above loads, the controller
 * below them all, idle below it. */
#define PRIO_BENCH_HIGH 4
#define PRIO_BENCH_MID  10
#define PRIO_BENCH_LOW  20
#define PRIO_CONTROLLER (PRIO_LOWEST - 1)

struct bench_env {
	const struct platform *plat;
	struct semaphore done; /* given by a benchmark when finished */
};

extern struct bench_env bench_env;

/* Starts worker slot i (0..BENCH_WORKERS-1) as a thread. */
void bench_spawn(unsigned int slot, const char *name, thread_entry_fn entry, void *arg,
                 uint8_t prio);
/* Prints one benchmark's JSON line. */
void bench_report(const char *name, const struct bench_stats *s);
/* Tells the controller this benchmark is finished. */
/* A benchmark that cannot measure says why in its line, and the suite
 * goes on: {"bench":name,"error":what,"code":code}. */
void bench_report_error(const char *name, const char *what, int64_t code);
void bench_finish(void);

/* Each starts one benchmark (it reports and calls bench_finish itself). */
void bench_irq_latency(void);
void bench_irq_latency_load(void);
void bench_irq_latency_load_irq(void);
void bench_task_switch(void);
void bench_preemption(void);
void bench_sem_shuffle(void);
void bench_msg_latency(void);
void bench_mutex(void);
void bench_mempool(void);
void bench_counter_read(void);
/* bench_vm.c: round trips out of the guest (hypercall, emulated GICD). */
void bench_hvc_null(void);
void bench_gicd_read(void);

#endif
