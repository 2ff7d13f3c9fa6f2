/*
 * The RTOS's network address from its bootargs:
 *   net=<a.b.c.d>/<prefix>[,<gateway a.b.c.d>]     e.g. net=10.0.2.17/24,10.0.2.2
 * Addresses in host byte order, as ZVM's stack (hypervisor/net/netstack.h)
 * takes them.  Portable; host-tested (tests/test_net_addr.c).
 */
#ifndef RTOS_APP_NET_ADDR_H
#define RTOS_APP_NET_ADDR_H

#include <stdbool.h>
#include <stdint.h>

struct net_addr {
	uint32_t ip, netmask, gateway; /* gateway 0: none */
};

/* Parses a dotted quad that ends the string or stops at *end; false if malformed. */
bool net_parse_ipv4(const char *s, const char **end, uint32_t *ip);
/* Parses a "net=" value; false (out untouched) if malformed or a prefix not 1-32. */
bool net_parse_addr(const char *s, struct net_addr *out);

#endif
