/*
 * The test methods.  zvm.test.run starts a run through the runner and
 * returns at once (the registry's handler would wait for the whole run,
 * which would hold the agent and the client's request for minutes); the
 * client follows it with zvm.test.status and zvm.test.results.
 */
#include "agent/agent_methods.h"
#include "kernel/time.h"
#include "lib/string.h"
#include "lib/zerror.h"
#include "selftest/ztest_report.h"
#include "selftest/ztest_results.h"
#include "selftest/ztest_runner.h"

static bool group_seen_before(const struct ztest *t)
{
	for (const struct ztest *u = ztest_first(); u < t; u++) {
		if (!strcmp(u->group, t->group))
			return true;
	}
	return false;
}

int agent_test_list(struct rpc_call *call)
{
	static const char *const allowed[] = { "group", 0 };
	char group[32];
	int rc = agent_only_params(call, allowed);
	int has_group = rc ? rc : agent_param_text(call, "group", false, group, sizeof(group));

	if (rc || has_group < 0)
		return rc ? rc : has_group;
	json_object_begin(call->out);
	json_key(call->out, "tests");
	json_array_begin(call->out);
	unsigned n = 0;
	for (const struct ztest *t = ztest_first(); t < ztest_end(); t++) {
		if (has_group == 0 && strcmp(group, t->group))
			continue;
		json_object_begin(call->out);
		json_member_string(call->out, "group", t->group);
		json_member_string(call->out, "name", t->name);
		json_object_end(call->out);
		n++;
	}
	json_array_end(call->out);
	json_key(call->out, "groups");
	json_array_begin(call->out);
	for (const struct ztest *t = ztest_first(); t < ztest_end(); t++) {
		if (!group_seen_before(t))
			json_string(call->out, t->group);
	}
	json_array_end(call->out);
	json_object_end(call->out);
	if (has_group == 0 && n == 0)
		return agent_fail(call, RPC_ERR_FAILED, "no group '%s'", group);
	return 0;
}

int agent_test_run(struct rpc_call *call)
{
	static const char *const allowed[] = { "selector", "repeat", "seed", "borrow", 0 };
	char selector[ZTEST_SELECTOR_MAX];
	uint64_t repeat = 1, seed = time_now(), borrow = 0;
	int rc = agent_only_params(call, allowed);

	if (rc == 0)
		rc = agent_param_text(call, "selector", true, selector, sizeof(selector));
	if (rc == 0 && agent_param_u64(call, "repeat", false, 1, ZTEST_REPEAT_MAX, &repeat) < 0)
		rc = RPC_ERR_PARAMS;
	if (rc == 0 && agent_param_u64(call, "seed", false, 0, UINT64_MAX, &seed) < 0)
		rc = RPC_ERR_PARAMS;
	/* 1: the operator lets tests stop VMs for their cores (zvm test run --borrow). */
	if (rc == 0 && agent_param_u64(call, "borrow", false, 0, 1, &borrow) < 0)
		rc = RPC_ERR_PARAMS;
	if (rc)
		return rc;
	int run = ztest_runner_start(selector, (unsigned)repeat, seed, borrow != 0);
	if (run == -ZE_NOENT)
		return agent_fail(call, RPC_ERR_FAILED, "no test matches '%s'", selector);
	if (run < 0)
		return agent_fail(call, RPC_ERR_FAILED, "cannot start a run: %s", zerror_name(run));
	json_object_begin(call->out);
	json_member_u64(call->out, "run", (uint64_t)run);
	json_object_end(call->out);
	return 0;
}

static const char *run_state(enum ztest_run_state s)
{
	switch (s) {
	case ZTEST_RUN_ACTIVE: return "running";
	case ZTEST_RUN_DONE: return "done";
	case ZTEST_RUN_NONE:
	default: return "none";
	}
}

int agent_test_status(struct rpc_call *call)
{
	static const char *const none[] = { 0 };
	struct ztest_run_info info;
	struct json_writer *w = call->out;
	int rc = agent_only_params(call, none);

	if (rc)
		return rc;
	ztest_results_info(&info);
	json_object_begin(w);
	json_member_string(w, "state", run_state(info.state));
	json_member_u64(w, "run", info.number);
	json_member_string(w, "selector", info.selector);
	json_member_u64(w, "tests", info.tests);
	json_member_u64(w, "repeat", info.repeat);
	json_member_u64(w, "produced", info.produced);
	json_member_u64(w, "passed", info.count[ZTEST_PASS]);
	json_member_u64(w, "failed", info.count[ZTEST_FAIL]);
	json_member_u64(w, "skipped", info.count[ZTEST_SKIP]);
	json_member_bool(w, "cancelled", info.cancelled);
	json_object_end(w);
	return 0;
}

/* As zvm test cancel: the run stops after the test that runs now. */
int agent_test_cancel(struct rpc_call *call)
{
	static const char *const none[] = { 0 };
	struct ztest_run_info info;
	int rc = agent_only_params(call, none);

	if (rc)
		return rc;
	if (!ztest_results_request_cancel())
		return agent_fail(call, RPC_ERR_FAILED, "no test run is in progress");
	ztest_results_info(&info);
	json_object_begin(call->out);
	json_member_u64(call->out, "run", info.number);
	json_member_bool(call->out, "cancelling", true);
	json_object_end(call->out);
	return 0;
}

struct capture {
	char *buf;
	size_t cap, len;
	bool overflow;
};

static void capture_write(void *ctx, const char *s, size_t n)
{
	struct capture *c = ctx;

	if (c->len + n >= c->cap) {
		c->overflow = true;
		return;
	}
	memcpy(c->buf + c->len, s, n);
	c->len += n;
}

int agent_test_results(struct rpc_call *call)
{
	static const char *const none[] = { 0 };
	static char text[RPC_REPLY_MAX];
	struct capture c = { text, sizeof(text), 0, false };
	struct cmd_io io = { capture_write, &c };
	int rc = agent_only_params(call, none);

	if (rc)
		return rc;
	ztest_report_json(&io); /* what `zvm test results --json` prints */
	while (c.len && (text[c.len - 1] == '\n' || text[c.len - 1] == '\r'))
		c.len--;
	if (c.overflow)
		return agent_fail(call, RPC_ERR_TOO_LARGE, "the results do not fit a reply");
	json_raw(call->out, text, c.len);
	return 0;
}

/* Captures what write_json writes, as one JSON value; false if it did not fit. */
static bool capture_json(char *text, size_t cap, size_t *len,
                         void (*write_json)(struct cmd_io *io, const void *arg), const void *arg)
{
	struct capture c = { text, cap, 0, false };
	struct cmd_io io = { capture_write, &c };

	write_json(&io, arg);
	*len = c.len;
	return !c.overflow;
}

static void write_run(struct cmd_io *io, const void *arg)
{
	ztest_report_run_json(io, arg);
}

static void write_result(struct cmd_io *io, const void *arg)
{
	cmd_printf(io, "{\"result\":");
	ztest_report_result_json(io, arg);
	cmd_write(io, "}", 1);
}

void agent_test_cursor_now(struct agent_test_cursor *c)
{
	struct ztest_run_info info;

	ztest_results_info(&info);
	*c = (struct agent_test_cursor){ .run = info.number,
		                         .next = info.produced,
		                         .announced = true,
		                         .finished = info.state != ZTEST_RUN_ACTIVE };
}

bool agent_test_event(struct agent_test_cursor *c, const char **method, char *text, size_t cap,
                      size_t *len)
{
	struct ztest_run_info info;
	struct ztest_result r;

	ztest_results_info(&info);
	if (info.number != c->run) /* a new run: from its beginning */
		*c = (struct agent_test_cursor){ .run = info.number,
			                         .next = ztest_results_oldest(&info) };
	if (!c->announced) {
		c->announced = true;
		*method = "event.test_run";
		return capture_json(text, cap, len, write_run, &info);
	}
	if (c->next < ztest_results_oldest(&info))
		c->next = ztest_results_oldest(&info); /* no longer kept: skipped */
	if (c->next < info.produced && ztest_results_get(c->run, c->next, &r)) {
		c->next++;
		*method = "event.test";
		return capture_json(text, cap, len, write_result, &r);
	}
	if (info.state == ZTEST_RUN_DONE && !c->finished && c->next >= info.produced) {
		c->finished = true;
		*method = "event.test_run";
		return capture_json(text, cap, len, write_run, &info);
	}
	return false;
}
