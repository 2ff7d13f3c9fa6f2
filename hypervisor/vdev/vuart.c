/*
 * The emulated PL011: register reads and writes, the receive FIFO and the
 * interrupt state.  The model's simplifications are listed in vuart.h.
 */
#include "vdev/vuart.h"
#include "lib/string.h"

/* Reset values (DDI 0183, table 3-1). */
#define CR_RESET   (VUART_CR_TXE | VUART_CR_RXE)
#define IFLS_RESET 0x12u /* both trigger levels at 1/2 */

/* Widths of the stored registers (DDI 0183, 3.3). */
#define ILPR_MASK    0xffu
#define IBRD_MASK    0xffffu
#define FBRD_MASK    0x3fu
#define LCR_H_MASK   0xffu
#define CR_MASK      0xffffu
#define IFLS_MASK    0x3fu
#define DMACR_MASK   0x7u
#define DR_DATA_MASK 0xffu

/* UARTIFLS RXIFLSEL, bits 5:3: the RX trigger in eighths (DDI 0183, 3.3.9). */
#define IFLS_RX_SHIFT  3
#define IFLS_RX_MASK   0x7u
#define IFLS_RX_LEVELS 5 /* 1/8, 1/4, 1/2, 3/4, 7/8; others reserved */
#define IFLS_RX_HALF   2
#define FIFO_EIGHTH    (VUART_FIFO_SIZE / 8)

/* Identification registers, one byte each (DDI 0183, 3.3.14-3.3.15). */
#define ID_REGS 8
#define ID_LAST (VUART_PERIPH_ID0 + 4 * (ID_REGS - 1))
static const uint8_t pl011_ids[ID_REGS] = {
	0x11, 0x10, 0x14, 0x00, /* UARTPeriphID0-3: part 0x011, ARM, r1 */
	0x0d, 0xf0, 0x05, 0xb1, /* UARTPCellID0-3: the PrimeCell preamble */
};

#define REG_WIDTH 4u

static void update_irq(struct vuart *v)
{
	bool level = (v->ris & v->imsc) != 0;

	if (level == v->irq_level)
		return;
	v->irq_level = level;
	if (v->backend.set_irq)
		v->backend.set_irq(v->backend.ctx, level);
}

/* With FEN clear the FIFO is a one-byte holding register (DDI 0183, 2.4.3). */
static uint32_t rx_capacity(const struct vuart *v)
{
	return (v->lcr_h & VUART_LCR_H_FEN) ? VUART_FIFO_SIZE : 1;
}

static uint32_t rx_trigger(const struct vuart *v)
{
	uint32_t sel = (v->ifls >> IFLS_RX_SHIFT) & IFLS_RX_MASK;
	static const uint32_t eighths[IFLS_RX_LEVELS] = { 1, 2, 4, 6, 7 };

	if (!(v->lcr_h & VUART_LCR_H_FEN))
		return 1;
	if (sel >= IFLS_RX_LEVELS)
		sel = IFLS_RX_HALF;
	return eighths[sel] * FIFO_EIGHTH;
}

/*
 * RX follows the FIFO level against the trigger; RT stands for data left
 * below the trigger with the line idle, and clears once the FIFO is empty.
 */
static void update_rx_status(struct vuart *v, bool new_data)
{
	if (v->rx_count >= rx_trigger(v)) {
		if (new_data)
			v->ris |= VUART_INT_RX;
	} else {
		v->ris &= ~VUART_INT_RX;
		if (v->rx_count > 0)
			v->ris |= VUART_INT_RT;
	}
	if (v->rx_count == 0)
		v->ris &= ~VUART_INT_RT;
	update_irq(v);
}

void vuart_init(struct vuart *v, const struct vuart_backend *backend)
{
	memset(v, 0, sizeof(*v));
	if (backend)
		v->backend = *backend;
	vuart_reset(v);
}

void vuart_reset(struct vuart *v)
{
	v->rx_head = 0;
	v->rx_count = 0;
	v->ilpr = v->ibrd = v->fbrd = v->lcr_h = v->dmacr = 0;
	v->cr = CR_RESET;
	v->ifls = IFLS_RESET;
	v->imsc = 0;
	v->ris = 0;
	update_irq(v);
}

size_t vuart_rx_space(const struct vuart *v)
{
	uint32_t cap = rx_capacity(v);

	return v->rx_count < cap ? cap - v->rx_count : 0;
}

bool vuart_irq_level(const struct vuart *v)
{
	return v->irq_level;
}

size_t vuart_input(struct vuart *v, const char *s, size_t n)
{
	size_t room = vuart_rx_space(v), i;

	if (n > room)
		n = room;
	for (i = 0; i < n; i++) {
		v->rx_fifo[(v->rx_head + v->rx_count) % VUART_FIFO_SIZE] = (uint8_t)s[i];
		v->rx_count++;
	}
	if (n)
		update_rx_status(v, true);
	return n;
}

bool vuart_input_break(struct vuart *v)
{
	if (!vuart_rx_space(v))
		return false;
	v->rx_fifo[(v->rx_head + v->rx_count) % VUART_FIFO_SIZE] = (uint16_t)VUART_DR_BE;
	v->rx_count++;
	update_rx_status(v, true);
	return true;
}

static uint32_t read_dr(struct vuart *v)
{
	uint32_t byte;

	if (v->rx_count == 0)
		return 0;
	byte = v->rx_fifo[v->rx_head];
	v->rx_head = (v->rx_head + 1) % VUART_FIFO_SIZE;
	v->rx_count--;
	v->rx_bytes++;
	update_rx_status(v, false);
	return byte;
}

static uint32_t read_fr(const struct vuart *v)
{
	uint32_t fr = VUART_FR_TXFE;

	if (v->rx_count == 0)
		fr |= VUART_FR_RXFE;
	if (v->rx_count >= rx_capacity(v))
		fr |= VUART_FR_RXFF;
	return fr;
}

static uint32_t read_reg(struct vuart *v, uint32_t reg)
{
	switch (reg) {
	case VUART_DR: return read_dr(v);
	case VUART_FR: return read_fr(v);
	case VUART_ILPR: return v->ilpr;
	case VUART_IBRD: return v->ibrd;
	case VUART_FBRD: return v->fbrd;
	case VUART_LCR_H: return v->lcr_h;
	case VUART_CR: return v->cr;
	case VUART_IFLS: return v->ifls;
	case VUART_IMSC: return v->imsc;
	case VUART_RIS: return v->ris;
	case VUART_MIS: return v->ris & v->imsc;
	case VUART_DMACR: return v->dmacr;
	default:
		if (reg >= VUART_PERIPH_ID0 && reg <= ID_LAST)
			return pl011_ids[(reg - VUART_PERIPH_ID0) / REG_WIDTH];
		return 0; /* RSR (no errors), ICR, reserved */
	}
}

static void write_dr(struct vuart *v, uint32_t value)
{
	if (v->backend.output)
		v->backend.output(v->backend.ctx, (uint8_t)(value & DR_DATA_MASK));
	v->tx_bytes++;
	v->ris |= VUART_INT_TX;
	update_irq(v);
}

static void write_reg(struct vuart *v, uint32_t reg, uint32_t value)
{
	switch (reg) {
	case VUART_DR: write_dr(v, value); break;
	case VUART_ILPR: v->ilpr = value & ILPR_MASK; break;
	case VUART_IBRD: v->ibrd = value & IBRD_MASK; break;
	case VUART_FBRD: v->fbrd = value & FBRD_MASK; break;
	case VUART_LCR_H:
		v->lcr_h = value & LCR_H_MASK;
		update_rx_status(v, false); /* the trigger may have moved */
		break;
	case VUART_CR: v->cr = value & CR_MASK; break;
	case VUART_IFLS:
		v->ifls = value & IFLS_MASK;
		update_rx_status(v, false);
		break;
	case VUART_IMSC:
		v->imsc = value & VUART_INT_ALL;
		update_irq(v);
		break;
	case VUART_ICR:
		v->ris &= ~(value & VUART_INT_ALL);
		update_irq(v);
		break;
	case VUART_DMACR: v->dmacr = value & DMACR_MASK; break;
	default: break; /* ECR (no errors to clear), read-only, reserved */
	}
}

int vuart_access(struct vuart *v, uint64_t offset, unsigned size, bool write, uint64_t *value)
{
	uint64_t lane_mask;

	if (size != 1 && size != 2 && size != 4)
		return -ZE_MMIO_SIZE;
	if (offset >= VUART_WINDOW_SIZE)
		return -ZE_MMIO_RANGE;
	if (offset % size)
		return -ZE_MMIO_ALIGN;
	lane_mask = (UINT64_C(1) << (8 * size)) - 1;
	if (offset % REG_WIDTH) {
		if (!write)
			*value = 0;
		return 0;
	}
	if (write)
		write_reg(v, (uint32_t)offset, (uint32_t)(*value & lane_mask));
	else
		*value = read_reg(v, (uint32_t)offset) & lane_mask;
	return 0;
}

int vuart_mmio(void *uart, uint64_t offset, unsigned size, bool write, uint64_t *value)
{
	return vuart_access(uart, offset, size, write, value);
}
