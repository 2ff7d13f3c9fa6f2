/*
 * The UDP transport (docs/protocol.md, "UDP transport"): the agent on ZVM's
 * own stack, one protocol datagram per UDP payload, the same server as the
 * serial path.  Datagrams arrive on the switch thread (net_udp_bind's
 * callback: it must not block) and go to the agent's bounded inbox like a
 * serial frame; a full inbox drops them, counted.
 *
 * Each sender (IPv4 address, port, the MAC it came from) gets one of
 * AGENT_UDP_PEERS transports, so a reply and the events of a subscriber go
 * back where their request came from.  A new sender takes the least
 * recently heard one: a flood of senders costs the older ones their
 * events, never memory.  The table is written on the switch thread and
 * read on the agent's, under a spinlock; a reply is sent from a copy.
 */
#include "agent/agent.h"
#include "kernel/log.h"
#include "kernel/spinlock.h"
#include "lib/rpc.h"
#include "lib/string.h"
#include "net/net_service.h"

/* As many senders as the protocol server keeps clients (lib/rpc.h). */
#define AGENT_UDP_PEERS RPC_CLIENTS

struct udp_peer {
	struct agent_transport transport; /* ctx: this slot */
	struct netstack_peer addr;
	uint64_t heard; /* when last heard, in datagrams */
	bool used;
};

static struct udp_peer peers[AGENT_UDP_PEERS];
static struct spinlock peers_lock = SPINLOCK_INIT;
static uint16_t agent_port;
static uint64_t heard_count, udp_bad, udp_received;

static bool same_peer(const struct netstack_peer *a, const struct netstack_peer *b)
{
	return a->ip == b->ip && a->port == b->port && memcmp(a->mac, b->mac, ETH_ALEN) == 0;
}

static void udp_send(void *ctx, const uint8_t *datagram, size_t len)
{
	struct udp_peer *p = ctx;
	struct netstack_peer to;

	uint64_t flags = spin_lock_irqsave(&peers_lock);
	to = p->addr;
	spin_unlock_irqrestore(&peers_lock, flags);
	net_udp_reply(&to, agent_port, datagram, len);
}

/* The slot of from (the switch thread, lock held): found, free or the oldest. */
static struct udp_peer *slot_of(const struct netstack_peer *from)
{
	struct udp_peer *oldest = &peers[0];

	for (unsigned i = 0; i < AGENT_UDP_PEERS; i++) {
		struct udp_peer *p = &peers[i];
		if (p->used && same_peer(&p->addr, from))
			return p;
		if (!p->used || (oldest->used && p->heard < oldest->heard))
			oldest = p;
	}
	oldest->used = true;
	oldest->addr = *from;
	return oldest;
}

static void udp_recv(void *ctx, const struct netstack_peer *from, uint16_t to_port,
                     const uint8_t *data, size_t len)
{
	(void)ctx;
	(void)to_port;
	if (len < RPC_HEADER_BYTES || len > RPC_DATAGRAM_MAX) {
		udp_bad++; /* no protocol datagram: not worth the agent's time */
		return;
	}
	uint64_t flags = spin_lock_irqsave(&peers_lock);
	struct udp_peer *p = slot_of(from);
	p->heard = ++heard_count;
	udp_received++;
	spin_unlock_irqrestore(&peers_lock, flags);
	agent_post(&p->transport, data, len);
}

void agent_udp_start(uint16_t port)
{
	if (port == 0)
		return;
	for (unsigned i = 0; i < AGENT_UDP_PEERS; i++)
		peers[i].transport = (struct agent_transport){ "udp", udp_send, &peers[i] };
	int rc = net_udp_bind(port, udp_recv, NULL);
	if (rc) {
		log_msg(LOG_ERROR, "agent: cannot serve UDP port %u: %s", port, zerror_name(rc));
		return;
	}
	agent_port = port;
	log_msg(LOG_INFO, "agent: JSON-RPC on UDP port %u", port);
}

void agent_udp_stats(uint16_t *port, uint64_t *received, uint64_t *bad)
{
	*port = agent_port;
	*received = udp_received;
	*bad = udp_bad;
}
