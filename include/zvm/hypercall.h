/*
 * ZVM's hypercall ABI.  A guest issues `hvc #0` with the function ID in
 * x0 and arguments in x1..x3; the result comes back in x0 (negative:
 * error).  IDs follow the SMC Calling Convention (ARM DEN 0028): PSCI uses
 * the standard secure service range, ZVM's own calls the vendor-specific
 * hypervisor range (owner 6, fast calls, SMC64: 0xC6000000..0xC600FFFF).
 */
#ifndef VMM_HYPERCALL_H
#define VMM_HYPERCALL_H

#define ZVM_HC_BASE         0xc6000000u
#define ZVM_HC_VERSION      (ZVM_HC_BASE + 0) /* -> ZVM_HC_ABI_VERSION */
#define ZVM_HC_NULL         (ZVM_HC_BASE + 1) /* does nothing: a benchmark */
#define ZVM_HC_HEARTBEAT    (ZVM_HC_BASE + 2) /* "I am alive" for the health monitor */
#define ZVM_HC_CONSOLE_PUTC (ZVM_HC_BASE + 3) /* x1: a byte for the VM's console */
#define ZVM_HC_VM_ID        (ZVM_HC_BASE + 4) /* -> this VM's id */
/* Zshm (docs/zshm.md): x1 channel (its node's zvm,channel), x2 a mask of
 * member indices to ring (0: every other member) -> peers rung. */
#define ZVM_HC_ZSHM_NOTIFY  (ZVM_HC_BASE + 0x10)
/* x1: a virtual counter (CNTVCT_EL0) value, x2: the guest clock's UTC ns
 * at it -> the guest clock's offset from ZVM's time base, ns: ZVM adds the
 * VM's CNTVOFF itself (docs/timebase.md) */
#define ZVM_HC_TIME_REPORT  (ZVM_HC_BASE + 5)

#define ZVM_HC_ABI_VERSION 0x00010000 /* 1.0 */

#define SMCCC_NOT_SUPPORTED (-1)
#define ZVM_HC_INVALID      (-3) /* SMCCC INVALID_PARAMETER: no such channel or member */
#define ZVM_HC_DENIED       (-4) /* the caller is not a member (counted) */

#endif
