/* printf-style formatting without libc: see format.h for what is supported. */
#include "format.h"

#include <stdbool.h>
#include <stdint.h>

struct spec {
	bool left; /* '-': pad on the right */
	bool zero; /* '0': pad numbers with zeros */
	char sign; /* '+', ' ' or 0: what positive numbers start with */
	int width;
	int precision; /* -1 when absent */
	int length;    /* 0 int, 1 long, 2 long long, -1 short, -2 char */
};

struct out {
	fmt_emit_fn emit;
	void *ctx;
	int count;
};

static void put(struct out *o, char c)
{
	o->emit(o->ctx, c);
	o->count++;
}

static void pad(struct out *o, char c, int n)
{
	while (n-- > 0)
		put(o, c);
}

static void put_string(struct out *o, const struct spec *sp, const char *s)
{
	int len = 0;

	if (!s)
		s = "(null)";
	while (s[len] && (sp->precision < 0 || len < sp->precision))
		len++;
	if (!sp->left)
		pad(o, ' ', sp->width - len);
	for (int i = 0; i < len; i++)
		put(o, s[i]);
	if (sp->left)
		pad(o, ' ', sp->width - len);
}

static void put_number(struct out *o, const struct spec *sp, uint64_t value, bool negative,
                       unsigned base, bool upper, const char *prefix)
{
	const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
	char buf[24];
	int len = 0, plen = 0;
	char sign = negative ? '-' : sp->sign;

	do {
		buf[len++] = digits[value % base];
		value /= base;
	} while (value);
	while (prefix && prefix[plen])
		plen++;

	int digits_len = len > sp->precision ? len : sp->precision;
	int total = digits_len + plen + (sign ? 1 : 0);
	bool zero_pad = sp->zero && !sp->left && sp->precision < 0;

	if (!sp->left && !zero_pad)
		pad(o, ' ', sp->width - total);
	if (sign)
		put(o, sign);
	for (int i = 0; i < plen; i++)
		put(o, prefix[i]);
	if (zero_pad)
		pad(o, '0', sp->width - total);
	pad(o, '0', digits_len - len);
	while (len)
		put(o, buf[--len]);
	if (sp->left)
		pad(o, ' ', sp->width - total);
}

static int64_t signed_arg(va_list *ap, int length)
{
	switch (length) {
	case 2: return va_arg(*ap, long long);
	case 1: return va_arg(*ap, long);
	case -1: return (short)va_arg(*ap, int);
	case -2: return (signed char)va_arg(*ap, int);
	default: return va_arg(*ap, int);
	}
}

static uint64_t unsigned_arg(va_list *ap, int length)
{
	switch (length) {
	case 2: return va_arg(*ap, unsigned long long);
	case 1: return va_arg(*ap, unsigned long);
	case -1: return (unsigned short)va_arg(*ap, unsigned int);
	case -2: return (unsigned char)va_arg(*ap, unsigned int);
	default: return va_arg(*ap, unsigned int);
	}
}

/* Parses flags, width, precision and length; returns the conversion char. */
static const char *parse_spec(const char *f, struct spec *sp, va_list *ap)
{
	*sp = (struct spec){ .precision = -1 };
	for (;; f++) {
		if (*f == '-')
			sp->left = true;
		else if (*f == '0')
			sp->zero = true;
		else if (*f == '+')
			sp->sign = '+';
		else if (*f == ' ' && !sp->sign)
			sp->sign = ' ';
		else
			break;
	}
	if (*f == '*') {
		sp->width = va_arg(*ap, int);
		if (sp->width < 0) {
			sp->left = true;
			sp->width = -sp->width;
		}
		f++;
	}
	while (*f >= '0' && *f <= '9')
		sp->width = sp->width * 10 + (*f++ - '0');
	if (*f == '.') {
		f++;
		sp->precision = 0;
		if (*f == '*') {
			sp->precision = va_arg(*ap, int);
			f++;
		}
		while (*f >= '0' && *f <= '9')
			sp->precision = sp->precision * 10 + (*f++ - '0');
	}
	for (;; f++) {
		if (*f == 'l')
			sp->length = sp->length == 1 ? 2 : 1;
		else if (*f == 'h')
			sp->length = sp->length == -1 ? -2 : -1;
		else if (*f == 'z' || *f == 't')
			sp->length = 1;
		else
			break;
	}
	return f;
}

static void convert(struct out *o, char conv, const struct spec *sp, va_list *ap)
{
	char ch[2] = { 0, 0 };

	switch (conv) {
	case 'd':
	case 'i': {
		int64_t v = signed_arg(ap, sp->length);
		uint64_t mag = v < 0 ? 0 - (uint64_t)v : (uint64_t)v;
		put_number(o, sp, mag, v < 0, 10, false, NULL);
		break;
	}
	case 'u': put_number(o, sp, unsigned_arg(ap, sp->length), false, 10, false, NULL); break;
	case 'x': put_number(o, sp, unsigned_arg(ap, sp->length), false, 16, false, NULL); break;
	case 'X': put_number(o, sp, unsigned_arg(ap, sp->length), false, 16, true, NULL); break;
	case 'o': put_number(o, sp, unsigned_arg(ap, sp->length), false, 8, false, NULL); break;
	case 'p': put_number(o, sp, (uintptr_t)va_arg(*ap, void *), false, 16, false, "0x"); break;
	case 's': put_string(o, sp, va_arg(*ap, const char *)); break;
	case 'c':
		ch[0] = (char)va_arg(*ap, int);
		put_string(o,
		           &(struct spec){ .width = sp->width, .left = sp->left, .precision = 1 },
		           ch);
		break;
	case '%': put(o, '%'); break;
	default: /* unknown conversion: show it rather than guess */
		put(o, '%');
		if (conv)
			put(o, conv);
		break;
	}
}

int fmt_vformat(fmt_emit_fn emit, void *ctx, const char *fmt, va_list ap)
{
	struct out o = { emit, ctx, 0 };
	va_list args;

	va_copy(args, ap);
	while (*fmt) {
		if (*fmt != '%') {
			put(&o, *fmt++);
			continue;
		}
		struct spec sp;
		fmt = parse_spec(fmt + 1, &sp, &args);
		convert(&o, *fmt, &sp, &args);
		if (*fmt)
			fmt++;
	}
	va_end(args);
	return o.count;
}

struct buffer {
	char *buf;
	size_t size;
	size_t used;
};

static void buffer_emit(void *ctx, char c)
{
	struct buffer *b = ctx;

	if (b->used + 1 < b->size)
		b->buf[b->used] = c;
	b->used++;
}

int fmt_vsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
	struct buffer b = { buf, size, 0 };
	int n = fmt_vformat(buffer_emit, &b, fmt, ap);

	if (size)
		buf[b.used < size ? b.used : size - 1] = '\0';
	return n;
}

int fmt_snprintf(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = fmt_vsnprintf(buf, size, fmt, ap);
	va_end(ap);
	return n;
}

void fmt_verror(char *err, size_t errlen, const char *prefix, const char *fmt, va_list ap)
{
	int used;

	if (!err || errlen == 0)
		return;
	used = fmt_snprintf(err, errlen, "%s", prefix);
	if (used < 0 || (size_t)used >= errlen)
		return;
	fmt_vsnprintf(err + used, errlen - (size_t)used, fmt, ap);
}

/* "a.b.c.d", each 0-255 without a sign: *out in host order, or -1. */
int fmt_parse_ipv4(const char *s, uint32_t *out)
{
	uint32_t ip = 0;

	for (unsigned part = 0; part < 4; part++) {
		uint32_t v = 0;
		unsigned digits = 0;
		for (; *s >= '0' && *s <= '9' && digits < 4; s++, digits++)
			v = v * 10 + (uint32_t)(*s - '0');
		if (digits == 0 || digits > 3 || v > 255)
			return -1;
		ip = ip << 8 | v;
		if (part < 3 && *s++ != '.')
			return -1;
	}
	if (*s)
		return -1;
	*out = ip;
	return 0;
}
