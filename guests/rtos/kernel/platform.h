/* What the RTOS learns about its machine from the devicetree blob. */
#ifndef RTOS_KERNEL_PLATFORM_H
#define RTOS_KERNEL_PLATFORM_H

#include <stdbool.h>
#include <stdint.h>
#include "drivers/psci.h"

#define PLATFORM_MAX_VIRTIO 8
#define PLATFORM_ARG_MAX    40 /* a bootarg value kept, with its NUL */

struct platform {
	uint64_t mem_base, mem_size;
	uint64_t uart_base;
	uint64_t gicd_base;
	uint64_t gicr_base, gicr_size;
	uint32_t vtimer_intid; /* EL1 virtual timer PPI */
	uint32_t ptimer_intid; /* EL1 (non-secure) physical timer PPI */
	enum psci_conduit psci;
	/* bootargs has "keep-running": stay up after the benchmark suite
	 * instead of powering off (a long-lived VM in a ZVM system). */
	bool keep_running;
	/* bootargs has "no-bench": skip the benchmark suite (a VM that is
	 * there for something else, e.g. the time base tests). */
	bool no_bench;
	/* The devicetree blob and its /chosen bootargs ("" when none), for
	 * the application (e.g. its Zshm channels, app/zshm_app.c). */
	const void *dtb;
	const char *bootargs;
	/* ZVM's time base page (a "zvm,time-base" node), 0 when none. */
	uint64_t timebase_base;
	/* The virtio,mmio windows, in devicetree order (app/net.c probes them). */
	uint64_t virtio_base[PLATFORM_MAX_VIRTIO];
	uint32_t virtio_count;
	/* bootargs' "net=<address>/<prefix>[,<gateway>]" and
	 * "net-echo=<address>" values ("" when absent): app/net.c. */
	char net_arg[PLATFORM_ARG_MAX];
	char net_echo_arg[PLATFORM_ARG_MAX];
};

/* Fills p from the DTB at dtb; returns 0, or -1 if something is missing. */
int platform_probe(const void *dtb, struct platform *p);

#endif
