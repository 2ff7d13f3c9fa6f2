/*
 * ZVM's bare-metal test guest.  It prints "alive" lines driven by its
 * virtual timer, beats the heartbeat hypercall, and on console input
 * crashes in the ways the crash-containment tests need:
 *   w  write outside its memory     u  undefined instruction
 *   h  hang with interrupts masked  s  interrupt storm
 *   o  PSCI SYSTEM_OFF              r  PSCI SYSTEM_RESET
 *   C M p W T  keep its core from ZVM (holdoff.c: direct delivery)
 * and on 'b' probes emulated registers with widths they do not support:
 * each access must come back as a synchronous external abort (the guest
 * survives and says what it saw).  R, F and L read and fetch outside its
 * memory and make an access ZVM cannot emulate (probes.c): an abort it
 * handles, or a crash, as the VM's abort-policy says.  m, n and d are the
 * register-leak check (regs.c): set markers, show registers now, show
 * them as they were at boot.
 * On 'c' it makes the SMCCC calls of Linux's ptp_kvm, good and bad, and
 * prints what came back (one line).  P counts instructions across hypercalls
 * with and without the PMU's EL2 filter bit (pmu.c).  D sets breakpoints
 * and watchpoints on ZVM's addresses and traps into it (debug.c).
 * Two interrupt checks report what the guest saw, with list registers or
 * direct delivery alike:
 *   i  a self-IPI sent with IRQs masked is pending, then delivered
 *   t  its timer PPI disabled, a due timer is pending; turned off, it is
 *      not, and enabling the PPI again delivers nothing stale
 * H, G and I time round trips through ZVM (perf.c: a null hypercall, an
 * emulated GICD read, a self-SGI to its handler) and print
 *   perf <what> n=<rounds> min=<ticks> avg=<ticks> max=<ticks> freq=<Hz>
 * With a Zshm channel in its devicetree it is a member too (zshm_test.c:
 * keys z y f e k x); with a virtio-blk device its driver (virtio_test.c:
 * keys v V a); with more vCPUs, SGIs between them (smp.c: keys g B).
 */
#include <stdbool.h>
#include <stdint.h>

#include "gic.h"
#include "guest.h"
#include "perf.h"
#include "smp.h"
#include "virtio_test.h"
#include "zshm_test.h"
#include "lib/gicv3_defs.h"
#include "lib/psci_defs.h"
#include "lib/smccc_defs.h"
#include "zvm/guest_layout.h"
#include "zvm/hypercall.h"

#define UART_DR         0x000
#define UART_FR         0x018
#define UART_FR_RXFE    (1u << 4)
#define UART_FR_TXFF    (1u << 5)
#define TICKS_PER_LINE  10
#define TICK_HZ         100
#define CNT_CTL_ENABLE  1u
#define INSN_SIZE       4
#define CNT_CTL_ISTATUS (1u << 2)
#define SELF_SGI        5
#define CHECK_WAIT_HZ   10   /* a check gives up after 1/10 s of virtual time */
#define STALE_WAIT_HZ   1000 /* a stale interrupt would come within 1 ms */

static volatile uint64_t ticks, sgis, sgi_taken_at;
static uint64_t last_beat;
static unsigned doorbell_intid, virtio_intid;
/* x0 at entry, saved by start.S: the devicetree. */
extern uint64_t boot_dtb;
static uint64_t tick_period;
static bool storm;

uint64_t hvc(uint64_t fn, uint64_t a1)
{
	register uint64_t x0 __asm__("x0") = fn;
	register uint64_t x1 __asm__("x1") = a1;

	__asm__ volatile("hvc #0" : "+r"(x0), "+r"(x1) : : "x2", "x3", "memory");
	return x0;
}

/* All four SMCCC result registers. */
struct smccc_res {
	uint64_t a[4];
};

static struct smccc_res smccc(uint64_t fn, uint64_t a1)
{
	register uint64_t x0 __asm__("x0") = fn;
	register uint64_t x1 __asm__("x1") = a1;
	register uint64_t x2 __asm__("x2") = 0;
	register uint64_t x3 __asm__("x3") = 0;

	__asm__ volatile("hvc #0" : "+r"(x0), "+r"(x1), "+r"(x2), "+r"(x3) : : "memory");
	return (struct smccc_res){ { x0, x1, x2, x3 } };
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

void puts(const char *s)
{
	while (*s) {
		if (*s == '\n')
			putc('\r');
		putc(*s++);
	}
}

void putu(uint64_t v)
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

uint64_t bm_hvc3(uint64_t fn, uint64_t a1, uint64_t a2)
{
	register uint64_t x0 __asm__("x0") = fn;
	register uint64_t x1 __asm__("x1") = a1;
	register uint64_t x2 __asm__("x2") = a2;

	__asm__ volatile("hvc #0" : "+r"(x0), "+r"(x1), "+r"(x2) : : "x3", "memory");
	return x0;
}

void bm_puts(const char *s)
{
	puts(s);
}

void bm_putu(uint64_t v)
{
	putu(v);
}

void bm_puthex(uint64_t v)
{
	puthex(v);
}

uint64_t bm_virtual_counter(void)
{
	return read_cntvct();
}

uint64_t bm_counter_hz(void)
{
	uint64_t v;

	__asm__ volatile("mrs %0, cntfrq_el0" : "=r"(v));
	return v;
}

/* The physical counter: one clock for every VM, whatever its CNTVOFF. */
uint64_t bm_counter(void)
{
	uint64_t v;

	__asm__ volatile("isb; mrs %0, cntpct_el0" : "=r"(v));
	return v;
}

/* Long Zshm commands keep the health monitor informed. */
void bm_beat_if_due(void)
{
	if (ticks >= last_beat + TICKS_PER_LINE) {
		last_beat = ticks;
		hvc(ZVM_HC_HEARTBEAT, 0);
	}
}

static void timer_arm(uint64_t deadline)
{
	__asm__ volatile("msr cntv_cval_el0, %0; msr cntv_ctl_el0, %1; isb"
	                 :
	                 : "r"(deadline), "r"((uint64_t)CNT_CTL_ENABLE));
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
	if (intid == SELF_SGI) {
		sgi_taken_at = read_cntvct();
		sgis++;
	}
	if (doorbell_intid && intid == doorbell_intid)
		zshm_test_doorbell();
	if (virtio_intid && intid == virtio_intid)
		virtio_test_irq();
	if (smp_is_sgi(intid))
		smp_sgi(intid);
	if (intid < 1020)
		gic_end(intid);
}

/* start.S: the exception entry calls these, and crashed never returns. */
void crashed(void) __attribute__((noreturn));
void guest_sync(void);

/* The abort the probe is waiting for: a sync exception from the probe. */
volatile bool abort_expected;
volatile uint64_t abort_esr, abort_far, resume_at;

void puthex(uint64_t v)
{
	int top = 60;

	puts("0x");
	while (top > 0 && !(v >> top))
		top -= 4;
	for (int shift = top; shift >= 0; shift -= 4)
		putc("0123456789abcdef"[v >> shift & 0xf]);
}

void guest_sync(void)
{
	uint64_t elr;

	if (!abort_expected)
		crashed();
	__asm__ volatile("mrs %0, esr_el1" : "=r"(abort_esr));
	__asm__ volatile("mrs %0, far_el1" : "=r"(abort_far));
	__asm__ volatile("mrs %0, elr_el1" : "=r"(elr));
	/* A fetch abort's ELR is where nothing is: go back to the probe. */
	elr = resume_at ? resume_at : elr + INSN_SIZE; /* else skip it */
	__asm__ volatile("msr elr_el1, %0" : : "r"(elr));
	resume_at = 0;
	abort_expected = false;
}

void report(const char *what, uint64_t reg)
{
	puts(abort_expected ? "no abort: " : "abort: ");
	puts(what);
	puts(" esr ");
	puthex(abort_esr);
	puts(" far ");
	puthex(abort_far);
	puts(reg == UNTOUCHED ? " register kept\n" : " register written\n");
	abort_expected = false;
}

/* Each access is one instruction of exactly the width it names. */
static void bad_width_probe(void)
{
	uint64_t ctlr = GUEST_GICD_BASE + GICD_CTLR, typer = GUEST_GICD_BASE + GICD_TYPER;
	uint64_t reg = UNTOUCHED;

	abort_expected = true;
	__asm__ volatile("strb %w0, [%1]" : : "r"(2u), "r"(ctlr) : "memory");
	report("strb GICD_CTLR", reg);
	abort_expected = true;
	__asm__ volatile("ldr %0, [%1]" : "+r"(reg) : "r"(ctlr) : "memory");
	report("ldr x GICD_CTLR", reg);
	reg = UNTOUCHED;
	abort_expected = true;
	__asm__ volatile("ldrh %w0, [%1]" : "+r"(reg) : "r"(typer) : "memory");
	report("ldrh GICD_TYPER", reg);
	puts("probe done\n");
}

static uint64_t cntv_ctl(void)
{
	uint64_t v;

	__asm__ volatile("isb; mrs %0, cntv_ctl_el0" : "=r"(v));
	return v;
}

/* Waits until *counter passes start, up to 1/hz s; returns whether it did. */
static bool wait_count(volatile uint64_t *counter, uint64_t start, uint64_t hz)
{
	uint64_t freq, end;

	__asm__ volatile("mrs %0, cntfrq_el0" : "=r"(freq));
	end = read_cntvct() + freq / hz;
	while (*counter == start && read_cntvct() < end)
		;
	return *counter != start;
}

static void self_ipi_check(void)
{
	uint64_t before = sgis;
	bool pending, delivered;

	gic_enable(SELF_SGI);
	__asm__ volatile("msr daifset, #2; isb");
	gic_self_sgi(SELF_SGI);
	pending = gic_pending(SELF_SGI);
	__asm__ volatile("msr daifclr, #2; isb");
	delivered = wait_count(&sgis, before, CHECK_WAIT_HZ);
	puts("self ipi: pending ");
	putu(pending);
	puts(" delivered ");
	putu(delivered);
	puts("\n");
}

static void timer_level_check(void)
{
	uint64_t freq, end, before;
	bool due, off, stale;

	__asm__ volatile("mrs %0, cntfrq_el0" : "=r"(freq));
	gic_disable(GUEST_INTID_VIRT_TIMER);
	timer_arm(0); /* due at once */
	end = read_cntvct() + freq / CHECK_WAIT_HZ;
	while (!(cntv_ctl() & CNT_CTL_ISTATUS) && read_cntvct() < end)
		;
	due = gic_pending(GUEST_INTID_VIRT_TIMER);
	__asm__ volatile("msr cntv_ctl_el0, xzr; isb");
	off = gic_pending(GUEST_INTID_VIRT_TIMER);
	before = ticks;
	gic_enable(GUEST_INTID_VIRT_TIMER);
	stale = wait_count(&ticks, before, STALE_WAIT_HZ);
	timer_arm(read_cntvct() + tick_period);
	puts("timer level: due ");
	putu(due);
	puts(" off ");
	putu(off);
	puts(" stale ");
	putu(stale);
	puts("\n");
}

static void put_call(const char *name, uint64_t fn, uint64_t a1, unsigned results)
{
	struct smccc_res r = smccc(fn, a1);

	puts(" ");
	puts(name);
	puts("=");
	for (unsigned i = 0; i < results; i++) {
		if (i)
			puts(",");
		puthex(r.a[i]);
	}
}

/* ptp_kvm's calls as Linux makes them, then ids nobody defined. */
static void smccc_probe(void)
{
	puts("smccc:");
	put_call("version", SMCCC_VERSION, 0, 1);
	put_call("features-of-version", SMCCC_ARCH_FEATURES, SMCCC_VERSION, 1);
	put_call("features-of-workaround1", SMCCC_ARCH_FEATURES, 0x80008000u, 1);
	put_call("uid", SMCCC_VENDOR_HYP_CALL_UID, 0, 4);
	put_call("kvm-features", KVM_HYP_FEATURES, 0, 1);
	put_call("ptp-virt", KVM_HYP_PTP, KVM_PTP_VIRT_COUNTER, 4);
	put_call("ptp-phys", KVM_HYP_PTP, KVM_PTP_PHYS_COUNTER, 4);
	put_call("ptp-bad-counter", KVM_HYP_PTP, 2, 1);
	put_call("unknown-86000002", 0x86000002u, 0, 1);
	put_call("unknown-8600fffe", 0x8600fffeu, 0, 1);
	put_call("unknown-8600ff00", 0x8600ff00u, 0, 1);
	put_call("unknown-8000ffff", 0x8000ffffu, 0, 1);
	put_call("unknown-c600ffff", 0xc600ffffu, 0, 1);
	puts("\n");
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
	case 'b': bad_width_probe(); break;
	case 'R': probe_outside_read(); break;
	case 'F': probe_outside_fetch(); break;
	case 'L': probe_unemulatable(); break;
	case 'm': regs_set_markers(); break;
	case 'n': regs_report_now(); break;
	case 'd': regs_report_boot(); break;
	case 'i': self_ipi_check(); break;
	case 't': timer_level_check(); break;
	case 'c': smccc_probe(); break;
	case 'H': perf_report_hvc_null(); break;
	case 'G': perf_report_gicd_read(); break;
	case 'I': perf_report_self_sgi(SELF_SGI, &sgi_taken_at, &sgis); break;
	case 'P': pmu_probe(); break;
	case 'D': debug_probe(); break;
	default: holdoff_key(c); break; /* or not a crash key */
	}
}

void guest_main(void)
{
	uint64_t freq, last_line = 0;

	regs_snapshot_at_boot(); /* before anything here writes one */
	__asm__ volatile("mrs %0, cntfrq_el0" : "=r"(freq));
	tick_period = freq / TICK_HZ;
	puts("baremetal guest: vm ");
	putu(hvc(ZVM_HC_VM_ID, 0));
	puts(" up\n");
	gic_init(GUEST_INTID_VIRT_TIMER);
	doorbell_intid = zshm_test_init((const void *)(uintptr_t)boot_dtb);
	if (doorbell_intid)
		gic_enable_spi(doorbell_intid);
	virtio_intid = virtio_test_init((const void *)(uintptr_t)boot_dtb);
	if (virtio_intid)
		gic_enable_spi(virtio_intid);
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
		if (c >= 0 && !zshm_test_key(c) && !virtio_test_key(c) && !smp_key(c))
			crash(c);
	}
}
