/*
 * The bare-metal guest on several vCPUs, for the built-in SGI tests
 * (hypervisor/selftest/test_irq.c).  vCPU 0 brings the others up with PSCI
 * CPU_ON on the first SGI key; they enable their SGIs and idle in WFI,
 * doing nothing but answer.  Keys:
 *   g  ping-pong: SMP_ROUNDS times an SGI to vCPU 1, which answers with
 *      one back; each waits idle for the other
 *   B  broadcast: SMP_ROUNDS times one SGI to every other vCPU (IRM), each
 *      answers
 * Each round waits for the previous to be answered, so no SGI can merge
 * with another: every one sent must be taken, exactly once.  A round
 * that gets no answer within SMP_STALL_S is a lost SGI and ends the run.
 * Line: "sgi <what> intid=<sgi> cpus=<n> rounds=<done> taken=<by the
 * others> us=<t>".
 */
#include "smp.h"

#include "gic.h"
#include "guest.h"
#include "lib/psci_defs.h"

#define SMP_MAX_CPUS    8
#define SMP_STACK_BYTES 4096
#define SMP_ROUNDS      5000u
#define SMP_STALL_S     10u
#define SGI_PING        6 /* vCPU 0 -> vCPU 1 */
#define SGI_BROADCAST   7 /* vCPU 0 -> every other */
#define SGI_ANSWER      8 /* any -> vCPU 0: look at the counts */
#define PSCI_SUCCESS    0

static uint8_t stacks[SMP_MAX_CPUS][SMP_STACK_BYTES] __attribute__((aligned(16)));
static volatile bool online[SMP_MAX_CPUS];
/* SGIs each vCPU took, by kind: written by that vCPU only. */
static volatile uint64_t pings[SMP_MAX_CPUS], broadcasts[SMP_MAX_CPUS];
static unsigned cpus = 1;

/* start.S: x0 (the context id) is the top of the vCPU's stack. */
void secondary_entry(void);
void secondary_main(void);

static unsigned this_cpu(void)
{
	uint64_t mpidr;

	__asm__ volatile("mrs %0, mpidr_el1" : "=r"(mpidr));
	return (unsigned)(mpidr & 0xff);
}

static int64_t cpu_on(uint64_t mpidr, uint64_t entry, uint64_t context)
{
	register uint64_t x0 __asm__("x0") = PSCI_CPU_ON_64;
	register uint64_t x1 __asm__("x1") = mpidr;
	register uint64_t x2 __asm__("x2") = entry;
	register uint64_t x3 __asm__("x3") = context;

	__asm__ volatile("hvc #0" : "+r"(x0), "+r"(x1), "+r"(x2), "+r"(x3) : : "memory");
	return (int64_t)x0;
}

void secondary_main(void)
{
	unsigned cpu = this_cpu();

	gic_init_cpu(cpu);
	gic_enable_on(cpu, SGI_PING);
	gic_enable_on(cpu, SGI_BROADCAST);
	online[cpu] = true;
	__asm__ volatile("dsb sy; msr daifclr, #2" ::: "memory");
	for (;;)
		__asm__ volatile("wfi");
}

void smp_sgi(unsigned intid)
{
	unsigned cpu = this_cpu();

	if (cpu >= SMP_MAX_CPUS || intid == SGI_ANSWER)
		return; /* vCPU 0 looks at the counts after any interrupt */
	if (intid == SGI_PING)
		pings[cpu]++;
	else
		broadcasts[cpu]++;
	__asm__ volatile("dsb sy" ::: "memory");
	gic_sgi(SGI_ANSWER, 0, false);
}

bool smp_is_sgi(unsigned intid)
{
	return intid == SGI_PING || intid == SGI_BROADCAST || intid == SGI_ANSWER;
}

/* Brings up every vCPU PSCI knows (CPU_ON fails past the last). */
static void start_others(void)
{
	uint64_t end;

	if (cpus > 1)
		return;
	gic_enable(SGI_ANSWER);
	while (cpus < SMP_MAX_CPUS &&
	       cpu_on(cpus, (uint64_t)(uintptr_t)secondary_entry,
	              (uint64_t)(uintptr_t)(stacks[cpus] + SMP_STACK_BYTES)) == PSCI_SUCCESS)
		cpus++;
	end = bm_virtual_counter() + SMP_STALL_S * bm_counter_hz();
	for (unsigned c = 1; c < cpus; c++)
		while (!online[c] && bm_virtual_counter() < end)
			;
}

/* Whether *count reached want; waits idle (an answer wakes it) up to SMP_STALL_S. */
static bool reached(volatile uint64_t *count, uint64_t want)
{
	uint64_t end = bm_virtual_counter() + SMP_STALL_S * bm_counter_hz();

	while (*count < want) {
		if (bm_virtual_counter() > end)
			return false;
		bm_beat_if_due();
		__asm__ volatile("wfi");
	}
	return true;
}

static void run(const char *what, volatile uint64_t *count, bool broadcast)
{
	unsigned sgi = broadcast ? SGI_BROADCAST : SGI_PING;
	uint64_t t0, base[SMP_MAX_CPUS], taken = 0;
	unsigned rounds = 0;

	start_others();
	if (cpus < 2 || !online[1]) {
		puts("sgi: needs a second vCPU\n");
		return;
	}
	for (unsigned c = 0; c < cpus; c++)
		base[c] = count[c];
	t0 = bm_virtual_counter();
	while (rounds < SMP_ROUNDS) {
		/* Everyone's count reaches base + rounds + 1: relative waits. */
		gic_sgi(sgi, 1, broadcast);
		bool ok = true;
		for (unsigned c = 1; c < cpus && ok; c++)
			if (broadcast || c == 1)
				ok = reached(&count[c], base[c] + rounds + 1);
		if (!ok)
			break;
		rounds++;
	}
	for (unsigned c = 1; c < cpus; c++)
		taken += count[c] - base[c];
	puts("sgi ");
	puts(what);
	puts(rounds == SMP_ROUNDS ? "" : " stalled");
	puts(" intid=");
	putu(sgi);
	puts(" cpus=");
	putu(cpus);
	puts(" rounds=");
	putu(rounds);
	puts(" taken=");
	putu(taken);
	puts(" us=");
	putu((bm_virtual_counter() - t0) * 1000000u / bm_counter_hz());
	puts("\n");
}

bool smp_key(int c)
{
	if (c == 'g')
		run("pingpong", pings, false);
	else if (c == 'B')
		run("broadcast", broadcasts, true);
	else
		return false;
	return true;
}
