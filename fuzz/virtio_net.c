/*
 * libFuzzer target: the virtio-mmio transport with virtio-net behind it,
 * driven as a hostile guest would.  The input is a guest RAM image
 * (RAM_SIZE bytes, zero-padded) and then operations, 8 bytes each: offset
 * (2), size (1), kind (1), value (4).  Kinds: a register access (read or
 * write), "transmit" (the switch drains the transmit queue) and "receive"
 * (a frame of value % (ETH_FRAME_MAX + 2) bytes is offered to the driver).
 * Every frame taken must be of sane length, every access within the RAM
 * (ASan), the interrupt line exactly InterruptStatus != 0.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lib/zerror.h"
#include "vdev/virtio_defs.h"
#include "vdev/virtio_net.h"

#define RAM_BASE    0x40000000ull
#define RAM_SIZE    0x2000u
#define OP_BYTES    8u
#define OP_WRITE    0x1u
#define OP_TX       0x2u
#define OP_RX       0x4u
#define OFFSET_SPAN (VIRTIO_MMIO_REGION_SIZE + 0x40u)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const uint8_t mac[ETH_ALEN] = { 0x52, 0x54, 0x00, 0x12, 0x34, 0x56 };
static bool line;

static void set_line(void *ctx, bool level)
{
	(void)ctx;
	line = level;
}

static void transmit(struct virtio_net *n)
{
	static uint8_t frame[ETH_FRAME_MAX];
	size_t len = 0;
	unsigned taken = 0;

	while (virtio_net_tx(n, frame, &len) > 0) {
		if (len < ETH_HDR_LEN || len > ETH_FRAME_MAX || ++taken > 4 * VIRTIO_QUEUE_MAX)
			abort();
	}
	virtio_net_tx_done(n);
}

static void receive(struct virtio_net *n, uint32_t v)
{
	static uint8_t frame[ETH_FRAME_MAX + 1];
	size_t len = v % (ETH_FRAME_MAX + 2);

	memset(frame, (int)(v >> 24), sizeof(frame));
	int rc = virtio_net_rx(n, frame, len);
	if (rc != 0 && rc != -ZE_AGAIN && rc != -ZE_INVAL && rc != -ZE_MALFORMED)
		abort();
	if (rc == 0 && (len < ETH_HDR_LEN || len > ETH_FRAME_MAX))
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static uint8_t *ram;
	static struct virtio_net net;
	struct guest_ram gr;
	size_t image = size < RAM_SIZE ? size : RAM_SIZE;

	if (!ram)
		ram = aligned_alloc(4096, RAM_SIZE);
	memset(ram, 0, RAM_SIZE);
	memcpy(ram, data, image);
	gr = (struct guest_ram){ .base = RAM_BASE, .size = RAM_SIZE, .host = ram };
	line = false;
	virtio_net_init(&net, &gr, mac, NULL, NULL, set_line, NULL);

	for (size_t at = image; at + OP_BYTES <= size; at += OP_BYTES) {
		uint16_t off;
		uint32_t v32;
		memcpy(&off, data + at, 2);
		memcpy(&v32, data + at + 4, 4);
		unsigned width = 1u << (data[at + 2] % 4);
		uint8_t kind = data[at + 3];
		if (kind & OP_TX) {
			transmit(&net);
		} else if (kind & OP_RX) {
			receive(&net, v32);
		} else {
			uint64_t value = v32;
			bool write = (kind & OP_WRITE) != 0;
			int err = virtio_mmio_access(&net.dev, off % OFFSET_SPAN, width, write,
			                             &value);
			if (!err && !write && width < 8 && value >> (8 * width))
				abort();
		}
		if (line != (net.dev.interrupt_status != 0))
			abort();
		if (net.stats.tx_bytes > net.stats.tx_packets * ETH_FRAME_MAX)
			abort();
	}
	return 0;
}
