/*
 * ZVM's own network stack, one port of the virtual switch: ARP (RFC 826:
 * answers for its address, keeps a small cache), IPv4 (RFC 791, no
 * options taken, no fragments), ICMP echo reply (RFC 792) and UDP
 * (RFC 768) with a socket-like API for the VisualZVM agent.
 *
 * Everything received is hostile: every length, version, header length,
 * total length and checksum is checked before a byte behind it is read;
 * a frame that fails is dropped and counted by reason, never answered.
 *
 * Output goes through a callback that must not block nor call back in
 * (ZVM: it queues the frame for the switch thread).  Portable: no lock
 * (the caller serializes: ZVM's switch thread), no allocation, addresses
 * in host byte order; unit-tested and fuzzed on the host.
 */
#ifndef NET_NETSTACK_H
#define NET_NETSTACK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "net/eth.h"

#define NETSTACK_ARP_ENTRIES 16u
#define NETSTACK_SOCKETS     8u
/* RFC 862: the echo service, which ZVM's stack offers on UDP. */
#define UDP_PORT_ECHO        7u
/* The most UDP payload one frame carries: MTU less IPv4 and UDP headers. */
#define NETSTACK_UDP_MAX     (ETH_MTU - 20u - 8u)

/* Where a datagram came from: reply to it with netstack_udp_reply(). */
struct netstack_peer {
	uint8_t mac[ETH_ALEN]; /* the frame's source: the host or the router to it */
	uint32_t ip;
	uint16_t port;
};

typedef void (*netstack_udp_fn)(void *ctx, const struct netstack_peer *from, uint16_t to_port,
                                const uint8_t *data, size_t len);
typedef void (*netstack_output_fn)(void *ctx, const uint8_t *frame, size_t len);
/* An echo reply to one of our requests: who answered, its identifier and sequence. */
typedef void (*netstack_echo_fn)(void *ctx, uint32_t from, uint16_t id, uint16_t seq);

/* Frames dropped, by why. */
enum netstack_drop {
	NS_DROP_ETH,       /* runt, not for us, unknown EtherType */
	NS_DROP_ARP,       /* malformed or not IPv4-over-Ethernet */
	NS_DROP_IP_HEADER, /* version, header length, total length */
	NS_DROP_IP_CSUM,
	NS_DROP_IP_FRAG,  /* fragments are not reassembled */
	NS_DROP_NOT_OURS, /* an IPv4 destination not ours */
	NS_DROP_PROTO,    /* an IP protocol or ICMP type we do not serve */
	NS_DROP_ICMP,     /* malformed or bad checksum */
	NS_DROP_UDP,      /* malformed or bad checksum */
	NS_DROP_NO_SOCKET,
	NS_DROP_COUNT
};
const char *netstack_drop_name(enum netstack_drop why);

struct netstack_stats {
	uint64_t rx_frames, tx_frames;
	uint64_t arp_replies, arp_requests, icmp_echo, udp_rx, udp_tx;
	uint64_t ping_tx, ping_rx; /* echo requests we sent, replies we got */
	uint64_t dropped[NS_DROP_COUNT];
};

struct netstack_arp {
	bool used;
	uint32_t ip;
	uint8_t mac[ETH_ALEN];
	uint64_t seen;
};

struct netstack_socket {
	uint16_t port; /* 0: free */
	netstack_udp_fn recv;
	void *ctx;
};

struct netstack {
	uint8_t mac[ETH_ALEN];
	uint32_t ip, netmask, gateway;
	netstack_output_fn output;
	void *output_ctx;
	uint16_t ip_id;
	uint64_t arp_timeout; /* ticks an entry stays */
	struct netstack_arp arp[NETSTACK_ARP_ENTRIES];
	struct netstack_socket sock[NETSTACK_SOCKETS];
	netstack_echo_fn echo_reply;
	void *echo_ctx;
	struct netstack_stats stats;
};

void netstack_init(struct netstack *st, const uint8_t mac[ETH_ALEN], uint32_t ip, uint32_t netmask,
                   uint32_t gateway, uint64_t arp_timeout, netstack_output_fn output, void *ctx);
/* One frame from the switch at time now (ticks): answered, delivered or dropped. */
void netstack_input(struct netstack *st, const uint8_t *frame, size_t len, uint64_t now);
/* Announces the address (a gratuitous ARP request, RFC 5227 2.3). */
void netstack_announce(struct netstack *st);
/* Serves UDP port on recv: 0, -ZE_BUSY (taken), -ZE_NO_SPACE, -ZE_INVAL (port 0). */
int netstack_udp_bind(struct netstack *st, uint16_t port, netstack_udp_fn recv, void *ctx);
void netstack_udp_unbind(struct netstack *st, uint16_t port);
/* Answers a datagram's sender from port: 0 or -ZE_INVAL (too long). */
int netstack_udp_reply(struct netstack *st, const struct netstack_peer *to, uint16_t from_port,
                       const uint8_t *data, size_t len);
/*
 * Sends to ip:port (through the gateway when off the subnet): 0, or
 * -ZE_AGAIN when the next hop's MAC is not known yet (an ARP request went
 * out: try again), -ZE_INVAL (too long, or no route).
 */
int netstack_udp_send(struct netstack *st, uint32_t ip, uint16_t port, uint16_t from_port,
                      const uint8_t *data, size_t len, uint64_t now);
/*
 * Sends an ICMP echo request (RFC 792) of data_len bytes of pattern to ip
 * (through the gateway when off the subnet): 0, -ZE_AGAIN (the next hop's
 * MAC is not known yet: an ARP request went out), -ZE_INVAL (no route, too long).
 */
int netstack_ping(struct netstack *st, uint32_t ip, uint16_t id, uint16_t seq, size_t data_len,
                  uint64_t now);
/* Where echo replies go (called from netstack_input; NULL: only counted). */
void netstack_on_echo_reply(struct netstack *st, netstack_echo_fn fn, void *ctx);
/* The next hop's MAC for ip: 0, -ZE_AGAIN (ARP asked), -ZE_INVAL (no route). */
int netstack_next_hop(struct netstack *st, uint32_t ip, uint64_t now, const uint8_t **mac);

/* The MAC cached for ip, or NULL. */
const uint8_t *netstack_arp_lookup(const struct netstack *st, uint32_t ip, uint64_t now);

/* RFC 1071 Internet checksum over len bytes, folded, starting from sum. */
uint16_t inet_checksum(const uint8_t *p, size_t len, uint32_t sum);

#endif
