/*
 * Host tests of the emulated PL011: what Linux's amba-pl011 driver does
 * (identify, program, enable interrupts, transmit while there is room,
 * receive until RXFE), the FIFO and its trigger levels, and every
 * transition of the interrupt line.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "vdev/vuart.h"

#define MAX_OUT   256
#define MAX_EDGES 64

/* UARTLCR_H WLEN = 8 bits (DDI 0183, 3.3.7). */
#define LCR_H_WLEN8 (3u << 5)
/* 115200 baud from the 24 MHz clock: 24e6 / (16 * 115200) = 13 + 1/64. */
#define BAUD_IBRD   13u
#define BAUD_FBRD   1u

struct sink {
	char out[MAX_OUT];
	size_t out_len;
	bool edges[MAX_EDGES]; /* every level set_irq was called with */
	size_t edge_count;
};

static struct vuart uart;
static struct sink sink;

static void sink_output(void *ctx, uint8_t byte)
{
	struct sink *s = ctx;

	assert_true(s->out_len < MAX_OUT);
	s->out[s->out_len++] = (char)byte;
}

static void sink_irq(void *ctx, bool level)
{
	struct sink *s = ctx;

	assert_true(s->edge_count < MAX_EDGES);
	s->edges[s->edge_count++] = level;
}

static int setup(void **state)
{
	const struct vuart_backend backend = {
		.output = sink_output,
		.set_irq = sink_irq,
		.ctx = &sink,
	};

	(void)state;
	memset(&sink, 0, sizeof(sink));
	vuart_init(&uart, &backend);
	return 0;
}

static uint32_t rd_sized(uint32_t off, unsigned size)
{
	uint64_t v = 0xbadbadbadull;

	assert_int_equal(vuart_access(&uart, off, size, false, &v), 0);
	return (uint32_t)v;
}

static uint32_t rd(uint32_t off)
{
	return rd_sized(off, 4);
}

static void wr_sized(uint32_t off, uint32_t value, unsigned size)
{
	uint64_t v = value;

	assert_int_equal(vuart_access(&uart, off, size, true, &v), 0);
}

static void wr(uint32_t off, uint32_t value)
{
	wr_sized(off, value, 4);
}

static void feed(const char *s)
{
	assert_int_equal(vuart_input(&uart, s, strlen(s)), strlen(s));
}

static void assert_edges(size_t count, const bool *levels)
{
	size_t i;

	assert_int_equal(sink.edge_count, count);
	for (i = 0; i < count; i++)
		assert_int_equal(sink.edges[i], levels[i]);
}

static void test_reset_state(void **state)
{
	(void)state;
	assert_int_equal(rd(VUART_FR), VUART_FR_TXFE | VUART_FR_RXFE);
	assert_int_equal(rd(VUART_CR), VUART_CR_TXE | VUART_CR_RXE);
	assert_int_equal(rd(VUART_IFLS), 0x12);
	assert_int_equal(rd(VUART_IMSC), 0);
	assert_int_equal(rd(VUART_RIS), 0);
	assert_int_equal(rd(VUART_MIS), 0);
	assert_int_equal(rd(VUART_LCR_H), 0);
	assert_false(vuart_irq_level(&uart));
	assert_int_equal(sink.edge_count, 0);
}

/* The AMBA bus matches the driver on these (DDI 0183, 3.3.14-15). */
static void test_primecell_ids(void **state)
{
	static const uint8_t ids[] = {
		0x11, 0x10, 0x14, 0x00, 0x0d, 0xf0, 0x05, 0xb1,
	};
	uint32_t i, periph = 0, cell = 0;

	(void)state;
	for (i = 0; i < 8; i++)
		assert_int_equal(rd(VUART_PERIPH_ID0 + 4 * i), ids[i]);
	/* How the AMBA bus assembles them: byte i of each ID word set. */
	for (i = 0; i < 4; i++) {
		periph |= (rd(VUART_PERIPH_ID0 + 4 * i) & 0xff) << (8 * i);
		cell |= (rd(VUART_CELL_ID0 + 4 * i) & 0xff) << (8 * i);
	}
	assert_int_equal(periph & 0xfff, 0x011);       /* part number: PL011 */
	assert_int_equal((periph >> 12) & 0xff, 0x41); /* designer: ARM */
	assert_int_equal(cell, 0xb105f00d);
	assert_int_equal(rd_sized(VUART_PERIPH_ID0, 2), 0x11);
}

/* Linux: pl011_hwinit, set_termios, startup, then a write and an IRQ. */
static void test_linux_driver_transmit(void **state)
{
	static const bool expect[] = { true, false };
	const char *msg = "Hello, ZVM\n";
	uint32_t im;
	size_t i;

	(void)state;
	wr(VUART_ICR, VUART_INT_ALL);
	im = rd(VUART_IMSC);
	wr(VUART_IMSC, im | VUART_INT_RT | VUART_INT_RX);
	wr_sized(VUART_IBRD, BAUD_IBRD, 2);
	wr_sized(VUART_FBRD, BAUD_FBRD, 2);
	wr_sized(VUART_LCR_H, LCR_H_WLEN8 | VUART_LCR_H_FEN, 2);
	wr_sized(VUART_IFLS, 0x12, 2);
	wr_sized(VUART_CR, VUART_CR_UARTEN | VUART_CR_TXE | VUART_CR_RXE, 2);
	assert_int_equal(rd_sized(VUART_IBRD, 2), BAUD_IBRD);
	assert_int_equal(rd_sized(VUART_FBRD, 2), BAUD_FBRD);
	assert_int_equal(rd_sized(VUART_LCR_H, 2), LCR_H_WLEN8 | VUART_LCR_H_FEN);
	assert_int_equal(rd_sized(VUART_CR, 2), VUART_CR_UARTEN | VUART_CR_TXE | VUART_CR_RXE);
	assert_int_equal(sink.edge_count, 0);

	/* pl011_tx_chars: fill while not TXFF, then unmask TX. */
	for (i = 0; msg[i]; i++) {
		assert_int_equal(rd_sized(VUART_FR, 2) & VUART_FR_TXFF, 0);
		wr_sized(VUART_DR, (uint8_t)msg[i], 2);
	}
	assert_int_equal(sink.out_len, strlen(msg));
	assert_memory_equal(sink.out, msg, strlen(msg));
	assert_int_equal(rd(VUART_FR) & (VUART_FR_BUSY | VUART_FR_TXFE), VUART_FR_TXFE);
	assert_true(rd(VUART_RIS) & VUART_INT_TX);
	assert_int_equal(rd(VUART_MIS) & VUART_INT_TX, 0);
	wr(VUART_IMSC, rd(VUART_IMSC) | VUART_INT_TX);
	assert_true(vuart_irq_level(&uart));
	/* The IRQ handler sees MIS.TX, has nothing more, masks TX again. */
	assert_int_equal(rd(VUART_MIS), VUART_INT_TX);
	wr(VUART_IMSC, rd(VUART_IMSC) & ~VUART_INT_TX);
	assert_false(vuart_irq_level(&uart));
	assert_edges(2, expect);
	assert_int_equal(uart.tx_bytes, strlen(msg));
}

/* pl011_rx_chars: read DR while RXFE is clear. */
static size_t drain(char *buf, size_t max)
{
	size_t n = 0;

	while (!(rd(VUART_FR) & VUART_FR_RXFE)) {
		assert_true(n < max);
		buf[n++] = (char)(rd(VUART_DR) & 0xff);
	}
	return n;
}

static void test_receive_below_trigger_times_out(void **state)
{
	static const bool expect[] = { true, false };
	char got[VUART_FIFO_SIZE];

	(void)state;
	wr(VUART_LCR_H, LCR_H_WLEN8 | VUART_LCR_H_FEN);
	wr(VUART_IMSC, VUART_INT_RX | VUART_INT_RT);
	feed("ls\r");
	assert_int_equal(rd(VUART_RIS), VUART_INT_RT);
	assert_int_equal(rd(VUART_MIS), VUART_INT_RT);
	assert_true(vuart_irq_level(&uart));
	assert_int_equal(rd(VUART_FR) & VUART_FR_RXFE, 0);
	assert_int_equal(drain(got, sizeof(got)), 3);
	assert_memory_equal(got, "ls\r", 3);
	assert_int_equal(rd(VUART_RIS), 0);
	assert_edges(2, expect);
	assert_int_equal(uart.rx_bytes, 3);
}

/* Half full (16 bytes) raises RX; the line stays up until the FIFO is empty. */
static void test_receive_at_trigger_level(void **state)
{
	static const bool expect[] = { true, false };
	char got[VUART_FIFO_SIZE];

	(void)state;
	wr(VUART_LCR_H, VUART_LCR_H_FEN);
	wr(VUART_IMSC, VUART_INT_RX | VUART_INT_RT);
	feed("0123456789abcde");
	assert_int_equal(rd(VUART_RIS), VUART_INT_RT);
	feed("f");
	assert_true(rd(VUART_RIS) & VUART_INT_RX);
	assert_int_equal(rd(VUART_DR), '0');
	assert_int_equal(rd(VUART_RIS) & VUART_INT_RX, 0);
	assert_true(rd(VUART_RIS) & VUART_INT_RT);
	assert_int_equal(drain(got, sizeof(got)), 15);
	assert_memory_equal(got, "123456789abcdef", 15);
	assert_edges(2, expect);
}

static void test_every_trigger_level(void **state)
{
	static const uint32_t level_bytes[] = { 4, 8, 16, 24, 28 };
	char got[VUART_FIFO_SIZE];
	uint32_t sel, n;

	(void)state;
	wr(VUART_LCR_H, VUART_LCR_H_FEN);
	for (sel = 0; sel < 5; sel++) {
		wr(VUART_IFLS, sel << 3);
		for (n = 1; n <= level_bytes[sel]; n++) {
			assert_int_equal(rd(VUART_RIS) & VUART_INT_RX, 0);
			assert_int_equal(vuart_input(&uart, "x", 1), 1);
		}
		assert_true(rd(VUART_RIS) & VUART_INT_RX);
		assert_int_equal(drain(got, sizeof(got)), level_bytes[sel]);
		assert_int_equal(rd(VUART_RIS), 0);
	}
}

static void test_fifo_full_and_backpressure(void **state)
{
	char many[VUART_FIFO_SIZE + 8], got[VUART_FIFO_SIZE];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(many); i++)
		many[i] = (char)('A' + i % 26);
	wr(VUART_LCR_H, VUART_LCR_H_FEN);
	assert_int_equal(vuart_rx_space(&uart), VUART_FIFO_SIZE);
	assert_int_equal(vuart_input(&uart, many, sizeof(many)), VUART_FIFO_SIZE);
	assert_int_equal(vuart_rx_space(&uart), 0);
	assert_int_equal(vuart_input(&uart, "z", 1), 0);
	assert_true(rd(VUART_FR) & VUART_FR_RXFF);
	assert_int_equal(rd(VUART_DR), 'A');
	assert_int_equal(rd(VUART_FR) & VUART_FR_RXFF, 0);
	assert_int_equal(vuart_rx_space(&uart), 1);
	assert_int_equal(vuart_input(&uart, many + VUART_FIFO_SIZE, 8), 1);
	assert_int_equal(drain(got, sizeof(got)), VUART_FIFO_SIZE);
	assert_memory_equal(got, many + 1, VUART_FIFO_SIZE);
	/* Reading an empty FIFO yields 0 and changes nothing. */
	assert_int_equal(rd(VUART_DR), 0);
	assert_int_equal(uart.rx_bytes, VUART_FIFO_SIZE + 1);
}

/* FEN clear: a one-byte holding register that triggers at once. */
static void test_character_mode(void **state)
{
	(void)state;
	assert_int_equal(vuart_input(&uart, "xyz", 3), 1);
	assert_true(rd(VUART_FR) & VUART_FR_RXFF);
	assert_int_equal(rd(VUART_RIS), VUART_INT_RX);
	assert_int_equal(rd(VUART_DR), 'x');
	assert_int_equal(rd(VUART_RIS), 0);
	assert_int_equal(rd(VUART_FR), VUART_FR_TXFE | VUART_FR_RXFE);
}

static void test_icr_and_mask_edges(void **state)
{
	static const bool expect[] = { true, false, true, false, true, false };

	(void)state;
	wr(VUART_IMSC, VUART_INT_TX);
	wr(VUART_DR, 'a');           /* high */
	wr(VUART_DR, 'b');           /* already high: no call */
	wr(VUART_ICR, VUART_INT_TX); /* low */
	wr(VUART_ICR, VUART_INT_TX); /* already low: no call */
	wr(VUART_DR, 'c');           /* high */
	wr(VUART_IMSC, 0);           /* masked: low, RIS kept */
	assert_true(rd(VUART_RIS) & VUART_INT_TX);
	assert_int_equal(rd(VUART_MIS), 0);
	wr(VUART_IMSC, VUART_INT_TX); /* high again */
	wr(VUART_ICR, VUART_INT_ALL); /* low */
	assert_edges(6, expect);
	assert_memory_equal(sink.out, "abc", 3);
}

/* ICR clears RX although the level is still met, until new data arrives. */
static void test_icr_clears_rx_until_new_data(void **state)
{
	(void)state;
	wr(VUART_IMSC, VUART_INT_RX);
	feed("a"); /* character mode: trigger 1 */
	assert_true(vuart_irq_level(&uart));
	wr(VUART_ICR, VUART_INT_RX);
	assert_false(vuart_irq_level(&uart));
	wr(VUART_LCR_H, VUART_LCR_H_FEN);
	wr(VUART_IFLS, 0); /* trigger 4 */
	assert_int_equal(rd(VUART_RIS), VUART_INT_RT);
	feed("bcd");
	assert_int_equal(rd(VUART_RIS), VUART_INT_RX | VUART_INT_RT);
	assert_true(vuart_irq_level(&uart));
}

static void test_register_widths(void **state)
{
	(void)state;
	wr(VUART_IBRD, 0xffffffff);
	wr(VUART_FBRD, 0xffffffff);
	wr(VUART_LCR_H, 0xffffffff);
	wr(VUART_CR, 0xffffffff);
	wr(VUART_IFLS, 0xffffffff);
	wr(VUART_DMACR, 0xffffffff);
	wr(VUART_ILPR, 0xffffffff);
	assert_int_equal(rd(VUART_IBRD), 0xffff);
	assert_int_equal(rd(VUART_FBRD), 0x3f);
	assert_int_equal(rd(VUART_LCR_H), 0xff);
	assert_int_equal(rd(VUART_CR), 0xffff);
	assert_int_equal(rd(VUART_IFLS), 0x3f);
	assert_int_equal(rd(VUART_DMACR), 0x7);
	assert_int_equal(rd(VUART_ILPR), 0xff);
	/* Read-only registers ignore writes. */
	wr(VUART_FR, 0);
	wr(VUART_RIS, VUART_INT_ALL);
	wr(VUART_MIS, VUART_INT_ALL);
	wr(VUART_PERIPH_ID0, 0);
	assert_int_equal(rd(VUART_FR), VUART_FR_TXFE | VUART_FR_RXFE);
	assert_int_equal(rd(VUART_RIS), 0);
	assert_int_equal(rd(VUART_PERIPH_ID0), 0x11);
	assert_int_equal(sink.edge_count, 0);
}

static void test_access_sizes_and_errors(void **state)
{
	uint64_t v = 0;

	(void)state;
	assert_int_equal(vuart_access(&uart, VUART_DR, 8, false, &v), -ZE_MMIO_SIZE);
	assert_int_equal(vuart_access(&uart, VUART_DR, 3, true, &v), -ZE_MMIO_SIZE);
	assert_int_equal(vuart_access(&uart, VUART_WINDOW_SIZE, 4, false, &v), -ZE_MMIO_RANGE);
	assert_int_equal(vuart_access(&uart, VUART_FR + 2, 4, false, &v), -ZE_MMIO_ALIGN);
	/* earlycon's byte store to DR transmits. */
	wr_sized(VUART_DR, 0x1241, 1);
	assert_int_equal(sink.out_len, 1);
	assert_int_equal(sink.out[0], 'A');
	/* Narrow reads see the low bits; the middle of a register reads 0. */
	wr(VUART_CR, 0x0301);
	assert_int_equal(rd_sized(VUART_CR, 1), 0x01);
	assert_int_equal(rd_sized(VUART_CR + 1, 1), 0);
	wr_sized(VUART_CR + 2, 0xffff, 2);
	assert_int_equal(rd(VUART_CR), 0x0301);
	/* A byte in DR's upper half neither transmits nor pops the FIFO. */
	feed("q");
	wr_sized(VUART_DR + 1, 'Z', 1);
	assert_int_equal(rd_sized(VUART_DR + 1, 1), 0);
	assert_int_equal(sink.out_len, 1);
	assert_int_equal(rd(VUART_DR), 'q');
	/* Reserved offsets: zero, writes ignored. */
	wr(0x100, 0xffffffff);
	assert_int_equal(rd(0x100), 0);
	assert_int_equal(rd(VUART_ICR), 0);
	assert_int_equal(rd(VUART_RSR), 0);
}

/* A break reads as a NUL with BE set, in order with the bytes around it,
 * as Linux's pl011 driver expects for its serial sysrq. */
static void test_break_is_a_flagged_entry(void **state)
{
	(void)state;
	wr(VUART_LCR_H, VUART_LCR_H_FEN);
	feed("a");
	assert_true(vuart_input_break(&uart));
	feed("o");
	assert_int_equal(rd(VUART_DR), 'a');
	assert_int_equal(rd(VUART_DR), VUART_DR_BE);
	assert_int_equal(rd(VUART_DR), 'o');
	assert_int_equal(rd(VUART_FR) & VUART_FR_RXFE, VUART_FR_RXFE);
	for (unsigned i = 0; i < VUART_FIFO_SIZE; i++)
		assert_int_equal(vuart_input(&uart, "x", 1), 1);
	assert_false(vuart_input_break(&uart));
}

static void test_reset_lowers_line(void **state)
{
	static const bool expect[] = { true, false };

	(void)state;
	wr(VUART_LCR_H, VUART_LCR_H_FEN);
	wr(VUART_IMSC, VUART_INT_RT);
	feed("pending");
	assert_true(vuart_irq_level(&uart));
	vuart_reset(&uart);
	assert_false(vuart_irq_level(&uart));
	assert_edges(2, expect);
	assert_int_equal(rd(VUART_FR), VUART_FR_TXFE | VUART_FR_RXFE);
	assert_int_equal(rd(VUART_IMSC), 0);
	assert_int_equal(rd(VUART_LCR_H), 0);
}

/* No backend at all: the model still works and calls nothing. */
static void test_without_backend(void **state)
{
	uint64_t v = 'x';

	(void)state;
	vuart_init(&uart, NULL);
	assert_int_equal(vuart_access(&uart, VUART_IMSC, 4, true, &(uint64_t){ VUART_INT_TX }), 0);
	assert_int_equal(vuart_access(&uart, VUART_DR, 4, true, &v), 0);
	assert_true(vuart_irq_level(&uart));
	assert_int_equal(uart.tx_bytes, 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_reset_state, setup),
		cmocka_unit_test_setup(test_primecell_ids, setup),
		cmocka_unit_test_setup(test_linux_driver_transmit, setup),
		cmocka_unit_test_setup(test_receive_below_trigger_times_out, setup),
		cmocka_unit_test_setup(test_receive_at_trigger_level, setup),
		cmocka_unit_test_setup(test_every_trigger_level, setup),
		cmocka_unit_test_setup(test_fifo_full_and_backpressure, setup),
		cmocka_unit_test_setup(test_character_mode, setup),
		cmocka_unit_test_setup(test_icr_and_mask_edges, setup),
		cmocka_unit_test_setup(test_icr_clears_rx_until_new_data, setup),
		cmocka_unit_test_setup(test_register_widths, setup),
		cmocka_unit_test_setup(test_access_sizes_and_errors, setup),
		cmocka_unit_test_setup(test_break_is_a_flagged_entry, setup),
		cmocka_unit_test_setup(test_reset_lowers_line, setup),
		cmocka_unit_test_setup(test_without_backend, setup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
