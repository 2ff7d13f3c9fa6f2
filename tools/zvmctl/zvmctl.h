/* zvmctl's parts: see zvmctl.c for the command line, docs/protocol.md. */
#ifndef ZVMCTL_H
#define ZVMCTL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/json.h"
#include "lib/rpc.h"
#include "lib/rpc_serial.h"

/* Exit codes: what a script can tell apart (docs/protocol.md, "zvmctl"). */
#define EXIT_OK       0
#define EXIT_REFUSED  1 /* ZVM refused the operation (-32000) or a test failed */
#define EXIT_USAGE    2 /* the command line is wrong */
#define EXIT_LINK     3 /* no connection, or no reply in time */
#define EXIT_AUTH     4 /* unauthenticated or replayed (-32001, -32002) */
#define EXIT_PROTOCOL 5 /* any other error reply or a reply we cannot read */

struct zvmctl_config {
	uint8_t key[RPC_KEY_BYTES];
	bool has_key;
	uint32_t client;
	char target[256];
};

/* Reads key, client-id and target from path; 0, or -1 after printing why. */
int config_read(const char *path, struct zvmctl_config *cfg, bool must_exist);

/*
 * The way to ZVM: a byte stream to its console (serial:<path>, a unix
 * socket or a tty) carrying frames, or a UDP socket (udp://<host>:<port>)
 * carrying one datagram per packet.
 */
struct link {
	int fd;
	bool datagram; /* UDP: no serial framing */
};
/* Opens target (serial:... or udp://...): 0, or -1 after printing why. */
int link_open(struct link *l, const char *target);
int serial_open(struct link *l, const char *path);
int udp_open(struct link *l, const char *hostport);
/* UDP: one datagram out; 0 or -1. */
int link_send_datagram(struct link *l, const void *buf, size_t len);
/* UDP: the next datagram into buf within timeout_ms: its length, 0 on timeout, -1. */
long link_recv_datagram(struct link *l, void *buf, size_t cap, int timeout_ms);
int link_write(struct link *l, const void *buf, size_t len);
/* Reads up to len bytes, waiting at most timeout_ms: count, 0 on timeout, -1. */
long link_read(struct link *l, void *buf, size_t len, int timeout_ms);
void link_close(struct link *l);

/* An event being reassembled from its fragments. */
struct event_assembly {
	uint64_t seq;
	bool have[RPC_FRAGMENTS_MAX];
	unsigned count;
	size_t len;
};

/*
 * One call: the reply's body in reply[0..), parsed into doc.  The hooks
 * (all optional) let a long-running client such as visualzvm keep the
 * line's other traffic while it waits for a reply: console text between
 * frames, events, a wake-up fd and another fd polled beside the link.
 */
struct client {
	struct link link;
	const struct zvmctl_config *cfg;
	uint64_t seq;   /* the next request's; 0: from the clock */
	int timeout_ms; /* per attempt */
	int attempts;
	bool verbose;   /* console text between frames goes to stderr */
	bool quiet;     /* errors are not printed (the caller reads doc) */
	bool link_lost; /* the link closed under us: reopen it */
	void *ctx;
	void (*on_console)(void *ctx, const uint8_t *bytes, size_t len);
	void (*on_event)(void *ctx, const char *body, size_t len);
	int wake_fd; /* -1: none; readable: on_wake runs (it must drain it) */
	void (*on_wake)(void *ctx);
	int aux_fd; /* -1: none; another fd to serve meanwhile (a console line) */
	void (*on_aux)(void *ctx);
	uint8_t in[4096]; /* read from the link, not yet decoded */
	size_t in_pos, in_len;
	struct rpc_serial_rx rx;
	char reply[RPC_REPLY_MAX + 1];
	size_t reply_len;
	char event[RPC_REPLY_MAX + 1]; /* the last whole event's body */
	size_t event_len;
	struct event_assembly event_asm;
	struct json_token tokens[4096];
	struct json_doc doc;
};

/* Sets a client's defaults: no hooks, no wake fd. */
void client_init(struct client *c, const struct zvmctl_config *cfg);

/*
 * Sends method with params (a JSON object's text, or NULL) and waits for
 * its reply.  Returns an EXIT_* code; on EXIT_OK *result is the result's
 * token; otherwise the error has been printed.
 */
int client_call(struct client *c, const char *method, const char *params, int *result);

/* The next event's whole body in c->event (1), none in time (0), or -1. */
int client_next_event(struct client *c, int timeout_ms);

/* Human output of a result (zvmctl_print.c). */
void print_result(const char *command, const struct json_doc *doc, int result);

/* A whole number, decimal or 0x hex, and nothing after it. */
bool parse_number(const char *s, uint64_t *out);

/* zvmctl top [-d <ms>] [-n <rounds>] (zvmctl_top.c): an EXIT_* code, -1 for usage. */
int top_command(struct client *c, bool json, int argc, char **argv);

#endif
