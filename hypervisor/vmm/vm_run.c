/*
 * Starting and stopping VMs.  A start loads the pristine image into guest
 * RAM, writes the VM's devicetree, resets the virtual devices and creates
 * one vCPU thread per vCPU on its own core; a stop asks every vCPU to leave
 * its guest (an SGI reaches it whatever the guest masks) and joins them.
 */
#include "vmm/vm.h"
#include "arch/arm64/sysreg.h"
#include "kernel/log.h"
#include "kernel/percpu.h"
#include "kernel/mem.h"
#include "drivers/gicv3.h"
#include "lib/zerror.h"
#include "kernel/thread.h"
#include "kernel/time.h"
#include "lib/format.h"
#include "lib/linux_image.h"
#include "lib/string.h"
#include "vmm/guest_dt.h"
#include "zshm/zshm.h"
#include "zshm/zvm_time.h"

#define DTB_SLOT        0x200000ull /* the last 2 MiB of guest RAM */
#define REAP_TIMEOUT_MS 2000
#define BOOT_MARK_MAX   (VM_NAME_MAX + 48) /* "[ZVM: vm <id> '<name>' boot <n>]" */

static uint64_t le64(const uint8_t *p)
{
	uint64_t v = 0;

	for (int i = 7; i >= 0; i--)
		v = (v << 8) | p[i];
	return v;
}

/* Where in guest RAM the image goes: Linux's boot protocol if it has the
 * arm64 Image header, else the start of RAM. */
static uint64_t image_offset(const struct vm_blob *image)
{
	const uint8_t *p = image->data;

	if (image->size >= IMAGE_HDR_SIZE &&
	    !memcmp(p + IMAGE_HDR_MAGIC, IMAGE_MAGIC_STR, IMAGE_MAGIC_LEN))
		return le64(p + IMAGE_HDR_TEXT_OFFSET) % IMAGE_LOAD_ALIGN;
	return 0;
}

static void *guest_ptr(struct vm *vm, uint64_t ipa)
{
	return (void *)(uintptr_t)(vm->ram_pa + (ipa - vm->cfg.ram.base));
}

/*
 * Linux gets a panic ZVM can see: it resets at once (panic=-1), as a warm
 * reset (reboot=panic_warm), which its PSCI driver sends as SYSTEM_RESET2
 * while an ordinary reboot is SYSTEM_RESET (vpsci.c).  Appended last, so
 * they win over the configuration's own.
 */
#define LINUX_PANIC_ARGS " panic=-1 reboot=panic_warm"

static void guest_bootargs(const struct vm_config *c, char *out, size_t len)
{
	fmt_snprintf(out, len, "%s%s", c->bootargs,
	             c->os_type == VM_OS_LINUX ? LINUX_PANIC_ARGS : "");
}

static int load_guest(struct vm *vm, uint64_t *entry, uint64_t *dtb, struct zerr_msg *msg)
{
	const struct vm_config *c = &vm->cfg;
	uint64_t ram_end = c->ram.base + c->ram.size;
	uint64_t load = c->ram.base + image_offset(&vm->image);
	char bootargs[VM_BOOTARGS_MAX + sizeof(LINUX_PANIC_ARGS)];
	struct guest_dt_params p = {
		.vcpus = vm->vcpu_count,
		.ram_base = c->ram.base,
		.ram_size = c->ram.size,
		.bootargs = bootargs,
		.has_uart = c->uart,
		.has_time_base = c->time_base,
	};

	guest_bootargs(c, bootargs, sizeof(bootargs));
	vm_virtio_dt(vm, &p);
	zshm_vm_dt(vm, &p);
	*dtb = ram_end - DTB_SLOT;
	if (load + vm->image.size > *dtb ||
	    (vm->initrd.size && vm->initrd.size > *dtb - load - vm->image.size))
		return zerr_set(msg, ZE_IMAGE, "%s: image and initrd do not fit in %lu MiB",
		                c->name, c->ram.size >> 20);
	/* Nothing of a previous VM or of ZVM: only what may hold data is
	 * zeroed (ram_clean.h); fresh RAM costs nothing. */
	vm->ram_scrubbed = mem_scrub_guest(vm->ram_pa, c->ram.size);
	memcpy(guest_ptr(vm, load), vm->image.data, vm->image.size);
	if (vm->initrd.size) {
		p.has_initrd = true;
		p.initrd_start = (*dtb - vm->initrd.size) & ~0xfffull;
		p.initrd_end = p.initrd_start + vm->initrd.size;
		memcpy(guest_ptr(vm, p.initrd_start), vm->initrd.data, vm->initrd.size);
	}
	int size = guest_dt_build(&p, guest_ptr(vm, *dtb), GUEST_DT_MAX_SIZE, msg);
	if (size < 0)
		return size;
	*entry = load;
	return 0;
}

static void uart_tx(void *ctx, uint8_t c)
{
	struct vm *vm = ctx;

	console_ring_write(&vm->console, &c, 1);
	if (vm->console_notify)
		vm->console_notify();
}

static void uart_irq(void *ctx, bool level)
{
	struct vm *vm = ctx;

	vgic_set_level(&vm->vgic, GUEST_INTID_UART, 0, level);
}

static int reset_devices(struct vm *vm)
{
	uint64_t mpidr[GUEST_MAX_VCPUS];

	for (unsigned i = 0; i < vm->vcpu_count; i++)
		mpidr[i] = vm->vcpus[i].mpidr;
	/* As many SPIs as the board's GICD_TYPER reports: a pass-through
	 * device's interrupt has the same INTID in the VM. */
	unsigned spis = gic_spi_count();
	if (!vm->vgic_storage)
		vm->vgic_storage = kmalloc_aligned(VGIC_STORAGE_SIZE(spis), sizeof(uint64_t));
	if (!vm->vgic_storage)
		return -ZE_NOMEM;
	int rc = vgic_init(&vm->vgic, vm->vcpu_count, mpidr, spis, vm->vgic_storage);
	if (rc)
		return rc;
	for (unsigned i = 0; i < vm->vcpu_count; i++) {
		vgic_set_hw(&vm->vgic, GUEST_INTID_VIRT_TIMER, i, GUEST_INTID_VIRT_TIMER);
		vgic_set_hw(&vm->vgic, GUEST_INTID_PHYS_TIMER, i, GUEST_INTID_PHYS_TIMER);
	}
	struct vuart_backend backend = { uart_tx, uart_irq, vm };

	vuart_init(&vm->uart, &backend);
	rc = vm_register_mmio(vm);
	if (rc)
		return rc;
	if (!vm->console.size)
		console_ring_init(&vm->console, vm->console_mem, sizeof(vm->console_mem));
	return 0;
}

static int start_vcpus(struct vm *vm, uint64_t entry, uint64_t dtb)
{
	for (unsigned i = 0; i < vm->vcpu_count; i++) {
		struct vcpu *v = &vm->vcpus[i];
		v->requests = 0;
		v->power = i == 0 ? VCPU_ON : VCPU_OFF;
		memset(&v->stats, 0, sizeof(v->stats));
		sem_init(&v->wake, 0, 1);
		if (i == 0)
			vcpu_set_boot(v, entry, dtb);
	}
	vm->threads_live = true;
	vm_passthrough_start(vm);
	for (unsigned i = 0; i < vm->vcpu_count; i++) {
		int rc = vcpu_create_thread(&vm->vcpus[i]);
		if (rc)
			return rc;
	}
	return 0;
}

bool vm_vcpu_core_dead(const struct vcpu *v)
{
	return cpu_data(v->cpu)->state == CPU_STOPPED;
}

static void ask_to_leave(struct vm *vm)
{
	for (unsigned i = 0; i < vm->vcpu_count; i++) {
		struct vcpu *v = &vm->vcpus[i];
		__atomic_fetch_or(&v->requests, VCPU_REQ_STOP, __ATOMIC_RELEASE);
		vcpu_kick(v);
		sem_give(&v->wake);
	}
}

/* 0 once v's thread is gone.  A core that stopped on an exception did so
 * at EL2 and stays halted there: its guest cannot run again, and its
 * thread (whose stack that core still holds) is left to it, never freed. */
static int join_vcpu(struct vcpu *v)
{
	if (!v->thread)
		return 0;
	if (vm_vcpu_core_dead(v) || !thread_join(v->thread, ms_to_ticks(REAP_TIMEOUT_MS)) ||
	    vm_vcpu_core_dead(v)) {
		v->thread = 0;
		v->power = VCPU_OFF;
		return 0;
	}
	return -ZE_TIMEOUT;
}

/* The first vCPU that did not leave, or -1 when every one is out. */
static int join_vcpus(struct vm *vm)
{
	int stuck = -1;

	for (unsigned i = 0; i < vm->vcpu_count; i++) {
		if (join_vcpu(&vm->vcpus[i]) && stuck < 0)
			stuck = (int)i;
	}
	return stuck;
}

/*
 * A vCPU that an interrupt cannot reach (a direct-delivery guest can hold
 * its core's running priority above ZVM's FIQs: nothing in the GIC lets
 * EL2 trap ICC_AP1Rn_EL1 alone) still translates every fetch through its
 * stage-2 map: taking the map away brings it to EL2 at its next
 * instruction, where the stop it was asked for is waiting (vcpu_trap.c).
 */
static void revoke_map(struct vm *vm, int stuck)
{
	uint64_t flags = spin_lock_irqsave(&vm->lock);

	stage2_revoke(&vm->s2);
	vm->revocations++;
	spin_unlock_irqrestore(&vm->lock, flags);
	sev(); /* a guest waiting in WFE fetches again too */
	log_msg(LOG_WARN,
	        "vm %u '%s': vCPU %d on core %u did not leave when asked; stage-2 map revoked",
	        vm->id, vm->cfg.name, stuck, vm->vcpus[stuck].cpu);
}

int vm_reap(struct vm *vm)
{
	uint64_t flags;
	int stuck = -1;

	if (!vm->threads_live) {
		vm_virtio_quiesce(vm);
		return 0;
	}
	ask_to_leave(vm);
	stuck = join_vcpus(vm);
	if (stuck >= 0) {
		revoke_map(vm, stuck);
		stuck = join_vcpus(vm);
	}
	if (stuck >= 0) {
		const struct vcpu *v = &vm->vcpus[stuck];
		vm->state = VM_STUCK;
		fmt_snprintf(vm->reason, sizeof(vm->reason),
		             "vCPU %d on core %u did not leave "
		             "its guest within %u ms; memory, VMID and cores held",
		             stuck, v->cpu, REAP_TIMEOUT_MS);
		log_msg(LOG_ERROR, "vm %u '%s' stuck: %s", vm->id, vm->cfg.name, vm->reason);
		return -ZE_TIMEOUT;
	}
	flags = spin_lock_irqsave(&vm->lock);
	stage2_restore(&vm->s2); /* nothing runs it now */
	spin_unlock_irqrestore(&vm->lock, flags);
	vm_passthrough_stop(vm);
	vm->threads_live = false;
	vm_virtio_quiesce(vm); /* no disk request writes its RAM any more */
	return 0;
}

static int cores_alive(struct vm *vm, struct zerr_msg *msg)
{
	for (unsigned i = 0; i < vm->vcpu_count; i++) {
		if (vm_vcpu_core_dead(&vm->vcpus[i]))
			return zerr_set(msg, ZE_STATE,
			                "%s: core %u stopped on an exception (see "
			                "'cpus'); the VM cannot run there",
			                vm->cfg.name, vm->vcpus[i].cpu);
	}
	return 0;
}

static int stuck_error(struct vm *vm, struct zerr_msg *msg)
{
	return zerr_set(msg, ZE_STATE, "'%s' is stuck: %s; 'zvm stop %s' tries again", vm->cfg.name,
	                vm->reason, vm->cfg.name);
}

/*
 * From its second boot on, a line in the console ring says where the new
 * boot's output begins: a replay after a restart shows what is old.
 */
static void mark_boot(struct vm *vm)
{
	char line[BOOT_MARK_MAX];

	if (++vm->boots == 1)
		return;
	int n = fmt_snprintf(line, sizeof(line), "\r\n[ZVM: vm %u '%s' boot %u]\r\n", vm->id,
	                     vm->cfg.name, vm->boots);
	if (n <= 0)
		return;
	uint64_t flags = spin_lock_irqsave(&vm->lock);
	console_ring_write(&vm->console, line,
	                   (size_t)n < sizeof(line) ? (size_t)n : sizeof(line) - 1);
	spin_unlock_irqrestore(&vm->lock, flags);
	if (vm->console_notify)
		vm->console_notify();
}

static int start_locked(struct vm *vm, struct zerr_msg *msg)
{
	uint64_t entry = 0, dtb = 0;

	if (vm->cores_lent)
		return zerr_set(msg, ZE_BUSY,
		                "%s: its cores are lent to the built-in tests; they come back "
		                "when the test run ends",
		                vm->cfg.name);
	if (vm_reap(vm))
		return stuck_error(vm, msg);
	int rc = cores_alive(vm, msg);
	if (rc)
		return rc;
	rc = load_guest(vm, &entry, &dtb, msg);
	if (rc)
		return rc;
	rc = reset_devices(vm);
	if (rc)
		return zerr_set(msg, (enum zerror) - rc,
		                "%s: cannot set up its virtual GIC or devices (see 'log')",
		                vm->cfg.name);
	mark_boot(vm);
	vm->cntvoff = time_now();
	zvm_time_vm_reset(vm->id);
	vm->last_heartbeat = 0;
	vm->started_at = time_now();
	vm->reboot_pending = false;
	vm->state = VM_RUNNING;
	fmt_snprintf(vm->reason, sizeof(vm->reason), "running");
	rc = start_vcpus(vm, entry, dtb);
	if (rc) {
		vm->state = VM_STOPPED;
		fmt_snprintf(vm->reason, sizeof(vm->reason),
		             "its vCPU threads could not be created");
		if (vm_reap(vm))
			return stuck_error(vm, msg);
		return zerr_set(msg, (enum zerror) - rc, "%s: cannot create its vCPU threads",
		                vm->cfg.name);
	}
	log_msg(LOG_INFO, "vm %u '%s' started (%lu KiB of RAM scrubbed)", vm->id, vm->cfg.name,
	        vm->ram_scrubbed >> 10);
	return 0;
}

static int refuse(struct zerr_msg *msg, struct vm *vm, const char *why)
{
	int rc = zerr_set(msg, ZE_STATE, "'%s' is %s: %s", vm->cfg.name, vm_state_name(vm->state),
	                  why);
	mutex_unlock(&vm->ops);
	return rc;
}

int vm_start(struct vm *vm, struct zerr_msg *msg)
{
	mutex_lock(&vm->ops, WAIT_FOREVER);
	if (vm->state == VM_RUNNING || vm->state == VM_PAUSED)
		return refuse(msg, vm, "stop it first, or use restart");
	int rc = start_locked(vm, msg);
	mutex_unlock(&vm->ops);
	return rc;
}

/* The state and reason say what happened: stopped, or stuck. */
static int stop_locked(struct vm *vm, const char *reason, struct zerr_msg *msg)
{
	if (vm_reap(vm))
		return stuck_error(vm, msg);
	vm->state = VM_STOPPED;
	vm->reboot_pending = false;
	fmt_snprintf(vm->reason, sizeof(vm->reason), "%s", reason);
	return 0;
}

int vm_stop(struct vm *vm, struct zerr_msg *msg)
{
	mutex_lock(&vm->ops, WAIT_FOREVER);
	if (vm->state == VM_STOPPED && !vm->threads_live)
		return refuse(msg, vm, "nothing to stop");
	int rc = stop_locked(vm, "stopped by the operator", msg);
	if (!rc)
		log_msg(LOG_INFO, "vm %u '%s' stopped", vm->id, vm->cfg.name);
	mutex_unlock(&vm->ops);
	return rc;
}

static int restart_locked(struct vm *vm, const char *why, struct zerr_msg *msg)
{
	int rc = cores_alive(vm, msg);

	if (!rc)
		rc = stop_locked(vm, why, msg);
	if (!rc)
		rc = start_locked(vm, msg);
	if (!rc)
		vm->restarts++;
	return rc;
}

int vm_restart(struct vm *vm, struct zerr_msg *msg)
{
	mutex_lock(&vm->ops, WAIT_FOREVER);
	if (vm->state == VM_STOPPED)
		return refuse(msg, vm, "nothing to restart; use start");
	int rc = restart_locked(vm, "restarting", msg);
	mutex_unlock(&vm->ops);
	return rc;
}

int vm_reboot(struct vm *vm, struct zerr_msg *msg)
{
	mutex_lock(&vm->ops, WAIT_FOREVER);
	if (!vm->reboot_pending || vm->state != VM_STOPPED) {
		mutex_unlock(&vm->ops);
		return 0; /* the operator acted meanwhile: that wins */
	}
	int rc = restart_locked(vm, "rebooting", msg);
	if (!rc)
		log_msg(LOG_INFO, "vm %u '%s' rebooted by its guest", vm->id, vm->cfg.name);
	mutex_unlock(&vm->ops);
	return rc;
}

static void set_requests(struct vm *vm, uint32_t set, uint32_t clear)
{
	for (unsigned i = 0; i < vm->vcpu_count; i++) {
		struct vcpu *v = &vm->vcpus[i];
		__atomic_fetch_or(&v->requests, set, __ATOMIC_RELEASE);
		__atomic_fetch_and(&v->requests, ~clear, __ATOMIC_RELEASE);
		if (set)
			vcpu_kick(v);
		else
			sem_give(&v->wake);
	}
}

int vm_pause(struct vm *vm, struct zerr_msg *msg)
{
	mutex_lock(&vm->ops, WAIT_FOREVER);
	if (vm->state != VM_RUNNING)
		return refuse(msg, vm, "only a running VM can be paused");
	set_requests(vm, VCPU_REQ_PAUSE, 0);
	vm->state = VM_PAUSED;
	mutex_unlock(&vm->ops);
	return 0;
}

int vm_resume(struct vm *vm, struct zerr_msg *msg)
{
	mutex_lock(&vm->ops, WAIT_FOREVER);
	if (vm->state != VM_PAUSED)
		return refuse(msg, vm, "only a paused VM can be resumed");
	/* The guest could not beat while frozen: its heartbeat timeout starts
	 * again now, or the health monitor would take the pause for a hang.
	 * A guest that never beat stays unwatched. */
	if (__atomic_load_n(&vm->last_heartbeat, __ATOMIC_RELAXED))
		__atomic_store_n(&vm->last_heartbeat, time_now(), __ATOMIC_RELAXED);
	set_requests(vm, 0, VCPU_REQ_PAUSE);
	vm->state = VM_RUNNING;
	mutex_unlock(&vm->ops);
	return 0;
}
