/*
 * The agent's methods: each is a registry command of the same name with
 * dots for spaces (docs/protocol.md, "Methods").  A handler writes one JSON
 * value (its result) to call->out, or returns an RPC_ERR_* code with
 * call->message saying why.
 */
#ifndef AGENT_AGENT_METHODS_H
#define AGENT_AGENT_METHODS_H

#include <stdbool.h>
#include <stddef.h>

#include "kernel/cmd.h"
#include "lib/rpc_server.h"

struct agent_method {
	const char *name;
	int (*handler)(struct rpc_call *call);
};

/* The method table (agent_dispatch.c) and its size. */
extern const struct agent_method agent_methods[];
extern const size_t agent_method_count;

/* Fills call->message and returns code, for `return agent_fail(...)`. */
int agent_fail(struct rpc_call *call, int code, const char *fmt, ...)
        __attribute__((format(printf, 3, 4)));
/* Refuses params the method does not know (strictness: a typo is an error). */
int agent_only_params(struct rpc_call *call, const char *const *allowed);
/*
 * A string param into buf; a number is taken as its decimal text (VM ids).
 * 0 when present, 1 when absent and optional, else an error already set.
 */
int agent_param_text(struct rpc_call *call, const char *name, bool required, char *buf, size_t cap);
/* An unsigned param in [min, max]: 0, 1 when absent and optional, or an error. */
int agent_param_u64(struct rpc_call *call, const char *name, bool required, uint64_t min,
                    uint64_t max, uint64_t *out);
/*
 * Runs registry command argv[0..argc) under the shell's command lock, its
 * output captured.  0, or RPC_ERR_FAILED with the command's own words.
 */
int agent_run_command(struct rpc_call *call, int argc, char **argv);
/* The same for a caller that holds shell_command_lock() already. */
int agent_run_locked(struct rpc_call *call, int argc, char **argv);

/* The handlers, by file. */
int agent_zvm_list(struct rpc_call *call);
int agent_zvm_info(struct rpc_call *call);
int agent_zvm_create(struct rpc_call *call);
int agent_zvm_start(struct rpc_call *call);
int agent_zvm_stop(struct rpc_call *call);
int agent_zvm_pause(struct rpc_call *call);
int agent_zvm_resume(struct rpc_call *call);
int agent_zvm_shutdown(struct rpc_call *call);
int agent_zvm_restart(struct rpc_call *call);
int agent_zvm_delete(struct rpc_call *call);
int agent_test_list(struct rpc_call *call);
int agent_test_run(struct rpc_call *call);
int agent_test_status(struct rpc_call *call);
int agent_test_results(struct rpc_call *call);
int agent_test_cancel(struct rpc_call *call);

/* Log lines as events: the next record's number now, and the record at
 * or after *seq of level info and above (false: none yet), moving *seq. */
uint64_t agent_log_next(void);
bool agent_log_event(uint64_t *seq, struct json_writer *w);

/*
 * Test progress as events (docs/protocol.md): where a subscriber is in the
 * last run.  agent_test_event() gives the next event not sent yet, as its
 * method and params (JSON text): event.test_run when a run begins and when
 * it ends, event.test for each result between; false when there is none.
 */
struct agent_test_cursor {
	unsigned run, next; /* run number, next result number */
	bool announced, finished;
};
/* Everything so far counts as sent. */
void agent_test_cursor_now(struct agent_test_cursor *c);
bool agent_test_event(struct agent_test_cursor *c, const char **method, char *text, size_t cap,
                      size_t *len);
int agent_log(struct rpc_call *call);
int agent_zvm_metrics(struct rpc_call *call);
int agent_zvm_agent(struct rpc_call *call);
int agent_events_subscribe(struct rpc_call *call);
int agent_events_unsubscribe(struct rpc_call *call);
/* zvm.metrics' result, for the method and the metrics stream. */
int agent_metrics_write(struct rpc_call *call);

#endif
