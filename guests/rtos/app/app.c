/* The controller: runs every benchmark in turn, then the summary line and
 * PSCI SYSTEM_OFF. */
#include "app/app.h"
#include "app/bench.h"
#include "app/zshm_app.h"
#include "kernel/console.h"
#include "drivers/psci.h"
#include "drivers/timer.h"

#define REPORT_LINE_MAX 256

struct bench_env bench_env;

static const struct {
	void (*start)(void);
} suite[] = {
	{ bench_counter_read },
	{ bench_irq_latency }, /* also reports irq_to_thread */
	{ bench_task_switch },
	{ bench_preemption },
	{ bench_sem_shuffle },
	{ bench_msg_latency },
	{ bench_mutex },
	{ bench_mempool },
	{ bench_irq_latency_load },
	{ bench_irq_latency_load_irq },
	{ bench_hvc_null },
	{ bench_gicd_read },
};

static unsigned int reports;
static struct thread controller;
static struct thread workers[BENCH_WORKERS];
static uint8_t controller_stack[BENCH_STACK_SIZE] __attribute__((aligned(16)));
static uint8_t worker_stacks[BENCH_WORKERS][BENCH_STACK_SIZE] __attribute__((aligned(16)));

void bench_spawn(unsigned int slot, const char *name, thread_entry_fn entry, void *arg,
                 uint8_t prio)
{
	thread_create(&workers[slot], name, entry, arg, prio, worker_stacks[slot],
	              sizeof(worker_stacks[slot]));
}

void bench_report(const char *name, const struct bench_stats *s)
{
	char line[REPORT_LINE_MAX];

	stats_json(line, sizeof(line), name, s, timer_frequency());
	kprintf("%s\n", line);
	reports++;
}

void bench_report_error(const char *name, const char *what, int64_t code)
{
	kprintf("{\"bench\":\"%s\",\"error\":\"%s\",\"code\":%ld}\n", name, what, (long)code);
	reports++;
}

void bench_finish(void)
{
	sem_give(&bench_env.done);
}

static void controller_main(void *arg)
{
	unsigned int i;

	(void)arg;
	for (i = 0; i < sizeof(suite) / sizeof(suite[0]) && !bench_env.plat->no_bench; i++) {
		suite[i].start();
		sem_take(&bench_env.done, TIMEOUT_FOREVER);
	}
	kprintf("{\"suite\":\"done\",\"benchmarks\":%u}\n", reports);
	if (bench_env.plat->keep_running) {
		kprintf("{\"rtos\":\"idle\"}\n");
		zshm_app_start(bench_env.plat);
		net_start(); /* after the suite: its polling never disturbs a benchmark */
		timesync_watch();
		return;
	}
	psci_system_off();
	kprintf("{\"suite\":\"power-off failed\"}\n");
}

void app_start(const struct platform *plat)
{
	bench_env.plat = plat;
	timesync_start(plat);
	net_init(plat);
	sem_init(&bench_env.done, 0, 1);
	thread_create(&controller, "bench", controller_main, NULL, PRIO_CONTROLLER,
	              controller_stack, sizeof(controller_stack));
}
