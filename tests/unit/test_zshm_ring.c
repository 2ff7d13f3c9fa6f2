/*
 * Host tests of the Zshm layout and endpoint (lib/zshm_ring.h): geometry,
 * order, full, event suppression, hostile peers, restarts, a writer that
 * dies mid-message, and a two-thread stress with doorbells as semaphores.
 */
#define _POSIX_C_SOURCE 200809L

#include <errno.h>
#include <pthread.h>
#include <semaphore.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <cmocka.h>

#include "lib/zerror.h"
#include "lib/zshm_ring.h"

#define SECTION      0x1000u /* (4096 - 2048) / 128: 16 slots, one reader */
#define RING_SLOTS   16u
#define STRESS_MSGS  1000000u
#define WAIT_BOUND_S 30 /* a lost doorbell hangs: fail instead */

/* Two members, both ways, as the RTOS <-> Linux channel. */
static const struct zshm_geometry pair = {
	.section_size = SECTION, .member_count = 2, .writers = 3, .readers = 3
};

static void *new_region(const struct zshm_geometry *g)
{
	void *r = aligned_alloc(ZSHM_CACHE_LINE, (size_t)zshm_region_size(g));

	assert_non_null(r);
	memset(r, 0, (size_t)zshm_region_size(g));
	return r;
}

static void test_geometry(void **state)
{
	struct zshm_geometry g = {
		.section_size = 0x10000, .member_count = 3, .writers = 1, .readers = 6
	};

	(void)state;
	assert_int_equal(zshm_geometry_check(&pair), 0);
	assert_int_equal(zshm_ring_slots(&pair, 0), RING_SLOTS);
	assert_int_equal(zshm_ring_offset(&pair, 0, 1), ZSHM_CTRL_SIZE);
	assert_int_equal(zshm_ring_offset(&pair, 1, 0), SECTION + ZSHM_CTRL_SIZE);
	assert_false(zshm_has_ring(&pair, 0, 0));
	/* Multicast: member 0 writes to 1 and 2, rings side by side. */
	assert_int_equal(zshm_geometry_check(&g), 0);
	assert_int_equal(zshm_ring_slots(&g, 0), 128); /* 63488 / 2 / 128 = 248 */
	assert_int_equal(zshm_ring_offset(&g, 0, 2), ZSHM_CTRL_SIZE + 128u * ZSHM_SLOT_SIZE);
	assert_true(zshm_ring_offset(&g, 0, 2) + 128u * ZSHM_SLOT_SIZE <= g.section_size);
	assert_int_equal(zshm_ring_slots(&g, 1), 0);
	assert_false(zshm_has_ring(&g, 1, 2));
	/* Bad ones. */
	g.member_count = 0;
	assert_int_equal(zshm_geometry_check(&g), -ZE_INVAL);
	g.member_count = 2; /* reader 2 is not a member */
	assert_int_equal(zshm_geometry_check(&g), -ZE_INVAL);
	g = pair;
	g.section_size = 0x1800;
	assert_int_equal(zshm_geometry_check(&g), -ZE_INVAL);
	g.section_size = 0x2000000;
	assert_int_equal(zshm_geometry_check(&g), -ZE_INVAL);
	g = pair;
	g.member_count = ZSHM_MAX_PEERS + 1;
	assert_int_equal(zshm_geometry_check(&g), -ZE_INVAL);
}

static void open_pair(void *region, struct zshm_endpoint *a, struct zshm_endpoint *b)
{
	assert_int_equal(zshm_open(a, region, &pair, 0), 0);
	assert_int_equal(zshm_open(b, region, &pair, 1), 0);
}

static void test_order_and_full(void **state)
{
	void *region = new_region(&pair);
	struct zshm_endpoint a, b;
	struct zshm_member_view v;
	char buf[ZSHM_MSG_MAX];
	bool bell;

	(void)state;
	open_pair(region, &a, &b);
	assert_int_equal(zshm_recv(&b, 0, buf, sizeof(buf), 0, &bell), -ZE_AGAIN);
	for (uint32_t i = 0; i < RING_SLOTS; i++) {
		memset(buf, (int)i, sizeof(buf));
		assert_int_equal(zshm_send(&a, 1, buf, i + 1, i, &bell), 0);
	}
	/* Full: refused and counted; what is queued is untouched. */
	assert_int_equal(zshm_send(&a, 1, buf, 5, 0, &bell), -ZE_AGAIN);
	assert_int_equal(zshm_send(&a, 1, buf, 5, 0, &bell), -ZE_AGAIN);
	zshm_view_member(region, &pair, 0, &v);
	assert_true(v.opened);
	assert_int_equal(v.full_events, 2);
	assert_int_equal(v.messages_sent, RING_SLOTS);
	assert_int_equal(zshm_pending(&b, 0), RING_SLOTS);
	for (uint32_t i = 0; i < RING_SLOTS; i++) {
		char want[ZSHM_MSG_MAX];
		memset(want, (int)i, sizeof(want));
		assert_int_equal(zshm_recv(&b, 0, buf, sizeof(buf), 100, &bell), (int)(i + 1));
		assert_memory_equal(buf, want, i + 1);
	}
	assert_int_equal(zshm_recv(&b, 0, buf, sizeof(buf), 0, &bell), -ZE_AGAIN);
	/* Too small a buffer leaves the message queued. */
	assert_int_equal(zshm_send(&a, 1, buf, ZSHM_MSG_MAX, 0, &bell), 0);
	assert_int_equal(zshm_recv(&b, 0, buf, 8, 0, &bell), -ZE_NO_SPACE);
	assert_int_equal(zshm_recv(&b, 0, buf, sizeof(buf), 0, &bell), (int)ZSHM_MSG_MAX);
	assert_int_equal(zshm_send(&a, 1, buf, ZSHM_MSG_MAX + 1, 0, &bell), -ZE_INVAL);
	assert_int_equal(zshm_send(&a, 0, buf, 1, 0, &bell), -ZE_INVAL);
	free(region);
}

static void test_event_suppression(void **state)
{
	void *region = new_region(&pair);
	struct zshm_endpoint a, b;
	char buf[ZSHM_MSG_MAX] = "x";
	bool bell;

	(void)state;
	open_pair(region, &a, &b);
	/* Nobody asked: no doorbell. */
	assert_int_equal(zshm_send(&a, 1, buf, 1, 0, &bell), 0);
	assert_false(bell);
	/* A message is there: arming says so, do not sleep. */
	assert_true(zshm_arm_recv(&b, 0));
	assert_int_equal(zshm_recv(&b, 0, buf, sizeof(buf), 0, &bell), 1);
	assert_false(zshm_arm_recv(&b, 0));
	/* Empty -> non-empty rings once; the next ones are quiet. */
	assert_int_equal(zshm_send(&a, 1, buf, 1, 0, &bell), 0);
	assert_true(bell);
	assert_int_equal(zshm_send(&a, 1, buf, 1, 0, &bell), 0);
	assert_false(bell);
	zshm_disarm_recv(&b, 0);
	assert_int_equal(zshm_recv(&b, 0, buf, sizeof(buf), 0, &bell), 1);
	assert_int_equal(zshm_recv(&b, 0, buf, sizeof(buf), 0, &bell), 1);
	assert_int_equal(zshm_send(&a, 1, buf, 1, 0, &bell), 0);
	assert_false(bell);
	assert_int_equal(zshm_recv(&b, 0, buf, sizeof(buf), 0, &bell), 1);
	/* The writer asks for space: the reader's first pop rings it. */
	for (uint32_t i = 0; i < RING_SLOTS; i++)
		assert_int_equal(zshm_send(&a, 1, buf, 1, 0, &bell), 0);
	assert_false(zshm_arm_space(&a, 1));
	assert_int_equal(zshm_recv(&b, 0, buf, sizeof(buf), 0, &bell), 1);
	assert_true(bell);
	assert_int_equal(zshm_recv(&b, 0, buf, sizeof(buf), 0, &bell), 1);
	assert_false(bell);
	free(region);
}

static void test_hostile_peer(void **state)
{
	void *region = new_region(&pair);
	struct zshm_endpoint a, b;
	struct zshm_ring_view view;
	char buf[ZSHM_MSG_MAX] = "x";
	bool bell;

	(void)state;
	open_pair(region, &a, &b);
	/* A reader's head ahead of the tail: the writer does not write. */
	zshm_rx_of(region, &pair, 0, 1)->head = 1000;
	assert_int_equal(zshm_send(&a, 1, buf, 1, 0, &bell), -ZE_CORRUPT);
	zshm_view_ring(region, &pair, 0, 1, &view);
	assert_true(view.broken);
	assert_int_equal(view.pending, 0);
	zshm_rx_of(region, &pair, 0, 1)->head = 0;
	/* A slot length beyond the slot: skipped, reported. */
	assert_int_equal(zshm_send(&a, 1, buf, 1, 0, &bell), 0);
	assert_int_equal(zshm_send(&a, 1, "ok", 2, 0, &bell), 0);
	((struct zshm_slot *)(void *)((uint8_t *)region + zshm_ring_offset(&pair, 0, 1)))->len =
	        0xffffffffu;
	assert_int_equal(zshm_recv(&b, 0, buf, sizeof(buf), 0, &bell), -ZE_CORRUPT);
	assert_int_equal(zshm_recv(&b, 0, buf, sizeof(buf), 0, &bell), 2);
	assert_memory_equal(buf, "ok", 2);
	/* A writer's tail far ahead: the reader resynchronises, reads nothing. */
	zshm_tx_of(region, &pair, 0, 1)->tail = 0x80000000u;
	assert_int_equal(zshm_recv(&b, 0, buf, sizeof(buf), 0, &bell), -ZE_CORRUPT);
	assert_int_equal(zshm_recv(&b, 0, buf, sizeof(buf), 0, &bell), -ZE_AGAIN);
	assert_int_equal(b.corrupt, 2);
	free(region);
}

/* Indices run freely across 2^32. */
static void test_wraparound(void **state)
{
	void *region = new_region(&pair);
	struct zshm_endpoint a, b;
	uint32_t got;
	bool bell;

	(void)state;
	zshm_tx_of(region, &pair, 0, 1)->tail = UINT32_MAX - 5;
	open_pair(region, &a, &b); /* b starts at a's tail */
	for (uint32_t i = 0; i < 4 * RING_SLOTS; i++) {
		assert_int_equal(zshm_send(&a, 1, &i, sizeof(i), 0, &bell), 0);
		assert_int_equal(zshm_recv(&b, 0, &got, sizeof(got), 0, &bell), 4);
		assert_int_equal(got, i);
	}
	free(region);
}

/* The reader restarts: the writer notices the epoch; old messages dropped. */
static void test_reader_restart(void **state)
{
	void *region = new_region(&pair);
	struct zshm_endpoint a, b;
	uint32_t e, got, v = 7;
	bool bell;

	(void)state;
	open_pair(region, &a, &b);
	/* b came up after a opened: a sees that once; b saw a up already. */
	assert_true(zshm_peer_changed(&a, 1));
	assert_false(zshm_peer_changed(&a, 1));
	assert_false(zshm_peer_changed(&b, 0));
	assert_true(zshm_peer_up(&a, 1));
	e = zshm_peer_epoch(&a, 1);
	assert_int_equal(zshm_send(&a, 1, &v, 4, 0, &bell), 0);
	assert_int_equal(zshm_open(&b, region, &pair, 1), 0);
	assert_true(zshm_peer_changed(&a, 1));
	assert_false(zshm_peer_changed(&a, 1));
	assert_int_equal(zshm_peer_epoch(&a, 1), e + 1);
	assert_int_equal(zshm_recv(&b, 0, &got, 4, 0, &bell), -ZE_AGAIN);
	v = 8;
	assert_int_equal(zshm_send(&a, 1, &v, 4, 0, &bell), 0);
	assert_int_equal(zshm_recv(&b, 0, &got, 4, 0, &bell), 4);
	assert_int_equal(got, 8);
	/* Down is seen too. */
	zshm_close(&b);
	assert_true(zshm_peer_changed(&a, 1));
	assert_false(zshm_peer_up(&a, 1));
	free(region);
}

/* A stamped message sets the reader's last latency; an unstamped one not. */
static void test_unstamped_latency(void **state)
{
	void *region = new_region(&pair);
	struct zshm_endpoint a, b;
	uint32_t v = 1, got;
	bool bell;

	(void)state;
	open_pair(region, &a, &b);
	assert_int_equal(zshm_send(&a, 1, &v, 4, 40, &bell), 0);
	assert_int_equal(zshm_recv(&b, 0, &got, 4, 100, &bell), 4);
	assert_int_equal(zshm_rx_of(region, &pair, 0, 1)->last_latency, 60);
	assert_int_equal(zshm_send(&a, 1, &v, 4, ZSHM_UNSTAMPED, &bell), 0);
	assert_int_equal(zshm_recv(&b, 0, &got, 4, 500, &bell), 4);
	assert_int_equal(zshm_rx_of(region, &pair, 0, 1)->last_latency, 60);
	free(region);
}

/* A member's clock record: none, whole, rewritten, caught mid-write. */
static void test_clock_record(void **state)
{
	void *region = new_region(&pair);
	struct zshm_header *h = zshm_header_of(region, &pair, 1);
	uint64_t vcount, ns;

	(void)state;
	assert_false(zshm_clock_read(region, &pair, 1, &vcount, &ns));
	zshm_clock_publish(region, &pair, 1, 1234, 1796000000000000000ull);
	assert_true(zshm_clock_read(region, &pair, 1, &vcount, &ns));
	assert_int_equal(vcount, 1234);
	assert_int_equal(ns, 1796000000000000000ull);
	assert_false(zshm_clock_read(region, &pair, 0, &vcount, &ns)); /* the other's */
	zshm_clock_publish(region, &pair, 1, 5678, 1796000000000000777ull);
	assert_true(zshm_clock_read(region, &pair, 1, &vcount, &ns));
	assert_int_equal(vcount, 5678);
	/* The owner stopped after its first store: no record to trust. */
	h->clock_ns = 0;
	h->clock_vcount = 9999;
	assert_false(zshm_clock_read(region, &pair, 1, &vcount, &ns));
	free(region);
}

/*
 * A writer dies in the middle of a message (slot half written, tail not
 * published) and boots again: the reader never sees the half message, sees
 * the new epoch, and everything published before the crash still arrives.
 */
static void test_writer_crash_mid_message(void **state)
{
	void *region = new_region(&pair);
	struct zshm_endpoint a, b;
	struct zshm_slot *half;
	uint32_t got, v;
	bool bell;

	(void)state;
	open_pair(region, &a, &b);
	for (v = 0; v < 3; v++)
		assert_int_equal(zshm_send(&a, 1, &v, 4, 0, &bell), 0);
	half = (struct zshm_slot *)(void *)((uint8_t *)region + zshm_ring_offset(&pair, 0, 1) +
	                                    3 * ZSHM_SLOT_SIZE);
	half->len = 4;
	memset(half->data, 0xee, 4); /* the crash: no tail store follows */
	memset(&a, 0x55, sizeof(a)); /* its private memory is gone */
	assert_int_equal(zshm_recv(&b, 0, &got, 4, 0, &bell), 4);
	assert_int_equal(got, 0);
	assert_int_equal(zshm_open(&a, region, &pair, 0), 0);
	assert_true(zshm_peer_changed(&b, 0));
	for (v = 1; v < 3; v++) {
		assert_int_equal(zshm_recv(&b, 0, &got, 4, 0, &bell), 4);
		assert_int_equal(got, v);
	}
	assert_int_equal(zshm_recv(&b, 0, &got, 4, 0, &bell), -ZE_AGAIN);
	v = 100;
	assert_int_equal(zshm_send(&a, 1, &v, 4, 0, &bell), 0);
	assert_int_equal(zshm_recv(&b, 0, &got, 4, 0, &bell), 4);
	assert_int_equal(got, 100);
	free(region);
}

/*
 * Two threads, 1 000 000 messages of varying length through a 16-slot
 * ring; each side sleeps on a semaphore (the doorbell) only after arming,
 * so a missed wakeup would hang the test into its bound.
 */
struct stress {
	struct zshm_endpoint a, b;
	sem_t rx_bell, space_bell;
	uint32_t rx_bells, space_bells, full;
	uint64_t sent_sum, got_sum, received, bad;
};

static int wait_bell(sem_t *s)
{
	struct timespec t;

	clock_gettime(CLOCK_REALTIME, &t);
	t.tv_sec += WAIT_BOUND_S;
	while (sem_timedwait(s, &t) != 0)
		if (errno != EINTR)
			return -1;
	return 0;
}

static uint32_t message_of(uint32_t seq, uint8_t *msg)
{
	uint32_t len = 4 + seq % (ZSHM_MSG_MAX - 3);

	for (uint32_t i = 0; i < len; i++)
		msg[i] = (uint8_t)(seq * 31u + i);
	memcpy(msg, &seq, 4);
	return len;
}

static void *writer_main(void *arg)
{
	struct stress *s = arg;
	uint8_t msg[ZSHM_MSG_MAX];

	for (uint32_t seq = 0; seq < STRESS_MSGS; seq++) {
		uint32_t len = message_of(seq, msg);
		bool bell;
		int rc;

		while ((rc = zshm_send(&s->a, 1, msg, len, seq, &bell)) == -ZE_AGAIN) {
			s->full++;
			if (!zshm_arm_space(&s->a, 1) && wait_bell(&s->space_bell))
				return (void *)1;
		}
		if (rc)
			return (void *)2;
		for (uint32_t i = 0; i < len; i++)
			s->sent_sum += msg[i];
		if (bell)
			sem_post(&s->rx_bell);
	}
	return NULL;
}

static void *reader_main(void *arg)
{
	struct stress *s = arg;
	uint8_t got[ZSHM_MSG_MAX], want[ZSHM_MSG_MAX];

	for (uint32_t seq = 0; seq < STRESS_MSGS; seq++) {
		bool bell;
		int len;

		while ((len = zshm_recv(&s->b, 0, got, sizeof(got), seq, &bell)) == -ZE_AGAIN) {
			if (!zshm_arm_recv(&s->b, 0) && wait_bell(&s->rx_bell))
				return (void *)1;
			zshm_disarm_recv(&s->b, 0);
		}
		if (len < 0 || (uint32_t)len != message_of(seq, want) ||
		    memcmp(got, want, (size_t)len) != 0)
			s->bad++;
		for (int i = 0; i < len; i++)
			s->got_sum += got[i];
		s->received++;
		if (bell)
			sem_post(&s->space_bell);
	}
	return NULL;
}

static void test_two_thread_stress(void **state)
{
	static struct stress s;
	void *region = new_region(&pair), *wr, *rr;
	pthread_t w, r;

	(void)state;
	memset(&s, 0, sizeof(s));
	open_pair(region, &s.a, &s.b);
	assert_int_equal(sem_init(&s.rx_bell, 0, 0), 0);
	assert_int_equal(sem_init(&s.space_bell, 0, 0), 0);
	assert_int_equal(pthread_create(&r, NULL, reader_main, &s), 0);
	assert_int_equal(pthread_create(&w, NULL, writer_main, &s), 0);
	assert_int_equal(pthread_join(w, &wr), 0);
	assert_int_equal(pthread_join(r, &rr), 0);
	assert_null(wr);
	assert_null(rr);
	assert_int_equal(s.bad, 0);
	assert_int_equal(s.received, STRESS_MSGS);
	assert_int_equal(s.got_sum, s.sent_sum);
	assert_int_equal(zshm_pending(&s.b, 0), 0);
	assert_int_equal(s.a.corrupt + s.b.corrupt, 0);
	sem_destroy(&s.rx_bell);
	sem_destroy(&s.space_bell);
	free(region);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_geometry),
		cmocka_unit_test(test_order_and_full),
		cmocka_unit_test(test_event_suppression),
		cmocka_unit_test(test_hostile_peer),
		cmocka_unit_test(test_wraparound),
		cmocka_unit_test(test_reader_restart),
		cmocka_unit_test(test_writer_crash_mid_message),
		cmocka_unit_test(test_unstamped_latency),
		cmocka_unit_test(test_clock_record),
		cmocka_unit_test(test_two_thread_stress),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
