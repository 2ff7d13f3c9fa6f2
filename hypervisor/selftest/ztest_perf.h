/*
 * Round trips timed by the test guest itself (guests/baremetal/perf.c):
 * a key makes it measure, it prints "perf <what> n= min= avg= max= freq="
 * in counter ticks, and the test reports min_ns, avg_ns and max_ns.  The
 * average must stay below a sanity bound (QEMU without -icount on a shared
 * host: the guest's counter is host time); the worst case is reported, not
 * judged here: the latency targets are judged on it in bench/ (icount).
 */
#ifndef SELFTEST_ZTEST_PERF_H
#define SELFTEST_ZTEST_PERF_H

#include <stdint.h>

#include "selftest/ztest.h"
#include "vmm/vm.h"

/* Types key on the running test VM and judges its "perf <what>" line. */
void zt_perf_measure(struct ztest_ctx *ctx, struct vm *vm, char key, const char *what,
                     uint64_t avg_limit_ns);

#endif
