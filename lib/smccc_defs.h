/*
 * SMC Calling Convention (ARM DEN 0028) function IDs ZVM answers besides
 * PSCI (lib/psci_defs.h) and its own calls (include/zvm/hypercall.h):
 * the Arm architecture calls, and the vendor-specific hypervisor services
 * KVM defines, which Linux's ptp_kvm driver uses (Linux:
 * Documentation/virt/kvm/arm/hypercalls.rst and ptp_kvm.rst,
 * include/linux/arm-smccc.h).  ID layout: bit 31 fast call, bit 30 SMC64,
 * bits 29:24 the owning entity, bits 15:0 the function.
 */
#ifndef LIB_SMCCC_DEFS_H
#define LIB_SMCCC_DEFS_H

/* Arm architecture calls (owner 0, SMC32), DEN 0028 section 7. */
#define SMCCC_VERSION       0x80000000u
#define SMCCC_ARCH_FEATURES 0x80000001u
#define SMCCC_VERSION_1_1   0x00010001 /* major << 16 | minor */

/* The vendor-specific hypervisor service range, SMC32 (owner 6). */
#define SMCCC_VENDOR_HYP_FIRST    0x86000000u
#define SMCCC_VENDOR_HYP_LAST     0x8600ffffu
/* "Call UID": the 128-bit UUID of the service in w0..w3 (DEN 0028 6.2). */
#define SMCCC_VENDOR_HYP_CALL_UID 0x8600ff01u

/*
 * KVM's UID, 28b46fb6-2ec5-11e9-a9ca-4b564d003a74, as SMCCC returns a
 * UUID: bytes 0..3 in w0 with byte 0 in bits 7:0, and so on.  Linux's
 * guest side probes its services only behind exactly this UID.
 */
#define KVM_UID_W0 0xb66fb428u
#define KVM_UID_W1 0xe911c52eu
#define KVM_UID_W2 0x564bcaa9u
#define KVM_UID_W3 0x743a004du

/* KVM's vendor hypervisor functions and their bits in the features bitmap. */
#define KVM_HYP_FEATURES     0x86000000u /* -> bitmap of functions, w0 = bits 0..31 */
#define KVM_HYP_PTP          0x86000001u /* x1: which counter -> time and counter */
#define KVM_FUNC_FEATURES    0
#define KVM_FUNC_PTP         1
#define KVM_PTP_VIRT_COUNTER 0 /* x1 of KVM_HYP_PTP: CNTVCT */
#define KVM_PTP_PHYS_COUNTER 1 /* CNTPCT */

/* Return code (DEN 0028 table "Return codes"). */
#define SMCCC_RET_NOT_SUPPORTED (-1)

#endif
