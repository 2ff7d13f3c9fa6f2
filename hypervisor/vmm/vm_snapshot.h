/*
 * Locked copies of a VM for its readers on ZVM's core: the shell's
 * `zvm list/info/irqs`, the health monitor.  A reader never looks into a
 * struct vm directly, because vm_delete() may clear it and the VM's own
 * cores change its vGIC, UART and state at any moment.  A snapshot is taken
 * under the registry mutex (the VM cannot be created or deleted meanwhile),
 * the VM's ops mutex (no start/stop is half done) and the VM's spinlock
 * (its cores are out of the vGIC and UART models); see docs/locking.md.
 * It then describes one instant, and the reader may take its time.
 */
#ifndef VMM_VM_SNAPSHOT_H
#define VMM_VM_SNAPSHOT_H

#include <stdbool.h>
#include <stdint.h>

#include "vmm/vm.h"

struct vcpu_snapshot {
	unsigned cpu;
	bool on;
	bool core_dead; /* its core stopped on an exception */
	bool in_guest;  /* its thread has not left the guest */
	struct vcpu_stats stats;
	uint64_t fast_timer;           /* timer interrupts the vector fast path took */
	enum vcpu_time_mode time_mode; /* which of its ticks mean something (vcpu_time.h) */
};

/* The emulated UART and its line's vGIC state, for `zvm irqs`. */
struct uart_snapshot {
	uint32_t imsc, ris, rx_count;
	bool irq_level;
	struct vgic_irq line;
};

struct vm_snapshot {
	unsigned id;
	struct vm_config cfg;
	enum vm_state state;
	char reason[VM_REASON_MAX];
	unsigned vcpu_count;
	struct vcpu_snapshot vcpus[GUEST_MAX_VCPUS];
	uint64_t ram_pa;
	uint16_t vmid;
	struct stage2_stats s2;
	uint64_t image_size;
	uint64_t started_at;
	uint64_t cntvoff;        /* its CNTVOFF_EL2 (virtual = physical - cntvoff) */
	uint64_t last_heartbeat; /* 0: the guest has never beaten */
	unsigned restarts;
	uint64_t crashes;
	uint64_t guest_faults;
	uint64_t faults[GUEST_FAULT_KINDS];
	uint64_t aborts_injected;
	uint64_t revocations;
	bool reboot_pending;
	bool threads_live;
	struct vgic_stats vgic;    /* the model's own figures */
	struct uart_snapshot uart; /* valid when cfg.uart */
	unsigned virtio_count;
	struct vm_virtio_snapshot virtio[VM_MAX_VIRTIO];
};

/* Every INTID's counters: large (kilobytes), so not on a thread's stack. */
struct vm_irq_snapshot {
	unsigned vcpu_count;
	struct vgic_irq_counters priv[GUEST_MAX_VCPUS][GIC_PRIVATE_COUNT];
	struct vgic_irq_counters spi[VGIC_MAX_SPIS];
};

/* The VM in registry slot index; false when the slot is free. */
bool vm_snapshot_at(unsigned index, struct vm_snapshot *out);
/* The VM of that name or id ("1"); false when there is none. */
bool vm_snapshot_find(const char *name_or_id, struct vm_snapshot *out);
/* The interrupt counters of the VM of that name or id; false if none. */
bool vm_snapshot_irqs(const char *name_or_id, struct vm_irq_snapshot *out);
/* What a vCPU really is (its core may have died, its thread be gone):
 * "on", "off", "core stopped" or "not leaving its guest". */
const char *vm_snapshot_vcpu_state(const struct vm_snapshot *vm, const struct vcpu_snapshot *v);

#endif
