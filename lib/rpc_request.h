/*
 * JSON-RPC 2.0 envelopes (https://www.jsonrpc.org/specification): the
 * request ZVM accepts and the reply and error objects it writes.  Strict:
 * a request is an object of exactly "jsonrpc":"2.0", an unsigned integer
 * "id", a "method" of [a-z0-9._] and optionally "params", an object.
 */
#ifndef LIB_RPC_REQUEST_H
#define LIB_RPC_REQUEST_H

#include <stdbool.h>
#include <stdint.h>

#include "lib/json.h"

#define RPC_METHOD_MAX     48 /* bytes with the NUL */
/* Tokens a request may use: a hostile one costs no more than these. */
#define RPC_REQUEST_TOKENS 128

struct rpc_request {
	struct json_doc doc;
	bool has_id; /* false: the error reply's id is null */
	uint64_t id;
	char method[RPC_METHOD_MAX];
	int params; /* the params object's token, or -1 */
};

/* 0, or RPC_ERR_PARSE (no strict JSON) or RPC_ERR_INVALID (no request). */
int rpc_request_parse(const char *body, size_t len, struct json_token *tokens, uint32_t cap,
                      struct rpc_request *out);

/* {"jsonrpc":"2.0","id":<id>,"result": -- the caller writes the value,
 * then rpc_reply_end(). */
void rpc_reply_begin(struct json_writer *w, uint64_t id);
void rpc_reply_end(struct json_writer *w);
/* A whole error object; has_id false writes "id":null. */
void rpc_error_write(struct json_writer *w, bool has_id, uint64_t id, int code,
                     const char *message);
/* {"jsonrpc":"2.0","method":<method>,"params": -- then rpc_reply_end(). */
void rpc_notification_begin(struct json_writer *w, const char *method);

#endif
