#include "kernel/irq.h"
#include "kernel/sched.h"
#include "drivers/gicv3.h"

/* One GIC priority for every interrupt: handlers never nest. */
#define IRQ_PRIORITY 0xa0

struct irq_slot {
	irq_handler_fn handler;
	void *arg;
};

volatile uint64_t irq_entry_stamp;
/* Every INTID below the special ones: SGIs, PPIs and SPIs. */
static struct irq_slot irq_table[GIC_INTID_SPECIAL];
static bool in_handler;

int irq_attach(uint32_t intid, irq_handler_fn handler, void *arg)
{
	if (intid >= GIC_INTID_SPECIAL || !handler)
		return -1;
	irq_table[intid].handler = handler;
	irq_table[intid].arg = arg;
	if (intid < GIC_PRIVATE_COUNT)
		gicv3_enable_private(intid, IRQ_PRIORITY);
	else
		gicv3_enable_spi(intid, IRQ_PRIORITY);
	return 0;
}

void irq_detach(uint32_t intid)
{
	if (intid >= GIC_INTID_SPECIAL)
		return;
	if (intid < GIC_PRIVATE_COUNT)
		gicv3_disable_private(intid);
	else
		gicv3_disable_spi(intid);
	irq_table[intid].handler = NULL;
}

bool irq_in_handler(void)
{
	return in_handler;
}

/* One interrupt per exception: a second pending one re-enters the vector,
 * so every handler sees the entry stamp of its own exception. */
void irq_dispatch(void)
{
	uint32_t intid = gicv3_ack();

	if (intid >= GIC_INTID_SPECIAL)
		return;
	in_handler = true;
	if (irq_table[intid].handler)
		irq_table[intid].handler(intid, irq_table[intid].arg);
	gicv3_eoi(intid);
	in_handler = false;
	sched_irq_exit();
}
