/*
 * ARP for IPv4 over Ethernet (RFC 826): answers requests for our address,
 * merges what it hears into a small cache (RFC 826's "merge flag": a
 * sender already cached is refreshed; a new one is added only when the
 * packet was for us) and asks for next hops.
 */
#include "net/netstack_priv.h"

#include "lib/string.h"

static const uint8_t broadcast_mac[ETH_ALEN] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };

static struct netstack_arp *arp_find(struct netstack *st, uint32_t ip)
{
	for (unsigned i = 0; i < NETSTACK_ARP_ENTRIES; i++)
		if (st->arp[i].used && st->arp[i].ip == ip)
			return &st->arp[i];
	return NULL;
}

const uint8_t *netstack_arp_lookup(const struct netstack *st, uint32_t ip, uint64_t now)
{
	for (unsigned i = 0; i < NETSTACK_ARP_ENTRIES; i++) {
		const struct netstack_arp *e = &st->arp[i];
		if (e->used && e->ip == ip)
			return now - e->seen <= st->arp_timeout ? e->mac : NULL;
	}
	return NULL;
}

/* A new entry replaces a free one, else the oldest. */
static void arp_add(struct netstack *st, uint32_t ip, const uint8_t *mac, uint64_t now)
{
	struct netstack_arp *e = &st->arp[0];

	for (unsigned i = 0; i < NETSTACK_ARP_ENTRIES; i++) {
		if (!st->arp[i].used) {
			e = &st->arp[i];
			break;
		}
		if (st->arp[i].seen < e->seen)
			e = &st->arp[i];
	}
	e->used = true;
	e->ip = ip;
	memcpy(e->mac, mac, ETH_ALEN);
	e->seen = now;
}

/* One ARP packet from us: oper, to tha/tpa, sent to dst. */
static void arp_send(struct netstack *st, uint16_t oper, const uint8_t *dst, const uint8_t *tha,
                     uint32_t tpa)
{
	uint8_t out[ETH_HDR_LEN + ARP_LEN];
	uint8_t *a = out + ETH_HDR_LEN;

	netstack_eth_header(st, out, dst, ETHERTYPE_ARP);
	eth_put16(a + ARP_HTYPE, ARP_HTYPE_ETH);
	eth_put16(a + ARP_PTYPE, ETHERTYPE_IPV4);
	a[ARP_HLEN] = ETH_ALEN;
	a[ARP_PLEN] = 4;
	eth_put16(a + ARP_OPER, oper);
	memcpy(a + ARP_SHA, st->mac, ETH_ALEN);
	put32(a + ARP_SPA, st->ip);
	memcpy(a + ARP_THA, tha, ETH_ALEN);
	put32(a + ARP_TPA, tpa);
	netstack_send(st, out, sizeof(out));
}

void netstack_arp_request(struct netstack *st, uint32_t ip)
{
	static const uint8_t unknown[ETH_ALEN] = { 0 };

	st->stats.arp_requests++;
	arp_send(st, ARP_OP_REQUEST, broadcast_mac, unknown, ip);
}

void netstack_announce(struct netstack *st)
{
	netstack_arp_request(st, st->ip); /* RFC 5227 2.3: sender and target are us */
}

static bool arp_packet_ok(const uint8_t *a)
{
	uint16_t oper = eth_get16(a + ARP_OPER);

	return eth_get16(a + ARP_HTYPE) == ARP_HTYPE_ETH &&
	       eth_get16(a + ARP_PTYPE) == ETHERTYPE_IPV4 && a[ARP_HLEN] == ETH_ALEN &&
	       a[ARP_PLEN] == 4 && (oper == ARP_OP_REQUEST || oper == ARP_OP_REPLY) &&
	       !eth_is_group(a + ARP_SHA) && !eth_is_zero(a + ARP_SHA);
}

void netstack_arp_input(struct netstack *st, const uint8_t *frame, size_t len, uint64_t now)
{
	const uint8_t *a = frame + ETH_HDR_LEN;

	if (len < ETH_HDR_LEN + ARP_LEN || !arp_packet_ok(a)) {
		drop(st, NS_DROP_ARP);
		return;
	}
	uint32_t spa = get32(a + ARP_SPA), tpa = get32(a + ARP_TPA);
	/* Nobody else may claim our address, nor 0.0.0.0 (an RFC 5227 probe). */
	bool sender_ok = spa != 0 && spa != st->ip;
	struct netstack_arp *known = sender_ok ? arp_find(st, spa) : NULL;

	if (known) {
		memcpy(known->mac, a + ARP_SHA, ETH_ALEN);
		known->seen = now;
	}
	if (tpa != st->ip || st->ip == 0)
		return; /* not for us: only a refresh */
	if (sender_ok && !known)
		arp_add(st, spa, a + ARP_SHA, now);
	if (eth_get16(a + ARP_OPER) == ARP_OP_REQUEST) {
		st->stats.arp_replies++;
		arp_send(st, ARP_OP_REPLY, a + ARP_SHA, a + ARP_SHA, spa);
	}
}
