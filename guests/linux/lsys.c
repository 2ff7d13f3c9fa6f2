/* Raw system calls and output for the Linux guest's tools (lsys.h). */
#include "lsys.h"

#define MAX_ERRNO       4095
#define NS_PER_S        1000000000ull
#define CLOCK_REALTIME  0
#define CLOCK_MONOTONIC 1

long lsys_call(long nr, long a, long b, long c, long d, long e, long f)
{
	register long x8 __asm__("x8") = nr;
	register long x0 __asm__("x0") = a;
	register long x1 __asm__("x1") = b;
	register long x2 __asm__("x2") = c;
	register long x3 __asm__("x3") = d;
	register long x4 __asm__("x4") = e;
	register long x5 __asm__("x5") = f;

	__asm__ volatile("svc #0"
	                 : "+r"(x0)
	                 : "r"(x8), "r"(x1), "r"(x2), "r"(x3), "r"(x4), "r"(x5)
	                 : "memory");
	return x0;
}

int lsys_failed(long rc)
{
	return rc < 0 && rc >= -MAX_ERRNO;
}

/* The compiler may call these for struct copies even when freestanding. */
void *memcpy(void *dst, const void *src, size_t n);
void *memset(void *dst, int c, size_t n);

void *memcpy(void *dst, const void *src, size_t n)
{
	uint8_t *d = dst;
	const uint8_t *s = src;

	while (n--)
		*d++ = *s++;
	return dst;
}

void *memset(void *dst, int c, size_t n)
{
	uint8_t *d = dst;

	while (n--)
		*d++ = (uint8_t)c;
	return dst;
}

void out(const char *s)
{
	long n = 0;

	while (s[n])
		n++;
	lsys_call(SYS_WRITE, 1, (long)s, n, 0, 0, 0);
}

void out_u(uint64_t v)
{
	char buf[24];
	int i = (int)sizeof(buf) - 1;

	buf[i] = '\0';
	do {
		buf[--i] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	out(&buf[i]);
}

void out_hex(uint64_t v)
{
	char buf[24];
	int i = (int)sizeof(buf) - 1;

	buf[i] = '\0';
	do {
		buf[--i] = "0123456789abcdef"[v & 0xf];
		v >>= 4;
	} while (v);
	buf[--i] = 'x';
	buf[--i] = '0';
	out(&buf[i]);
}

static int digit_of(char c, unsigned base)
{
	int d = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;

	return d >= 0 && (unsigned)d < base ? d : -1;
}

int64_t parse_u(const char *s)
{
	unsigned base = 10;
	uint64_t v = 0;

	if (s[0] == '0' && s[1] == 'x') {
		base = 16;
		s += 2;
	}
	if (!*s)
		return -1;
	for (; *s; s++) {
		int d = digit_of(*s, base);

		if (d < 0 || v > (uint64_t)INT64_MAX / base)
			return -1;
		v = v * base + (uint64_t)d;
	}
	return v > (uint64_t)INT64_MAX ? -1 : (int64_t)v;
}

int str_eq(const char *a, const char *b)
{
	while (*a && *a == *b) {
		a++;
		b++;
	}
	return *a == *b;
}

int str_starts(const char *s, const char *prefix)
{
	while (*prefix)
		if (*s++ != *prefix++)
			return 0;
	return 1;
}

long read_file(const char *path, void *buf, size_t cap)
{
	long fd = lsys_call(SYS_OPENAT, AT_FDCWD, (long)path, O_RDONLY, 0, 0, 0);
	long n, got = 0;

	if (lsys_failed(fd))
		return -1;
	while ((size_t)got < cap && (n = lsys_call(SYS_READ, fd, (long)((uint8_t *)buf + got),
	                                           (long)(cap - (size_t)got), 0, 0, 0)) > 0)
		got += n;
	lsys_call(SYS_CLOSE, fd, 0, 0, 0, 0, 0);
	return got;
}

void sleep_ns(uint64_t ns)
{
	struct {
		int64_t sec, nsec;
	} t = { (int64_t)(ns / NS_PER_S), (int64_t)(ns % NS_PER_S) };

	lsys_call(SYS_NANOSLEEP, (long)&t, 0, 0, 0, 0, 0);
}

static uint64_t clock_ns(long clock)
{
	struct {
		int64_t sec, nsec;
	} t = { 0, 0 };

	lsys_call(SYS_CLOCK_GETTIME, clock, (long)&t, 0, 0, 0, 0);
	return (uint64_t)t.sec * NS_PER_S + (uint64_t)t.nsec;
}

uint64_t now_ns(void)
{
	return clock_ns(CLOCK_MONOTONIC);
}

uint64_t realtime_ns(void)
{
	return clock_ns(CLOCK_REALTIME);
}

/* The kernel enters with sp at argc, then argv[]. */
__attribute__((used, noreturn)) static void start_c(long *sp)
{
	int code = tool_main((int)sp[0], (char **)(sp + 1));

	lsys_call(SYS_EXIT, code, 0, 0, 0, 0, 0);
	__builtin_unreachable();
}

__asm__(".global _start\n"
        "_start:\n"
        "	mov x0, sp\n"
        "	bl start_c\n");
