/*
 * Serial shell.  The UART's receive interrupt only moves bytes into a
 * lock-free ring and wakes the shell thread, which edits the line and runs
 * the command through the one command registry.  A full ring drops
 * nothing: the interrupt stops reading and masks itself, the bytes wait in
 * the UART (and, on QEMU, its character backend), and the shell thread
 * unmasks it once it has taken what the ring held.
 */
#include "kernel/shell.h"
#include "kernel/irq_priority.h"
#include "kernel/boot.h"
#include "kernel/board_dt.h"
#include "kernel/console.h"
#include "kernel/irq.h"
#include "kernel/lineedit.h"
#include "kernel/log.h"
#include "kernel/mutex.h"
#include "kernel/sem.h"
#include "kernel/thread.h"
#include "kernel/time.h"
#include "drivers/gicv3.h"
#include "drivers/uart.h"
#include "lib/spsc_ring.h"

#define RX_RING_SLOTS 512 /* a pasted line or two */

static uint8_t rx_storage[RX_RING_SLOTS];
static struct spsc_ring rx_ring;
static struct sem rx_ready;
static volatile bool rx_held; /* the ring filled up: the UART's interrupt is masked */
static struct lineedit editor;
static const struct shell_attachment *attached;
static shell_byte_filter byte_filter;
/* The shell's commands and the agent's run one at a time: handlers keep
 * state of their own (zvm create's configuration) and print as they go. */
static struct mutex command_lock;

static void console_io_write(void *ctx, const char *s, size_t n)
{
	(void)ctx;
	console_write(s, n);
}

struct cmd_io console_io = { console_io_write, 0 };

/*
 * UART to ring, on the console's core with its interrupts off (the handler,
 * or release_rx): the ring's one producer.  Acknowledge first: a byte that
 * lands while we read raises the interrupt again.
 */
static void rx_fill(void)
{
	const struct uart_driver *drv = console_driver();
	uintptr_t base = console_uart();
	int c;

	drv->ack_rx_irq(base);
	while (spsc_count(&rx_ring) < spsc_capacity(&rx_ring) && (c = drv->getc(base)) >= 0) {
		uint8_t byte = (uint8_t)c;
		spsc_push(&rx_ring, &byte); /* room checked */
	}
	if (spsc_count(&rx_ring) == spsc_capacity(&rx_ring)) {
		rx_held = true;
		drv->enable_rx_irq(base, false);
	}
}

static enum irq_result uart_rx_irq(unsigned intid, void *arg)
{
	(void)intid;
	(void)arg;
	rx_fill();
	sem_give(&rx_ready);
	return IRQ_HANDLED;
}

void shell_attach(const struct shell_attachment *a)
{
	attached = a;
}

void shell_wake(void)
{
	sem_give(&rx_ready);
}

void shell_detach(void)
{
	if (!attached)
		return;
	attached->detach(attached->ctx);
	attached = 0;
	lineedit_begin(&editor);
}

/* Attached: bytes go to the attachment, Ctrl-] comes back to the shell. */
static void feed_attached(char c)
{
	if (c != SHELL_DETACH_KEY) {
		attached->input(attached->ctx, c);
		return;
	}
	attached->detach(attached->ctx);
	attached = 0;
	kprintf("\n[back to ZVM]\n");
	lineedit_begin(&editor);
}

void shell_set_byte_filter(shell_byte_filter filter)
{
	byte_filter = filter;
}

void shell_command_lock(void)
{
	mutex_lock(&command_lock, WAIT_FOREVER);
}

void shell_command_unlock(void)
{
	mutex_unlock(&command_lock);
}

static void feed_editor(char c)
{
	if (byte_filter && byte_filter((uint8_t)c))
		return;
	if (lineedit_feed(&editor, c) != LINEEDIT_DONE)
		return;
	shell_command_lock();
	cmd_execute_line(&console_io, lineedit_line(&editor));
	shell_command_unlock();
	if (!attached)
		lineedit_begin(&editor);
}

/*
 * Room again.  What waited in the UART raised no new interrupt (its level
 * was acknowledged while the ring was full): take it now, then let the
 * UART interrupt again.
 */
static void release_rx(void)
{
	if (!rx_held)
		return;
	uint64_t flags = irq_save();
	rx_held = false;
	rx_fill();
	if (!rx_held)
		console_driver()->enable_rx_irq(console_uart(), true);
	irq_restore(flags);
}

static void shell_thread(void *arg)
{
	uint8_t c;

	(void)arg;
	lineedit_init(&editor, console_io_write, 0, SHELL_PROMPT);
	lineedit_set_completion(&editor, cmd_complete);
	kprintf("Type 'help' for commands.\n");
	lineedit_begin(&editor);
	for (;;) {
		bool retry = attached && attached->waiting(attached->ctx);
		sem_take(&rx_ready, retry ? ms_to_ticks(SHELL_RETRY_MS) : WAIT_FOREVER);
		while (spsc_pop(&rx_ring, &c)) {
			if (attached)
				feed_attached((char)c);
			else
				feed_editor((char)c);
			release_rx();
		}
		if (attached)
			attached->drain(attached->ctx);
	}
}

void shell_start(unsigned cpu)
{
	const struct uart_driver *drv = console_driver();
	unsigned intid = board.uart.intid;

	spsc_init(&rx_ring, rx_storage, 1, RX_RING_SLOTS);
	mutex_init(&command_lock, "commands");
	sem_init(&rx_ready, 0, 1);
	if (!thread_create("shell", shell_thread, 0, SHELL_PRIORITY, cpu, 0)) {
		log_msg(LOG_ERROR, "shell: cannot create its thread");
		return;
	}
	irq_register(intid, uart_rx_irq, 0, "console-uart");
	gic_set_priority(intid, IRQ_PRIO_DEVICE);
	gic_route_spi(intid, cpu_data(cpu)->mpidr);
	gic_enable_irq(intid);
	drv->enable_rx_irq(console_uart(), true);
}
