/*
 * The agent thread: takes datagrams from its inbox and runs them through
 * the protocol server, whose replies go back to the datagram's transport.
 * All of its memory is static (docs/protocol.md, "Bounded memory").
 */
#include "agent/agent.h"
#include "agent/agent_events.h"
#include "kernel/log.h"
#include "kernel/msgq.h"
#include "kernel/mutex.h"
#include "kernel/spinlock.h"
#include "kernel/thread.h"
#include "lib/string.h"

/* The server's state is large (its reply caches): a thread's stack holds
 * only what one method needs. */
#define AGENT_STACK (32 * 1024)

struct inbox_entry {
	const struct agent_transport *from;
	size_t len;
	uint8_t data[RPC_DATAGRAM_MAX];
};

static struct rpc_server server;
static struct inbox_entry inbox_storage[AGENT_INBOX];
static struct msgq inbox;
static struct inbox_entry current;
static struct spinlock stats_lock = SPINLOCK_INIT;
static uint64_t dropped, serial_bad;
static bool started;
static struct mutex post_lock; /* the serial (shell) and UDP (switch) threads both post */

int agent_dispatch(void *ctx, struct rpc_call *call);

bool agent_post(const struct agent_transport *from, const uint8_t *datagram, size_t len)
{
	static struct inbox_entry entry; /* the posters take turns: post_lock */

	if (!started || len > sizeof(entry.data)) {
		agent_count_serial_bad();
		return false;
	}
	mutex_lock(&post_lock, WAIT_FOREVER);
	entry.from = from;
	entry.len = len;
	memcpy(entry.data, datagram, len);
	int rc = msgq_send(&inbox, &entry, NO_WAIT);
	mutex_unlock(&post_lock);
	if (rc == 0)
		return true;
	uint64_t flags = spin_lock_irqsave(&stats_lock);
	dropped++;
	spin_unlock_irqrestore(&stats_lock, flags);
	return false;
}

void agent_count_serial_bad(void)
{
	uint64_t flags = spin_lock_irqsave(&stats_lock);
	serial_bad++;
	spin_unlock_irqrestore(&stats_lock, flags);
}

void agent_stats(struct agent_stats *out)
{
	uint64_t flags = spin_lock_irqsave(&stats_lock);

	/* The server's counters change only on the agent's own thread, which
	 * is below every reader: a copy may be one datagram behind. */
	out->rpc = server.stats;
	out->dropped = dropped;
	out->serial_bad = serial_bad;
	out->has_key = server.has_key;
	spin_unlock_irqrestore(&stats_lock, flags);
	agent_udp_stats(&out->udp_port, &out->udp_received, &out->udp_bad);
}

const struct agent_transport *agent_current_transport(void)
{
	return current.from;
}

static void agent_thread(void *arg)
{
	(void)arg;
	for (;;) {
		if (msgq_recv(&inbox, &current, agent_events_wait()) == 0)
			rpc_server_handle(&server, current.data, current.len, current.from->send,
			                  current.from->ctx);
		agent_events_poll(&server);
	}
}

void agent_start(unsigned cpu, const uint8_t *key)
{
	rpc_server_init(&server, key, agent_dispatch, 0);
	msgq_init(&inbox, inbox_storage, sizeof(inbox_storage[0]), AGENT_INBOX);
	mutex_init(&post_lock, "agent-post");
	if (!thread_create("agent", agent_thread, 0, AGENT_PRIORITY, cpu, AGENT_STACK)) {
		log_msg(LOG_ERROR, "agent: cannot create its thread");
		return;
	}
	started = true;
	if (!key)
		log_msg(LOG_WARN, "agent: no mgmt-key in the configuration: every request "
		                  "is refused");
	agent_serial_start();
}
