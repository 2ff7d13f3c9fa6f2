/* Hex frames of protocol datagrams on a shared serial line: rpc_serial.h. */
#include "lib/rpc_serial.h"

static int hex_digit(uint8_t c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

void rpc_serial_rx_init(struct rpc_serial_rx *rx)
{
	rx->len = 0;
	rx->in_frame = rx->broken = rx->half = false;
	rx->pending = 0;
}

static void begin_frame(struct rpc_serial_rx *rx)
{
	rpc_serial_rx_init(rx);
	rx->in_frame = true;
}

static enum rpc_serial_event end_frame(struct rpc_serial_rx *rx)
{
	bool good = !rx->broken && !rx->half && rx->len > 0;

	rx->in_frame = false;
	return good ? RPC_SERIAL_FRAME : RPC_SERIAL_BAD;
}

static void take_digit(struct rpc_serial_rx *rx, uint8_t c)
{
	int d = hex_digit(c);

	if (rx->broken)
		return;
	if (d < 0) {
		rx->broken = true;
		return;
	}
	if (!rx->half) {
		rx->pending = (uint8_t)(d << 4);
		rx->half = true;
		return;
	}
	rx->half = false;
	if (rx->len == sizeof(rx->buf)) {
		rx->broken = true;
		return;
	}
	rx->buf[rx->len++] = (uint8_t)(rx->pending | d);
}

enum rpc_serial_event rpc_serial_feed(struct rpc_serial_rx *rx, uint8_t c)
{
	if (c == RPC_SERIAL_START) {
		/* A new frame cuts one that never ended: that one is lost. */
		bool cut = rx->in_frame;
		begin_frame(rx);
		return cut ? RPC_SERIAL_BAD : RPC_SERIAL_TAKEN;
	}
	if (!rx->in_frame)
		return RPC_SERIAL_PASS;
	if (c == '\r' || c == '\n')
		return end_frame(rx);
	take_digit(rx, c);
	return RPC_SERIAL_TAKEN;
}

size_t rpc_serial_encode(char *out, size_t cap, const uint8_t *datagram, size_t len)
{
	static const char digits[] = "0123456789abcdef";
	size_t n = 0;

	if (cap < 2 * len + 2)
		return 0;
	out[n++] = RPC_SERIAL_START;
	for (size_t i = 0; i < len; i++) {
		out[n++] = digits[datagram[i] >> 4];
		out[n++] = digits[datagram[i] & 15];
	}
	out[n++] = '\n';
	return n;
}
