/* The self-test registry, and running one test with its checks. */
#include <stdarg.h>

#include "selftest/ztest.h"
#include "lib/format.h"
#include "lib/string.h"

extern const struct ztest __start_zvm_tests[], __stop_zvm_tests[];

const struct ztest *ztest_first(void)
{
	return __start_zvm_tests;
}

const struct ztest *ztest_end(void)
{
	return __stop_zvm_tests;
}

bool ztest_matches(const struct ztest *t, const char *sel)
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

enum ztest_outcome ztest_execute(const struct ztest *t, struct ztest_ctx *ctx)
{
	t->fn(ctx);
	if (ctx->failed)
		return ZTEST_FAIL;
	return ctx->skipped ? ZTEST_SKIP : ZTEST_PASS;
}
