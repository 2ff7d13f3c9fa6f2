/*
 * The VM registry: creating a VM claims its cores, its memory, a VMID and
 * builds its stage-2 map once; starting and stopping (vm_run.c) reuse them.
 */
#include "vmm/vm.h"
#include "zshm/zvm_time.h"
#include "kernel/boot.h"
#include "kernel/log.h"
#include "kernel/mem.h"
#include "kernel/page_alloc.h"
#include "kernel/percpu.h"
#include "kernel/thread.h"
#include "lib/format.h"
#include "lib/string.h"
#include "vmm/vmid.h"
#include "zshm/zshm.h"

static struct vm vms[VM_MAX];
static struct mutex registry;
static struct vmid_pool vmids;
static bool registry_ready;

static void registry_lock(void)
{
	if (!registry_ready) {
		mutex_init(&registry, "vm-registry");
		vmid_pool_init(&vmids);
		registry_ready = true;
	}
	mutex_lock(&registry, WAIT_FOREVER);
}

void vm_registry_lock(void)
{
	registry_lock();
}

void vm_registry_unlock(void)
{
	mutex_unlock(&registry);
}

struct vm *vm_at(unsigned index)
{
	return index < VM_MAX && vms[index].used ? &vms[index] : 0;
}

struct vm *vm_find(const char *key)
{
	for (unsigned i = 0; i < VM_MAX; i++) {
		if (!vms[i].used)
			continue;
		if (!strcmp(vms[i].cfg.name, key))
			return &vms[i];
		char id[12];
		fmt_snprintf(id, sizeof(id), "%u", vms[i].id);
		if (!strcmp(id, key))
			return &vms[i];
	}
	return 0;
}

const char *vm_state_name(enum vm_state s)
{
	switch (s) {
	case VM_STOPPED: return "stopped";
	case VM_RUNNING: return "running";
	case VM_PAUSED: return "paused";
	case VM_CRASHED: return "crashed";
	case VM_STUCK: return "stuck";
	default: break;
	}
	return "?";
}

bool vm_core_taken(unsigned cpu)
{
	return cpu < MAX_CPUS && cpu_data(cpu)->owner != 0;
}

static void *table_alloc(void *ctx)
{
	(void)ctx;
	uint64_t pa = page_alloc_order(0);

	if (pa) {
		memset((void *)(uintptr_t)pa, 0, PAGE_SIZE);
		dsb(ishst); /* walkers on other cores must see the zeroes */
	}
	return (void *)(uintptr_t)pa;
}

static void table_free(void *ctx, void *table)
{
	(void)ctx;
	page_free_order((uintptr_t)table, 0);
}

static const struct stage2_alloc stage2_pages = { table_alloc, table_free, 0 };

static int fail(struct zerr_msg *msg, enum zerror code, const char *fmt, const char *arg)
{
	return zerr_set(msg, code, fmt, arg);
}

static int check_cores(const struct vm_config *cfg, struct zerr_msg *msg)
{
	if (cfg->direct_irq && cfg->vcpu_count != 1)
		return fail(msg, ZE_INVAL, "%s: direct interrupt delivery needs exactly one vCPU",
		            cfg->name);
	for (unsigned i = 0; i < cfg->vcpu_count; i++) {
		unsigned c = cfg->cpus[i];
		char num[12];
		fmt_snprintf(num, sizeof(num), "%u", c);
		if (c == 0)
			return fail(msg, ZE_BUSY, "core %s runs ZVM itself", num);
		if (c >= cpus_possible || cpu_data(c)->state != CPU_ONLINE)
			return fail(msg, ZE_NOENT, "core %s is not online", num);
		if (vm_core_taken(c))
			return fail(msg, ZE_BUSY, "core %s already belongs to a VM", num);
	}
	return 0;
}

static int claim_memory(struct vm *vm, struct zerr_msg *msg)
{
	if (vm->cfg.ram_host_base) {
		vm->ram_fixed = true;
		vm->ram_pa = vm->cfg.ram_host_base;
		return 0;
	}
	vm->ram_pa = page_alloc_guest(vm->cfg.ram.size); /* scrubbed at start */
	if (!vm->ram_pa)
		return zerr_set(msg, ZE_NOMEM,
		                "not enough free memory for %s (%lu MiB): the "
		                "largest that fits now is %lu MiB",
		                vm->cfg.name, vm->cfg.ram.size >> 20, page_largest_free() >> 20);
	return 0;
}

static int build_stage2(struct vm *vm, struct zerr_msg *msg)
{
	const struct vm_config *c = &vm->cfg;

	int vmid = vmid_alloc(&vmids);

	if (vmid <= 0)
		return fail(msg, ZE_LIMIT, "no free VMID for %s", c->name);
	vm->vmid = (uint16_t)vmid;
	if (stage2_init(&vm->s2, vm->vmid, stage2_pa_bits(read_sysreg(id_aa64mmfr0_el1)),
	                &stage2_pages) ||
	    stage2_map(&vm->s2, c->ram.base, vm->ram_pa, c->ram.size, STAGE2_RAM))
		return fail(msg, ZE_NOMEM, "cannot build the stage-2 map of %s", c->name);
	for (unsigned i = 0; i < c->passthrough_count; i++) {
		if (stage2_map(&vm->s2, c->passthrough[i].base, c->passthrough[i].base,
		               c->passthrough[i].size, STAGE2_DEVICE))
			return fail(msg, ZE_NOMEM, "cannot map a pass-through region of %s",
			            c->name);
	}
	/* Read-only: a guest write there is a permission fault, its own. */
	if (c->time_base && stage2_map(&vm->s2, GUEST_TIMEBASE_BASE, zvm_time_page_pa(),
	                               GUEST_TIMEBASE_SIZE, STAGE2_SHARED_RO))
		return fail(msg, ZE_NOMEM, "cannot map the time base page into %s", c->name);
	return zshm_map_vm(vm, msg);
}

/* The operator accepted a device that may master the bus: said at every
 * creation, since nothing confines it (no SMMU is programmed). */
static void log_trusted_passthrough(const struct vm *vm)
{
	const struct vm_config *c = &vm->cfg;

	for (unsigned i = 0; i < c->passthrough_count; i++) {
		if (c->passthrough_trusted[i])
			log_msg(LOG_WARN,
			        "vm %u '%s': pass-through 0x%lx-0x%lx is trusted: a DMA-capable "
			        "device there can write any memory (ZVM programs no SMMU)",
			        vm->id, c->name, c->passthrough[i].base,
			        c->passthrough[i].base + c->passthrough[i].size - 1);
	}
}

static void release(struct vm *vm)
{
	vm_virtio_net_release(vm); /* no frame reaches it from here on */
	zshm_unmap_vm(vm);
	vm_virtio_release(vm);
	if (vm->s2.root)
		stage2_destroy(&vm->s2);
	if (vm->vmid)
		vmid_free(&vmids, vm->vmid);
	/* Configured RAM was reserved at boot: deleted, it joins the pool. */
	if (vm->ram_pa && vm->ram_fixed)
		page_unreserve(vm->ram_pa, vm->cfg.ram.size);
	else if (vm->ram_pa)
		page_free_size(vm->ram_pa, vm->cfg.ram.size);
	for (unsigned i = 0; i < vm->vcpu_count; i++) {
		if (cpu_data(vm->vcpus[i].cpu)->owner == &vm->vcpus[i])
			cpu_data(vm->vcpus[i].cpu)->owner = 0;
	}
	if (vm->vgic_storage)
		kfree(vm->vgic_storage);
	memset(vm, 0, sizeof(*vm));
}

static void init_vcpus(struct vm *vm)
{
	vm->vcpu_count = vm->cfg.vcpu_count;
	for (unsigned i = 0; i < vm->vcpu_count; i++) {
		struct vcpu *v = &vm->vcpus[i];
		v->vm = vm;
		v->index = i;
		v->cpu = vm->cfg.cpus[i];
		v->mpidr = i;
		sem_init(&v->wake, 0, 1);
		cpu_data(v->cpu)->owner = v;
	}
}

static struct vm *free_slot(void)
{
	for (unsigned i = 0; i < VM_MAX; i++) {
		if (!vms[i].used)
			return &vms[i];
	}
	return 0;
}

static bool name_taken(const char *name)
{
	return vm_find(name) != 0;
}

int vm_create(const struct vm_config *cfg, const struct vm_blob *image,
              const struct vm_blob *initrd, struct vm **out, struct zerr_msg *msg)
{
	struct vm *vm;
	int rc;

	registry_lock();
	if (!vm_config_name_ok(cfg->name)) {
		rc = fail(msg, ZE_MALFORMED, "VM name '%s': " VM_NAME_RULE, cfg->name);
		goto out;
	}
	if (name_taken(cfg->name)) {
		rc = fail(msg, ZE_EXISTS, "a VM named '%s' exists already", cfg->name);
		goto out;
	}
	vm = free_slot();
	if (!vm) {
		rc = fail(msg, ZE_LIMIT, "no room for another VM (at most 8)%s", "");
		goto out;
	}
	rc = check_cores(cfg, msg);
	if (rc)
		goto out;
	memset(vm, 0, sizeof(*vm));
	vm->used = true;
	vm->id = (unsigned)(vm - vms) + 1;
	vm->cfg = *cfg;
	if (!vm->cfg.heartbeat_timeout_ms)
		vm->cfg.heartbeat_timeout_ms = VM_HEARTBEAT_DEFAULT_MS;
	vm->image = *image;
	if (initrd)
		vm->initrd = *initrd;
	vm->lock = (struct spinlock)SPINLOCK_INIT;
	mutex_init(&vm->ops, "vm-ops");
	init_vcpus(vm);
	rc = claim_memory(vm, msg);
	if (!rc)
		rc = build_stage2(vm, msg);
	if (rc) {
		release(vm);
		goto out;
	}
	vm->state = VM_STOPPED;
	fmt_snprintf(vm->reason, sizeof(vm->reason), "created");
	log_msg(LOG_INFO, "vm %u '%s' created: %u vCPU(s), %lu MiB", vm->id, cfg->name,
	        cfg->vcpu_count, cfg->ram.size >> 20);
	log_trusted_passthrough(vm);
	*out = vm;
	rc = 0;
out:
	mutex_unlock(&registry);
	return rc;
}

int vm_delete(struct vm *vm, struct zerr_msg *msg)
{
	mutex_lock(&vm->ops, WAIT_FOREVER);
	if (vm->state == VM_RUNNING || vm->state == VM_PAUSED) {
		mutex_unlock(&vm->ops);
		return zerr_set(msg, ZE_STATE, "'%s' is %s: stop it first", vm->cfg.name,
		                vm_state_name(vm->state));
	}
	/* A guest that may still run must keep its tables, VMID and cores. */
	if (vm_reap(vm)) {
		int rc = zerr_set(msg, ZE_STATE, "'%s' is stuck (%s): nothing of it can be freed",
		                  vm->cfg.name, vm->reason);
		mutex_unlock(&vm->ops);
		return rc;
	}
	mutex_unlock(&vm->ops);
	registry_lock();
	log_msg(LOG_INFO, "vm %u '%s' deleted", vm->id, vm->cfg.name);
	release(vm);
	mutex_unlock(&registry);
	return 0;
}
