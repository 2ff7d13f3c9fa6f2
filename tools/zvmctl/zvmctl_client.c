/*
 * One JSON-RPC call over the link: sign, frame (serial) or not (UDP), send; read frames until
 * every fragment of the reply to this (client, sequence) is in, skipping
 * console text, events and other clients' replies; retry the very same
 * datagram when none comes in time (ZVM answers a retry from its cache,
 * so an operation never runs twice).
 */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "lib/rpc_request.h"
#include "lib/rpc_serial.h"
#include "zvmctl.h"

static uint64_t clock_seq(void)
{
	static uint64_t last;
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	uint64_t us = (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
	last = us > last ? us : last + 1;
	return last;
}

void client_init(struct client *c, const struct zvmctl_config *cfg)
{
	c->cfg = cfg;
	c->wake_fd = -1;
	c->aux_fd = -1;
}

struct assembly {
	bool have[RPC_FRAGMENTS_MAX];
	unsigned count, fragments;
	size_t len;
};

enum frame_verdict {
	FRAME_OTHER,
	FRAME_MORE,
	FRAME_DONE,
	FRAME_BAD_MAC
};

static enum frame_verdict take_frame(struct client *c, const struct rpc_serial_rx *rx, uint64_t seq,
                                     struct assembly *a)
{
	struct rpc_header h;
	const uint8_t *body;
	enum rpc_fault f =
	        rpc_datagram_decode(rx->buf, rx->len, c->cfg->key, RPC_KEY_BYTES, &h, &body);
	bool ours = h.kind == RPC_KIND_REPLY && h.client == c->cfg->client && h.seq == seq;

	if (f == RPC_FAULT_MAC)
		return ours ? FRAME_BAD_MAC : FRAME_OTHER;
	if (f != RPC_FAULT_NONE || !ours)
		return FRAME_OTHER;
	if (a->fragments && h.fragments != a->fragments)
		return FRAME_OTHER;
	a->fragments = h.fragments;
	if (a->have[h.fragment])
		return FRAME_MORE;
	if (h.fragment + 1 < h.fragments && h.body_len != RPC_FRAGMENT_BODY)
		return FRAME_OTHER; /* only the last may be short */
	memcpy(c->reply + (size_t)h.fragment * RPC_FRAGMENT_BODY, body, h.body_len);
	if (h.fragment + 1 == h.fragments)
		a->len = (size_t)h.fragment * RPC_FRAGMENT_BODY + h.body_len;
	a->have[h.fragment] = true;
	a->count++;
	return a->count == a->fragments ? FRAME_DONE : FRAME_MORE;
}

static long ms_since(const struct timespec *start)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (now.tv_sec - start->tv_sec) * 1000 + (now.tv_nsec - start->tv_nsec) / 1000000;
}

static void pass_console(struct client *c, size_t from, size_t to)
{
	if (to == from)
		return;
	if (c->verbose)
		fwrite(c->in + from, 1, to - from, stderr);
	if (c->on_console)
		c->on_console(c->ctx, c->in + from, to - from);
}

/*
 * With hooks, waits on the link, the wake fd and the aux fd together: 1
 * when the link is readable, 0 when not (after the hooks ran, or on
 * timeout), -1 on an error.  Without hooks: 1 (the link's own read waits).
 */
static int wait_fds(struct client *c, int timeout_ms)
{
	if (c->wake_fd < 0 && c->aux_fd < 0)
		return 1;
	struct pollfd p[3] = { { .fd = c->link.fd, .events = POLLIN },
		               { .fd = c->wake_fd, .events = POLLIN },
		               { .fd = c->aux_fd, .events = POLLIN } };
	int r = poll(p, 3, timeout_ms); /* negative fds are skipped */
	if (r <= 0)
		return r < 0 && errno != EINTR ? -1 : 0;
	if (p[1].revents & POLLIN)
		c->on_wake(c->ctx);
	if (p[2].revents & (POLLIN | POLLHUP | POLLERR))
		c->on_aux(c->ctx);
	return (p[0].revents & (POLLIN | POLLHUP | POLLERR)) ? 1 : 0;
}

static bool hooked(const struct client *c)
{
	return c->wake_fd >= 0 || c->aux_fd >= 0;
}

/* Reads the serial link (count), nothing in time (0), or -1 when closed. */
static long read_link(struct client *c, int timeout_ms)
{
	int r = wait_fds(c, timeout_ms);
	if (r <= 0)
		return r;
	return link_read(&c->link, c->in, sizeof(c->in), hooked(c) ? 0 : timeout_ms);
}

/* The next UDP datagram into c->rx (its length), nothing in time (0), or -1. */
static long read_datagram(struct client *c, int timeout_ms)
{
	int r = wait_fds(c, timeout_ms);
	if (r <= 0)
		return r;
	return link_recv_datagram(&c->link, c->rx.buf, sizeof(c->rx.buf),
	                          hooked(c) ? 0 : timeout_ms);
}

/*
 * The next whole frame in c->rx (1), nothing within timeout_ms of start
 * (0), or a closed link (-1).  Bytes after a frame stay for the next call;
 * console text between frames goes to the hooks.
 */
static int next_frame(struct client *c, const struct timespec *start, int timeout_ms)
{
	while (c->link.datagram) { /* UDP: every packet is one datagram */
		long elapsed = ms_since(start);
		if (elapsed >= timeout_ms)
			return 0;
		long n = read_datagram(c, (int)(timeout_ms - elapsed));
		if (n < 0) {
			if (!c->quiet)
				fprintf(stderr, "zvmctl: the link closed\n");
			c->link_lost = true;
			return -1;
		}
		if (n > 0) {
			c->rx.len = (size_t)n;
			return 1;
		}
	}
	for (;;) {
		size_t run = c->in_pos;
		while (c->in_pos < c->in_len) {
			size_t at = c->in_pos++;
			enum rpc_serial_event e = rpc_serial_feed(&c->rx, c->in[at]);
			if (e == RPC_SERIAL_PASS)
				continue;
			pass_console(c, run, at);
			run = c->in_pos;
			if (e == RPC_SERIAL_FRAME)
				return 1;
		}
		pass_console(c, run, c->in_pos);
		long elapsed = ms_since(start);
		if (elapsed >= timeout_ms)
			return 0;
		long n = read_link(c, (int)(timeout_ms - elapsed));
		if (n < 0) {
			if (!c->quiet)
				fprintf(stderr, "zvmctl: the link closed\n");
			c->link_lost = true;
			return -1;
		}
		c->in_pos = 0;
		c->in_len = (size_t)n;
	}
}

/*
 * Takes an event's fragment (kind 3, already authenticated) into
 * c->event; 1 when the event is whole.  A new sequence number starts a
 * new event: an unfinished one is lost.
 */
static int take_event(struct client *c, const struct rpc_header *h, const uint8_t *body)
{
	struct event_assembly *a = &c->event_asm;

	if (h->seq != a->seq || a->count == 0) {
		*a = (struct event_assembly){ .seq = h->seq };
	}
	if (a->have[h->fragment] ||
	    (h->fragment + 1 < h->fragments && h->body_len != RPC_FRAGMENT_BODY))
		return 0;
	memcpy(c->event + (size_t)h->fragment * RPC_FRAGMENT_BODY, body, h->body_len);
	if (h->fragment + 1 == h->fragments)
		a->len = (size_t)h->fragment * RPC_FRAGMENT_BODY + h->body_len;
	a->have[h->fragment] = true;
	if (++a->count < h->fragments)
		return 0;
	c->event_len = a->len;
	c->event[a->len] = '\0';
	a->count = 0;
	return 1;
}

/* An authenticated event frame in c->rx: taken (1 when whole), or not an event (-1). */
static int event_frame(struct client *c)
{
	struct rpc_header h;
	const uint8_t *body;

	if (rpc_datagram_decode(c->rx.buf, c->rx.len, c->cfg->key, RPC_KEY_BYTES, &h, &body) !=
	            RPC_FAULT_NONE ||
	    h.kind != RPC_KIND_EVENT)
		return -1;
	return take_event(c, &h, body);
}

/* Reads until the reply is whole (1), the attempt times out (0), -1, or -2 (bad MAC). */
static int await_reply(struct client *c, uint64_t seq, struct assembly *a)
{
	struct timespec start;

	clock_gettime(CLOCK_MONOTONIC, &start);
	for (;;) {
		int r = next_frame(c, &start, c->timeout_ms);
		if (r <= 0)
			return r;
		enum frame_verdict v = take_frame(c, &c->rx, seq, a);
		if (v == FRAME_OTHER && c->on_event && event_frame(c) == 1)
			c->on_event(c->ctx, c->event, c->event_len);
		if (v == FRAME_BAD_MAC)
			return -2;
		if (v == FRAME_DONE)
			return 1;
	}
}

int client_next_event(struct client *c, int timeout_ms)
{
	struct timespec start;

	clock_gettime(CLOCK_MONOTONIC, &start);
	for (;;) {
		int r = next_frame(c, &start, timeout_ms);
		if (r <= 0)
			return r;
		if (event_frame(c) == 1)
			return 1;
	}
}

static int send_request(struct client *c, const uint8_t *datagram, size_t len)
{
	static char frame[RPC_SERIAL_FRAME_MAX];

	if (c->link.datagram)
		return link_send_datagram(&c->link, datagram, len);
	size_t n = rpc_serial_encode(frame, sizeof(frame), datagram, len);

	return link_write(&c->link, frame, n);
}

static int exit_for(int64_t code)
{
	if (code == RPC_ERR_FAILED)
		return EXIT_REFUSED;
	if (code == RPC_ERR_UNAUTH || code == RPC_ERR_REPLAYED)
		return EXIT_AUTH;
	if (code == RPC_ERR_PARAMS || code == RPC_ERR_NO_METHOD)
		return EXIT_USAGE;
	return EXIT_PROTOCOL;
}

static int read_reply(struct client *c, const char *method, int *result)
{
	struct json_doc *doc = &c->doc;
	char message[512] = "";
	int64_t code = 0;

	c->reply[c->reply_len] = '\0';
	if (json_parse(doc, c->reply, c->reply_len, c->tokens,
	               sizeof(c->tokens) / sizeof(c->tokens[0]))) {
		fprintf(stderr, "zvmctl: %s: the reply is not strict JSON\n", method);
		return EXIT_PROTOCOL;
	}
	*result = json_member(doc, 0, "result");
	if (*result >= 0)
		return EXIT_OK;
	int err = json_member(doc, 0, "error");
	if (!json_get_i64(doc, json_member(doc, err, "code"), &code) ||
	    json_get_string(doc, json_member(doc, err, "message"), message, sizeof(message)) < 0) {
		fprintf(stderr, "zvmctl: %s: a reply with neither result nor error\n", method);
		return EXIT_PROTOCOL;
	}
	if (!c->quiet)
		fprintf(stderr, "zvmctl: %s: %s (%lld)\n", method, message, (long long)code);
	*result = err;
	return exit_for(code);
}

int client_call(struct client *c, const char *method, const char *params, int *result)
{
	static char body[RPC_REQUEST_MAX + 1];
	static uint8_t datagram[RPC_DATAGRAM_MAX];
	uint64_t seq = c->seq ? c->seq : clock_seq();

	c->seq = 0; /* --seq names the first request only */
	struct rpc_header h = {
		.kind = RPC_KIND_REQUEST, .client = c->cfg->client, .seq = seq, .fragments = 1
	};

	int n = snprintf(body, sizeof(body),
	                 "{\"jsonrpc\":\"2.0\",\"id\":%llu,\"method\":\"%s\"%s%s}",
	                 (unsigned long long)seq, method, params ? ",\"params\":" : "",
	                 params ? params : "");
	if (n < 0 || (size_t)n >= sizeof(body)) {
		fprintf(stderr, "zvmctl: %s: the request is over %d bytes\n", method,
		        RPC_REQUEST_MAX);
		return EXIT_USAGE;
	}
	size_t len = rpc_datagram_encode(datagram, sizeof(datagram), &h, body, (size_t)n,
	                                 c->cfg->key, RPC_KEY_BYTES);
	for (int attempt = 0; attempt < c->attempts; attempt++) {
		struct assembly a = { 0 };
		if (send_request(c, datagram, len)) {
			fprintf(stderr, "zvmctl: cannot write to the link\n");
			return EXIT_LINK;
		}
		int r = await_reply(c, seq, &a);
		if (r == -2) {
			fprintf(stderr,
			        "zvmctl: %s: ZVM's reply does not authenticate with our key: "
			        "the key differs from the configuration's mgmt-key\n",
			        method);
			return EXIT_AUTH;
		}
		if (r < 0)
			return EXIT_LINK;
		if (r == 1) {
			c->reply_len = a.len;
			return read_reply(c, method, result);
		}
	}
	fprintf(stderr, "zvmctl: %s: no reply after %d attempts of %d ms\n", method, c->attempts,
	        c->timeout_ms);
	return EXIT_LINK;
}
