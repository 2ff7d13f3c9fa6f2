/*
 * The server side of the management protocol, transport-independent
 * (docs/protocol.md): authenticates each request datagram, refuses
 * replays, runs fresh requests through the caller's dispatcher exactly
 * once, keeps each client's last reply for retries, and sends replies as
 * numbered fragments.  All memory is in struct rpc_server (about
 * RPC_CLIENTS + 1 replies): a flood costs CPU time, never memory.
 * Not thread-safe: one thread (ZVM's agent) owns a server.
 */
#ifndef LIB_RPC_SERVER_H
#define LIB_RPC_SERVER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/json.h"
#include "lib/rpc.h"
#include "lib/rpc_request.h"

#define RPC_MESSAGE_MAX 160

/* One fresh request, for the dispatcher. */
struct rpc_call {
	const struct rpc_request *req;
	uint32_t client;
	struct json_writer *out; /* write exactly one value: the result */
	char message[RPC_MESSAGE_MAX];
};

/* 0 with the result written, or an RPC_ERR_* code with call->message set. */
typedef int (*rpc_dispatch_fn)(void *ctx, struct rpc_call *call);
/* Hands one datagram to the transport it came from. */
typedef void (*rpc_send_fn)(void *ctx, const uint8_t *datagram, size_t len);

struct rpc_stats {
	uint64_t received;        /* datagrams handed in */
	uint64_t executed;        /* fresh requests dispatched */
	uint64_t failed;          /* of those, answered with an error */
	uint64_t retried;         /* answered from the reply cache */
	uint64_t malformed;       /* bad header, fragments, JSON or envelope */
	uint64_t unauthenticated; /* bad HMAC, or no key configured */
	uint64_t replayed;        /* a sequence number not above the last */
	uint64_t no_room;         /* a new client with the table full */
	uint64_t too_large;       /* a result over RPC_REPLY_MAX */
};

struct rpc_client {
	bool used;
	uint32_t id;
	uint64_t seq;                     /* its last fresh request */
	uint8_t mac[SHA256_DIGEST_BYTES]; /* that request's HMAC */
	size_t reply_len;
	char reply[RPC_REPLY_MAX];
};

struct rpc_server {
	uint8_t key[RPC_KEY_BYTES];
	bool has_key; /* without a key every request is unauthenticated */
	rpc_dispatch_fn dispatch;
	void *ctx;
	struct rpc_stats stats;
	struct rpc_client clients[RPC_CLIENTS];
	char scratch[RPC_REPLY_MAX];
	struct json_token tokens[RPC_REQUEST_TOKENS];
	uint8_t datagram[RPC_DATAGRAM_MAX];
	uint64_t event_seq;
};

/* key NULL: no key configured; the server then refuses every request. */
void rpc_server_init(struct rpc_server *s, const uint8_t *key, rpc_dispatch_fn dispatch, void *ctx);
/* One datagram from a transport; replies go back through send. */
void rpc_server_handle(struct rpc_server *s, const uint8_t *datagram, size_t len, rpc_send_fn send,
                       void *send_ctx);
/* Sends body (a whole JSON-RPC notification) as event datagrams. */
void rpc_server_notify(struct rpc_server *s, const char *body, size_t len, rpc_send_fn send,
                       void *send_ctx);

/* --- the replay window (rpc_session.c) --- */
enum rpc_freshness {
	RPC_FRESH,   /* above the client's last: run it */
	RPC_RETRY,   /* the last one again, same HMAC: send its reply again */
	RPC_REPLAY,  /* anything else at or below the last: refuse */
	RPC_NO_ROOM, /* a new client and no free slot */
};

/* Classifies (client, seq, mac); *slot is the client's, for RPC_FRESH and RPC_RETRY. */
enum rpc_freshness rpc_session_check(struct rpc_server *s, uint32_t client, uint64_t seq,
                                     const uint8_t *mac, struct rpc_client **slot);
/* Records a fresh request and its reply in its slot. */
void rpc_session_record(struct rpc_client *slot, uint32_t client, uint64_t seq, const uint8_t *mac,
                        const char *reply, size_t len);

#endif
