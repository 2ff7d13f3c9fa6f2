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

static const char *const virtio_props[] = { "type", "backing", "interrupt", NULL };

static const char *const type_names[] = {
	[VM_VIRTIO_CONSOLE] = "console",
};
/* What each type's data goes to: the only backing each accepts today. */
static const char *const default_backing[] = {
	[VM_VIRTIO_CONSOLE] = "console",
};

const char *vm_virtio_type_name(enum vm_virtio_type type)
{
	return (unsigned)type < sizeof(type_names) / sizeof(type_names[0]) ? type_names[type] : "?";
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
	if (strcmp(value, type_names[VM_VIRTIO_CONSOLE]) == 0) {
		d->type = VM_VIRTIO_CONSOLE;
		return 0;
	}
	return cfg_fail(ctx, ZE_MALFORMED, where, "type \"%s\" is not one of console", value);
}

static int read_backing(struct cfg_ctx *ctx, int node, const char *where, const struct vm_virtio *d)
{
	char value[VM_NAME_MAX];
	int rc = cfg_read_string(ctx, node, where, "backing", value, sizeof(value), false);

	if (rc || !value[0] || strcmp(value, default_backing[d->type]) == 0)
		return rc;
	return cfg_fail(ctx, ZE_MALFORMED, where, "a %s device's backing is \"%s\", not \"%s\"",
	                type_names[d->type], default_backing[d->type], value);
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
		rc = read_interrupt(ctx, node, where, &d);
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
