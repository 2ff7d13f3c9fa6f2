/*
 * The management agent (docs/protocol.md): a thread on ZVM's core, below
 * the shell and everything real-time, that answers JSON-RPC requests from
 * any transport through lib/rpc_server.c.  Transports (the serial console,
 * UDP on ZVM's stack) hand it datagrams with agent_post() and get its
 * replies through their send function.
 */
#ifndef AGENT_AGENT_H
#define AGENT_AGENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/rpc_server.h"

/* Below the shell and the test runner (20): the agent never delays them. */
#define AGENT_PRIORITY 24
/* Datagrams waiting for the agent thread: a flood beyond is dropped. */
#define AGENT_INBOX    2

struct agent_transport {
	const char *name;
	rpc_send_fn send;
	void *ctx;
};

/* What the transports saw besides the server's own counters. */
struct agent_stats {
	struct rpc_stats rpc;
	uint64_t dropped;               /* the inbox was full */
	uint64_t serial_bad;            /* serial frames that were no datagram */
	uint16_t udp_port;              /* 0: not on the network */
	uint64_t udp_received, udp_bad; /* UDP payloads taken, and too short or long */
	bool has_key;
};

/* Starts the agent on cpu with key (32 bytes, or NULL: it refuses all). */
void agent_start(unsigned cpu, const uint8_t *key);
/* From a transport's thread (the shell's, the switch's; not an interrupt):
 * false when dropped.  from must outlive the datagram (its reply). */
bool agent_post(const struct agent_transport *from, const uint8_t *datagram, size_t len);
void agent_stats(struct agent_stats *out);
/* The serial transport's bad frames (agent_serial.c). */
void agent_count_serial_bad(void);
/* Starts the serial transport: frames on the console UART. */
void agent_serial_start(void);
/* Serves the protocol on UDP port of ZVM's stack (0: not at all); after
 * net_service_start().  agent_udp.c. */
void agent_udp_start(uint16_t port);
/* Its port (0: none), datagrams taken and datagrams too short or long to be one. */
void agent_udp_stats(uint16_t *port, uint64_t *received, uint64_t *bad);

#endif
