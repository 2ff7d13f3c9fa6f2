/*
 * Inside ZVM's network stack: header layouts (offsets into the frame,
 * network byte order) and the helpers its three files share.
 */
#ifndef NET_NETSTACK_PRIV_H
#define NET_NETSTACK_PRIV_H

#include "net/netstack.h"

/* RFC 826 for IPv4 over Ethernet: 28 bytes after the Ethernet header. */
#define ARP_LEN        28u
#define ARP_HTYPE      0u
#define ARP_PTYPE      2u
#define ARP_HLEN       4u
#define ARP_PLEN       5u
#define ARP_OPER       6u
#define ARP_SHA        8u
#define ARP_SPA        14u
#define ARP_THA        18u
#define ARP_TPA        24u
#define ARP_HTYPE_ETH  1u
#define ARP_OP_REQUEST 1u
#define ARP_OP_REPLY   2u

/* RFC 791 IPv4 header. */
#define IP_HDR_LEN     20u /* without options: all we send */
#define IP_VER_IHL     0u
#define IP_TOTAL_LEN   2u
#define IP_ID          4u
#define IP_FRAG        6u
#define IP_TTL         8u
#define IP_PROTO       9u
#define IP_CSUM        10u
#define IP_SRC         12u
#define IP_DST         16u
#define IP_VERSION     4u
#define IP_FRAG_MF     0x2000u /* more fragments */
#define IP_FRAG_OFFSET 0x1fffu
#define IP_DEFAULT_TTL 64u /* RFC 1700's recommendation */
#define IP_PROTO_ICMP  1u
#define IP_PROTO_UDP   17u
#define IP_BROADCAST   0xffffffffu

/* RFC 792 ICMP echo. */
#define ICMP_HDR_LEN    8u
#define ICMP_TYPE       0u
#define ICMP_CODE       1u
#define ICMP_CSUM       2u
#define ICMP_ECHO_REPLY 0u
#define ICMP_ECHO       8u

/* RFC 768 UDP. */
#define UDP_HDR_LEN  8u
#define UDP_SRC_PORT 0u
#define UDP_DST_PORT 2u
#define UDP_LEN      4u
#define UDP_CSUM     6u

static inline uint32_t get32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static inline void put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

static inline void drop(struct netstack *st, enum netstack_drop why)
{
	st->stats.dropped[why]++;
}

/* Writes the Ethernet header of a frame we send. */
void netstack_eth_header(const struct netstack *st, uint8_t *frame, const uint8_t *dst,
                         uint16_t type);
/* Fills in an IPv4 header for payload bytes after it; dst host order. */
void netstack_ip_header(struct netstack *st, uint8_t *ip, uint8_t proto, uint32_t dst,
                        size_t payload);
void netstack_send(struct netstack *st, const uint8_t *frame, size_t len);

void netstack_arp_input(struct netstack *st, const uint8_t *frame, size_t len, uint64_t now);
/* Asks who has ip (a broadcast request). */
void netstack_arp_request(struct netstack *st, uint32_t ip);
/* An IPv4 datagram's UDP part (length from the IP header, checked). */
void netstack_udp_input(struct netstack *st, const uint8_t *frame, const uint8_t *ip, size_t ihl,
                        size_t total);

#endif
