/*
 * The web thread: libwebsockets serves the dashboard's files from the web
 * directory and the WebSocket "visualzvm" (docs/protocol.md) on
 * 127.0.0.1 only.  A WebSocket whose Origin is not this server's own page
 * is refused, so another site open in the same browser cannot drive ZVM.
 */
#include <cjson/cJSON.h>
#include <libwebsockets.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "visualzvm.h"

#define PROTOCOL_NAME "visualzvm"
#define RX_BUFFER     4096

struct page {
	uint64_t id;
	size_t len;
	bool overflow;
	char msg[VZ_PAGE_MSG_MAX + 1];
};

static struct lws_context *context;
static const struct vz_options *opts;
static volatile sig_atomic_t interrupted;

void web_wake(void)
{
	if (context)
		lws_cancel_service(context);
}

static bool origin_allowed(struct lws *wsi)
{
	char origin[128], mine[64];
	int n = lws_hdr_copy(wsi, origin, sizeof(origin), WSI_TOKEN_ORIGIN);

	if (n <= 0)
		return true; /* not a browser: a local program, as trusted as the user */
	for (unsigned i = 0; i < 2; i++) {
		snprintf(mine, sizeof(mine), "http://%s:%u", i ? "localhost" : "127.0.0.1",
		         opts->port);
		if (!strcmp(origin, mine))
			return true;
	}
	fprintf(stderr, "visualzvm: refused a WebSocket from origin %s\n", origin);
	return false;
}

static void hello(uint64_t session)
{
	cJSON *m = cJSON_CreateObject();
	cJSON_AddStringToObject(m, "type", "hello");
	cJSON_AddStringToObject(m, "link", vz_link_state_name(vz_link_state()));
	cJSON_AddStringToObject(m, "target", vz_link_target());
	cJSON_AddStringToObject(m, "console", opts->console[0] ? opts->console : opts->cfg.target);
	cJSON_AddNumberToObject(m, "metrics_ms", opts->metrics_ms);
	char *text = cJSON_PrintUnformatted(m);
	outbox_post(session, text);
	free(text);
	cJSON_Delete(m);
}

static bool method_ok(const char *m)
{
	size_t n = strlen(m);

	if (n == 0 || n >= sizeof(((struct vz_call *)0)->method))
		return false;
	if (!strncmp(m, "events.", 7)) /* the daemon's own subscription */
		return false;
	return strspn(m, "abcdefghijklmnopqrstuvwxyz0123456789._") == n;
}

/* {"type":"call","id":n,"method":"...","params":{...}} */
static void page_call(struct page *p, const cJSON *msg)
{
	const cJSON *id = cJSON_GetObjectItemCaseSensitive(msg, "id");
	const cJSON *method = cJSON_GetObjectItemCaseSensitive(msg, "method");
	const cJSON *params = cJSON_GetObjectItemCaseSensitive(msg, "params");
	struct vz_call c = { .session = p->id };

	if (!cJSON_IsNumber(id) || !cJSON_IsString(method) || !method_ok(method->valuestring) ||
	    (params && !cJSON_IsObject(params))) {
		fprintf(stderr, "visualzvm: a page sent a bad call\n");
		return;
	}
	c.page_id = (int64_t)id->valuedouble;
	snprintf(c.method, sizeof(c.method), "%s", method->valuestring);
	c.params = params ? cJSON_PrintUnformatted(params) : NULL;
	if (inbox_push_call(&c)) {
		free(c.params);
		outbox_post(p->id, "{\"type\":\"busy\"}");
	}
}

/* {"type":"console","data":"..."}: typed bytes, never a frame (RS is dropped). */
static void page_console(const cJSON *msg)
{
	const cJSON *data = cJSON_GetObjectItemCaseSensitive(msg, "data");
	char buf[VZ_CONSOLE_IN];
	size_t n = 0;

	if (!cJSON_IsString(data))
		return;
	for (const char *s = data->valuestring; *s && n < sizeof(buf); s++)
		if (*s != RPC_SERIAL_START)
			buf[n++] = *s;
	inbox_push_console(buf, n);
}

static void page_message(struct page *p)
{
	cJSON *msg = cJSON_ParseWithLength(p->msg, p->len);
	const cJSON *type = cJSON_GetObjectItemCaseSensitive(msg, "type");

	if (cJSON_IsString(type) && !strcmp(type->valuestring, "call"))
		page_call(p, msg);
	else if (cJSON_IsString(type) && !strcmp(type->valuestring, "console"))
		page_console(msg);
	else
		fprintf(stderr, "visualzvm: a page sent what is not a message\n");
	cJSON_Delete(msg);
}

static void receive(struct lws *wsi, struct page *p, const void *in, size_t len)
{
	if (lws_is_first_fragment(wsi)) {
		p->len = 0;
		p->overflow = false;
	}
	if (p->len + len > VZ_PAGE_MSG_MAX)
		p->overflow = true;
	else
		memcpy(p->msg + p->len, in, len);
	p->len += len;
	if (!lws_is_final_fragment(wsi))
		return;
	if (p->overflow)
		fprintf(stderr, "visualzvm: a page's message over %d bytes was dropped\n",
		        VZ_PAGE_MSG_MAX);
	else
		page_message(p);
}

static void want_write(void *wsi)
{
	lws_callback_on_writable(wsi);
}

static int send_next(struct lws *wsi, struct page *p)
{
	size_t len;
	bool more;
	char *buf = outbox_take(p->id, &len, &more);

	if (!buf)
		return 0;
	int n = lws_write(wsi, (unsigned char *)buf + LWS_PRE, len, LWS_WRITE_TEXT);
	free(buf);
	if (n < (int)len)
		return -1;
	if (more)
		lws_callback_on_writable(wsi);
	return 0;
}

static int callback_page(struct lws *wsi, enum lws_callback_reasons reason, void *user, void *in,
                         size_t len)
{
	struct page *p = user;

	switch (reason) {
	case LWS_CALLBACK_FILTER_PROTOCOL_CONNECTION: return origin_allowed(wsi) ? 0 : 1;
	case LWS_CALLBACK_ESTABLISHED:
		if (outbox_open(wsi, &p->id))
			return -1; /* every slot taken */
		hello(p->id);
		break;
	case LWS_CALLBACK_CLOSED: outbox_close(p->id); break;
	case LWS_CALLBACK_RECEIVE: receive(wsi, p, in, len); break;
	case LWS_CALLBACK_SERVER_WRITEABLE: return send_next(wsi, p);
	case LWS_CALLBACK_EVENT_WAIT_CANCELLED: outbox_each_pending(want_write); break;
	default: break;
	}
	return 0;
}

static const struct lws_protocols protocols[] = {
	{ "http", lws_callback_http_dummy, 0, 0, 0, NULL, 0 },
	{ PROTOCOL_NAME, callback_page, sizeof(struct page), RX_BUFFER, 0, NULL, 0 },
	{ NULL, NULL, 0, 0, 0, NULL, 0 }
};

static void on_signal(int sig)
{
	(void)sig;
	interrupted = 1;
	web_wake();
}

int web_run(const struct vz_options *o)
{
	static struct lws_http_mount mount = {
		.mountpoint = "/",
		.def = "index.html",
		.origin_protocol = LWSMPRO_FILE,
		.mountpoint_len = 1,
	};
	struct lws_context_creation_info info;

	opts = o;
	mount.origin = o->web_dir;
	memset(&info, 0, sizeof(info));
	info.port = (int)o->port;
	info.iface = "127.0.0.1";
	info.protocols = protocols;
	info.mounts = &mount;
	info.options = LWS_SERVER_OPTION_DISABLE_IPV6;
	lws_set_log_level(LLL_ERR | LLL_WARN, NULL);
	context = lws_create_context(&info);
	if (!context) {
		fprintf(stderr, "visualzvm: cannot serve on 127.0.0.1:%u\n", o->port);
		return -1;
	}
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	printf("visualzvm: the dashboard is at http://127.0.0.1:%u/\n", o->port);
	fflush(stdout);
	while (!interrupted)
		if (lws_service(context, 0) < 0)
			break;
	lws_context_destroy(context);
	context = NULL;
	return 0;
}
