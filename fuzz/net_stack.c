/*
 * libFuzzer target: hostile frames into ZVM's network stack, as they come
 * from the switch.  The input is a sequence of frames, each a 2-byte
 * length (little-endian, taken modulo ETH_FRAME_MAX + 2 so runts and
 * oversized ones occur) and its bytes; an echo socket is bound, so UDP
 * answers too.  The first frame also goes through a virtual switch with
 * the stack, two VMs and an uplink as ports.  Every answer must be a frame
 * of sane length from our MAC; nothing may read outside its input (ASan).
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "net/netstack.h"
#include "net/vswitch.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const uint8_t our_mac[ETH_ALEN] = { 0x52, 0x54, 0x00, 0x5a, 0x56, 0x4d };
static const uint8_t vm_mac[ETH_ALEN] = { 0x52, 0x54, 0x00, 0x12, 0x34, 0x56 };
static struct netstack st;
static struct vswitch sw;
static unsigned answers;

static void output(void *ctx, const uint8_t *frame, size_t len)
{
	(void)ctx;
	if (len < ETH_HDR_LEN || len > ETH_FRAME_MAX || memcmp(frame + ETH_SRC, our_mac, ETH_ALEN))
		abort();
	volatile uint8_t x = 0;
	for (size_t i = 0; i < len; i++)
		x = (uint8_t)(x ^ frame[i]);
	answers++;
}

static void echo(void *ctx, const struct netstack_peer *from, uint16_t to_port, const uint8_t *data,
                 size_t len)
{
	(void)ctx;
	if (len > ETH_MTU || netstack_udp_reply(&st, from, to_port, data, len) != 0)
		abort();
}

static int to_stack(void *ctx, const uint8_t *frame, size_t len)
{
	(void)ctx;
	netstack_input(&st, frame, len, 1);
	return 0;
}

static int sink(void *ctx, const uint8_t *frame, size_t len)
{
	(void)ctx;
	(void)frame;
	return len > ETH_FRAME_MAX ? (abort(), 0) : 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	netstack_init(&st, our_mac, 0x0a00020fu, 0xffffff00u, 0x0a000202u, 1000, output, NULL);
	netstack_udp_bind(&st, UDP_PORT_ECHO, echo, NULL);
	vswitch_init(&sw, 1000);
	vswitch_add_port(&sw, "zvm", our_mac, to_stack, NULL);
	int vm = vswitch_add_port(&sw, "vm", vm_mac, sink, NULL);
	int up = vswitch_add_port(&sw, "uplink", NULL, sink, NULL);
	answers = 0;

	bool first = true;
	for (size_t at = 0; at + 2 <= size;) {
		size_t len = (size_t)(data[at] | data[at + 1] << 8) % (ETH_FRAME_MAX + 2);
		at += 2;
		if (len > size - at)
			len = size - at;
		/* A copy of exactly len bytes: ASan catches any read past it. */
		uint8_t *frame = malloc(len ? len : 1);
		memcpy(frame, data + at, len);
		netstack_input(&st, frame, len, at);
		if (first) {
			vswitch_input(&sw, (unsigned)vm, frame, len, at);
			vswitch_input(&sw, (unsigned)up, frame, len, at);
			first = false;
		}
		free(frame);
		at += len;
	}
	return 0;
}
