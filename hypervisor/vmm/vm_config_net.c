/*
 * ZVM's own place on its virtual switch in the configuration: the
 * /zvm/network node (address, netmask, gateway as dotted quads, mac as 6
 * bytes), and the rule that every port's MAC (each VM's net devices and
 * ZVM's) is a unicast, non-zero address given once.  Schema:
 * docs/configuration.md.
 */
#include "vmm/vm_config_priv.h"
#include "lib/format.h"
#include "lib/string.h"
#include "net/netstack.h"

#define NETWORK_WHERE   "/zvm/network"
/* "255.255.255.255" and its NUL. */
#define DOTTED_QUAD_MAX 16u

static const char *const network_props[] = { "address", "netmask",    "gateway",
	                                     "mac",     "agent-port", NULL };
/* UDP ports are 16 bits (RFC 768). */
#define UDP_PORT_MAX 65535u

int cfg_read_mac(struct cfg_ctx *ctx, int node, const char *where, const char *name,
                 uint8_t mac[VM_MAC_LEN])
{
	int len = 0;
	const uint8_t *p = fdt_getprop(&ctx->fdt, node, name, &len);

	if (!p || len != VM_MAC_LEN)
		return cfg_fail(ctx, ZE_MALFORMED, where,
		                "%s: %d bytes, a MAC is 6 (e.g. [52 54 00 12 34 56])", name,
		                p ? len : 0);
	memcpy(mac, p, VM_MAC_LEN);
	if (mac[0] & 0x01u)
		return cfg_fail(ctx, ZE_MALFORMED, where,
		                "%s: a group (multicast) address; a port's MAC is unicast", name);
	if ((mac[0] | mac[1] | mac[2] | mac[3] | mac[4] | mac[5]) == 0)
		return cfg_fail(ctx, ZE_MALFORMED, where, "%s: the zero address", name);
	return 0;
}

static int read_ipv4(struct cfg_ctx *ctx, int node, const char *name, bool required, uint32_t *out)
{
	char value[DOTTED_QUAD_MAX + 8];
	int rc = cfg_read_string(ctx, node, NETWORK_WHERE, name, value, sizeof(value), required);

	if (rc || !value[0])
		return rc;
	if (fmt_parse_ipv4(value, out))
		return cfg_fail(ctx, ZE_MALFORMED, NETWORK_WHERE,
		                "%s \"%s\" is not an IPv4 address a.b.c.d", name, value);
	return 0;
}

/* Contiguous ones from the top (RFC 4632), not all zero. */
static bool mask_ok(uint32_t m)
{
	return m != 0 && ((~m + 1) & ~m) == 0;
}

/* agent-port = <n>: 0 keeps the agent off the network; absent is the default. */
static int read_agent_port(struct cfg_ctx *ctx, int node, uint16_t *out)
{
	uint32_t port = NET_AGENT_PORT_DEFAULT;

	if (fdt_getprop(&ctx->fdt, node, "agent-port", NULL)) {
		int rc = cfg_read_cell(ctx, node, NETWORK_WHERE, "agent-port", &port);
		if (rc)
			return rc;
		if (port > UDP_PORT_MAX || port == UDP_PORT_ECHO)
			return cfg_fail(ctx, ZE_MALFORMED, NETWORK_WHERE,
			                "agent-port %u: a UDP port 1-65535 but 7 (the echo "
			                "service), or 0 for none",
			                port);
	}
	*out = (uint16_t)port;
	return 0;
}

int cfg_parse_network(struct cfg_ctx *ctx, int node)
{
	struct net_config *n = &ctx->out->network;
	int rc = cfg_check_props(ctx, node, NETWORK_WHERE, network_props);

	if (rc == 0)
		rc = read_ipv4(ctx, node, "address", true, &n->address);
	if (rc == 0)
		rc = read_ipv4(ctx, node, "netmask", true, &n->netmask);
	if (rc == 0)
		rc = read_ipv4(ctx, node, "gateway", false, &n->gateway);
	if (rc == 0 && fdt_getprop(&ctx->fdt, node, "mac", NULL) == NULL)
		rc = cfg_fail(ctx, ZE_MISSING, NETWORK_WHERE, "missing required property 'mac'");
	if (rc == 0)
		rc = cfg_read_mac(ctx, node, NETWORK_WHERE, "mac", n->mac);
	if (rc == 0)
		rc = read_agent_port(ctx, node, &n->agent_port);
	if (rc)
		return rc;
	if (!mask_ok(n->netmask))
		return cfg_fail(ctx, ZE_MALFORMED, NETWORK_WHERE,
		                "netmask: ones then zeros, not all zero");
	uint32_t host = n->address & ~n->netmask;
	if (host == 0 || host == ~n->netmask)
		return cfg_fail(ctx, ZE_MALFORMED, NETWORK_WHERE,
		                "address: the subnet's network or broadcast address");
	if (n->gateway && ((n->gateway ^ n->address) & n->netmask))
		return cfg_fail(ctx, ZE_MALFORMED, NETWORK_WHERE,
		                "gateway: not on the address's subnet");
	n->present = true;
	return 0;
}

/* Whether mac is one of the ports named before (VM i's device j, in order). */
static const char *mac_owner(const struct system_config *cfg, const uint8_t *mac, uint32_t vm,
                             uint32_t dev)
{
	for (uint32_t i = 0; i <= vm && i < cfg->vm_count; i++)
		for (uint32_t j = 0; j < cfg->vms[i].virtio_count && (i < vm || j < dev); j++) {
			const struct vm_virtio *d = &cfg->vms[i].virtio[j];
			if (d->type == VM_VIRTIO_NET && memcmp(d->mac, mac, VM_MAC_LEN) == 0)
				return cfg->vms[i].name;
		}
	return NULL;
}

int cfg_check_macs(struct cfg_ctx *ctx)
{
	const struct system_config *cfg = ctx->out;

	for (uint32_t i = 0; i < cfg->vm_count; i++) {
		for (uint32_t j = 0; j < cfg->vms[i].virtio_count; j++) {
			const struct vm_virtio *d = &cfg->vms[i].virtio[j];
			char where[CFG_WHERE_MAX];
			if (d->type != VM_VIRTIO_NET)
				continue;
			fmt_snprintf(where, sizeof(where), "vm '%s' virtio@%x", cfg->vms[i].name,
			             d->slot);
			const char *owner = mac_owner(cfg, d->mac, i, j);
			if (owner)
				return cfg_fail(ctx, ZE_CONFLICT, where,
				                "mac is also a net device's of vm '%s'", owner);
			if (cfg->network.present &&
			    memcmp(d->mac, cfg->network.mac, VM_MAC_LEN) == 0)
				return cfg_fail(ctx, ZE_CONFLICT, where,
				                "mac is ZVM's own (/zvm/network)");
		}
	}
	return 0;
}
