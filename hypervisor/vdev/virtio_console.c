/*
 * virtio-console, port 0 only (VIRTIO 1.2 5.3).  See virtio_console.h.
 */
#include "vdev/virtio_console.h"

#include "lib/string.h"
#include "vdev/virtio_defs.h"

static struct virtio_console *console_of(struct virtio_device *d)
{
	return d->backend_state;
}

/* Every transmitted chain: its readable bytes to the output, given back empty. */
static void transmit(struct virtio_device *d)
{
	struct virtio_console *c = console_of(d);
	struct virtq_chain chain;

	while (virtio_queue_pop(d, VIRTIO_CONSOLE_TXQ, &chain) > 0) {
		for (unsigned i = 0; i < chain.readable; i++)
			c->output(c->output_ctx, chain.seg[i].host, chain.seg[i].len);
		c->bytes_out += chain.read_bytes;
		virtio_queue_push(d, VIRTIO_CONSOLE_TXQ, chain.head, 0);
	}
	virtio_queue_notify_driver(d, VIRTIO_CONSOLE_TXQ);
}

/* Receive buffers wait in their ring for input: nothing to do on notify. */
static void console_notify(struct virtio_device *d, unsigned q)
{
	if (q == VIRTIO_CONSOLE_TXQ)
		transmit(d);
}

static const struct virtio_backend console_backend = {
	.kind = "console",
	.device_id = VIRTIO_ID_CONSOLE,
	.features = 0,
	.num_queues = 2,
	.config_size = VIRTIO_CONSOLE_CONFIG_SIZE,
	.notify = console_notify,
	.reset = NULL,
};

void virtio_console_init(struct virtio_console *c, const struct guest_ram *ram,
                         void (*output)(void *ctx, const uint8_t *buf, size_t n), void *output_ctx,
                         void (*set_irq)(void *ctx, bool level), void *irq_ctx)
{
	memset(c, 0, sizeof(*c));
	c->output = output;
	c->output_ctx = output_ctx;
	virtio_device_init(&c->dev, &console_backend, c, ram, set_irq, irq_ctx);
	c->dev.config = c->config;
}

/* Fills one receive buffer with what there is; returns the bytes it took. */
static size_t fill_one(struct virtio_console *c, const char *s, size_t n)
{
	struct virtq_chain chain;
	size_t taken = 0;

	if (virtio_queue_pop(&c->dev, VIRTIO_CONSOLE_RXQ, &chain) <= 0)
		return 0;
	for (unsigned i = chain.readable; i < chain.count && taken < n; i++) {
		size_t part = n - taken < chain.seg[i].len ? n - taken : chain.seg[i].len;
		memcpy(chain.seg[i].host, s + taken, part);
		taken += part;
	}
	/* taken <= write_bytes, a 32-bit total. */
	virtio_queue_push(&c->dev, VIRTIO_CONSOLE_RXQ, chain.head, (uint32_t)taken);
	return taken;
}

size_t virtio_console_input(struct virtio_console *c, const char *s, size_t n)
{
	size_t taken = 0;

	while (taken < n) {
		size_t got = fill_one(c, s + taken, n - taken);
		if (got == 0)
			break;
		taken += got;
	}
	c->bytes_in += taken;
	virtio_queue_notify_driver(&c->dev, VIRTIO_CONSOLE_RXQ);
	return taken;
}
