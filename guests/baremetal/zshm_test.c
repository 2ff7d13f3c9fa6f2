/*
 * The bare-metal guest as a Zshm member, for the system tests
 * (tests/system/test_zshm.py).  Keys:
 *   z  send a stream of STREAM_MSGS messages to the first peer
 *   y  receive a stream of STREAM_MSGS and check every one
 *   f  send until the ring is full (the peer does not read)
 *   e  empty what is queued and check its order
 *   k  knock: ring channel 0's doorbell (a non-member is refused)
 *   x  write into the peer's section (read-only: a stage-2 fault)
 *   q  time PERF_ROUNDS round trips to the peer (a "perf zshm_round_trip"
 *      line, perf.c), which echoes them after
 *   Q  echo PERF_ROUNDS messages back
 * Messages are the test stream of lib/zshm_stream.h (the Linux endpoint
 * and the RTOS speak it too); both ends print a checksum.
 * When the writer sees its reader restart (a new epoch) it starts its
 * stream again for the new incarnation; the reader drops messages meant
 * for an earlier one.
 */
#include "zshm_test.h"

#include "guest.h"
#include "perf.h"
#include "lib/fdt.h"
#include "lib/string.h"
#include "lib/zerror.h"
#include "lib/zshm_ring.h"
#include "lib/zshm_stream.h"
#include "zvm/hypercall.h"

#define STREAM_MSGS    100000u
#define PROGRESS_EVERY 20000u
#define DTB_MAX        0x10000u
#define MSG_HEADER     ZSHM_STREAM_HEADER
#define FNV_OFFSET     ZSHM_FNV_OFFSET

static struct zshm_endpoint ep;
static bool opened;
static uint32_t channel_id, peer;
static volatile uint64_t doorbells_taken;

/* Prints a, n, b; a line's first piece starts with "zshm: ". */
static void more(const char *a, uint64_t n, const char *b)
{
	bm_puts(a);
	bm_putu(n);
	bm_puts(b);
}

static void say(const char *a, uint64_t n, const char *b)
{
	bm_puts("zshm: ");
	more(a, n, b);
}

static bool read_geometry(const struct fdt *fdt, int node, struct zshm_geometry *g, uint32_t *self,
                          uint64_t *base, unsigned *intid)
{
	uint64_t size;
	uint32_t section, irq;

	if (fdt_read_reg(fdt, node, 0, base, &size) ||
	    fdt_read_u32(fdt, node, "zvm,section-size", &section) ||
	    fdt_read_u32(fdt, node, "zvm,self", self) ||
	    fdt_read_u32(fdt, node, "zvm,writers", &g->writers) ||
	    fdt_read_u32(fdt, node, "zvm,readers", &g->readers) ||
	    fdt_read_u32(fdt, node, "zvm,channel", &channel_id))
		return false;
	g->section_size = section;
	g->member_count = (uint32_t)fdt_stringlist_count(fdt, node, "zvm,members");
	*intid = fdt_read_u32_index(fdt, node, "interrupts", 1, &irq) ? 0 : 32 + irq;
	return g->section_size * g->member_count == size;
}

unsigned zshm_test_init(const void *dtb)
{
	struct fdt fdt;
	struct zshm_geometry g;
	uint64_t base;
	uint32_t self;
	unsigned intid = 0;
	int node;

	if (fdt_init(&fdt, dtb, DTB_MAX)) {
		bm_puts("zshm: no devicetree\n");
		return 0;
	}
	node = fdt_node_offset_by_compatible(&fdt, -1, "zvm,zshm-channel");
	if (node < 0 || !read_geometry(&fdt, node, &g, &self, &base, &intid) ||
	    zshm_open(&ep, (void *)(uintptr_t)base, &g, self)) {
		if (node >= 0)
			bm_puts("zshm: channel node unusable\n");
		return 0;
	}
	peer = self == 0 ? 1 : 0;
	opened = true;
	say("member ", self, "");
	more(" of channel ", channel_id, "");
	more(", epoch ", ep.epoch, intid ? ", doorbell\n" : ", polling\n");
	return intid;
}

void zshm_test_doorbell(void)
{
	doorbells_taken++;
}

static void ring_peer(void)
{
	bm_hvc3(ZVM_HC_ZSHM_NOTIFY, channel_id, 1u << peer);
}

/* Until something may have changed: a doorbell or the next tick. */
static void wait_event(void)
{
	bm_beat_if_due();
	__asm__ volatile("wfi");
}

static uint32_t message_of(uint32_t seq, uint32_t epoch, uint8_t *m)
{
	return zshm_stream_message(seq, epoch, m);
}

static uint32_t fnv(uint32_t h, const uint8_t *m, uint32_t len)
{
	return zshm_stream_fnv(h, m, len);
}

static uint32_t word_at(const uint8_t *m)
{
	return zshm_stream_word(m);
}

/* Sends one message, waiting while the ring is full; false on a broken peer. */
static bool send_one(const uint8_t *m, uint32_t len, uint64_t *full)
{
	bool bell;
	int rc;

	while ((rc = zshm_send(&ep, peer, m, len, bm_counter(), &bell)) == -ZE_AGAIN) {
		(*full)++;
		if (!zshm_arm_space(&ep, peer))
			wait_event();
		if (zshm_peer_changed(&ep, peer))
			return true; /* the caller sees the new epoch */
	}
	if (rc)
		return false;
	if (bell)
		ring_peer();
	return true;
}

static void send_stream(void)
{
	uint8_t m[ZSHM_MSG_MAX];
	uint32_t epoch = zshm_peer_epoch(&ep, peer), sum = FNV_OFFSET, seq = 0;
	uint64_t full = 0;

	(void)zshm_peer_changed(&ep, peer);
	while (seq < STREAM_MSGS) {
		uint32_t len = message_of(seq, epoch, m);

		if (!send_one(m, len, &full)) {
			say("peer's indices broken after ", seq, " messages\n");
			return;
		}
		if (zshm_peer_epoch(&ep, peer) != epoch) {
			epoch = zshm_peer_epoch(&ep, peer);
			say("peer restarted (epoch ", epoch, "): stream reset\n");
			seq = 0;
			sum = FNV_OFFSET;
			continue;
		}
		sum = fnv(sum, m, len);
		seq++;
		bm_beat_if_due();
	}
	say("sent ", seq, " messages, checksum ");
	bm_puthex(sum);
	more(", full ", full, "\n");
}

static int recv_one(uint8_t *m, bool *rang)
{
	bool bell;
	int n;

	n = zshm_recv(&ep, peer, m, ZSHM_MSG_MAX, bm_counter(), &bell);
	if (bell) {
		ring_peer();
		*rang = true;
	}
	return n;
}

static void receive_stream(void)
{
	uint8_t m[ZSHM_MSG_MAX], want[ZSHM_MSG_MAX];
	uint32_t sum = FNV_OFFSET, seq = 0, bad = 0, stale = 0;
	uint64_t bells_before = doorbells_taken;
	bool rang = false;

	while (seq < STREAM_MSGS) {
		int n = recv_one(m, &rang);

		if (n == -ZE_AGAIN) {
			if (!zshm_arm_recv(&ep, peer))
				wait_event();
			zshm_disarm_recv(&ep, peer);
			continue;
		}
		if (n < (int)MSG_HEADER) {
			bad++;
			continue;
		}
		if (word_at(m + 4) != ep.epoch) {
			stale++; /* meant for an earlier incarnation of ours */
			continue;
		}
		if (word_at(m) != seq || message_of(seq, ep.epoch, want) != (uint32_t)n ||
		    fnv(0, m, (uint32_t)n) != fnv(0, want, (uint32_t)n))
			bad++;
		sum = fnv(sum, m, (uint32_t)n);
		seq++;
		if (seq % PROGRESS_EVERY == 0)
			say("received ", seq, "\n");
		bm_beat_if_due();
	}
	say("received ", seq, " messages, checksum ");
	bm_puthex(sum);
	more(", bad ", bad, "");
	more(", stale ", stale, "");
	more(", doorbells ", doorbells_taken - bells_before, "\n");
}

/* The next message from the peer, waiting for it; its length or an error. */
static int recv_wait(uint8_t *m)
{
	bool rang = false;
	int n;

	while ((n = recv_one(m, &rang)) == -ZE_AGAIN) {
		if (!zshm_arm_recv(&ep, peer))
			wait_event();
		zshm_disarm_recv(&ep, peer);
	}
	return n;
}

/* PERF_ROUNDS round trips, each a message out and the peer's echo back. */
static void ping(void)
{
	uint8_t m[ZSHM_MSG_MAX];
	struct perf_stats st = { 0 };
	uint64_t full = 0;

	for (uint32_t i = 0; i < PERF_ROUNDS; i++) {
		uint32_t len = message_of(i, zshm_peer_epoch(&ep, peer), m);
		uint64_t t0 = perf_now();
		if (!send_one(m, len, &full) || recv_wait(m) < 0) {
			say("ping broken after ", i, " round trips\n");
			return;
		}
		perf_add(&st, perf_now() - t0);
	}
	perf_print("zshm_round_trip", &st);
}

/* Sends PERF_ROUNDS messages back as they come. */
static void echo(void)
{
	uint8_t m[ZSHM_MSG_MAX];
	uint64_t full = 0;
	uint32_t i;

	for (i = 0; i < PERF_ROUNDS; i++) {
		int n = recv_wait(m);
		if (n < 0 || !send_one(m, (uint32_t)n, &full))
			break;
	}
	say("echoed ", i, " messages\n");
}

static void fill(void)
{
	uint8_t m[ZSHM_MSG_MAX];
	uint32_t seq = 0;
	bool bell;

	while (zshm_send(&ep, peer, m, message_of(seq, zshm_peer_epoch(&ep, peer), m), bm_counter(),
	                 &bell) == 0)
		seq++;
	say("full after ", seq, " messages\n");
}

static void drain(void)
{
	uint8_t m[ZSHM_MSG_MAX], want[ZSHM_MSG_MAX];
	uint32_t seq = 0, bad = 0;
	bool rang = false;
	int n;

	while ((n = recv_one(m, &rang)) != -ZE_AGAIN) {
		if (n < (int)MSG_HEADER || word_at(m) != seq ||
		    message_of(seq, word_at(m + 4), want) != (uint32_t)n ||
		    fnv(0, m, (uint32_t)n) != fnv(0, want, (uint32_t)n))
			bad++;
		seq++;
	}
	say("drained ", seq, "");
	more(" messages, bad ", bad, "\n");
}

static void notify_channel_0(void)
{
	int64_t rc = (int64_t)bm_hvc3(ZVM_HC_ZSHM_NOTIFY, 0, 0);

	bm_puts(rc < 0 ? "zshm: notify channel 0 -> -" : "zshm: notify channel 0 -> ");
	bm_putu((uint64_t)(rc < 0 ? -rc : rc));
	bm_puts("\n");
}

/* Stage 2 maps it read-only: the store must come back as an abort (the
 * VM's abort-policy "inject") and the peer's word stay as it was. */
static void write_peer_section(void)
{
	volatile uint32_t *state = &zshm_header_of(ep.base, &ep.geo, peer)->state;

	bm_puts("zshm: writing into the peer's read-only section\n");
	abort_expected = true;
	__asm__ volatile("str %w0, [%1]" : : "r"(0u), "r"(state) : "memory");
	report("zshm write into the peer's section", UNTOUCHED);
}

bool zshm_test_key(int c)
{
	if (c == 'k') {
		notify_channel_0(); /* members and non-members alike */
		return true;
	}
	if (!opened || c == 0 || !strchr("zyfexqQ", c))
		return false;
	switch (c) {
	case 'q': ping(); break;
	case 'Q': echo(); break;
	case 'z': send_stream(); break;
	case 'y': receive_stream(); break;
	case 'f': fill(); break;
	case 'e': drain(); break;
	case 'x': write_peer_section(); break;
	default: break;
	}
	return true;
}
