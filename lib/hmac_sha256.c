/* HMAC (RFC 2104) over SHA-256: see sha256.h. */
#include "lib/sha256.h"
#include "lib/string.h"

/* RFC 2104 section 2. */
#define HMAC_IPAD 0x36
#define HMAC_OPAD 0x5c

void hmac_sha256_init(struct hmac_sha256 *h, const void *key, size_t key_len)
{
	uint8_t k[SHA256_BLOCK_BYTES] = { 0 };
	uint8_t inner_key[SHA256_BLOCK_BYTES];

	/* A key longer than a block is hashed first. */
	if (key_len > SHA256_BLOCK_BYTES)
		sha256(key, key_len, k);
	else if (key_len)
		memcpy(k, key, key_len);
	for (unsigned i = 0; i < SHA256_BLOCK_BYTES; i++) {
		inner_key[i] = k[i] ^ HMAC_IPAD;
		h->outer_key[i] = k[i] ^ HMAC_OPAD;
	}
	sha256_init(&h->inner);
	sha256_update(&h->inner, inner_key, sizeof(inner_key));
}

void hmac_sha256_update(struct hmac_sha256 *h, const void *data, size_t len)
{
	sha256_update(&h->inner, data, len);
}

void hmac_sha256_final(struct hmac_sha256 *h, uint8_t out[SHA256_DIGEST_BYTES])
{
	uint8_t inner_digest[SHA256_DIGEST_BYTES];
	struct sha256 outer;

	sha256_final(&h->inner, inner_digest);
	sha256_init(&outer);
	sha256_update(&outer, h->outer_key, sizeof(h->outer_key));
	sha256_update(&outer, inner_digest, sizeof(inner_digest));
	sha256_final(&outer, out);
}

void hmac_sha256(const void *key, size_t key_len, const void *data, size_t len,
                 uint8_t out[SHA256_DIGEST_BYTES])
{
	struct hmac_sha256 h;

	hmac_sha256_init(&h, key, key_len);
	hmac_sha256_update(&h, data, len);
	hmac_sha256_final(&h, out);
}

bool digest_equal(const uint8_t *a, const uint8_t *b, size_t n)
{
	uint8_t diff = 0;

	for (size_t i = 0; i < n; i++)
		diff |= a[i] ^ b[i];
	return diff == 0;
}
