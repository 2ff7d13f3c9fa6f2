/* The text and JSON forms of test results (see ztest.h for the lines). */
#include "selftest/ztest_report.h"
#include "kernel/time.h"

static const char *const verdicts[ZTEST_OUTCOMES] = { "PASS", "FAIL", "SKIP" };

static uint64_t run_time_us(const struct ztest_run_info *run)
{
	uint64_t end = run->state == ZTEST_RUN_DONE ? run->finished : time_now();

	return ticks_to_ns(end - run->started) / 1000;
}

void ztest_report_header(struct cmd_io *io, const struct ztest_run_info *run)
{
	cmd_printf(io, "ZTEST RUN selector=%s tests=%u repeat=%u seed=%lu\n", run->selector,
	           run->tests, run->repeat, run->seed);
}

void ztest_report_result(struct cmd_io *io, const struct ztest_result *r, unsigned repeat)
{
	cmd_printf(io, "ZTEST %s.%s %s time_us=%lu", r->test->group, r->test->name,
	           verdicts[r->outcome], r->time_us);
	if (repeat > 1)
		cmd_printf(io, " round=%u", r->round);
	if (r->outcome == ZTEST_PASS)
		cmd_printf(io, "%s\n", r->figures);
	else
		cmd_printf(io, " reason=\"%s\"\n", r->reason);
}

void ztest_report_summary(struct cmd_io *io, const struct ztest_run_info *run)
{
	cmd_printf(io, "ZTEST SUMMARY total=%u passed=%u failed=%u skipped=%u time_us=%lu%s\n",
	           run->produced, run->count[ZTEST_PASS], run->count[ZTEST_FAIL],
	           run->count[ZTEST_SKIP], run_time_us(run), run->cancelled ? " cancelled=1" : "");
}

void ztest_report_status(struct cmd_io *io, const struct ztest_run_info *run)
{
	uint64_t ms = run_time_us(run) / 1000;

	switch (run->state) {
	case ZTEST_RUN_ACTIVE:
		cmd_printf(io,
		           "running '%s' (seed %lu): %u of %u done, round %u of %u, now %s.%s%s",
		           run->selector, run->seed, run->produced, run->tests * run->repeat,
		           run->round, run->repeat, run->current ? run->current->group : "-",
		           run->current ? run->current->name : "-",
		           run->cancel_requested ? ", cancelling" : "");
		break;
	case ZTEST_RUN_DONE:
		cmd_printf(io, "last run '%s' (seed %lu) %s: %u of %u", run->selector, run->seed,
		           run->cancelled ? "was cancelled" : "finished", run->produced,
		           run->tests * run->repeat);
		break;
	case ZTEST_RUN_NONE:
	default: cmd_printf(io, "no test has run since boot\n"); return;
	}
	cmd_printf(io, "; %u passed, %u failed, %u skipped; %lu.%03lu s\n", run->count[ZTEST_PASS],
	           run->count[ZTEST_FAIL], run->count[ZTEST_SKIP], ms / 1000, ms % 1000);
}

void ztest_report_new(struct cmd_io *io, unsigned number, unsigned *next)
{
	struct ztest_run_info run;
	struct ztest_result r;

	ztest_results_info(&run);
	unsigned oldest = ztest_results_oldest(&run);
	if (*next < oldest) {
		cmd_printf(io, "ZTEST (%u results no longer kept)\n", oldest - *next);
		*next = oldest;
	}
	while (ztest_results_get(number, *next, &r)) {
		ztest_report_result(io, &r, run.repeat);
		(*next)++;
	}
}

/* A JSON string: quotes, backslashes and control characters escaped. */
static void json_string(struct cmd_io *io, const char *s)
{
	cmd_write(io, "\"", 1);
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		if (c == '"' || c == '\\')
			cmd_printf(io, "\\%c", c);
		else if (c < 0x20)
			cmd_printf(io, "\\u%04x", c);
		else
			cmd_write(io, s, 1);
	}
	cmd_write(io, "\"", 1);
}

/* " a=1 b=2" as {"a":1,"b":2}: names are identifiers, values decimal. */
static void json_figures(struct cmd_io *io, const char *s)
{
	bool first = true;

	cmd_write(io, "{", 1);
	while (*s == ' ') {
		const char *name = ++s;
		while (*s && *s != '=')
			s++;
		if (!*s)
			break;
		cmd_printf(io, "%s\"", first ? "" : ",");
		cmd_write(io, name, (size_t)(s - name));
		const char *value = ++s;
		while (*s >= '0' && *s <= '9')
			s++;
		cmd_write(io, "\":", 2);
		cmd_write(io, value, (size_t)(s - value));
		first = false;
	}
	cmd_write(io, "}", 1);
}

void ztest_report_result_json(struct cmd_io *io, const struct ztest_result *r)
{
	cmd_printf(io, "{\"name\":\"%s.%s\",\"verdict\":\"%s\",\"round\":%u,\"time_us\":%lu,",
	           r->test->group, r->test->name, verdicts[r->outcome], r->round, r->time_us);
	cmd_printf(io, "\"reason\":");
	json_string(io, r->outcome == ZTEST_PASS ? "" : r->reason);
	cmd_printf(io, ",\"figures\":");
	json_figures(io, r->outcome == ZTEST_PASS ? r->figures : "");
	cmd_write(io, "}", 1);
}

static const char *state_name(const struct ztest_run_info *run)
{
	if (run->state == ZTEST_RUN_ACTIVE)
		return "running";
	if (run->state == ZTEST_RUN_DONE)
		return run->cancelled ? "cancelled" : "finished";
	return "none";
}

void ztest_report_run_json(struct cmd_io *io, const struct ztest_run_info *run)
{
	cmd_printf(io, "{\"number\":%u,\"state\":\"%s\",\"selector\":", run->number,
	           state_name(run));
	json_string(io, run->selector);
	cmd_printf(io,
	           ",\"tests\":%u,\"repeat\":%u,\"seed\":%lu,\"total\":%u,\"passed\":%u,"
	           "\"failed\":%u,\"skipped\":%u,\"time_us\":%lu,\"results_dropped\":%u}",
	           run->tests, run->repeat, run->seed, run->produced, run->count[ZTEST_PASS],
	           run->count[ZTEST_FAIL], run->count[ZTEST_SKIP],
	           run->state == ZTEST_RUN_NONE ? 0 : run_time_us(run), ztest_results_oldest(run));
}

void ztest_report_json(struct cmd_io *io)
{
	struct ztest_run_info run;
	struct ztest_result r;

	ztest_results_info(&run);
	cmd_printf(io, "{\"run\":");
	ztest_report_run_json(io, &run);
	cmd_printf(io, ",\"results\":[");
	/* Only this run's results: a run that began meanwhile ends the list. */
	unsigned oldest = ztest_results_oldest(&run);
	for (unsigned seq = oldest; seq < run.produced && ztest_results_get(run.number, seq, &r);
	     seq++) {
		if (seq != oldest)
			cmd_write(io, ",", 1);
		ztest_report_result_json(io, &r);
	}
	cmd_printf(io, "]}\n");
}
