/*
 * ZVM's network stack: Ethernet and IPv4 input, ICMP echo.  ARP is in
 * netstack_arp.c, UDP in netstack_udp.c.  See netstack.h.
 */
#include "net/netstack_priv.h"

#include "lib/string.h"
#include "lib/zerror.h"

static const char *const drop_names[NS_DROP_COUNT] = {
	[NS_DROP_ETH] = "ethernet",
	[NS_DROP_ARP] = "arp",
	[NS_DROP_IP_HEADER] = "ip-header",
	[NS_DROP_IP_CSUM] = "ip-checksum",
	[NS_DROP_IP_FRAG] = "ip-fragment",
	[NS_DROP_NOT_OURS] = "not-ours",
	[NS_DROP_PROTO] = "protocol",
	[NS_DROP_ICMP] = "icmp",
	[NS_DROP_UDP] = "udp",
	[NS_DROP_NO_SOCKET] = "no-socket",
};

const char *netstack_drop_name(enum netstack_drop why)
{
	return (unsigned)why < NS_DROP_COUNT ? drop_names[why] : "?";
}

void netstack_init(struct netstack *st, const uint8_t mac[ETH_ALEN], uint32_t ip, uint32_t netmask,
                   uint32_t gateway, uint64_t arp_timeout, netstack_output_fn output, void *ctx)
{
	memset(st, 0, sizeof(*st));
	memcpy(st->mac, mac, ETH_ALEN);
	st->ip = ip;
	st->netmask = netmask;
	st->gateway = gateway;
	st->arp_timeout = arp_timeout;
	st->output = output;
	st->output_ctx = ctx;
}

uint16_t inet_checksum(const uint8_t *p, size_t len, uint32_t sum)
{
	uint64_t s = sum;

	for (size_t i = 0; i + 1 < len; i += 2)
		s += (uint32_t)p[i] << 8 | p[i + 1];
	if (len & 1)
		s += (uint32_t)p[len - 1] << 8;
	while (s >> 16)
		s = (s & 0xffffu) + (s >> 16);
	return (uint16_t)~s;
}

void netstack_eth_header(const struct netstack *st, uint8_t *frame, const uint8_t *dst,
                         uint16_t type)
{
	memcpy(frame + ETH_DST, dst, ETH_ALEN);
	memcpy(frame + ETH_SRC, st->mac, ETH_ALEN);
	eth_put16(frame + ETH_TYPE, type);
}

void netstack_ip_header(struct netstack *st, uint8_t *ip, uint8_t proto, uint32_t dst,
                        size_t payload)
{
	memset(ip, 0, IP_HDR_LEN);
	ip[IP_VER_IHL] = IP_VERSION << 4 | IP_HDR_LEN / 4;
	/* Callers keep payload within the MTU. */
	eth_put16(ip + IP_TOTAL_LEN, (uint16_t)(IP_HDR_LEN + payload));
	eth_put16(ip + IP_ID, st->ip_id++);
	ip[IP_TTL] = IP_DEFAULT_TTL;
	ip[IP_PROTO] = proto;
	put32(ip + IP_SRC, st->ip);
	put32(ip + IP_DST, dst);
	eth_put16(ip + IP_CSUM, inet_checksum(ip, IP_HDR_LEN, 0));
}

void netstack_send(struct netstack *st, const uint8_t *frame, size_t len)
{
	st->stats.tx_frames++;
	st->output(st->output_ctx, frame, len);
}

/* ICMP echo's identifier and sequence number (RFC 792), after type, code, checksum. */
#define ICMP_ECHO_ID  4u
#define ICMP_ECHO_SEQ 6u

int netstack_next_hop(struct netstack *st, uint32_t ip, uint64_t now, const uint8_t **mac)
{
	bool on_link = (ip & st->netmask) == (st->ip & st->netmask);
	uint32_t hop = on_link ? ip : st->gateway;

	if (hop == 0)
		return -ZE_INVAL;
	*mac = netstack_arp_lookup(st, hop, now);
	if (!*mac) {
		netstack_arp_request(st, hop);
		return -ZE_AGAIN;
	}
	return 0;
}

void netstack_on_echo_reply(struct netstack *st, netstack_echo_fn fn, void *ctx)
{
	st->echo_reply = fn;
	st->echo_ctx = ctx;
}

int netstack_ping(struct netstack *st, uint32_t ip, uint16_t id, uint16_t seq, size_t data_len,
                  uint64_t now)
{
	uint8_t out[ETH_HDR_LEN + IP_HDR_LEN + ETH_MTU];
	uint8_t *iph = out + ETH_HDR_LEN, *icmp = iph + IP_HDR_LEN;
	size_t len = ICMP_HDR_LEN + data_len;
	const uint8_t *mac;

	if (len > ETH_MTU - IP_HDR_LEN)
		return -ZE_INVAL;
	int rc = netstack_next_hop(st, ip, now, &mac);
	if (rc)
		return rc;
	netstack_eth_header(st, out, mac, ETHERTYPE_IPV4);
	icmp[ICMP_TYPE] = ICMP_ECHO;
	icmp[ICMP_CODE] = 0;
	eth_put16(icmp + ICMP_CSUM, 0);
	eth_put16(icmp + ICMP_ECHO_ID, id);
	eth_put16(icmp + ICMP_ECHO_SEQ, seq);
	for (size_t i = 0; i < data_len; i++)
		icmp[ICMP_HDR_LEN + i] = (uint8_t)i;
	eth_put16(icmp + ICMP_CSUM, inet_checksum(icmp, len, 0));
	netstack_ip_header(st, iph, IP_PROTO_ICMP, ip, len);
	st->stats.ping_tx++;
	netstack_send(st, out, ETH_HDR_LEN + IP_HDR_LEN + len);
	return 0;
}

/* An echo reply (checked): counted, and told to whoever sent the request. */
static void echo_reply_input(struct netstack *st, const uint8_t *ip, const uint8_t *icmp)
{
	st->stats.ping_rx++;
	if (st->echo_reply)
		st->echo_reply(st->echo_ctx, get32(ip + IP_SRC), eth_get16(icmp + ICMP_ECHO_ID),
		               eth_get16(icmp + ICMP_ECHO_SEQ));
}

/* An echo request (checked) answered with the same identifier, sequence and data. */
static void icmp_input(struct netstack *st, const uint8_t *frame, const uint8_t *ip, size_t ihl,
                       size_t total)
{
	const uint8_t *icmp = ip + ihl;
	size_t len = total - ihl;
	uint8_t out[ETH_HDR_LEN + IP_HDR_LEN + ETH_MTU];

	if (len < ICMP_HDR_LEN || inet_checksum(icmp, len, 0) != 0) {
		drop(st, NS_DROP_ICMP);
		return;
	}
	if (icmp[ICMP_TYPE] == ICMP_ECHO_REPLY && icmp[ICMP_CODE] == 0) {
		echo_reply_input(st, ip, icmp);
		return;
	}
	if (icmp[ICMP_TYPE] != ICMP_ECHO || icmp[ICMP_CODE] != 0) {
		drop(st, NS_DROP_PROTO);
		return;
	}
	if (len > ETH_MTU - IP_HDR_LEN) { /* options took room we do not give back */
		drop(st, NS_DROP_ICMP);
		return;
	}
	uint8_t *rip = out + ETH_HDR_LEN, *ricmp = rip + IP_HDR_LEN;
	netstack_eth_header(st, out, frame + ETH_SRC, ETHERTYPE_IPV4);
	memcpy(ricmp, icmp, len);
	ricmp[ICMP_TYPE] = ICMP_ECHO_REPLY;
	eth_put16(ricmp + ICMP_CSUM, 0);
	eth_put16(ricmp + ICMP_CSUM, inet_checksum(ricmp, len, 0));
	netstack_ip_header(st, rip, IP_PROTO_ICMP, get32(ip + IP_SRC), len);
	st->stats.icmp_echo++;
	netstack_send(st, out, ETH_HDR_LEN + IP_HDR_LEN + len);
}

/* Ours: our address, the limited broadcast or our subnet's broadcast. */
static bool ip_for_us(const struct netstack *st, uint32_t dst, bool *broadcast)
{
	*broadcast = dst == IP_BROADCAST || (st->netmask && dst == (st->ip | ~st->netmask));
	return dst == st->ip || *broadcast;
}

/* The header checks of RFC 1122 3.2.1; the datagram's own length is total. */
static bool ip_header_ok(struct netstack *st, const uint8_t *ip, size_t avail, size_t *ihl,
                         size_t *total)
{
	if (avail < IP_HDR_LEN || ip[IP_VER_IHL] >> 4 != IP_VERSION) {
		drop(st, NS_DROP_IP_HEADER);
		return false;
	}
	*ihl = (size_t)(ip[IP_VER_IHL] & 0xfu) * 4u;
	*total = eth_get16(ip + IP_TOTAL_LEN);
	if (*ihl < IP_HDR_LEN || *ihl > *total || *total > avail) {
		drop(st, NS_DROP_IP_HEADER);
		return false;
	}
	if (inet_checksum(ip, *ihl, 0) != 0) {
		drop(st, NS_DROP_IP_CSUM);
		return false;
	}
	if (eth_get16(ip + IP_FRAG) & (IP_FRAG_MF | IP_FRAG_OFFSET)) {
		drop(st, NS_DROP_IP_FRAG);
		return false;
	}
	return true;
}

static void ip_input(struct netstack *st, const uint8_t *frame, size_t len)
{
	const uint8_t *ip = frame + ETH_HDR_LEN;
	size_t ihl, total;
	bool broadcast;

	if (!ip_header_ok(st, ip, len - ETH_HDR_LEN, &ihl, &total))
		return;
	if (!ip_for_us(st, get32(ip + IP_DST), &broadcast)) {
		drop(st, NS_DROP_NOT_OURS);
		return;
	}
	if (ip[IP_PROTO] == IP_PROTO_UDP)
		netstack_udp_input(st, frame, ip, ihl, total);
	else if (ip[IP_PROTO] == IP_PROTO_ICMP && !broadcast) /* RFC 1122 3.2.2.6: may ignore */
		icmp_input(st, frame, ip, ihl, total);
	else
		drop(st, NS_DROP_PROTO);
}

void netstack_input(struct netstack *st, const uint8_t *frame, size_t len, uint64_t now)
{
	st->stats.rx_frames++;
	if (len < ETH_HDR_LEN || len > ETH_FRAME_MAX) {
		drop(st, NS_DROP_ETH);
		return;
	}
	const uint8_t *dst = frame + ETH_DST;
	bool to_us = eth_equal(dst, st->mac);
	static const uint8_t broadcast[ETH_ALEN] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
	if (!to_us && !eth_equal(dst, broadcast)) {
		drop(st, NS_DROP_ETH);
		return;
	}
	uint16_t type = eth_get16(frame + ETH_TYPE);
	if (type == ETHERTYPE_ARP)
		netstack_arp_input(st, frame, len, now);
	else if (type == ETHERTYPE_IPV4)
		ip_input(st, frame, len);
	else
		drop(st, NS_DROP_ETH);
}
