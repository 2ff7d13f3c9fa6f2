/*
 * Generating a VM's devicetree.  The facts copy QEMU's virt devicetree
 * (qemu-system-aarch64 -M virt,gic-version=3,dumpdtb=...) wherever a guest
 * could care, so a kernel that boots on QEMU virt boots under ZVM.
 */
#include "vmm/guest_dt.h"
#include "zvm/guest_layout.h"
#include "zvm/zshm.h"
#include "zvm/timebase.h"
#include "lib/fdt_write.h"
#include "lib/gicv3_defs.h"
#include "lib/psci_defs.h"
#include "lib/format.h"
#include "lib/string.h"

#include <stdarg.h>

/* Fixed phandles: the root's interrupt-parent names the GIC up front. */
#define PHANDLE_GIC      1u
#define PHANDLE_APB_PCLK 2u

/* Trigger flags as QEMU virt gives them with a GICv3 (IRQ_TYPE_*). */
#define IRQ_LEVEL_HIGH 4u

#define DT_MODEL           "zvm,guest"
#define DT_COMPATIBLE      "linux,dummy-virt"
#define ROOT_ADDR_CELLS    2u
#define ROOT_SIZE_CELLS    2u
#define CPUS_ADDR_CELLS    1u /* reg is MPIDR Aff0, enough for 8 vCPUs */
#define CPUS_SIZE_CELLS    0u
#define GIC_REDIST_REGIONS 1u
#define UART_NODE          "serial"
#define UART_ALIAS         "serial0"
#define ERR_PREFIX         "guest devicetree: "
#define PATH_MAX_LEN       32

struct dt_ctx {
	const struct guest_dt_params *p;
	struct fdt_writer w;
	char uart_path[PATH_MAX_LEN]; /* "/serial@9000000" */
};

static int fail(struct zerr_msg *msg, enum zerror code, const char *fmt, ...)
        __attribute__((format(printf, 3, 4)));

static int fail(struct zerr_msg *msg, enum zerror code, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	int rc = zerr_vset(msg, code, ERR_PREFIX, fmt, ap);
	va_end(ap);
	return rc;
}

/* One GICv3 interrupt specifier of an INTID. */
static void irq_spec(uint32_t *cells, uint32_t intid, uint32_t flags)
{
	bool ppi = intid < GIC_SPI_BASE;

	cells[0] = ppi ? GIC_DT_PPI : GIC_DT_SPI;
	cells[1] = intid - (ppi ? GIC_PPI_BASE : GIC_SPI_BASE);
	cells[2] = flags;
}

static void write_irq(struct fdt_writer *w, uint32_t intid, uint32_t flags)
{
	uint32_t cells[GIC_DT_IRQ_CELLS];

	irq_spec(cells, intid, flags);
	fdt_write_prop_cells(w, "interrupts", cells, GIC_DT_IRQ_CELLS);
}

static void write_reg(struct fdt_writer *w, uint64_t base, uint64_t size)
{
	const uint64_t reg[] = { base, size };

	fdt_write_prop_u64s(w, "reg", reg, 2);
}

static void write_root_props(struct dt_ctx *c)
{
	fdt_write_prop_string(&c->w, "compatible", DT_COMPATIBLE);
	fdt_write_prop_string(&c->w, "model", DT_MODEL);
	fdt_write_prop_u32(&c->w, "#address-cells", ROOT_ADDR_CELLS);
	fdt_write_prop_u32(&c->w, "#size-cells", ROOT_SIZE_CELLS);
	fdt_write_prop_u32(&c->w, "interrupt-parent", PHANDLE_GIC);
}

static void write_chosen(struct dt_ctx *c)
{
	const struct guest_dt_params *p = c->p;

	fdt_write_begin_node(&c->w, "chosen");
	if (p->bootargs && p->bootargs[0])
		fdt_write_prop_string(&c->w, "bootargs", p->bootargs);
	if (p->has_uart)
		fdt_write_prop_string(&c->w, "stdout-path", c->uart_path);
	if (p->has_initrd) {
		fdt_write_prop_u64(&c->w, "linux,initrd-start", p->initrd_start);
		fdt_write_prop_u64(&c->w, "linux,initrd-end", p->initrd_end);
	}
	fdt_write_end_node(&c->w);
	if (!p->has_uart)
		return;
	fdt_write_begin_node(&c->w, "aliases");
	fdt_write_prop_string(&c->w, UART_ALIAS, c->uart_path);
	fdt_write_end_node(&c->w);
}

static void write_memory(struct dt_ctx *c)
{
	fdt_write_begin_node_at(&c->w, "memory", c->p->ram_base);
	fdt_write_prop_string(&c->w, "device_type", "memory");
	write_reg(&c->w, c->p->ram_base, c->p->ram_size);
	fdt_write_end_node(&c->w);
}

/* vCPU i has MPIDR affinity i (Aff0), which is what its cpu reg says. */
static void write_cpus(struct dt_ctx *c)
{
	uint32_t i;

	fdt_write_begin_node(&c->w, "cpus");
	fdt_write_prop_u32(&c->w, "#address-cells", CPUS_ADDR_CELLS);
	fdt_write_prop_u32(&c->w, "#size-cells", CPUS_SIZE_CELLS);
	for (i = 0; i < c->p->vcpus; i++) {
		fdt_write_begin_node_at(&c->w, "cpu", i);
		fdt_write_prop_string(&c->w, "device_type", "cpu");
		fdt_write_prop_string(&c->w, "compatible", "arm,armv8");
		fdt_write_prop_u32(&c->w, "reg", i);
		fdt_write_prop_string(&c->w, "enable-method", "psci");
		fdt_write_end_node(&c->w);
	}
	fdt_write_end_node(&c->w);
}

static void write_psci(struct dt_ctx *c)
{
	static const char *const compat[] = {
		"arm,psci-1.0",
		"arm,psci-0.2",
		"arm,psci",
	};

	fdt_write_begin_node(&c->w, "psci");
	fdt_write_prop_strings(&c->w, "compatible", compat, 3);
	fdt_write_prop_string(&c->w, "method", "hvc");
	fdt_write_prop_u32(&c->w, "cpu_suspend", PSCI_CPU_SUSPEND_64);
	fdt_write_prop_u32(&c->w, "cpu_off", PSCI_CPU_OFF);
	fdt_write_prop_u32(&c->w, "cpu_on", PSCI_CPU_ON_64);
	fdt_write_prop_u32(&c->w, "migrate", PSCI_MIGRATE_64);
	fdt_write_end_node(&c->w);
}

/* GICD, then one redistributor region with an RD+SGI frame pair per vCPU. */
static void write_gic(struct dt_ctx *c)
{
	const uint64_t reg[] = {
		GUEST_GICD_BASE,
		GUEST_GICD_SIZE,
		GUEST_GICR_BASE,
		(uint64_t)c->p->vcpus * GUEST_GICR_STRIDE,
	};

	fdt_write_begin_node_at(&c->w, "interrupt-controller", GUEST_GICD_BASE);
	fdt_write_phandle(&c->w, PHANDLE_GIC);
	fdt_write_prop_string(&c->w, "compatible", "arm,gic-v3");
	fdt_write_prop_u32(&c->w, "#interrupt-cells", GIC_DT_IRQ_CELLS);
	/* No children (no ITS): an interrupt-map needs no parent address. */
	fdt_write_prop_u32(&c->w, "#address-cells", 0);
	fdt_write_prop_empty(&c->w, "interrupt-controller");
	fdt_write_prop_u32(&c->w, "#redistributor-regions", GIC_REDIST_REGIONS);
	fdt_write_prop_u64s(&c->w, "reg", reg, 4);
	write_irq(&c->w, GUEST_INTID_MAINT, IRQ_LEVEL_HIGH);
	fdt_write_end_node(&c->w);
}

/* The four timer PPIs in binding order (timer/arm,arch_timer.yaml). */
static void write_timer(struct dt_ctx *c)
{
	static const uint32_t intids[] = {
		GUEST_INTID_SEC_TIMER,
		GUEST_INTID_PHYS_TIMER,
		GUEST_INTID_VIRT_TIMER,
		GUEST_INTID_HYP_TIMER,
	};
	uint32_t cells[4 * GIC_DT_IRQ_CELLS];
	size_t i;

	for (i = 0; i < 4; i++)
		irq_spec(cells + i * GIC_DT_IRQ_CELLS, intids[i], IRQ_LEVEL_HIGH);
	fdt_write_begin_node(&c->w, "timer");
	fdt_write_prop_string(&c->w, "compatible", "arm,armv8-timer");
	fdt_write_prop_cells(&c->w, "interrupts", cells, 4 * GIC_DT_IRQ_CELLS);
	fdt_write_prop_empty(&c->w, "always-on");
	fdt_write_end_node(&c->w);
}

/* Linux's AMBA bus will not probe a PrimeCell without its apb_pclk. */
static void write_uart(struct dt_ctx *c)
{
	static const char *const compat[] = { "arm,pl011", "arm,primecell" };
	static const char *const clock_names[] = { "uartclk", "apb_pclk" };
	static const uint32_t clocks[] = { PHANDLE_APB_PCLK, PHANDLE_APB_PCLK };

	fdt_write_begin_node(&c->w, "apb-pclk");
	fdt_write_phandle(&c->w, PHANDLE_APB_PCLK);
	fdt_write_prop_string(&c->w, "compatible", "fixed-clock");
	fdt_write_prop_u32(&c->w, "#clock-cells", 0);
	fdt_write_prop_u32(&c->w, "clock-frequency", GUEST_DT_UART_CLOCK_HZ);
	fdt_write_prop_string(&c->w, "clock-output-names", "clk24mhz");
	fdt_write_end_node(&c->w);

	fdt_write_begin_node_at(&c->w, UART_NODE, GUEST_UART_BASE);
	fdt_write_prop_strings(&c->w, "compatible", compat, 2);
	write_reg(&c->w, GUEST_UART_BASE, GUEST_UART_SIZE);
	write_irq(&c->w, GUEST_INTID_UART, IRQ_LEVEL_HIGH);
	fdt_write_prop_cells(&c->w, "clocks", clocks, 2);
	fdt_write_prop_strings(&c->w, "clock-names", clock_names, 2);
	fdt_write_end_node(&c->w);
}

/* The time base page: a record of version ZVM_TIMEBASE_VERSION, read-only. */
static void write_time_base(struct dt_ctx *c)
{
	fdt_write_begin_node_at(&c->w, GUEST_DT_TIMEBASE_NODE, GUEST_TIMEBASE_BASE);
	fdt_write_prop_string(&c->w, "compatible", GUEST_DT_TIMEBASE_COMPATIBLE);
	write_reg(&c->w, GUEST_TIMEBASE_BASE, GUEST_TIMEBASE_SIZE);
	fdt_write_prop_u32(&c->w, "zvm,version", ZVM_TIMEBASE_VERSION);
	fdt_write_end_node(&c->w);
}

static uint32_t virtio_intid(const struct guest_dt_params *p, uint32_t slot)
{
	return p->virtio_intid[slot] ? p->virtio_intid[slot] : GUEST_INTID_VIRTIO0 + slot;
}

static void write_virtio(struct dt_ctx *c)
{
	uint32_t i;

	for (i = 0; i < GUEST_DT_MAX_VIRTIO; i++) {
		uint64_t base = GUEST_VIRTIO_BASE + i * GUEST_VIRTIO_STRIDE;

		if (!(c->p->virtio_mask & (1u << i)))
			continue;
		fdt_write_begin_node_at(&c->w, "virtio_mmio", base);
		fdt_write_prop_string(&c->w, "compatible", "virtio,mmio");
		write_reg(&c->w, base, GUEST_VIRTIO_STRIDE);
		write_irq(&c->w, virtio_intid(c->p, i), IRQ_LEVEL_HIGH);
		fdt_write_prop_empty(&c->w, "dma-coherent");
		fdt_write_end_node(&c->w);
	}
}

/* Edge: a doorbell is an event, not a state (IRQ_TYPE_EDGE_RISING). */
#define IRQ_EDGE_RISING 1u
#define ZSHM_NODE       "zshm"

static void write_zshm(struct dt_ctx *c)
{
	for (uint32_t i = 0; i < c->p->zshm_count; i++) {
		const struct guest_dt_zshm *z = &c->p->zshm[i];

		fdt_write_begin_node_at(&c->w, ZSHM_NODE, z->base);
		fdt_write_prop_string(&c->w, "compatible", GUEST_DT_ZSHM_COMPAT);
		write_reg(&c->w, z->base, z->section_size * z->member_count);
		fdt_write_prop_string(&c->w, "zvm,name", z->name);
		fdt_write_prop_u32(&c->w, "zvm,abi-version", ZSHM_ABI_VERSION);
		fdt_write_prop_u32(&c->w, "zvm,channel", z->id);
		fdt_write_prop_u32(&c->w, "zvm,section-size", (uint32_t)z->section_size);
		fdt_write_prop_strings(&c->w, "zvm,members", z->members, z->member_count);
		fdt_write_prop_u32(&c->w, "zvm,self", z->self);
		fdt_write_prop_u32(&c->w, "zvm,writers", z->writers);
		fdt_write_prop_u32(&c->w, "zvm,readers", z->readers);
		if (z->intid)
			write_irq(&c->w, z->intid, IRQ_EDGE_RISING);
		fdt_write_end_node(&c->w);
	}
}

static int check_zshm(const struct guest_dt_params *p, struct zerr_msg *msg)
{
	if (p->zshm_count > GUEST_DT_MAX_ZSHM)
		return fail(msg, ZE_INVAL, "%u Zshm channels (at most %u)", (unsigned)p->zshm_count,
		            (unsigned)GUEST_DT_MAX_ZSHM);
	for (uint32_t i = 0; i < p->zshm_count; i++) {
		const struct guest_dt_zshm *z = &p->zshm[i];

		if (!z->name || z->member_count < 1 || z->member_count > GUEST_DT_ZSHM_PEERS ||
		    z->self >= z->member_count || z->section_size % 0x1000 ||
		    z->section_size == 0 || z->section_size > UINT32_MAX)
			return fail(msg, ZE_INVAL, "Zshm channel %u: bad geometry", (unsigned)i);
		for (uint32_t m = 0; m < z->member_count; m++)
			if (!z->members[m])
				return fail(msg, ZE_INVAL, "Zshm channel %u: member %u has no name",
				            (unsigned)i, (unsigned)m);
		if (z->intid &&
		    (z->intid < GIC_SPI_BASE || z->intid >= GIC_SPI_BASE + GUEST_SPI_COUNT))
			return fail(msg, ZE_INVAL, "Zshm channel %u: INTID %u is not a guest SPI",
			            (unsigned)i, (unsigned)z->intid);
	}
	return 0;
}

/* RAM must not cover the devices below it; the initrd lies inside it. */
static int check_params(const struct guest_dt_params *p, struct zerr_msg *msg)
{
	uint64_t devices_end = GUEST_VIRTIO_BASE + GUEST_DT_MAX_VIRTIO * GUEST_VIRTIO_STRIDE;

	if (p->vcpus < 1 || p->vcpus > GUEST_MAX_VCPUS)
		return fail(msg, ZE_INVAL, "%u vCPUs (1 to %u allowed)", (unsigned)p->vcpus,
		            (unsigned)GUEST_MAX_VCPUS);
	if (p->ram_size == 0 || p->ram_base + p->ram_size < p->ram_base)
		return fail(msg, ZE_INVAL, "RAM at 0x%llx of 0x%llx bytes is empty or wraps",
		            (unsigned long long)p->ram_base, (unsigned long long)p->ram_size);
	if (p->ram_base < devices_end && p->ram_base + p->ram_size > GUEST_GICD_BASE)
		return fail(msg, ZE_INVAL, "RAM at 0x%llx overlaps the devices at 0x%llx-0x%llx",
		            (unsigned long long)p->ram_base, (unsigned long long)GUEST_GICD_BASE,
		            (unsigned long long)devices_end);
	if (p->has_initrd && (p->initrd_start >= p->initrd_end || p->initrd_start < p->ram_base ||
	                      p->initrd_end > p->ram_base + p->ram_size))
		return fail(msg, ZE_INVAL, "initrd 0x%llx-0x%llx is empty or not inside RAM",
		            (unsigned long long)p->initrd_start, (unsigned long long)p->initrd_end);
	if (p->bootargs && strnlen(p->bootargs, GUEST_DT_BOOTARGS_MAX) >= GUEST_DT_BOOTARGS_MAX)
		return fail(msg, ZE_INVAL, "bootargs longer than %u characters",
		            (unsigned)GUEST_DT_BOOTARGS_MAX - 1);
	for (uint32_t i = 0; i < GUEST_DT_MAX_VIRTIO; i++) {
		uint32_t intid = virtio_intid(p, i);

		if ((p->virtio_mask & (1u << i)) &&
		    (intid < GIC_SPI_BASE || intid >= GIC_SPI_BASE + GUEST_SPI_COUNT))
			return fail(msg, ZE_INVAL,
			            "virtio slot %u: INTID %u is not a guest SPI (%u-%u)",
			            (unsigned)i, (unsigned)intid, (unsigned)GIC_SPI_BASE,
			            (unsigned)(GIC_SPI_BASE + GUEST_SPI_COUNT - 1));
	}
	return check_zshm(p, msg);
}

int guest_dt_build(const struct guest_dt_params *p, void *buf, size_t size, struct zerr_msg *msg)
{
	struct dt_ctx c = { .p = p };
	size_t total = 0;
	int rc;

	zerr_clear(msg);
	if (!p || !buf)
		return fail(msg, ZE_INVAL, "no parameters or no buffer");
	rc = check_params(p, msg);
	if (rc)
		return rc;
	fmt_snprintf(c.uart_path, sizeof(c.uart_path), "/%s@%llx", UART_NODE,
	             (unsigned long long)GUEST_UART_BASE);
	fdt_write_init(&c.w, buf, size);
	fdt_write_begin_node(&c.w, "");
	write_root_props(&c);
	write_chosen(&c);
	write_memory(&c);
	write_cpus(&c);
	write_psci(&c);
	write_gic(&c);
	write_timer(&c);
	if (p->has_uart)
		write_uart(&c);
	if (p->has_time_base)
		write_time_base(&c);
	write_virtio(&c);
	write_zshm(&c);
	fdt_write_end_node(&c.w);
	rc = fdt_write_finish(&c.w, &total);
	if (rc == -ZE_FDT_NO_SPACE)
		return fail(msg, ZE_FDT_NO_SPACE,
		            "a buffer of %zu bytes is too small (ran out at \"%s\")", size,
		            fdt_write_error_name(&c.w));
	if (rc)
		return fail(msg, ZE_INTERNAL, "%s at \"%s\"", zerror_name(rc),
		            fdt_write_error_name(&c.w));
	return (int)total;
}
