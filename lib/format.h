/*
 * printf-style formatting without libc, shared by ZVM and the guest RTOS.
 *
 * Supported: %d %i %u %x %X %o %p %s %c %%, flags '-' '0' '+' ' ', a width
 * and a precision (numbers or '*'), and the length modifiers hh h l ll z t.
 * No floating point: ZVM is built with general registers only.
 */
#ifndef LIB_FORMAT_H
#define LIB_FORMAT_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

/* Receives each formatted character; ctx is the caller's. */
typedef void (*fmt_emit_fn)(void *ctx, char c);

/* Formats into emit; returns the number of characters produced. */
int fmt_vformat(fmt_emit_fn emit, void *ctx, const char *fmt, va_list ap);

/* Like C's vsnprintf: always terminates, returns the untruncated length. */
int fmt_vsnprintf(char *buf, size_t size, const char *fmt, va_list ap);
int fmt_snprintf(char *buf, size_t size, const char *fmt, ...)
        __attribute__((format(printf, 3, 4)));

/*
 * The one-line error message convention: err (errlen bytes, may be NULL)
 * gets prefix then the formatted message.
 */
void fmt_verror(char *err, size_t errlen, const char *prefix, const char *fmt, va_list ap);

/* An IPv4 address "a.b.c.d" (each 0-255, no sign, nothing after): 0 with
 * *out in host order, or -1. */
int fmt_parse_ipv4(const char *s, uint32_t *out);

#endif
