#include "app/app.h"
#include "kernel/sched.h"
#include "kernel/console.h"
#include "drivers/psci.h"
#include "drivers/timer.h"

static struct thread t1, t2;
static uint8_t s1[4096] __attribute__((aligned(16)));
static uint8_t s2[4096] __attribute__((aligned(16)));

static void worker(void *arg)
{
	int i;

	for (i = 0; i < 3; i++) {
		kprintf("%s %d t=%llu\n", (const char *)arg, i,
			(unsigned long long)timer_now());
		thread_sleep(1000000);
	}
	if (arg == (void *)"b") {
		kprintf("off\n");
		psci_system_off();
	}
}

void app_start(const struct platform *plat)
{
	(void)plat;
	thread_create(&t1, "a", worker, "a", 5, s1, sizeof(s1));
	thread_create(&t2, "b", worker, "b", 6, s2, sizeof(s2));
}
