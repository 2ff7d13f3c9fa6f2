/*
 * `net`: ZVM's address, its stack's counters and the virtual switch's
 * ports, from the one command registry (the shell, and later the agent).
 */
#include "drivers/board_nic.h"
#include "kernel/cmd.h"
#include "kernel/time.h"
#include "lib/format.h"
#include "lib/zerror.h"
#include "net/net_service.h"

static void print_ip(struct cmd_io *io, const char *what, uint32_t ip)
{
	cmd_printf(io, " %s %u.%u.%u.%u", what, ip >> 24, ip >> 16 & 0xffu, ip >> 8 & 0xffu,
	           ip & 0xffu);
}

/* `net ping`: how many by default and at most, and how long each may take. */
#define PING_COUNT_DEFAULT 3u
#define PING_COUNT_MAX     100u
#define PING_TIMEOUT_MS    2000u

static void print_stack(struct cmd_io *io, const struct netstack *st)
{
	const struct netstack_stats *s = &st->stats;

	cmd_printf(io, "zvm stack: mac %02x:%02x:%02x:%02x:%02x:%02x", st->mac[0], st->mac[1],
	           st->mac[2], st->mac[3], st->mac[4], st->mac[5]);
	print_ip(io, "address", st->ip);
	print_ip(io, "netmask", st->netmask);
	print_ip(io, "gateway", st->gateway);
	cmd_printf(io,
	           "\n  rx %lu tx %lu, arp replies %lu requests %lu, icmp echo %lu, udp rx %lu "
	           "tx %lu, answers dropped %lu, pings sent %lu answered %lu\n  dropped:",
	           s->rx_frames, s->tx_frames, s->arp_replies, s->arp_requests, s->icmp_echo,
	           s->udp_rx, s->udp_tx, net_outbox_dropped(), s->ping_tx, s->ping_rx);
	for (unsigned i = 0; i < NS_DROP_COUNT; i++)
		cmd_printf(io, " %s %lu", netstack_drop_name((enum netstack_drop)i), s->dropped[i]);
	cmd_printf(io, "\n");
}

static void print_switch(struct cmd_io *io, const struct vswitch *sw)
{
	const struct vswitch_stats *s = &sw->stats;

	cmd_printf(io,
	           "switch: forwarded %lu flooded %lu filtered %lu, learned %lu moved %lu aged %lu "
	           "table full %lu\n",
	           s->forwarded, s->flooded, s->filtered, s->learned, s->moved, s->aged,
	           s->fdb_full);
	for (unsigned i = 0; i < VSWITCH_MAX_PORTS; i++) {
		const struct vswitch_port *p = &sw->port[i];
		if (!p->used)
			continue;
		cmd_printf(io, "  port %u %s: ", i, p->name);
		if (p->any_source)
			cmd_printf(io, "uplink");
		else
			cmd_printf(io, "mac %02x:%02x:%02x:%02x:%02x:%02x", p->mac[0], p->mac[1],
			           p->mac[2], p->mac[3], p->mac[4], p->mac[5]);
		cmd_printf(io,
		           ", in %lu (%lu bytes), out %lu (%lu bytes), spoofed %lu, malformed %lu, "
		           "undeliverable %lu\n",
		           p->stats.rx_frames, p->stats.rx_bytes, p->stats.tx_frames,
		           p->stats.tx_bytes, p->stats.spoofed, p->stats.malformed,
		           p->stats.tx_dropped);
	}
}

static void print_nic(struct cmd_io *io)
{
	struct board_nic_info n;

	if (!board_nic_present()) {
		cmd_printf(io, "board nic: none\n");
		return;
	}
	board_nic_get_info(&n);
	cmd_printf(io,
	           "board nic: virtio-net at 0x%lx, INTID %u, rx %lu (%lu bytes) errors %lu, "
	           "tx %lu (%lu bytes) dropped %lu errors %lu, interrupts %lu, bogus used %lu\n",
	           n.base, n.intid, n.stats.rx_packets, n.stats.rx_bytes, n.stats.rx_errors,
	           n.stats.tx_packets, n.stats.tx_bytes, n.stats.tx_dropped, n.stats.tx_errors,
	           n.interrupts, n.bogus_used);
}

static int cmd_net(struct cmd_io *io, int argc, char **argv)
{
	(void)argv;
	if (argc != 1)
		return CMD_ERR_USAGE;
	net_service_lock();
	const struct vswitch *sw = net_switch();
	const struct netstack *st = net_stack();
	if (st)
		print_stack(io, st);
	else
		cmd_printf(io, "zvm stack: none (no /zvm/network in the configuration)\n");
	if (sw)
		print_switch(io, sw);
	print_nic(io);
	net_service_unlock();
	return CMD_OK;
}

CMD_REGISTER(net, "net", "net", "ZVM's address, its stack's and the virtual switch's counters",
             cmd_net);

static int cmd_net_ping(struct cmd_io *io, int argc, char **argv)
{
	uint32_t ip;
	uint64_t count = PING_COUNT_DEFAULT;
	unsigned answered = 0;

	if (argc < 2 || argc > 3 || fmt_parse_ipv4(argv[1], &ip) ||
	    (argc == 3 &&
	     (!cmd_parse_u64(argv[2], &count) || count == 0 || count > PING_COUNT_MAX)))
		return CMD_ERR_USAGE;
	for (uint64_t i = 1; i <= count; i++) {
		uint64_t rtt = 0;
		int rc = net_ping(ip, (uint16_t)i, ms_to_ticks(PING_TIMEOUT_MS), &rtt);
		if (rc == -ZE_STATE || rc == -ZE_INVAL) {
			cmd_printf(io, "net ping: %s\n",
			           rc == -ZE_STATE ? "ZVM has no address (no /zvm/network)" :
			                             "no route to that address");
			return CMD_ERR_FAIL;
		}
		if (rc == 0) {
			answered++;
			cmd_printf(io, "reply from %s: seq %lu time %lu us\n", argv[1], i,
			           ticks_to_ns(rtt) / 1000u);
		} else {
			cmd_printf(io, "no reply from %s: seq %lu (%u ms)\n", argv[1], i,
			           PING_TIMEOUT_MS);
		}
	}
	cmd_printf(io, "%lu sent, %u answered\n", count, answered);
	return answered ? CMD_OK : CMD_ERR_FAIL;
}

CMD_REGISTER(net_ping, "net ping", "net ping <a.b.c.d> [<count>]",
             "ICMP echo from ZVM's own stack (ARP first when needed), 2 s per reply", cmd_net_ping);
