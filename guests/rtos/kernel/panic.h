#ifndef RTOS_KERNEL_PANIC_H
#define RTOS_KERNEL_PANIC_H

#include <stdint.h>

/* Reports, then powers the machine off (so test runs end instead of hang). */
void panic(const char *why) __attribute__((noreturn));
void exception_unexpected(uint64_t vector, const uint64_t *frame);

#endif
