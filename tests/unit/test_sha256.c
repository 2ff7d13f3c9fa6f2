/* SHA-256 against FIPS 180-4's examples and HMAC-SHA256 against RFC 4231. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "lib/sha256.h"

static void hex(const uint8_t *d, size_t n, char *out)
{
	for (size_t i = 0; i < n; i++)
		sprintf(out + 2 * i, "%02x", d[i]);
}

static void assert_digest(const uint8_t *d, const char *expected)
{
	char text[2 * SHA256_DIGEST_BYTES + 1];

	hex(d, SHA256_DIGEST_BYTES, text);
	assert_string_equal(text, expected);
}

static void check_sha(const char *msg, const char *expected)
{
	uint8_t d[SHA256_DIGEST_BYTES];

	sha256(msg, strlen(msg), d);
	assert_digest(d, expected);
}

/* FIPS 180-4's examples (NIST CSRC "Examples with intermediate values"). */
static void test_sha256_examples(void **state)
{
	(void)state;
	check_sha("", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
	check_sha("abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
	check_sha("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
	          "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
}

/* A million 'a', fed in uneven pieces: block boundaries fall anywhere. */
static void test_sha256_million_in_pieces(void **state)
{
	static char a[1000];
	struct sha256 s;
	uint8_t d[SHA256_DIGEST_BYTES];
	size_t fed = 0, piece = 1;

	(void)state;
	memset(a, 'a', sizeof(a));
	sha256_init(&s);
	while (fed < 1000000) {
		size_t n = piece < 1000000 - fed ? piece : 1000000 - fed;
		sha256_update(&s, a, n);
		fed += n;
		piece = piece % 991 + 7; /* at most 997 */
	}
	sha256_final(&s, d);
	assert_digest(d, "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}

/* Lengths around the padding boundary (55, 56, 63, 64 bytes) agree
 * between one call and byte-by-byte feeding. */
static void test_sha256_padding_boundaries(void **state)
{
	uint8_t msg[130], whole[SHA256_DIGEST_BYTES], bytes[SHA256_DIGEST_BYTES];

	(void)state;
	for (size_t i = 0; i < sizeof(msg); i++)
		msg[i] = (uint8_t)(i * 7 + 1);
	for (size_t len = 0; len <= sizeof(msg); len++) {
		struct sha256 s;
		sha256(msg, len, whole);
		sha256_init(&s);
		for (size_t i = 0; i < len; i++)
			sha256_update(&s, msg + i, 1);
		sha256_final(&s, bytes);
		assert_memory_equal(whole, bytes, sizeof(whole));
	}
}

static void check_hmac(const void *key, size_t key_len, const void *data, size_t len,
                       const char *expected)
{
	uint8_t d[SHA256_DIGEST_BYTES];

	hmac_sha256(key, key_len, data, len, d);
	assert_digest(d, expected);
}

/* RFC 4231 section 4, test cases 1-4, 6 and 7 (5 truncates the output). */
static void test_hmac_rfc4231(void **state)
{
	uint8_t k20[20], d50[50], k25[25], k131[131];
	const char *t6 = "Test Using Larger Than Block-Size Key - Hash Key First";
	const char *t7 = "This is a test using a larger than block-size key and a larger than "
	                 "block-size data. The key needs to be hashed before being used by the "
	                 "HMAC algorithm.";

	(void)state;
	memset(k20, 0x0b, sizeof(k20));
	check_hmac(k20, 20, "Hi There", 8,
	           "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7");
	check_hmac("Jefe", 4, "what do ya want for nothing?", 28,
	           "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
	memset(k20, 0xaa, sizeof(k20));
	memset(d50, 0xdd, sizeof(d50));
	check_hmac(k20, 20, d50, 50,
	           "773ea91e36800e46854db8ebd09181a72959098b3ef8c122d9635514ced565fe");
	for (unsigned i = 0; i < sizeof(k25); i++)
		k25[i] = (uint8_t)(i + 1);
	memset(d50, 0xcd, sizeof(d50));
	check_hmac(k25, 25, d50, 50,
	           "82558a389a443c0ea4cc819899f2083a85f0faa3e578f8077a2e3ff46729665b");
	memset(k131, 0xaa, sizeof(k131));
	check_hmac(k131, 131, t6, strlen(t6),
	           "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54");
	check_hmac(k131, 131, t7, strlen(t7),
	           "9b09ffa71b942fcb27635fbcd5b0e944bfdc63644f0713938a7f51535c3a35e2");
}

static void test_digest_equal(void **state)
{
	uint8_t a[32] = { 1, 2, 3 }, b[32] = { 1, 2, 3 };

	(void)state;
	assert_true(digest_equal(a, b, 32));
	b[31] ^= 0x80;
	assert_false(digest_equal(a, b, 32));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sha256_examples),
		cmocka_unit_test(test_sha256_million_in_pieces),
		cmocka_unit_test(test_sha256_padding_boundaries),
		cmocka_unit_test(test_hmac_rfc4231),
		cmocka_unit_test(test_digest_equal),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
