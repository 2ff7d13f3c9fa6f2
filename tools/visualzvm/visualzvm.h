/*
 * visualzvm: the daemon between ZVM's agent and the web dashboard
 * (docs/protocol.md, "visualzvm").  Two threads: the web thread runs
 * libwebsockets (the page's files and its WebSocket, on 127.0.0.1 only);
 * the link thread owns the line to ZVM through zvmctl's client library,
 * makes the page's calls, and hands console text, events and replies back.
 * They meet in two queues, each under its own mutex: the outbox (link to
 * pages, outbox.c) and the inbox (pages to link, inbox.c).
 */
#ifndef VISUALZVM_H
#define VISUALZVM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "tools/zvmctl/zvmctl.h"

/* Pages connected at once; more are refused (a dashboard is one person's). */
#define VZ_SESSIONS           8
/* Messages waiting for one page; beyond it console text and metrics are dropped. */
#define VZ_OUTBOX_DEPTH       512
/* Calls from the pages waiting for the link thread. */
#define VZ_INBOX_CALLS        32
/* Console input not yet written to the line. */
#define VZ_CONSOLE_IN         4096
/* A page's message, reassembled from WebSocket fragments. */
#define VZ_PAGE_MSG_MAX       8192
/* The metrics rate the daemon subscribes at (docs/protocol.md: 250..60000). */
#define VZ_METRICS_MS_DEFAULT 1000

struct vz_options {
	struct zvmctl_config cfg;
	char console[256]; /* serial:<path> for the console when cfg.target is udp:// */
	char web_dir[512];
	unsigned port;
	unsigned metrics_ms;
	int timeout_ms;
};

/* What the page is told about the line to ZVM. */
enum vz_link_state {
	VZ_LINK_DOWN,   /* no connection to the line */
	VZ_LINK_SILENT, /* connected, but ZVM does not answer */
	VZ_LINK_UP      /* the last call was answered */
};
const char *vz_link_state_name(enum vz_link_state s);
enum vz_link_state vz_link_state(void);
/* Where the calls go now: the target, or --console while UDP is silent. */
const char *vz_link_target(void);

/* outbox.c: messages for the pages; session 0 means every page. */
void outbox_init(void (*wake)(void));
int outbox_open(void *wsi, uint64_t *id);
void outbox_close(uint64_t id);
void outbox_post(uint64_t session, const char *json);
/* Takes the next message for session (malloc'd with LWS_PRE headroom) or NULL. */
char *outbox_take(uint64_t session, size_t *len, bool *more);
/* Calls f(wsi) for every page with something waiting. */
void outbox_each_pending(void (*f)(void *wsi));
uint64_t outbox_dropped(void);

/* inbox.c: calls and console input from the pages. */
struct vz_call {
	uint64_t session;
	int64_t page_id;
	char method[48];
	char *params; /* malloc'd JSON object text or NULL */
};
int inbox_init(void);
int inbox_wake_fd(void);
int inbox_push_call(const struct vz_call *call);
int inbox_push_console(const char *bytes, size_t len);
bool inbox_take_call(struct vz_call *call);
size_t inbox_take_console(char *buf, size_t cap);
void inbox_drain_wake(void);

/* link.c: the link thread. */
int link_thread_start(const struct vz_options *o);

/* web.c: the web thread; returns when interrupted. */
int web_run(const struct vz_options *o);
void web_wake(void);

/* json_text.c: a JSON string literal of raw console bytes (Latin-1 in, UTF-8 out). */
char *console_message(const uint8_t *bytes, size_t len);

#endif
