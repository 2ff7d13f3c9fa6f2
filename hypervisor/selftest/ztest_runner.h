/*
 * The test runner: one thread on ZVM's core that executes one run at a
 * time (a selector, a number of rounds, a seed), so that the caller (the
 * shell, the agent) stays free to show progress and to cancel.
 */
#ifndef SELFTEST_ZTEST_RUNNER_H
#define SELFTEST_ZTEST_RUNNER_H

#include <stdbool.h>
#include <stdint.h>

/* At the shell's priority: the tests' own threads are placed around it. */
#define ZTEST_RUNNER_PRIORITY 20
#define ZTEST_REPEAT_MAX      1000

/*
 * Starts a run; returns its number (> 0), or -ZE_BUSY while another runs,
 * -ZE_NOENT when selector picks no test, -ZE_NOMEM without a runner thread (lib/zerror.h).
 * borrow: the operator lets tests stop VMs for their cores (ztest_cores.h).
 */
int ztest_runner_start(const char *selector, unsigned repeat, uint64_t seed, bool borrow);
/* Waits until the run has news (a result, its end) or ticks have passed. */
void ztest_runner_wait(uint64_t ticks);
/* Called on ZVM's core after every result and at the end of a run. */
void ztest_runner_on_progress(void (*notify)(void));

#endif
