/* A VM's measured clock offset (zshm/vm_time_offset.h). */
#include "zshm/vm_time_offset.h"
#include "zshm/zshm.h"
#include "zshm/zvm_time.h"

bool vm_time_offset(const struct vm_snapshot *vm, const struct timebase_snapshot *s,
                    int64_t *offset_ns, const char **by)
{
	struct zvm_time_vm_stats st;
	uint64_t vcount, ns;

	zvm_time_vm_stats(vm->id, &st);
	if (st.reports) {
		*offset_ns = st.last_offset_ns;
		*by = "hvc";
		return true;
	}
	if (!zshm_vm_clock(vm->cfg.name, &vcount, &ns))
		return false;
	*offset_ns = timebase_diff_ns(ns, timebase_to_ns(s, vcount + vm->cntvoff));
	*by = "zshm";
	return true;
}
