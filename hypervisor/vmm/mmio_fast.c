/*
 * The emulated-register fast path: a guest's read of a distributor register
 * that holds no interrupt state (vgic_dist_read_lockless()) is answered
 * from the vectors with only the general registers on the stack, no VM
 * lock and no vGIC sync (vectors.S, sync_lower).  The full path would
 * spend about 500 instructions on the same read: the whole frame, the
 * dispatch, the lock, the distributor's register banks and the return
 * checks.  What the guest sees, and what ZVM counts, is the same.
 *
 * Every check of the full path still applies, because the fast path takes
 * only what it can prove the full path would accept as it is: a plain load
 * with a valid syndrome (abort_is_plain_load()), inside the VM's own
 * distributor window as its region table has it (regions never overlap,
 * so an address inside that region is that region's), of a width and alignment
 * the register takes.  Everything else, a bad width included, returns
 * false and the full path decodes it again and applies the abort policy.
 *
 * Skipping before_guest_return() is safe for the same reason as for the
 * null hypercall: whatever asks this vCPU to stop, pause or take an
 * interrupt also sends its core an IPI, which traps right after the eret
 * and takes the full path; and this read changes nothing in the model.
 */
#include "vmm/mmio_fast.h"
#include "arch/arm64/sysreg.h"
#include "kernel/percpu.h"
#include "vgic/vgic.h"
#include "vmm/mmio.h"
#include "vmm/vcpu.h"
#include "vmm/vm.h"

#define INSN_SIZE 4 /* every A64 instruction; ESR.IL is 1 when ISV is */
#define XZR       31
bool vcpu_mmio_fast(struct trap_frame *f)
{
	struct vcpu *v = this_cpu()->vcpu;
	struct guest_abort a;
	const struct mmio_region *r;
	uint64_t value;

	if (!v)
		return false; /* no guest: vcpu_trap() reports it */
	a = arch_decode_abort(read_sysreg(esr_el2), read_sysreg(far_el2), read_sysreg(hpfar_el2));
	if (!abort_is_plain_load(&a))
		return false;
	r = v->vm->gicd_region; /* what mmio_find() gives for its window */
	if (!r || a.ipa - r->base >= r->size ||
	    !vgic_dist_read_lockless(r->dev, a.ipa - r->base, a.size, &value))
		return false;
	v->stats.traps++;
	v->stats.mmio++;
	if (a.reg != XZR)
		f->x[a.reg] = abort_load_value(&a, value);
	write_sysreg(elr_el2, read_sysreg(elr_el2) + INSN_SIZE);
	return true;
}
