/*
 * A virtual CPU: a kernel thread pinned to its own physical core that
 * enters the guest and handles that guest's traps in place.  Because the
 * core is the vCPU's alone, EL1 system registers and FP/SIMD state never
 * need saving: ZVM at EL2 uses only general registers.
 */
#ifndef VMM_VCPU_H
#define VMM_VCPU_H

#include <stdbool.h>
#include <stdint.h>

#include "arch/arm64/guest_entry.h"
#include "arch/arm64/trap_frame.h"
#include "kernel/sem.h"

struct vm;
struct thread;

enum vcpu_power {
	VCPU_OFF, /* waiting for PSCI CPU_ON (secondaries) */
	VCPU_ON,
};

/* Why a vCPU left its guest (guest_exit reasons). */
enum vcpu_exit {
	VCPU_EXIT_NONE,
	VCPU_EXIT_STOP,  /* ZVM stops the VM */
	VCPU_EXIT_OFF,   /* PSCI CPU_OFF */
	VCPU_EXIT_CRASH, /* the VM crashed; reason in the VM */
};

/* Requests from other cores, checked on every return to the guest. */
#define VCPU_REQ_STOP  (1u << 0)
#define VCPU_REQ_PAUSE (1u << 1)

struct vcpu_stats {
	uint64_t traps;
	uint64_t hypercalls;
	uint64_t mmio;
	uint64_t sysreg;
	uint64_t irqs;
	uint64_t injected;
	uint64_t timer_fast; /* virtual-timer interrupts by the fast path */
	/* Where the vCPU's core time went, in counter ticks (vmm/vcpu_time.h). */
	uint64_t guest_ticks; /* in the guest: its own (untrapped) WFI included */
	uint64_t el2_ticks;   /* in ZVM, handling the vCPU's traps */
	uint64_t idle_ticks;  /* in the guest's trapped WFI (direct delivery only) */
};

/* Which of a vCPU's buckets its accounting fills (vmm/vcpu_time.h). */
enum vcpu_time_mode {
	VCPU_TIME_RUN,  /* guest and el2: interrupts through list registers */
	VCPU_TIME_IDLE, /* idle alone: direct delivery, whose WFI ZVM traps */
};

/* The span of core time in progress (vmm/vcpu_time.h). */
struct vcpu_time_span {
	uint32_t seq;   /* a seqcount: odd while the vCPU's core moves it */
	uint64_t mark;  /* counter at the last boundary */
	uint64_t *open; /* the vcpu_stats bucket the span goes to; 0: none */
	enum vcpu_time_mode mode;
	/* VCPU_TIME_IDLE: the last trapped WFI's start (0: none to fold yet)
	 * and end; woke_at < slept_at while the core waits in it. */
	uint64_t slept_at;
	volatile uint64_t woke_at;
};

struct vcpu {
	struct vm *vm;
	unsigned index;
	unsigned cpu;   /* the physical core, for life */
	uint64_t mpidr; /* what the guest reads */
	struct thread *thread;
	struct guest_host_ctx host;
	struct trap_frame boot; /* registers for the next guest entry */
	volatile enum vcpu_power power;
	volatile uint32_t requests;
	bool in_guest;
	unsigned lrs_used;         /* list registers loaded for the guest */
	volatile bool irq_dirty;   /* the model may have something new for it */
	uint32_t vgic_writes_seen; /* vgic_writes() when last applied here */
	struct sem wake;           /* CPU_ON, resume and start */
	struct vcpu_stats stats;
	struct vcpu_time_span time;
};

/* The vCPU whose guest runs on this core, or NULL. */
struct vcpu *vcpu_current(void);
int vcpu_create_thread(struct vcpu *v);
/* Sets where the vCPU starts: PC, x0, EL1h with interrupts masked. */
void vcpu_set_boot(struct vcpu *v, uint64_t pc, uint64_t x0);
/* Asks the vCPU's core to look at its requests (an IPI if it is remote). */
void vcpu_kick(struct vcpu *v);
/* Called from the trap path with the guest's frame; never returns if the
 * vCPU must leave the guest. */
void vcpu_trap(struct trap_frame *frame, unsigned kind);
/* Ends the current vCPU's guest run from its own trap path. */
void vcpu_leave(struct vcpu *v, enum vcpu_exit why) __attribute__((noreturn));

#endif
