/*
 * Test aids: make a core take an unexpected exception on purpose, to show
 * (and test) that the report appears and only that core stops.
 */
#include "kernel/cmd.h"
#include "lib/zerror.h"
#include "kernel/ipi.h"
#include "kernel/percpu.h"
#include "kernel/time.h"

/* In the 39-bit space ZVM maps, but never mapped: a translation fault. */
#define UNMAPPED_ADDRESS 0x7f00000000ull
#define FAULT_WAIT_MS    100

static void touch_unmapped(void *arg)
{
	(void)arg;
	(void)*(volatile uint64_t *)(uintptr_t)UNMAPPED_ADDRESS;
}

static int cmd_debug_fault(struct cmd_io *io, int argc, char **argv)
{
	int cpu;

	if (argc != 2 || !cmd_parse_int(argv[1], &cpu))
		return CMD_ERR_USAGE;
	if (cpu < 0 || (unsigned)cpu >= cpus_possible ||
	    cpu_data((unsigned)cpu)->state != CPU_ONLINE) {
		cmd_printf(io, "debug fault: CPU %d is not online\n", cpu);
		return CMD_ERR_FAIL;
	}
	if (cpu == 0) {
		cmd_printf(io,
		           "debug fault: CPU 0 runs ZVM itself (and this shell); pick another\n");
		return CMD_ERR_FAIL;
	}
	int rc = ipi_call((unsigned)cpu, touch_unmapped, 0, ms_to_ticks(FAULT_WAIT_MS));
	cmd_printf(io, "CPU %d %s\n", cpu,
	           rc == -ZE_TIMEOUT ? "did not come back from the fault: stopped" :
	                               "survived the fault?");
	return rc == -ZE_TIMEOUT ? CMD_OK : CMD_ERR_FAIL;
}
CMD_REGISTER(debug_fault, "debug fault", "debug fault <cpu>",
             "Test aid: CPU <cpu> reads an unmapped address and must stop alone.", cmd_debug_fault);
