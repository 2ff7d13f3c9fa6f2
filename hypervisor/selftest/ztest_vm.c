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
#define CONSOLE_WINDOW 512 /* the most recent output searched for a line */

struct vm *zt_vm_create_tuned(struct ztest_ctx *ctx, enum vm_recovery recovery,
                              uint32_t heartbeat_ms, void (*tune)(struct vm_config *cfg))
{
	static struct vm_config cfg;
	struct vm_blob image;
	struct vm *vm;
	struct zerr_msg msg;
	uint32_t core;

	if (vm_boot_image(ZT_VM_IMAGE, &image.data, &image.size)) {
		ztest_skip(ctx, "needs " ZT_VM_IMAGE " in the system package (make packs it "
		                "into every system as the test guest)");
		return 0;
	}
	if (!ztest_take_cores(ctx, 1, &core))
		return 0;
	memset(&cfg, 0, sizeof(cfg));
	fmt_snprintf(cfg.name, sizeof(cfg.name), "ztest-vm");
	fmt_snprintf(cfg.image, sizeof(cfg.image), ZT_VM_IMAGE);
	cfg.os_type = VM_OS_BAREMETAL;
	cfg.vcpu_count = 1;
	cfg.cpus[0] = core;
	cfg.ram.base = GUEST_RAM_BASE;
	cfg.ram.size = (uint64_t)ZT_VM_MIB << 20;
	cfg.uart = true;
	cfg.recovery = recovery;
	cfg.heartbeat_timeout_ms = heartbeat_ms;
	if (tune)
		tune(&cfg);
	if (vm_create(&cfg, &image, 0, &vm, &msg)) {
		ztest_fail(ctx, __FILE__, __LINE__, "vm_create: %s", msg.text);
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

/* Reads up to CONSOLE_WINDOW bytes of output from *pos on (NUL-terminated). */
static size_t read_console(struct vm *vm, uint64_t *pos, char *buf)
{
	uint64_t flags = spin_lock_irqsave(&vm->lock);
	size_t n = console_ring_read(&vm->console, pos, buf, CONSOLE_WINDOW, NULL);

	spin_unlock_irqrestore(&vm->lock, flags);
	buf[n] = 0;
	return n;
}

/* The line starting with prefix in text, if it is whole: its length, or 0. */
static size_t whole_line(const char *text, const char *prefix, const char **start)
{
	const char *p = strstr(text, prefix);
	const char *end = p ? strchr(p, '\n') : 0;

	if (!end)
		return 0;
	*start = p;
	while (end > p && (end[-1] == '\r'))
		end--;
	return (size_t)(end - p);
}

bool zt_vm_console_line(struct vm *vm, uint64_t from, const char *prefix, char *line, size_t size)
{
	char buf[CONSOLE_WINDOW + 1];
	uint64_t deadline = time_now_plus(ms_to_ticks(ZT_VM_WAIT_MS));

	do {
		uint64_t pos = from;
		const char *start;
		read_console(vm, &pos, buf);
		size_t len = whole_line(buf, prefix, &start);
		if (len && len < size) {
			memcpy(line, start, len);
			line[len] = 0;
			return true;
		}
		thread_sleep(ms_to_ticks(POLL_MS));
	} while (time_now() < deadline);
	return false;
}

bool zt_line_field(const char *line, const char *key, uint64_t *out)
{
	char pattern[32];
	const char *p;
	uint64_t v = 0;

	fmt_snprintf(pattern, sizeof(pattern), " %s=", key);
	p = strstr(line, pattern);
	if (!p)
		return false;
	p += strlen(pattern);
	if (*p < '0' || *p > '9')
		return false;
	while (*p >= '0' && *p <= '9')
		v = v * 10 + (uint64_t)(*p++ - '0');
	*out = v;
	return true;
}
