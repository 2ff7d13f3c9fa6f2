/* The kernel log: every message lands in a ring the shell can read back. */
#ifndef KERNEL_LOG_H
#define KERNEL_LOG_H

#include "kernel/logring.h"

void log_init(void);
/* Records a message; messages at or above the console level are also printed. */
void log_msg(enum log_level level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void log_set_console_level(enum log_level level);
enum log_level log_console_level(void);
/* Reads the next record at or after *seq under the log lock. */
bool log_read(uint64_t *seq, struct log_record *rec, char *buf, size_t buflen,
              enum log_level filter);
void log_stats(struct logring_stats *stats);

#endif
