/*
 * vbench: the Linux guest's side of the VirtIO benchmark (bench/virtio).
 *
 *   vbench seq r|w <dev> <total KiB> <block KiB>   sequential O_DIRECT I/O
 *   vbench lat r|w <dev> <count>                   4 KiB O_DIRECT requests
 *   vbench udp <a.b.c.d> <port> <count> <bytes>    UDP echo round trips
 *   vbench tcp <a.b.c.d> <port> <total KiB>        TCP send to a sink
 *
 * Every figure is in ticks of the virtual counter CNTVCT_EL0, which Linux
 * lets EL0 read (its vDSO does); under QEMU -icount with cntfrq=1 GHz one
 * tick is one ns of virtual time.  One JSON line per command on stdout:
 *   {"vbench":"seq_r","dev":"/dev/vda","bytes":..,"block":..,"ticks":..,
 *    "freq":..,"count":..,"min":..,"avg":..,"median":..,"max":..[,"lost":..]}
 * min/avg/max are per request (per round trip for udp); ticks is the whole
 * run.  seq w ends with fsync, inside ticks.  tcp counts from the connect
 * to the sink's close, which it sends once it has every byte.
 *
 * Static and freestanding (raw system calls, no libc), like ptpsync.c:
 * Debian's cross compiler has no arm64 libc to link statically.
 */
#include <stdint.h>

/* AArch64 Linux system call numbers (include/uapi/asm-generic/unistd.h). */
#define SYS_OPENAT     56
#define SYS_CLOSE      57
#define SYS_READ       63
#define SYS_WRITE      64
#define SYS_PREAD64    67
#define SYS_PWRITE64   68
#define SYS_FSYNC      82
#define SYS_EXIT       93
#define SYS_SOCKET     198
#define SYS_CONNECT    203
#define SYS_SETSOCKOPT 208
#define SYS_SHUTDOWN   210

/* include/uapi/asm-generic/fcntl.h as arm64 has it (O_DIRECT differs). */
#define AT_FDCWD (-100)
#define O_RDONLY 0
#define O_RDWR   2
#define O_DIRECT 0200000

/* include/linux/socket.h, include/uapi/asm-generic/socket.h. */
#define AF_INET     2
#define SOCK_STREAM 1
#define SOCK_DGRAM  2
#define SOL_SOCKET  1
#define SO_RCVTIMEO 20
#define SHUT_WR     1

#define STDOUT       1
#define KIB          1024u
#define LAT_BYTES    4096u
#define BUF_BYTES    (1u << 20)  /* the largest block */
#define DIRECT_ALIGN 4096u       /* O_DIRECT wants the logical block; a page is safe */
#define LAT_STRIDE   (64u * KIB) /* latency requests spread over the disk */
#define LAT_SPAN     (16u << 20) /* ... within its first 16 MiB */
#define UDP_WAIT_S   2           /* a reply later than this counts as lost */

static uint8_t buf[BUF_BYTES] __attribute__((aligned(DIRECT_ALIGN)));

struct sockaddr_in4 {
	uint16_t family;
	uint16_t port; /* network order */
	uint32_t addr; /* network order */
	uint8_t zero[8];
};

struct timeval64 {
	int64_t sec, usec;
};

static long sys(long nr, long a, long b, long c, long d)
{
	register long x8 __asm__("x8") = nr;
	register long x0 __asm__("x0") = a;
	register long x1 __asm__("x1") = b;
	register long x2 __asm__("x2") = c;
	register long x3 __asm__("x3") = d;

	__asm__ volatile("svc #0" : "+r"(x0) : "r"(x8), "r"(x1), "r"(x2), "r"(x3) : "memory");
	return x0;
}

static uint64_t ticks_now(void)
{
	uint64_t v;

	/* The isb keeps the read from moving before the work it follows. */
	__asm__ volatile("isb\n\tmrs %0, cntvct_el0" : "=r"(v)::"memory");
	return v;
}

static uint64_t ticks_freq(void)
{
	uint64_t v;

	__asm__ volatile("mrs %0, cntfrq_el0" : "=r"(v));
	return v;
}

/* --- output ---------------------------------------------------------------- */

static void out(const char *s)
{
	long n = 0;

	while (s[n])
		n++;
	sys(SYS_WRITE, STDOUT, (long)s, n, 0);
}

static void out_u64(uint64_t v)
{
	char text[24];
	int i = (int)sizeof(text) - 1;

	text[i] = '\0';
	do {
		text[--i] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	out(&text[i]);
}

static void out_field(const char *name, uint64_t v)
{
	out(",\"");
	out(name);
	out("\":");
	out_u64(v);
}

static __attribute__((noreturn)) void leave(int code)
{
	sys(SYS_EXIT, code, 0, 0, 0);
	__builtin_unreachable();
}

static __attribute__((noreturn)) void fail(const char *why)
{
	out("vbench: ");
	out(why);
	out("\n");
	leave(1);
}

/* --- per-request figures ---------------------------------------------------- */

struct samples {
	uint64_t count, min, max, sum;
};

/* Every request's ticks, for the median (the first MAX_KEPT of a run). */
#define MAX_KEPT 8192u
static uint64_t kept[MAX_KEPT];

static void sample_add(struct samples *s, uint64_t ticks)
{
	if (s->count < MAX_KEPT)
		kept[s->count] = ticks;
	if (s->count == 0 || ticks < s->min)
		s->min = ticks;
	if (ticks > s->max)
		s->max = ticks;
	s->sum += ticks;
	s->count++;
}

/* Shell sort of the kept samples; the middle one. */
static uint64_t median(const struct samples *s)
{
	uint64_t n = s->count < MAX_KEPT ? s->count : MAX_KEPT;

	for (uint64_t gap = n / 2; gap > 0; gap /= 2)
		for (uint64_t i = gap; i < n; i++)
			for (uint64_t j = i; j >= gap && kept[j - gap] > kept[j]; j -= gap) {
				uint64_t t = kept[j];

				kept[j] = kept[j - gap];
				kept[j - gap] = t;
			}
	return n ? kept[n / 2] : 0;
}

static void report(const char *what, const char *target, uint64_t bytes, uint64_t block,
                   uint64_t ticks, const struct samples *s)
{
	out("{\"vbench\":\"");
	out(what);
	out("\",\"target\":\"");
	out(target);
	out("\"");
	out_field("bytes", bytes);
	out_field("block", block);
	out_field("ticks", ticks);
	out_field("freq", ticks_freq());
	out_field("count", s->count);
	out_field("min", s->min);
	out_field("avg", s->count ? s->sum / s->count : 0);
	out_field("median", median(s));
	out_field("max", s->max);
}

/* --- arguments ------------------------------------------------------------- */

static uint64_t number(const char *s)
{
	uint64_t v = 0;

	if (!*s)
		fail("empty number");
	for (; *s; s++) {
		if (*s < '0' || *s > '9')
			fail("not a number");
		v = v * 10 + (uint64_t)(*s - '0');
	}
	return v;
}

static int same(const char *a, const char *b)
{
	while (*a && *a == *b) {
		a++;
		b++;
	}
	return *a == *b;
}

/* a.b.c.d in network order (the first byte lowest in memory). */
static uint32_t ipv4(const char *s)
{
	uint32_t addr = 0;

	for (unsigned part = 0; part < 4; part++) {
		uint32_t v = 0;
		unsigned digits = 0;

		for (; *s >= '0' && *s <= '9'; s++, digits++)
			v = v * 10 + (uint32_t)(*s - '0');
		if (!digits || v > 255 || (part < 3 ? *s != '.' : *s != '\0'))
			fail("bad IPv4 address");
		s += part < 3;
		addr |= v << (8 * part);
	}
	return addr;
}

static uint16_t port_be(uint64_t port)
{
	if (port == 0 || port > 0xffff)
		fail("bad port");
	return (uint16_t)(((port & 0xff) << 8) | (port >> 8));
}

/* --- block ------------------------------------------------------------------ */

static long open_direct(const char *dev, int write)
{
	long fd = sys(SYS_OPENAT, AT_FDCWD, (long)dev, (write ? O_RDWR : O_RDONLY) | O_DIRECT, 0);

	if (fd < 0)
		fail("cannot open the device O_DIRECT");
	return fd;
}

static void fill(uint64_t seed)
{
	for (uint32_t i = 0; i < BUF_BYTES; i += 8)
		*(uint64_t *)(void *)&buf[i] = seed ^ i;
}

/* One request of len bytes at offset; its ticks. */
static uint64_t transfer(long fd, int write, uint64_t len, uint64_t offset)
{
	uint64_t t0 = ticks_now();
	long done = sys(write ? SYS_PWRITE64 : SYS_PREAD64, fd, (long)buf, (long)len, (long)offset);
	uint64_t t1 = ticks_now();

	if (done != (long)len)
		fail("short or failed transfer");
	return t1 - t0;
}

static int seq(int write, const char *dev, uint64_t total, uint64_t block)
{
	struct samples s = { 0 };
	long fd;
	uint64_t t0, t1;

	if (block == 0 || block > BUF_BYTES || block % DIRECT_ALIGN || total % block)
		fail("block must divide the total, be 4 KiB-aligned and at most 1 MiB");
	fd = open_direct(dev, write);
	fill(0x5a564d2d76626e63ull);
	t0 = ticks_now();
	for (uint64_t off = 0; off < total; off += block)
		sample_add(&s, transfer(fd, write, block, off));
	if (write && sys(SYS_FSYNC, fd, 0, 0, 0) != 0)
		fail("fsync failed");
	t1 = ticks_now();
	sys(SYS_CLOSE, fd, 0, 0, 0);
	report(write ? "seq_w" : "seq_r", dev, total, block, t1 - t0, &s);
	out("}\n");
	return 0;
}

static int lat(int write, const char *dev, uint64_t count)
{
	struct samples s = { 0 };
	long fd = open_direct(dev, write);
	uint64_t t0, t1, off = 0;

	fill(0x6c6174656e6379ull);
	t0 = ticks_now();
	for (uint64_t i = 0; i < count; i++) {
		sample_add(&s, transfer(fd, write, LAT_BYTES, off));
		off = (off + LAT_STRIDE) % LAT_SPAN;
	}
	t1 = ticks_now();
	sys(SYS_CLOSE, fd, 0, 0, 0);
	report(write ? "lat_w" : "lat_r", dev, count * LAT_BYTES, LAT_BYTES, t1 - t0, &s);
	out("}\n");
	return 0;
}

/* --- network ---------------------------------------------------------------- */

static long connected(int type, const char *addr, uint64_t port)
{
	struct sockaddr_in4 sa = { AF_INET, port_be(port), ipv4(addr), { 0 } };
	long fd = sys(SYS_SOCKET, AF_INET, type, 0, 0);

	if (fd < 0)
		fail("no socket");
	if (sys(SYS_CONNECT, fd, (long)&sa, (long)sizeof(sa), 0) != 0)
		fail("cannot connect");
	return fd;
}

static int udp(const char *addr, uint64_t port, uint64_t count, uint64_t size)
{
	struct timeval64 wait = { UDP_WAIT_S, 0 };
	struct samples s = { 0 };
	uint64_t lost = 0, t0, t1;
	long fd;

	if (size == 0 || size > BUF_BYTES / 2)
		fail("bad datagram size");
	fd = connected(SOCK_DGRAM, addr, port);
	sys(SYS_SETSOCKOPT, fd, SOL_SOCKET, SO_RCVTIMEO, (long)&wait);
	t0 = ticks_now();
	for (uint64_t i = 0; i < count; i++) {
		uint64_t start = ticks_now();

		*(uint64_t *)(void *)buf = i;
		if (sys(SYS_WRITE, fd, (long)buf, (long)size, 0) != (long)size)
			fail("send failed");
		/* A late answer to an earlier one is read and passed over. */
		for (;;) {
			long got = sys(SYS_READ, fd, (long)(buf + BUF_BYTES / 2), (long)size, 0);

			if (got < 0) {
				lost++;
				break;
			}
			if (got == (long)size && *(uint64_t *)(void *)(buf + BUF_BYTES / 2) == i) {
				sample_add(&s, ticks_now() - start);
				break;
			}
		}
	}
	t1 = ticks_now();
	report("udp_rtt", addr, count * size, size, t1 - t0, &s);
	out_field("lost", lost);
	out("}\n");
	return 0;
}

static int tcp(const char *addr, uint64_t port, uint64_t total)
{
	struct samples s = { 0 };
	uint64_t t0 = ticks_now(), sent = 0, t1;
	long fd = connected(SOCK_STREAM, addr, port);

	fill(0x7463702d73696e6bull);
	while (sent < total) {
		uint64_t chunk = total - sent < 64 * KIB ? total - sent : 64 * KIB;
		uint64_t start = ticks_now();
		long n = sys(SYS_WRITE, fd, (long)buf, (long)chunk, 0);

		if (n <= 0)
			fail("send failed");
		sample_add(&s, ticks_now() - start);
		sent += (uint64_t)n;
	}
	sys(SYS_SHUTDOWN, fd, SHUT_WR, 0, 0);
	while (sys(SYS_READ, fd, (long)buf, 4096, 0) > 0)
		; /* the sink closes once it has every byte */
	t1 = ticks_now();
	sys(SYS_CLOSE, fd, 0, 0, 0);
	report("tcp_tx", addr, total, 64 * KIB, t1 - t0, &s);
	out("}\n");
	return 0;
}

/* --- main -------------------------------------------------------------------- */

static int io_dir(const char *s)
{
	if (same(s, "r"))
		return 0;
	if (same(s, "w"))
		return 1;
	fail("direction is r or w");
}

static int run(long argc, char **argv)
{
	if (argc == 6 && same(argv[1], "seq"))
		return seq(io_dir(argv[2]), argv[3], number(argv[4]) * KIB, number(argv[5]) * KIB);
	if (argc == 5 && same(argv[1], "lat"))
		return lat(io_dir(argv[2]), argv[3], number(argv[4]));
	if (argc == 6 && same(argv[1], "udp"))
		return udp(argv[2], number(argv[3]), number(argv[4]), number(argv[5]));
	if (argc == 5 && same(argv[1], "tcp"))
		return tcp(argv[2], number(argv[3]), number(argv[4]) * KIB);
	out("usage: vbench seq r|w <dev> <total KiB> <block KiB> | lat r|w <dev> <count>\n"
	    "       | udp <a.b.c.d> <port> <count> <bytes> | tcp <a.b.c.d> <port> <total KiB>\n");
	return 2;
}

/* The kernel enters with sp at argc, then argv[]. */
__attribute__((used)) static void start_c(long *sp)
{
	leave(run(sp[0], (char **)(sp + 1)));
}

__asm__(".global _start\n"
        "_start:\n"
        "	mov x0, sp\n"
        "	bl start_c\n");
