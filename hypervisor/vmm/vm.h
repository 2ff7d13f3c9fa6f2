/*
 * Virtual machines.  A VM owns its cores (one vCPU each), a block of host
 * RAM behind its stage-2 map, a vGIC, an emulated UART and a console ring.
 * Lifecycle operations run on ZVM's core under the VM's operation mutex;
 * the trap-path services below run on the VM's own cores under its lock.
 */
#ifndef VMM_VM_H
#define VMM_VM_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "arch/arm64/el2.h"
#include "arch/arm64/stage2.h"
#include "kernel/mutex.h"
#include "kernel/spinlock.h"
#include "lib/zerror.h"
#include "vdev/console_ring.h"
#include "vdev/vuart.h"
#include "vgic/vgic.h"
#include "vmm/guest_fault.h"
#include "vmm/mmio.h"
#include "vmm/vcpu.h"
#include "vmm/vm_config.h"
#include "vmm/vm_virtio.h"

#define VM_MAX           VM_CONFIG_MAX_VMS
#define VM_REASON_MAX    120
#define VM_CONSOLE_BYTES (16 * 1024)

enum vm_state {
	VM_STOPPED, /* created or stopped: not running */
	VM_RUNNING,
	VM_PAUSED,
	VM_CRASHED, /* with a reason; the recovery policy applies */
	/* A stop could not prove every vCPU out of its guest: its memory,
	 * stage-2 tables, VMID and cores stay held until a stop succeeds. */
	VM_STUCK,
};

/* What a guest asked for through PSCI. */
enum vm_event {
	VM_EVENT_SYSTEM_OFF,   /* it powered itself off: an event, not a crash */
	VM_EVENT_SYSTEM_RESET, /* it rebooted itself: boot it again */
	VM_EVENT_PANIC_RESET,  /* Linux's reset after a panic: a crash */
};

struct vm_blob {
	const void *data; /* pristine copy: never written */
	size_t size;
};

struct vm {
	bool used;
	unsigned id;
	struct vm_config cfg;
	volatile enum vm_state state;
	char reason[VM_REASON_MAX];     /* why it stopped or crashed */
	char last_crash[VM_REASON_MAX]; /* kept through the restart that follows */
	unsigned vcpu_count;
	struct vcpu vcpus[GUEST_MAX_VCPUS];
	bool threads_live;
	bool cores_lent; /* stopped, its cores lent to the built-in tests */

	uint64_t ram_pa;       /* host RAM behind guest RAM */
	bool ram_fixed;        /* placed by the configuration, reserved at boot */
	uint64_t ram_scrubbed; /* bytes of RAM its last start had to zero */
	struct stage2 s2;
	uint16_t vmid;
	uint64_t cntvoff;
	struct vm_blob image, initrd;

	struct spinlock lock; /* vgic, uart, console, state */
	struct mutex ops;     /* one lifecycle operation at a time */
	struct vgic vgic;
	void *vgic_storage; /* the vGIC's interrupt state, sized by the board's SPIs */
	struct vuart uart;
	struct mmio_table mmio; /* the emulated devices' windows */
	/* mmio's distributor region, found once the table is complete: the
	 * trap fast path's lookup (vmm/mmio_fast.c). */
	const struct mmio_region *gicd_region;
	struct vm_virtio_devs virtio; /* its VirtIO devices (vm_virtio.c) */
	struct console_ring console;
	uint8_t console_mem[VM_CONSOLE_BYTES];
	void (*console_notify)(void); /* an attached console wants output */

	uint64_t started_at;
	uint64_t last_heartbeat; /* 0: the guest has never beaten */
	unsigned restarts;
	unsigned boots; /* starts since it was created */
	uint64_t crashes;
	uint64_t guest_faults;              /* accesses nothing of it takes (all kinds) */
	uint64_t faults[GUEST_FAULT_KINDS]; /* the same by kind (guest_fault.h) */
	uint64_t aborts_injected;           /* accesses refused, given back as aborts */
	uint64_t revocations;               /* stops that took its stage-2 map away (vm_run.c) */
	volatile bool reboot_pending;       /* the guest asked for SYSTEM_RESET */
	uint64_t restart_window_start;      /* restart rate limiting */
	unsigned restarts_in_window;
};

/* --- registry and lifecycle (ZVM's core, may block): 0, or a negated
 * enum zerror with the operator's message in msg (lib/zerror.h) --- */
int vm_create(const struct vm_config *cfg, const struct vm_blob *image,
              const struct vm_blob *initrd, struct vm **out, struct zerr_msg *msg);
int vm_delete(struct vm *vm, struct zerr_msg *msg);
int vm_start(struct vm *vm, struct zerr_msg *msg);
int vm_stop(struct vm *vm, struct zerr_msg *msg);
int vm_pause(struct vm *vm, struct zerr_msg *msg);
int vm_resume(struct vm *vm, struct zerr_msg *msg);
int vm_restart(struct vm *vm, struct zerr_msg *msg);
/* A stopped VM lends its cores to a built-in test, then takes them back (vm_lend.c). */
int vm_lend_cores(struct vm *vm, struct zerr_msg *msg);
int vm_reclaim_cores(struct vm *vm, struct zerr_msg *msg);
/* Asks the guest to power off and waits for it (vm_shutdown.c). */
int vm_shutdown(struct vm *vm, struct zerr_msg *msg);
/* Boots again a VM whose guest reset itself (not a crash, no policy). */
int vm_reboot(struct vm *vm, struct zerr_msg *msg);
/* While held, no VM is created or deleted (docs/locking.md: taken first). */
void vm_registry_lock(void);
void vm_registry_unlock(void);
/* By name or by id ("1"); NULL if none. */
struct vm *vm_find(const char *name_or_id);
struct vm *vm_at(unsigned index);
const char *vm_state_name(enum vm_state s);
/* Is core cpu given to a VM (running or not)? */
bool vm_core_taken(unsigned cpu);
/*
 * ops held.  Brings every vCPU out of its guest and joins its thread.  0
 * when each is provably out (joined, or its core stopped for good at EL2);
 * -ZE_TIMEOUT when one did not leave in time: the VM is then VM_STUCK and
 * nothing of it may be released or reused.
 */
int vm_reap(struct vm *vm);
/* The core of a vCPU stopped on an exception ZVM could not handle. */
bool vm_vcpu_core_dead(const struct vcpu *v);

/* --- services for the trap path (the VM's own cores) --- */
void vm_crash(struct vcpu *v, const char *fmt, ...) __attribute__((noreturn, format(printf, 2, 3)));
void vm_guest_power_event(struct vcpu *v, enum vm_event ev) __attribute__((noreturn));
/* The health monitor's verdict on a VM it sees from ZVM's core. */
void vm_crash_from_outside(struct vm *vm, const char *reason);
/* Registers the VM's emulated devices in its MMIO table (VM not running). */
int vm_register_mmio(struct vm *vm);
void vm_heartbeat(struct vm *vm);
void vm_console_putc(struct vm *vm, char c);
void vm_send_sgi(struct vcpu *v, uint64_t sgi1r);
/* Sends the cores of the vCPUs in mask back through EL2 (new interrupts). */
void vm_kick_vcpus(struct vm *vm, uint32_t mask);
/* Pass-through SPIs: routed to the VM's first core while it runs. */
void vm_passthrough_start(struct vm *vm);
void vm_passthrough_stop(struct vm *vm);
int vm_vcpu_power_on(struct vcpu *target, uint64_t entry, uint64_t ctx);
void vm_guest_setup(struct vcpu *v, struct el2_guest_setup *setup);
void vm_vcpu_exited(struct vcpu *v, enum vcpu_exit why);
/* Sends console input to the VM's UART; returns bytes accepted. */
size_t vm_console_input(struct vm *vm, const char *s, size_t n);
/* A break on the VM's console line; false without a UART or room. */
bool vm_console_break(struct vm *vm);

/*
 * The health monitor: applies recovery policies on ZVM's core.  The boot
 * sequence (kernel/boot.c) initialises it before any VM exists, and its
 * thread becomes the monitor once the configured VMs are created.
 */
#define HEALTH_PRIORITY 10 /* above the shell */
void health_init(void);
void health_monitor(void) __attribute__((noreturn));
void health_notify(void);

#endif
