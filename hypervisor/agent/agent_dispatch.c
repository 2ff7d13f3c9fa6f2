/* From a method name to its handler, and what every handler needs. */
#include <stdarg.h>

#include "agent/agent_methods.h"
#include "kernel/shell.h"
#include "lib/format.h"
#include "lib/string.h"

const struct agent_method agent_methods[] = {
	{ "zvm.list", agent_zvm_list },
	{ "zvm.info", agent_zvm_info },
	{ "zvm.create", agent_zvm_create },
	{ "zvm.start", agent_zvm_start },
	{ "zvm.stop", agent_zvm_stop },
	{ "zvm.pause", agent_zvm_pause },
	{ "zvm.resume", agent_zvm_resume },
	{ "zvm.shutdown", agent_zvm_shutdown },
	{ "zvm.restart", agent_zvm_restart },
	{ "zvm.delete", agent_zvm_delete },
	{ "zvm.test.list", agent_test_list },
	{ "zvm.test.run", agent_test_run },
	{ "zvm.test.status", agent_test_status },
	{ "zvm.test.results", agent_test_results },
	{ "zvm.test.cancel", agent_test_cancel },
	{ "log", agent_log },
	{ "zvm.metrics", agent_zvm_metrics },
	{ "zvm.agent", agent_zvm_agent },
	{ "events.subscribe", agent_events_subscribe },
	{ "events.unsubscribe", agent_events_unsubscribe },
};
const size_t agent_method_count = sizeof(agent_methods) / sizeof(agent_methods[0]);

int agent_dispatch(void *ctx, struct rpc_call *call);

int agent_dispatch(void *ctx, struct rpc_call *call)
{
	(void)ctx;
	for (size_t i = 0; i < agent_method_count; i++) {
		if (!strcmp(agent_methods[i].name, call->req->method))
			return agent_methods[i].handler(call);
	}
	return agent_fail(call, RPC_ERR_NO_METHOD, "no method '%s'", call->req->method);
}

int agent_fail(struct rpc_call *call, int code, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fmt_vsnprintf(call->message, sizeof(call->message), fmt, ap);
	va_end(ap);
	return code;
}

int agent_only_params(struct rpc_call *call, const char *const *allowed)
{
	const struct json_doc *doc = &call->req->doc;
	int params = call->req->params;
	char name[32];

	if (params < 0)
		return 0;
	uint32_t i = (uint32_t)params + 1;
	for (uint32_t m = 0; m < doc->tok[params].count; m += 2) {
		bool known = false;
		for (const char *const *a = allowed; *a && !known; a++)
			known = json_string_is(doc, (int)i, *a);
		if (!known) {
			if (json_get_string(doc, (int)i, name, sizeof(name)) < 0)
				name[0] = '\0';
			return agent_fail(call, RPC_ERR_PARAMS, "unknown param '%s'", name);
		}
		i = doc->tok[i + 1].next;
	}
	return 0;
}

int agent_param_text(struct rpc_call *call, const char *name, bool required, char *buf, size_t cap)
{
	const struct json_doc *doc = &call->req->doc;
	int v = json_member(doc, call->req->params, name);
	uint64_t n;

	if (v < 0) {
		if (required)
			return agent_fail(call, RPC_ERR_PARAMS, "missing param '%s'", name);
		return 1;
	}
	if (json_get_u64(doc, v, &n)) {
		fmt_snprintf(buf, cap, "%lu", n);
		return 0;
	}
	if (json_get_string(doc, v, buf, cap) > 0)
		return 0;
	return agent_fail(call, RPC_ERR_PARAMS,
	                  "param '%s': a non-empty string of at most %zu "
	                  "bytes",
	                  name, cap - 1);
}

int agent_param_u64(struct rpc_call *call, const char *name, bool required, uint64_t min,
                    uint64_t max, uint64_t *out)
{
	const struct json_doc *doc = &call->req->doc;
	int v = json_member(doc, call->req->params, name);

	if (v < 0) {
		if (required)
			return agent_fail(call, RPC_ERR_PARAMS, "missing param '%s'", name);
		return 1;
	}
	if (!json_get_u64(doc, v, out) || *out < min || *out > max)
		return agent_fail(call, RPC_ERR_PARAMS,
		                  "param '%s': a whole number from %lu to %lu", name, min, max);
	return 0;
}

struct capture {
	char *buf;
	size_t cap, len;
};

static void capture_write(void *ctx, const char *s, size_t n)
{
	struct capture *c = ctx;

	for (size_t i = 0; i < n && c->len + 1 < c->cap; i++)
		c->buf[c->len++] = s[i];
	c->buf[c->len] = '\0';
}

int agent_run_command(struct rpc_call *call, int argc, char **argv)
{
	shell_command_lock();
	int rc = agent_run_locked(call, argc, argv);
	shell_command_unlock();
	return rc;
}

int agent_run_locked(struct rpc_call *call, int argc, char **argv)
{
	struct capture c = { call->message, sizeof(call->message), 0 };
	struct cmd_io io = { capture_write, &c };

	call->message[0] = '\0';
	int rc = cmd_execute_argv(&io, argc, argv);
	while (c.len && (c.buf[c.len - 1] == '\n' || c.buf[c.len - 1] == ' '))
		c.buf[--c.len] = '\0';
	if (rc == CMD_OK)
		return 0;
	return rc == CMD_ERR_USAGE ? RPC_ERR_PARAMS : RPC_ERR_FAILED;
}
