/*
 * A VM's VirtIO devices in the configuration: `virtio@<slot>` nodes under
 * the VM (schema: docs/configuration.md).  The slot (hex, 0-1f) places the
 * device's virtio-mmio window at GUEST_VIRTIO_BASE + slot * stride, as on
 * QEMU virt; its interrupt defaults to that slot's SPI there (16 + slot).
 */
#include "vmm/vm_config_priv.h"
#include "lib/format.h"
#include "lib/string.h"

#define VIRTIO_NODE         "virtio"
/* QEMU virt: virtio-mmio transport i interrupts on SPI 16 + i. */
#define VIRTIO_DEFAULT_SPI0 (GUEST_INTID_VIRTIO0 - GIC_SPI_BASE)

static const char *const virtio_props[] = { "type", "backing",   "interrupt",
	                                    "size", "partition", "read-only",
	                                    "mac",  "image",     NULL };

static const char *const type_names[] = {
	[VM_VIRTIO_CONSOLE] = "console",
	[VM_VIRTIO_BLK] = "blk",
	[VM_VIRTIO_NET] = "net",
};
static const char *const backing_names[] = {
	[VM_BACKING_CONSOLE] = "console",
	[VM_BACKING_RAM] = "ram",
	[VM_BACKING_DISK] = "disk",
	[VM_BACKING_SWITCH] = "switch",
};
#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

const char *vm_virtio_type_name(enum vm_virtio_type type)
{
	return (unsigned)type < COUNT(type_names) ? type_names[type] : "?";
}

const char *vm_virtio_backing_name(enum vm_virtio_backing backing)
{
	return (unsigned)backing < COUNT(backing_names) ? backing_names[backing] : "?";
}

bool cfg_is_virtio_node(const char *name)
{
	size_t len = strlen(VIRTIO_NODE);

	return strncmp(name, VIRTIO_NODE, len) == 0 && name[len] == '@';
}

/* "virtio@<hex>": the slot number, or -1 when it is not one. */
static int slot_of(const char *name)
{
	const char *p = name + strlen(VIRTIO_NODE) + 1;
	uint32_t slot = 0;

	if (!*p)
		return -1;
	for (; *p; p++) {
		char c = *p;
		uint32_t digit = c >= '0' && c <= '9' ? (uint32_t)(c - '0') :
		                 c >= 'a' && c <= 'f' ? (uint32_t)(c - 'a' + 10) :
		                                        16u;
		if (digit > 15 || slot >= GUEST_VIRTIO_SLOTS)
			return -1;
		slot = slot * 16 + digit;
	}
	return slot < GUEST_VIRTIO_SLOTS ? (int)slot : -1;
}

static int read_type(struct cfg_ctx *ctx, int node, const char *where, struct vm_virtio *d)
{
	char value[VM_NAME_MAX];
	int rc = cfg_read_string(ctx, node, where, "type", value, sizeof(value), true);

	if (rc)
		return rc;
	for (unsigned t = 0; t < COUNT(type_names); t++) {
		if (strcmp(value, type_names[t]) == 0) {
			d->type = (enum vm_virtio_type)t;
			return 0;
		}
	}
	return cfg_fail(ctx, ZE_MALFORMED, where, "type \"%s\" is not one of console, blk, net",
	                value);
}

/* A console's backing is its console ring; a disk's is "ram" or "disk", given. */
static int read_backing(struct cfg_ctx *ctx, int node, const char *where, struct vm_virtio *d)
{
	char value[VM_NAME_MAX];
	int rc = cfg_read_string(ctx, node, where, "backing", value, sizeof(value), false);

	if (rc)
		return rc;
	if (d->type == VM_VIRTIO_CONSOLE) {
		d->backing = VM_BACKING_CONSOLE;
		if (!value[0] || strcmp(value, backing_names[VM_BACKING_CONSOLE]) == 0)
			return 0;
		return cfg_fail(ctx, ZE_MALFORMED, where,
		                "a console device's backing is \"console\", not \"%s\"", value);
	}
	if (d->type == VM_VIRTIO_NET) {
		d->backing = VM_BACKING_SWITCH;
		if (!value[0] || strcmp(value, backing_names[VM_BACKING_SWITCH]) == 0)
			return 0;
		return cfg_fail(ctx, ZE_MALFORMED, where,
		                "a net device's backing is \"switch\", not \"%s\"", value);
	}
	if (strcmp(value, backing_names[VM_BACKING_RAM]) == 0)
		d->backing = VM_BACKING_RAM;
	else if (strcmp(value, backing_names[VM_BACKING_DISK]) == 0)
		d->backing = VM_BACKING_DISK;
	else if (!value[0])
		return cfg_fail(ctx, ZE_MISSING, where,
		                "a blk device needs 'backing': \"ram\" (with size) or \"disk\" "
		                "(with partition)");
	else
		return cfg_fail(ctx, ZE_MALFORMED, where,
		                "a blk device's backing is \"ram\" or \"disk\", not \"%s\"", value);
	return 0;
}

/* A 64-bit value in two cells, as <0x0 0x4000000>. */
static int read_u64(struct cfg_ctx *ctx, int node, const char *where, const char *name,
                    uint64_t *out)
{
	int len;
	const uint8_t *value = fdt_getprop(&ctx->fdt, node, name, &len);

	if (!value)
		return cfg_fail(ctx, ZE_MISSING, where, "missing required property '%s'", name);
	if (len != 2 * FDT_CELL_SIZE)
		return cfg_fail(ctx, ZE_MALFORMED, where,
		                "'%s' must be one 64-bit value (2 cells), like <0x0 0x400000>",
		                name);
	*out = fdt_be64(value);
	return 0;
}

static bool has_prop(struct cfg_ctx *ctx, int node, const char *name)
{
	return fdt_getprop(&ctx->fdt, node, name, NULL) != NULL;
}

static int read_ram_disk(struct cfg_ctx *ctx, int node, const char *where, struct vm_virtio *d)
{
	if (has_prop(ctx, node, "partition"))
		return cfg_fail(
		        ctx, ZE_MALFORMED, where,
		        "a RAM disk has a size, not a partition (that is backing \"disk\")");
	int rc = read_u64(ctx, node, where, "size", &d->size);
	if (rc)
		return rc;
	if (d->size == 0 || d->size % VM_RAMDISK_ALIGN || d->size > VM_RAMDISK_MAX)
		return cfg_fail(ctx, ZE_MALFORMED, where,
		                "size 0x%llx: a RAM disk is whole 4 KiB pages, at most %llu MiB",
		                (unsigned long long)d->size,
		                (unsigned long long)(VM_RAMDISK_MAX >> 20));
	/* Its first contents; the validator checks the file fits (check_vm_images). */
	return cfg_read_file_name(ctx, node, where, "image", d->image, false);
}

static int read_partition(struct cfg_ctx *ctx, int node, const char *where, struct vm_virtio *d)
{
	int len;
	const uint8_t *value = fdt_getprop(&ctx->fdt, node, "partition", &len);

	if (has_prop(ctx, node, "size"))
		return cfg_fail(ctx, ZE_MALFORMED, where,
		                "a disk partition's size is in 'partition', not 'size'");
	if (!value)
		return cfg_fail(ctx, ZE_MISSING, where,
		                "missing required property 'partition' (<offset size> in bytes "
		                "of the board's disk)");
	if (len != 4 * FDT_CELL_SIZE)
		return cfg_fail(ctx, ZE_MALFORMED, where,
		                "'partition' must be <offset size> as two 64-bit values (4 cells)");
	d->offset = fdt_be64(value);
	d->size = fdt_be64(value + 2 * FDT_CELL_SIZE);
	if (d->size == 0 || d->size > UINT64_MAX - d->offset)
		return cfg_fail(ctx, ZE_MALFORMED, where,
		                "partition <0x%llx 0x%llx>: empty, or past the end of any disk",
		                (unsigned long long)d->offset, (unsigned long long)d->size);
	if (d->offset % VM_PARTITION_ALIGN || d->size % VM_PARTITION_ALIGN)
		return cfg_fail(ctx, ZE_MALFORMED, where,
		                "partition <0x%llx 0x%llx> is not in whole 512-byte sectors",
		                (unsigned long long)d->offset, (unsigned long long)d->size);
	return 0;
}

static int read_storage(struct cfg_ctx *ctx, int node, const char *where, struct vm_virtio *d)
{
	if (has_prop(ctx, node, "image") &&
	    (d->type != VM_VIRTIO_BLK || d->backing != VM_BACKING_RAM))
		return cfg_fail(
		        ctx, ZE_MALFORMED, where,
		        "an image is a RAM disk's first contents (type \"blk\", backing \"ram\")");
	if (d->type != VM_VIRTIO_BLK) {
		if (has_prop(ctx, node, "size") || has_prop(ctx, node, "partition") ||
		    has_prop(ctx, node, "read-only"))
			return cfg_fail(ctx, ZE_MALFORMED, where,
			                "size, partition and read-only are a blk device's");
		return 0;
	}
	int rc = cfg_read_flag(ctx, node, where, "read-only", &d->read_only);
	if (rc)
		return rc;
	return d->backing == VM_BACKING_RAM ? read_ram_disk(ctx, node, where, d) :
	                                      read_partition(ctx, node, where, d);
}

static int read_interrupt(struct cfg_ctx *ctx, int node, const char *where, struct vm_virtio *d)
{
	uint32_t spi = VIRTIO_DEFAULT_SPI0 + d->slot;

	if (fdt_getprop(&ctx->fdt, node, "interrupt", NULL)) {
		int rc = cfg_read_cell(ctx, node, where, "interrupt", &spi);
		if (rc)
			return rc;
		if (spi >= GUEST_SPI_COUNT)
			return cfg_fail(ctx, ZE_MALFORMED, where,
			                "interrupt: SPI %u is out of the guest's range (0-%u)", spi,
			                GUEST_SPI_COUNT - 1);
	}
	d->intid = spi + GIC_SPI_BASE;
	return 0;
}

/* A net device's address is required; no other device has one. */
static int read_mac(struct cfg_ctx *ctx, int node, const char *where, struct vm_virtio *d)
{
	bool has = has_prop(ctx, node, "mac");

	if (d->type != VM_VIRTIO_NET)
		return has ? cfg_fail(ctx, ZE_UNKNOWN, where, "only a net device has a mac") : 0;
	if (!has)
		return cfg_fail(ctx, ZE_MISSING, where,
		                "a net device needs its mac (e.g. mac = [52 54 00 12 34 56])");
	return cfg_read_mac(ctx, node, where, "mac", d->mac);
}

/* Against the VM's other devices read so far. */
static int check_against_others(struct cfg_ctx *ctx, const char *where, const struct vm_config *vm,
                                const struct vm_virtio *d)
{
	for (uint32_t i = 0; i < vm->virtio_count; i++) {
		const struct vm_virtio *o = &vm->virtio[i];
		if (o->slot == d->slot)
			return cfg_fail(ctx, ZE_CONFLICT, where, "virtio slot %x is given twice",
			                d->slot);
		if (o->intid == d->intid)
			return cfg_fail(ctx, ZE_CONFLICT, where,
			                "interrupt SPI %u is already virtio@%x's",
			                d->intid - GIC_SPI_BASE, o->slot);
		if (o->type == VM_VIRTIO_CONSOLE && d->type == VM_VIRTIO_CONSOLE)
			return cfg_fail(ctx, ZE_CONFLICT, where,
			                "a second virtio console (virtio@%x is the VM's console)",
			                o->slot);
	}
	return 0;
}

int cfg_parse_virtio(struct cfg_ctx *ctx, int node, const char *where, struct vm_config *vm)
{
	const char *name = fdt_get_name(&ctx->fdt, node, NULL);
	struct vm_virtio d = { 0 };
	int slot = slot_of(name);
	int rc;

	if (slot < 0)
		return cfg_fail(ctx, ZE_MALFORMED, where,
		                "'%s': a virtio node is virtio@<slot>, the slot in hex (0-%x)",
		                name, GUEST_VIRTIO_SLOTS - 1);
	if (vm->virtio_count >= VM_MAX_VIRTIO)
		return cfg_fail(ctx, ZE_LIMIT, where, "more than %d virtio devices", VM_MAX_VIRTIO);
	d.slot = (uint32_t)slot;
	rc = cfg_check_props(ctx, node, where, virtio_props);
	if (rc == 0)
		rc = read_type(ctx, node, where, &d);
	if (rc == 0)
		rc = read_backing(ctx, node, where, &d);
	if (rc == 0)
		rc = read_storage(ctx, node, where, &d);
	if (rc == 0)
		rc = read_interrupt(ctx, node, where, &d);
	if (rc == 0)
		rc = read_mac(ctx, node, where, &d);
	if (rc == 0)
		rc = check_against_others(ctx, where, vm, &d);
	if (rc == 0)
		vm->virtio[vm->virtio_count++] = d;
	return rc;
}

uint64_t vm_virtio_base(const struct vm_virtio *d)
{
	return GUEST_VIRTIO_BASE + d->slot * GUEST_VIRTIO_STRIDE;
}

/* After every node of the VM: its UART and pass-through use no device's interrupt. */
int cfg_check_virtio(struct cfg_ctx *ctx, const struct vm_config *vm, const char *where)
{
	for (uint32_t i = 0; i < vm->virtio_count; i++) {
		const struct vm_virtio *d = &vm->virtio[i];
		uint32_t spi = d->intid - GIC_SPI_BASE;

		if (vm->uart && d->intid == GUEST_INTID_UART)
			return cfg_fail(ctx, ZE_CONFLICT, where,
			                "virtio@%x: SPI %u is the emulated UART's interrupt",
			                d->slot, spi);
		for (uint32_t j = 0; j < vm->intid_count; j++)
			if (vm->intids[j] == d->intid)
				return cfg_fail(
				        ctx, ZE_CONFLICT, where,
				        "virtio@%x: SPI %u is also a pass-through interrupt",
				        d->slot, spi);
		for (uint32_t j = 0; j < vm->passthrough_count; j++)
			if (cfg_overlaps(vm->passthrough[j].base, vm->passthrough[j].size,
			                 vm_virtio_base(d), GUEST_VIRTIO_STRIDE))
				return cfg_fail(ctx, ZE_CONFLICT, where,
				                "a pass-through region overlaps virtio@%x's window",
				                d->slot);
	}
	return 0;
}

/* Partitions by VM and device, for the messages. */
static int partition_conflict(struct cfg_ctx *ctx, const struct vm_config *a,
                              const struct vm_virtio *da, const struct vm_config *b,
                              const struct vm_virtio *db)
{
	char where[CFG_WHERE_MAX];

	fmt_snprintf(where, sizeof(where), "vm '%s'", a->name);
	return cfg_fail(ctx, ZE_CONFLICT, where,
	                "virtio@%x: partition <0x%llx 0x%llx> overlaps vm '%s' virtio@%x's "
	                "<0x%llx 0x%llx>",
	                da->slot, (unsigned long long)da->offset, (unsigned long long)da->size,
	                b->name, db->slot, (unsigned long long)db->offset,
	                (unsigned long long)db->size);
}

static bool is_partition(const struct vm_virtio *d)
{
	return d->type == VM_VIRTIO_BLK && d->backing == VM_BACKING_DISK;
}

int cfg_check_partitions(struct cfg_ctx *ctx)
{
	const struct system_config *cfg = ctx->out;

	for (uint32_t i = 0; i < cfg->vm_count; i++) {
		const struct vm_config *a = &cfg->vms[i];
		for (uint32_t di = 0; di < a->virtio_count; di++) {
			const struct vm_virtio *da = &a->virtio[di];
			if (!is_partition(da))
				continue;
			/* Every later device: of this VM, then of the later VMs. */
			for (uint32_t j = i; j < cfg->vm_count; j++) {
				const struct vm_config *b = &cfg->vms[j];
				for (uint32_t dj = j == i ? di + 1 : 0; dj < b->virtio_count;
				     dj++) {
					const struct vm_virtio *db = &b->virtio[dj];
					if (is_partition(db) && cfg_overlaps(da->offset, da->size,
					                                     db->offset, db->size))
						return partition_conflict(ctx, b, db, a, da);
				}
			}
		}
	}
	return 0;
}
