/* The kernel console: formatted output to the PL011. */
#ifndef RTOS_KERNEL_CONSOLE_H
#define RTOS_KERNEL_CONSOLE_H

int kprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
