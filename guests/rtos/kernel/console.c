#include <stdarg.h>
#include "kernel/console.h"
#include "drivers/pl011.h"
#include "arch/cpu.h"
#include "lib/format.h"

static void console_emit(void *ctx, char c)
{
	(void)ctx;
	if (c == '\n')
		pl011_putc('\r');
	pl011_putc(c);
}

/* Whole lines stay together even when a thread is preempted. */
int kprintf(const char *fmt, ...)
{
	uint64_t flags = irq_save();
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = fmt_vformat(console_emit, NULL, fmt, ap);
	va_end(ap);
	irq_restore(flags);
	return n;
}
