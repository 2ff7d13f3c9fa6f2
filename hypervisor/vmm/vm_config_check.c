/*
 * Checks across the whole system: no core, interrupt, host memory or
 * pass-through region is given twice; everything lies where the board
 * has it; and VMs without a host-address are placed in free host RAM.
 * The same first-fit placement runs in the packer and at boot, so the
 * packer can print the layout ZVM will use.
 */
#include "vmm/vm_config_priv.h"
#include "lib/format.h"

#define RANGE_TEXT_MAX 48

/* "0x40000000-0x47ffffff" (inclusive end, as people read memory maps). */
static const char *range_text(char *buf, uint64_t base, uint64_t size)
{
	fmt_snprintf(buf, RANGE_TEXT_MAX, "0x%llx-0x%llx", (unsigned long long)base,
	             (unsigned long long)(base + size - 1));
	return buf;
}

static bool in_board_ram(const struct board_desc *board, uint64_t base, uint64_t size)
{
	uint32_t i;

	for (i = 0; i < board->mem_count; i++)
		if (cfg_inside(base, size, board->mem[i].base, board->mem[i].size))
			return true;
	return false;
}

static int check_zvm_memory(struct cfg_ctx *ctx)
{
	const struct vm_region *m = &ctx->out->zvm_memory;
	char r[RANGE_TEXT_MAX];
	uint32_t i;

	if (!in_board_ram(ctx->board, m->base, m->size))
		return cfg_fail(ctx, ZE_MALFORMED, "/zvm",
		                "zvm-memory %s is not inside the board's RAM",
		                range_text(r, m->base, m->size));
	for (i = 0; i < ctx->board->reserved_count; i++)
		if (cfg_overlaps(m->base, m->size, ctx->board->reserved[i].base,
		                 ctx->board->reserved[i].size))
			return cfg_fail(ctx, ZE_CONFLICT, "/zvm",
			                "zvm-memory %s overlaps reserved memory",
			                range_text(r, m->base, m->size));
	return 0;
}

static int check_cpus(struct cfg_ctx *ctx, uint32_t index, const char *where)
{
	const struct vm_config *vm = &ctx->out->vms[index], *other;
	uint32_t i, j, k;

	for (i = 0; i < vm->vcpu_count; i++) {
		if (vm->cpus[i] == ctx->out->zvm_cpu)
			return cfg_fail(ctx, ZE_CONFLICT, where,
			                "cpu %u is ZVM's own core (zvm-cpu)", vm->cpus[i]);
		for (j = 0; j < index; j++) {
			other = &ctx->out->vms[j];
			for (k = 0; k < other->vcpu_count; k++)
				if (other->cpus[k] == vm->cpus[i])
					return cfg_fail(ctx, ZE_CONFLICT, where,
					                "cpu %u is already given "
					                "to vm '%s'",
					                vm->cpus[i], other->name);
		}
	}
	return 0;
}

static int check_irqs(struct cfg_ctx *ctx, uint32_t index, const char *where)
{
	const struct vm_config *vm = &ctx->out->vms[index], *other;
	const struct board_desc *board = ctx->board;
	uint32_t i, j, k, spi;

	for (i = 0; i < vm->intid_count; i++) {
		spi = vm->intids[i] - GIC_SPI_BASE;
		if (vm->intids[i] == board->uart.intid)
			return cfg_fail(ctx, ZE_CONFLICT, where,
			                "SPI %u is ZVM's console UART interrupt", spi);
		for (j = 0; j < index; j++) {
			other = &ctx->out->vms[j];
			for (k = 0; k < other->intid_count; k++)
				if (other->intids[k] == vm->intids[i])
					return cfg_fail(ctx, ZE_CONFLICT, where,
					                "SPI %u is already given "
					                "to vm '%s'",
					                spi, other->name);
		}
	}
	return 0;
}

/* A region of the board ZVM keeps for itself, by name, or NULL. */
static const char *board_device_at(const struct board_desc *board, const struct vm_region *r)
{
	uint32_t i;

	for (i = 0; i < board->mem_count; i++)
		if (cfg_overlaps(r->base, r->size, board->mem[i].base, board->mem[i].size))
			return "RAM (only device regions can be passed through)";
	if (cfg_overlaps(r->base, r->size, board->gic.dist.base, board->gic.dist.size))
		return "the GIC distributor";
	for (i = 0; i < board->gic.redist_count; i++)
		if (cfg_overlaps(r->base, r->size, board->gic.redist[i].base,
		                 board->gic.redist[i].size))
			return "the GIC redistributors";
	if (cfg_overlaps(r->base, r->size, board->uart.reg.base, board->uart.reg.size))
		return "ZVM's console UART";
	return NULL;
}

/*
 * A device that can master the bus (DMA) writes wherever it is told, other
 * VMs' RAM and ZVM's included: without an SMMU that ZVM programs, only the
 * operator can accept that (`trusted`).  DMA-capable is what the board's
 * devicetree says: a virtio,mmio node (its queues are in guest memory).
 */
static bool board_dma_device_at(const struct board_desc *board, const struct vm_region *r)
{
	for (uint32_t i = 0; i < board->virtio_count; i++)
		if (cfg_overlaps(r->base, r->size, board->virtio[i].reg.base,
		                 board->virtio[i].reg.size))
			return true;
	return false;
}

/* What the guest sees at r's address (pass-through is identity-mapped). */
static const char *guest_window_at(const struct vm_config *vm, const struct vm_region *r)
{
	if (cfg_overlaps(r->base, r->size, vm->ram.base, vm->ram.size))
		return "its own guest RAM";
	if (cfg_overlaps(r->base, r->size, GUEST_GICD_BASE, GUEST_GICD_SIZE))
		return "its emulated GIC distributor";
	if (cfg_overlaps(r->base, r->size, GUEST_GICR_BASE, vm->vcpu_count * GUEST_GICR_STRIDE))
		return "its emulated GIC redistributors";
	if (vm->uart && cfg_overlaps(r->base, r->size, GUEST_UART_BASE, GUEST_UART_SIZE))
		return "its emulated UART";
	if (vm->time_base &&
	    cfg_overlaps(r->base, r->size, GUEST_TIMEBASE_BASE, GUEST_TIMEBASE_SIZE))
		return "its time base page";
	return NULL;
}

static int check_passthrough(struct cfg_ctx *ctx, uint32_t index, const char *where)
{
	const struct vm_config *vm = &ctx->out->vms[index], *other;
	const struct vm_region *r, *o;
	char text[RANGE_TEXT_MAX];
	const char *clash;
	uint32_t i, j, k;

	for (i = 0; i < vm->passthrough_count; i++) {
		r = &vm->passthrough[i];
		range_text(text, r->base, r->size);
		clash = board_device_at(ctx->board, r);
		if (!clash)
			clash = guest_window_at(vm, r);
		if (clash)
			return cfg_fail(ctx, ZE_CONFLICT, where, "pass-through %s overlaps %s",
			                text, clash);
		for (j = 0; j <= index; j++) {
			other = &ctx->out->vms[j];
			for (k = 0; k < (j == index ? i : other->passthrough_count); k++) {
				o = &other->passthrough[k];
				if (cfg_overlaps(r->base, r->size, o->base, o->size))
					return cfg_fail(ctx, ZE_CONFLICT, where,
					                "pass-through %s is "
					                "already given to vm '%s'",
					                text, other->name);
			}
		}
		if (!vm->passthrough_trusted[i] && board_dma_device_at(ctx->board, r))
			return cfg_fail(ctx, ZE_CONFLICT, where,
			                "pass-through %s holds a DMA-capable device (virtio,mmio) "
			                "that could write any memory: mark its node 'trusted;' "
			                "to accept that (ZVM programs no SMMU)",
			                text);
	}
	return 0;
}

/*
 * Who already holds host memory overlapping [base, base + size): writes a
 * description ("vm 'rtos' (0x...-0x...)") to desc and returns true.
 */
static bool host_memory_taken(struct cfg_ctx *ctx, uint64_t base, uint64_t size, char *desc,
                              size_t desclen, uint64_t *held_end)
{
	const struct system_config *cfg = ctx->out;
	const struct board_range *res;
	const struct vm_config *vm;
	char text[RANGE_TEXT_MAX];
	uint32_t i;

	if (cfg_overlaps(base, size, cfg->zvm_memory.base, cfg->zvm_memory.size)) {
		fmt_snprintf(desc, desclen, "ZVM's own memory (zvm-memory %s)",
		             range_text(text, cfg->zvm_memory.base, cfg->zvm_memory.size));
		*held_end = cfg->zvm_memory.base + cfg->zvm_memory.size;
		return true;
	}
	for (i = 0; i < ctx->board->reserved_count; i++) {
		res = &ctx->board->reserved[i];
		if (cfg_overlaps(base, size, res->base, res->size)) {
			fmt_snprintf(desc, desclen, "reserved memory %s",
			             range_text(text, res->base, res->size));
			*held_end = res->base + res->size;
			return true;
		}
	}
	for (i = 0; i < cfg->vm_count; i++) {
		vm = &cfg->vms[i];
		if (ctx->placed[i] && cfg_overlaps(base, size, vm->ram_host_base, vm->ram.size)) {
			fmt_snprintf(desc, desclen, "vm '%s' (%s)", vm->name,
			             range_text(text, vm->ram_host_base, vm->ram.size));
			*held_end = vm->ram_host_base + vm->ram.size;
			return true;
		}
	}
	return false;
}

static int check_fixed_memory(struct cfg_ctx *ctx, uint32_t index, const char *where)
{
	const struct vm_config *vm = &ctx->out->vms[index];
	char text[RANGE_TEXT_MAX], owner[CFG_WHERE_MAX];
	uint64_t end;

	range_text(text, vm->ram_host_base, vm->ram.size);
	if (!in_board_ram(ctx->board, vm->ram_host_base, vm->ram.size))
		return cfg_fail(ctx, ZE_MALFORMED, where,
		                "host memory %s is not inside the board's RAM", text);
	if (host_memory_taken(ctx, vm->ram_host_base, vm->ram.size, owner, sizeof(owner), &end))
		return cfg_fail(ctx, ZE_CONFLICT, where, "host memory %s overlaps %s", text, owner);
	ctx->placed[index] = true;
	return 0;
}

static uint64_t align_up(uint64_t v, uint64_t align)
{
	return (v + align - 1) & ~(align - 1);
}

/* First fit, lowest address first, within each board RAM range in turn. */
static int place_memory(struct cfg_ctx *ctx, uint32_t index, const char *where)
{
	struct vm_config *vm = &ctx->out->vms[index];
	const struct board_range *ram;
	char owner[CFG_WHERE_MAX];
	uint64_t addr, end, held_end;
	uint32_t i;

	for (i = 0; i < ctx->board->mem_count; i++) {
		ram = &ctx->board->mem[i];
		end = ram->base + ram->size;
		addr = align_up(ram->base, VM_MEM_ALIGN);
		while (addr >= ram->base && addr < end && vm->ram.size <= end - addr) {
			if (!host_memory_taken(ctx, addr, vm->ram.size, owner, sizeof(owner),
			                       &held_end)) {
				vm->ram_host_base = addr;
				ctx->placed[index] = true;
				return 0;
			}
			addr = align_up(held_end, VM_MEM_ALIGN);
		}
	}
	return cfg_fail(ctx, ZE_LIMIT, where, "no free 2 MiB-aligned host RAM for its %llu MiB",
	                (unsigned long long)(vm->ram.size >> 20));
}

int cfg_check_system(struct cfg_ctx *ctx)
{
	struct system_config *cfg = ctx->out;
	char where[CFG_WHERE_MAX];
	uint32_t i;
	int rc = check_zvm_memory(ctx);

	for (i = 0; i < cfg->vm_count && rc == 0; i++) {
		fmt_snprintf(where, sizeof(where), "vm '%s'", cfg->vms[i].name);
		rc = check_cpus(ctx, i, where);
		if (rc == 0)
			rc = check_irqs(ctx, i, where);
		if (rc == 0)
			rc = check_passthrough(ctx, i, where);
		if (rc == 0 && cfg->vms[i].ram_host_fixed)
			rc = check_fixed_memory(ctx, i, where);
	}
	for (i = 0; i < cfg->vm_count && rc == 0; i++) {
		fmt_snprintf(where, sizeof(where), "vm '%s'", cfg->vms[i].name);
		if (!cfg->vms[i].ram_host_fixed)
			rc = place_memory(ctx, i, where);
	}
	if (rc == 0)
		rc = cfg_check_partitions(ctx);
	return rc;
}
