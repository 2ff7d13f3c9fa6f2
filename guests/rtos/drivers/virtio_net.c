/*
 * virtio-net driver, polled.  See virtio_net.h.  The RTOS runs with its
 * MMU off, identity-mapped: a buffer's address is its DMA address.
 */
#include "drivers/virtio_net.h"

#include "drivers/mmio.h"
#include "lib/string.h"
#include "lib/zerror.h"

#define BIT64(n) (1ull << (n))

static uint8_t rx_mem[VNET_QUEUE_MEM] __attribute__((aligned(4096)));
static uint8_t tx_mem[VNET_QUEUE_MEM] __attribute__((aligned(4096)));
static uint8_t rx_buf[VNET_QUEUE_SIZE][VNET_BUF_SIZE] __attribute__((aligned(16)));
static uint8_t tx_buf[VNET_QUEUE_SIZE][VNET_BUF_SIZE] __attribute__((aligned(16)));

_Static_assert(VNET_BUF_SIZE >= VIRTIO_NET_HDR_SIZE + ETH_FRAME_MAX, "a whole frame per buffer");
_Static_assert(VNET_QUEUE_SIZE <= 32, "tx_free is a 32-bit mask");

static uint32_t io_read32(void *ctx, uint32_t off)
{
	return mmio_read32((uint64_t)(uintptr_t)ctx + off);
}

static void io_write32(void *ctx, uint32_t off, uint32_t value)
{
	mmio_write32((uint64_t)(uintptr_t)ctx + off, value);
}

/* 2.7.6: the driver's side of the available ring: no used buffer notifications. */
static void no_interrupts(struct vdrv_queue *q)
{
	__atomic_store_n((uint16_t *)(void *)q->avail, (uint16_t)VIRTQ_AVAIL_F_NO_INTERRUPT,
	                 __ATOMIC_RELAXED);
}

static int post_rx(struct vnet *n, unsigned slot)
{
	struct vdrv_buf b = { (uint64_t)(uintptr_t)rx_buf[slot], VNET_BUF_SIZE, true };
	int head = vdrv_queue_add(&n->rxq, &b, 1);

	if (head < 0)
		return head;
	n->rx_slot_of[head] = (uint8_t)slot;
	return 0;
}

static int setup_queues(struct vnet *n)
{
	if (vdrv_queue_setup(&n->drv, &n->rxq, VIRTIO_NET_RXQ, rx_mem, VNET_QUEUE_SIZE) ||
	    vdrv_queue_setup(&n->drv, &n->txq, VIRTIO_NET_TXQ, tx_mem, VNET_QUEUE_SIZE))
		return -ZE_INVAL;
	no_interrupts(&n->rxq);
	no_interrupts(&n->txq);
	for (unsigned s = 0; s < VNET_QUEUE_SIZE; s++)
		if (post_rx(n, s))
			return -ZE_INVAL;
	n->tx_free = (uint32_t)((1ull << VNET_QUEUE_SIZE) - 1u);
	return 0;
}

int vnet_probe(struct vnet *n, uint64_t base)
{
	struct vdrv_io io = { io_read32, io_write32, (void *)(uintptr_t)base };
	int rc;

	memset(n, 0, sizeof(*n));
	memset(rx_mem, 0, sizeof(rx_mem));
	memset(tx_mem, 0, sizeof(tx_mem));
	rc = vdrv_probe(&n->drv, &io, VIRTIO_ID_NET);
	if (rc)
		return rc;
	if (vdrv_negotiate(&n->drv, BIT64(VIRTIO_NET_F_MAC)) ||
	    !vdrv_has_feature(&n->drv, VIRTIO_NET_F_MAC))
		return -ZE_INVAL;
	for (uint32_t i = 0; i < ETH_ALEN; i++)
		n->mac[i] = (uint8_t)vdrv_config_read(&n->drv, i, 1);
	rc = setup_queues(n);
	if (rc) {
		vdrv_fail(&n->drv);
		return rc;
	}
	vdrv_driver_ok(&n->drv);
	vdrv_queue_kick(&n->drv, &n->rxq);
	return 0;
}

/* Transmit buffers the device is done with are ours again. */
static void reap_tx(struct vnet *n)
{
	uint16_t head;
	uint32_t written;

	while (vdrv_queue_get_used(&n->txq, &head, &written))
		n->tx_free |= 1u << n->tx_slot_of[head];
}

int vnet_send(struct vnet *n, const uint8_t *frame, size_t len)
{
	if (len < ETH_HDR_LEN || len > ETH_FRAME_MAX)
		return -ZE_INVAL;
	reap_tx(n);
	if (!n->tx_free) {
		n->stats.tx_busy++;
		return -ZE_BUSY;
	}
	unsigned slot = (unsigned)__builtin_ctz(n->tx_free);
	uint8_t *b = tx_buf[slot];
	/* 5.1.6.2: no checksum or segmentation asked for; flags and gso_type 0. */
	memset(b, 0, VIRTIO_NET_HDR_SIZE);
	memcpy(b + VIRTIO_NET_HDR_SIZE, frame, len);
	struct vdrv_buf d = { (uint64_t)(uintptr_t)b, (uint32_t)(VIRTIO_NET_HDR_SIZE + len),
		              false };
	int head = vdrv_queue_add(&n->txq, &d, 1);
	if (head < 0) {
		n->stats.tx_busy++;
		return -ZE_BUSY;
	}
	n->tx_free &= ~(1u << slot);
	n->tx_slot_of[head] = (uint8_t)slot;
	n->stats.tx_frames++;
	n->stats.tx_bytes += len;
	vdrv_queue_kick(&n->drv, &n->txq);
	return 0;
}

unsigned vnet_poll(struct vnet *n, vnet_rx_fn fn, void *ctx)
{
	uint16_t head;
	uint32_t written;
	unsigned taken = 0;

	while (vdrv_queue_get_used(&n->rxq, &head, &written)) {
		unsigned slot = n->rx_slot_of[head];

		if (written < VIRTIO_NET_HDR_SIZE + ETH_HDR_LEN || written > VNET_BUF_SIZE) {
			n->stats.rx_bad++;
		} else {
			size_t len = written - VIRTIO_NET_HDR_SIZE;
			n->stats.rx_frames++;
			n->stats.rx_bytes += len;
			fn(ctx, rx_buf[slot] + VIRTIO_NET_HDR_SIZE, len);
		}
		post_rx(n, slot); /* its descriptor was just freed: cannot fail */
		taken++;
	}
	if (taken)
		vdrv_queue_kick(&n->drv, &n->rxq);
	reap_tx(n);
	return taken;
}

bool vnet_needs_reset(const struct vnet *n)
{
	return vdrv_needs_reset(&n->drv);
}
