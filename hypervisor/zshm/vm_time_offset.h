/*
 * A VM's clock against the time base, as ZVM measures it: what `zvm time`
 * prints and the agent's metrics carry.
 */
#ifndef ZSHM_VM_TIME_OFFSET_H
#define ZSHM_VM_TIME_OFFSET_H

#include <stdbool.h>
#include <stdint.h>

#include "lib/timebase.h"
#include "vmm/vm_snapshot.h"

/*
 * From the VM's ZVM_HC_TIME_REPORT (by "hvc"), else from the clock record
 * it keeps in its Zshm section (by "zshm": Linux user space, which has no
 * HVC); false when it gave neither.  s: the current relation.
 */
bool vm_time_offset(const struct vm_snapshot *vm, const struct timebase_snapshot *s,
                    int64_t *offset_ns, const char **by);

#endif
