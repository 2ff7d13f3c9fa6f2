/*
 * Exception dispatch at EL2, for exceptions taken from EL2 itself (the
 * guests' go to vcpu_trap()).  Interrupts go to the kernel; anything else
 * is a bug: it gets a readable report and stops only the core it happened
 * on, so ZVM and the guests on other cores carry on.
 */
#include "arch/arm64/trap.h"
#include "arch/arm64/esr.h"
#include "arch/arm64/sysreg.h"
#include "kernel/console.h"
#include "kernel/irq.h"
#include "kernel/percpu.h"
#include "kernel/thread.h"

void cpu_halt(void) __attribute__((noreturn));

static const char *const vector_names[] = {
	[VEC_SYNC_CUR] = "synchronous, from EL2",
	[VEC_IRQ_CUR] = "IRQ, from EL2",
	[VEC_FIQ_CUR] = "FIQ, from EL2",
	[VEC_SERROR_CUR] = "SError, from EL2",
	[VEC_SYNC_LOWER] = "synchronous, from a lower EL",
	[VEC_IRQ_LOWER] = "IRQ, from a lower EL",
	[VEC_FIQ_LOWER] = "FIQ, from a lower EL",
	[VEC_SERROR_LOWER] = "SError, from a lower EL",
	[VEC_SP0] = "taken with SP_EL0",
	[VEC_AARCH32] = "from AArch32",
};

static void print_registers(const struct trap_frame *f)
{
	for (int i = 0; i < 30; i += 2)
		kprintf_panic("  x%-2d %016lx  x%-2d %016lx\n", i, f->x[i], i + 1, f->x[i + 1]);
	kprintf_panic("  x30 %016lx  sp  %016lx\n", f->x[30], f->sp);
}

void trap_fault_report(struct trap_frame *f, unsigned kind)
{
	struct percpu *cpu = this_cpu();
	struct thread *t = cpu->current;
	char what[128];

	esr_describe(f->esr, what, sizeof(what));
	cpu->state = CPU_STOPPED;
	kprintf_panic("\n*** ZVM: unexpected exception on CPU %u at EL%lu (%s)\n", cpu->id,
	              (f->spsr >> 2) & 3, vector_names[kind]);
	kprintf_panic("  thread %s\n", t ? t->name : "(boot)");
	kprintf_panic("  ESR %016lx  %s\n", f->esr, what);
	kprintf_panic("  FAR %016lx  ELR %016lx  SPSR %016lx\n", f->far, f->elr, f->spsr);
	print_registers(f);
	kprintf_panic("*** CPU %u stopped; the other cores carry on.\n", cpu->id);
	cpu_halt();
}

void trap_dispatch(struct trap_frame *frame, unsigned kind)
{
	if (kind == VEC_IRQ_CUR || kind == VEC_FIQ_CUR) {
		irq_dispatch();
		sched_irq_exit();
		return;
	}
	trap_fault_report(frame, kind);
}
