/* Encoding and authenticating protocol datagrams: see rpc.h. */
#include "lib/rpc.h"
#include "lib/string.h"

static void put_be(uint8_t *p, uint64_t v, unsigned bytes)
{
	for (unsigned i = 0; i < bytes; i++)
		p[i] = (uint8_t)(v >> (8 * (bytes - 1 - i)));
}

static uint64_t get_be(const uint8_t *p, unsigned bytes)
{
	uint64_t v = 0;

	for (unsigned i = 0; i < bytes; i++)
		v = v << 8 | p[i];
	return v;
}

static void compute_mac(const uint8_t *header, const void *body, size_t body_len,
                        const uint8_t *key, size_t key_len, uint8_t mac[SHA256_DIGEST_BYTES])
{
	struct hmac_sha256 h;

	hmac_sha256_init(&h, key, key_len);
	hmac_sha256_update(&h, header, RPC_MAC_OFFSET);
	hmac_sha256_update(&h, body, body_len);
	hmac_sha256_final(&h, mac);
}

size_t rpc_datagram_encode(uint8_t *out, size_t cap, const struct rpc_header *h, const void *body,
                           size_t body_len, const uint8_t *key, size_t key_len)
{
	size_t total = RPC_HEADER_BYTES + body_len;

	if (body_len > RPC_FRAGMENT_BODY || total > cap)
		return 0;
	out[0] = RPC_MAGIC0;
	out[1] = RPC_MAGIC1;
	out[2] = RPC_VERSION;
	out[3] = h->kind;
	put_be(out + 4, h->client, 4);
	put_be(out + 8, h->seq, 8);
	put_be(out + 16, h->fragment, 2);
	put_be(out + 18, h->fragments, 2);
	put_be(out + 20, body_len, 2);
	put_be(out + 22, 0, 2);
	if (body_len)
		memcpy(out + RPC_HEADER_BYTES, body, body_len);
	compute_mac(out, out + RPC_HEADER_BYTES, body_len, key, key_len, out + RPC_MAC_OFFSET);
	return total;
}

static bool header_sane(const struct rpc_header *h, size_t len)
{
	if (h->kind < RPC_KIND_REQUEST || h->kind > RPC_KIND_EVENT)
		return false;
	if (h->fragments == 0 || h->fragments > RPC_FRAGMENTS_MAX || h->fragment >= h->fragments)
		return false;
	return h->body_len <= RPC_FRAGMENT_BODY && len == (size_t)RPC_HEADER_BYTES + h->body_len;
}

enum rpc_fault rpc_datagram_decode(const uint8_t *buf, size_t len, const uint8_t *key,
                                   size_t key_len, struct rpc_header *h, const uint8_t **body)
{
	uint8_t mac[SHA256_DIGEST_BYTES];

	if (len < RPC_HEADER_BYTES || buf[0] != RPC_MAGIC0 || buf[1] != RPC_MAGIC1 ||
	    buf[2] != RPC_VERSION || get_be(buf + 22, 2) != 0)
		return RPC_FAULT_MALFORMED;
	h->kind = buf[3];
	h->client = (uint32_t)get_be(buf + 4, 4);
	h->seq = get_be(buf + 8, 8);
	h->fragment = (uint16_t)get_be(buf + 16, 2);
	h->fragments = (uint16_t)get_be(buf + 18, 2);
	h->body_len = (uint16_t)get_be(buf + 20, 2);
	memcpy(h->mac, buf + RPC_MAC_OFFSET, SHA256_DIGEST_BYTES);
	if (!header_sane(h, len))
		return RPC_FAULT_MALFORMED;
	compute_mac(buf, buf + RPC_HEADER_BYTES, h->body_len, key, key_len, mac);
	if (!digest_equal(mac, h->mac, SHA256_DIGEST_BYTES))
		return RPC_FAULT_MAC;
	*body = buf + RPC_HEADER_BYTES;
	return RPC_FAULT_NONE;
}
