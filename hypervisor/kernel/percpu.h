/* Per-core state; TPIDR_EL2 points at the running core's entry. */
#ifndef KERNEL_PERCPU_H
#define KERNEL_PERCPU_H

#include <stdbool.h>
#include <stdint.h>

#include "arch/arm64/boot_defs.h"
#include "arch/arm64/sysreg.h"
#include "kernel/list.h"
#include "kernel/spinlock.h"

#define PRIO_COUNT 32 /* 0 is the highest priority */
#define PRIO_IDLE  (PRIO_COUNT - 1)

enum cpu_state {
	CPU_ABSENT = 0, /* not in the devicetree */
	CPU_OFFLINE,    /* present, not started (or start failed) */
	CPU_BOOTING,
	CPU_ONLINE,
	CPU_STOPPED, /* stopped by an unexpected exception */
};

struct runqueue {
	struct spinlock lock;
	uint32_t ready_mask; /* bit p: queue[p] not empty */
	struct list queue[PRIO_COUNT];
	uint64_t switches;
};

struct timer_queue {
	struct spinlock lock;
	struct list armed; /* struct ktimer, earliest first */
	uint64_t fired;
};

struct thread;
struct vcpu;

struct percpu {
	/* The vectors' timer fast path reads these (asm-offsets.c: PERCPU_*). */
	volatile uint64_t fast_timer_lr;  /* virtual timer (PPI 27), LR 0 */
	volatile uint64_t fast_ptimer_lr; /* EL1 physical timer (PPI 30), LR 1 */
	uint64_t fast_timer_count;        /* both timers' fast-path interrupts */
	volatile uint64_t fast_acked;     /* GIC_INTID_SPURIOUS when none */
	unsigned id;
	uint64_t mpidr;
	volatile enum cpu_state state;
	struct thread *current;
	struct thread *idle;
	struct runqueue rq;
	struct timer_queue timers;
	bool need_resched;
	unsigned irq_depth;
	uint64_t irq_count;
	uint64_t idle_ticks; /* counter ticks spent in WFI */
	uintptr_t gicr_base; /* this core's redistributor */
	uint32_t midr;       /* core model (MIDR_EL1) */
	uint8_t el;          /* exception level ZVM runs at here */
	bool vhe;            /* FEAT_VHE implemented */
	struct vcpu *vcpu;   /* the guest running on this core, if any */
	struct vcpu *owner;  /* the vCPU this core is given to, if any */
	bool eoi_split;      /* ICC_CTLR_EL1.EOImode: 1 but under a direct guest */
	/* Under a direct-delivery guest the guest owns the Group 1 interface
	 * and ZVM's own interrupts here are Group 0 (ipi_set_group0()). */
	volatile bool group1_is_guests;
	volatile bool sgis_group0;       /* ZVM's SGIs here are Group 0 */
	volatile uint32_t sgi_group_seq; /* odd while they change group */
};

extern struct percpu percpu_data[MAX_CPUS];
extern unsigned cpus_possible; /* CPUs the devicetree lists */

static inline struct percpu *this_cpu(void)
{
	return (struct percpu *)read_sysreg(tpidr_el2);
}

static inline unsigned this_cpu_id(void)
{
	return this_cpu()->id;
}

static inline struct percpu *cpu_data(unsigned id)
{
	return &percpu_data[id];
}

static inline bool in_irq(void)
{
	return this_cpu()->irq_depth != 0;
}

#endif
