/*
 * zshm: the Linux guest's Zshm endpoint (docs/zshm.md, docs/linux-guest.md).
 *
 *   zshm [-c NAME] info                   the channel and its members (no join)
 *   zshm [-c NAME] send COUNT [SECONDS]   a test stream of COUNT messages
 *   zshm [-c NAME] recv COUNT [SECONDS]   receive and check one
 *   zshm [-c NAME] both COUNT [SECONDS]   both at once, interleaved
 *   zshm [-c NAME] echo COUNT [SECONDS]   send a stream to a peer that echoes
 *                                         it (the RTOS's echo role) and check
 *                                         every message that comes back
 *   zshm [-c NAME] clock                  publish our clock in our section
 *                                         for ZVM to measure (`zvm time`)
 *
 * The channel is the devicetree's zvm,zshm-channel node (first, or the one
 * called NAME); its region is not RAM to Linux, so /dev/mem maps it (the
 * Debian kernel's CONFIG_STRICT_DEVMEM and CONFIG_IO_STRICT_DEVMEM allow a
 * range that is neither RAM nor claimed by a driver).  The whole region is
 * mapped read-only and our own section read/write over it, as stage 2 maps
 * them.  The rings are lib/zshm_ring.c, the same file ZVM and the other
 * guests use; the stream is lib/zshm_stream.h's.
 *
 * Linux user space polls: it has no HVC (ZVM_HC_ZSHM_NOTIFY is an EL1
 * call) and no driver takes the doorbell SPI, so it neither rings nor is
 * rung.  When a peer asked for a doorbell we could not ring, the count is
 * printed ("unrung"): the peer must poll, as a direct-irq RTOS does anyway.
 * It cannot read CNTPCT_EL0 either (Linux gives EL0 the virtual counter
 * only), so its messages carry stamp 0 (unstamped, include/zvm/zshm.h).
 */
#include "lib/zerror.h"
#include "lib/zshm_ring.h"
#include "lib/zshm_stream.h"
#include "lsys.h"
#include "zshm_dt.h"

#define DEV_MEM         "/dev/mem"
#define POLL_NS         100000ull /* 100 us between looks at an idle ring */
#define DEFAULT_SECONDS 120u
#define NS_PER_S        1000000000ull
#define UNSTAMPED       ZSHM_UNSTAMPED /* no CNTPCT_EL0 at EL0 */

/* DO_ECHO: what comes back is our own stream (its epoch the peer's). */
enum {
	DO_SEND = 1,
	DO_RECV = 2,
	DO_ECHO = 4
};

struct stream {
	uint32_t count;
	int echo; /* received messages are our stream coming back */
	/* sending */
	uint32_t sent, send_sum, epoch;
	uint64_t full, unrung;
	/* receiving */
	uint32_t got, recv_sum, bad, stale;
};

static struct zshm_endpoint ep;
static uint32_t peer;

static int map_region(const struct zshm_dt_channel *ch, uint8_t **base)
{
	long fd = lsys_call(SYS_OPENAT, AT_FDCWD, (long)DEV_MEM, O_RDWR | O_SYNC, 0, 0, 0);
	long all, own;
	uint64_t section = ch->geo.section_size;

	if (lsys_failed(fd)) {
		out("zshm: cannot open " DEV_MEM "\n");
		return -1;
	}
	all = lsys_call(SYS_MMAP, 0, (long)ch->size, PROT_READ, MAP_SHARED, fd, (long)ch->base);
	own = lsys_failed(all) ?
	              all :
	              lsys_call(SYS_MMAP, all + (long)(ch->self * section), (long)section,
	                        PROT_READ | PROT_WRITE, MAP_SHARED | MAP_FIXED, fd,
	                        (long)(ch->base + ch->self * section));
	lsys_call(SYS_CLOSE, fd, 0, 0, 0, 0, 0);
	if (lsys_failed(all) || lsys_failed(own)) {
		out("zshm: " DEV_MEM " refused the region (errno ");
		out_u((uint64_t) - (lsys_failed(all) ? all : own));
		out(")\n");
		return -1;
	}
	*base = (uint8_t *)all;
	return 0;
}

static uint32_t first_peer(const struct zshm_dt_channel *ch)
{
	for (uint32_t p = 0; p < ch->geo.member_count; p++)
		if (p != ch->self)
			return p;
	return ch->self;
}

/* Each member's state and counters, as `zvm zshm` shows them. */
static void show_members(const uint8_t *base, const struct zshm_dt_channel *ch)
{
	for (uint32_t m = 0; m < ch->geo.member_count; m++) {
		struct zshm_member_view v;

		zshm_view_member(base, &ch->geo, m, &v);
		out("zshm: member ");
		out_u(m);
		out(" ");
		out(zshm_dt_member(ch, m));
		out(!v.opened ? " never opened" : v.state & ZSHM_STATE_UP ? " up" : " down");
		out(" epoch ");
		out_u(v.state >> ZSHM_STATE_EPOCH_SHIFT);
		out(": sent ");
		out_u(v.messages_sent);
		out(", full ");
		out_u(v.full_events);
		out(", received ");
		out_u(v.messages_received);
		out("\n");
	}
}

/* Maps the channel; joins it (a new epoch) unless only looking. */
static int open_channel(const char *name, struct zshm_dt_channel *ch, int join)
{
	uint8_t *base;

	if (zshm_dt_find(name, ch) || map_region(ch, &base)) {
		out("zshm: channel unusable\n");
		return -1;
	}
	if (!join) {
		out("zshm: channel ");
		out_u(ch->channel);
		out(" (");
		out(ch->name);
		out(") at ");
		out_hex(ch->base);
		out(", ");
		out_u(ch->geo.member_count);
		out(" sections of ");
		out_hex(ch->geo.section_size);
		out(", we are member ");
		out_u(ch->self);
		out("\n");
		show_members(base, ch);
		return 0;
	}
	if (zshm_open(&ep, base, &ch->geo, ch->self)) {
		out("zshm: channel unusable\n");
		return -1;
	}
	peer = first_peer(ch);
	out("zshm: member ");
	out_u(ch->self);
	out(" of channel ");
	out_u(ch->channel);
	out(" (");
	out(ch->name);
	out(") at ");
	out_hex(ch->base);
	out(", epoch ");
	out_u(ep.epoch);
	out(", peer ");
	out(zshm_dt_member(ch, peer));
	out(zshm_peer_up(&ep, peer) ? " up" : " down");
	out(" epoch ");
	out_u(zshm_peer_epoch(&ep, peer));
	out(", polling\n");
	return 0;
}

/* One message out if there is room: 1 on progress, 0 if full, -1 broken. */
static int send_step(struct stream *s)
{
	uint8_t m[ZSHM_MSG_MAX];
	uint32_t len;
	bool bell;
	int rc;

	if (zshm_peer_epoch(&ep, peer) != s->epoch) {
		/* The reader restarted: its new self gets the stream anew. */
		s->epoch = zshm_peer_epoch(&ep, peer);
		s->sent = 0;
		s->send_sum = ZSHM_FNV_OFFSET;
		if (s->echo) {
			s->got = 0;
			s->recv_sum = ZSHM_FNV_OFFSET;
		}
		out("zshm: peer epoch ");
		out_u(s->epoch);
		out(": stream reset\n");
	}
	len = zshm_stream_message(s->sent, s->epoch, m);
	rc = zshm_send(&ep, peer, m, len, UNSTAMPED, &bell);
	if (rc == -ZE_AGAIN) {
		s->full++;
		return 0;
	}
	if (rc)
		return -1;
	s->unrung += bell;
	s->send_sum = zshm_stream_fnv(s->send_sum, m, len);
	s->sent++;
	return 1;
}

/* One message in if there is one: 1 on progress, 0 if empty. */
static int recv_step(struct stream *s)
{
	uint8_t m[ZSHM_MSG_MAX];
	uint32_t want_epoch;
	bool bell;
	int n = zshm_recv(&ep, peer, m, sizeof(m), 0, &bell);

	s->unrung += bell;
	if (n == -ZE_AGAIN)
		return 0;
	if (n < (int)ZSHM_STREAM_HEADER) {
		s->bad++; /* a corrupt slot or a short message */
		return 1;
	}
	/* An echo carries the epoch we sent it for: the peer's. */
	want_epoch = s->echo ? s->epoch : ep.epoch;
	if (zshm_stream_word(m + 4) != want_epoch) {
		s->stale++; /* meant for an earlier incarnation */
		return 1;
	}
	if (!zshm_stream_check(m, n, s->got, want_epoch))
		s->bad++;
	s->recv_sum = zshm_stream_fnv(s->recv_sum, m, (uint32_t)n);
	s->got++;
	return 1;
}

static void report(const struct stream *s, unsigned what)
{
	if (what & DO_SEND) {
		out("zshm: sent ");
		out_u(s->sent);
		out(" messages, checksum ");
		out_hex(s->send_sum);
		out(", full ");
		out_u(s->full);
		out("\n");
	}
	if (what & DO_RECV) {
		out("zshm: received ");
		out_u(s->got);
		out(" messages, checksum ");
		out_hex(s->recv_sum);
		out(", bad ");
		out_u(s->bad);
		out(", stale ");
		out_u(s->stale);
		out("\n");
	}
	out("zshm: unrung doorbells ");
	out_u(s->unrung);
	out(", corrupt ");
	out_u(ep.corrupt);
	out("\n");
}

static int run_stream(unsigned what, uint32_t count, uint64_t seconds)
{
	struct stream s = { .count = count,
		            .send_sum = ZSHM_FNV_OFFSET,
		            .recv_sum = ZSHM_FNV_OFFSET };
	uint64_t deadline = now_ns() + seconds * NS_PER_S;
	int timed_out = 0;

	s.echo = (what & DO_ECHO) != 0;
	s.epoch = zshm_peer_epoch(&ep, peer);
	while (((what & DO_SEND) && s.sent < count) || ((what & DO_RECV) && s.got < count)) {
		int moved = 0, rc;

		if ((what & DO_SEND) && s.sent < count) {
			if ((rc = send_step(&s)) < 0) {
				out("zshm: peer's indices broken\n");
				break;
			}
			moved |= rc;
		}
		if ((what & DO_RECV) && s.got < count)
			moved |= recv_step(&s);
		if (moved)
			continue;
		if (now_ns() > deadline) {
			timed_out = 1;
			break;
		}
		sleep_ns(POLL_NS);
	}
	if (timed_out)
		out("zshm: timed out\n");
	report(&s, what);
	return timed_out || s.bad ? 1 : 0;
}

static uint64_t virtual_counter(void)
{
	uint64_t v;

	/* ISB: not read early, out of order with the clock read around it. */
	__asm__ volatile("isb; mrs %0, cntvct_el0" : "=r"(v)::"memory");
	return v;
}

/*
 * Linux's clock for ZVM (docs/timebase.md): CLOCK_REALTIME between two
 * reads of the virtual counter (EL0 may read it), the midpoint as its
 * counter value, in our section's clock record.  Joins nothing.
 */
static int publish_clock(const struct zshm_dt_channel *ch, uint8_t *base)
{
	uint64_t before = virtual_counter(), utc = realtime_ns(), after = virtual_counter();
	uint64_t mid = before + (after - before) / 2;

	zshm_clock_publish(base, &ch->geo, ch->self, mid, utc);
	out("zshm: clock vcount=");
	out_u(mid);
	out(" utc_ns=");
	out_u(utc);
	out(" window=");
	out_u(after - before);
	out("\n");
	return 0;
}

static int usage(void)
{
	out("usage: zshm [-c NAME] info | send COUNT [SECONDS] | recv COUNT [SECONDS] | "
	    "both COUNT [SECONDS] | echo COUNT [SECONDS] | clock\n");
	return 2;
}

static unsigned command_of(const char *cmd)
{
	if (str_eq(cmd, "send"))
		return DO_SEND;
	if (str_eq(cmd, "recv"))
		return DO_RECV;
	if (str_eq(cmd, "both"))
		return DO_SEND | DO_RECV;
	if (str_eq(cmd, "echo"))
		return DO_SEND | DO_RECV | DO_ECHO;
	return 0;
}

int tool_main(int argc, char **argv)
{
	struct zshm_dt_channel ch;
	const char *name = 0;
	int64_t count = 0, seconds = DEFAULT_SECONDS;
	unsigned what;
	int i = 1, rc;

	if (argc > 2 && str_eq(argv[1], "-c")) {
		name = argv[2];
		i = 3;
	}
	if (i >= argc)
		return usage();
	if (str_eq(argv[i], "clock")) {
		uint8_t *base;

		if (i + 1 != argc || zshm_dt_find(name, &ch) || map_region(&ch, &base))
			return i + 1 != argc ? usage() : 1;
		return publish_clock(&ch, base);
	}
	what = command_of(argv[i]);
	if (!what && !str_eq(argv[i], "info"))
		return usage();
	if (what && (i + 1 >= argc || (count = parse_u(argv[i + 1])) < 0 || count > UINT32_MAX ||
	             (i + 2 < argc && (seconds = parse_u(argv[i + 2])) < 0)))
		return usage();
	if (open_channel(name, &ch, what != 0))
		return 1;
	if (!what)
		return 0;
	rc = run_stream(what, (uint32_t)count, (uint64_t)seconds);
	zshm_close(&ep);
	return rc;
}
