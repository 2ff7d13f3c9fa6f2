/*
 * One VM node of the configuration: its name, OS type, cores, memory,
 * files, flags, recovery policy and pass-through nodes.  Checks that need
 * the other VMs or the board's memory map are in vm_config_check.c.
 */
#include "vmm/vm_config_priv.h"
#include "lib/format.h"
#include "lib/string.h"

#define REG_ENTRY_SIZE   (4 * FDT_CELL_SIZE) /* <addr64 size64> */
#define PASSTHROUGH_NODE "passthrough"

static const char *const vm_props[] = {
	"os-type",      "cpus",         "memory",     "host-address",
	"image",        "initrd",       "bootargs",   "uart",
	"autostart",    "recovery",     "direct-irq", "heartbeat-timeout-ms",
	"abort-policy", "pmu-counters", "time-base",  NULL
};
static const char *const passthrough_props[] = { "reg", "interrupts", "trusted", NULL };

static const char *const os_type_names[] = {
	[VM_OS_RTOS] = "rtos",
	[VM_OS_LINUX] = "linux",
	[VM_OS_BAREMETAL] = "baremetal",
};
static const char *const recovery_names[] = {
	[VM_RECOVERY_NONE] = "none",
	[VM_RECOVERY_RESTART] = "restart",
	[VM_RECOVERY_PAUSE] = "pause",
};
static const char *const abort_policy_names[] = {
	[VM_ABORT_INJECT] = "inject",
	[VM_ABORT_CRASH] = "crash",
};

#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

static bool name_char_ok(char c, bool first)
{
	if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'))
		return true;
	return !first && ((c >= '0' && c <= '9') || c == '-' || c == '_');
}

bool vm_config_name_ok(const char *name)
{
	size_t len = strnlen(name, VM_NAME_MAX);

	if (len == 0 || len >= VM_NAME_MAX)
		return false;
	for (size_t i = 0; i < len; i++) {
		if (!name_char_ok(name[i], i == 0))
			return false;
	}
	return true;
}

/* The node name is the VM's name: used on the command line, so plain. */
static int read_name(struct cfg_ctx *ctx, int node, struct vm_config *vm)
{
	const char *name = fdt_get_name(&ctx->fdt, node, NULL);
	size_t len = name ? strlen(name) : 0;

	if (len == 0)
		return cfg_fail(ctx, ZE_MALFORMED, "/zvm/vms", "a VM node without a name");
	if (len >= VM_NAME_MAX)
		return cfg_fail(ctx, ZE_LIMIT, "/zvm/vms",
		                "VM name '%s' is longer than %d characters", name, VM_NAME_MAX - 1);
	if (!vm_config_name_ok(name))
		return cfg_fail(ctx, ZE_MALFORMED, "/zvm/vms",
		                "VM name '%s': " VM_NAME_RULE " (no unit address)", name);
	memcpy(vm->name, name, len + 1);
	return 0;
}

/* String property name must be one of names (count entries); *out its index. */
static int read_choice(struct cfg_ctx *ctx, int node, const char *where, const char *name,
                       const char *const *names, size_t count, const char *choices, bool required,
                       uint32_t *out)
{
	char value[VM_NAME_MAX];
	size_t i;
	int rc = cfg_read_string(ctx, node, where, name, value, sizeof(value), required);

	if (rc || !value[0])
		return rc;
	for (i = 0; i < count; i++) {
		if (strcmp(value, names[i]) == 0) {
			*out = (uint32_t)i;
			return 0;
		}
	}
	return cfg_fail(ctx, ZE_MALFORMED, where, "%s \"%s\" is not one of %s", name, value,
	                choices);
}

/* Image and initrd are package entries: plain file names. */
int cfg_read_file_name(struct cfg_ctx *ctx, int node, const char *where, const char *name,
                       char *buf, bool required)
{
	int rc = cfg_read_string(ctx, node, where, name, buf, VM_FILE_NAME_MAX, required);

	if (rc || !buf[0])
		return rc;
	if (strchr(buf, '/') || strcmp(buf, ".") == 0 || strcmp(buf, "..") == 0)
		return cfg_fail(ctx, ZE_MALFORMED, where,
		                "%s \"%s\" must be a plain file name, without '/'", name, buf);
	return 0;
}

static int read_cpus(struct cfg_ctx *ctx, int node, const char *where, struct vm_config *vm)
{
	int len;
	const uint8_t *cells = fdt_getprop(&ctx->fdt, node, "cpus", &len);
	uint32_t i, j, count;

	if (!cells)
		return cfg_fail(ctx, ZE_MISSING, where, "missing required property 'cpus'");
	if (len % FDT_CELL_SIZE)
		return cfg_fail(ctx, ZE_MALFORMED, where,
		                "'cpus' must be a list of cells, like <1 2>");
	count = (uint32_t)len / FDT_CELL_SIZE;
	if (count == 0)
		return cfg_fail(ctx, ZE_MALFORMED, where, "zero vCPUs: 'cpus' is empty");
	if (count > GUEST_MAX_VCPUS)
		return cfg_fail(ctx, ZE_LIMIT, where, "%u vCPUs, at most %d", count,
		                GUEST_MAX_VCPUS);
	for (i = 0; i < count; i++) {
		vm->cpus[i] = fdt_be32(cells + i * FDT_CELL_SIZE);
		if (vm->cpus[i] >= ctx->board->cpu_count)
			return cfg_fail(ctx, ZE_MALFORMED, where,
			                "cpu %u does not exist (the board has %u "
			                "cores: 0-%u)",
			                vm->cpus[i], ctx->board->cpu_count,
			                ctx->board->cpu_count - 1);
		for (j = 0; j < i; j++)
			if (vm->cpus[j] == vm->cpus[i])
				return cfg_fail(ctx, ZE_CONFLICT, where, "cpu %u is listed twice",
				                vm->cpus[i]);
	}
	vm->vcpu_count = count;
	return 0;
}

static int read_memory(struct cfg_ctx *ctx, int node, const char *where, struct vm_config *vm)
{
	int len, rc;
	const uint8_t *host;

	rc = cfg_read_region(ctx, node, where, "memory", &vm->ram);
	if (rc)
		return rc;
	if (vm->ram.base < GUEST_RAM_BASE)
		return cfg_fail(ctx, ZE_MALFORMED, where,
		                "guest RAM at 0x%llx overlaps the guest's device "
		                "window below 0x%llx",
		                (unsigned long long)vm->ram.base,
		                (unsigned long long)GUEST_RAM_BASE);
	host = fdt_getprop(&ctx->fdt, node, "host-address", &len);
	if (!host)
		return 0;
	if (len != 2 * FDT_CELL_SIZE)
		return cfg_fail(ctx, ZE_MALFORMED, where,
		                "'host-address' must be one 64-bit value (2 cells)");
	vm->ram_host_base = fdt_be64(host);
	vm->ram_host_fixed = true;
	if (vm->ram_host_base % VM_MEM_ALIGN)
		return cfg_fail(ctx, ZE_MALFORMED, where,
		                "host-address 0x%llx is not 2 MiB aligned",
		                (unsigned long long)vm->ram_host_base);
	if (vm->ram.size > UINT64_MAX - vm->ram_host_base)
		return cfg_fail(ctx, ZE_MALFORMED, where,
		                "host-address 0x%llx + memory wraps the address space",
		                (unsigned long long)vm->ram_host_base);
	return 0;
}

static int read_passthrough_regs(struct cfg_ctx *ctx, int node, const char *where,
                                 struct vm_config *vm)
{
	int len;
	const uint8_t *reg = fdt_getprop(&ctx->fdt, node, "reg", &len);
	struct vm_region *r;
	int i;

	if (!reg)
		return cfg_fail(ctx, ZE_MISSING, where, "missing required property 'reg'");
	if (len == 0 || len % REG_ENTRY_SIZE)
		return cfg_fail(ctx, ZE_MALFORMED, where,
		                "'reg' must be <base size> pairs of 64-bit values "
		                "(4 cells each)");
	for (i = 0; i < len / REG_ENTRY_SIZE; i++) {
		if (vm->passthrough_count >= VM_MAX_PASSTHROUGH)
			return cfg_fail(ctx, ZE_LIMIT, where, "more than %d pass-through regions",
			                VM_MAX_PASSTHROUGH);
		r = &vm->passthrough[vm->passthrough_count++];
		r->base = fdt_be64(reg + i * REG_ENTRY_SIZE);
		r->size = fdt_be64(reg + i * REG_ENTRY_SIZE + 2 * FDT_CELL_SIZE);
		if (r->size == 0 || r->base % VM_PASSTHROUGH_ALIGN ||
		    r->size % VM_PASSTHROUGH_ALIGN || r->size > UINT64_MAX - r->base)
			return cfg_fail(ctx, ZE_MALFORMED, where,
			                "region <0x%llx 0x%llx> must be non-empty, "
			                "4 KiB aligned and inside the address space",
			                (unsigned long long)r->base, (unsigned long long)r->size);
	}
	return 0;
}

static int read_passthrough_irqs(struct cfg_ctx *ctx, int node, const char *where,
                                 struct vm_config *vm)
{
	int len;
	const uint8_t *cells = fdt_getprop(&ctx->fdt, node, "interrupts", &len);
	uint32_t i, j, spi, intid;

	if (!cells)
		return 0;
	if (len == 0 || len % FDT_CELL_SIZE)
		return cfg_fail(ctx, ZE_MALFORMED, where,
		                "'interrupts' must be a list of SPI numbers, like <78 79>");
	for (i = 0; i < (uint32_t)len / FDT_CELL_SIZE; i++) {
		spi = fdt_be32(cells + i * FDT_CELL_SIZE);
		if (spi >= GIC_SPI_COUNT)
			return cfg_fail(ctx, ZE_MALFORMED, where, "SPI %u is out of range (0-%u)",
			                spi, GIC_SPI_COUNT - 1);
		intid = spi + GIC_SPI_BASE;
		for (j = 0; j < vm->intid_count; j++)
			if (vm->intids[j] == intid)
				return cfg_fail(ctx, ZE_CONFLICT, where, "SPI %u is given twice",
				                spi);
		if (vm->intid_count >= VM_MAX_SPIS)
			return cfg_fail(ctx, ZE_LIMIT, where,
			                "more than %d pass-through interrupts", VM_MAX_SPIS);
		vm->intids[vm->intid_count++] = intid;
	}
	return 0;
}

static bool is_passthrough_name(const char *name)
{
	size_t len = strlen(PASSTHROUGH_NODE);

	return strncmp(name, PASSTHROUGH_NODE, len) == 0 && (name[len] == '\0' || name[len] == '@');
}

static int parse_subnodes(struct cfg_ctx *ctx, int vm_node, const char *where, struct vm_config *vm)
{
	char pt_where[CFG_WHERE_MAX];
	const char *name;
	int node, rc;

	for (node = fdt_first_subnode(&ctx->fdt, vm_node); node >= 0;
	     node = fdt_next_subnode(&ctx->fdt, node)) {
		name = fdt_get_name(&ctx->fdt, node, NULL);
		if (name && cfg_is_virtio_node(name)) {
			fmt_snprintf(pt_where, sizeof(pt_where), "%s %s", where, name);
			rc = cfg_parse_virtio(ctx, node, pt_where, vm);
			if (rc)
				return rc;
			continue;
		}
		if (!name || !is_passthrough_name(name))
			return cfg_fail(ctx, ZE_UNKNOWN, where, "unknown node '%s'",
			                name ? name : "?");
		fmt_snprintf(pt_where, sizeof(pt_where), "%s %s", where, name);
		rc = cfg_check_props(ctx, node, pt_where, passthrough_props);
		uint32_t first = vm->passthrough_count;
		bool trusted = false;

		if (rc == 0)
			rc = read_passthrough_regs(ctx, node, pt_where, vm);
		if (rc == 0)
			rc = cfg_read_flag(ctx, node, pt_where, "trusted", &trusted);
		for (uint32_t i = first; rc == 0 && i < vm->passthrough_count; i++)
			vm->passthrough_trusted[i] = trusted;
		if (rc == 0)
			rc = read_passthrough_irqs(ctx, node, pt_where, vm);
		if (rc)
			return rc;
	}
	return 0;
}

static int read_flags(struct cfg_ctx *ctx, int node, const char *where, struct vm_config *vm)
{
	int rc = cfg_read_flag(ctx, node, where, "uart", &vm->uart);

	if (rc == 0)
		rc = cfg_read_flag(ctx, node, where, "autostart", &vm->autostart);
	if (rc == 0)
		rc = cfg_read_flag(ctx, node, where, "direct-irq", &vm->direct_irq);
	if (rc == 0)
		rc = cfg_read_flag(ctx, node, where, "time-base", &vm->time_base);
	return rc;
}

/* How long a guest that beats may go without a beat (docs/hypercalls.md). */
static int read_heartbeat(struct cfg_ctx *ctx, int node, const char *where, struct vm_config *vm)
{
	vm->heartbeat_timeout_ms = VM_HEARTBEAT_DEFAULT_MS;
	if (!fdt_getprop(&ctx->fdt, node, "heartbeat-timeout-ms", NULL))
		return 0;
	int rc = cfg_read_cell(ctx, node, where, "heartbeat-timeout-ms", &vm->heartbeat_timeout_ms);
	if (rc == 0 && (vm->heartbeat_timeout_ms < VM_HEARTBEAT_MIN_MS ||
	                vm->heartbeat_timeout_ms > VM_HEARTBEAT_MAX_MS))
		rc = cfg_fail(ctx, ZE_MALFORMED, where,
		              "heartbeat-timeout-ms %u is not "
		              "within %u..%u",
		              vm->heartbeat_timeout_ms, VM_HEARTBEAT_MIN_MS, VM_HEARTBEAT_MAX_MS);
	return rc;
}

/* How many PMU event counters the guest gets (MDCR_EL2.HPMN); a core with
 * fewer gives it all it has. */
static int read_pmu_counters(struct cfg_ctx *ctx, int node, const char *where, struct vm_config *vm)
{
	vm->pmu_counters = 0;
	if (!fdt_getprop(&ctx->fdt, node, "pmu-counters", NULL))
		return 0;
	int rc = cfg_read_cell(ctx, node, where, "pmu-counters", &vm->pmu_counters);
	if (rc == 0 && (vm->pmu_counters < 1 || vm->pmu_counters > VM_PMU_COUNTERS_MAX))
		rc = cfg_fail(ctx, ZE_MALFORMED, where, "pmu-counters %u is not within 1..%u",
		              vm->pmu_counters, VM_PMU_COUNTERS_MAX);
	return rc;
}

int cfg_parse_vm(struct cfg_ctx *ctx, int node, struct vm_config *vm)
{
	char where[CFG_WHERE_MAX];
	uint32_t choice = 0;
	int rc;

	rc = read_name(ctx, node, vm);
	if (rc)
		return rc;
	fmt_snprintf(where, sizeof(where), "vm '%s'", vm->name);
	rc = cfg_check_props(ctx, node, where, vm_props);
	if (rc == 0)
		rc = read_choice(ctx, node, where, "os-type", os_type_names,
		                 ARRAY_LEN(os_type_names), "rtos, linux, baremetal", true, &choice);
	vm->os_type = (enum vm_os_type)choice;
	choice = VM_RECOVERY_NONE;
	if (rc == 0)
		rc = read_choice(ctx, node, where, "recovery", recovery_names,
		                 ARRAY_LEN(recovery_names), "none, restart, pause", false, &choice);
	vm->recovery = (enum vm_recovery)choice;
	choice = VM_ABORT_INJECT;
	if (rc == 0)
		rc = read_choice(ctx, node, where, "abort-policy", abort_policy_names,
		                 ARRAY_LEN(abort_policy_names), "inject, crash", false, &choice);
	vm->abort_policy = (enum vm_abort_policy)choice;
	if (rc == 0)
		rc = read_cpus(ctx, node, where, vm);
	if (rc == 0)
		rc = read_memory(ctx, node, where, vm);
	if (rc == 0)
		rc = cfg_read_file_name(ctx, node, where, "image", vm->image, true);
	if (rc == 0)
		rc = cfg_read_file_name(ctx, node, where, "initrd", vm->initrd, false);
	if (rc == 0)
		rc = cfg_read_string(ctx, node, where, "bootargs", vm->bootargs,
		                     sizeof(vm->bootargs), false);
	if (rc == 0)
		rc = read_flags(ctx, node, where, vm);
	if (rc == 0)
		rc = read_heartbeat(ctx, node, where, vm);
	if (rc == 0)
		rc = read_pmu_counters(ctx, node, where, vm);
	if (rc == 0)
		rc = parse_subnodes(ctx, node, where, vm);
	if (rc == 0)
		rc = cfg_check_virtio(ctx, vm, where);
	return rc;
}
