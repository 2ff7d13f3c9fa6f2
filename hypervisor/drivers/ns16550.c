/*
 * 16550-compatible UART with 32-bit registers (reg-shift 2), as the
 * Synopsys DesignWare APB UART of the RK3588.  Polled transmit,
 * interrupt-driven receive; the bootloader has set the line format.
 */
#include "drivers/mmio.h"
#include "drivers/uart.h"

#define REG(n)   ((n) << 2) /* reg-shift 2 */
#define UART_RBR REG(0)     /* receive buffer (read) */
#define UART_THR REG(0)     /* transmit holding (write) */
#define UART_IER REG(1)
#define UART_LSR REG(5)
#define IER_RDA  (1u << 0) /* received data available */
#define LSR_DR   (1u << 0) /* data ready */
#define LSR_THRE (1u << 5) /* transmit holding empty */

static void ns16550_init(uintptr_t base)
{
	mmio_write32(base + UART_IER, 0);
}

static void ns16550_putc(uintptr_t base, char c)
{
	while (!(mmio_read32(base + UART_LSR) & LSR_THRE))
		;
	mmio_write32(base + UART_THR, (uint8_t)c);
}

static int ns16550_getc(uintptr_t base)
{
	if (!(mmio_read32(base + UART_LSR) & LSR_DR))
		return -1;
	return (int)(mmio_read32(base + UART_RBR) & 0xff);
}

static void ns16550_enable_rx_irq(uintptr_t base, bool enable)
{
	mmio_write32(base + UART_IER, enable ? IER_RDA : 0);
}

/* Reading the data clears the interrupt: nothing more to acknowledge. */
static void ns16550_ack_rx_irq(uintptr_t base)
{
	(void)base;
}

const struct uart_driver ns16550_driver = {
	.name = "ns16550",
	.init = ns16550_init,
	.putc = ns16550_putc,
	.getc = ns16550_getc,
	.enable_rx_irq = ns16550_enable_rx_irq,
	.ack_rx_irq = ns16550_ack_rx_irq,
};
