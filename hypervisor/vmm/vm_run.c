/*
 * Starting and stopping VMs.  A start loads the pristine image into guest
 * RAM, writes the VM's devicetree, resets the virtual devices and creates
 * one vCPU thread per vCPU on its own core; a stop asks every vCPU to leave
 * its guest (an SGI reaches it whatever the guest masks) and joins them.
 */
#include "vmm/vm.h"
#include "kernel/log.h"
#include "kernel/thread.h"
#include "kernel/time.h"
#include "lib/format.h"
#include "lib/string.h"
#include "vmm/guest_dt.h"

#define IMAGE_MAGIC_OFFSET	56		/* Linux arm64 Image header */
#define IMAGE_TEXT_OFFSET_FIELD	8
#define DTB_SLOT		0x200000ull	/* the last 2 MiB of guest RAM */
#define REAP_TIMEOUT_MS		2000
#define LOAD_ALIGN		0x200000ull

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

	if (image->size > IMAGE_MAGIC_OFFSET + 4 && !memcmp(p + IMAGE_MAGIC_OFFSET, "ARM\x64", 4))
		return le64(p + IMAGE_TEXT_OFFSET_FIELD) % LOAD_ALIGN;
	return 0;
}

static void *guest_ptr(struct vm *vm, uint64_t ipa)
{
	return (void *)(uintptr_t)(vm->ram_pa + (ipa - vm->cfg.ram.base));
}

static int load_guest(struct vm *vm, uint64_t *entry, uint64_t *dtb, struct zerr_msg *msg)
{
	const struct vm_config *c = &vm->cfg;
	uint64_t ram_end = c->ram.base + c->ram.size;
	uint64_t load = c->ram.base + image_offset(&vm->image);
	struct guest_dt_params p = {
		.vcpus = vm->vcpu_count, .ram_base = c->ram.base, .ram_size = c->ram.size,
		.bootargs = c->bootargs, .has_uart = c->uart,
	};

	*dtb = ram_end - DTB_SLOT;
	if (load + vm->image.size > *dtb || (vm->initrd.size && vm->initrd.size > *dtb - load - vm->image.size))
		return zerr_set(msg, ZE_IMAGE, "%s: image and initrd do not fit in %lu MiB",
				c->name, c->ram.size >> 20);
	memset(guest_ptr(vm, c->ram.base), 0, c->ram.size);
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
	int rc = vgic_init(&vm->vgic, vm->vcpu_count, mpidr, GUEST_SPI_COUNT);
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

/* ops held.  Brings every vCPU out of its guest and joins its thread. */
void vm_reap(struct vm *vm)
{
	if (!vm->threads_live)
		return;
	for (unsigned i = 0; i < vm->vcpu_count; i++) {
		struct vcpu *v = &vm->vcpus[i];
		__atomic_fetch_or(&v->requests, VCPU_REQ_STOP, __ATOMIC_RELEASE);
		vcpu_kick(v);
		sem_give(&v->wake);
	}
	for (unsigned i = 0; i < vm->vcpu_count; i++) {
		struct vcpu *v = &vm->vcpus[i];
		if (v->thread && thread_join(v->thread, ms_to_ticks(REAP_TIMEOUT_MS)))
			log_msg(LOG_ERROR, "vm %u: vCPU %u did not stop; core %u may be stuck",
				vm->id, i, v->cpu);
		v->thread = 0;
	}
	vm_passthrough_stop(vm);
	vm->threads_live = false;
}

static int start_locked(struct vm *vm, struct zerr_msg *msg)
{
	uint64_t entry = 0, dtb = 0;

	vm_reap(vm);
	int rc = load_guest(vm, &entry, &dtb, msg);
	if (rc)
		return rc;
	rc = reset_devices(vm);
	if (rc)
		return zerr_set(msg, (enum zerror)-rc, "%s: cannot set up its virtual GIC",
				vm->cfg.name);
	vm->cntvoff = time_now();
	vm->last_heartbeat = 0;
	vm->started_at = time_now();
	vm->state = VM_RUNNING;
	fmt_snprintf(vm->reason, sizeof(vm->reason), "running");
	rc = start_vcpus(vm, entry, dtb);
	if (rc) {
		vm_reap(vm);
		vm->state = VM_STOPPED;
		return zerr_set(msg, (enum zerror)-rc, "%s: cannot create its vCPU threads",
				vm->cfg.name);
	}
	log_msg(LOG_INFO, "vm %u '%s' started", vm->id, vm->cfg.name);
	return 0;
}

static int refuse(struct zerr_msg *msg, struct vm *vm, const char *why)
{
	int rc = zerr_set(msg, ZE_STATE, "'%s' is %s: %s", vm->cfg.name,
			  vm_state_name(vm->state), why);
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

static void stop_locked(struct vm *vm, const char *reason)
{
	vm_reap(vm);
	vm->state = VM_STOPPED;
	fmt_snprintf(vm->reason, sizeof(vm->reason), "%s", reason);
}

int vm_stop(struct vm *vm, struct zerr_msg *msg)
{
	mutex_lock(&vm->ops, WAIT_FOREVER);
	if (vm->state == VM_STOPPED)
		return refuse(msg, vm, "nothing to stop");
	stop_locked(vm, "stopped by the operator");
	log_msg(LOG_INFO, "vm %u '%s' stopped", vm->id, vm->cfg.name);
	mutex_unlock(&vm->ops);
	return 0;
}

int vm_restart(struct vm *vm, struct zerr_msg *msg)
{
	mutex_lock(&vm->ops, WAIT_FOREVER);
	if (vm->state == VM_STOPPED)
		return refuse(msg, vm, "nothing to restart; use start");
	stop_locked(vm, "restarting");
	int rc = start_locked(vm, msg);
	if (!rc)
		vm->restarts++;
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
