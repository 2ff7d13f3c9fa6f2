/* Parsing the RTOS's bootargs network address.  See net_addr.h. */
#include "app/net_addr.h"

#include <stddef.h>

#define IPV4_OCTETS 4
#define OCTET_MAX   255u
#define PREFIX_MAX  32u
#define DIGITS_MAX  3 /* an octet or a prefix: at most three digits */

/* Up to three decimal digits at *s, at most max; advances *s. */
static bool parse_number(const char **s, uint32_t max, uint32_t *out)
{
	uint32_t v = 0;
	int digits = 0;

	while (**s >= '0' && **s <= '9' && digits < DIGITS_MAX) {
		v = v * 10u + (uint32_t)(**s - '0');
		(*s)++;
		digits++;
	}
	if (digits == 0 || (**s >= '0' && **s <= '9') || v > max)
		return false;
	*out = v;
	return true;
}

bool net_parse_ipv4(const char *s, const char **end, uint32_t *ip)
{
	uint32_t v = 0, octet;

	for (int i = 0; i < IPV4_OCTETS; i++) {
		if (i > 0 && *s++ != '.')
			return false;
		if (!parse_number(&s, OCTET_MAX, &octet))
			return false;
		v = v << 8 | octet;
	}
	if (end)
		*end = s;
	else if (*s)
		return false;
	*ip = v;
	return true;
}

bool net_parse_addr(const char *s, struct net_addr *out)
{
	struct net_addr a = { 0, 0, 0 };
	uint32_t prefix;

	if (!net_parse_ipv4(s, &s, &a.ip) || *s++ != '/' ||
	    !parse_number(&s, PREFIX_MAX, &prefix) || prefix == 0)
		return false;
	a.netmask = prefix == PREFIX_MAX ? 0xffffffffu : ~(0xffffffffu >> prefix);
	if (*s == ',') {
		if (!net_parse_ipv4(s + 1, NULL, &a.gateway))
			return false;
	} else if (*s) {
		return false;
	}
	*out = a;
	return true;
}
