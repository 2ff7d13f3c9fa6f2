/*
 * Cores for the built-in tests that boot a VM of their own.  A test takes
 * free cores; when there are too few and the operator consented to it
 * (`zvm test run ... --borrow`), VMs are stopped and lend their cores
 * (vm_lend.c) until the run ends, when each takes them back and the ones
 * that were running start again.  Without consent the test skips, and says
 * how many cores it needed and what would give them.
 */
#ifndef SELFTEST_ZTEST_CORES_H
#define SELFTEST_ZTEST_CORES_H

#include <stdbool.h>
#include <stdint.h>

#include "selftest/ztest.h"

/* Fills cores[0..n) with free cores, borrowing with consent; false after skipping. */
bool ztest_take_cores(struct ztest_ctx *ctx, unsigned n, uint32_t *cores);

/*
 * With consent, has every VM lend its cores, for the kernel tests that put
 * threads on all the cores there are; without it, leaves the VMs alone.
 */
void ztest_borrow_all_cores(void);

/* The runner, around a run: whether it may borrow, and giving everything back. */
void ztest_cores_allow_borrow(bool allowed);
void ztest_cores_give_back(void);

#endif
