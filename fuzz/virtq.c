/*
 * libFuzzer target: the split virtqueue walker, which reads every
 * descriptor chain a guest offers.  The input is a 4-byte header (queue
 * size as a power of two, EVENT_IDX and INDIRECT_DESC, the starting ring
 * index) and then the guest's RAM: the descriptor table at its start, the
 * available ring at AVAIL_OFF, the used ring at USED_OFF, buffers anywhere.
 * Every chain taken must lie inside the RAM (its bytes are all read and
 * written, so ASan sees any escape) and keep the walker's invariants; a
 * malformed one must stop the queue with a reason.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lib/zerror.h"
#include "vdev/virtio_defs.h"
#include "vdev/virtq.h"

#define RAM_BASE  0x40000000ull
#define RAM_SIZE  0x8000u /* the input past the header, zero-padded */
#define AVAIL_OFF 0x1000u /* after a 256-entry descriptor table */
#define USED_OFF  0x1400u /* after a 256-entry available ring */
#define HEADER    4u
#define MAX_ORDER 8u /* queues of up to 256 entries */

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_chain(const struct virtq_chain *c, const uint8_t *ram)
{
	uint64_t read = 0, written = 0;

	if (c->count > VIRTQ_CHAIN_MAX || c->readable > c->count)
		abort();
	for (unsigned i = 0; i < c->count; i++) {
		const struct virtq_seg *s = &c->seg[i];
		if (s->host < ram || s->host > ram + RAM_SIZE ||
		    s->len > (size_t)(ram + RAM_SIZE - s->host))
			abort();
		if (s->write != (i >= c->readable))
			abort(); /* readable first, then writable */
		if (s->write) {
			memset(s->host, 0xa5, s->len);
			written += s->len;
		} else {
			volatile uint8_t sink = 0;
			for (uint32_t b = 0; b < s->len; b++)
				sink = (uint8_t)(sink ^ s->host[b]);
			read += s->len;
		}
	}
	if (read != c->read_bytes || written != c->write_bytes || read + written > UINT32_MAX)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static uint8_t *ram;
	static struct virtq_chain chain;
	struct guest_ram gr;
	struct virtq q;

	if (size < HEADER)
		return 0;
	if (!ram)
		ram = aligned_alloc(4096, RAM_SIZE);
	memset(ram, 0, RAM_SIZE);
	memcpy(ram, data + HEADER, size - HEADER < RAM_SIZE ? size - HEADER : RAM_SIZE);
	gr = (struct guest_ram){ .base = RAM_BASE, .size = RAM_SIZE, .host = ram };

	virtq_reset(&q);
	q.size = (uint16_t)(1u << (data[0] % (MAX_ORDER + 1)));
	q.desc_ipa = RAM_BASE;
	q.avail_ipa = RAM_BASE + AVAIL_OFF;
	q.used_ipa = RAM_BASE + USED_OFF;
	if (virtq_enable(&q, &gr, 256, data[1] & 1, data[1] & 2) != 0)
		abort(); /* the layout above is always valid */
	q.last_avail = q.used_idx = q.signalled_used = (uint16_t)(data[2] | data[3] << 8);

	/* At most one ring's worth: then the available index says "empty". */
	for (unsigned taken = 0; taken <= q.size; taken++) {
		int got = virtq_pop(&q, &gr, &chain);
		if (got < 0) {
			if (got != -ZE_MALFORMED || q.error == VIRTQ_OK ||
			    q.error >= VIRTQ_ERR_COUNT)
				abort();
			if (virtq_pop(&q, &gr, &chain) != 0)
				abort(); /* a stopped queue stays stopped */
			break;
		}
		if (got == 0)
			break;
		if (taken == q.size)
			abort(); /* more chains than the ring can hold */
		check_chain(&chain, ram);
		virtq_push(&q, chain.head, chain.write_bytes);
		(void)virtq_should_interrupt(&q);
	}
	virtq_set_notify(&q, true);
	return 0;
}
