/*
 * The Zshm benchmarks between two RTOS VMs (bench/zshm.py, docs/zshm.md):
 * "ping" drives, "pong" answers, each on its own core.  Every message is
 * stamped with CNTPCT_EL0 at the send (the same counter in every VM).
 *
 * For each mode, doorbell (the reader sleeps on its doorbell, the writer
 * rings when asked) and polling (nobody arms, nobody rings: the reader
 * spins on the ring):
 *   - ping sends one message and waits for its echo, BENCH_TOTAL times:
 *     zshm_round_trip_<mode> (send to echo in ping's hands);
 *   - pong takes each: zshm_oneway_handler_doorbell (stamp to pong's
 *     doorbell handler), zshm_oneway_thread_<mode> (stamp to the message
 *     in pong's receiving thread);
 *   - throughput: ping sends TPUT_MESSAGES messages of each size as fast
 *     as the ring takes them, TPUT_RUNS times; pong answers the last with
 *     the ticks from the first one's stamp to the last one's receipt:
 *     zshm_tput_<mode>_s<size>_n<messages> (ticks per run).
 * Then the time base barrier: ping sends a barrier message and samples
 * its clock (the time base's wall clock on its own virtual counter) and
 * CNTPCT right after the send; pong samples both as soon as the message
 * is in its hands and sends its sample back.  The clocks' disagreement at
 * one instant is (wall_pong - wall_ping) - (pct_pong - pct_ping):
 * zshm_time_precision (|disagreement|, ns) and zshm_time_barrier_skew
 * (pct_pong - pct_ping, ticks).  Lines are the suite's JSON
 * (bench/stats.h); the last one is {"zshm":"bench done"}.
 */
#include "app/zshm_app.h"

#include "app/bench.h"
#include "bench/stats.h"
#include "drivers/timer.h"
#include "kernel/console.h"
#include "kernel/sched.h"
#include "kernel/wallclock.h"
#include "lib/format.h"
#include "lib/zerror.h"

#define TPUT_MESSAGES 1024u
#define TPUT_RUNS     6u /* the first is a warm-up */
#define TPUT_WARMUP   1u
#define LINE_MAX      256

enum msg_kind {
	MSG_PING = 1,
	MSG_PONG,
	MSG_MODE_DONE, /* arg: the next mode */
	MSG_TPUT,
	MSG_TPUT_LAST,
	MSG_TPUT_ACK, /* a: ticks first stamp -> last receipt */
	MSG_TIME_BARRIER,
	MSG_TIME_SAMPLE, /* a: pct, b: wall clock */
	MSG_END,
};

enum mode {
	MODE_DOORBELL,
	MODE_POLLING,
	MODE_COUNT
};

static const char *const mode_names[MODE_COUNT] = { "doorbell", "polling" };
static const uint32_t tput_sizes[] = { 16, 32, 64, ZSHM_MSG_MAX };

struct bench_msg {
	uint32_t kind;
	uint32_t arg;
	uint64_t a, b;
	uint8_t fill[ZSHM_MSG_MAX - 24];
};

_Static_assert(sizeof(struct bench_msg) == ZSHM_MSG_MAX, "one slot's message");

static void send_msg(struct zshm_role *r, const struct bench_msg *m, uint32_t len)
{
	int rc = zchan_send(&r->ch, r->peer, m, len, TIMEOUT_FOREVER);

	if (rc)
		kprintf("{\"zshm\":\"error\",\"channel\":\"%s\",\"send\":%d}\n", r->ch.name, rc);
}

static void send_kind(struct zshm_role *r, uint32_t kind, uint32_t arg, uint64_t a, uint64_t b)
{
	struct bench_msg m = { .kind = kind, .arg = arg, .a = a, .b = b };

	send_msg(r, &m, 24);
}

/* The next message: sleeping on the doorbell, or spinning on the ring. */
static int recv_msg(struct zshm_role *r, enum mode mode, struct bench_msg *m, uint64_t *stamp)
{
	int n;

	if (mode == MODE_DOORBELL)
		return zchan_recv(&r->ch, r->peer, m, sizeof(*m), TIMEOUT_FOREVER, stamp);
	while ((n = zchan_recv(&r->ch, r->peer, m, sizeof(*m), TIMEOUT_NO_WAIT, stamp)) ==
	       -ZE_AGAIN) {
		r->ch.polls++;
		cpu_relax();
	}
	return n;
}

static void report(const char *name, const struct bench_stats *s)
{
	char line[LINE_MAX];

	stats_json(line, sizeof(line), name, s, timer_frequency());
	kprintf("%s\n", line);
}

static void report_mode(const char *what, enum mode mode, const struct bench_stats *s)
{
	char name[64];

	fmt_snprintf(name, sizeof(name), "%s_%s", what, mode_names[mode]);
	report(name, s);
}

static void ping_latency(struct zshm_role *r, enum mode mode)
{
	static struct bench_stats rt;
	struct bench_msg m;

	stats_init(&rt, BENCH_WARMUP, BENCH_SAMPLES);
	for (uint32_t i = 0; i < BENCH_TOTAL; i++) {
		uint64_t t0 = zchan_counter();

		send_kind(r, MSG_PING, i, 0, 0);
		if (recv_msg(r, mode, &m, NULL) < 0 || m.kind != MSG_PONG || m.arg != i) {
			kprintf("{\"zshm\":\"error\",\"bench\":\"round trip\",\"at\":%u}\n",
			        (unsigned int)i);
			return;
		}
		stats_add(&rt, zchan_counter() - t0);
	}
	report_mode("zshm_round_trip", mode, &rt);
}

static void ping_throughput(struct zshm_role *r, enum mode mode, uint32_t size)
{
	static struct bench_stats runs;
	struct bench_msg m = { 0 };
	char name[64];

	stats_init(&runs, TPUT_WARMUP, TPUT_RUNS);
	for (uint32_t run = 0; run < TPUT_RUNS; run++) {
		for (uint32_t i = 0; i < TPUT_MESSAGES; i++) {
			m.kind = i + 1 == TPUT_MESSAGES ? MSG_TPUT_LAST : MSG_TPUT;
			m.arg = i;
			send_msg(r, &m, size);
		}
		if (recv_msg(r, mode, &m, NULL) < 0 || m.kind != MSG_TPUT_ACK) {
			kprintf("{\"zshm\":\"error\",\"bench\":\"throughput\"}\n");
			return;
		}
		stats_add(&runs, m.a);
	}
	fmt_snprintf(name, sizeof(name), "zshm_tput_%s_s%u_n%u", mode_names[mode],
	             (unsigned int)size, (unsigned int)TPUT_MESSAGES);
	report(name, &runs);
}

static int64_t signed_diff(uint64_t a, uint64_t b)
{
	return a >= b ? (int64_t)(a - b) : -(int64_t)(b - a);
}

static void ping_time_barrier(struct zshm_role *r)
{
	static struct bench_stats precision, skew;
	struct bench_msg m;
	int64_t worst = 0;

	if (!r->plat->timebase_base) {
		kprintf("{\"bench\":\"zshm_time_precision\",\"error\":\"no time base\"}\n");
		return;
	}
	stats_init(&precision, BENCH_WARMUP, BENCH_SAMPLES);
	stats_init(&skew, BENCH_WARMUP, BENCH_SAMPLES);
	for (uint32_t i = 0; i < BENCH_TOTAL; i++) {
		uint64_t v, pct, wall;
		int64_t d;

		send_kind(r, MSG_TIME_BARRIER, i, 0, 0);
		v = timer_now();
		pct = zchan_counter();
		wall = wallclock_at(v);
		if (recv_msg(r, MODE_POLLING, &m, NULL) < 0 || m.kind != MSG_TIME_SAMPLE) {
			kprintf("{\"zshm\":\"error\",\"bench\":\"time barrier\"}\n");
			return;
		}
		/* Both clocks count ns; pct ticks are ns at the benchmark's 1 GHz
		 * and converted otherwise. */
		d = signed_diff(m.b, wall) - signed_diff(ticks_to_ns(m.a, timer_frequency()),
		                                         ticks_to_ns(pct, timer_frequency()));
		if (i >= BENCH_WARMUP && (d < 0 ? -d : d) > (worst < 0 ? -worst : worst))
			worst = d;
		stats_add(&precision, (uint64_t)(d < 0 ? -d : d));
		stats_add(&skew, m.a - pct);
	}
	report("zshm_time_precision", &precision);
	report("zshm_time_barrier_skew", &skew);
	kprintf("{\"bench\":\"zshm_time_precision_signed\",\"worst_ns\":%lld}\n", (long long)worst);
}

void zshm_bench_ping(struct zshm_role *r)
{
	(void)zchan_wait_peer_up(&r->ch, r->peer, TIMEOUT_FOREVER);
	for (enum mode mode = MODE_DOORBELL; mode < MODE_COUNT; mode++) {
		ping_latency(r, mode);
		for (size_t s = 0; s < sizeof(tput_sizes) / sizeof(tput_sizes[0]); s++)
			ping_throughput(r, mode, tput_sizes[s]);
		send_kind(r, MSG_MODE_DONE, mode + 1, 0, 0);
	}
	ping_time_barrier(r);
	send_kind(r, MSG_END, 0, 0, 0);
	kprintf("{\"zshm\":\"bench done\",\"doorbells\":%llu,\"doorbells_rung\":%llu}\n",
	        (unsigned long long)r->ch.doorbells, (unsigned long long)r->ch.doorbells_rung);
}

struct pong_state {
	struct bench_stats handler, thread;
	uint64_t first_stamp;
	uint32_t missed_bells; /* doorbell-mode messages that needed no ring */
};

static void pong_reset(struct pong_state *p)
{
	stats_init(&p->handler, BENCH_WARMUP, BENCH_SAMPLES);
	stats_init(&p->thread, BENCH_WARMUP, BENCH_SAMPLES);
	p->missed_bells = 0;
}

static void pong_report(struct pong_state *p, enum mode mode)
{
	if (mode == MODE_DOORBELL) {
		report("zshm_oneway_handler_doorbell", &p->handler);
		kprintf("{\"zshm\":\"no doorbell needed\",\"messages\":%u}\n",
		        (unsigned int)p->missed_bells);
	}
	report_mode("zshm_oneway_thread", mode, &p->thread);
}

/* One ping: answered first, counted after. */
static void pong_ping(struct zshm_role *r, struct pong_state *p, enum mode mode,
                      const struct bench_msg *m, uint64_t stamp, uint64_t bells, uint64_t now)
{
	send_kind(r, MSG_PONG, m->arg, 0, 0);
	stats_add(&p->thread, now - stamp);
	if (mode != MODE_DOORBELL)
		return;
	if (r->ch.doorbells != bells)
		stats_add(&p->handler, r->ch.bell_entry - stamp);
	else
		p->missed_bells++;
}

static void pong_time_sample(struct zshm_role *r)
{
	uint64_t v = timer_now();
	uint64_t pct = zchan_counter();

	send_kind(r, MSG_TIME_SAMPLE, 0, pct, r->plat->timebase_base ? wallclock_at(v) : 0);
}

void zshm_bench_pong(struct zshm_role *r)
{
	static struct pong_state p;
	enum mode mode = MODE_DOORBELL;
	struct bench_msg m;
	uint64_t stamp;

	pong_reset(&p);
	for (;;) {
		uint64_t bells = r->ch.doorbells;
		int n = recv_msg(r, mode, &m, &stamp);
		uint64_t now = zchan_counter();

		if (n < 8)
			continue;
		switch (m.kind) {
		case MSG_PING: pong_ping(r, &p, mode, &m, stamp, bells, now); break;
		case MSG_TPUT:
			if (m.arg == 0)
				p.first_stamp = stamp;
			break;
		case MSG_TPUT_LAST: send_kind(r, MSG_TPUT_ACK, 0, now - p.first_stamp, 0); break;
		case MSG_MODE_DONE:
			pong_report(&p, mode);
			pong_reset(&p);
			mode = m.arg < MODE_COUNT ? (enum mode)m.arg : MODE_POLLING;
			break;
		case MSG_TIME_BARRIER: pong_time_sample(r); break;
		case MSG_END: kprintf("{\"zshm\":\"bench done\"}\n"); return;
		default: break;
		}
	}
}
