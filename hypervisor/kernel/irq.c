/* IRQ dispatch: acknowledge, run the registered handler, end the interrupt. */
#include "kernel/irq.h"
#include "kernel/console.h"
#include "kernel/percpu.h"
#include "drivers/gicv3.h"
#include "lib/zerror.h"

struct irq_slot {
	irq_handler_fn fn;
	void *arg;
	const char *name;
	uint64_t count; /* summed over cores; approximate */
};

static struct irq_slot slots[GIC_INTID_SPECIAL];

int irq_register(unsigned intid, irq_handler_fn fn, void *arg, const char *name)
{
	if (intid >= GIC_INTID_SPECIAL)
		return -ZE_INVAL;
	slots[intid].arg = arg;
	slots[intid].name = name;
	__atomic_store_n(&slots[intid].fn, fn, __ATOMIC_RELEASE);
	return 0;
}

/* Runs the handler of an acknowledged interrupt and ends it. */
static void handle_acked(struct percpu *cpu, uint32_t intid, bool group0)
{
	struct irq_slot *s = &slots[intid];
	irq_handler_fn fn = __atomic_load_n(&s->fn, __ATOMIC_ACQUIRE);
	enum irq_result result = IRQ_HANDLED;

	__atomic_fetch_add(&s->count, 1, __ATOMIC_RELAXED);
	cpu->irq_count++;
	if (fn) {
		result = fn(intid, s->arg);
	} else {
		/* Nobody owns it: keep it from storming this core. */
		gic_disable_irq(intid);
		kprintf("irq: no handler for INTID %u on CPU %u; disabled\n", intid, cpu->id);
	}
	if (group0)
		gic_eoi_group0(intid);
	else
		gic_eoi(intid);
	if (result == IRQ_HANDLED && cpu->eoi_split)
		gic_deactivate(intid);
}

void irq_dispatch(void)
{
	struct percpu *cpu = this_cpu();
	uint32_t acked = (uint32_t)cpu->fast_acked;

	cpu->irq_depth++;
	if (acked != GIC_INTID_SPURIOUS) {
		/* The vectors' fast path acknowledged it, then saw it is not its own. */
		cpu->fast_acked = GIC_INTID_SPURIOUS;
		handle_acked(cpu, acked, false);
	}
	for (;;) {
		bool group0 = false;
		/* Under a direct guest, a Group 1 interrupt is the guest's own:
		 * acknowledging it here would steal it. */
		uint32_t intid = cpu->group1_is_guests ? GIC_INTID_SPURIOUS : gic_ack();
		if (intid >= GIC_INTID_SPECIAL) {
			intid = gic_ack_group0();
			group0 = true;
		}
		if (intid >= GIC_INTID_SPECIAL)
			break; /* spurious: nothing (more) pending */
		handle_acked(cpu, intid, group0);
	}
	cpu->irq_depth--;
}

uint64_t irq_count(unsigned intid)
{
	return intid < GIC_INTID_SPECIAL ? slots[intid].count : 0;
}

const char *irq_name(unsigned intid)
{
	return intid < GIC_INTID_SPECIAL ? slots[intid].name : 0;
}
