/*
 * Key 'D': self-hosted debug from a guest (issue 12).  The guest sets a
 * watchpoint over every address below 2 GiB and a breakpoint on ZVM's
 * load address, both matching at EL2 only, enables debug exceptions and
 * traps into ZVM a thousand times: nothing may fire there (EL2 is above
 * the debug target level).  Its own EL1 watchpoint does fire, at EL1:
 * the registers are its own.  The registers ZVM keeps from it read as
 * zero whatever is written (DBGPRCR_EL1 too, but QEMU 7.2 does not have
 * it: an access is undefined there, so it is not probed).  One line:
 *   debug osdlr=.. mdrar=.. oslk=<locked after unlocking> traps=0x3e8
 *         own-watch-esr=..
 */
#include <stdint.h>

#include "guest.h"
#include "zvm/guest_layout.h"
#include "zvm/hypercall.h"
#include "lib/gicv3_defs.h"

#define TRAPS              1000
/* DBGWCR/DBGBCR (ARM ARM D13.3): enable, EL match, type and size fields. */
#define DBGxCR_E           1ull
#define DBGxCR_EL1_ONLY    (1ull << 1) /* PAC/PMC 0b01 */
#define DBGxCR_HMC         (1ull << 13)
#define DBGxCR_SSC_SHIFT   14
#define DBGxCR_EL2_ONLY    (DBGxCR_HMC | 3ull << DBGxCR_SSC_SHIFT) /* PAC/PMC 0b00 */
#define DBGWCR_LSC_STORE   (2ull << 3)
#define DBGWCR_LSC_ANY     (3ull << 3)
#define DBGWCR_BAS_ALL     (0xffull << 5)
#define DBGWCR_MASK_SHIFT  24
#define WATCH_ALL_BELOW_2G (31ull << DBGWCR_MASK_SHIFT) /* low 31 address bits masked */
#define DBGBCR_BAS_A64     (0xfull << 5)
#define MDSCR_KDE          (1ull << 13)
#define MDSCR_MDE          (1ull << 15)
#define OSLSR_OSLK         (1ull << 1)
#define ZVM_LOAD_ADDRESS   0x40080000ull /* QEMU virt: RAM base + text_offset */
/* By encoding: assemblers that do not know them by name. */
#define OSDLR_EL1          "S2_0_C1_C3_4"
#define MDRAR_EL1          "S2_0_C1_C0_0"

static volatile uint64_t watched;

#define READ(reg)                                            \
	({                                                   \
		uint64_t v_;                                 \
		__asm__ volatile("mrs %0, " reg : "=r"(v_)); \
		v_;                                          \
	})
#define WRITE(reg, v) __asm__ volatile("msr " reg ", %0; isb" : : "r"((uint64_t)(v)))

static void field(const char *name, uint64_t v)
{
	puts(" ");
	puts(name);
	puts("=");
	puthex(v);
}

/* Written, then read back: what the guest is left with. */
static void kept_registers(void)
{
	WRITE(OSDLR_EL1, 1);
	field("osdlr", READ(OSDLR_EL1));
	field("mdrar", READ(MDRAR_EL1));
	WRITE("oslar_el1", 0); /* its own OS Lock: unlocked, as Linux does */
	field("oslk", READ("oslsr_el1") & OSLSR_OSLK);
}

static void traps_under_el2_matches(void)
{
	unsigned n = 0;

	WRITE("dbgwvr0_el1", 0);
	WRITE("dbgwcr0_el1",
	      DBGxCR_E | DBGxCR_EL2_ONLY | DBGWCR_LSC_ANY | DBGWCR_BAS_ALL | WATCH_ALL_BELOW_2G);
	WRITE("dbgbvr0_el1", ZVM_LOAD_ADDRESS);
	WRITE("dbgbcr0_el1", DBGxCR_E | DBGxCR_EL2_ONLY | DBGBCR_BAS_A64);
	WRITE("mdscr_el1", MDSCR_MDE | MDSCR_KDE);
	__asm__ volatile("msr daifclr, #8; isb");
	for (unsigned i = 0; i < TRAPS; i++) {
		n += hvc(ZVM_HC_NULL, 0) == 0;
		(void)*(volatile uint32_t *)(uintptr_t)(GUEST_GICD_BASE + GICD_TYPER);
	}
	field("traps", n);
}

/* Its own watchpoint at EL1: the exception is its own (EC 0x35). */
static void own_watchpoint(void)
{
	WRITE("dbgwvr1_el1", (uint64_t)(uintptr_t)&watched);
	WRITE("dbgwcr1_el1", DBGxCR_E | DBGxCR_EL1_ONLY | DBGWCR_LSC_STORE | DBGWCR_BAS_ALL);
	abort_esr = 0;
	abort_expected = true;
	watched = 1;
	abort_expected = false;
	field("own-watch-esr", abort_esr);
}

void debug_probe(void)
{
	puts("debug");
	kept_registers();
	traps_under_el2_matches();
	own_watchpoint();
	__asm__ volatile("msr daifset, #8; isb");
	WRITE("mdscr_el1", 0);
	WRITE("dbgwcr0_el1", 0);
	WRITE("dbgwcr1_el1", 0);
	WRITE("dbgbcr0_el1", 0);
	puts("\n");
}
