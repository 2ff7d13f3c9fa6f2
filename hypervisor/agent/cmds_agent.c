/* `zvm agent`: the management agent's counters on the shell. */
#include "agent/agent.h"
#include "kernel/cmd.h"

static int cmd_agent(struct cmd_io *io, int argc, char **argv)
{
	struct agent_stats s;

	(void)argv;
	if (argc != 1)
		return CMD_ERR_USAGE;
	agent_stats(&s);
	cmd_printf(io, "agent: key %s; transports: serial",
	           s.has_key ? "configured" : "missing (every request refused)");
	if (s.udp_port)
		cmd_printf(io, ", udp port %u", s.udp_port);
	cmd_printf(io, "\n");
	cmd_printf(
	        io,
	        "  received %lu, executed %lu (failed %lu), retried %lu\n"
	        "  refused: unauthenticated %lu, replayed %lu, malformed %lu, no room %lu, "
	        "too large %lu\n"
	        "  dropped (inbox full) %lu, bad serial frames %lu, udp datagrams %lu (bad %lu)\n",
	        s.rpc.received, s.rpc.executed, s.rpc.failed, s.rpc.retried, s.rpc.unauthenticated,
	        s.rpc.replayed, s.rpc.malformed, s.rpc.no_room, s.rpc.too_large, s.dropped,
	        s.serial_bad, s.udp_received, s.udp_bad);
	return CMD_OK;
}
CMD_REGISTER(zvm_agent, "zvm agent", "zvm agent",
             "The management agent's counters: requests run, retried and refused.", cmd_agent);
