/*
 * libFuzzer target: the virtio-mmio transport with the virtio console
 * behind it, as a guest drives them.  The input is a guest RAM image
 * (RAM_SIZE bytes, zero-padded) and then register accesses, 8 bytes each:
 * offset (2), size (1), write/input flag (1), value (4).  An access with
 * the input flag types value's low byte into the console instead.  Any
 * sequence must leave the transport's invariants true and never touch
 * memory outside the RAM (ASan) nor crash.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "vdev/virtio_console.h"
#include "vdev/virtio_defs.h"

#define RAM_BASE    0x40000000ull
#define RAM_SIZE    0x2000u
#define OP_BYTES    8u
#define OP_WRITE    0x1u
#define OP_INPUT    0x2u
/* The window and a little past it: offsets beyond must be refused. */
#define OFFSET_SPAN (VIRTIO_MMIO_REGION_SIZE + 0x40u)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static uint64_t out_bytes;
static bool line;

static void sink(void *ctx, const uint8_t *buf, size_t n)
{
	(void)ctx;
	volatile uint8_t x = 0;
	for (size_t i = 0; i < n; i++)
		x = (uint8_t)(x ^ buf[i]); /* every byte given must be readable */
	out_bytes += n;
}

static void set_line(void *ctx, bool level)
{
	(void)ctx;
	line = level;
}

static void check(const struct virtio_console *c)
{
	const struct virtio_device *d = &c->dev;

	if (line != (d->interrupt_status != 0))
		abort(); /* the line is exactly "InterruptStatus is not zero" */
	if (virtio_device_live(d) && !(d->status & VIRTIO_STATUS_FEATURES_OK))
		abort();
	if ((d->status & VIRTIO_STATUS_FEATURES_OK) &&
	    (d->driver_features & ~virtio_offered_features(d)))
		abort(); /* accepted only what was offered */
	if (c->bytes_out != out_bytes)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static uint8_t *ram;
	static struct virtio_console con;
	struct guest_ram gr;
	size_t image = size < RAM_SIZE ? size : RAM_SIZE;

	if (!ram)
		ram = aligned_alloc(4096, RAM_SIZE);
	memset(ram, 0, RAM_SIZE);
	memcpy(ram, data, image);
	gr = (struct guest_ram){ .base = RAM_BASE, .size = RAM_SIZE, .host = ram };
	out_bytes = 0;
	line = false;
	virtio_console_init(&con, &gr, sink, NULL, set_line, NULL);

	for (size_t at = image; at + OP_BYTES <= size; at += OP_BYTES) {
		uint16_t off;
		uint32_t v32;
		memcpy(&off, data + at, 2);
		memcpy(&v32, data + at + 4, 4);
		unsigned width = 1u << (data[at + 2] % 4);
		uint8_t flags = data[at + 3];
		if (flags & OP_INPUT) {
			char byte = (char)v32;
			if (virtio_console_input(&con, &byte, 1) > 1)
				abort();
		} else {
			uint64_t value = v32;
			bool write = (flags & OP_WRITE) != 0;
			int err = virtio_mmio_access(&con.dev, off % OFFSET_SPAN, width, write,
			                             &value);
			if (!err && !write && width < 8 && value >> (8 * width))
				abort(); /* a read returns no more than its width */
		}
		check(&con);
	}
	return 0;
}
