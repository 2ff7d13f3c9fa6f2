/*
 * The link thread: owns the line to ZVM.  It opens the target (retrying
 * every second while it cannot), subscribes to events, makes the pages'
 * calls one at a time, writes their console input between frames, and
 * passes console text, events and replies to the outbox.  ZVM never
 * depends on it: when the line drops it reconnects by itself; when ZVM
 * stops answering the pages are told, and the next answer clears it.
 *
 * With a udp:// target and a --console line, the serial line is the
 * fallback: after FALLBACK_AFTER_SILENT calls in a row go unanswered over
 * UDP, the calls and events move to the console line (frames beside the
 * shell), and UDP is tried again every UDP_PROBE_MS; the first answer
 * there brings them back.
 */
#include <cjson/cJSON.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "visualzvm.h"

/* How often a closed line is tried again. */
#define RECONNECT_MS          1000
/* How long the link thread waits on the line between looks at the inbox. */
#define IDLE_POLL_MS          100
/* No metrics event for this many periods: subscribe again (ZVM restarted?). */
#define RESUBSCRIBE_PERIODS   4
/* Calls the link thread makes itself: a single attempt each. */
#define OWN_CALL_ATTEMPTS     1
/* Unanswered calls in a row over UDP before the serial line takes over. */
#define FALLBACK_AFTER_SILENT 2
/* On the serial fallback, how often UDP is asked again. */
#define UDP_PROBE_MS          5000

static const struct vz_options *opts;
static struct client client;
/* The console's own line beside a UDP target (--console), or fd -1. */
static struct link console_line = { .fd = -1 };
static struct rpc_serial_rx console_rx;
static struct timespec console_tried;
static _Atomic int link_state = VZ_LINK_DOWN;
static struct timespec last_event;
/* The calls go over opts->console although cfg.target is udp:// (read by web.c). */
static atomic_bool on_fallback;
static unsigned silent_calls; /* unanswered in a row on the current line */
static struct timespec probe_tried;

const char *vz_link_target(void)
{
	return atomic_load(&on_fallback) ? opts->console : opts->cfg.target;
}

static bool can_fall_back(void)
{
	return opts->console[0] && !strncmp(opts->cfg.target, "udp://", 6);
}

const char *vz_link_state_name(enum vz_link_state s)
{
	switch (s) {
	case VZ_LINK_UP: return "up";
	case VZ_LINK_SILENT: return "silent";
	case VZ_LINK_DOWN:
	default: return "down";
	}
}

enum vz_link_state vz_link_state(void)
{
	return (enum vz_link_state)atomic_load(&link_state);
}

static void set_state(enum vz_link_state s, const char *why)
{
	static const char *told_target;

	if (atomic_exchange(&link_state, (int)s) == (int)s && told_target == vz_link_target())
		return;
	told_target = vz_link_target();
	cJSON *m = cJSON_CreateObject();
	cJSON_AddStringToObject(m, "type", "link");
	cJSON_AddStringToObject(m, "state", vz_link_state_name(s));
	cJSON_AddStringToObject(m, "target", vz_link_target());
	cJSON_AddStringToObject(m, "reason", why);
	char *text = cJSON_PrintUnformatted(m);
	fprintf(stderr, "visualzvm: link %s on %s (%s)\n", vz_link_state_name(s), vz_link_target(),
	        why);
	outbox_post(0, text);
	free(text);
	cJSON_Delete(m);
}

static long ms_since(const struct timespec *t)
{
	struct timespec now;
	clock_gettime(CLOCK_MONOTONIC, &now);
	return (now.tv_sec - t->tv_sec) * 1000 + (now.tv_nsec - t->tv_nsec) / 1000000;
}

static void on_console(void *ctx, const uint8_t *bytes, size_t len)
{
	(void)ctx;
	char *m = console_message(bytes, len);
	if (m) {
		outbox_post(0, m);
		free(m);
	}
}

/* An event body is ZVM's authenticated JSON-RPC notification: passed on whole. */
static void on_event(void *ctx, const char *body, size_t len)
{
	(void)ctx;
	static const char head[] = "{\"type\":\"event\",\"event\":";
	char *m = malloc(sizeof(head) + len + 2);

	clock_gettime(CLOCK_MONOTONIC, &last_event);
	if (!m)
		return;
	memcpy(m, head, sizeof(head) - 1);
	memcpy(m + sizeof(head) - 1, body, len);
	memcpy(m + sizeof(head) - 1 + len, "}", 2);
	outbox_post(0, m);
	free(m);
}

static void console_close(void)
{
	link_close(&console_line);
	client.aux_fd = -1;
	fprintf(stderr, "visualzvm: the console line %s closed\n", opts->console);
}

/* The console line's bytes: frames (not ours: events go to the target) taken out. */
static void on_console_line(void *ctx)
{
	uint8_t buf[4096];
	size_t run = 0, n;
	long got = link_read(&console_line, buf, sizeof(buf), 0);

	(void)ctx;
	if (got < 0) {
		console_close();
		return;
	}
	n = (size_t)got;
	for (size_t i = 0; i < n; i++) {
		if (rpc_serial_feed(&console_rx, buf[i]) == RPC_SERIAL_PASS)
			continue;
		on_console(NULL, buf + run, i - run);
		run = i + 1;
	}
	on_console(NULL, buf + run, n - run);
}

/* With --console, (re)opens its line, at most once a second. */
static void console_open(void)
{
	if (!opts->console[0] || atomic_load(&on_fallback) || console_line.fd >= 0 ||
	    ms_since(&console_tried) < RECONNECT_MS)
		return;
	clock_gettime(CLOCK_MONOTONIC, &console_tried);
	if (link_open(&console_line, opts->console))
		return;
	rpc_serial_rx_init(&console_rx);
	client.aux_fd = console_line.fd;
	fprintf(stderr, "visualzvm: console on %s\n", opts->console);
}

/* Console input is written whenever it comes, even while a call waits. */
static void on_wake(void *ctx)
{
	(void)ctx;
	char buf[VZ_CONSOLE_IN];

	inbox_drain_wake();
	size_t n = inbox_take_console(buf, sizeof(buf));
	if (!n)
		return;
	if (opts->console[0] && !atomic_load(&on_fallback)) {
		if (console_line.fd >= 0 && link_write(&console_line, buf, n))
			console_close();
	} else if (link_write(&client.link, buf, n)) {
		client.link_lost = true;
	}
}

static void post_reply(uint64_t session, int64_t id, const char *reply_json)
{
	static const char fmt[] = "{\"type\":\"reply\",\"id\":%lld,\"reply\":%s}";
	size_t cap = sizeof(fmt) + 24 + strlen(reply_json);
	char *m = malloc(cap);

	if (!m)
		return;
	snprintf(m, cap, fmt, (long long)id, reply_json);
	outbox_post(session, m);
	free(m);
}

static void post_local_error(uint64_t session, int64_t id, const char *message)
{
	cJSON *r = cJSON_CreateObject();
	cJSON *e = cJSON_AddObjectToObject(r, "error");
	cJSON_AddNumberToObject(e, "code", -1);
	cJSON_AddStringToObject(e, "message", message);
	char *text = cJSON_PrintUnformatted(r);
	post_reply(session, id, text);
	free(text);
	cJSON_Delete(r);
}

/* One call with its outcome on the link state; the reply stays in client.reply. */
static int call(const char *method, const char *params, int attempts)
{
	int result = -1;

	client.attempts = attempts;
	client.reply_len = 0;
	int r = client_call(&client, method, params, &result);
	silent_calls = r == EXIT_LINK ? silent_calls + 1 : 0;
	if (client.link_lost)
		return EXIT_LINK;
	if (r == EXIT_LINK)
		set_state(VZ_LINK_SILENT, "ZVM does not answer");
	else if (r == EXIT_AUTH && result < 0)
		set_state(VZ_LINK_SILENT, "ZVM's replies do not authenticate with our key");
	else
		set_state(VZ_LINK_UP, "ZVM answers");
	return r;
}

static void page_call(struct vz_call *c)
{
	int r = call(c->method, c->params, 3);

	if (r == EXIT_LINK || (r != EXIT_OK && client.reply_len == 0))
		post_local_error(c->session, c->page_id,
		                 r == EXIT_LINK ? "no reply from ZVM" : "the call was refused");
	else
		post_reply(c->session, c->page_id, client.reply);
	free(c->params);
}

static void subscribe(void)
{
	char params[48];

	snprintf(params, sizeof(params), "{\"metrics_ms\":%u}", opts->metrics_ms);
	if (call("events.subscribe", params, OWN_CALL_ATTEMPTS) == EXIT_OK)
		clock_gettime(CLOCK_MONOTONIC, &last_event);
}

static void wait_reconnect(void)
{
	struct pollfd p[2] = { { .fd = inbox_wake_fd(), .events = POLLIN },
		               { .fd = console_line.fd, .events = POLLIN } };
	struct vz_call c;

	console_open();
	p[1].fd = console_line.fd;
	poll(p, 2, RECONNECT_MS);
	if (p[0].revents & POLLIN)
		on_wake(NULL); /* typing still reaches a console line of its own */
	if (p[1].revents & (POLLIN | POLLHUP | POLLERR))
		on_console_line(NULL);
	while (inbox_take_call(&c)) {
		post_local_error(c.session, c.page_id, "no link to ZVM");
		free(c.params);
	}
}

/* On the fallback: does ZVM answer over UDP again?  One call on a line of its own. */
static bool udp_answers(void)
{
	static struct client probe;
	int result;

	if (ms_since(&probe_tried) < UDP_PROBE_MS)
		return false;
	clock_gettime(CLOCK_MONOTONIC, &probe_tried);
	client_init(&probe, &opts->cfg);
	probe.timeout_ms = opts->timeout_ms;
	probe.attempts = OWN_CALL_ATTEMPTS;
	probe.quiet = true;
	if (link_open(&probe.link, opts->cfg.target))
		return false;
	bool answered = client_call(&probe, "zvm.agent", NULL, &result) == EXIT_OK;
	link_close(&probe.link);
	return answered;
}

/* Whether the calls should move to the other line: the serial one when
 * UDP went silent, UDP again when it answers. */
static bool switch_lines(void)
{
	bool fallback = atomic_load(&on_fallback);

	if (!can_fall_back())
		return false;
	if (!fallback && silent_calls >= FALLBACK_AFTER_SILENT) {
		fprintf(stderr, "visualzvm: %s does not answer: calls go to %s\n", opts->cfg.target,
		        opts->console);
		if (console_line.fd >= 0)
			console_close(); /* the console line becomes the calls' line */
		atomic_store(&on_fallback, true);
		clock_gettime(CLOCK_MONOTONIC, &probe_tried);
		return true;
	}
	if (fallback && udp_answers()) {
		fprintf(stderr, "visualzvm: %s answers again: calls go back to it\n",
		        opts->cfg.target);
		atomic_store(&on_fallback, false);
		return true;
	}
	return false;
}

static void serve_line(void)
{
	struct vz_call c;

	silent_calls = 0;
	subscribe();
	while (!client.link_lost && !switch_lines()) {
		console_open();
		while (!client.link_lost && inbox_take_call(&c))
			page_call(&c);
		if (client.link_lost)
			break;
		if (client_next_event(&client, IDLE_POLL_MS) == 1)
			on_event(NULL, client.event, client.event_len);
		if (ms_since(&last_event) > (long)(RESUBSCRIBE_PERIODS * opts->metrics_ms))
			subscribe();
	}
}

static void *link_main(void *arg)
{
	(void)arg;
	bool told = false;

	for (;;) {
		client.link_lost = false;
		client.in_pos = client.in_len = 0;
		if (link_open(&client.link, vz_link_target())) {
			if (!told)
				set_state(VZ_LINK_DOWN, "cannot open the target");
			told = true;
			wait_reconnect();
			continue;
		}
		told = false;
		fprintf(stderr, "visualzvm: connected to %s\n", vz_link_target());
		serve_line();
		link_close(&client.link);
		set_state(VZ_LINK_DOWN, "the line closed");
	}
	return NULL;
}

int link_thread_start(const struct vz_options *o)
{
	pthread_t t;

	opts = o;
	client_init(&client, &o->cfg);
	client.timeout_ms = o->timeout_ms;
	client.quiet = true;
	client.on_console = on_console;
	client.on_event = on_event;
	client.wake_fd = inbox_wake_fd();
	client.on_wake = on_wake;
	client.on_aux = on_console_line;
	clock_gettime(CLOCK_MONOTONIC, &last_event);
	if (pthread_create(&t, NULL, link_main, NULL))
		return -1;
	pthread_detach(t);
	return 0;
}
