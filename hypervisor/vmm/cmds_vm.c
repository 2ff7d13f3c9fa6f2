/* The VM commands of the one registry: zvm list, info, start, stop, ... */
#include "kernel/cmd.h"
#include "kernel/mem.h"
#include "kernel/time.h"
#include "lib/string.h"
#include "vmm/vm.h"
#include "vmm/vm_snapshot.h"
#include "vdev/virtio_defs.h"

static struct vm *lookup(struct cmd_io *io, int argc, char **argv)
{
	struct vm *vm;

	if (argc != 2)
		return 0;
	vm = vm_find(argv[1]);
	if (!vm)
		cmd_printf(io, "no VM '%s'; see 'zvm list'\n", argv[1]);
	return vm;
}

static void print_uptime(struct cmd_io *io, const struct vm_snapshot *vm)
{
	if (vm->state != VM_RUNNING && vm->state != VM_PAUSED) {
		cmd_printf(io, "-");
		return;
	}
	uint64_t s = ticks_to_ns(time_now() - vm->started_at) / 1000000000ull;
	cmd_printf(io, "%lu:%02lu:%02lu", s / 3600, s / 60 % 60, s % 60);
}

static void print_cores(struct cmd_io *io, const struct vm_snapshot *vm)
{
	char buf[40];
	size_t n = 0;

	for (unsigned i = 0; i < vm->vcpu_count && n + 4 < sizeof(buf); i++) {
		unsigned c = vm->vcpus[i].cpu;
		if (i)
			buf[n++] = ',';
		if (c >= 10)
			buf[n++] = (char)('0' + c / 10);
		buf[n++] = (char)('0' + c % 10);
	}
	buf[n] = '\0';
	cmd_printf(io, "%-8s", buf);
}

static int cmd_list(struct cmd_io *io, int argc, char **argv)
{
	struct vm_snapshot vm;

	(void)argv;
	if (argc != 1)
		return CMD_ERR_USAGE;
	cmd_printf(
	        io,
	        "ID  NAME             OS         STATE     CORES   MEMORY    UPTIME    RESTARTS\n");
	for (unsigned i = 0; i < VM_MAX; i++) {
		if (!vm_snapshot_at(i, &vm))
			continue;
		cmd_printf(io, "%-3u %-16s %-10s %-9s ", vm.id, vm.cfg.name,
		           vm_os_type_name(vm.cfg.os_type), vm_state_name(vm.state));
		print_cores(io, &vm);
		cmd_printf(io, "%5lu MiB ", vm.cfg.ram.size >> 20);
		print_uptime(io, &vm);
		cmd_printf(io, "%*s%u\n", 4, "", vm.restarts);
	}
	return CMD_OK;
}
CMD_REGISTER(zvm_list, "zvm list", "zvm list",
             "Lists the VMs: id, name, state, cores, memory, uptime, restarts.", cmd_list);

static void print_vcpus(struct cmd_io *io, const struct vm_snapshot *vm)
{
	for (unsigned i = 0; i < vm->vcpu_count; i++) {
		const struct vcpu_snapshot *v = &vm->vcpus[i];
		cmd_printf(io,
		           "  vcpu%u on core %u: %s, traps %lu (hvc %lu, mmio %lu, sysreg %lu, irq "
		           "%lu), "
		           "interrupts loaded %lu (+%lu timer fast path)\n",
		           i, v->cpu, vm_snapshot_vcpu_state(vm, v), v->stats.traps,
		           v->stats.hypercalls, v->stats.mmio, v->stats.sysreg, v->stats.irqs,
		           v->stats.injected, v->fast_timer);
	}
}

/* The driver's side of a device in one word (VIRTIO 1.2 2.1). */
static const char *virtio_state(uint32_t status)
{
	if (status & VIRTIO_STATUS_NEEDS_RESET)
		return "needs reset";
	if (status & VIRTIO_STATUS_FAILED)
		return "failed";
	if (status & VIRTIO_STATUS_DRIVER_OK)
		return "live";
	return status ? "setting up" : "reset";
}

/* A virtio-blk device's backing and request counters. */
static void print_disk(struct cmd_io *io, const struct vm_virtio_snapshot *d)
{
	const struct virtio_blk_stats *b = &d->blk;

	if (d->backing == VM_BACKING_DISK)
		cmd_printf(io, "    disk: partition <0x%llx 0x%llx> of the board disk%s",
		           (unsigned long long)d->offset, (unsigned long long)d->size,
		           d->read_only ? ", read-only" : "");
	else
		cmd_printf(io, "    disk: RAM disk of %llu KiB%s",
		           (unsigned long long)(d->size >> 10), d->read_only ? ", read-only" : "");
	cmd_printf(io,
	           "; reads %lu (%lu bytes), writes %lu (%lu bytes), flushes %lu, get-id %lu, "
	           "io errors %lu, unsupported %lu, malformed %lu\n",
	           b->reads, b->bytes_read, b->writes, b->bytes_written, b->flushes, b->get_ids,
	           b->io_errors, b->unsupported, b->malformed);
}

/* A net device's frames, as its driver and the virtual switch saw them. */
static void print_net(struct cmd_io *io, const struct vm_virtio_snapshot *d)
{
	const struct virtio_net_stats *n = &d->net;

	cmd_printf(io,
	           "    mac %02x:%02x:%02x:%02x:%02x:%02x on the virtual switch: tx packets %lu "
	           "bytes %lu errors %lu, rx packets %lu bytes %lu errors %lu dropped %lu (no "
	           "buffer), "
	           "spoofed %lu, malformed %lu\n",
	           d->mac[0], d->mac[1], d->mac[2], d->mac[3], d->mac[4], d->mac[5], n->tx_packets,
	           n->tx_bytes, n->tx_errors, n->rx_packets, n->rx_bytes, n->rx_errors,
	           n->rx_dropped, d->spoofed, d->switch_dropped);
}

/* Interrupt raised to the guest handler's first InterruptStatus read. */
static void print_irq_timing(struct cmd_io *io, const struct virtio_irq_timing *t)
{
	if (t->count == 0)
		return;
	cmd_printf(io, "    irq to handler: %lu, min %lu avg %lu max %lu ns\n", t->count,
	           ticks_to_ns(t->min), ticks_to_ns(t->sum / t->count), ticks_to_ns(t->max));
}

/* Emulated and VirtIO devices: type, how they are virtualized, counters. */
static void print_devices(struct cmd_io *io, const struct vm_snapshot *vm)
{
	if (vm->cfg.uart)
		cmd_printf(io, "  uart@%llx: PL011 (emulated), INTID %u\n",
		           (unsigned long long)GUEST_UART_BASE, GUEST_INTID_UART);
	for (unsigned i = 0; i < vm->virtio_count; i++) {
		const struct vm_virtio_snapshot *d = &vm->virtio[i];
		uint64_t queue_errors = 0;
		for (unsigned e = 0; e < VIRTQ_ERR_COUNT; e++)
			queue_errors += d->stats.queue_errors[e];
		cmd_printf(io,
		           "  virtio@%x: %s (VirtIO, virtio-mmio v2), INTID %u, %s (status 0x%x): "
		           "requests %lu, bytes out %lu in %lu, notifications %lu, interrupts %lu, "
		           "errors %lu (malformed rings %lu), resets %lu\n",
		           d->slot, d->kind, d->intid, virtio_state(d->status), d->status,
		           d->stats.requests, d->bytes_out, d->bytes_in, d->stats.notifications,
		           d->stats.interrupts, d->stats.driver_errors, queue_errors,
		           d->stats.resets);
		if (d->is_blk)
			print_disk(io, d);
		if (d->is_net)
			print_net(io, d);
		print_irq_timing(io, &d->stats.irq_to_status_read);
	}
}

static void print_info(struct cmd_io *io, const struct vm_snapshot *vm)
{
	struct vgic_stats gs = vm->vgic;

	for (unsigned i = 0; i < vm->vcpu_count; i++) {
		/* The timer's fast path bypasses the model: count it in. */
		gs.injected += vm->vcpus[i].fast_timer;
		gs.delivered += vm->vcpus[i].fast_timer;
	}
	cmd_printf(io, "vm %u '%s' (%s): %s - %s\n", vm->id, vm->cfg.name,
	           vm_os_type_name(vm->cfg.os_type), vm_state_name(vm->state), vm->reason);
	cmd_printf(io,
	           "  memory: guest 0x%lx, %lu MiB at host 0x%lx; stage-2 VMID %u: "
	           "%lu x 1 GiB, %lu x 2 MiB, %lu x 4 KiB, %u tables\n",
	           vm->cfg.ram.base, vm->cfg.ram.size >> 20, vm->ram_pa, vm->vmid, vm->s2.blocks_1g,
	           vm->s2.blocks_2m, vm->s2.pages_4k, vm->s2.tables);
	cmd_printf(io,
	           "  image: %s (%lu bytes)%s%s; recovery: %s; restarts %u, crashes %lu, "
	           "faults %lu, aborts %lu, stops by revoked map %lu\n",
	           vm->cfg.image, vm->image_size, vm->cfg.initrd[0] ? ", initrd " : "",
	           vm->cfg.initrd, vm_recovery_name(vm->cfg.recovery), vm->restarts, vm->crashes,
	           vm->guest_faults, vm->aborts_injected, vm->revocations);
	cmd_printf(io, "  faults: outside %lu, permission %lu, unemulatable %lu; abort policy %s\n",
	           vm->faults[GUEST_FAULT_OUTSIDE], vm->faults[GUEST_FAULT_PERMISSION],
	           vm->faults[GUEST_FAULT_UNEMULATABLE],
	           vm_abort_policy_name(vm->cfg.abort_policy));
	cmd_printf(io, "  health: heartbeat timeout %u ms (once the guest beats)\n",
	           vm->cfg.heartbeat_timeout_ms);
	cmd_printf(io,
	           "  vgic: %lu injected, %lu delivered, %lu outstanding, %lu lost; "
	           "interrupts %s\n",
	           gs.injected, gs.delivered, gs.outstanding, gs.lost,
	           vm->cfg.direct_irq ? "delivered directly" : "through list registers");
	for (unsigned i = 0; i < vm->cfg.passthrough_count; i++)
		cmd_printf(io, "  pass-through: 0x%lx-0x%lx\n", vm->cfg.passthrough[i].base,
		           vm->cfg.passthrough[i].base + vm->cfg.passthrough[i].size - 1);
	for (unsigned i = 0; i < vm->cfg.intid_count; i++)
		cmd_printf(io, "  pass-through interrupt: INTID %u\n", vm->cfg.intids[i]);
	print_devices(io, vm);
	print_vcpus(io, vm);
}

static int cmd_info(struct cmd_io *io, int argc, char **argv)
{
	struct vm_snapshot vm;

	if (argc != 2)
		return CMD_ERR_USAGE;
	if (!vm_snapshot_find(argv[1], &vm)) {
		cmd_printf(io, "no VM '%s'; see 'zvm list'\n", argv[1]);
		return CMD_ERR_FAIL;
	}
	print_info(io, &vm);
	return CMD_OK;
}
CMD_REGISTER(zvm_info, "zvm info", "zvm info <vm>",
             "Everything about one VM: state, memory, stage-2, interrupts, vCPUs.", cmd_info);

typedef int (*vm_op)(struct vm *vm, struct zerr_msg *msg);

static int run_op(struct cmd_io *io, int argc, char **argv, vm_op op, const char *done)
{
	struct zerr_msg msg;
	struct vm *vm;

	if (argc != 2)
		return CMD_ERR_USAGE;
	vm = lookup(io, argc, argv);
	if (!vm)
		return CMD_ERR_FAIL;
	unsigned id = vm->id;
	if (op(vm, &msg)) {
		cmd_printf(io, "%s: %s\n", argv[0], msg.text);
		return CMD_ERR_FAIL;
	}
	cmd_printf(io, "vm %u %s\n", id, done);
	return CMD_OK;
}

#define VM_OP_COMMAND(op, verb, done, help)                           \
	static int cmd_##op(struct cmd_io *io, int argc, char **argv) \
	{                                                             \
		return run_op(io, argc, argv, vm_##op, done);         \
	}                                                             \
	CMD_REGISTER(zvm_##op, "zvm " verb, "zvm " verb " <vm>", help, cmd_##op)

VM_OP_COMMAND(start, "start", "started", "Boots a stopped or crashed VM from its pristine image.");
VM_OP_COMMAND(stop, "stop", "stopped",
              "Destroys a VM's run at once (no guest shutdown): its cores go idle.");
VM_OP_COMMAND(shutdown, "shutdown", "shut down",
              "Asks the guest to power off and waits for it (Linux: serial SysRq 'o').");
VM_OP_COMMAND(pause, "pause", "paused", "Freezes a running VM in place.");
VM_OP_COMMAND(resume, "resume", "resumed", "Lets a paused VM run on.");
VM_OP_COMMAND(restart, "restart", "restarted", "Stops and starts a VM again.");
VM_OP_COMMAND(delete, "delete", "deleted", "Removes a stopped VM and frees its cores and memory.");

static void print_irq_line(struct cmd_io *io, unsigned intid, unsigned vcpu,
                           const struct vgic_irq_counters *c)
{
	if (!c->injected && !c->delivered)
		return;
	cmd_printf(io, "%-6u %-5u %-10u %-10u %-8u %u\n", intid, vcpu, c->injected, c->delivered,
	           c->merged, c->cleared);
}

static void print_uart(struct cmd_io *io, const struct uart_snapshot *s)
{
	const struct vgic_irq *u = &s->line;

	cmd_printf(io,
	           "uart: imsc 0x%x ris 0x%x line %d rx %u | vgic %u: line %d latch %d "
	           "active %d enabled %d queued %u lr %u\n",
	           s->imsc, s->ris, s->irq_level, s->rx_count, u->intid, u->line, u->latch,
	           u->active, u->enabled, u->queued_on, u->lr_vcpu);
}

static int cmd_vm_irqs(struct cmd_io *io, int argc, char **argv)
{
	struct vm_irq_snapshot *irqs;
	struct vm_snapshot vm;
	int rc = CMD_OK;

	if (argc != 2)
		return CMD_ERR_USAGE;
	irqs = kmalloc(sizeof(*irqs));
	if (!irqs) {
		cmd_printf(io, "zvm irqs: out of memory\n");
		return CMD_ERR_FAIL;
	}
	if (!vm_snapshot_find(argv[1], &vm) || !vm_snapshot_irqs(argv[1], irqs)) {
		cmd_printf(io, "no VM '%s'; see 'zvm list'\n", argv[1]);
		rc = CMD_ERR_FAIL;
		goto out;
	}
	cmd_printf(io, "INTID  VCPU  INJECTED   DELIVERED  MERGED   CLEARED\n");
	for (unsigned v = 0; v < irqs->vcpu_count; v++) {
		for (unsigned i = 0; i < GIC_PRIVATE_COUNT; i++)
			print_irq_line(io, i, v, &irqs->priv[v][i]);
	}
	for (unsigned i = 0; i < VGIC_MAX_SPIS; i++)
		print_irq_line(io, GIC_SPI_BASE + i, 0, &irqs->spi[i]);
	if (vm.cfg.uart)
		print_uart(io, &vm.uart);
out:
	kfree(irqs);
	return rc;
}
CMD_REGISTER(zvm_irqs, "zvm irqs", "zvm irqs <vm>",
             "A VM's virtual interrupts: injected, delivered, merged, cleared.", cmd_vm_irqs);
