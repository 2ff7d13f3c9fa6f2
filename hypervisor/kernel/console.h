/* ZVM's own console: the board UART, shared by every core. */
#ifndef KERNEL_CONSOLE_H
#define KERNEL_CONSOLE_H

#include <stddef.h>
#include <stdint.h>

struct uart_driver;

void console_set_uart(const struct uart_driver *driver, uintptr_t base);
const struct uart_driver *console_driver(void);
uintptr_t console_uart(void);
/* Called once caches are on: from then on output is serialized by a lock. */
void console_enable_locking(void);
void console_write(const char *s, size_t n);
/* The bytes as they are (no CR before LF), in one piece: a protocol frame. */
void console_write_raw(const char *s, size_t n);
int kprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* For a core that is about to stop: prints even if the lock holder died. */
int kprintf_panic(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
