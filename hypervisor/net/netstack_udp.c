/*
 * UDP (RFC 768) in ZVM's network stack: checked input to bound sockets,
 * output to a peer or to an address through ARP.
 */
#include "net/netstack_priv.h"

#include "lib/string.h"
#include "lib/zerror.h"

/* RFC 768: the pseudo-header's sum (source, destination, protocol, length). */
static uint32_t pseudo_sum(uint32_t src, uint32_t dst, size_t udp_len)
{
	return (src >> 16) + (src & 0xffffu) + (dst >> 16) + (dst & 0xffffu) + IP_PROTO_UDP +
	       (uint32_t)udp_len;
}

static struct netstack_socket *socket_of(struct netstack *st, uint16_t port)
{
	for (unsigned i = 0; i < NETSTACK_SOCKETS; i++)
		if (st->sock[i].port == port && port != 0)
			return &st->sock[i];
	return NULL;
}

void netstack_udp_input(struct netstack *st, const uint8_t *frame, const uint8_t *ip, size_t ihl,
                        size_t total)
{
	const uint8_t *udp = ip + ihl;
	size_t avail = total - ihl;

	if (avail < UDP_HDR_LEN) {
		drop(st, NS_DROP_UDP);
		return;
	}
	size_t len = eth_get16(udp + UDP_LEN);
	uint32_t src = get32(ip + IP_SRC), dst = get32(ip + IP_DST);
	if (len < UDP_HDR_LEN || len > avail ||
	    (eth_get16(udp + UDP_CSUM) != 0 &&
	     inet_checksum(udp, len, pseudo_sum(src, dst, len)) != 0)) {
		drop(st, NS_DROP_UDP);
		return;
	}
	struct netstack_socket *s = socket_of(st, eth_get16(udp + UDP_DST_PORT));
	if (!s) {
		drop(st, NS_DROP_NO_SOCKET);
		return;
	}
	struct netstack_peer from = { .ip = src, .port = eth_get16(udp + UDP_SRC_PORT) };
	memcpy(from.mac, frame + ETH_SRC, ETH_ALEN);
	st->stats.udp_rx++;
	s->recv(s->ctx, &from, eth_get16(udp + UDP_DST_PORT), udp + UDP_HDR_LEN, len - UDP_HDR_LEN);
}

int netstack_udp_bind(struct netstack *st, uint16_t port, netstack_udp_fn recv, void *ctx)
{
	if (port == 0 || !recv)
		return -ZE_INVAL;
	if (socket_of(st, port))
		return -ZE_BUSY;
	for (unsigned i = 0; i < NETSTACK_SOCKETS; i++) {
		struct netstack_socket *s = &st->sock[i];
		if (s->port == 0) {
			*s = (struct netstack_socket){ port, recv, ctx };
			return 0;
		}
	}
	return -ZE_NO_SPACE;
}

void netstack_udp_unbind(struct netstack *st, uint16_t port)
{
	struct netstack_socket *s = socket_of(st, port);

	if (s)
		s->port = 0;
}

/* One datagram to mac/ip:port; len checked by the callers. */
static void udp_emit(struct netstack *st, const uint8_t *mac, uint32_t ip, uint16_t port,
                     uint16_t from_port, const uint8_t *data, size_t len)
{
	uint8_t out[ETH_HDR_LEN + IP_HDR_LEN + UDP_HDR_LEN + NETSTACK_UDP_MAX];
	uint8_t *iph = out + ETH_HDR_LEN, *udp = iph + IP_HDR_LEN;
	size_t udp_len = UDP_HDR_LEN + len;

	netstack_eth_header(st, out, mac, ETHERTYPE_IPV4);
	eth_put16(udp + UDP_SRC_PORT, from_port);
	eth_put16(udp + UDP_DST_PORT, port);
	eth_put16(udp + UDP_LEN, (uint16_t)udp_len);
	eth_put16(udp + UDP_CSUM, 0);
	memcpy(udp + UDP_HDR_LEN, data, len);
	uint16_t csum = inet_checksum(udp, udp_len, pseudo_sum(st->ip, ip, udp_len));
	eth_put16(udp + UDP_CSUM, csum ? csum : 0xffffu); /* RFC 768: 0 means none */
	netstack_ip_header(st, iph, IP_PROTO_UDP, ip, udp_len);
	st->stats.udp_tx++;
	netstack_send(st, out, ETH_HDR_LEN + IP_HDR_LEN + udp_len);
}

int netstack_udp_reply(struct netstack *st, const struct netstack_peer *to, uint16_t from_port,
                       const uint8_t *data, size_t len)
{
	if (len > NETSTACK_UDP_MAX)
		return -ZE_INVAL;
	udp_emit(st, to->mac, to->ip, to->port, from_port, data, len);
	return 0;
}

int netstack_udp_send(struct netstack *st, uint32_t ip, uint16_t port, uint16_t from_port,
                      const uint8_t *data, size_t len, uint64_t now)
{
	if (len > NETSTACK_UDP_MAX)
		return -ZE_INVAL;
	const uint8_t *mac;
	int rc = netstack_next_hop(st, ip, now, &mac);
	if (rc)
		return rc;
	udp_emit(st, mac, ip, port, from_port, data, len);
	return 0;
}
