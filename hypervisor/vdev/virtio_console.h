/*
 * virtio-console (VIRTIO 1.2 section 5.3) without multiport: port 0 is the
 * VM's console, hvc0 in Linux.  What the driver transmits goes to an
 * output callback (ZVM: the VM's console ring, as the emulated UART's
 * output does); what the operator types is given to the driver's receive
 * buffers.  Both are short copies, so they run in place: transmit on the
 * guest's core inside its QueueNotify, receive on the caller's.
 *
 * Portable: no lock (the VM's lock serializes, as for every MMIO device).
 */
#ifndef VDEV_VIRTIO_CONSOLE_H
#define VDEV_VIRTIO_CONSOLE_H

#include <stddef.h>
#include <stdint.h>

#include "vdev/virtio_mmio.h"

/* 5.3.2 Virtqueues, without VIRTIO_CONSOLE_F_MULTIPORT. */
#define VIRTIO_CONSOLE_RXQ         0u
#define VIRTIO_CONSOLE_TXQ         1u
/* 5.3.4: struct virtio_console_config is cols, rows (le16), max_nr_ports (le32). */
#define VIRTIO_CONSOLE_CONFIG_SIZE 8u

struct virtio_console {
	struct virtio_device dev;
	uint8_t config[VIRTIO_CONSOLE_CONFIG_SIZE]; /* all zero: no size, one port */
	void (*output)(void *ctx, const uint8_t *buf, size_t n);
	void *output_ctx;
	uint64_t bytes_out, bytes_in;
};

void virtio_console_init(struct virtio_console *c, const struct guest_ram *ram,
                         void (*output)(void *ctx, const uint8_t *buf, size_t n), void *output_ctx,
                         void (*set_irq)(void *ctx, bool level), void *irq_ctx);
/*
 * Gives the driver up to n bytes of input; returns how many it took (0
 * while it has no receive buffer, or is not live: the caller keeps the
 * rest and tries again).
 */
size_t virtio_console_input(struct virtio_console *c, const char *s, size_t n);

#endif
