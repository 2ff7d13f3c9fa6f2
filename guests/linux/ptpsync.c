/*
 * ptpsync: the Linux guest's clock from ZVM's time base, through ptp_kvm.
 *
 *   ptpsync        prints the offset between CLOCK_REALTIME and /dev/ptp0
 *   ptpsync -s     sets CLOCK_REALTIME from /dev/ptp0, then prints the
 *                  offset that remains
 *
 * PTP_SYS_OFFSET_PRECISE (Linux: include/uapi/linux/ptp_clock.h) gives the
 * PTP clock and the system clocks at one instant: ptp_kvm's hypercall
 * returns ZVM's UTC and the counter value together, and the kernel turns
 * that counter value into its own times (docs/timebase.md).  One line out:
 *   ptpsync: offset_ns=<realtime - ptp> ptp=<s.ns> realtime=<s.ns> [set]
 *
 * Static and freestanding (raw system calls, no libc): Debian's cross
 * compiler has no arm64 libc to link statically without another package.
 */
#include <stdint.h>

/* AArch64 Linux system call numbers (include/uapi/asm-generic/unistd.h). */
#define SYS_IOCTL         29
#define SYS_OPENAT        56
#define SYS_WRITE         64
#define SYS_EXIT          93
#define SYS_CLOCK_ADJTIME 266

#define AT_FDCWD       (-100)
#define O_RDONLY       0
#define CLOCK_REALTIME 0
#define STDOUT         1
#define NS_PER_SEC     1000000000ll

struct ptp_clock_time {
	int64_t sec;
	uint32_t nsec;
	uint32_t reserved;
};

struct ptp_sys_offset_precise {
	struct ptp_clock_time device;
	struct ptp_clock_time sys_realtime;
	struct ptp_clock_time sys_monoraw;
	uint32_t rsv[4];
};

/* _IOWR('=', 8, struct ptp_sys_offset_precise): dir 3, size 64. */
#define IOC_READ_WRITE 3ul
#define PTP_SYS_OFFSET_PRECISE \
	((IOC_READ_WRITE << 30) | (sizeof(struct ptp_sys_offset_precise) << 16) | ('=' << 8) | 8ul)

/*
 * struct timex (include/uapi/linux/timex.h) as AArch64 lays it out: only
 * modes and time are used; ADJ_SETOFFSET | ADJ_NANO adds time (s, ns) to
 * CLOCK_REALTIME in one step inside the kernel, so no time passes between
 * reading the clock and setting it.
 */
#define ADJ_SETOFFSET 0x0100u
#define ADJ_NANO      0x2000u
struct timex {
	uint32_t modes;
	int32_t pad0;
	int64_t offset, freq, maxerror, esterror;
	int32_t status, pad1;
	int64_t constant, precision, tolerance;
	int64_t time_sec, time_frac; /* struct timeval; ns with ADJ_NANO */
	int64_t tick, ppsfreq, jitter;
	int32_t shift, pad2;
	int64_t stabil, jitcnt, calcnt, errcnt, stbcnt;
	int32_t tai;
	int32_t reserved[11];
};
_Static_assert(sizeof(struct timex) == 208, "struct timex is 208 bytes on AArch64");

static long syscall3(long nr, long a, long b, long c)
{
	register long x8 __asm__("x8") = nr;
	register long x0 __asm__("x0") = a;
	register long x1 __asm__("x1") = b;
	register long x2 __asm__("x2") = c;

	__asm__ volatile("svc #0" : "+r"(x0) : "r"(x8), "r"(x1), "r"(x2) : "memory");
	return x0;
}

static void out(const char *s)
{
	long n = 0;

	while (s[n])
		n++;
	syscall3(SYS_WRITE, STDOUT, (long)s, n);
}

static void out_int(int64_t v, int width)
{
	char buf[24];
	int i = (int)sizeof(buf) - 1;
	uint64_t u = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;

	buf[i] = '\0';
	do {
		buf[--i] = (char)('0' + u % 10);
		u /= 10;
		width--;
	} while (u || width > 0);
	if (v < 0)
		buf[--i] = '-';
	out(&buf[i]);
}

static __attribute__((noreturn)) void leave(int code)
{
	syscall3(SYS_EXIT, code, 0, 0);
	__builtin_unreachable();
}

static int64_t ns_of(const struct ptp_clock_time *t)
{
	return t->sec * NS_PER_SEC + t->nsec;
}

static void out_time(const char *name, const struct ptp_clock_time *t)
{
	out(name);
	out_int(t->sec, 1);
	out(".");
	out_int(t->nsec, 9);
}

static int measure(long fd, struct ptp_sys_offset_precise *p)
{
	for (unsigned i = 0; i < sizeof(*p); i++)
		((volatile char *)p)[i] = 0;
	return syscall3(SYS_IOCTL, fd, (long)PTP_SYS_OFFSET_PRECISE, (long)p) < 0 ? -1 : 0;
}

/* Moves CLOCK_REALTIME by -offset ns; the ns part must be in [0, 1 s). */
static int step(int64_t offset)
{
	struct timex tx;
	int64_t sec = -offset / NS_PER_SEC, ns = -offset % NS_PER_SEC;

	for (unsigned i = 0; i < sizeof(tx); i++)
		((volatile char *)&tx)[i] = 0;
	if (ns < 0) {
		ns += NS_PER_SEC;
		sec--;
	}
	tx.modes = ADJ_SETOFFSET | ADJ_NANO;
	tx.time_sec = sec;
	tx.time_frac = ns;
	return syscall3(SYS_CLOCK_ADJTIME, CLOCK_REALTIME, (long)&tx, 0) < 0 ? -1 : 0;
}

static int run(int set)
{
	struct ptp_sys_offset_precise p;
	long fd = syscall3(SYS_OPENAT, AT_FDCWD, (long)"/dev/ptp0", O_RDONLY);

	if (fd < 0) {
		out("ptpsync: no /dev/ptp0\n");
		return 1;
	}
	if (measure(fd, &p)) {
		out("ptpsync: PTP_SYS_OFFSET_PRECISE failed\n");
		return 1;
	}
	if (set) {
		if (step(ns_of(&p.sys_realtime) - ns_of(&p.device))) {
			out("ptpsync: cannot set CLOCK_REALTIME\n");
			return 1;
		}
		if (measure(fd, &p))
			return 1;
	}
	out("ptpsync: offset_ns=");
	out_int(ns_of(&p.sys_realtime) - ns_of(&p.device), 1);
	out_time(" ptp=", &p.device);
	out_time(" realtime=", &p.sys_realtime);
	out(set ? " set\n" : "\n");
	return 0;
}

/* The kernel enters with sp at argc, then argv[]. */
__attribute__((used)) static void start_c(long *sp)
{
	long argc = sp[0];
	char **argv = (char **)(sp + 1);
	int set = argc > 1 && argv[1][0] == '-' && argv[1][1] == 's' && argv[1][2] == '\0';

	leave(run(set));
}

__asm__(".global _start\n"
        "_start:\n"
        "	mov x0, sp\n"
        "	bl start_c\n");
