/*
 * Ethernet II framing (IEEE 802.3 clause 3) as ZVM's virtual switch, its
 * network stack and the virtio-net devices see it: no FCS (no virtio
 * device carries one), no 802.1Q tags of ours.  Constants defined once.
 *
 * Portable: header only.
 */
#ifndef NET_ETH_H
#define NET_ETH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define ETH_ALEN       6u    /* octets in a MAC address */
#define ETH_HDR_LEN    14u   /* destination, source, EtherType */
#define ETH_MTU        1500u /* payload of an untagged frame */
#define ETH_VLAN_EXTRA 4u    /* an 802.1Q tag a guest may add */
/* The longest frame a port may send: header, MTU and one VLAN tag. */
#define ETH_FRAME_MAX  (ETH_HDR_LEN + ETH_MTU + ETH_VLAN_EXTRA)
#define ETH_DST        0u
#define ETH_SRC        6u
#define ETH_TYPE       12u

/* EtherTypes (IEEE registry). */
#define ETHERTYPE_IPV4 0x0800u
#define ETHERTYPE_ARP  0x0806u

/* Bit 0 of the first octet: a group (multicast or broadcast) address. */
static inline bool eth_is_group(const uint8_t *mac)
{
	return (mac[0] & 0x01u) != 0;
}

static inline bool eth_is_zero(const uint8_t *mac)
{
	return (mac[0] | mac[1] | mac[2] | mac[3] | mac[4] | mac[5]) == 0;
}

static inline bool eth_equal(const uint8_t *a, const uint8_t *b)
{
	return a[0] == b[0] && a[1] == b[1] && a[2] == b[2] && a[3] == b[3] && a[4] == b[4] &&
	       a[5] == b[5];
}

static inline uint16_t eth_get16(const uint8_t *p)
{
	return (uint16_t)((unsigned)p[0] << 8 | p[1]);
}

static inline void eth_put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

#endif
