/*
 * An emulated PL011 UART for one VM, as a register model.
 *
 * The VMM's MMIO dispatcher hands each guest access to the UART's 4 KiB
 * window to vuart_access(); transmitted bytes go to an output callback
 * (the VM's console), received bytes come in through vuart_input() into a
 * 32-byte FIFO, and the UART's combined interrupt line (UARTINTR) is
 * reported through set_irq whenever (RIS & IMSC) != 0 changes.
 *
 * Registers and bits: ARM PrimeCell UART (PL011) Technical Reference
 * Manual, DDI 0183, chapter 3.  Modelled as QEMU's virt board does, so
 * guests that run there run here:
 *  - transmission is instantaneous: TXFE is always set, TXFF and BUSY never;
 *    every byte written raises the TX interrupt (the FIFO drained through
 *    its trigger level at once);
 *  - UARTEN, TXE and RXE are stored but do not gate the data path;
 *  - the receive timeout (RT) is raised as soon as received data stays
 *    below the RX trigger level, since input arrives in whole chunks;
 *  - no line errors, no modem lines, no DMA.
 *
 * Accesses of 8, 16 and 32 bits are accepted (Linux's driver uses 16-bit
 * ones, its earlycon 8-bit ones); narrower accesses cover the low bits of
 * a register, and one into the middle of a register reads as zero and is
 * ignored.  Reserved offsets read as zero and ignore writes.
 *
 * Not thread-safe: the VMM serialises vuart_access() (on the guest's core)
 * and vuart_input() (on ZVM's core) with the VM's UART lock; the callbacks
 * run under it.
 */
#ifndef VDEV_VUART_H
#define VDEV_VUART_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/zerror.h"

/* The PL011's receive FIFO depth (DDI 0183, 2.4.3). */
#define VUART_FIFO_SIZE   32u
/* The register window (DDI 0183, 3.2). */
#define VUART_WINDOW_SIZE 0x1000u

/* Register offsets (DDI 0183, table 3-1). */
#define VUART_DR         0x000u
#define VUART_RSR        0x004u /* RSR on read, ECR on write */
#define VUART_FR         0x018u
#define VUART_ILPR       0x020u
#define VUART_IBRD       0x024u
#define VUART_FBRD       0x028u
#define VUART_LCR_H      0x02cu
#define VUART_CR         0x030u
#define VUART_IFLS       0x034u
#define VUART_IMSC       0x038u
#define VUART_RIS        0x03cu
#define VUART_MIS        0x040u
#define VUART_ICR        0x044u
#define VUART_DMACR      0x048u
#define VUART_PERIPH_ID0 0xfe0u /* ... ID3 at 0xfec */
#define VUART_CELL_ID0   0xff0u /* ... ID3 at 0xffc */

/* UARTFR bits (DDI 0183, 3.3.3). */
#define VUART_FR_BUSY (1u << 3)
#define VUART_FR_RXFE (1u << 4)
#define VUART_DR_BE   (1u << 10) /* UARTDR break error (DDI 0183 3.3.1) */
#define VUART_FR_TXFF (1u << 5)
#define VUART_FR_RXFF (1u << 6)
#define VUART_FR_TXFE (1u << 7)

/* UARTLCR_H: FIFOs enabled (DDI 0183, 3.3.7). */
#define VUART_LCR_H_FEN (1u << 4)

/* UARTCR bits and reset value (DDI 0183, 3.3.8). */
#define VUART_CR_UARTEN (1u << 0)
#define VUART_CR_TXE    (1u << 8)
#define VUART_CR_RXE    (1u << 9)

/* Interrupt bits of IMSC, RIS, MIS and ICR (DDI 0183, 3.3.10-3.3.13). */
#define VUART_INT_RX  (1u << 4)
#define VUART_INT_TX  (1u << 5)
#define VUART_INT_RT  (1u << 6)
#define VUART_INT_ALL 0x7ffu /* bits 10:0 */

struct vuart_backend {
	/* One transmitted byte (the guest wrote UARTDR). */
	void (*output)(void *ctx, uint8_t byte);
	/* The interrupt line's new level; called only when it changes. */
	void (*set_irq)(void *ctx, bool level);
	void *ctx;
};

struct vuart {
	struct vuart_backend backend;
	uint16_t rx_fifo[VUART_FIFO_SIZE]; /* data, and its error bits */
	uint32_t rx_head;                  /* index of the oldest byte */
	uint32_t rx_count;
	uint32_t ilpr, ibrd, fbrd, lcr_h, cr, ifls, imsc, ris, dmacr;
	bool irq_level;    /* (ris & imsc) != 0, as last reported */
	uint64_t tx_bytes; /* written by the guest */
	uint64_t rx_bytes; /* read by the guest */
};

/* Resets v to the PL011's reset state; backend callbacks may be NULL. */
void vuart_init(struct vuart *v, const struct vuart_backend *backend);
/* Back to the reset state (VM restart); lowers the line if it was high. */
void vuart_reset(struct vuart *v);

/*
 * One guest access of size bytes (1, 2 or 4) at offset into the window:
 * a write takes *value, a read stores into *value.  0, or -ZE_MMIO_RANGE,
 * -ZE_MMIO_SIZE or -ZE_MMIO_ALIGN, which the dispatcher turns into an abort.
 */
int vuart_access(struct vuart *v, uint64_t offset, unsigned size, bool write, uint64_t *value);
/* The same as an MMIO region handler (vmm/mmio.h), dev being the vuart. */
int vuart_mmio(void *uart, uint64_t offset, unsigned size, bool write, uint64_t *value);

/* Queues up to n received bytes; returns how many fitted in the FIFO. */
size_t vuart_input(struct vuart *v, const char *s, size_t n);
/* A break on the line (a NUL with BE set); false when the FIFO is full. */
bool vuart_input_break(struct vuart *v);
/* Bytes vuart_input() would accept now. */
size_t vuart_rx_space(const struct vuart *v);
bool vuart_irq_level(const struct vuart *v);

#endif
