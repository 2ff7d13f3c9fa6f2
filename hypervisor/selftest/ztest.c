/* The self-test registry, runner and the `zvm test` commands. */
#include <stdarg.h>

#include "selftest/ztest.h"
#include "kernel/time.h"
#include "lib/format.h"
#include "lib/string.h"

extern const struct ztest __start_zvm_tests[], __stop_zvm_tests[];

static bool matches(const struct ztest *t, const char *sel)
{
	size_t glen = strlen(t->group);

	if (!strcmp(sel, "all") || !strcmp(sel, t->group) || !strcmp(sel, t->name))
		return true;
	return !strncmp(sel, t->group, glen) && sel[glen] == '.' &&
	       !strcmp(sel + glen + 1, t->name);
}

void ztest_fail(struct ztest_ctx *ctx, const char *file, int line, const char *fmt, ...)
{
	const char *base = file;
	int n;
	va_list ap;

	/* Only the file name: the source tree layout is noise in a result line. */
	for (const char *p = file; *p; p++) {
		if (*p == '/')
			base = p + 1;
	}
	ctx->failed = true;
	n = fmt_snprintf(ctx->reason, sizeof(ctx->reason), "%s:%d: ", base, line);
	if (n < 0 || (size_t)n >= sizeof(ctx->reason))
		return;
	va_start(ap, fmt);
	fmt_vsnprintf(ctx->reason + n, sizeof(ctx->reason) - (size_t)n, fmt, ap);
	va_end(ap);
}

void ztest_skip(struct ztest_ctx *ctx, const char *why)
{
	ctx->skipped = true;
	fmt_snprintf(ctx->reason, sizeof(ctx->reason), "%s", why);
}

void ztest_figure(struct ztest_ctx *ctx, const char *name, uint64_t value)
{
	size_t room = sizeof(ctx->figures) - ctx->figures_len;
	int n = fmt_snprintf(ctx->figures + ctx->figures_len, room, " %s=%lu", name, value);

	if (n > 0 && (size_t)n < room)
		ctx->figures_len += (size_t)n;
}

enum outcome { PASSED, FAILED, SKIPPED };

static enum outcome run_one(struct cmd_io *io, const struct ztest *t)
{
	struct ztest_ctx ctx = { .io = io };
	uint64_t start = time_now();

	t->fn(&ctx);
	uint64_t us = ticks_to_ns(time_now() - start) / 1000;
	if (ctx.failed) {
		cmd_printf(io, "ZTEST %s.%s FAIL time_us=%lu reason=\"%s\"\n", t->group, t->name,
			   us, ctx.reason);
		return FAILED;
	}
	if (ctx.skipped) {
		cmd_printf(io, "ZTEST %s.%s SKIP time_us=%lu reason=\"%s\"\n", t->group, t->name,
			   us, ctx.reason);
		return SKIPPED;
	}
	cmd_printf(io, "ZTEST %s.%s PASS time_us=%lu%s\n", t->group, t->name, us, ctx.figures);
	return PASSED;
}

int ztest_run(struct cmd_io *io, const char *selector, unsigned *failed)
{
	unsigned total = 0, count[3] = { 0, 0, 0 };
	uint64_t start = time_now();

	for (const struct ztest *t = __start_zvm_tests; t < __stop_zvm_tests; t++) {
		if (!matches(t, selector))
			continue;
		total++;
		count[run_one(io, t)]++;
	}
	if (total) {
		uint64_t us = ticks_to_ns(time_now() - start) / 1000;
		cmd_printf(io, "ZTEST SUMMARY total=%u passed=%u failed=%u skipped=%u time_us=%lu\n",
			   total, count[PASSED], count[FAILED], count[SKIPPED], us);
	}
	if (failed)
		*failed = count[FAILED];
	return (int)total;
}

static int cmd_test_list(struct cmd_io *io, int argc, char **argv)
{
	unsigned n = 0;

	(void)argv;
	if (argc != 1)
		return CMD_ERR_USAGE;
	for (const struct ztest *t = __start_zvm_tests; t < __stop_zvm_tests; t++, n++)
		cmd_printf(io, "%s.%s\n", t->group, t->name);
	cmd_printf(io, "%u tests\n", n);
	return CMD_OK;
}
CMD_REGISTER(zvm_test_list, "zvm test list", "zvm test list",
	     "Lists the built-in tests as group.name.", cmd_test_list);

static int cmd_test_run(struct cmd_io *io, int argc, char **argv)
{
	unsigned failed;

	if (argc != 2)
		return CMD_ERR_USAGE;
	if (ztest_run(io, argv[1], &failed) == 0) {
		cmd_printf(io, "no test matches '%s'; see 'zvm test list'\n", argv[1]);
		return CMD_ERR_FAIL;
	}
	return failed ? CMD_ERR_FAIL : CMD_OK;
}
CMD_REGISTER(zvm_test_run, "zvm test run", "zvm test run <group|group.name|name|all>",
	     "Runs built-in tests; one result line each, then a summary.", cmd_test_run);
