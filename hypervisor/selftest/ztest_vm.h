/*
 * A VM of the test's own for the built-in VM tests: the bare-metal test
 * guest (guests/baremetal, packed into every system as the test guest) on
 * cores from ztest_take_cores().  Its heartbeat hypercall (one per ten
 * virtual-timer ticks, 10 Hz) is the witness that it runs and that its
 * timer interrupts arrive; console keys make it crash in chosen ways.
 */
#ifndef SELFTEST_ZTEST_VM_H
#define SELFTEST_ZTEST_VM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "selftest/ztest.h"
#include "vmm/vm.h"

#define ZT_VM_IMAGE                "baremetal.bin"
#define ZT_VM_MIB                  32
#define ZT_VM_WAIT_MS              30000 /* a generous bound for anything the guest does */
#define ZT_VMS_MAX                 4     /* test VMs at once */
#define ZT_VM_QUIET_MS             300   /* three heartbeat periods of the guest */
/*
 * Heartbeat timeouts: tests of crash detection use ZVM's default; the
 * others a patient one, so that a loaded host slowing the guest down is
 * never taken for a hang of it.
 */
#define ZT_VM_HEARTBEAT_DETECT_MS  VM_HEARTBEAT_DEFAULT_MS
#define ZT_VM_HEARTBEAT_PATIENT_MS 20000

/* A 1-vCPU test VM, created (not started), or NULL after a skip or failure. */
struct vm *zt_vm_create(struct ztest_ctx *ctx, enum vm_recovery recovery, uint32_t heartbeat_ms);
/* The same, its configuration changed by tune (devices, a name, the
 * number of vCPUs: each gets a core) before it is created. */
struct vm *zt_vm_create_tuned(struct ztest_ctx *ctx, enum vm_recovery recovery,
                              uint32_t heartbeat_ms, void (*tune)(struct vm_config *cfg));
/* Whether vm is one of the test VMs that exist now. */
bool zt_vm_is_test_vm(const struct vm *vm);
/* Stops it if it runs and deletes it. */
void zt_vm_destroy(struct vm *vm);

/* Polls cond(vm, arg) every millisecond for up to ZT_VM_WAIT_MS. */
bool zt_vm_wait(bool (*cond)(struct vm *vm, uint64_t arg), struct vm *vm, uint64_t arg);
/* Conditions for zt_vm_wait. */
bool zt_vm_beat_after(struct vm *vm, uint64_t since);
bool zt_vm_restarted(struct vm *vm, uint64_t count);
bool zt_vm_reaped_in_state(struct vm *vm, uint64_t state);

/* Starts it and waits for its first heartbeat; false after failing ctx. */
bool zt_vm_start_beating(struct ztest_ctx *ctx, struct vm *vm);
/* Types key on its console; false after failing ctx. */
bool zt_vm_key(struct ztest_ctx *ctx, struct vm *vm, char key);
/* Where the guest's console output ends now: later output comes after. */
uint64_t zt_vm_console_end(struct vm *vm);
/*
 * Waits (ZT_VM_WAIT_MS) for a whole line holding prefix printed from ring
 * offset from on; copies that line (without its line end) into line.
 */
bool zt_vm_console_line(struct vm *vm, uint64_t from, const char *prefix, char *line, size_t size);
/* The same with a wait of its own, for long work. */
bool zt_vm_console_line_within(struct vm *vm, uint64_t from, const char *prefix, char *line,
                               size_t size, uint32_t wait_ms);

/* The number after " key=" in a guest's line (figures as the test guest
 * prints them), or false. */
bool zt_line_field(const char *line, const char *key, uint64_t *out);
/* The decimal number right after the first `before` in line, or false. */
bool zt_line_number(const char *line, const char *before, uint64_t *out);

/* Runs the statements with `vm` bound to a new test VM, deleted after; they
 * must not break or return (put them in a function). */
#define ZT_WITH_VM(recovery, heartbeat_ms, ...) \
	ZT_WITH_VM_TUNED(recovery, heartbeat_ms, NULL, __VA_ARGS__)
#define ZT_WITH_VM_TUNED(recovery, heartbeat_ms, tune, ...)                            \
	do {                                                                           \
		struct vm *vm = zt_vm_create_tuned(ctx, recovery, heartbeat_ms, tune); \
		if (!vm)                                                               \
			return;                                                        \
		__VA_ARGS__;                                                           \
		zt_vm_destroy(vm);                                                     \
	} while (0)

#endif
