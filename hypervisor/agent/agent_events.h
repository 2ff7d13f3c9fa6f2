/* The agent's event notifications: agent_events.c. */
#ifndef AGENT_AGENT_EVENTS_H
#define AGENT_AGENT_EVENTS_H

#include <stdint.h>

#include "agent/agent.h"

/* How often the VMs are looked at while someone subscribes. */
#define AGENT_EVENT_POLL_MS        100
/* A metrics stream's period: on a 115200-baud line one event of a few
 * KiB of hex takes a few hundred milliseconds. */
#define AGENT_METRICS_MIN_MS       250
#define AGENT_METRICS_MAX_MS       60000
/* Test events sent per look at most (the rest follow 100 ms later). */
#define AGENT_TEST_EVENTS_PER_LOOK 8
/* Log lines sent per look at most: a burst follows at this pace, and what
 * the log ring overwrote meanwhile is skipped. */
#define AGENT_LOG_EVENTS_PER_LOOK  16

/* The agent thread: sends what changed since the last call. */
void agent_events_poll(struct rpc_server *s);
/* How long the agent thread may wait for its next datagram (ticks). */
uint64_t agent_events_wait(void);
/* The transport the request being handled came in on (agent.c). */
const struct agent_transport *agent_current_transport(void);

#endif
