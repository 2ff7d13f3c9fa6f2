/*
 * libFuzzer target: what a network or serial peer controls in the
 * management protocol.  The input is used three ways:
 *  - as a request body, signed with the test key so that it passes
 *    authentication and reaches the JSON-RPC parser and the dispatcher;
 *  - as a raw datagram (forged headers and HMACs);
 *  - as bytes on the serial line, through the frame decoder, each frame
 *    going to the server as ZVM's console does.
 * Invariants: every reply datagram authenticates, its fragments
 * reassemble to strict JSON, and the dispatcher runs at most once per
 * fresh request.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lib/rpc.h"
#include "lib/rpc_serial.h"
#include "lib/rpc_server.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const uint8_t key[RPC_KEY_BYTES] = { 0x5a, 0x56, 0x4d };
static struct rpc_server server;
static unsigned dispatched;
static char reply[RPC_REPLY_MAX + 1];
static size_t reply_len;
static uint16_t expected_fragment;
static struct json_token tokens[RPC_REPLY_MAX / 2];

/* Echoes the method and whatever params held, through the writer. */
static int dispatch(void *ctx, struct rpc_call *call)
{
	const struct json_doc *doc = &call->req->doc;
	char text[64];

	(void)ctx;
	dispatched++;
	json_object_begin(call->out);
	json_member_string(call->out, "method", call->req->method);
	json_key(call->out, "strings");
	json_array_begin(call->out);
	for (uint32_t i = 0; call->req->params >= 0 && i < 8; i++) {
		int v = json_element(doc, json_member(doc, call->req->params, "list"), i);
		if (json_get_string(doc, v, text, sizeof(text)) >= 0)
			json_string(call->out, text);
	}
	json_array_end(call->out);
	json_object_end(call->out);
	return call->req->method[0] == 'f' ? RPC_ERR_FAILED : 0;
}

static void check_reply(void *ctx, const uint8_t *d, size_t len)
{
	struct rpc_header h;
	const uint8_t *body;
	struct json_doc doc;

	(void)ctx;
	if (rpc_datagram_decode(d, len, key, sizeof(key), &h, &body) != RPC_FAULT_NONE)
		abort(); /* ZVM's own datagrams always authenticate */
	if (h.fragment != expected_fragment++ || reply_len + h.body_len > RPC_REPLY_MAX)
		abort();
	memcpy(reply + reply_len, body, h.body_len);
	reply_len += h.body_len;
	if (h.fragment + 1 == h.fragments) {
		if (json_parse(&doc, reply, reply_len, tokens, sizeof(tokens) / sizeof(tokens[0])))
			abort(); /* every reply is strict JSON */
		reply_len = 0;
		expected_fragment = 0;
	}
}

static void handle(const uint8_t *d, size_t len)
{
	unsigned before = dispatched;
	uint64_t executed = server.stats.executed;

	reply_len = 0;
	expected_fragment = 0;
	rpc_server_handle(&server, d, len, check_reply, NULL);
	if (dispatched - before > 1 || dispatched - before != server.stats.executed - executed)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static uint8_t datagram[RPC_DATAGRAM_MAX];
	static struct rpc_serial_rx rx;
	struct rpc_header h = { .kind = RPC_KIND_REQUEST, .client = 1, .seq = 1, .fragments = 1 };

	rpc_server_init(&server, key, dispatch, NULL);
	dispatched = 0;
	size_t body = size < RPC_REQUEST_MAX ? size : RPC_REQUEST_MAX;
	size_t n =
	        rpc_datagram_encode(datagram, sizeof(datagram), &h, data, body, key, sizeof(key));
	handle(datagram, n);
	handle(datagram, n); /* the retry: from the cache, never run again */
	if (dispatched > 1)
		abort();
	handle(data, size);
	rpc_serial_rx_init(&rx);
	for (size_t i = 0; i < size; i++) {
		if (rpc_serial_feed(&rx, data[i]) == RPC_SERIAL_FRAME)
			handle(rx.buf, rx.len);
	}
	return 0;
}
