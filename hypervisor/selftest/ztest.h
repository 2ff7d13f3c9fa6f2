/*
 * ZVM's built-in test programs.  A test is a function registered with
 * ZTEST(group, name); the `zvm test` commands (ztest_cmds.c) reach them
 * through the one command registry, so the shell, the network agent and CI
 * run exactly the same code.  A run executes on the test runner thread on
 * ZVM's core (ztest_runner.c), one at a time; its results are kept
 * (ztest_results.c) until the next run begins.
 *
 * A run starts with
 *   ZTEST RUN selector=<sel> tests=<n> repeat=<r> seed=<s>
 * and each result is one machine-readable line:
 *   ZTEST <group>.<name> PASS time_us=<n> [round=<k>] [<figure>=<value> ...]
 *   ZTEST <group>.<name> FAIL time_us=<n> [round=<k>] reason="<file>:<line>: <what>"
 *   ZTEST <group>.<name> SKIP time_us=<n> [round=<k>] reason="<what it needs>"
 * (round only when the run repeats), and a run ends with
 *   ZTEST SUMMARY total=<n> passed=<n> failed=<n> skipped=<n> time_us=<n> [cancelled=1]
 * A test skips only when the system it runs on lacks what it needs (say,
 * a free core and a guest image for the VM tests), never to hide a failure.
 *
 * A test must leave nothing behind (threads joined, memory freed) before
 * it checks results: a failed check returns from the test at once.
 */
#ifndef SELFTEST_ZTEST_H
#define SELFTEST_ZTEST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "kernel/cmd.h"

#define ZTEST_REASON_MAX  160
#define ZTEST_FIGURES_MAX 240

struct ztest_ctx {
	uint64_t seed;  /* this test's own: from the run's seed and round */
	unsigned round; /* 1..repeat */
	bool failed;
	bool skipped;
	char reason[ZTEST_REASON_MAX];
	char figures[ZTEST_FIGURES_MAX];
	size_t figures_len;
};

struct ztest {
	const char *group;
	const char *name;
	void (*fn)(struct ztest_ctx *ctx);
};

#define ZTEST(grp, nm)                                                      \
	static void ztest_fn_##grp##_##nm(struct ztest_ctx *ctx);           \
	static const struct ztest ztest_entry_##grp##_##nm                  \
	        __attribute__((used, section("zvm_tests"), aligned(8))) = { \
		        .group = #grp,                                      \
		        .name = #nm,                                        \
		        .fn = ztest_fn_##grp##_##nm,                        \
	        };                                                          \
	static void ztest_fn_##grp##_##nm(struct ztest_ctx *ctx)

void ztest_fail(struct ztest_ctx *ctx, const char *file, int line, const char *fmt, ...)
        __attribute__((format(printf, 4, 5)));
/* Ends nothing by itself: the test returns after calling it. */
void ztest_skip(struct ztest_ctx *ctx, const char *why);
/* Adds "name=value" to the result line: what the test measured. */
void ztest_figure(struct ztest_ctx *ctx, const char *name, uint64_t value);

#define ZT_CHECK(cond)                                                    \
	do {                                                              \
		if (!(cond)) {                                            \
			ztest_fail(ctx, __FILE__, __LINE__, "%s", #cond); \
			return;                                           \
		}                                                         \
	} while (0)

#define ZT_CHECK_EQ(a, b)                                                                      \
	do {                                                                                   \
		long long _za = (long long)(a), _zb = (long long)(b);                          \
		if (_za != _zb) {                                                              \
			ztest_fail(ctx, __FILE__, __LINE__, "%s == %s (%lld != %lld)", #a, #b, \
			           _za, _zb);                                                  \
			return;                                                                \
		}                                                                              \
	} while (0)

enum ztest_outcome {
	ZTEST_PASS,
	ZTEST_FAIL,
	ZTEST_SKIP,
	ZTEST_OUTCOMES
};

/* The registry, in link order. */
const struct ztest *ztest_first(void);
const struct ztest *ztest_end(void);
/* Does selector ("all", a group, group.name or a bare name) pick t? */
bool ztest_matches(const struct ztest *t, const char *selector);
/* Runs one test with ctx prepared by the caller (seed, round). */
enum ztest_outcome ztest_execute(const struct ztest *t, struct ztest_ctx *ctx);

#endif
