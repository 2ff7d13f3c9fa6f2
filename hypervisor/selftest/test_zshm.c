/*
 * Built-in Zshm tests: two test VMs (ztest_vm.h) share a channel of the
 * tests' own (zshm/zshm_test_channel.c), both ways, and use it as the
 * bare-metal test guest's Zshm member does (guests/baremetal/zshm_test.c):
 * a checked stream of 100 000 messages, a reader that stops reading, a
 * write into the peer's read-only section; and a VM that is no member
 * rings a doorbell.  ZVM's own counters (never a guest's) back what the
 * guests say.
 */
#include "lib/format.h"
#include "lib/string.h"
#include "selftest/ztest.h"
#include "selftest/ztest_perf.h"
#include "selftest/ztest_vm.h"
#include "zshm/zshm.h"

#define SECTION_BYTES           0x10000u /* 64 KiB each, as the system tests' channel */
#define LINE_MAX                200
#define STREAM_MSGS             100000u /* zshm_test.c's stream */
#define STREAM_WAIT_MS          600000u /* 100 000 messages each way of a loaded host's TCG */
#define CHECKSUM_MAX            24
/* A sanity bound on the average round trip (QEMU TCG, shared host). */
#define ROUND_TRIP_AVG_LIMIT_NS 20000000

static const char *const MEMBERS[2] = { "ztest-zshm-a", "ztest-zshm-b" };

static void name_a(struct vm_config *cfg)
{
	fmt_snprintf(cfg->name, sizeof(cfg->name), "%s", MEMBERS[0]);
}

static void name_b(struct vm_config *cfg)
{
	fmt_snprintf(cfg->name, sizeof(cfg->name), "%s", MEMBERS[1]);
}

struct pair {
	struct vm *a, *b;
	uint32_t id; /* the test channel */
};

/* Types key on vm and waits (up to wait_ms) for its line starting with prefix. */
static bool answer(struct ztest_ctx *ctx, struct vm *vm, char key, const char *prefix, char *line,
                   uint32_t wait_ms)
{
	uint64_t from = zt_vm_console_end(vm);

	if (!zt_vm_key(ctx, vm, key))
		return false;
	if (zt_vm_console_line_within(vm, from, prefix, line, LINE_MAX, wait_ms))
		return true;
	ztest_fail(ctx, __FILE__, __LINE__, "%s printed no '%s' line", vm->cfg.name, prefix);
	return false;
}

/* The channel's counters as ZVM keeps them. */
static struct zshm_counters counters(uint32_t id)
{
	struct zshm_channel_view v;

	memset(&v, 0, sizeof(v));
	(void)zshm_channel_view(id, &v);
	return v.counters;
}

/* Runs body with two members of a fresh test channel, both beating. */
static void with_pair(struct ztest_ctx *ctx, void (*body)(struct ztest_ctx *, struct pair *))
{
	struct zerr_msg msg = { 0 };
	struct pair p = { 0 };

	if (zshm_test_channel_open(MEMBERS, SECTION_BYTES, &p.id, &msg))
		return ztest_fail(ctx, __FILE__, __LINE__, "test channel: %s", msg.text);
	p.a = zt_vm_create_tuned(ctx, VM_RECOVERY_NONE, ZT_VM_HEARTBEAT_PATIENT_MS, name_a);
	if (p.a)
		p.b = zt_vm_create_tuned(ctx, VM_RECOVERY_NONE, ZT_VM_HEARTBEAT_PATIENT_MS, name_b);
	if (p.b && zt_vm_start_beating(ctx, p.a) && zt_vm_start_beating(ctx, p.b))
		body(ctx, &p);
	if (p.b)
		zt_vm_destroy(p.b);
	if (p.a)
		zt_vm_destroy(p.a);
	zshm_test_channel_close(p.id);
}

/* The text after "checksum " up to the comma: both ends print it alike. */
static void checksum_of(const char *line, char *out)
{
	const char *p = strstr(line, "checksum ");
	size_t n = 0;

	if (p)
		for (p += strlen("checksum "); p[n] && p[n] != ',' && n + 1 < CHECKSUM_MAX; n++)
			out[n] = p[n];
	out[n] = 0;
}

static void stream(struct ztest_ctx *ctx, struct pair *p)
{
	char sent[LINE_MAX], got[LINE_MAX], sum_sent[CHECKSUM_MAX], sum_got[CHECKSUM_MAX];
	uint64_t n_sent = 0, n_got = 0, bad = 1, stale = 1, bells = 0;
	uint64_t from_b = zt_vm_console_end(p->b);

	if (!zt_vm_key(ctx, p->b, 'y') ||
	    !answer(ctx, p->a, 'z', "zshm: sent ", sent, STREAM_WAIT_MS))
		return;
	if (!zt_vm_console_line_within(p->b, from_b, " messages, checksum ", got, LINE_MAX,
	                               STREAM_WAIT_MS))
		return ztest_fail(ctx, __FILE__, __LINE__, "the reader did not finish");
	checksum_of(sent, sum_sent);
	checksum_of(got, sum_got);
	if (!zt_line_number(sent, "sent ", &n_sent) || !zt_line_number(got, "received ", &n_got) ||
	    !zt_line_number(got, "bad ", &bad) || !zt_line_number(got, "stale ", &stale) ||
	    !zt_line_number(got, "doorbells ", &bells))
		return ztest_fail(ctx, __FILE__, __LINE__, "unreadable: %s / %s", sent, got);
	ZT_CHECK_EQ(n_sent, STREAM_MSGS);
	ZT_CHECK_EQ(n_got, STREAM_MSGS);
	ZT_CHECK(sum_sent[0] && !strcmp(sum_sent, sum_got));
	ZT_CHECK_EQ(bad, 0);
	ZT_CHECK_EQ(stale, 0);
	/* Every doorbell the reader took is one ZVM delivered; none refused. */
	struct zshm_counters c = counters(p->id);
	ZT_CHECK(bells <= c.delivered);
	ZT_CHECK_EQ(c.refused, 0);
	ztest_figure(ctx, "messages", n_got);
	ztest_figure(ctx, "doorbells", c.delivered);
}

/* 100 000 checked messages from one VM to the other on their own cores:
 * none lost, none corrupt, the same checksum at both ends. */
ZTEST(zshm, stream_checksum)
{
	with_pair(ctx, stream);
}

static void stop_reading(struct ztest_ctx *ctx, struct pair *p)
{
	char line[LINE_MAX];
	uint64_t full = 0, again = 1, drained = 0, bad = 1;

	if (!answer(ctx, p->a, 'f', "zshm: full after ", line, ZT_VM_WAIT_MS) ||
	    !zt_line_number(line, "full after ", &full))
		return;
	if (!answer(ctx, p->a, 'f', "zshm: full after ", line, ZT_VM_WAIT_MS) ||
	    !zt_line_number(line, "full after ", &again))
		return;
	if (!answer(ctx, p->b, 'e', "zshm: drained ", line, ZT_VM_WAIT_MS) ||
	    !zt_line_number(line, "drained ", &drained) || !zt_line_number(line, "bad ", &bad))
		return;
	ZT_CHECK(full > 0);
	ZT_CHECK_EQ(again, 0); /* still full: the writer is told, nothing overwritten */
	ZT_CHECK_EQ(drained, full);
	ZT_CHECK_EQ(bad, 0);
	ztest_figure(ctx, "slots", full);
}

/* A reader that stops reading: the writer sees "full", and what it sent
 * comes out whole and in order once the reader reads again. */
ZTEST(zshm, reader_stops_writer_full)
{
	with_pair(ctx, stop_reading);
}

static void write_read_only(struct ztest_ctx *ctx, struct pair *p)
{
	char line[LINE_MAX];
	uint64_t full = 0;

	if (!answer(ctx, p->a, 'x', "abort: zshm write", line, ZT_VM_WAIT_MS))
		return;
	ZT_CHECK(strstr(line, "register kept") != NULL);
	ZT_CHECK(p->a->state == VM_RUNNING && p->b->state == VM_RUNNING);
	/* The peer's section is as it was: it still sends on it. */
	if (answer(ctx, p->b, 'f', "zshm: full after ", line, ZT_VM_WAIT_MS) &&
	    zt_line_number(line, "full after ", &full))
		ZT_CHECK(full > 0);
}

/* A store into the peer's section (mapped read-only by stage 2) comes back
 * to the writer as an abort; the peer and its section are untouched. */
ZTEST(zshm, read_only_section_faults_writer_only)
{
	with_pair(ctx, write_read_only);
}

static void outsider_knocks(struct ztest_ctx *ctx, struct vm *vm)
{
	char line[LINE_MAX];
	struct zshm_counters before = counters(0), after;

	if (!zt_vm_start_beating(ctx, vm) ||
	    !answer(ctx, vm, 'k', "zshm: notify channel 0 -> ", line, ZT_VM_WAIT_MS))
		return;
	after = counters(0);
	ZT_CHECK(strstr(line, "-> -4") != NULL); /* ZVM_HC_DENIED */
	ZT_CHECK_EQ(after.refused - before.refused, 1);
	ZT_CHECK_EQ(after.doorbells, before.doorbells);
}

static void with_outsider(struct ztest_ctx *ctx)
{
	ZT_WITH_VM(VM_RECOVERY_NONE, ZT_VM_HEARTBEAT_PATIENT_MS, outsider_knocks(ctx, vm));
}

/* A VM that is no member rings channel 0's doorbell: refused, counted,
 * and no member is rung.  The test channel makes sure a channel exists. */
ZTEST(zshm, non_member_doorbell_refused)
{
	struct zerr_msg msg = { 0 };
	uint32_t id;

	if (zshm_test_channel_open(MEMBERS, SECTION_BYTES, &id, &msg))
		return ztest_fail(ctx, __FILE__, __LINE__, "test channel: %s", msg.text);
	with_outsider(ctx);
	zshm_test_channel_close(id);
}

static void round_trips(struct ztest_ctx *ctx, struct pair *p)
{
	if (zt_vm_key(ctx, p->b, 'Q'))
		zt_perf_measure(ctx, p->a, 'q', "zshm_round_trip", ROUND_TRIP_AVG_LIMIT_NS);
}

/* A Zshm round trip between two VMs on their own cores: a message and its
 * echo, each announced by a doorbell (ZVM_HC_ZSHM_NOTIFY, an SPI on the
 * peer's core) to a reader idle in WFI. */
ZTEST(perf, zshm_round_trip)
{
	with_pair(ctx, round_trips);
}
