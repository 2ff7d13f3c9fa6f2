/*
 * The virtual switch: checks, learning, forwarding.  See vswitch.h.
 */
#include "net/vswitch.h"

#include "lib/string.h"
#include "lib/zerror.h"

void vswitch_init(struct vswitch *sw, uint64_t aging)
{
	memset(sw, 0, sizeof(*sw));
	sw->aging = aging;
	for (unsigned i = 0; i < VSWITCH_FDB_SIZE; i++)
		sw->fdb[i].port = VSWITCH_NO_PORT;
}

/* The port whose configured MAC this is, or VSWITCH_NO_PORT. */
static unsigned owner_of(const struct vswitch *sw, const uint8_t *mac)
{
	for (unsigned i = 0; i < VSWITCH_MAX_PORTS; i++) {
		const struct vswitch_port *p = &sw->port[i];
		if (p->used && !p->any_source && eth_equal(p->mac, mac))
			return i;
	}
	return VSWITCH_NO_PORT;
}

int vswitch_add_port(struct vswitch *sw, const char *name, const uint8_t *mac,
                     vswitch_deliver_fn deliver, void *ctx)
{
	if (!deliver || (mac && (eth_is_group(mac) || eth_is_zero(mac))))
		return -ZE_INVAL;
	if (mac && owner_of(sw, mac) != VSWITCH_NO_PORT)
		return -ZE_CONFLICT;
	for (unsigned i = 0; i < VSWITCH_MAX_PORTS; i++) {
		struct vswitch_port *p = &sw->port[i];
		if (p->used)
			continue;
		memset(p, 0, sizeof(*p));
		p->used = true;
		p->any_source = mac == NULL;
		if (mac)
			memcpy(p->mac, mac, ETH_ALEN);
		p->name = name;
		p->deliver = deliver;
		p->ctx = ctx;
		return (int)i;
	}
	return -ZE_NO_SPACE;
}

void vswitch_remove_port(struct vswitch *sw, unsigned port)
{
	if (port >= VSWITCH_MAX_PORTS)
		return;
	sw->port[port].used = false;
	for (unsigned i = 0; i < VSWITCH_FDB_SIZE; i++)
		if (sw->fdb[i].port == port)
			sw->fdb[i].port = VSWITCH_NO_PORT;
}

static bool expired(const struct vswitch *sw, const struct vswitch_fdb_entry *e, uint64_t now)
{
	return now - e->seen > sw->aging;
}

void vswitch_age(struct vswitch *sw, uint64_t now)
{
	for (unsigned i = 0; i < VSWITCH_FDB_SIZE; i++) {
		struct vswitch_fdb_entry *e = &sw->fdb[i];
		if (e->port != VSWITCH_NO_PORT && expired(sw, e, now)) {
			e->port = VSWITCH_NO_PORT;
			sw->stats.aged++;
		}
	}
}

static struct vswitch_fdb_entry *find(struct vswitch *sw, const uint8_t *mac)
{
	for (unsigned i = 0; i < VSWITCH_FDB_SIZE; i++)
		if (sw->fdb[i].port != VSWITCH_NO_PORT && eth_equal(sw->fdb[i].mac, mac))
			return &sw->fdb[i];
	return NULL;
}

unsigned vswitch_lookup(const struct vswitch *sw, const uint8_t *mac, uint64_t now)
{
	unsigned owner = owner_of(sw, mac);

	if (owner != VSWITCH_NO_PORT)
		return owner; /* a configured address needs no learning */
	for (unsigned i = 0; i < VSWITCH_FDB_SIZE; i++) {
		const struct vswitch_fdb_entry *e = &sw->fdb[i];
		if (e->port != VSWITCH_NO_PORT && eth_equal(e->mac, mac))
			return expired(sw, e, now) ? VSWITCH_NO_PORT : e->port;
	}
	return VSWITCH_NO_PORT;
}

/* Remembers src on port; a free or expired slot takes a new address. */
static void learn(struct vswitch *sw, const uint8_t *src, unsigned port, uint64_t now)
{
	struct vswitch_fdb_entry *e = find(sw, src);

	if (e) {
		if (e->port != port)
			sw->stats.moved++;
	} else {
		for (unsigned i = 0; i < VSWITCH_FDB_SIZE && !e; i++)
			if (sw->fdb[i].port == VSWITCH_NO_PORT || expired(sw, &sw->fdb[i], now))
				e = &sw->fdb[i];
		if (!e) {
			sw->stats.fdb_full++;
			return;
		}
		memcpy(e->mac, src, ETH_ALEN);
		sw->stats.learned++;
	}
	e->port = (uint8_t)port;
	e->seen = now;
}

/* Whether port may send a frame with this source address. */
static int check_source(struct vswitch *sw, unsigned from, const uint8_t *src)
{
	struct vswitch_port *p = &sw->port[from];

	if (eth_is_group(src) || eth_is_zero(src)) {
		p->stats.malformed++;
		return -ZE_INVAL;
	}
	/* A configured port sends as itself; nobody else sends as it. */
	bool own = !p->any_source && eth_equal(p->mac, src);
	if ((!p->any_source && !own) || (p->any_source && owner_of(sw, src) != VSWITCH_NO_PORT)) {
		p->stats.spoofed++;
		return -ZE_PERM;
	}
	return 0;
}

static int deliver(struct vswitch *sw, unsigned to, const uint8_t *frame, size_t len)
{
	struct vswitch_port *p = &sw->port[to];

	if (p->deliver(p->ctx, frame, len)) {
		p->stats.tx_dropped++;
		return 0;
	}
	p->stats.tx_frames++;
	p->stats.tx_bytes += len;
	return 1;
}

static int flood(struct vswitch *sw, unsigned from, const uint8_t *frame, size_t len)
{
	int n = 0;

	sw->stats.flooded++;
	for (unsigned i = 0; i < VSWITCH_MAX_PORTS; i++)
		if (i != from && sw->port[i].used)
			n += deliver(sw, i, frame, len);
	return n;
}

int vswitch_input(struct vswitch *sw, unsigned from, const uint8_t *frame, size_t len, uint64_t now)
{
	if (from >= VSWITCH_MAX_PORTS || !sw->port[from].used)
		return -ZE_INVAL;
	struct vswitch_port *p = &sw->port[from];
	if (len < ETH_HDR_LEN || len > ETH_FRAME_MAX) {
		p->stats.malformed++;
		return -ZE_INVAL;
	}
	const uint8_t *dst = frame + ETH_DST, *src = frame + ETH_SRC;
	int rc = check_source(sw, from, src);
	if (rc)
		return rc;
	p->stats.rx_frames++;
	p->stats.rx_bytes += len;
	learn(sw, src, from, now);
	if (eth_is_group(dst))
		return flood(sw, from, frame, len);
	unsigned to = vswitch_lookup(sw, dst, now);
	if (to == VSWITCH_NO_PORT)
		return flood(sw, from, frame, len);
	if (to == from) {
		sw->stats.filtered++;
		return 0;
	}
	sw->stats.forwarded++;
	return deliver(sw, to, frame, len);
}
