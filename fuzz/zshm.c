/*
 * libFuzzer target: a Zshm channel region whose words the other members
 * control (indices, lengths, armed flags, state words, counters).  The
 * input is a 4-byte header (member count, writers, readers, section size
 * in pages) and then the region's bytes.  ZVM's views (zvm zshm) and a
 * member's endpoint run over it: every access must stay inside the region
 * (it is malloc'ed to its exact size, so ASan sees any escape), a view's
 * pending count never exceeds its ring, a received message never exceeds
 * a slot, and the endpoint never loops without bound.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lib/zerror.h"
#include "lib/zshm_ring.h"

#define HEADER       4u
#define MAX_PAGES    4u /* sections of 4..16 KiB */
#define PAGE         0x1000u
#define RECV_ATTEMPT 64u

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_views(const void *region, const struct zshm_geometry *g)
{
	for (uint32_t w = 0; w < g->member_count; w++) {
		struct zshm_member_view m;
		uint64_t vcount, ns;

		zshm_view_member(region, g, w, &m);
		/* `zvm time` reads a member's clock record as it finds it. */
		if (zshm_clock_read(region, g, w, &vcount, &ns) && ns == 0)
			__builtin_trap(); /* a record without a time is never whole */
		for (uint32_t r = 0; r < g->member_count; r++) {
			struct zshm_ring_view v;

			if (!zshm_has_ring(g, w, r))
				continue;
			zshm_view_ring(region, g, w, r, &v);
			if (v.pending > zshm_ring_slots(g, w) || (v.broken && v.pending))
				abort();
		}
	}
}

/* Member 0 (if it is one) opens over the hostile words and uses them. */
static void run_endpoint(void *region, const struct zshm_geometry *g)
{
	struct zshm_endpoint ep;
	uint8_t buf[ZSHM_MSG_MAX];
	bool bell;

	if (zshm_open(&ep, region, g, 0))
		abort(); /* the geometry was checked */
	for (uint32_t p = 1; p < g->member_count; p++) {
		(void)zshm_peer_changed(&ep, p);
		(void)zshm_arm_recv(&ep, p);
		for (uint32_t i = 0; i < RECV_ATTEMPT; i++) {
			int n = zshm_recv(&ep, p, buf, sizeof(buf), 0, &bell);
			if (n > (int)ZSHM_MSG_MAX)
				abort();
			if (n == -ZE_AGAIN)
				break;
		}
		if (zshm_pending(&ep, p) > zshm_ring_slots(g, p))
			abort();
		(void)zshm_send(&ep, p, buf, sizeof(buf), 0, &bell);
		(void)zshm_arm_space(&ep, p);
	}
	zshm_close(&ep);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct zshm_geometry g;
	uint8_t *region;
	size_t bytes;

	if (size < HEADER)
		return 0;
	g.member_count = 1u + data[0] % ZSHM_MAX_PEERS;
	g.writers = data[1];
	g.readers = data[2];
	g.section_size = (uint64_t)(1u + data[3] % MAX_PAGES) * PAGE;
	if (zshm_geometry_check(&g))
		return 0;
	bytes = (size_t)zshm_region_size(&g);
	region = malloc(bytes);
	if (!region)
		return 0;
	memset(region, 0, bytes);
	memcpy(region, data + HEADER, size - HEADER < bytes ? size - HEADER : bytes);
	check_views(region, &g);
	run_endpoint(region, &g);
	check_views(region, &g);
	free(region);
	return 0;
}
