/* Cores for the built-in tests (see ztest_cores.h). */
#include "selftest/ztest_cores.h"
#include "kernel/log.h"
#include "kernel/percpu.h"
#include "lib/format.h"
#include "lib/string.h"
#include "selftest/ztest_vm.h"
#include "vmm/vm.h"

struct borrowed {
	unsigned id;
	char name[VM_NAME_MAX];
	bool was_running;
};

static bool borrow_allowed;
static struct borrowed borrowed[VM_MAX];
static unsigned borrowed_count;

static unsigned free_cores(uint32_t *cores, unsigned max)
{
	unsigned n = 0;

	for (unsigned c = 1; c < cpus_possible && n < max; c++) {
		if (cpu_data(c)->state == CPU_ONLINE && !vm_core_taken(c))
			cores[n++] = c;
	}
	return n;
}

/* The VM that gives cores with the least disruption: the fewest vCPUs;
 * never a test VM (a test that needs two takes one core for each). */
static struct vm *lender(void)
{
	struct vm *best = 0;

	for (unsigned i = 0; i < VM_MAX; i++) {
		struct vm *vm = vm_at(i);
		bool can = vm && !vm->cores_lent && !zt_vm_is_test_vm(vm) &&
		           (vm->state == VM_RUNNING || vm->state == VM_PAUSED ||
		            vm->state == VM_STOPPED || vm->state == VM_CRASHED);
		if (can && (!best || vm->vcpu_count < best->vcpu_count))
			best = vm;
	}
	return best;
}

static bool borrow_from(struct vm *vm, struct zerr_msg *msg)
{
	struct borrowed *b = &borrowed[borrowed_count];
	bool was_running = vm->state == VM_RUNNING || vm->state == VM_PAUSED;

	if (vm->state != VM_STOPPED || vm->threads_live) {
		if (vm_stop(vm, msg))
			return false;
	}
	if (vm_lend_cores(vm, msg))
		return false;
	*b = (struct borrowed){ .id = vm->id, .was_running = was_running };
	fmt_snprintf(b->name, sizeof(b->name), "%s", vm->cfg.name);
	borrowed_count++;
	log_msg(LOG_INFO, "ztest: borrowed the cores of vm %u '%s' (%s)", vm->id, vm->cfg.name,
	        was_running ? "stopped; it starts again when the run ends" : "it was stopped");
	return true;
}

/* Stops VMs until n cores are free; the registry is locked by the caller. */
static bool borrow(unsigned n, struct zerr_msg *msg)
{
	uint32_t cores[MAX_CPUS];

	while (free_cores(cores, MAX_CPUS) < n) {
		struct vm *vm = lender();
		if (!vm) {
			zerr_set(msg, ZE_NOENT, "no VM left to lend cores");
			return false;
		}
		if (!borrow_from(vm, msg))
			return false;
	}
	return true;
}

bool ztest_take_cores(struct ztest_ctx *ctx, unsigned n, uint32_t *cores)
{
	uint32_t found[MAX_CPUS];
	struct zerr_msg msg = { 0 };
	char why[ZTEST_REASON_MAX];
	unsigned have = free_cores(found, MAX_CPUS);

	if (have < n && borrow_allowed) {
		vm_registry_lock();
		bool ok = borrow(n, &msg);
		vm_registry_unlock();
		if (!ok) {
			ztest_fail(ctx, __FILE__, __LINE__, "borrowing %u cores: %s", n, msg.text);
			return false;
		}
		have = free_cores(found, MAX_CPUS);
	}
	if (have < n) {
		fmt_snprintf(why, sizeof(why),
		             "needs %u free cores, %u are free (the VMs hold them: run with "
		             "--borrow to let tests stop VMs and start them again after)",
		             n, have);
		ztest_skip(ctx, why);
		return false;
	}
	memcpy(cores, found, n * sizeof(*cores));
	return true;
}

void ztest_borrow_all_cores(void)
{
	struct zerr_msg msg = { 0 };
	struct vm *vm;

	if (!borrow_allowed)
		return;
	vm_registry_lock();
	while ((vm = lender()) != 0) {
		if (!borrow_from(vm, &msg)) {
			log_msg(LOG_WARN, "ztest: vm %u '%s' keeps its cores: %s", vm->id,
			        vm->cfg.name, msg.text);
			break;
		}
	}
	vm_registry_unlock();
}

void ztest_cores_allow_borrow(bool allowed)
{
	borrow_allowed = allowed;
}

static void give_back(const struct borrowed *b)
{
	struct zerr_msg msg = { 0 };
	struct vm *vm = vm_find(b->name);

	if (!vm || vm->id != b->id) {
		log_msg(LOG_INFO, "ztest: vm %u '%s' was deleted while its cores were lent", b->id,
		        b->name);
		return;
	}
	if (vm_reclaim_cores(vm, &msg) || (b->was_running && vm_start(vm, &msg))) {
		log_msg(LOG_WARN, "ztest: vm %u '%s' did not come back: %s", b->id, b->name,
		        msg.text);
		return;
	}
	log_msg(LOG_INFO, "ztest: vm %u '%s' has its cores back%s", b->id, b->name,
	        b->was_running ? " and runs again" : "");
}

void ztest_cores_give_back(void)
{
	vm_registry_lock();
	while (borrowed_count)
		give_back(&borrowed[--borrowed_count]);
	vm_registry_unlock();
	borrow_allowed = false;
}
