/*
 * SHA-256 (FIPS 180-4 section 6.2) and HMAC-SHA256 (RFC 2104): what the
 * management protocol authenticates its datagrams with (docs/protocol.md).
 * Portable and freestanding: built into ZVM, zvmctl and the host tests.
 */
#ifndef LIB_SHA256_H
#define LIB_SHA256_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define SHA256_BLOCK_BYTES  64 /* FIPS 180-4 section 1, Figure 1 */
#define SHA256_DIGEST_BYTES 32

struct sha256 {
	uint32_t h[8];
	uint64_t total; /* bytes fed so far */
	uint8_t block[SHA256_BLOCK_BYTES];
	size_t used; /* bytes waiting in block */
};

void sha256_init(struct sha256 *s);
void sha256_update(struct sha256 *s, const void *data, size_t len);
void sha256_final(struct sha256 *s, uint8_t out[SHA256_DIGEST_BYTES]);
void sha256(const void *data, size_t len, uint8_t out[SHA256_DIGEST_BYTES]);

/* HMAC-SHA256 in pieces: init with the key, update with the message. */
struct hmac_sha256 {
	struct sha256 inner;
	uint8_t outer_key[SHA256_BLOCK_BYTES]; /* the key XOR opad */
};

void hmac_sha256_init(struct hmac_sha256 *h, const void *key, size_t key_len);
void hmac_sha256_update(struct hmac_sha256 *h, const void *data, size_t len);
void hmac_sha256_final(struct hmac_sha256 *h, uint8_t out[SHA256_DIGEST_BYTES]);
void hmac_sha256(const void *key, size_t key_len, const void *data, size_t len,
                 uint8_t out[SHA256_DIGEST_BYTES]);

/* Compares n bytes in time that does not depend on where they differ. */
bool digest_equal(const uint8_t *a, const uint8_t *b, size_t n);

#endif
