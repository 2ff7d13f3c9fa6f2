/*
 * The RTOS's Zshm roles (app/zshm_app.h): bootargs, threads, and the
 * stream and echo roles.  Console lines are JSON:
 *   {"zshm":"open","channel":C,"role":R,"member":M,"epoch":E,"doorbell":B}
 *   {"zshm":"sent","channel":C,"messages":N,"checksum":"0x..","full":F}
 *   {"zshm":"received","channel":C,"messages":N,"checksum":"0x..","bad":B,
 *    "stale":S,"doorbells":D,"polls":P}
 *   {"zshm":"peer","channel":C,"up":U,"epoch":E}   (echo: the peer changed)
 * A stream message is its sequence number, the reader epoch it is meant
 * for and bytes derived from the sequence number (as the bare-metal
 * guest's, guests/baremetal/zshm_test.c); both ends print an FNV-1a
 * checksum of what they sent and received.
 */
#include "app/zshm_app.h"

#include "app/bench.h"
#include "drivers/timer.h"
#include "kernel/console.h"
#include "kernel/sched.h"
#include "lib/string.h"
#include "lib/zerror.h"

#define ROLE_STACK        8192
#define ROLE_PRIO         PRIO_BENCH_LOW
#define MSG_HEADER        8u /* seq, epoch */
#define FNV_OFFSET        2166136261u
#define FNV_PRIME         16777619u
#define ARG_PREFIX        "zshm="
#define ROLE_NAME_MAX     8
#define PROGRESS_EVERY    20000u
/* The echo role shares its core with the controller: it sleeps between
 * looks when it has no doorbell (direct-irq), and drops a reply its peer
 * leaves no room for after this long. */
#define ECHO_POLL_US      200
#define ECHO_SEND_WAIT_MS 1000
#define ECHO_LOOK_MS      100

struct role_slot {
	struct zshm_role role;
	struct thread thread;
	char kind[ROLE_NAME_MAX];
	uint8_t stack[ROLE_STACK] __attribute__((aligned(16)));
};

static struct role_slot slots[ZSHM_APP_ROLES];

static uint64_t ms_ticks(uint64_t ms)
{
	return ms * timer_frequency() / 1000u;
}

static uint32_t message_of(uint32_t seq, uint32_t epoch, uint8_t *m)
{
	uint32_t len = MSG_HEADER + seq % (ZSHM_MSG_MAX - MSG_HEADER + 1);

	for (uint32_t i = 0; i < 4; i++) {
		m[i] = (uint8_t)(seq >> (8 * i));
		m[4 + i] = (uint8_t)(epoch >> (8 * i));
	}
	for (uint32_t i = MSG_HEADER; i < len; i++)
		m[i] = (uint8_t)(seq * 7u + i * 13u);
	return len;
}

static uint32_t fnv(uint32_t h, const uint8_t *m, uint32_t len)
{
	for (uint32_t i = 0; i < len; i++)
		h = (h ^ m[i]) * FNV_PRIME;
	return h;
}

static uint32_t word_at(const uint8_t *m)
{
	return (uint32_t)m[0] | (uint32_t)m[1] << 8 | (uint32_t)m[2] << 16 | (uint32_t)m[3] << 24;
}

static uint64_t own_full_events(const struct zchan *ch)
{
	return zshm_header_of(ch->ep.base, &ch->ep.geo, ch->ep.self)->full_events;
}

/* tx: the stream, restarted for a reader that comes back with a new epoch. */
static void stream_tx(struct zshm_role *r)
{
	uint8_t m[ZSHM_MSG_MAX];
	uint32_t epoch, sum = FNV_OFFSET, seq = 0;
	uint64_t full = own_full_events(&r->ch);

	(void)zchan_wait_peer_up(&r->ch, r->peer, TIMEOUT_FOREVER);
	epoch = zchan_peer_epoch(&r->ch, r->peer);
	(void)zchan_peer_changed(&r->ch, r->peer);
	while (seq < ZSHM_STREAM_MSGS) {
		uint32_t len = message_of(seq, epoch, m);
		int rc = zchan_send(&r->ch, r->peer, m, len, TIMEOUT_FOREVER);

		if (rc) {
			kprintf("{\"zshm\":\"error\",\"channel\":\"%s\",\"send\":%d,\"seq\":%u}\n",
			        r->ch.name, rc, (unsigned int)seq);
			return;
		}
		if (zchan_peer_epoch(&r->ch, r->peer) != epoch) {
			epoch = zchan_peer_epoch(&r->ch, r->peer);
			kprintf("{\"zshm\":\"peer\",\"channel\":\"%s\",\"up\":%u,\"epoch\":%u}\n",
			        r->ch.name, (unsigned int)zchan_peer_up(&r->ch, r->peer),
			        (unsigned int)epoch);
			seq = 0;
			sum = FNV_OFFSET;
			continue;
		}
		sum = fnv(sum, m, len);
		seq++;
	}
	kprintf("{\"zshm\":\"sent\",\"channel\":\"%s\",\"messages\":%u,\"checksum\":\"0x%08x\","
	        "\"full\":%llu,\"doorbells_rung\":%llu}\n",
	        r->ch.name, (unsigned int)seq, (unsigned int)sum,
	        (unsigned long long)(own_full_events(&r->ch) - full),
	        (unsigned long long)r->ch.doorbells_rung);
}

static bool stream_message_ok(uint32_t seq, const uint8_t *m, int n, uint32_t epoch)
{
	uint8_t want[ZSHM_MSG_MAX];

	return word_at(m) == seq && message_of(seq, epoch, want) == (uint32_t)n &&
	       memcmp(m, want, (size_t)n) == 0;
}

/* rx: takes ZSHM_STREAM_MSGS messages meant for this incarnation. */
static void stream_rx(struct zshm_role *r)
{
	uint8_t m[ZSHM_MSG_MAX];
	uint32_t sum = FNV_OFFSET, seq = 0, bad = 0, stale = 0;
	uint64_t bells = r->ch.doorbells, polls = r->ch.polls;

	while (seq < ZSHM_STREAM_MSGS) {
		int n = zchan_recv(&r->ch, r->peer, m, sizeof(m), TIMEOUT_FOREVER, NULL);

		if (n < (int)MSG_HEADER) {
			bad++;
			continue;
		}
		if (word_at(m + 4) != r->ch.ep.epoch) {
			stale++; /* meant for an earlier incarnation of ours */
			continue;
		}
		if (!stream_message_ok(seq, m, n, r->ch.ep.epoch))
			bad++;
		sum = fnv(sum, m, (uint32_t)n);
		seq++;
		if (seq % PROGRESS_EVERY == 0 && seq < ZSHM_STREAM_MSGS)
			kprintf("{\"zshm\":\"progress\",\"channel\":\"%s\",\"received\":%u}\n",
			        r->ch.name, (unsigned int)seq);
	}
	kprintf("{\"zshm\":\"received\",\"channel\":\"%s\",\"messages\":%u,\"checksum\":\"0x%08x\","
	        "\"bad\":%u,\"stale\":%u,\"doorbells\":%llu,\"polls\":%llu}\n",
	        r->ch.name, (unsigned int)seq, (unsigned int)sum, (unsigned int)bad,
	        (unsigned int)stale, (unsigned long long)(r->ch.doorbells - bells),
	        (unsigned long long)(r->ch.polls - polls));
}

/* echo: every message back to its sender, for as long as the VM runs. */
static void echo(struct zshm_role *r)
{
	uint8_t m[ZSHM_MSG_MAX];
	uint64_t dropped = 0;

	r->ch.poll_ticks = ECHO_POLL_US * timer_frequency() / 1000000u;
	for (;;) {
		int n = zchan_recv(&r->ch, r->peer, m, sizeof(m), ms_ticks(ECHO_LOOK_MS), NULL);

		if (zchan_peer_changed(&r->ch, r->peer))
			kprintf("{\"zshm\":\"peer\",\"channel\":\"%s\",\"up\":%u,\"epoch\":%u}\n",
			        r->ch.name, (unsigned int)zchan_peer_up(&r->ch, r->peer),
			        (unsigned int)zchan_peer_epoch(&r->ch, r->peer));
		if (n < 0)
			continue;
		if (zchan_send(&r->ch, r->peer, m, (uint32_t)n, ms_ticks(ECHO_SEND_WAIT_MS)) == 0)
			continue;
		dropped++;
		if ((dropped & (dropped - 1)) == 0) /* the 1st, 2nd, 4th, ... */
			kprintf("{\"zshm\":\"echo\",\"channel\":\"%s\",\"dropped\":%llu}\n",
			        r->ch.name, (unsigned long long)dropped);
	}
}

static void role_main(void *arg)
{
	struct role_slot *s = arg;
	struct zshm_role *r = &s->role;

	if (!strcmp(s->kind, "tx"))
		stream_tx(r);
	else if (!strcmp(s->kind, "rx"))
		stream_rx(r);
	else if (!strcmp(s->kind, "echo"))
		echo(r);
	else if (!strcmp(s->kind, "ping"))
		zshm_bench_ping(r);
	else if (!strcmp(s->kind, "pong"))
		zshm_bench_pong(r);
}

static bool known_role(const char *kind)
{
	static const char *const roles[] = { "tx", "rx", "echo", "ping", "pong" };

	for (size_t i = 0; i < sizeof(roles) / sizeof(roles[0]); i++) {
		if (!strcmp(kind, roles[i]))
			return true;
	}
	return false;
}

/* The first member that is not us: every role talks to one peer. */
static int first_peer(const struct zchan *ch)
{
	for (uint32_t i = 0; i < ch->ep.geo.member_count; i++) {
		if (i != zchan_self(ch))
			return (int)i;
	}
	return -ZE_NOENT;
}

static const char *find_colon(const char *p, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (p[i] == ':')
			return p + i;
	}
	return NULL;
}

/* "zshm=<role>:<channel>" from p (which points past "zshm="). */
static void start_role(struct role_slot *s, const struct platform *plat, const char *p, size_t n)
{
	char channel[ZCHAN_NAME_MAX];
	const char *colon = find_colon(p, n);
	size_t kind_len = colon ? (size_t)(colon - p) : 0;
	size_t name_len = colon ? n - kind_len - 1 : 0;
	int rc, peer;

	if (!colon || kind_len >= sizeof(s->kind) || !name_len || name_len >= sizeof(channel)) {
		kprintf("{\"zshm\":\"error\",\"bootarg\":\"bad zshm= word\"}\n");
		return;
	}
	memcpy(s->kind, p, kind_len);
	s->kind[kind_len] = '\0';
	memcpy(channel, colon + 1, name_len);
	channel[name_len] = '\0';
	if (!known_role(s->kind)) {
		kprintf("{\"zshm\":\"error\",\"role\":\"%s\"}\n", s->kind);
		return;
	}
	rc = zchan_open(&s->role.ch, plat->dtb, channel);
	peer = rc ? rc : first_peer(&s->role.ch);
	if (peer < 0) {
		kprintf("{\"zshm\":\"error\",\"channel\":\"%s\",\"open\":%d}\n", channel, peer);
		return;
	}
	s->role.peer = (uint32_t)peer;
	s->role.plat = plat;
	kprintf("{\"zshm\":\"open\",\"channel\":\"%s\",\"role\":\"%s\",\"member\":%u,\"epoch\":%u,"
	        "\"doorbell\":%s}\n",
	        channel, s->kind, (unsigned int)zchan_self(&s->role.ch),
	        (unsigned int)s->role.ch.ep.epoch, s->role.ch.intid ? "true" : "false");
	thread_create(&s->thread, s->kind, role_main, s, ROLE_PRIO, s->stack, sizeof(s->stack));
}

void zshm_app_start(const struct platform *plat)
{
	const char *p = plat->bootargs;
	unsigned int used = 0;

	while (*p && used < ZSHM_APP_ROLES) {
		size_t n = 0;

		while (p[n] && p[n] != ' ')
			n++;
		if (n > strlen(ARG_PREFIX) && !strncmp(p, ARG_PREFIX, strlen(ARG_PREFIX)))
			start_role(&slots[used++], plat, p + strlen(ARG_PREFIX),
			           n - strlen(ARG_PREFIX));
		p += n;
		while (*p == ' ')
			p++;
	}
}
