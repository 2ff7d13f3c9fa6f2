/*
 * The protocol's datagrams, serial frames and server pipeline: a forged,
 * replayed or malformed request is refused and counted and never reaches
 * the dispatcher; a retry gets the cached reply; big replies come in
 * fragments that reassemble.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "lib/rpc.h"
#include "lib/rpc_serial.h"
#include "lib/rpc_server.h"

static const uint8_t key[RPC_KEY_BYTES] = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10 };
static struct rpc_server server;
static unsigned dispatched;

/* What the server sent back, reassembled. */
static struct {
	unsigned datagrams;
	struct rpc_header last;
	char body[RPC_REPLY_MAX + 1];
	size_t len;
	bool bad_mac;
} sent;

static void capture(void *ctx, const uint8_t *d, size_t len)
{
	struct rpc_header h;
	const uint8_t *body;

	(void)ctx;
	if (rpc_datagram_decode(d, len, key, sizeof(key), &h, &body) != RPC_FAULT_NONE) {
		sent.bad_mac = true;
		return;
	}
	assert_int_equal(h.fragment, sent.datagrams);
	sent.datagrams++;
	sent.last = h;
	memcpy(sent.body + sent.len, body, h.body_len);
	sent.len += h.body_len;
	sent.body[sent.len] = '\0';
}

/* echo: {"n": k} -> a string of k 'x'; fail -> an error. */
static int dispatch(void *ctx, struct rpc_call *call)
{
	uint64_t n = 0;

	(void)ctx;
	dispatched++;
	if (!strcmp(call->req->method, "fail")) {
		snprintf(call->message, sizeof(call->message), "refused");
		return RPC_ERR_FAILED;
	}
	json_get_u64(&call->req->doc, json_member(&call->req->doc, call->req->params, "n"), &n);
	static char big[RPC_REPLY_MAX * 2];
	memset(big, 'x', n);
	json_string_n(call->out, big, n);
	return 0;
}

static int setup(void **state)
{
	(void)state;
	rpc_server_init(&server, key, dispatch, NULL);
	dispatched = 0;
	return 0;
}

static void send_request(uint32_t client, uint64_t seq, const char *body, const uint8_t *k)
{
	uint8_t d[RPC_DATAGRAM_MAX];
	struct rpc_header h = {
		.kind = RPC_KIND_REQUEST, .client = client, .seq = seq, .fragments = 1
	};
	size_t n = rpc_datagram_encode(d, sizeof(d), &h, body, strlen(body), k, RPC_KEY_BYTES);

	assert_true(n > 0);
	memset(&sent, 0, sizeof(sent));
	rpc_server_handle(&server, d, n, capture, NULL);
}

static void call(uint32_t client, uint64_t seq, const char *method, const char *params)
{
	char body[512];

	snprintf(body, sizeof(body), "{\"jsonrpc\":\"2.0\",\"id\":%llu,\"method\":\"%s\"%s%s}",
	         (unsigned long long)seq, method, params ? ",\"params\":" : "",
	         params ? params : "");
	send_request(client, seq, body, key);
}

static void assert_error(int code)
{
	char expected[40];

	snprintf(expected, sizeof(expected), "\"code\":%d,", code);
	if (!strstr(sent.body, expected))
		fail_msg("wanted error %d, got %s", code, sent.body);
}

static void test_datagram_round_trip_and_tamper(void **state)
{
	uint8_t d[RPC_DATAGRAM_MAX];
	struct rpc_header h = { .kind = RPC_KIND_REPLY,
		                .client = 7,
		                .seq = 1ull << 40,
		                .fragment = 2,
		                .fragments = 3 },
	                  out;
	const uint8_t *body;

	(void)state;
	size_t n = rpc_datagram_encode(d, sizeof(d), &h, "hello", 5, key, sizeof(key));
	assert_int_equal(n, RPC_HEADER_BYTES + 5);
	assert_int_equal(rpc_datagram_decode(d, n, key, sizeof(key), &out, &body), RPC_FAULT_NONE);
	assert_true(out.client == 7 && out.seq == 1ull << 40 && out.fragment == 2 &&
	            out.fragments == 3 && out.body_len == 5 && !memcmp(body, "hello", 5));
	for (size_t i = 0; i < n; i++) {
		d[i] ^= 0x01;
		assert_int_not_equal(rpc_datagram_decode(d, n, key, sizeof(key), &out, &body),
		                     RPC_FAULT_NONE);
		d[i] ^= 0x01;
	}
	assert_int_equal(rpc_datagram_decode(d, n - 1, key, sizeof(key), &out, &body),
	                 RPC_FAULT_MALFORMED);
	h.fragment = 3;
	n = rpc_datagram_encode(d, sizeof(d), &h, "x", 1, key, sizeof(key));
	assert_int_equal(rpc_datagram_decode(d, n, key, sizeof(key), &out, &body),
	                 RPC_FAULT_MALFORMED);
	assert_int_equal(
	        rpc_datagram_encode(d, sizeof(d), &h, d, RPC_FRAGMENT_BODY + 1, key, sizeof(key)),
	        0);
}

static void test_serial_frames_between_text(void **state)
{
	uint8_t d[64];
	char frame[RPC_SERIAL_FRAME_MAX];
	struct rpc_serial_rx rx;
	size_t text_len = 0, frames = 0;

	(void)state;
	for (unsigned i = 0; i < sizeof(d); i++)
		d[i] = (uint8_t)(i * 37);
	size_t n = rpc_serial_encode(frame, sizeof(frame), d, sizeof(d));
	assert_int_equal(n, 2 * sizeof(d) + 2);
	rpc_serial_rx_init(&rx);
	const char *before = "zvm> log\r\n";
	for (const char *p = before; *p; p++)
		assert_int_equal(rpc_serial_feed(&rx, (uint8_t)*p), RPC_SERIAL_PASS);
	for (size_t i = 0; i < n; i++) {
		enum rpc_serial_event e = rpc_serial_feed(&rx, (uint8_t)frame[i]);
		if (e == RPC_SERIAL_FRAME) {
			frames++;
			assert_int_equal(rx.len, sizeof(d));
			assert_memory_equal(rx.buf, d, sizeof(d));
		} else {
			assert_int_equal(e, RPC_SERIAL_TAKEN);
		}
	}
	for (const char *p = "after"; *p; p++) {
		if (rpc_serial_feed(&rx, (uint8_t)*p) == RPC_SERIAL_PASS)
			text_len++;
	}
	assert_int_equal(frames, 1);
	assert_int_equal(text_len, 5);
	/* A bad digit, an odd count, an empty frame, a frame cut by RS: bad. */
	const char *bad[] = { "\x1e"
		              "0g\n",
		              "\x1e"
		              "abc\n",
		              "\x1e\n",
		              "\x1e"
		              "ab\x1e" };
	for (unsigned b = 0; b < 4; b++) {
		enum rpc_serial_event last = RPC_SERIAL_PASS;
		rpc_serial_rx_init(&rx);
		for (const char *p = bad[b]; *p; p++)
			last = rpc_serial_feed(&rx, (uint8_t)*p);
		assert_int_equal(last, RPC_SERIAL_BAD);
	}
	/* Too long: discarded whole, nothing leaks to the console. */
	rpc_serial_rx_init(&rx);
	rpc_serial_feed(&rx, RPC_SERIAL_START);
	for (unsigned i = 0; i < 2 * RPC_DATAGRAM_MAX + 10; i++)
		assert_int_equal(rpc_serial_feed(&rx, 'a'), RPC_SERIAL_TAKEN);
	assert_int_equal(rpc_serial_feed(&rx, '\r'), RPC_SERIAL_BAD);
}

static void test_fresh_request_runs_once_and_retry_is_cached(void **state)
{
	(void)state;
	call(5, 10, "echo", "{\"n\":3}");
	assert_int_equal(dispatched, 1);
	assert_string_equal(sent.body, "{\"jsonrpc\":\"2.0\",\"id\":10,\"result\":\"xxx\"}");
	assert_true(sent.last.kind == RPC_KIND_REPLY && sent.last.client == 5 &&
	            sent.last.seq == 10);
	call(5, 10, "echo", "{\"n\":3}"); /* the same datagram: a retry */
	assert_int_equal(dispatched, 1);
	assert_string_equal(sent.body, "{\"jsonrpc\":\"2.0\",\"id\":10,\"result\":\"xxx\"}");
	assert_int_equal(server.stats.retried, 1);
	call(5, 11, "echo", "{\"n\":1}");
	assert_int_equal(dispatched, 2);
	assert_int_equal(server.stats.executed, 2);
}

static void test_replayed_and_forged_are_refused_and_counted(void **state)
{
	uint8_t wrong[RPC_KEY_BYTES] = { 9 };

	(void)state;
	call(5, 10, "echo", "{\"n\":1}");
	call(5, 9, "echo", "{\"n\":1}");
	assert_error(RPC_ERR_REPLAYED);
	call(5, 10, "echo", "{\"n\":2}"); /* same seq, another body */
	assert_error(RPC_ERR_REPLAYED);
	send_request(5, 11, "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"echo\"}", wrong);
	assert_error(RPC_ERR_UNAUTH);
	assert_false(sent.bad_mac); /* ZVM's refusal is itself authenticated */
	assert_int_equal(dispatched, 1);
	assert_int_equal(server.stats.replayed, 2);
	assert_int_equal(server.stats.unauthenticated, 1);
	/* The forged one consumed nothing: 11 is still fresh. */
	call(5, 11, "echo", "{\"n\":1}");
	assert_int_equal(dispatched, 2);
}

static void test_no_key_refuses_everything(void **state)
{
	(void)state;
	rpc_server_init(&server, NULL, dispatch, NULL);
	call(5, 1, "echo", NULL);
	assert_int_equal(dispatched, 0);
	assert_int_equal(server.stats.unauthenticated, 1);
}

static void test_malformed_requests_are_answered_not_run(void **state)
{
	static const char *const bodies[] = {
		"not json",
		"[]",
		"{\"jsonrpc\":\"2.0\",\"method\":\"echo\"}",
		"{\"jsonrpc\":\"1.0\",\"id\":1,\"method\":\"echo\"}",
		"{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"Echo\"}",
		"{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"echo\",\"params\":[1]}",
		"{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"echo\",\"extra\":1}",
		"{\"jsonrpc\":\"2.0\",\"id\":-1,\"method\":\"echo\"}",
	};
	uint8_t junk[RPC_HEADER_BYTES] = { 'Z', 'R', 9 };

	(void)state;
	for (unsigned i = 0; i < sizeof(bodies) / sizeof(bodies[0]); i++) {
		send_request(5, i + 1, bodies[i], key);
		assert_error(i == 0 ? RPC_ERR_PARSE : RPC_ERR_INVALID);
	}
	assert_int_equal(dispatched, 0);
	rpc_server_handle(&server, junk, sizeof(junk), capture, NULL);
	assert_int_equal(server.stats.malformed, 9);
}

static void test_big_reply_in_fragments_and_too_large(void **state)
{
	(void)state;
	call(5, 1, "echo", "{\"n\":5000}");
	assert_int_equal(sent.datagrams, (sent.len + RPC_FRAGMENT_BODY - 1) / RPC_FRAGMENT_BODY);
	assert_true(sent.datagrams >= 5);
	assert_int_equal(sent.last.fragments, sent.datagrams);
	assert_int_equal(strlen(sent.body),
	                 5000 + strlen("{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":\"\"}"));
	call(5, 2, "echo", "{\"n\":20000}");
	assert_error(RPC_ERR_TOO_LARGE);
	call(5, 3, "fail", NULL);
	assert_error(RPC_ERR_FAILED);
	assert_non_null(strstr(sent.body, "\"message\":\"refused\""));
	assert_int_equal(server.stats.too_large, 1);
	assert_int_equal(server.stats.failed, 2);
}

static void test_client_table_is_bounded(void **state)
{
	(void)state;
	for (uint32_t c = 1; c <= RPC_CLIENTS; c++)
		call(c, 1, "echo", NULL);
	call(RPC_CLIENTS + 1, 1, "echo", NULL);
	assert_error(RPC_ERR_CLIENTS);
	assert_int_equal(dispatched, RPC_CLIENTS);
	call(1, 2, "echo", NULL); /* the known ones go on */
	assert_int_equal(dispatched, RPC_CLIENTS + 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_datagram_round_trip_and_tamper),
		cmocka_unit_test(test_serial_frames_between_text),
		cmocka_unit_test_setup(test_fresh_request_runs_once_and_retry_is_cached, setup),
		cmocka_unit_test_setup(test_replayed_and_forged_are_refused_and_counted, setup),
		cmocka_unit_test_setup(test_no_key_refuses_everything, setup),
		cmocka_unit_test_setup(test_malformed_requests_are_answered_not_run, setup),
		cmocka_unit_test_setup(test_big_reply_in_fragments_and_too_large, setup),
		cmocka_unit_test_setup(test_client_table_is_bounded, setup),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
