/*
 * The protocol's datagrams on a serial line shared with a human shell and
 * boot logs (docs/protocol.md, "Serial"): a frame is the byte RS (0x1e),
 * the datagram in lower-case hex, then CR or LF.  RS switches the line to
 * frame mode, the end of the line switches it back; bytes outside frames
 * are console text.  Hex keeps every frame byte printable, so no frame can
 * contain RS or a line end, and a terminal never takes one for a control.
 * Portable: ZVM's console and zvmctl decode frames with the same code.
 */
#ifndef LIB_RPC_SERIAL_H
#define LIB_RPC_SERIAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/rpc.h"

#define RPC_SERIAL_START     0x1e /* ASCII RS, record separator */
/* RS, two digits per byte, the line end. */
#define RPC_SERIAL_FRAME_MAX (1 + 2 * RPC_DATAGRAM_MAX + 1)

enum rpc_serial_event {
	RPC_SERIAL_PASS,  /* not in a frame: the byte is console text */
	RPC_SERIAL_TAKEN, /* part of a frame still being received */
	RPC_SERIAL_FRAME, /* a frame ended: rx->buf[0..rx->len) is its datagram */
	RPC_SERIAL_BAD,   /* a frame ended that was no datagram (count it) */
};

struct rpc_serial_rx {
	uint8_t buf[RPC_DATAGRAM_MAX];
	size_t len;
	bool in_frame;
	bool broken; /* a bad digit or too long: discarded at its end */
	bool half;   /* the high digit of a byte is in pending */
	uint8_t pending;
};

void rpc_serial_rx_init(struct rpc_serial_rx *rx);
enum rpc_serial_event rpc_serial_feed(struct rpc_serial_rx *rx, uint8_t c);
/* The frame of datagram[0..len) into out[0..cap): its size, or 0 (no room). */
size_t rpc_serial_encode(char *out, size_t cap, const uint8_t *datagram, size_t len);

#endif
