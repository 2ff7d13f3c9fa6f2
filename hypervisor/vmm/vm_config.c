/*
 * The configuration devicetree: the /zvm node, the property readers every
 * part uses, and the image size check.  Each VM node is read in
 * vm_config_vm.c; checks across VMs are in vm_config_check.c.
 *
 * Strict on purpose: a property or node that is not in the schema is an
 * error, so that a misspelt "autostrat" fails loudly instead of silently
 * leaving a VM stopped.
 */
#include "vmm/vm_config_priv.h"
#include "lib/format.h"
#include "lib/string.h"

#include <stdarg.h>

#define ERR_PREFIX "config: "

static const char *const root_props[] = { "model", "compatible", "#address-cells", "#size-cells",
	                                  NULL };
static const char *const no_props[] = { NULL };
static const char *const zvm_props[] = { "compatible", "zvm-cpu", "zvm-memory", "mgmt-key", NULL };

int cfg_fail(struct cfg_ctx *ctx, enum zerror code, const char *where, const char *fmt, ...)
{
	char prefix[VM_NAME_MAX + sizeof(ERR_PREFIX) + 8];
	va_list ap;

	fmt_snprintf(prefix, sizeof(prefix), "%s%s: ", ERR_PREFIX, where);
	va_start(ap, fmt);
	int rc = zerr_vset(ctx->msg, code, prefix, fmt, ap);
	va_end(ap);
	return rc;
}

static bool name_in(const char *name, const char *const *list)
{
	for (; *list; list++)
		if (strcmp(name, *list) == 0)
			return true;
	return false;
}

int cfg_check_props(struct cfg_ctx *ctx, int node, const char *where, const char *const *allowed)
{
	const char *name;
	int prop, rc;

	for (prop = fdt_first_property(&ctx->fdt, node); prop >= 0;
	     prop = fdt_next_property(&ctx->fdt, prop)) {
		rc = fdt_property_at(&ctx->fdt, prop, &name, NULL, NULL);
		if (rc)
			return cfg_fail(ctx, ZE_NOT_A_BLOB, where, "unreadable property (%s)",
			                zerror_name(rc));
		if (!name_in(name, allowed))
			return cfg_fail(ctx, ZE_UNKNOWN, where, "unknown property '%s'", name);
	}
	return 0;
}

int cfg_read_string(struct cfg_ctx *ctx, int node, const char *where, const char *name, char *buf,
                    size_t size, bool required)
{
	int len;
	const char *value = fdt_getprop(&ctx->fdt, node, name, &len);

	buf[0] = '\0';
	if (!value) {
		if (!required)
			return 0;
		return cfg_fail(ctx, ZE_MISSING, where, "missing required property '%s'", name);
	}
	if (len < 2 || value[len - 1] != '\0' || strlen(value) != (size_t)len - 1)
		return cfg_fail(ctx, ZE_MALFORMED, where, "'%s' must be one non-empty string",
		                name);
	if ((size_t)len > size)
		return cfg_fail(ctx, ZE_LIMIT, where, "'%s' is longer than %zu characters", name,
		                size - 1);
	memcpy(buf, value, (size_t)len);
	return 0;
}

int cfg_read_flag(struct cfg_ctx *ctx, int node, const char *where, const char *name, bool *out)
{
	int len;

	*out = fdt_getprop(&ctx->fdt, node, name, &len) != NULL;
	if (*out && len != 0)
		return cfg_fail(ctx, ZE_MALFORMED, where,
		                "'%s' is a flag and takes no value (write '%s;')", name, name);
	return 0;
}

int cfg_read_cell(struct cfg_ctx *ctx, int node, const char *where, const char *name, uint32_t *out)
{
	int len;
	const void *value = fdt_getprop(&ctx->fdt, node, name, &len);

	if (!value)
		return cfg_fail(ctx, ZE_MISSING, where, "missing required property '%s'", name);
	if (len != FDT_CELL_SIZE)
		return cfg_fail(ctx, ZE_MALFORMED, where, "'%s' must be one cell, like <1>", name);
	*out = fdt_be32(value);
	return 0;
}

int cfg_read_region(struct cfg_ctx *ctx, int node, const char *where, const char *name,
                    struct vm_region *out)
{
	int len;
	const uint8_t *value = fdt_getprop(&ctx->fdt, node, name, &len);

	if (!value)
		return cfg_fail(ctx, ZE_MISSING, where, "missing required property '%s'", name);
	if (len != 4 * FDT_CELL_SIZE)
		return cfg_fail(ctx, ZE_MALFORMED, where,
		                "'%s' must be <base size> as two 64-bit values "
		                "(4 cells)",
		                name);
	out->base = fdt_be64(value);
	out->size = fdt_be64(value + 2 * FDT_CELL_SIZE);
	if (out->size == 0)
		return cfg_fail(ctx, ZE_MALFORMED, where, "'%s' has size 0", name);
	if (out->size > UINT64_MAX - out->base)
		return cfg_fail(ctx, ZE_MALFORMED, where,
		                "'%s' wraps past the end of the address space", name);
	if (out->base % VM_MEM_ALIGN || out->size % VM_MEM_ALIGN)
		return cfg_fail(ctx, ZE_MALFORMED, where,
		                "'%s' <0x%llx 0x%llx> is not 2 MiB aligned", name,
		                (unsigned long long)out->base, (unsigned long long)out->size);
	return 0;
}

/* The root may hold only the /zvm node (and a few harmless properties). */
static int check_root(struct cfg_ctx *ctx)
{
	int root = fdt_root(&ctx->fdt), node, rc;
	const char *name;

	rc = cfg_check_props(ctx, root, "/", root_props);
	if (rc)
		return rc;
	for (node = fdt_first_subnode(&ctx->fdt, root); node >= 0;
	     node = fdt_next_subnode(&ctx->fdt, node)) {
		name = fdt_get_name(&ctx->fdt, node, NULL);
		if (!name || strcmp(name, "zvm") != 0)
			return cfg_fail(ctx, ZE_UNKNOWN, "/", "unknown node '%s'",
			                name ? name : "?");
	}
	return 0;
}

/* The management protocol's HMAC key (docs/protocol.md): 32 bytes, or none. */
static int read_mgmt_key(struct cfg_ctx *ctx, int zvm)
{
	int len;
	const uint8_t *key = fdt_getprop(&ctx->fdt, zvm, "mgmt-key", &len);

	if (!key)
		return 0;
	if (len != VM_CONFIG_MGMT_KEY_BYTES)
		return cfg_fail(ctx, ZE_MALFORMED, "/zvm",
		                "mgmt-key must be %u bytes ([xx ...] in the source), not %d",
		                VM_CONFIG_MGMT_KEY_BYTES, len);
	memcpy(ctx->out->mgmt_key, key, VM_CONFIG_MGMT_KEY_BYTES);
	ctx->out->has_mgmt_key = true;
	return 0;
}

static int parse_zvm_node(struct cfg_ctx *ctx, int zvm)
{
	struct system_config *out = ctx->out;
	int rc;

	rc = cfg_check_props(ctx, zvm, "/zvm", zvm_props);
	if (rc)
		return rc;
	if (!fdt_getprop(&ctx->fdt, zvm, "compatible", NULL))
		return cfg_fail(ctx, ZE_MISSING, "/zvm", "missing required property 'compatible'");
	if (!fdt_node_is_compatible(&ctx->fdt, zvm, VM_CONFIG_COMPATIBLE))
		return cfg_fail(ctx, ZE_MALFORMED, "/zvm",
		                "compatible is not \"" VM_CONFIG_COMPATIBLE "\" "
		                "(a configuration for another ZVM version?)");
	rc = cfg_read_cell(ctx, zvm, "/zvm", "zvm-cpu", &out->zvm_cpu);
	if (rc)
		return rc;
	if (out->zvm_cpu >= ctx->board->cpu_count)
		return cfg_fail(ctx, ZE_MALFORMED, "/zvm",
		                "zvm-cpu %u does not exist (the board has %u cores: 0-%u)",
		                out->zvm_cpu, ctx->board->cpu_count, ctx->board->cpu_count - 1);
	rc = cfg_read_region(ctx, zvm, "/zvm", "zvm-memory", &out->zvm_memory);
	return rc ? rc : read_mgmt_key(ctx, zvm);
}

static int parse_vms(struct cfg_ctx *ctx, int zvm)
{
	struct system_config *out = ctx->out;
	int vms = -1, channels = -1, network = -1, node, rc;
	const char *name;

	for (node = fdt_first_subnode(&ctx->fdt, zvm); node >= 0;
	     node = fdt_next_subnode(&ctx->fdt, node)) {
		name = fdt_get_name(&ctx->fdt, node, NULL);
		if (name && strcmp(name, "vms") == 0)
			vms = node;
		else if (name && strcmp(name, "channels") == 0)
			channels = node;
		else if (name && strcmp(name, "network") == 0)
			network = node;
		else
			return cfg_fail(ctx, ZE_UNKNOWN, "/zvm", "unknown node '%s'",
			                name ? name : "?");
	}
	if (vms < 0)
		return cfg_fail(ctx, ZE_MISSING, "/zvm", "missing node 'vms'");
	rc = cfg_check_props(ctx, vms, "/zvm/vms", no_props);
	if (rc)
		return rc;
	for (node = fdt_first_subnode(&ctx->fdt, vms); node >= 0;
	     node = fdt_next_subnode(&ctx->fdt, node)) {
		if (out->vm_count >= VM_CONFIG_MAX_VMS)
			return cfg_fail(ctx, ZE_LIMIT, "/zvm/vms", "more than %d VMs",
			                VM_CONFIG_MAX_VMS);
		rc = cfg_parse_vm(ctx, node, &out->vms[out->vm_count]);
		if (rc)
			return rc;
		out->vm_count++;
	}
	rc = channels < 0 ? 0 : cfg_parse_channels(ctx, channels);
	if (rc == 0 && network >= 0)
		rc = cfg_parse_network(ctx, network);
	return rc ? rc : cfg_check_macs(ctx);
}

int vm_config_parse(const void *blob, size_t size, const struct board_desc *board,
                    struct system_config *out, struct zerr_msg *msg)
{
	struct cfg_ctx ctx = { .board = board, .out = out, .msg = msg };
	int rc, zvm;

	zerr_clear(msg);
	if (!blob || !board || !out)
		return cfg_fail(&ctx, ZE_INVAL, "arguments", "NULL blob, board or output");
	memset(out, 0, sizeof(*out));
	rc = fdt_init(&ctx.fdt, blob, size);
	if (rc)
		return cfg_fail(&ctx, ZE_NOT_A_BLOB, "blob", "%s", zerror_name(rc));
	rc = check_root(&ctx);
	if (rc)
		return rc;
	zvm = fdt_path_offset(&ctx.fdt, "/zvm");
	if (zvm < 0)
		return cfg_fail(&ctx, ZE_MISSING, "/",
		                "no /zvm node: not a ZVM system configuration");
	rc = parse_zvm_node(&ctx, zvm);
	if (rc == 0)
		rc = parse_vms(&ctx, zvm);
	if (rc == 0)
		rc = cfg_check_system(&ctx);
	if (rc)
		memset(out, 0, sizeof(*out));
	return rc;
}

/* Size of file name; fails with a message naming the VM when missing. */
static int image_size(struct cfg_ctx *ctx, const struct vm_config *vm, const char *what,
                      const char *name, vm_image_size_fn lookup, void *lctx, uint64_t *size)
{
	char where[CFG_WHERE_MAX];

	if (lookup(lctx, name, size) == 0)
		return 0;
	fmt_snprintf(where, sizeof(where), "vm '%s'", vm->name);
	return cfg_fail(ctx, ZE_IMAGE, where, "%s '%s' not found", what, name);
}

/* Each RAM disk's image is in the package and no larger than the disk. */
static int check_ram_disk_images(struct cfg_ctx *ctx, const struct vm_config *vm,
                                 vm_image_size_fn lookup, void *lctx)
{
	char where[CFG_WHERE_MAX];
	uint64_t size;

	for (uint32_t i = 0; i < vm->virtio_count; i++) {
		const struct vm_virtio *d = &vm->virtio[i];
		if (!d->image[0])
			continue;
		fmt_snprintf(where, sizeof(where), "vm '%s' virtio@%x", vm->name, d->slot);
		if (lookup(lctx, d->image, &size))
			return cfg_fail(ctx, ZE_IMAGE, where,
			                "RAM disk image '%s' is not in the package", d->image);
		if (size > d->size)
			return cfg_fail(ctx, ZE_IMAGE, where,
			                "RAM disk image '%s' (%llu bytes) is larger than the disk "
			                "(%llu bytes)",
			                d->image, (unsigned long long)size,
			                (unsigned long long)d->size);
	}
	return 0;
}

static int check_vm_images(struct cfg_ctx *ctx, const struct vm_config *vm, vm_image_size_fn lookup,
                           void *lctx)
{
	char where[CFG_WHERE_MAX];
	uint64_t image, initrd = 0;
	int rc;

	fmt_snprintf(where, sizeof(where), "vm '%s'", vm->name);
	rc = check_ram_disk_images(ctx, vm, lookup, lctx);
	if (rc)
		return rc;
	rc = image_size(ctx, vm, "image", vm->image, lookup, lctx, &image);
	if (rc)
		return rc;
	if (image > vm->ram.size)
		return cfg_fail(ctx, ZE_IMAGE, where,
		                "image '%s' (%llu bytes) is larger than its memory "
		                "(%llu bytes)",
		                vm->image, (unsigned long long)image,
		                (unsigned long long)vm->ram.size);
	if (!vm->initrd[0])
		return 0;
	rc = image_size(ctx, vm, "initrd", vm->initrd, lookup, lctx, &initrd);
	if (rc)
		return rc;
	if (initrd > vm->ram.size - image)
		return cfg_fail(ctx, ZE_IMAGE, where,
		                "image '%s' and initrd '%s' (%llu bytes together) "
		                "do not fit in its memory (%llu bytes)",
		                vm->image, vm->initrd, (unsigned long long)(image + initrd),
		                (unsigned long long)vm->ram.size);
	return 0;
}

int vm_config_check_images(const struct system_config *cfg, vm_image_size_fn lookup, void *ctx,
                           struct zerr_msg *msg)
{
	struct cfg_ctx c = { .msg = msg };
	uint32_t i;
	int rc;

	zerr_clear(msg);
	if (!cfg || !lookup)
		return cfg_fail(&c, ZE_INVAL, "arguments", "NULL configuration or lookup");
	for (i = 0; i < cfg->vm_count; i++) {
		rc = check_vm_images(&c, &cfg->vms[i], lookup, ctx);
		if (rc)
			return rc;
	}
	return 0;
}

const char *vm_os_type_name(enum vm_os_type type)
{
	switch (type) {
	case VM_OS_RTOS: return "rtos";
	case VM_OS_LINUX: return "linux";
	case VM_OS_BAREMETAL: return "baremetal";
	default: break;
	}
	return "?";
}

const char *vm_recovery_name(enum vm_recovery recovery)
{
	switch (recovery) {
	case VM_RECOVERY_NONE: return "none";
	case VM_RECOVERY_RESTART: return "restart";
	case VM_RECOVERY_PAUSE: return "pause";
	default: break;
	}
	return "?";
}

const char *vm_abort_policy_name(enum vm_abort_policy policy)
{
	switch (policy) {
	case VM_ABORT_INJECT: return "inject";
	case VM_ABORT_CRASH: return "crash";
	default: break;
	}
	return "?";
}
