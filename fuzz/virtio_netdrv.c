/*
 * libFuzzer target: ZVM's virtio-net driver (drivers/virtio_netdrv.c, the
 * board NIC's) facing a device that lies.  The driver is brought up
 * against ZVM's own device model, then the input is operations, 8 bytes
 * each: kind (1), a 16-bit value, a 32-bit value.  Kinds: the device
 * writes a used entry of its choosing (id, length) into the receive or
 * the transmit ring, or moves a used index by any amount; the model
 * receives or sends a real frame; the driver receives, transmits or
 * reclaims.  Every frame handed up must lie within a receive buffer
 * with a sane length, every access within the driver's memory (ASan),
 * and the free transmit buffers never exceed the ring.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "drivers/virtio_netdrv.h"
#include "lib/zerror.h"
#include "vdev/virtio_defs.h"
#include "vdev/virtio_net.h"

#define OP_BYTES 8u
#define RX_MAX   16u

enum op {
	OP_FORGE_RX,
	OP_FORGE_TX,
	OP_MOVE_RX_IDX,
	OP_MOVE_TX_IDX,
	OP_MODEL_RX,
	OP_MODEL_TX,
	OP_DRIVER_RX,
	OP_DRIVER_TX,
	OP_RECLAIM,
	OP_COUNT
};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const uint8_t mac[ETH_ALEN] = { 0x52, 0x54, 0x00, 0x12, 0x34, 0x56 };
static struct vnetdrv n;

static void no_kick(void *ctx)
{
	(void)ctx;
}

static void no_irq(void *ctx, bool level)
{
	(void)ctx;
	(void)level;
}

static uint32_t io_read(void *ctx, uint32_t off)
{
	uint64_t v = 0;
	virtio_mmio_access(ctx, off, 4, false, &v);
	return (uint32_t)v;
}

static void io_write(void *ctx, uint32_t off, uint32_t value)
{
	uint64_t v = value;
	virtio_mmio_access(ctx, off, 4, true, &v);
}

static void take(void *ctx, const uint8_t *frame, size_t len)
{
	const uint8_t *lo = n.rx_buf,
	              *hi = n.rx_buf + (size_t)VNETDRV_QUEUE_SIZE * VNETDRV_BUF_SIZE;

	(void)ctx;
	if (len < ETH_HDR_LEN || len > ETH_FRAME_MAX || frame < lo || frame + len > hi)
		abort();
	volatile uint8_t sum = 0;
	for (size_t i = 0; i < len; i++)
		sum = (uint8_t)(sum + frame[i]); /* ASan: every byte is ours */
}

static void forge(struct vdrv_queue *q, uint16_t id, uint32_t len)
{
	uint16_t idx;

	memcpy(&idx, q->used + 2, 2);
	uint8_t *e = q->used + VIRTQ_RING_HEADER + VIRTQ_USED_ELEM_SIZE * (idx & (q->size - 1u));
	uint32_t id32 = id;
	memcpy(e, &id32, 4);
	memcpy(e + 4, &len, 4);
	idx++;
	memcpy(q->used + 2, &idx, 2);
}

static void move_idx(struct vdrv_queue *q, uint16_t by)
{
	uint16_t idx;

	memcpy(&idx, q->used + 2, 2);
	idx = (uint16_t)(idx + by);
	memcpy(q->used + 2, &idx, 2);
}

static void run(struct virtio_net *dev, enum op kind, uint16_t a, uint32_t b)
{
	static uint8_t frame[ETH_FRAME_MAX + 1];
	size_t len;

	switch (kind) {
	case OP_FORGE_RX: forge(&n.rxq, a, b); break;
	case OP_FORGE_TX: forge(&n.txq, a, b); break;
	case OP_MOVE_RX_IDX: move_idx(&n.rxq, a); break;
	case OP_MOVE_TX_IDX: move_idx(&n.txq, a); break;
	case OP_MODEL_RX:
		memset(frame, (int)b, sizeof(frame));
		virtio_net_rx(dev, frame, a % (ETH_FRAME_MAX + 2));
		break;
	case OP_MODEL_TX:
		while (virtio_net_tx(dev, frame, &len) > 0)
			;
		virtio_net_tx_done(dev);
		break;
	case OP_DRIVER_RX: vnetdrv_rx(&n, take, NULL, a % RX_MAX); break;
	case OP_DRIVER_TX:
		memset(frame, (int)b, sizeof(frame));
		vnetdrv_tx(&n, frame, a % (ETH_FRAME_MAX + 2));
		break;
	case OP_RECLAIM: vnetdrv_tx_reclaim(&n); break;
	case OP_COUNT:
	default: break;
	}
	if (__builtin_popcountll(n.tx_free) > (int)VNETDRV_QUEUE_SIZE)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static uint8_t *ram;
	static struct virtio_net dev;
	static struct vdrv drv;
	size_t bytes = vnetdrv_mem_bytes();

	if (!ram)
		ram = aligned_alloc(VNETDRV_MEM_ALIGN, bytes);
	struct guest_ram gr = { (uint64_t)(uintptr_t)ram, bytes, ram };
	virtio_net_init(&dev, &gr, mac, no_kick, NULL, no_irq, NULL);
	struct vdrv_io io = { io_read, io_write, &dev.dev };
	if (vdrv_probe(&drv, &io, VIRTIO_ID_NET) || vnetdrv_start(&n, &drv, ram))
		abort();
	for (size_t at = 0; at + OP_BYTES <= size; at += OP_BYTES) {
		const uint8_t *op = data + at;
		uint16_t a;
		uint32_t b;
		memcpy(&a, op + 1, 2);
		memcpy(&b, op + 4, 4);
		run(&dev, (enum op)(op[0] % OP_COUNT), a, b);
	}
	return 0;
}
