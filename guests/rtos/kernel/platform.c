/*
 * Devicetree probing.  TEMPORARY: until lib/fdt lands this uses the QEMU virt
 * board's fixed addresses; it will read /memory, the arm,gic-v3 node, the
 * arm,pl011 node, the arm,armv8-timer interrupts and /psci method instead.
 */
#include "kernel/platform.h"

#define QEMU_VIRT_RAM		0x40000000ull
#define QEMU_VIRT_UART		0x09000000ull
#define QEMU_VIRT_GICD		0x08000000ull
#define QEMU_VIRT_GICR		0x080a0000ull
#define QEMU_VIRT_GICR_SIZE	0x00f60000ull
#define PPI_BASE		16
#define VTIMER_PPI		11
#define PTIMER_PPI		14

int platform_probe(const void *dtb, struct platform *p)
{
	(void)dtb;
	p->mem_base = QEMU_VIRT_RAM;
	p->mem_size = 0;
	p->uart_base = QEMU_VIRT_UART;
	p->gicd_base = QEMU_VIRT_GICD;
	p->gicr_base = QEMU_VIRT_GICR;
	p->gicr_size = QEMU_VIRT_GICR_SIZE;
	p->vtimer_intid = PPI_BASE + VTIMER_PPI;
	p->ptimer_intid = PPI_BASE + PTIMER_PPI;
	p->psci = PSCI_CONDUIT_SMC;
	return 0;
}
