/*
 * PSCI, the one place for it: function IDs and return codes of the Power
 * State Coordination Interface (ARM DEN 0022D, 5.1 and 5.2), as ZVM calls
 * the firmware, emulates it for guests and describes it in their
 * devicetrees, and as the guests call it.  IDs follow the SMC Calling
 * Convention (ARM DEN 0028): fast calls of the standard secure service
 * range, SMC32 from 0x84000000, SMC64 the same with bit 30 set.
 */
#ifndef LIB_PSCI_DEFS_H
#define LIB_PSCI_DEFS_H

#define PSCI_FN_BASE_32 0x84000000u
#define PSCI_FN_LAST_32 0x8400001fu /* the range PSCI owns */
#define PSCI_FN_SMC64   0x40000000u /* SMCCC: 64-bit convention */
#define PSCI_FN_BASE_64 (PSCI_FN_BASE_32 | PSCI_FN_SMC64)
#define PSCI_FN_LAST_64 (PSCI_FN_LAST_32 | PSCI_FN_SMC64)

#define PSCI_VERSION           0x84000000u /* 5.1.1 */
#define PSCI_CPU_SUSPEND_64    0xc4000001u /* 5.1.2 */
#define PSCI_CPU_OFF           0x84000002u /* 5.1.3 */
#define PSCI_CPU_ON_32         0x84000003u /* 5.1.4 */
#define PSCI_CPU_ON_64         0xc4000003u
#define PSCI_AFFINITY_INFO_32  0x84000004u /* 5.1.5 */
#define PSCI_AFFINITY_INFO_64  0xc4000004u
#define PSCI_MIGRATE_64        0xc4000005u /* 5.1.6 */
#define PSCI_MIGRATE_INFO_TYPE 0x84000006u /* 5.1.7 */
#define PSCI_SYSTEM_OFF        0x84000008u /* 5.1.9 */
#define PSCI_SYSTEM_RESET      0x84000009u /* 5.1.10 */
#define PSCI_FEATURES          0x8400000au /* 5.1.14 */
#define PSCI_SYSTEM_RESET2_32  0x84000012u /* 5.1.19, PSCI 1.1 */
#define PSCI_SYSTEM_RESET2_64  0xc4000012u

/* Return codes (5.2.2). */
#define PSCI_SUCCESS        0
#define PSCI_NOT_SUPPORTED  (-1)
#define PSCI_INVALID_PARAMS (-2)
#define PSCI_DENIED         (-3)
#define PSCI_ALREADY_ON     (-4)

/* AFFINITY_INFO results (5.1.5) and MIGRATE_INFO_TYPE's "no trusted OS" (5.1.7). */
#define PSCI_AFFINITY_ON          0
#define PSCI_AFFINITY_OFF         1
#define PSCI_MIGRATE_NOT_REQUIRED 2

#endif
