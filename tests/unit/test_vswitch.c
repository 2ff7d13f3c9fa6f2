/*
 * The virtual switch: configured ports send only as themselves (spoofed
 * and group sources dropped, counted), frames to a known address go to its
 * port only, broadcast/multicast/unknown unicast flood to every other
 * port, learned addresses age out, the table never grows past its size,
 * and the uplink cannot take over a configured port's address.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "lib/zerror.h"
#include "net/vswitch.h"

#define AGING  1000u
#define NPORTS 3

static struct vswitch sw;
static unsigned got[VSWITCH_MAX_PORTS];
static bool refuse[VSWITCH_MAX_PORTS];
static int vm1, vm2, uplink;

static const uint8_t mac1[ETH_ALEN] = { 0x52, 0x54, 0, 0, 0, 1 };
static const uint8_t mac2[ETH_ALEN] = { 0x52, 0x54, 0, 0, 0, 2 };
static const uint8_t host[ETH_ALEN] = { 0x52, 0x55, 10, 0, 2, 2 };
static const uint8_t bcast[ETH_ALEN] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
static const uint8_t mcast[ETH_ALEN] = { 0x01, 0x00, 0x5e, 0, 0, 1 };

static int take(void *ctx, const uint8_t *frame, size_t len)
{
	unsigned port = (unsigned)(uintptr_t)ctx;
	(void)frame;
	(void)len;
	if (refuse[port])
		return -ZE_AGAIN;
	got[port]++;
	return 0;
}

static int setup(void **state)
{
	(void)state;
	vswitch_init(&sw, AGING);
	memset(got, 0, sizeof(got));
	memset(refuse, 0, sizeof(refuse));
	vm1 = vswitch_add_port(&sw, "vm1", mac1, take, (void *)0);
	vm2 = vswitch_add_port(&sw, "vm2", mac2, take, (void *)1);
	uplink = vswitch_add_port(&sw, "uplink", NULL, take, (void *)2);
	assert_int_equal(vm1, 0);
	assert_int_equal(vm2, 1);
	assert_int_equal(uplink, 2);
	return 0;
}

static int send(int from, const uint8_t *dst, const uint8_t *src, uint64_t now)
{
	uint8_t f[64] = { 0 };
	memcpy(f + ETH_DST, dst, ETH_ALEN);
	memcpy(f + ETH_SRC, src, ETH_ALEN);
	eth_put16(f + ETH_TYPE, ETHERTYPE_IPV4);
	return vswitch_input(&sw, (unsigned)from, f, sizeof(f), now);
}

static void ports_are_checked_when_added(void **state)
{
	(void)state;
	assert_int_equal(vswitch_add_port(&sw, "twin", mac1, take, NULL), -ZE_CONFLICT);
	assert_int_equal(vswitch_add_port(&sw, "group", mcast, take, NULL), -ZE_INVAL);
	static const uint8_t zero[ETH_ALEN] = { 0 };
	assert_int_equal(vswitch_add_port(&sw, "zero", zero, take, NULL), -ZE_INVAL);
	for (unsigned i = NPORTS; i < VSWITCH_MAX_PORTS; i++) {
		uint8_t m[ETH_ALEN] = { 0x52, 0x54, 1, 0, 0, (uint8_t)i };
		assert_int_equal(vswitch_add_port(&sw, "more", m, take, NULL), (int)i);
	}
	uint8_t last[ETH_ALEN] = { 0x52, 0x54, 2, 0, 0, 0 };
	assert_int_equal(vswitch_add_port(&sw, "full", last, take, NULL), -ZE_NO_SPACE);
}

static void broadcast_and_multicast_flood_to_the_others(void **state)
{
	(void)state;
	assert_int_equal(send(vm1, bcast, mac1, 1), 2);
	assert_int_equal(send(vm1, mcast, mac1, 1), 2);
	assert_int_equal(got[0], 0);
	assert_int_equal(got[1], 2);
	assert_int_equal(got[2], 2);
	assert_int_equal(sw.stats.flooded, 2);
}

static void configured_addresses_are_known_at_once(void **state)
{
	(void)state;
	assert_int_equal(send(uplink, mac2, host, 1), 1);
	assert_int_equal(got[1], 1);
	assert_int_equal(got[0], 0);
	assert_int_equal(sw.stats.forwarded, 1);
}

static void learned_unicast_goes_to_one_port(void **state)
{
	(void)state;
	/* Unknown: flooded.  The host's address is learned on the uplink. */
	assert_int_equal(send(vm1, host, mac1, 1), 2);
	assert_int_equal(send(uplink, mac1, host, 2), 1);
	assert_int_equal(vswitch_lookup(&sw, host, 3), (unsigned)uplink);
	memset(got, 0, sizeof(got));
	assert_int_equal(send(vm1, host, mac1, 3), 1);
	assert_int_equal(got[2], 1);
	assert_int_equal(got[1], 0);
	/* Never reflected back where it came from. */
	static const uint8_t other[ETH_ALEN] = { 0x52, 0x55, 10, 0, 2, 3 };
	assert_int_equal(send(uplink, other, host, 4), 2);
	assert_int_equal(send(uplink, host, other, 5), 0);
	assert_int_equal(sw.stats.filtered, 1);
}

static void spoofed_sources_are_dropped_and_counted(void **state)
{
	(void)state;
	assert_int_equal(send(vm1, bcast, mac2, 1), -ZE_PERM);
	assert_int_equal(send(vm1, host, host, 1), -ZE_PERM);
	/* The uplink may not claim a VM's address either (no hijack by learning). */
	assert_int_equal(send(uplink, bcast, mac1, 1), -ZE_PERM);
	assert_int_equal(send(vm2, bcast, mcast, 1), -ZE_INVAL);
	assert_int_equal(sw.port[vm1].stats.spoofed, 2);
	assert_int_equal(sw.port[uplink].stats.spoofed, 1);
	assert_int_equal(sw.port[vm2].stats.malformed, 1);
	for (unsigned i = 0; i < NPORTS; i++)
		assert_int_equal(got[i], 0);
	assert_int_equal(vswitch_lookup(&sw, mac1, 1), (unsigned)vm1);
	assert_int_equal(sw.stats.learned, 0);
}

static void runts_and_oversized_frames_are_dropped(void **state)
{
	(void)state;
	uint8_t f[ETH_FRAME_MAX + 1] = { 0 };
	memcpy(f + ETH_SRC, mac1, ETH_ALEN);
	memcpy(f + ETH_DST, bcast, ETH_ALEN);
	assert_int_equal(vswitch_input(&sw, (unsigned)vm1, f, ETH_HDR_LEN - 1, 0), -ZE_INVAL);
	assert_int_equal(vswitch_input(&sw, (unsigned)vm1, f, sizeof(f), 0), -ZE_INVAL);
	assert_int_equal(vswitch_input(&sw, (unsigned)vm1, f, ETH_FRAME_MAX, 0), 2);
	assert_int_equal(sw.port[vm1].stats.malformed, 2);
	assert_int_equal(vswitch_input(&sw, VSWITCH_MAX_PORTS, f, ETH_HDR_LEN, 0), -ZE_INVAL);
}

static void learned_addresses_age_out(void **state)
{
	(void)state;
	assert_int_equal(send(uplink, bcast, host, 100), 2);
	assert_int_equal(vswitch_lookup(&sw, host, 100 + AGING), (unsigned)uplink);
	assert_int_equal(vswitch_lookup(&sw, host, 101 + AGING), VSWITCH_NO_PORT);
	/* Refreshed by traffic, it stays. */
	assert_int_equal(send(uplink, bcast, host, 100 + AGING), 2);
	assert_int_equal(vswitch_lookup(&sw, host, 100 + 2 * AGING), (unsigned)uplink);
	vswitch_age(&sw, 101 + 2 * AGING);
	assert_int_equal(sw.stats.aged, 1);
	assert_int_equal(vswitch_lookup(&sw, host, 101 + 2 * AGING), VSWITCH_NO_PORT);
}

static void a_full_table_floods_instead_of_growing(void **state)
{
	(void)state;
	for (unsigned i = 0; i < VSWITCH_FDB_SIZE + 5; i++) {
		uint8_t m[ETH_ALEN] = { 0x02, 0, 0, 0, (uint8_t)(i >> 8), (uint8_t)i };
		assert_int_equal(send(uplink, bcast, m, 10), 2);
	}
	assert_int_equal(sw.stats.learned, VSWITCH_FDB_SIZE);
	assert_int_equal(sw.stats.fdb_full, 5);
	/* Once they expire, new addresses take their slots. */
	assert_int_equal(send(uplink, bcast, host, 11 + AGING), 2);
	assert_int_equal(vswitch_lookup(&sw, host, 11 + AGING), (unsigned)uplink);
}

static void a_port_that_cannot_take_drops_and_counts(void **state)
{
	(void)state;
	refuse[1] = true;
	assert_int_equal(send(vm1, bcast, mac1, 1), 1);
	assert_int_equal(sw.port[vm2].stats.tx_dropped, 1);
	assert_int_equal(sw.port[uplink].stats.tx_frames, 1);
}

static void a_removed_port_forgets_its_addresses(void **state)
{
	(void)state;
	assert_int_equal(send(uplink, bcast, host, 1), 2);
	vswitch_remove_port(&sw, (unsigned)uplink);
	assert_int_equal(vswitch_lookup(&sw, host, 1), VSWITCH_NO_PORT);
	assert_int_equal(send(vm1, bcast, mac1, 1), 1);
	assert_int_equal(got[2], 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(fn) cmocka_unit_test_setup(fn, setup)
		T(ports_are_checked_when_added),
		T(broadcast_and_multicast_flood_to_the_others),
		T(configured_addresses_are_known_at_once),
		T(learned_unicast_goes_to_one_port),
		T(spoofed_sources_are_dropped_and_counted),
		T(runts_and_oversized_frames_are_dropped),
		T(learned_addresses_age_out),
		T(a_full_table_floods_instead_of_growing),
		T(a_port_that_cannot_take_drops_and_counts),
		T(a_removed_port_forgets_its_addresses),
#undef T
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
