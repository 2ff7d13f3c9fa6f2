/* PL011 UART (Arm DDI 0183): polled transmit.  The firmware or QEMU has set
 * the line speed; we only make sure the UART and its transmitter are on. */
#include "drivers/pl011.h"
#include "drivers/mmio.h"

/* Register offsets and bits, PL011 TRM 3.2-3.3. */
#define UARTDR        0x000
#define UARTFR        0x018
#define UARTCR        0x030
#define UARTFR_TXFF   (1u << 5)
#define UARTCR_UARTEN (1u << 0)
#define UARTCR_TXE    (1u << 8)

static uint64_t uart_base;

void pl011_init(uint64_t base)
{
	uart_base = base;
	mmio_write32(base + UARTCR, mmio_read32(base + UARTCR) | UARTCR_UARTEN | UARTCR_TXE);
}

void pl011_putc(char c)
{
	if (!uart_base)
		return;
	while (mmio_read32(uart_base + UARTFR) & UARTFR_TXFF)
		;
	mmio_write32(uart_base + UARTDR, (uint8_t)c);
}
