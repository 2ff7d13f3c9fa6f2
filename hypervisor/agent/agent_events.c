/*
 * Event notifications (docs/protocol.md, "Events and metrics"): one
 * subscriber, the transport of the last events.subscribe, gets event.vm on
 * every VM state change the agent sees and, if asked, event.metrics every
 * metrics_ms, event.test_run / event.test as a test run progresses, and
 * event.log for each new log line of level info and above.
 * The agent looks at the VMs' snapshots every
 * AGENT_EVENT_POLL_MS while someone subscribes, so a change undone within
 * one look goes unseen; nothing is polled without a subscriber.
 */
#include "agent/agent_events.h"
#include "agent/agent_methods.h"
#include "kernel/thread.h"
#include "kernel/time.h"
#include "lib/rpc_request.h"
#include "vmm/vm.h"
#include "vmm/vm_snapshot.h"

struct seen_vm {
	bool used;
	unsigned id;
	enum vm_state state;
};

static const struct agent_transport *subscriber;
static uint64_t metrics_ticks, next_metrics;
static struct seen_vm seen[VM_MAX];
static struct vm_snapshot snap;
static char body[RPC_REPLY_MAX];
static struct agent_test_cursor tests;
static uint64_t log_seq;
static char test_params[RPC_REPLY_MAX / 2];

static void notify(struct rpc_server *s, struct json_writer *w)
{
	rpc_reply_end(w);
	if (json_writer_ok(w))
		rpc_server_notify(s, body, w->len, subscriber->send, subscriber->ctx);
}

static void vm_event(struct rpc_server *s, const struct vm_snapshot *vm, const char *previous)
{
	struct json_writer w;

	json_writer_init(&w, body, sizeof(body));
	rpc_notification_begin(&w, "event.vm");
	json_object_begin(&w);
	json_member_u64(&w, "id", vm->id);
	json_member_string(&w, "name", vm->cfg.name);
	json_member_string(&w, "state", vm_state_name(vm->state));
	json_member_string(&w, "previous", previous);
	json_member_string(&w, "reason", vm->reason);
	json_object_end(&w);
	notify(s, &w);
}

static void deleted_event(struct rpc_server *s, unsigned id)
{
	struct json_writer w;

	json_writer_init(&w, body, sizeof(body));
	rpc_notification_begin(&w, "event.vm");
	json_object_begin(&w);
	json_member_u64(&w, "id", id);
	json_member_string(&w, "state", "deleted");
	json_object_end(&w);
	notify(s, &w);
}

/* Compares every registry slot with what was seen last; reports changes. */
static void look_at_vms(struct rpc_server *s, bool report)
{
	for (unsigned i = 0; i < VM_MAX; i++) {
		struct seen_vm *was = &seen[i];
		bool used = vm_snapshot_at(i, &snap);
		if (!used) {
			if (was->used && report)
				deleted_event(s, was->id);
			was->used = false;
			continue;
		}
		bool changed = !was->used || was->id != snap.id || was->state != snap.state;
		if (changed && report)
			vm_event(s, &snap,
			         was->used && was->id == snap.id ? vm_state_name(was->state) :
			                                           "created");
		*was = (struct seen_vm){ true, snap.id, snap.state };
	}
}

static void metrics_event(struct rpc_server *s)
{
	struct json_writer w;
	struct rpc_call call = { .out = &w };

	json_writer_init(&w, body, sizeof(body));
	rpc_notification_begin(&w, "event.metrics");
	if (agent_metrics_write(&call) == 0)
		notify(s, &w);
}

/* Test progress, a few events per look so a long run's burst stays bounded. */
static void look_at_tests(struct rpc_server *s)
{
	const char *method;
	size_t len;

	for (unsigned n = 0; n < AGENT_TEST_EVENTS_PER_LOOK; n++) {
		if (!agent_test_event(&tests, &method, test_params, sizeof(test_params), &len))
			return;
		struct json_writer w;
		json_writer_init(&w, body, sizeof(body));
		rpc_notification_begin(&w, method);
		json_raw(&w, test_params, len);
		notify(s, &w);
	}
}

/* New log lines of level info and above, a few per look. */
static void look_at_log(struct rpc_server *s)
{
	for (unsigned n = 0; n < AGENT_LOG_EVENTS_PER_LOOK; n++) {
		struct json_writer w;
		json_writer_init(&w, body, sizeof(body));
		rpc_notification_begin(&w, "event.log");
		if (!agent_log_event(&log_seq, &w))
			return;
		notify(s, &w);
	}
}

void agent_events_poll(struct rpc_server *s)
{
	if (!subscriber)
		return;
	look_at_vms(s, true);
	look_at_tests(s);
	look_at_log(s);
	if (metrics_ticks && time_now() >= next_metrics) {
		next_metrics = time_now() + metrics_ticks;
		metrics_event(s);
	}
}

uint64_t agent_events_wait(void)
{
	return subscriber ? ms_to_ticks(AGENT_EVENT_POLL_MS) : WAIT_FOREVER;
}

int agent_events_subscribe(struct rpc_call *call)
{
	static const char *const allowed[] = { "metrics_ms", 0 };
	uint64_t ms = 0;
	int rc = agent_only_params(call, allowed);

	if (rc == 0 && agent_param_u64(call, "metrics_ms", false, AGENT_METRICS_MIN_MS,
	                               AGENT_METRICS_MAX_MS, &ms) < 0)
		rc = RPC_ERR_PARAMS;
	if (rc)
		return rc;
	subscriber = agent_current_transport();
	metrics_ticks = ms ? ms_to_ticks(ms) : 0;
	next_metrics = time_now() + metrics_ticks;
	look_at_vms(0, false); /* changes from now on */
	agent_test_cursor_now(&tests);
	log_seq = agent_log_next();
	json_object_begin(call->out);
	json_member_bool(call->out, "subscribed", true);
	json_member_u64(call->out, "metrics_ms", ms);
	json_object_end(call->out);
	return 0;
}

int agent_events_unsubscribe(struct rpc_call *call)
{
	static const char *const none[] = { 0 };
	int rc = agent_only_params(call, none);

	if (rc)
		return rc;
	subscriber = 0;
	json_object_begin(call->out);
	json_member_bool(call->out, "subscribed", false);
	json_object_end(call->out);
	return 0;
}
