/*
 * Freestanding string and memory routines.
 *
 * They also run before the MMU is on, when every access is Device memory
 * and an unaligned word access would fault: so words are used only where
 * both sides are 8-byte aligned, bytes everywhere else.
 */
#include <stdint.h>

#include "string.h"

#define WORD             sizeof(uint64_t)
/* Below this a call to memzero_bulk() costs more than it saves. */
#define MEMZERO_BULK_MIN 512
#define ALIGNED(p)       (((uintptr_t)(p) & (WORD - 1)) == 0)

void *memcpy(void *dst, const void *src, size_t n)
{
	unsigned char *d = dst;
	const unsigned char *s = src;

	if (ALIGNED(d) && ALIGNED(s)) {
		for (; n >= WORD; n -= WORD, d += WORD, s += WORD)
			*(uint64_t *)(void *)d = *(const uint64_t *)(const void *)s;
	}
	while (n--)
		*d++ = *s++;
	return dst;
}

void *memmove(void *dst, const void *src, size_t n)
{
	unsigned char *d = dst;
	const unsigned char *s = src;

	if (d == s || n == 0)
		return dst;
	if (d < s) {
		while (n--)
			*d++ = *s++;
	} else {
		while (n--)
			d[n] = s[n];
	}
	return dst;
}

/*
 * An architecture may zero large runs faster than a store loop (ZVM on
 * arm64: DC ZVA, hypervisor/arch/arm64/memzero.S).  It returns n when it
 * zeroed all n bytes, 0 when it could not (then nothing was written).
 * This default, for builds without one, never can.
 */
__attribute__((weak)) size_t memzero_bulk(void *dst, size_t n)
{
	(void)dst;
	(void)n;
	return 0;
}

void *memset(void *dst, int c, size_t n)
{
	unsigned char *d = dst;

	if ((unsigned char)c == 0 && n >= MEMZERO_BULK_MIN && memzero_bulk(dst, n) == n)
		return dst;
	if (ALIGNED(d)) {
		uint64_t pattern = 0x0101010101010101ull * (unsigned char)c;
		for (; n >= WORD; n -= WORD, d += WORD)
			*(uint64_t *)(void *)d = pattern;
	}
	while (n--)
		*d++ = (unsigned char)c;
	return dst;
}

int memcmp(const void *a, const void *b, size_t n)
{
	const unsigned char *x = a, *y = b;

	for (; n; n--, x++, y++) {
		if (*x != *y)
			return *x - *y;
	}
	return 0;
}

size_t strlen(const char *s)
{
	const char *p = s;

	while (*p)
		p++;
	return (size_t)(p - s);
}

size_t strnlen(const char *s, size_t max)
{
	size_t n = 0;

	while (n < max && s[n])
		n++;
	return n;
}

int strcmp(const char *a, const char *b)
{
	while (*a && *a == *b) {
		a++;
		b++;
	}
	return (unsigned char)*a - (unsigned char)*b;
}

int strncmp(const char *a, const char *b, size_t n)
{
	for (; n; n--, a++, b++) {
		if (*a != *b || !*a)
			return (unsigned char)*a - (unsigned char)*b;
	}
	return 0;
}

char *strchr(const char *s, int c)
{
	for (;; s++) {
		if (*s == (char)c)
			return (char *)s;
		if (!*s)
			return NULL;
	}
}

size_t strlcpy(char *dst, const char *src, size_t size)
{
	size_t len = strlen(src);

	if (size) {
		size_t n = len < size - 1 ? len : size - 1;
		memcpy(dst, src, n);
		dst[n] = '\0';
	}
	return len;
}

char *strstr(const char *haystack, const char *needle)
{
	size_t n = strlen(needle);

	for (; *haystack; haystack++) {
		if (!strncmp(haystack, needle, n))
			return (char *)haystack;
	}
	return n ? NULL : (char *)haystack;
}
