/*
 * The replay window: per client, the last fresh sequence number, its HMAC
 * and its reply.  A client is remembered until ZVM restarts; no slot is
 * ever given to another client, because forgetting one would let its old
 * requests be replayed.  Only authenticated requests reach this.
 */
#include "lib/rpc_server.h"
#include "lib/string.h"

enum rpc_freshness rpc_session_check(struct rpc_server *s, uint32_t client, uint64_t seq,
                                     const uint8_t *mac, struct rpc_client **slot)
{
	struct rpc_client *free_slot = 0;

	for (unsigned i = 0; i < RPC_CLIENTS; i++) {
		struct rpc_client *c = &s->clients[i];
		if (!c->used) {
			if (!free_slot)
				free_slot = c;
			continue;
		}
		if (c->id != client)
			continue;
		*slot = c;
		if (seq > c->seq)
			return RPC_FRESH;
		if (seq == c->seq && digest_equal(mac, c->mac, SHA256_DIGEST_BYTES))
			return RPC_RETRY;
		return RPC_REPLAY;
	}
	if (!free_slot)
		return RPC_NO_ROOM;
	*slot = free_slot;
	return RPC_FRESH;
}

void rpc_session_record(struct rpc_client *slot, uint32_t client, uint64_t seq, const uint8_t *mac,
                        const char *reply, size_t len)
{
	slot->used = true;
	slot->id = client;
	slot->seq = seq;
	memcpy(slot->mac, mac, SHA256_DIGEST_BYTES);
	if (len > sizeof(slot->reply))
		len = sizeof(slot->reply);
	memcpy(slot->reply, reply, len);
	slot->reply_len = len;
}
