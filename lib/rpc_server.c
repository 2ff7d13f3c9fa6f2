/* Authenticate, check freshness, dispatch once, reply in fragments: rpc_server.h. */
#include "lib/rpc_server.h"
#include "lib/string.h"

void rpc_server_init(struct rpc_server *s, const uint8_t *key, rpc_dispatch_fn dispatch, void *ctx)
{
	memset(s, 0, sizeof(*s));
	s->has_key = key != 0;
	if (key)
		memcpy(s->key, key, RPC_KEY_BYTES);
	s->dispatch = dispatch;
	s->ctx = ctx;
}

/* body[0..len) in numbered datagrams of kind, to (client, seq). */
static void send_fragments(struct rpc_server *s, uint8_t kind, uint32_t client, uint64_t seq,
                           const char *body, size_t len, rpc_send_fn send, void *send_ctx)
{
	size_t count = len ? (len + RPC_FRAGMENT_BODY - 1) / RPC_FRAGMENT_BODY : 1;
	struct rpc_header h = {
		.kind = kind, .client = client, .seq = seq, .fragments = (uint16_t)count
	};

	for (size_t i = 0; i < count; i++) {
		size_t off = i * RPC_FRAGMENT_BODY;
		size_t n = len - off < RPC_FRAGMENT_BODY ? len - off : RPC_FRAGMENT_BODY;
		h.fragment = (uint16_t)i;
		size_t total = rpc_datagram_encode(s->datagram, sizeof(s->datagram), &h, body + off,
		                                   n, s->key, RPC_KEY_BYTES);
		send(send_ctx, s->datagram, total);
	}
}

/* An error that is not kept for retries: the request was never run. */
static void refuse(struct rpc_server *s, const struct rpc_header *h, int code, const char *message,
                   rpc_send_fn send, void *send_ctx)
{
	struct json_writer w;

	json_writer_init(&w, s->scratch, sizeof(s->scratch));
	rpc_error_write(&w, false, 0, code, message);
	send_fragments(s, RPC_KIND_REPLY, h->client, h->seq, s->scratch, w.len, send, send_ctx);
}

/* Runs a fresh request; leaves its reply in s->scratch and returns its length. */
static size_t execute(struct rpc_server *s, const struct rpc_header *h, const uint8_t *body)
{
	struct rpc_request req;
	struct json_writer w;
	struct rpc_call call = { .req = &req, .client = h->client, .out = &w, .message = "" };
	int code = rpc_request_parse((const char *)body, h->body_len, s->tokens, RPC_REQUEST_TOKENS,
	                             &req);

	json_writer_init(&w, s->scratch, sizeof(s->scratch));
	if (code) {
		s->stats.malformed++;
		rpc_error_write(&w, req.has_id, req.id, code,
		                code == RPC_ERR_PARSE ? "not strict JSON" :
		                                        "not a JSON-RPC request");
		return w.len;
	}
	s->stats.executed++;
	rpc_reply_begin(&w, req.id);
	code = s->dispatch(s->ctx, &call);
	rpc_reply_end(&w);
	if (code == 0 && !json_writer_ok(&w)) {
		s->stats.too_large++;
		code = RPC_ERR_TOO_LARGE;
		static const char too_large[] = "the result does not fit a reply";
		memcpy(call.message, too_large, sizeof(too_large));
	}
	if (code) {
		s->stats.failed++;
		json_writer_init(&w, s->scratch, sizeof(s->scratch));
		rpc_error_write(&w, true, req.id, code, call.message);
	}
	return w.len;
}

/* Why a well-formed, authenticated datagram is still no request to run. */
static bool request_shaped(const struct rpc_header *h)
{
	return h->kind == RPC_KIND_REQUEST && h->fragments == 1 && h->seq != 0 && h->client != 0;
}

void rpc_server_handle(struct rpc_server *s, const uint8_t *datagram, size_t len, rpc_send_fn send,
                       void *send_ctx)
{
	struct rpc_client *slot = 0;
	struct rpc_header h;
	const uint8_t *body;

	s->stats.received++;
	enum rpc_fault fault = rpc_datagram_decode(datagram, len, s->key, RPC_KEY_BYTES, &h, &body);
	if (fault == RPC_FAULT_MALFORMED) {
		s->stats.malformed++; /* no header to answer to */
		return;
	}
	if (fault == RPC_FAULT_MAC || !s->has_key) {
		s->stats.unauthenticated++;
		refuse(s, &h, RPC_ERR_UNAUTH, "unauthenticated", send, send_ctx);
		return;
	}
	if (!request_shaped(&h)) {
		s->stats.malformed++;
		refuse(s, &h, RPC_ERR_INVALID, "not a request datagram", send, send_ctx);
		return;
	}
	switch (rpc_session_check(s, h.client, h.seq, h.mac, &slot)) {
	case RPC_RETRY:
		s->stats.retried++;
		send_fragments(s, RPC_KIND_REPLY, h.client, h.seq, slot->reply, slot->reply_len,
		               send, send_ctx);
		return;
	case RPC_REPLAY:
		s->stats.replayed++;
		refuse(s, &h, RPC_ERR_REPLAYED, "replayed: sequence not above the last", send,
		       send_ctx);
		return;
	case RPC_NO_ROOM:
		s->stats.no_room++;
		refuse(s, &h, RPC_ERR_CLIENTS, "no room for another client", send, send_ctx);
		return;
	case RPC_FRESH:
	default: break;
	}
	size_t n = execute(s, &h, body);
	rpc_session_record(slot, h.client, h.seq, h.mac, s->scratch, n);
	send_fragments(s, RPC_KIND_REPLY, h.client, h.seq, slot->reply, slot->reply_len, send,
	               send_ctx);
}

void rpc_server_notify(struct rpc_server *s, const char *body, size_t len, rpc_send_fn send,
                       void *send_ctx)
{
	if (!s->has_key || len > RPC_REPLY_MAX)
		return;
	send_fragments(s, RPC_KIND_EVENT, 0, ++s->event_seq, body, len, send, send_ctx);
}
