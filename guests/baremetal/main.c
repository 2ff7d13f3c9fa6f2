/*
 * ZVM's bare-metal test guest.  It prints "alive" lines driven by its
 * virtual timer, beats the heartbeat hypercall, and on console input
 * crashes in the ways the crash-containment tests need:
 *   w  write outside its memory     u  undefined instruction
 *   h  hang with interrupts masked  s  interrupt storm
 *   o  PSCI SYSTEM_OFF              r  PSCI SYSTEM_RESET
 */
#include <stdbool.h>
#include <stdint.h>

#include "gic.h"
#include "zvm/guest_layout.h"
#include "zvm/hypercall.h"

#define UART_DR			0x000
#define UART_FR			0x018
#define UART_FR_RXFE		(1u << 4)
#define UART_FR_TXFF		(1u << 5)
#define PSCI_SYSTEM_OFF		0x84000008u
#define PSCI_SYSTEM_RESET	0x84000009u
#define TICKS_PER_LINE		10
#define TICK_HZ			100
#define OUTSIDE_ANY_MAP		0x7000000000ull
#define CNT_CTL_ENABLE		1u

static volatile uint64_t ticks;
static uint64_t tick_period;
static bool storm;

static uint64_t hvc(uint64_t fn, uint64_t a1)
{
	register uint64_t x0 __asm__("x0") = fn;
	register uint64_t x1 __asm__("x1") = a1;

	__asm__ volatile("hvc #0" : "+r"(x0), "+r"(x1) : : "x2", "x3", "memory");
	return x0;
}

static void putc(char c)
{
	volatile uint32_t *uart = (volatile uint32_t *)(uintptr_t)GUEST_UART_BASE;

	while (uart[UART_FR / 4] & UART_FR_TXFF)
		;
	uart[UART_DR / 4] = (uint8_t)c;
}

static int getc(void)
{
	volatile uint32_t *uart = (volatile uint32_t *)(uintptr_t)GUEST_UART_BASE;

	return (uart[UART_FR / 4] & UART_FR_RXFE) ? -1 : (int)(uart[UART_DR / 4] & 0xff);
}

static void puts(const char *s)
{
	while (*s) {
		if (*s == '\n')
			putc('\r');
		putc(*s++);
	}
}

static void putu(uint64_t v)
{
	char buf[24];
	int n = 0;

	do {
		buf[n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	while (n)
		putc(buf[--n]);
}

static uint64_t read_cntvct(void)
{
	uint64_t v;

	__asm__ volatile("isb; mrs %0, cntvct_el0" : "=r"(v));
	return v;
}

static void timer_arm(uint64_t deadline)
{
	__asm__ volatile("msr cntv_cval_el0, %0; msr cntv_ctl_el0, %1; isb"
			 : : "r"(deadline), "r"((uint64_t)CNT_CTL_ENABLE));
}

/* Entered from start.S: the IRQ vector, and the boot path once a stack is set. */
void guest_irq(void);
void guest_main(void);

void guest_irq(void)
{
	unsigned intid = gic_ack();

	if (intid == GUEST_INTID_VIRT_TIMER) {
		ticks++;
		/* A storm: the timer stays due, so it fires again at once. */
		timer_arm(storm ? 0 : read_cntvct() + tick_period);
	}
	if (intid < 1020)
		gic_end(intid);
}

static void crash(int c)
{
	switch (c) {
	case 'w':
		puts("crashing: write outside my memory\n");
		*(volatile uint64_t *)(uintptr_t)OUTSIDE_ANY_MAP = 1;
		break;
	case 'u':
		puts("crashing: undefined instruction\n");
		__asm__ volatile("udf #0");
		break;
	case 'h':
		puts("crashing: hang with interrupts masked\n");
		__asm__ volatile("msr daifset, #0xf");
		for (;;)
			;
	case 's':
		puts("crashing: interrupt storm\n");
		storm = true;
		timer_arm(0);
		break;
	case 'o':
		puts("powering off\n");
		hvc(PSCI_SYSTEM_OFF, 0);
		break;
	case 'r':
		puts("resetting\n");
		hvc(PSCI_SYSTEM_RESET, 0);
		break;
	default:
		break;		/* not a crash key */
	}
}

void guest_main(void)
{
	uint64_t freq, last_line = 0;

	__asm__ volatile("mrs %0, cntfrq_el0" : "=r"(freq));
	tick_period = freq / TICK_HZ;
	puts("baremetal guest: vm ");
	putu(hvc(ZVM_HC_VM_ID, 0));
	puts(" up\n");
	gic_init(GUEST_INTID_VIRT_TIMER);
	timer_arm(read_cntvct() + tick_period);
	__asm__ volatile("msr daifclr, #2");
	for (;;) {
		__asm__ volatile("wfi");
		if (ticks >= last_line + TICKS_PER_LINE) {
			last_line = ticks;
			puts("alive ");
			putu(ticks);
			puts("\n");
			hvc(ZVM_HC_HEARTBEAT, 0);
		}
		int c = getc();
		if (c >= 0)
			crash(c);
	}
}
