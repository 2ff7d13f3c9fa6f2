/*
 * The serial transport (docs/protocol.md, "Serial"): frames on ZVM's
 * console UART, between the shell's own lines.  The shell hands every byte
 * it would edit to the frame decoder first; a frame's datagram goes to the
 * agent, and replies go out as frames written in one piece under the
 * console lock, so log lines never split one.
 */
#include "agent/agent.h"
#include "kernel/console.h"
#include "kernel/shell.h"
#include "lib/rpc_serial.h"

static struct rpc_serial_rx rx;          /* the shell thread's */
static char frame[RPC_SERIAL_FRAME_MAX]; /* the agent thread's */

static void serial_send(void *ctx, const uint8_t *datagram, size_t len)
{
	(void)ctx;
	size_t n = rpc_serial_encode(frame, sizeof(frame), datagram, len);
	console_write_raw(frame, n);
}

static const struct agent_transport serial_transport = { "serial", serial_send, 0 };

static bool serial_filter(uint8_t c)
{
	switch (rpc_serial_feed(&rx, c)) {
	case RPC_SERIAL_PASS: return false;
	case RPC_SERIAL_FRAME: agent_post(&serial_transport, rx.buf, rx.len); return true;
	case RPC_SERIAL_BAD:
		agent_count_serial_bad();
		/* An RS that cut a frame begins the next one: it is taken. */
		return true;
	case RPC_SERIAL_TAKEN:
	default: return true;
	}
}

void agent_serial_start(void)
{
	rpc_serial_rx_init(&rx);
	shell_set_byte_filter(serial_filter);
}
