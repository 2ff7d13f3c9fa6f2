/* Shell commands about the machine: version, uptime, cpus, mem. */
#include "version.h"
#include "arch/arm64/mmu.h"
#include "boards/board.h"
#include "kernel/board_dt.h"
#include "kernel/boot.h"
#include "kernel/cmd.h"
#include "kernel/mem.h"
#include "kernel/percpu.h"
#include "kernel/time.h"
#include "kernel/thread.h"

#define MIDR_IMPL_ARM 0x41
#define MIDR_IMPL(m)  (((m) >> 24) & 0xff)
#define MIDR_PART(m)  (((m) >> 4) & 0xfff)

static const char *core_model(uint32_t midr)
{
	static const struct {
		uint16_t part;
		const char *name;
	} arm_parts[] = {
		{ 0xd03, "Cortex-A53" },  { 0xd04, "Cortex-A35" }, { 0xd05, "Cortex-A55" },
		{ 0xd07, "Cortex-A57" },  { 0xd08, "Cortex-A72" }, { 0xd09, "Cortex-A73" },
		{ 0xd0a, "Cortex-A75" },  { 0xd0b, "Cortex-A76" }, { 0xd0c, "Neoverse-N1" },
		{ 0xd40, "Neoverse-V1" }, { 0xd41, "Cortex-A78" },
	};

	if (MIDR_IMPL(midr) == MIDR_IMPL_ARM) {
		for (unsigned i = 0; i < sizeof(arm_parts) / sizeof(arm_parts[0]); i++) {
			if (arm_parts[i].part == MIDR_PART(midr))
				return arm_parts[i].name;
		}
	}
	return "unknown core";
}

static const char *cpu_state_name(enum cpu_state s)
{
	switch (s) {
	case CPU_ABSENT: return "absent";
	case CPU_OFFLINE: return "offline";
	case CPU_BOOTING: return "booting";
	case CPU_ONLINE: return "online";
	case CPU_STOPPED: return "STOPPED";
	default: break;
	}
	return "?";
}

static int cmd_version(struct cmd_io *io, int argc, char **argv)
{
	(void)argv;
	if (argc != 1)
		return CMD_ERR_USAGE;
	cmd_printf(io, "ZVM %s, built %s %s, board %s (%s)\n", ZVM_VERSION, __DATE__, __TIME__,
	           board_info.name, board.model);
	return CMD_OK;
}
CMD_REGISTER(version, "version", "version", "Shows ZVM's version and board.", cmd_version);

static int cmd_uptime(struct cmd_io *io, int argc, char **argv)
{
	(void)argv;
	if (argc != 1)
		return CMD_ERR_USAGE;
	uint64_t us = ticks_to_ns(time_now() - boot_started_at) / 1000;
	cmd_printf(io, "up %lu.%06lu s (counter %lu Hz)\n", us / 1000000, us % 1000000,
	           counter_freq());
	return CMD_OK;
}
CMD_REGISTER(uptime, "uptime", "uptime", "Time since ZVM started.", cmd_uptime);

static int cmd_cpus(struct cmd_io *io, int argc, char **argv)
{
	(void)argv;
	if (argc != 1)
		return CMD_ERR_USAGE;
	cmd_printf(io, "CPU  MPIDR       STATE    EL   MODEL        VHE  THREAD        IRQS       "
	               "SWITCHES\n");
	for (unsigned i = 0; i < cpus_possible; i++) {
		struct percpu *c = cpu_data(i);
		struct thread *t = c->current;
		cmd_printf(io, "%-4u 0x%08lx  %-8s EL%u  %-12s %-4s %-13s %-10lu %lu\n", i,
		           c->mpidr, cpu_state_name(c->state), c->el, core_model(c->midr),
		           c->vhe ? "yes" : "no", t ? t->name : "-", c->irq_count, c->rq.switches);
	}
	cmd_printf(io, "%u of %u CPUs online; ZVM's own core is CPU 0\n", cpus_online(),
	           cpus_possible);
	return CMD_OK;
}
CMD_REGISTER(cpus, "cpus", "cpus", "Lists the cores: state, exception level, model, load.",
             cmd_cpus);

static int cmd_mem(struct cmd_io *io, int argc, char **argv)
{
	struct mem_stats s;

	(void)argv;
	if (argc != 1)
		return CMD_ERR_USAGE;
	mem_get_stats(&s);
	cmd_printf(io, "RAM          %lu MiB in %u range(s)\n", s.ram_bytes >> 20, board.mem_count);
	for (unsigned i = 0; i < board.mem_count; i++)
		cmd_printf(io, "  0x%010lx-0x%010lx\n", board.mem[i].base,
		           board.mem[i].base + board.mem[i].size - 1);
	cmd_printf(io, "pages        %lu free of %lu (4 KiB)\n", s.pages_free, s.pages_total);
	cmd_printf(io, "heap         %lu used, %lu free, largest free %lu, %lu allocations\n",
	           s.heap_used, s.heap_free, s.heap_largest_free, s.heap_allocs);
	cmd_printf(io, "page tables  %u of %u used\n", mmu_tables_used(), mmu_tables_total());
	if (s.kfree_errors)
		cmd_printf(io, "bad frees    %lu\n", s.kfree_errors);
	return CMD_OK;
}
CMD_REGISTER(mem, "mem", "mem", "Memory: RAM, free pages, heap use.", cmd_mem);
