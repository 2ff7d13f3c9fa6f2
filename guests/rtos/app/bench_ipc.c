/*
 * Inter-thread communication benchmarks.
 *   sem_shuffle: two equal-priority threads pass control with two
 *     semaphores; a sample is from one thread's give to the other thread
 *     returning from its take.
 *   msg_latency: a low-priority thread sends its timestamp to a blocked
 *     high-priority receiver; a sample is from before the send to the
 *     receiver holding the message.
 */
#include "app/bench.h"
#include "kernel/msgq.h"
#include "drivers/timer.h"

#define MSGQ_DEPTH 4

struct shuffle_side {
	struct semaphore *mine, *theirs;
};

struct bench_msg {
	uint64_t sent_at;
	uint64_t sequence;
};

static struct bench_stats stats;
static volatile uint64_t stamp;
static unsigned int threads_left;
static struct semaphore sem_a, sem_b;
static struct shuffle_side side_a = { &sem_a, &sem_b };
static struct shuffle_side side_b = { &sem_b, &sem_a };
static struct msgq queue;
static struct bench_msg queue_buf[MSGQ_DEPTH];

static void shuffler(void *arg)
{
	struct shuffle_side *side = arg;

	while (!stats_full(&stats)) {
		sem_take(side->mine, TIMEOUT_FOREVER);
		stats_add(&stats, timer_now() - stamp);
		stamp = timer_now();
		sem_give(side->theirs);
	}
	/* The other side is still blocked in sem_take: release it. */
	sem_give(side->theirs);
	if (--threads_left == 0) {
		bench_report("sem_shuffle", &stats);
		bench_finish();
	}
}

void bench_sem_shuffle(void)
{
	stats_init(&stats, BENCH_WARMUP, BENCH_SAMPLES);
	threads_left = 2;
	sem_init(&sem_a, 0, 1);
	sem_init(&sem_b, 0, 1);
	bench_spawn(0, "shuffle-a", shuffler, &side_a, PRIO_BENCH_MID);
	bench_spawn(1, "shuffle-b", shuffler, &side_b, PRIO_BENCH_MID);
	stamp = timer_now();
	sem_give(&sem_a);
}

static void receiver(void *arg)
{
	struct bench_msg msg;
	unsigned int i;

	(void)arg;
	for (i = 0; i < BENCH_TOTAL; i++) {
		msgq_receive(&queue, &msg, TIMEOUT_FOREVER);
		stats_add(&stats, timer_now() - msg.sent_at);
	}
}

static void sender(void *arg)
{
	struct bench_msg msg;
	unsigned int i;

	(void)arg;
	for (i = 0; i < BENCH_TOTAL; i++) {
		msg.sequence = i;
		msg.sent_at = timer_now();
		msgq_send(&queue, &msg, TIMEOUT_FOREVER);
	}
	bench_report("msg_latency", &stats);
	bench_finish();
}

void bench_msg_latency(void)
{
	stats_init(&stats, BENCH_WARMUP, BENCH_SAMPLES);
	msgq_init(&queue, queue_buf, sizeof(queue_buf), sizeof(queue_buf[0]));
	bench_spawn(0, "receiver", receiver, NULL, PRIO_BENCH_HIGH);
	bench_spawn(1, "sender", sender, NULL, PRIO_BENCH_LOW);
}
