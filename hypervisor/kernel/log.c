/* Kernel log: a fixed ring in ZVM's own memory, guarded by a spinlock. */
#include <stdarg.h>

#include "kernel/log.h"
#include "kernel/console.h"
#include "kernel/percpu.h"
#include "kernel/spinlock.h"
#include "kernel/time.h"
#include "lib/format.h"

#define LOG_RING_BYTES (64 * 1024)
#define LOG_LINE_MAX   200

static uint8_t ring_mem[LOG_RING_BYTES];
static struct logring ring;
static struct spinlock log_lock = SPINLOCK_INIT;
static bool ready;
static enum log_level console_level = LOG_INFO;

void log_init(void)
{
	ready = logring_init(&ring, ring_mem, sizeof(ring_mem));
}

static void print_line(uint64_t ts, unsigned cpu, enum log_level level, const char *text)
{
	uint64_t us = ticks_to_ns(ts) / 1000;

	kprintf("[%5lu.%06lu] cpu%u %s: %s\n", us / 1000000, us % 1000000, cpu,
	        log_level_name(level), text);
}

void log_msg(enum log_level level, const char *fmt, ...)
{
	char text[LOG_LINE_MAX];
	uint64_t now = time_now();
	unsigned cpu = this_cpu_id();
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = fmt_vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	if (n >= (int)sizeof(text))
		n = sizeof(text) - 1;
	if (ready) {
		uint64_t flags = spin_lock_irqsave(&log_lock);
		logring_write(&ring, now, cpu, level, text, (size_t)n);
		spin_unlock_irqrestore(&log_lock, flags);
	}
	if (level <= console_level || !ready)
		print_line(now, cpu, level, text);
}

void log_set_console_level(enum log_level level)
{
	console_level = level;
}

enum log_level log_console_level(void)
{
	return console_level;
}

bool log_read(uint64_t *seq, struct log_record *rec, char *buf, size_t buflen,
              enum log_level filter)
{
	uint64_t flags = spin_lock_irqsave(&log_lock);
	bool found = ready && logring_read_level(&ring, seq, rec, buf, buflen, filter);

	spin_unlock_irqrestore(&log_lock, flags);
	return found;
}

void log_stats(struct logring_stats *stats)
{
	uint64_t flags = spin_lock_irqsave(&log_lock);

	logring_get_stats(&ring, stats);
	spin_unlock_irqrestore(&log_lock, flags);
}
