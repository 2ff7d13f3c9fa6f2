/* Boot: learn the machine from the devicetree, bring up the console, the GIC
 * and the scheduler, then hand over to the benchmark application. */
#include "kernel/platform.h"
#include "kernel/console.h"
#include "kernel/panic.h"
#include "kernel/sched.h"
#include "drivers/pl011.h"
#include "drivers/gicv3.h"
#include "drivers/psci.h"
#include "drivers/timer.h"
#include "arch/arm64_defs.h"
#include "arch/el2_stub.h"
#include "app/app.h"

extern char image_header[];

void rtos_main(const void *dtb);
void rtos_main(const void *dtb)
{
	static struct platform plat;

	if (platform_probe(dtb, &plat))
		panic("devicetree");
	pl011_init(plat.uart_base);
	psci_init(plat.psci);
	kprintf("{\"rtos\":\"boot\",\"el\":%u,\"image\":\"0x%llx\",\"dtb\":\"0x%llx\","
	        "\"mem\":\"0x%llx+0x%llx\",\"gicd\":\"0x%llx\",\"gicr\":\"0x%llx\","
	        "\"vtimer\":%u,\"ptimer\":%u,\"psci\":\"%s\",\"cntfrq\":%llu,"
	        "\"entry_counter\":%llu}\n",
	        (unsigned int)(read_sysreg(CurrentEL) >> CURRENT_EL_SHIFT),
	        (unsigned long long)(uint64_t)image_header, (unsigned long long)(uint64_t)dtb,
	        (unsigned long long)plat.mem_base, (unsigned long long)plat.mem_size,
	        (unsigned long long)plat.gicd_base, (unsigned long long)plat.gicr_base,
	        (unsigned int)plat.vtimer_intid, (unsigned int)plat.ptimer_intid,
	        psci_conduit_name(plat.psci), (unsigned long long)timer_frequency(),
	        (unsigned long long)boot_entry_counter);
	if (gicv3_init(plat.gicd_base, plat.gicr_base, plat.gicr_size))
		panic("no redistributor for this CPU");
	sched_init(plat.vtimer_intid);
	app_start(&plat);
	sched_start();
}
