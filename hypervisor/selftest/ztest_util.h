/*
 * Helpers shared by the built-in tests: an event log that threads on any
 * core append to, a deterministic pseudo-random sequence, the online-core
 * list, and thread start/join wrappers with bounded waits.
 */
#ifndef SELFTEST_ZTEST_UTIL_H
#define SELFTEST_ZTEST_UTIL_H

#include <stdbool.h>
#include <stdint.h>

#include "kernel/percpu.h"
#include "kernel/thread.h"

#define ZT_ARRAY_SIZE(a)   (sizeof(a) / sizeof((a)[0]))
#define ZT_EVENTS_MAX      64
/* A test thread that has not ended after this long is a failure, not a hang. */
#define ZT_JOIN_TIMEOUT_MS 30000
/* "About the right time": generous, because QEMU without icount may stall. */
#define ZT_SLACK_MS        5000
/* Priority of test threads that must run before the shell (20) does. */
#define ZT_PRIO_WORKER     10
/* A test's own priority while it lines threads up: none of them runs yet. */
#define ZT_PRIO_STARTER    1

/* An ordered record of what happened, safe to append from any core or IRQ. */
struct zt_events {
	unsigned count;
	int ev[ZT_EVENTS_MAX];
};

void zt_events_reset(struct zt_events *e);
void zt_event(struct zt_events *e, int what);
/* True if the log holds exactly want[0..n). */
bool zt_events_equal(const struct zt_events *e, const int *want, unsigned n);

/* xorshift32: the same "random" sequence on every run. */
uint32_t zt_rand(uint32_t *state);

/* Fills cpus[] with the online core ids, ascending; returns how many. */
unsigned zt_online_cpus(unsigned *cpus, unsigned max);

struct thread *zt_start(const char *name, void (*fn)(void *), void *arg, unsigned prio,
                        unsigned cpu);
/* Joins every non-NULL thread in ts[0..n); false if any did not end in time. */
bool zt_join_all(struct thread **ts, unsigned n);

/*
 * Sets the caller's own priority and returns the previous one: a test
 * raises itself to create several threads on its core before any runs.
 */
unsigned zt_set_own_prio(unsigned prio);

/* Spins (without blocking) until *flag is non-zero or ticks have passed. */
bool zt_spin_until(volatile int *flag, uint64_t ticks);

#endif
