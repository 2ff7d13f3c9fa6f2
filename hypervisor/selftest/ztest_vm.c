/* The built-in tests' own VM (see ztest_vm.h). */
#include "selftest/ztest_vm.h"
#include "kernel/spinlock.h"
#include "kernel/thread.h"
#include "kernel/time.h"
#include "lib/format.h"
#include "lib/string.h"
#include "selftest/ztest_cores.h"
#include "vmm/vm_boot.h"
#include "zvm/guest_layout.h"

#define POLL_MS        1
#define CONSOLE_WINDOW 512 /* output looked through at once; the longest line */

/* The test VMs that exist now: never lenders of cores to another. */
static struct vm *test_vms[ZT_VMS_MAX];

bool zt_vm_is_test_vm(const struct vm *vm)
{
	for (unsigned i = 0; i < ZT_VMS_MAX; i++)
		if (test_vms[i] == vm)
			return true;
	return false;
}

static bool remember(struct vm *vm)
{
	for (unsigned i = 0; i < ZT_VMS_MAX; i++)
		if (!test_vms[i]) {
			test_vms[i] = vm;
			return true;
		}
	return false;
}

static void forget(const struct vm *vm)
{
	for (unsigned i = 0; i < ZT_VMS_MAX; i++)
		if (test_vms[i] == vm)
			test_vms[i] = 0;
}

struct vm *zt_vm_create_tuned(struct ztest_ctx *ctx, enum vm_recovery recovery,
                              uint32_t heartbeat_ms, void (*tune)(struct vm_config *cfg))
{
	static struct vm_config cfg;
	struct vm_blob image;
	struct vm *vm;
	struct zerr_msg msg;
	if (vm_boot_image(ZT_VM_IMAGE, &image.data, &image.size)) {
		ztest_skip(ctx, "needs " ZT_VM_IMAGE " in the system package (make packs it "
		                "into every system as the test guest)");
		return 0;
	}
	memset(&cfg, 0, sizeof(cfg));
	fmt_snprintf(cfg.name, sizeof(cfg.name), "ztest-vm");
	fmt_snprintf(cfg.image, sizeof(cfg.image), ZT_VM_IMAGE);
	cfg.os_type = VM_OS_BAREMETAL;
	cfg.vcpu_count = 1;
	cfg.ram.base = GUEST_RAM_BASE;
	cfg.ram.size = (uint64_t)ZT_VM_MIB << 20;
	cfg.uart = true;
	cfg.recovery = recovery;
	cfg.heartbeat_timeout_ms = heartbeat_ms;
	if (tune)
		tune(&cfg);
	if (cfg.vcpu_count > GUEST_MAX_VCPUS || !ztest_take_cores(ctx, cfg.vcpu_count, cfg.cpus))
		return 0;
	if (vm_create(&cfg, &image, 0, &vm, &msg)) {
		ztest_fail(ctx, __FILE__, __LINE__, "vm_create: %s", msg.text);
		return 0;
	}
	if (!remember(vm)) {
		ztest_fail(ctx, __FILE__, __LINE__, "more than %u test VMs at once", ZT_VMS_MAX);
		vm_delete(vm, NULL);
		return 0;
	}
	return vm;
}

struct vm *zt_vm_create(struct ztest_ctx *ctx, enum vm_recovery recovery, uint32_t heartbeat_ms)
{
	return zt_vm_create_tuned(ctx, recovery, heartbeat_ms, NULL);
}

void zt_vm_destroy(struct vm *vm)
{
	if (vm->state == VM_RUNNING || vm->state == VM_PAUSED || vm->threads_live)
		vm_stop(vm, NULL);
	vm_delete(vm, NULL);
	forget(vm);
}

bool zt_vm_wait(bool (*cond)(struct vm *vm, uint64_t arg), struct vm *vm, uint64_t arg)
{
	uint64_t deadline = time_now_plus(ms_to_ticks(ZT_VM_WAIT_MS));

	while (!cond(vm, arg)) {
		if (time_now() > deadline)
			return false;
		thread_sleep(ms_to_ticks(POLL_MS));
	}
	return true;
}

bool zt_vm_beat_after(struct vm *vm, uint64_t since)
{
	return __atomic_load_n(&vm->last_heartbeat, __ATOMIC_RELAXED) > since;
}

bool zt_vm_restarted(struct vm *vm, uint64_t count)
{
	return vm->restarts >= count && vm->state == VM_RUNNING;
}

bool zt_vm_reaped_in_state(struct vm *vm, uint64_t state)
{
	return vm->state == (enum vm_state)state && !vm->threads_live;
}

bool zt_vm_start_beating(struct ztest_ctx *ctx, struct vm *vm)
{
	struct zerr_msg msg;
	uint64_t t0 = time_now();

	if (vm_start(vm, &msg))
		return ztest_fail(ctx, __FILE__, __LINE__, "start: %s", msg.text), false;
	if (!zt_vm_wait(zt_vm_beat_after, vm, t0))
		return ztest_fail(ctx, __FILE__, __LINE__, "no heartbeat after start"), false;
	return true;
}

bool zt_vm_key(struct ztest_ctx *ctx, struct vm *vm, char key)
{
	if (vm_console_input(vm, &key, 1) == 1)
		return true;
	ztest_fail(ctx, __FILE__, __LINE__, "console input '%c' refused", key);
	return false;
}

uint64_t zt_vm_console_end(struct vm *vm)
{
	uint64_t flags = spin_lock_irqsave(&vm->lock);
	uint64_t end = console_ring_end(&vm->console);

	spin_unlock_irqrestore(&vm->lock, flags);
	return end;
}

/* Appends output from *pos on to buf[0..*kept), as much as fits (NUL-terminated). */
static size_t read_console(struct vm *vm, uint64_t *pos, char *buf, size_t *kept)
{
	uint64_t flags = spin_lock_irqsave(&vm->lock);
	size_t n = console_ring_read(&vm->console, pos, buf + *kept, CONSOLE_WINDOW - *kept, NULL);

	spin_unlock_irqrestore(&vm->lock, flags);
	*kept += n;
	buf[*kept] = 0;
	return n;
}

/*
 * Looks through the whole lines in buf for one holding text: copies that
 * line into line.  Drops the whole lines looked at, keeping an unfinished
 * one (or nothing, if it fills the window).
 */
static bool take_line(char *buf, size_t *kept, const char *text, char *line, size_t size)
{
	char *last_end = 0;
	char *p = strstr(buf, text);
	char *end = p ? strchr(p, '\n') : 0;

	if (end) {
		while (p > buf && p[-1] != '\n')
			p--;
		while (end > p && end[-1] == '\r')
			end--;
		size_t len = (size_t)(end - p) < size ? (size_t)(end - p) : size - 1;
		memcpy(line, p, len);
		line[len] = 0;
		return true;
	}
	for (char *c = buf; *c; c++)
		if (*c == '\n')
			last_end = c;
	if (last_end) {
		size_t rest = *kept - (size_t)(last_end + 1 - buf);
		memmove(buf, last_end + 1, rest);
		*kept = rest;
	} else if (*kept == CONSOLE_WINDOW) {
		*kept = 0;
	}
	buf[*kept] = 0;
	return false;
}

bool zt_vm_console_line(struct vm *vm, uint64_t from, const char *prefix, char *line, size_t size)
{
	return zt_vm_console_line_within(vm, from, prefix, line, size, ZT_VM_WAIT_MS);
}

bool zt_vm_console_line_within(struct vm *vm, uint64_t from, const char *prefix, char *line,
                               size_t size, uint32_t wait_ms)
{
	char buf[CONSOLE_WINDOW + 1];
	size_t kept = 0;
	uint64_t pos = from, deadline = time_now_plus(ms_to_ticks(wait_ms));

	do {
		size_t n = read_console(vm, &pos, buf, &kept);
		if (take_line(buf, &kept, prefix, line, size))
			return true;
		if (!n)
			thread_sleep(ms_to_ticks(POLL_MS));
	} while (time_now() < deadline);
	return false;
}

bool zt_line_number(const char *line, const char *before, uint64_t *out)
{
	const char *p = strstr(line, before);
	uint64_t v = 0;

	if (!p)
		return false;
	p += strlen(before);
	if (*p < '0' || *p > '9')
		return false;
	while (*p >= '0' && *p <= '9')
		v = v * 10 + (uint64_t)(*p++ - '0');
	*out = v;
	return true;
}

bool zt_line_field(const char *line, const char *key, uint64_t *out)
{
	char pattern[32];

	fmt_snprintf(pattern, sizeof(pattern), " %s=", key);
	return zt_line_number(line, pattern, out);
}
