/*
 * What the last test run did: its plan, its progress and its results, kept
 * until the next run begins.  The runner writes; the commands (shell, agent)
 * read through copies taken under the store's lock.
 */
#ifndef SELFTEST_ZTEST_RESULTS_H
#define SELFTEST_ZTEST_RESULTS_H

#include <stdbool.h>
#include <stdint.h>

#include "selftest/ztest.h"

#define ZTEST_RESULTS_KEPT 256 /* the newest results of a run */
#define ZTEST_SELECTOR_MAX 48

enum ztest_run_state {
	ZTEST_RUN_NONE,
	ZTEST_RUN_ACTIVE,
	ZTEST_RUN_DONE
};

struct ztest_result {
	const struct ztest *test;
	enum ztest_outcome outcome;
	unsigned round;
	uint64_t time_us;
	char reason[ZTEST_REASON_MAX];
	char figures[ZTEST_FIGURES_MAX]; /* " name=value" ... */
};

struct ztest_run_info {
	unsigned number; /* runs since boot: 1, 2, ... */
	enum ztest_run_state state;
	char selector[ZTEST_SELECTOR_MAX];
	unsigned tests; /* selected, per round */
	unsigned repeat;
	uint64_t seed;
	unsigned produced; /* results so far, every round */
	unsigned count[ZTEST_OUTCOMES];
	bool cancel_requested;
	bool cancelled;              /* ended before its plan was done */
	uint64_t started, finished;  /* counter ticks */
	const struct ztest *current; /* running now (ACTIVE) */
	unsigned round;
};

/* The runner's side.  Begins a run: its number, or 0 while one is active. */
unsigned ztest_results_begin(const char *selector, unsigned tests, unsigned repeat, uint64_t seed);
void ztest_results_current(const struct ztest *t, unsigned round);
void ztest_results_add(const struct ztest_result *r);
void ztest_results_end(void);
/* Asks the active run to stop before its next test; false if none is active. */
bool ztest_results_request_cancel(void);
bool ztest_results_cancel_requested(void);

/* The readers' side: copies. */
void ztest_results_info(struct ztest_run_info *out);
/*
 * Result number seq (0-based, in run order) of run number run; false if it
 * is not (or no longer) kept, or that run is not the last one.
 */
bool ztest_results_get(unsigned run, unsigned seq, struct ztest_result *out);
/* The oldest result number still kept. */
unsigned ztest_results_oldest(const struct ztest_run_info *run);

#endif
