/*
 * ZVM's network stack against frames built here as a peer would: ARP
 * requests answered and their sender cached, ICMP echo answered with a
 * correct reply, UDP delivered to its socket and answered, sends that
 * resolve their next hop first; and every malformed frame (bad lengths,
 * checksums, fragments, not ours) dropped by reason, never answered.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "lib/zerror.h"
#include "net/netstack_priv.h"

#define IP(a, b, c, d) ((uint32_t)(a) << 24 | (uint32_t)(b) << 16 | (uint32_t)(c) << 8 | (d))
#define OUR_IP         IP(10, 0, 2, 15)
#define PEER_IP        IP(10, 0, 2, 16)
#define GW_IP          IP(10, 0, 2, 2)
#define MASK           IP(255, 255, 255, 0)
#define TIMEOUT        1000u

static const uint8_t our_mac[ETH_ALEN] = { 0x52, 0x54, 0, 0x5a, 0x56, 0x4d };
static const uint8_t peer_mac[ETH_ALEN] = { 0x52, 0x54, 0, 0, 0, 0x16 };
static const uint8_t bcast[ETH_ALEN] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };

static struct netstack st;
static uint8_t out[8][ETH_FRAME_MAX];
static size_t out_len[8];
static unsigned outs;

static void capture(void *ctx, const uint8_t *frame, size_t len)
{
	(void)ctx;
	assert_true(outs < 8 && len <= ETH_FRAME_MAX);
	memcpy(out[outs], frame, len);
	out_len[outs++] = len;
}

static int setup(void **state)
{
	(void)state;
	netstack_init(&st, our_mac, OUR_IP, MASK, GW_IP, TIMEOUT, capture, NULL);
	outs = 0;
	return 0;
}

static size_t arp_frame(uint8_t *f, uint16_t oper, const uint8_t *dst, uint32_t spa, uint32_t tpa)
{
	uint8_t *a = f + ETH_HDR_LEN;
	memset(f, 0, ETH_HDR_LEN + ARP_LEN);
	memcpy(f + ETH_DST, dst, ETH_ALEN);
	memcpy(f + ETH_SRC, peer_mac, ETH_ALEN);
	eth_put16(f + ETH_TYPE, ETHERTYPE_ARP);
	eth_put16(a + ARP_HTYPE, ARP_HTYPE_ETH);
	eth_put16(a + ARP_PTYPE, ETHERTYPE_IPV4);
	a[ARP_HLEN] = 6;
	a[ARP_PLEN] = 4;
	eth_put16(a + ARP_OPER, oper);
	memcpy(a + ARP_SHA, peer_mac, ETH_ALEN);
	put32(a + ARP_SPA, spa);
	put32(a + ARP_TPA, tpa);
	return ETH_HDR_LEN + ARP_LEN;
}

/* An IPv4 datagram from the peer to dst carrying payload; returns the frame's length. */
static size_t ip_frame(uint8_t *f, uint8_t proto, uint32_t dst, const uint8_t *payload, size_t len)
{
	uint8_t *ip = f + ETH_HDR_LEN;
	memcpy(f + ETH_DST, our_mac, ETH_ALEN);
	memcpy(f + ETH_SRC, peer_mac, ETH_ALEN);
	eth_put16(f + ETH_TYPE, ETHERTYPE_IPV4);
	memset(ip, 0, IP_HDR_LEN);
	ip[IP_VER_IHL] = 0x45;
	eth_put16(ip + IP_TOTAL_LEN, (uint16_t)(IP_HDR_LEN + len));
	ip[IP_TTL] = 64;
	ip[IP_PROTO] = proto;
	put32(ip + IP_SRC, PEER_IP);
	put32(ip + IP_DST, dst);
	eth_put16(ip + IP_CSUM, inet_checksum(ip, IP_HDR_LEN, 0));
	memcpy(ip + IP_HDR_LEN, payload, len);
	return ETH_HDR_LEN + IP_HDR_LEN + len;
}

static size_t echo_request(uint8_t *f, uint32_t dst, size_t data_len)
{
	uint8_t icmp[ICMP_HDR_LEN + 64] = { ICMP_ECHO, 0, 0, 0, 0x12, 0x34, 0x00, 0x01 };
	for (size_t i = 0; i < data_len; i++)
		icmp[ICMP_HDR_LEN + i] = (uint8_t)i;
	eth_put16(icmp + ICMP_CSUM, inet_checksum(icmp, ICMP_HDR_LEN + data_len, 0));
	return ip_frame(f, IP_PROTO_ICMP, dst, icmp, ICMP_HDR_LEN + data_len);
}

static void arp_requests_for_us_are_answered(void **state)
{
	(void)state;
	uint8_t f[64];
	size_t n = arp_frame(f, ARP_OP_REQUEST, bcast, PEER_IP, OUR_IP);

	netstack_input(&st, f, n, 1);
	assert_int_equal(outs, 1);
	const uint8_t *a = out[0] + ETH_HDR_LEN;
	assert_memory_equal(out[0] + ETH_DST, peer_mac, ETH_ALEN);
	assert_memory_equal(out[0] + ETH_SRC, our_mac, ETH_ALEN);
	assert_int_equal(eth_get16(a + ARP_OPER), ARP_OP_REPLY);
	assert_memory_equal(a + ARP_SHA, our_mac, ETH_ALEN);
	assert_int_equal(get32(a + ARP_SPA), OUR_IP);
	assert_memory_equal(a + ARP_THA, peer_mac, ETH_ALEN);
	assert_int_equal(get32(a + ARP_TPA), PEER_IP);
	/* The asker is cached (RFC 826), until it times out. */
	assert_non_null(netstack_arp_lookup(&st, PEER_IP, 1 + TIMEOUT));
	assert_memory_equal(netstack_arp_lookup(&st, PEER_IP, 1), peer_mac, ETH_ALEN);
	assert_null(netstack_arp_lookup(&st, PEER_IP, 2 + TIMEOUT));
}

static void arp_not_for_us_is_only_a_refresh(void **state)
{
	(void)state;
	uint8_t f[64];
	size_t n = arp_frame(f, ARP_OP_REQUEST, bcast, PEER_IP, IP(10, 0, 2, 99));

	netstack_input(&st, f, n, 1);
	assert_int_equal(outs, 0);
	assert_null(netstack_arp_lookup(&st, PEER_IP, 1));
	/* Nobody may claim our address; malformed ARP is dropped. */
	n = arp_frame(f, ARP_OP_REQUEST, bcast, OUR_IP, OUR_IP);
	netstack_input(&st, f, n, 1);
	assert_null(netstack_arp_lookup(&st, OUR_IP, 1));
	n = arp_frame(f, ARP_OP_REQUEST, bcast, PEER_IP, OUR_IP);
	f[ETH_HDR_LEN + ARP_HLEN] = 8;
	netstack_input(&st, f, n, 1);
	netstack_input(&st, f, n - 1, 1);
	assert_int_equal(st.stats.dropped[NS_DROP_ARP], 2);
	assert_int_equal(outs, 1); /* only the claim of our address was answered */
}

static void echo_requests_get_a_correct_reply(void **state)
{
	(void)state;
	uint8_t f[ETH_FRAME_MAX];
	size_t n = echo_request(f, OUR_IP, 56);

	netstack_input(&st, f, n, 1);
	assert_int_equal(outs, 1);
	assert_int_equal(out_len[0], n);
	const uint8_t *ip = out[0] + ETH_HDR_LEN, *icmp = ip + IP_HDR_LEN;
	assert_memory_equal(out[0] + ETH_DST, peer_mac, ETH_ALEN);
	assert_int_equal(inet_checksum(ip, IP_HDR_LEN, 0), 0);
	assert_int_equal(get32(ip + IP_SRC), OUR_IP);
	assert_int_equal(get32(ip + IP_DST), PEER_IP);
	assert_int_equal(icmp[ICMP_TYPE], ICMP_ECHO_REPLY);
	assert_int_equal(inet_checksum(icmp, ICMP_HDR_LEN + 56, 0), 0);
	/* Identifier, sequence and data come back as they went. */
	assert_memory_equal(icmp + 4, f + ETH_HDR_LEN + IP_HDR_LEN + 4, 4 + 56);
	assert_int_equal(st.stats.icmp_echo, 1);
}

static void malformed_ip_is_dropped_by_reason(void **state)
{
	(void)state;
	uint8_t f[ETH_FRAME_MAX];
	size_t n = echo_request(f, OUR_IP, 8);
	uint8_t *ip = f + ETH_HDR_LEN;

	ip[IP_CSUM] ^= 1;
	netstack_input(&st, f, n, 1);
	assert_int_equal(st.stats.dropped[NS_DROP_IP_CSUM], 1);

	n = echo_request(f, OUR_IP, 8);
	eth_put16(ip + IP_TOTAL_LEN, (uint16_t)(n - ETH_HDR_LEN + 1)); /* longer than the frame */
	eth_put16(ip + IP_CSUM, 0);
	eth_put16(ip + IP_CSUM, inet_checksum(ip, IP_HDR_LEN, 0));
	netstack_input(&st, f, n, 1);
	n = echo_request(f, OUR_IP, 8);
	ip[IP_VER_IHL] = 0x44; /* header shorter than 20 bytes */
	netstack_input(&st, f, n, 1);
	ip[IP_VER_IHL] = 0x65; /* IPv6 */
	netstack_input(&st, f, n, 1);
	netstack_input(&st, f, ETH_HDR_LEN + 10, 1);
	assert_int_equal(st.stats.dropped[NS_DROP_IP_HEADER], 4);

	n = echo_request(f, OUR_IP, 8);
	eth_put16(ip + IP_FRAG, IP_FRAG_MF);
	eth_put16(ip + IP_CSUM, 0);
	eth_put16(ip + IP_CSUM, inet_checksum(ip, IP_HDR_LEN, 0));
	netstack_input(&st, f, n, 1);
	assert_int_equal(st.stats.dropped[NS_DROP_IP_FRAG], 1);

	n = echo_request(f, IP(10, 0, 2, 77), 8);
	netstack_input(&st, f, n, 1);
	assert_int_equal(st.stats.dropped[NS_DROP_NOT_OURS], 1);

	n = echo_request(f, OUR_IP, 8);
	f[n - 1] ^= 0xff; /* ICMP checksum now wrong */
	netstack_input(&st, f, n, 1);
	assert_int_equal(st.stats.dropped[NS_DROP_ICMP], 1);
	assert_int_equal(outs, 0);
}

static struct netstack_peer last_peer;
static uint8_t last_data[64];
static size_t last_len;

static void echo(void *ctx, const struct netstack_peer *from, uint16_t to_port, const uint8_t *data,
                 size_t len)
{
	(void)ctx;
	last_peer = *from;
	last_len = len;
	memcpy(last_data, data, len < sizeof(last_data) ? len : sizeof(last_data));
	assert_int_equal(netstack_udp_reply(&st, from, to_port, data, len), 0);
}

static size_t udp_frame(uint8_t *f, uint16_t port, const char *text, bool csum)
{
	uint8_t udp[UDP_HDR_LEN + 64] = { 0 };
	size_t len = strlen(text), ulen = UDP_HDR_LEN + len;
	eth_put16(udp + UDP_SRC_PORT, 40000);
	eth_put16(udp + UDP_DST_PORT, port);
	eth_put16(udp + UDP_LEN, (uint16_t)ulen);
	memcpy(udp + UDP_HDR_LEN, text, len);
	if (csum) {
		uint32_t sum = (PEER_IP >> 16) + (PEER_IP & 0xffff) + (OUR_IP >> 16) +
		               (OUR_IP & 0xffff) + IP_PROTO_UDP + (uint32_t)ulen;
		eth_put16(udp + UDP_CSUM, inet_checksum(udp, ulen, sum));
	}
	return ip_frame(f, IP_PROTO_UDP, OUR_IP, udp, ulen);
}

static void udp_reaches_its_socket_and_is_answered(void **state)
{
	(void)state;
	uint8_t f[ETH_FRAME_MAX];

	assert_int_equal(netstack_udp_bind(&st, UDP_PORT_ECHO, echo, NULL), 0);
	assert_int_equal(netstack_udp_bind(&st, UDP_PORT_ECHO, echo, NULL), -ZE_BUSY);
	size_t n = udp_frame(f, UDP_PORT_ECHO, "ping zvm", true);
	netstack_input(&st, f, n, 1);
	assert_int_equal(last_len, 8);
	assert_memory_equal(last_data, "ping zvm", 8);
	assert_int_equal(last_peer.ip, PEER_IP);
	assert_int_equal(last_peer.port, 40000);
	assert_int_equal(outs, 1);
	const uint8_t *ip = out[0] + ETH_HDR_LEN, *udp = ip + IP_HDR_LEN;
	assert_memory_equal(out[0] + ETH_DST, peer_mac, ETH_ALEN);
	assert_int_equal(eth_get16(udp + UDP_DST_PORT), 40000);
	assert_int_equal(eth_get16(udp + UDP_SRC_PORT), UDP_PORT_ECHO);
	uint32_t sum = (OUR_IP >> 16) + (OUR_IP & 0xffff) + (PEER_IP >> 16) + (PEER_IP & 0xffff) +
	               IP_PROTO_UDP + UDP_HDR_LEN + 8;
	assert_int_equal(inet_checksum(udp, UDP_HDR_LEN + 8, sum), 0);
	assert_memory_equal(udp + UDP_HDR_LEN, "ping zvm", 8);
	/* Without a checksum (0) it is taken too. */
	n = udp_frame(f, UDP_PORT_ECHO, "no sum", false);
	netstack_input(&st, f, n, 1);
	assert_int_equal(st.stats.udp_rx, 2);
}

static void bad_udp_is_dropped(void **state)
{
	(void)state;
	uint8_t f[ETH_FRAME_MAX];

	assert_int_equal(netstack_udp_bind(&st, UDP_PORT_ECHO, echo, NULL), 0);
	size_t n = udp_frame(f, UDP_PORT_ECHO, "bad sum", true);
	f[n - 1] ^= 1;
	netstack_input(&st, f, n, 1);
	n = udp_frame(f, UDP_PORT_ECHO, "too long", true);
	eth_put16(f + ETH_HDR_LEN + IP_HDR_LEN + UDP_LEN, 200); /* past the datagram */
	netstack_input(&st, f, n, 1);
	assert_int_equal(st.stats.dropped[NS_DROP_UDP], 2);
	n = udp_frame(f, 9999, "nobody", true);
	netstack_input(&st, f, n, 1);
	assert_int_equal(st.stats.dropped[NS_DROP_NO_SOCKET], 1);
	assert_int_equal(outs, 0);
}

static void a_send_resolves_its_next_hop_first(void **state)
{
	(void)state;
	uint8_t f[64];

	/* Off the subnet: through the gateway, whose MAC is not known yet. */
	assert_int_equal(
	        netstack_udp_send(&st, IP(192, 168, 1, 1), 5000, 6000, (const uint8_t *)"x", 1, 1),
	        -ZE_AGAIN);
	assert_int_equal(outs, 1);
	assert_memory_equal(out[0] + ETH_DST, bcast, ETH_ALEN);
	assert_int_equal(get32(out[0] + ETH_HDR_LEN + ARP_TPA), GW_IP);
	/* The gateway answers (the peer's MAC plays it here). */
	size_t n = arp_frame(f, ARP_OP_REPLY, our_mac, GW_IP, OUR_IP);
	netstack_input(&st, f, n, 2);
	assert_int_equal(outs, 1);
	assert_int_equal(
	        netstack_udp_send(&st, IP(192, 168, 1, 1), 5000, 6000, (const uint8_t *)"x", 1, 3),
	        0);
	assert_int_equal(outs, 2);
	assert_memory_equal(out[1] + ETH_DST, peer_mac, ETH_ALEN);
	assert_int_equal(get32(out[1] + ETH_HDR_LEN + IP_DST), IP(192, 168, 1, 1));
	uint8_t big[NETSTACK_UDP_MAX + 1] = { 0 };
	assert_int_equal(netstack_udp_send(&st, PEER_IP, 1, 1, big, sizeof(big), 3), -ZE_INVAL);
}

static uint32_t reply_from;
static uint16_t reply_id, reply_seq;
static unsigned replies;

static void on_reply(void *ctx, uint32_t from, uint16_t id, uint16_t seq)
{
	(void)ctx;
	reply_from = from;
	reply_id = id;
	reply_seq = seq;
	replies++;
}

static void a_ping_asks_arp_then_sends_and_hears_its_reply(void **state)
{
	(void)state;
	uint8_t f[ETH_FRAME_MAX];

	replies = 0;
	netstack_on_echo_reply(&st, on_reply, NULL);
	assert_int_equal(netstack_ping(&st, PEER_IP, 0x5a56, 9, 56, 1), -ZE_AGAIN);
	assert_int_equal(outs, 1); /* the ARP request */
	size_t n = arp_frame(f, ARP_OP_REPLY, our_mac, PEER_IP, OUR_IP);
	netstack_input(&st, f, n, 2);
	assert_int_equal(netstack_ping(&st, PEER_IP, 0x5a56, 9, 56, 3), 0);
	assert_int_equal(outs, 2);
	const uint8_t *ip = out[1] + ETH_HDR_LEN, *icmp = ip + IP_HDR_LEN;
	assert_memory_equal(out[1] + ETH_DST, peer_mac, ETH_ALEN);
	assert_int_equal(out_len[1], ETH_HDR_LEN + IP_HDR_LEN + ICMP_HDR_LEN + 56);
	assert_int_equal(inet_checksum(ip, IP_HDR_LEN, 0), 0);
	assert_int_equal(inet_checksum(icmp, ICMP_HDR_LEN + 56, 0), 0);
	assert_int_equal(icmp[ICMP_TYPE], ICMP_ECHO);
	assert_int_equal(eth_get16(icmp + 4), 0x5a56);
	assert_int_equal(eth_get16(icmp + 6), 9);
	/* The peer's answer: the same bytes as a reply. */
	uint8_t answer[ICMP_HDR_LEN + 56];
	memcpy(answer, icmp, sizeof(answer));
	answer[ICMP_TYPE] = ICMP_ECHO_REPLY;
	eth_put16(answer + ICMP_CSUM, 0);
	eth_put16(answer + ICMP_CSUM, inet_checksum(answer, sizeof(answer), 0));
	n = ip_frame(f, IP_PROTO_ICMP, OUR_IP, answer, sizeof(answer));
	netstack_input(&st, f, n, 4);
	assert_int_equal(replies, 1);
	assert_int_equal(reply_from, PEER_IP);
	assert_int_equal(reply_id, 0x5a56);
	assert_int_equal(reply_seq, 9);
	assert_int_equal(st.stats.ping_tx, 1);
	assert_int_equal(st.stats.ping_rx, 1);
	/* A reply with a bad checksum is no reply. */
	f[n - 1] ^= 0xff;
	netstack_input(&st, f, n, 5);
	assert_int_equal(replies, 1);
	assert_int_equal(st.stats.dropped[NS_DROP_ICMP], 1);
	/* Nowhere to go: off the subnet without a gateway; too long. */
	netstack_init(&st, our_mac, OUR_IP, MASK, 0, TIMEOUT, capture, NULL);
	assert_int_equal(netstack_ping(&st, IP(192, 168, 1, 1), 1, 1, 8, 6), -ZE_INVAL);
	assert_int_equal(netstack_ping(&st, PEER_IP, 1, 1, ETH_MTU, 6), -ZE_INVAL);
}

static void frames_not_for_us_are_ignored(void **state)
{
	(void)state;
	uint8_t f[ETH_FRAME_MAX];
	size_t n = echo_request(f, OUR_IP, 8);

	f[ETH_DST + 5] ^= 1; /* another station's MAC */
	netstack_input(&st, f, n, 1);
	netstack_input(&st, f, ETH_HDR_LEN - 1, 1);
	assert_int_equal(st.stats.dropped[NS_DROP_ETH], 2);
	assert_int_equal(outs, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(fn) cmocka_unit_test_setup(fn, setup)
		T(arp_requests_for_us_are_answered),
		T(arp_not_for_us_is_only_a_refresh),
		T(echo_requests_get_a_correct_reply),
		T(malformed_ip_is_dropped_by_reason),
		T(udp_reaches_its_socket_and_is_answered),
		T(bad_udp_is_dropped),
		T(a_send_resolves_its_next_hop_first),
		T(frames_not_for_us_are_ignored),
		T(a_ping_asks_arp_then_sends_and_hears_its_reply),
#undef T
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
