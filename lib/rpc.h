/*
 * The management protocol's datagrams (docs/protocol.md): JSON-RPC 2.0
 * bodies behind a binary header that carries the client id, the sequence
 * number, the fragment number and an HMAC-SHA256 over header and body.
 * The same datagram travels in one UDP payload or, hex-framed, over the
 * serial console (rpc_serial.h).  Portable: ZVM, zvmctl, tests, fuzzer.
 *
 * Header, all fields big-endian:
 *   0  magic "ZR"          2  version (1)        3  kind (enum rpc_kind)
 *   4  client id (u32)     8  sequence (u64)
 *  16  fragment (u16)     18  fragments (u16)   20  body bytes (u16)
 *  22  reserved, 0 (u16)  24  HMAC-SHA256 of bytes 0..23 and the body
 *  56  body
 */
#ifndef LIB_RPC_H
#define LIB_RPC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/sha256.h"

#define RPC_MAGIC0        'Z'
#define RPC_MAGIC1        'R'
#define RPC_VERSION       1
#define RPC_MAC_OFFSET    24
#define RPC_HEADER_BYTES  (RPC_MAC_OFFSET + SHA256_DIGEST_BYTES)
/* One datagram's body: with the header, IPv4 and UDP it fits a 1500-byte
 * Ethernet MTU (RFC 791: 20-byte header, RFC 768: 8) unfragmented. */
#define RPC_FRAGMENT_BODY 1024
#define RPC_DATAGRAM_MAX  (RPC_HEADER_BYTES + RPC_FRAGMENT_BODY)
/* A request is one datagram; a reply at most this many bytes of body. */
#define RPC_REQUEST_MAX   RPC_FRAGMENT_BODY
#define RPC_REPLY_MAX     (16 * 1024)
#define RPC_FRAGMENTS_MAX (RPC_REPLY_MAX / RPC_FRAGMENT_BODY)
/* The key from the system configuration (/zvm mgmt-key). */
#define RPC_KEY_BYTES     32
/* Clients ZVM remembers (replay window and last reply each). */
#define RPC_CLIENTS       4

enum rpc_kind {
	RPC_KIND_REQUEST = 1,
	RPC_KIND_REPLY = 2, /* to the request of the same client and sequence */
	RPC_KIND_EVENT = 3, /* a notification; client 0, ZVM's own sequence */
};

struct rpc_header {
	uint8_t kind;
	uint32_t client;
	uint64_t seq;
	uint16_t fragment, fragments;
	uint16_t body_len;
	uint8_t mac[SHA256_DIGEST_BYTES];
};

/* Why a datagram is refused before its body is read. */
enum rpc_fault {
	RPC_FAULT_NONE = 0,
	RPC_FAULT_MALFORMED, /* short, bad magic, version, sizes or fragment numbers */
	RPC_FAULT_MAC,       /* the HMAC does not match: not from a key holder */
};

/*
 * Writes a datagram into out[0..cap): h's kind, client, seq and fragment
 * numbers (its mac and body_len are computed).  Returns its size, or 0
 * when it does not fit or the body is over RPC_FRAGMENT_BODY.
 */
size_t rpc_datagram_encode(uint8_t *out, size_t cap, const struct rpc_header *h, const void *body,
                           size_t body_len, const uint8_t *key, size_t key_len);
/*
 * Reads and authenticates a datagram.  RPC_FAULT_NONE with *h filled and
 * *body pointing into buf; otherwise the fault (h may be partly filled).
 */
enum rpc_fault rpc_datagram_decode(const uint8_t *buf, size_t len, const uint8_t *key,
                                   size_t key_len, struct rpc_header *h, const uint8_t **body);

/* JSON-RPC 2.0 error codes (section 5.1), then the protocol's own. */
#define RPC_ERR_PARSE     (-32700)
#define RPC_ERR_INVALID   (-32600)
#define RPC_ERR_NO_METHOD (-32601)
#define RPC_ERR_PARAMS    (-32602)
#define RPC_ERR_INTERNAL  (-32603)
#define RPC_ERR_FAILED    (-32000) /* the operation was refused: see message */
#define RPC_ERR_UNAUTH    (-32001)
#define RPC_ERR_REPLAYED  (-32002)
#define RPC_ERR_CLIENTS   (-32003) /* no room for another client */
#define RPC_ERR_TOO_LARGE (-32004) /* the reply would exceed RPC_REPLY_MAX */
#define RPC_ERR_BUSY      (-32005) /* the agent's inbox was full */

#endif
