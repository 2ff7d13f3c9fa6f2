/*
 * Console output.  kprintf formats into a stack buffer first and writes the
 * whole message under one lock, so that lines from different cores never
 * interleave mid-line.
 */
#include <stdarg.h>
#include <stdbool.h>

#include "kernel/console.h"
#include "kernel/spinlock.h"
#include "drivers/uart.h"
#include "lib/format.h"

#define KPRINTF_CHUNK 256

static uintptr_t uart_base;
static const struct uart_driver *uart;
static bool locking;
static struct spinlock console_lock = SPINLOCK_INIT;

void console_set_uart(const struct uart_driver *driver, uintptr_t base)
{
	uart = driver;
	uart_base = base;
}

const struct uart_driver *console_driver(void)
{
	return uart;
}

uintptr_t console_uart(void)
{
	return uart_base;
}

void console_enable_locking(void)
{
	locking = true;
}

static void write_raw(const char *s, size_t n)
{
	if (!uart)
		return;
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '\n')
			uart->putc(uart_base, '\r');
		uart->putc(uart_base, s[i]);
	}
}

void console_write(const char *s, size_t n)
{
	uint64_t flags = 0;

	if (locking)
		flags = spin_lock_irqsave(&console_lock);
	write_raw(s, n);
	if (locking)
		spin_unlock_irqrestore(&console_lock, flags);
}

void console_write_raw(const char *s, size_t n)
{
	uint64_t flags = 0;

	if (!uart)
		return;
	if (locking)
		flags = spin_lock_irqsave(&console_lock);
	for (size_t i = 0; i < n; i++)
		uart->putc(uart_base, s[i]);
	if (locking)
		spin_unlock_irqrestore(&console_lock, flags);
}

struct chunk {
	char buf[KPRINTF_CHUNK];
	size_t used;
};

static void chunk_emit(void *ctx, char c)
{
	struct chunk *ch = ctx;

	if (ch->used == sizeof(ch->buf)) {
		write_raw(ch->buf, ch->used);
		ch->used = 0;
	}
	ch->buf[ch->used++] = c;
}

static int vprint(bool use_lock, const char *fmt, va_list ap)
{
	struct chunk ch = { .used = 0 };
	uint64_t flags = 0;
	int n;

	use_lock = use_lock && locking;
	if (use_lock)
		flags = spin_lock_irqsave(&console_lock);
	n = fmt_vformat(chunk_emit, &ch, fmt, ap);
	write_raw(ch.buf, ch.used);
	if (use_lock)
		spin_unlock_irqrestore(&console_lock, flags);
	return n;
}

int kprintf(const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vprint(true, fmt, ap);
	va_end(ap);
	return n;
}

int kprintf_panic(const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vprint(false, fmt, ap);
	va_end(ap);
	return n;
}
