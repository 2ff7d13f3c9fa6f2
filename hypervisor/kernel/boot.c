/*
 * Boot: from the assembly entry to a running scheduler on every core.
 *
 * The boot core reads the board from the devicetree with the MMU still off
 * (the parser only does byte loads), builds ZVM's identity map from what it
 * found, turns the MMU on and brings up memory, the GIC, timers and the
 * other cores.  Each secondary core joins with the same map.
 */
#include "version.h"
#include "kernel/boot.h"
#include "arch/arm64/el2.h"
#include "arch/arm64/mmu.h"
#include "arch/arm64/psci.h"
#include "boards/board.h"
#include "agent/agent.h"
#include "drivers/board_blk.h"
#include "drivers/board_nic.h"
#include "drivers/gicv3.h"
#include "drivers/uart.h"
#include "kernel/board_dt.h"
#include "kernel/console.h"
#include "kernel/ipi.h"
#include "kernel/log.h"
#include "kernel/mem.h"
#include "kernel/shell.h"
#include "kernel/thread.h"
#include "kernel/time.h"
#include "vmm/vm.h"
#include "vmm/vm_boot.h"
#include "zshm/zvm_time.h"
#include "lib/fdt.h"
#include "lib/gicv3_defs.h"

/* Linux arm64 booting.rst: the blob is at most 2 MiB. */
#define DTB_MAX_SIZE        (2u << 20)
#define BOOT_CPU_TIMEOUT_MS 1000
#define BOOT_REASON_NOT_EL2 1
#define ID_MMFR1_VH_SHIFT   8 /* ID_AA64MMFR1_EL1.VH, ARM ARM D13.2.65 */

struct percpu percpu_data[MAX_CPUS];
unsigned cpus_possible;
struct board_desc board;
uint64_t boot_started_at;

static struct thread idle_threads[MAX_CPUS];

void boot_primary(uintptr_t dtb, uint64_t reason);
void boot_secondary(unsigned cpu);
void secondary_entry(void);
void cpu_halt(void) __attribute__((noreturn));

static void __attribute__((noreturn)) boot_fail(const char *why)
{
	kprintf_panic("zvm: cannot boot: %s\n", why);
	cpu_halt();
}

static void map_or_fail(uint64_t base, uint64_t size, enum mem_type type)
{
	if (size && mmu_map_identity(base, size, type))
		boot_fail("cannot map a region of the board in ZVM's page tables");
}

static void build_identity_map(void)
{
	for (unsigned i = 0; i < board.mem_count; i++)
		map_or_fail(board.mem[i].base, board.mem[i].size, MEM_NORMAL);
	map_or_fail(board.gic.dist.base, board.gic.dist.size, MEM_DEVICE);
	for (unsigned i = 0; i < board.gic.redist_count; i++)
		map_or_fail(board.gic.redist[i].base, board.gic.redist[i].size, MEM_DEVICE);
	map_or_fail(board.uart.reg.base, board.uart.reg.size, MEM_DEVICE);
	for (unsigned i = 0; i < board.virtio_count; i++)
		map_or_fail(board.virtio[i].reg.base, board.virtio[i].reg.size, MEM_DEVICE);
}

static void switch_console_to_board_uart(void)
{
	const struct uart_driver *drv = uart_driver_for(board.uart.compatible);

	if (!drv) {
		kprintf("zvm: no driver for console UART \"%s\"; keeping the early one\n",
		        board.uart.compatible);
		return;
	}
	drv->init(board.uart.reg.base);
	console_set_uart(drv, board.uart.reg.base);
}

static void init_memory(uintptr_t dtb, size_t dtb_size)
{
	struct phys_range ram[BOARD_MAX_MEM], rsv[BOARD_MAX_RESERVED + 1 + VM_BOOT_MAX_RESERVED];
	uint64_t free_after;
	unsigned nvm = vm_boot_scan(&board, rsv, &free_after), nrsv = nvm;
	struct zerr_msg msg;

	for (unsigned i = 0; i < board.mem_count; i++)
		ram[i] = (struct phys_range){ board.mem[i].base, board.mem[i].size };
	for (unsigned i = 0; i < board.reserved_count; i++)
		rsv[nrsv++] = (struct phys_range){ board.reserved[i].base, board.reserved[i].size };
	rsv[nrsv++] = (struct phys_range){ dtb, dtb_size }; /* guests' DTBs derive from it */
	if (mem_init(ram, board.mem_count, rsv, nrsv, free_after, &msg))
		boot_fail(msg.text);
	/* What the firmware and the loader left in RAM.  A VM's own reserved
	 * RAM (the first nvm ranges) held nothing yet: it stays as clean as
	 * the board says RAM is. */
	for (unsigned i = nvm; i < nrsv; i++)
		mem_dirty(rsv[i].base, rsv[i].size);
}

/* GIC, timer, IPIs and scheduler of the calling core. */
static void init_this_cpu(unsigned id)
{
	struct percpu *cpu = cpu_data(id);

	cpu->midr = (uint32_t)read_sysreg(midr_el1);
	cpu->el = (uint8_t)current_el();
	cpu->vhe = ((read_sysreg(id_aa64mmfr1_el1) >> ID_MMFR1_VH_SHIFT) & 0xf) != 0;
	el2_init_cpu();
	cpu->eoi_split = true;
	cpu->fast_acked = GIC_INTID_SPURIOUS;
	if (gic_init_cpu())
		boot_fail("no GIC redistributor for this core");
	ktimer_init_cpu(board.timer.hyp_phys_intid);
	ipi_init_cpu();
	thread_init_idle(&idle_threads[id], id);
	sched_init_cpu(&idle_threads[id]);
	cpu->state = CPU_ONLINE;
}

static void set_this_cpu(unsigned id, uint64_t mpidr)
{
	percpu_data[id].id = id;
	percpu_data[id].mpidr = mpidr;
	write_sysreg(tpidr_el2, &percpu_data[id]);
}

/* Logical CPU 0 is the boot core; the others follow in devicetree order. */
static void number_cpus(uint64_t boot_mpidr)
{
	unsigned next = 1;

	for (unsigned i = 0; i < board.cpu_count && i < MAX_CPUS; i++) {
		uint64_t mpidr = board.cpus[i].mpidr;
		unsigned id = mpidr == boot_mpidr ? 0 : next++;
		if (id >= MAX_CPUS)
			break;
		percpu_data[id].id = id;
		percpu_data[id].mpidr = mpidr;
		percpu_data[id].state = CPU_OFFLINE;
	}
	cpus_possible = next;
}

static void start_secondaries(void)
{
	for (unsigned id = 1; id < cpus_possible; id++) {
		struct percpu *cpu = cpu_data(id);
		cpu->state = CPU_BOOTING;
		int rc = psci_cpu_on(cpu->mpidr, (uintptr_t)secondary_entry, id);
		if (rc != PSCI_SUCCESS) {
			cpu->state = CPU_OFFLINE;
			log_msg(LOG_ERROR, "cpu%u: PSCI CPU_ON failed: %s", id,
			        psci_error_name(rc));
			continue;
		}
		uint64_t deadline = time_now_plus(ms_to_ticks(BOOT_CPU_TIMEOUT_MS));
		while (cpu->state == CPU_BOOTING && time_now() < deadline)
			cpu_relax();
		if (cpu->state != CPU_ONLINE) {
			log_msg(LOG_ERROR, "cpu%u: did not come online", id);
			cpu->state = CPU_OFFLINE;
		}
	}
}

static void init_gic(void)
{
	struct gic_rd_region rd[BOARD_MAX_GICR_REGIONS];

	for (unsigned i = 0; i < board.gic.redist_count; i++)
		rd[i] = (struct gic_rd_region){ board.gic.redist[i].base,
			                        board.gic.redist[i].size };
	if (gic_init(board.gic.dist.base, rd, board.gic.redist_count, board.gic.redist_stride))
		boot_fail("GIC distributor did not respond");
}

static void init_psci(void)
{
	psci_set_conduit(board.psci.conduit == BOARD_PSCI_HVC ? PSCI_CONDUIT_HVC :
	                 board.psci.conduit == BOARD_PSCI_SMC ? PSCI_CONDUIT_SMC :
	                                                        PSCI_CONDUIT_NONE);
}

static void read_board(uintptr_t dtb)
{
	struct zerr_msg msg;

	if (board_from_fdt((const void *)dtb, DTB_MAX_SIZE, &board, &msg))
		boot_fail(msg.text);
}

/*
 * The steps that block, in the first thread: creating a VM takes its
 * operation mutex and starts vCPU threads on the VM's cores.  The thread
 * then stays on as the health monitor of the VMs it created.
 */
static void boot_thread(void *arg)
{
	(void)arg;
	vm_boot_create(); /* the package's VMs; the autostart ones run */
	health_monitor(); /* never returns */
}

static void start_boot_thread(void)
{
	if (!thread_create("health", boot_thread, 0, HEALTH_PRIORITY, 0, 0))
		log_msg(LOG_ERROR, "health: cannot create its thread");
}

/*
 * The boot sequence on the boot core, in order.  Until the scheduler
 * starts at the end there is no thread: the steps that need one run in
 * boot_thread(), which the scheduler runs first (above the shell).
 */
void boot_primary(uintptr_t dtb, uint64_t reason)
{
	uint64_t mpidr = read_sysreg(mpidr_el1) & MPIDR_AFFINITY_MASK;

	boot_started_at = counter_now();
	console_set_uart(board_info.early_uart, board_info.early_uart_base);
	kprintf("\nZVM %s (%s) starting on %s\n", ZVM_VERSION, __DATE__, board_info.name);
	if (reason == BOOT_REASON_NOT_EL2)
		boot_fail("entered below EL2; ZVM needs the virtualization extensions "
		          "(QEMU: -M virt,virtualization=on)");
	set_this_cpu(0, mpidr);
	read_board(dtb); /* MMU off: byte loads only */
	zvm_time_sample_rtc(board.has_rtc ? board.rtc.base : 0);
	build_identity_map();
	mmu_enable_boot_cpu();
	console_enable_locking();
	switch_console_to_board_uart();
	log_init();
	init_memory(dtb, fdt_blob_size(dtb)); /* finds the system package too */
	if (zvm_time_init())
		boot_fail("no page for the time base");
	init_gic();
	init_psci();
	number_cpus(mpidr);
	init_this_cpu(0);
	start_secondaries();
	log_msg(LOG_INFO, "%u of %u CPUs online", cpus_online(), cpus_possible);
	health_init();    /* before any VM can crash */
	board_blk_init(); /* the board's disk, before the VMs' partitions */
	board_nic_init(); /* the board's NIC, before the switch makes it its uplink */
	vm_virtio_blk_start();
	start_boot_thread(); /* VMs, then the health monitor */
	shell_start(0);
	agent_start(0, vm_boot_mgmt_key()); /* after the shell: frames come through it */
	sched_start_cpu();
}

void boot_secondary(unsigned id)
{
	write_sysreg(tpidr_el2, &percpu_data[id]);
	mmu_enable();
	init_this_cpu(id);
	sched_start_cpu();
}

unsigned cpus_online(void)
{
	unsigned n = 0;

	for (unsigned i = 0; i < cpus_possible; i++)
		n += percpu_data[i].state == CPU_ONLINE;
	return n;
}

size_t fdt_blob_size(uintptr_t dtb)
{
	struct fdt f;

	return fdt_init(&f, (const void *)dtb, DTB_MAX_SIZE) ? 0 : fdt_total_size(&f);
}
