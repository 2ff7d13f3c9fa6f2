/*
 * vCPU threads.  Each runs on its own core at the highest priority there,
 * enters the guest and stays in it: traps are handled on top of its stack
 * (vcpu_trap.c) and only stop, CPU_OFF and crashes bring it back here.
 */
#include "vmm/vcpu.h"
#include "vmm/vcpu_time.h"
#include "lib/zerror.h"
#include "arch/arm64/el2.h"
#include "arch/arm64/guest_exception.h"
#include "arch/arm64/sysreg.h"
#include "kernel/ipi.h"
#include "kernel/percpu.h"
#include "kernel/thread.h"
#include "lib/format.h"
#include "lib/string.h"
#include "vgic/vgic_direct.h"
#include "vgic/vgic_lr.h"
#include "vmm/vm.h"

#define VCPU_PRIORITY   1
#define VCPU_STACK_SIZE (16 * 1024)

struct vcpu *vcpu_current(void)
{
	return this_cpu()->vcpu;
}

void vcpu_set_boot(struct vcpu *v, uint64_t pc, uint64_t x0)
{
	memset(&v->boot, 0, sizeof(v->boot));
	v->boot.x[0] = x0;
	v->boot.elr = pc;
	v->boot.spsr = PSTATE_EL1H_MASKED;
}

void vcpu_kick(struct vcpu *v)
{
	if (v->cpu == this_cpu_id())
		return; /* checked on our own way back to the guest */
	ipi_send(v->cpu, IPI_RESCHED);
}

void vcpu_leave(struct vcpu *v, enum vcpu_exit why)
{
	guest_exit(&v->host, why);
}

static enum vcpu_exit run_guest(struct vcpu *v)
{
	struct percpu *cpu = this_cpu();
	struct el2_guest_setup setup;
	uint64_t why;

	vm_guest_setup(v, &setup);
	irq_disable();
	el2_enter_guest_mode(&setup);
	if (setup.direct_irq)
		vgic_direct_enter(v);
	else
		vgic_lr_enter(v);
	cpu->vcpu = v;
	v->in_guest = true;
	v->time.mode = vcpu_time_mode_for(setup.direct_irq);
	vcpu_time_switch(v, &v->stats.guest_ticks);
	why = guest_enter(&v->host, &v->boot);
	vcpu_time_close(v); /* the trap that left for good ends here */
	v->in_guest = false;
	cpu->vcpu = 0;
	if (setup.direct_irq)
		vgic_direct_leave(v);
	else
		vgic_lr_leave(v);
	el2_enter_host_mode();
	irq_enable();
	vm_vcpu_exited(v, (enum vcpu_exit)why);
	return (enum vcpu_exit)why;
}

/* Waits for power-on (or stop), runs the guest, and again after CPU_OFF. */
static void vcpu_thread(void *arg)
{
	struct vcpu *v = arg;

	for (;;) {
		while (v->power != VCPU_ON &&
		       !(__atomic_load_n(&v->requests, __ATOMIC_ACQUIRE) & VCPU_REQ_STOP))
			sem_take(&v->wake, WAIT_FOREVER);
		if (__atomic_load_n(&v->requests, __ATOMIC_ACQUIRE) & VCPU_REQ_STOP)
			return;
		if (run_guest(v) != VCPU_EXIT_OFF)
			return; /* left for good: stop or crash */
	}
}

int vcpu_create_thread(struct vcpu *v)
{
	char name[THREAD_NAME_MAX];

	fmt_snprintf(name, sizeof(name), "vm%u.vcpu%u", v->vm->id, v->index);
	v->thread = thread_create(name, vcpu_thread, v, VCPU_PRIORITY, v->cpu, VCPU_STACK_SIZE);
	return v->thread ? 0 : -ZE_NOMEM; /* its struct or stack */
}
