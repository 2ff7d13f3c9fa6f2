/*
 * The RTOS's Zshm roles (app/zshm_app.c, app/zshm_bench.c), chosen by
 * bootargs words "zshm=<role>:<channel>" (at most ZSHM_APP_ROLES):
 *   tx     sends a stream of ZSHM_STREAM_MSGS checksummed messages
 *   rx     receives one and checks every message
 *   echo   sends every message back to its sender (the default system's
 *          rtos-linux channel: Linux's endpoint talks to it)
 *   ping   the Zshm benchmarks' initiator: latency, round trip,
 *          throughput, then the time base barrier
 *   pong   their responder
 * Each role runs in a thread of its own on the channel's first peer.
 * The RTOS must keep running (bootargs "keep-running").
 */
#ifndef RTOS_APP_ZSHM_APP_H
#define RTOS_APP_ZSHM_APP_H

#include "kernel/platform.h"
#include "zshm/zshm.h"

#define ZSHM_APP_ROLES   2
#define ZSHM_STREAM_MSGS 100000u

struct zshm_role {
	struct zchan ch;
	uint32_t peer;
	const struct platform *plat;
};

/* Starts the roles bootargs asks for; called from the controller thread
 * once the benchmark suite is over (or skipped). */
void zshm_app_start(const struct platform *plat);

/* app/zshm_bench.c: the two ends of the benchmarks. */
void zshm_bench_ping(struct zshm_role *r);
void zshm_bench_pong(struct zshm_role *r);

#endif
