/* Maps devicetree compatibles to UART drivers. */
#include "drivers/uart.h"
#include "lib/string.h"

static const struct {
	const char *compatible;
	const struct uart_driver *driver;
} known[] = {
	{ "arm,pl011", &pl011_driver },
	{ "snps,dw-apb-uart", &ns16550_driver },
	{ "ns16550a", &ns16550_driver },
};

const struct uart_driver *uart_driver_for(const char *compatible)
{
	for (unsigned i = 0; i < sizeof(known) / sizeof(known[0]); i++) {
		if (!strcmp(compatible, known[i].compatible))
			return known[i].driver;
	}
	return 0;
}
