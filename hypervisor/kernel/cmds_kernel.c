/* Shell commands about the kernel's own state: irqs, threads, log. */
#include "drivers/gicv3.h"
#include "kernel/cmd.h"
#include "kernel/irq.h"
#include "kernel/log.h"
#include "kernel/thread.h"
#include "kernel/time.h"
#include "lib/string.h"
#include "lib/zerror.h"

#define LOG_DEFAULT_LINES 50

static int cmd_irqs(struct cmd_io *io, int argc, char **argv)
{
	(void)argv;
	if (argc != 1)
		return CMD_ERR_USAGE;
	cmd_printf(io, "INTID  KIND  COUNT       HANDLER\n");
	for (unsigned i = 0; i < GIC_SPI_BASE + gic_spi_count(); i++) {
		const char *name = irq_name(i);
		uint64_t n = irq_count(i);
		if (!name && !n)
			continue;
		cmd_printf(io, "%-6u %-5s %-11lu %s\n", i,
		           i < GIC_PPI_BASE ? "SGI" :
		           i < GIC_SPI_BASE ? "PPI" :
		                              "SPI",
		           n, name ? name : "(none)");
	}
	return CMD_OK;
}
CMD_REGISTER(irqs, "irqs", "irqs", "Interrupts with a handler or that fired, with counts.",
             cmd_irqs);

static void print_thread(struct thread *t, void *ctx)
{
	struct cmd_io *io = ctx;
	uint64_t run = t->run_ticks;

	if (t->state == THREAD_RUNNING)
		run += time_now() - t->switched_in;
	uint64_t us = ticks_to_ns(run) / 1000;
	cmd_printf(io, "%-4u %-15s %-4u %2u/%-3u %-8s %8lu.%03lu %lu\n", t->id, t->name, t->cpu,
	           t->base_prio, t->prio, thread_state_name(t->state), us / 1000, us % 1000,
	           t->switches);
}

static int cmd_threads(struct cmd_io *io, int argc, char **argv)
{
	(void)argv;
	if (argc != 1)
		return CMD_ERR_USAGE;
	cmd_printf(io, "ID   NAME            CPU  PRIO   STATE    RUN (ms)     SWITCHES\n");
	thread_for_each(print_thread, io);
	cmd_printf(io, "priority: own/effective (0 is highest; raised by inheritance)\n");
	return CMD_OK;
}
CMD_REGISTER(threads, "threads", "threads", "Lists kernel threads.", cmd_threads);

static int parse_log_args(int argc, char **argv, enum log_level *level, uint64_t *lines)
{
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "-l") && i + 1 < argc) {
			if (!log_level_parse(argv[++i], level))
				return -ZE_INVAL;
		} else if (!strcmp(argv[i], "-n") && i + 1 < argc) {
			if (!cmd_parse_u64(argv[++i], lines) || *lines == 0)
				return -ZE_INVAL;
		} else {
			return -ZE_INVAL;
		}
	}
	return 0;
}

static int cmd_log(struct cmd_io *io, int argc, char **argv)
{
	enum log_level level = LOG_DEBUG;
	uint64_t lines = LOG_DEFAULT_LINES, seq;
	struct logring_stats st;
	struct log_record rec;
	char text[LOGRING_MAX_TEXT];

	if (parse_log_args(argc, argv, &level, &lines))
		return CMD_ERR_USAGE;
	log_stats(&st);
	seq = st.next_seq > lines ? st.next_seq - lines : 0;
	while (log_read(&seq, &rec, text, sizeof(text), level)) {
		uint64_t us = ticks_to_ns(rec.timestamp) / 1000;
		cmd_printf(io, "[%5lu.%06lu] cpu%u %-5s %s\n", us / 1000000, us % 1000000, rec.cpu,
		           log_level_name(rec.level), rec.text);
		seq = rec.seq + 1;
	}
	if (st.dropped)
		cmd_printf(io, "(%lu older messages were overwritten)\n", st.dropped);
	return CMD_OK;
}
CMD_REGISTER(log, "log", "log [-l error|warn|info|debug] [-n lines]",
             "Shows the newest kernel log messages at or above a level.", cmd_log);
