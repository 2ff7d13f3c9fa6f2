/* PL011 UART: polled transmit, interrupt-driven receive. */
#include "drivers/pl011.h"
#include "drivers/mmio.h"
#include "drivers/uart.h"

/* Register offsets and bits, ARM DDI 0183 section 3.2. */
#define UARTDR        0x000
#define UARTFR        0x018
#define UARTLCR_H     0x02c
#define UARTIMSC      0x038
#define UARTICR       0x044
#define UARTFR_TXFF   (1u << 5) /* transmit FIFO full */
#define UARTFR_RXFE   (1u << 4) /* receive FIFO empty */
#define UARTLCR_H_FEN (1u << 4) /* FIFOs on: 16 bytes, not 1 */
#define UART_RXIM     (1u << 4) /* receive interrupt */
#define UART_RTIM     (1u << 6) /* receive timeout interrupt */

/*
 * The firmware (or QEMU) has set baud rate and format; ZVM keeps them and
 * only turns the FIFOs on, so that pasted input survives interrupt latency.
 */
void pl011_init(uintptr_t base)
{
	mmio_write32(base + UARTIMSC, 0);
	mmio_write32(base + UARTICR, 0x7ff);
	mmio_write32(base + UARTLCR_H, mmio_read32(base + UARTLCR_H) | UARTLCR_H_FEN);
}

void pl011_putc(uintptr_t base, char c)
{
	while (mmio_read32(base + UARTFR) & UARTFR_TXFF)
		;
	mmio_write32(base + UARTDR, (uint8_t)c);
}

int pl011_getc(uintptr_t base)
{
	if (mmio_read32(base + UARTFR) & UARTFR_RXFE)
		return -1;
	return (int)(mmio_read32(base + UARTDR) & 0xff);
}

void pl011_enable_rx_irq(uintptr_t base, bool enable)
{
	mmio_write32(base + UARTIMSC, enable ? UART_RXIM | UART_RTIM : 0);
}

void pl011_ack_rx_irq(uintptr_t base)
{
	mmio_write32(base + UARTICR, UART_RXIM | UART_RTIM);
}

const struct uart_driver pl011_driver = {
	.name = "pl011",
	.init = pl011_init,
	.putc = pl011_putc,
	.getc = pl011_getc,
	.enable_rx_irq = pl011_enable_rx_irq,
	.ack_rx_irq = pl011_ack_rx_irq,
};
