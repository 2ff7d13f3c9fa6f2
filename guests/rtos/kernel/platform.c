/*
 * Devicetree probing with lib/fdt: /memory, the arm,gic-v3 node, the console
 * PL011 (/chosen stdout-path, else the first arm,pl011), the arm,armv8-timer
 * interrupts and the /psci conduit.  The same binary thus runs natively and
 * under ZVM, whatever addresses ZVM gives it.
 */
#include "kernel/platform.h"
#include "lib/fdt.h"
#include "lib/gicv3_defs.h"
#include "lib/string.h"

/* The boot protocol caps the DTB at 2 MiB (Documentation/arm64/booting.rst). */
#define DTB_MAX_SIZE      (2u << 20)
/* arm,armv8-timer interrupts: secure phys, non-secure phys, virt, hyp. */
#define TIMER_IRQ_NS_PHYS 1
#define TIMER_IRQ_VIRT    2

static int probe_memory(const struct fdt *fdt, struct platform *p)
{
	int node = fdt_path_offset(fdt, "/memory");

	if (node < 0)
		node = fdt_node_offset_by_device_type(fdt, -1, "memory");
	if (node < 0)
		return -1;
	return fdt_read_reg(fdt, node, 0, &p->mem_base, &p->mem_size) < 0 ? -1 : 0;
}

static bool has_word(const char *args, const char *word)
{
	size_t n = strlen(word);

	for (const char *p = args; *p; p++) {
		if ((p == args || p[-1] == ' ') && !strncmp(p, word, n) &&
		    (p[n] == ' ' || p[n] == '\0'))
			return true;
	}
	return false;
}

/* Copies the value of bootargs' word "<key>=<value>" into out ("" when absent). */
static void arg_value(const char *args, const char *key, char *out, size_t size)
{
	size_t n = strlen(key);

	out[0] = '\0';
	for (const char *p = args; *p; p++) {
		if ((p != args && p[-1] != ' ') || strncmp(p, key, n) || p[n] != '=')
			continue;
		size_t i = 0;
		for (p += n + 1; *p && *p != ' ' && i + 1 < size; p++)
			out[i++] = *p;
		out[i] = '\0';
		return;
	}
}

static void probe_bootargs(const struct fdt *fdt, struct platform *p)
{
	struct fdt_chosen chosen;

	p->net_arg[0] = p->net_echo_arg[0] = '\0';
	if (fdt_read_chosen(fdt, &chosen) != 0 || !chosen.bootargs)
		return;
	arg_value(chosen.bootargs, "net", p->net_arg, sizeof(p->net_arg));
	arg_value(chosen.bootargs, "net-echo", p->net_echo_arg, sizeof(p->net_echo_arg));
}

/* Every virtio,mmio window; what sits behind each is the driver's to find. */
static void probe_virtio(const struct fdt *fdt, struct platform *p)
{
	int node = -1;

	p->virtio_count = 0;
	while (p->virtio_count < PLATFORM_MAX_VIRTIO &&
	       (node = fdt_node_offset_by_compatible(fdt, node, "virtio,mmio")) >= 0) {
		uint64_t base;
		if (fdt_read_reg(fdt, node, 0, &base, NULL) == 0)
			p->virtio_base[p->virtio_count++] = base;
	}
}

static int probe_uart(const struct fdt *fdt, struct platform *p)
{
	struct fdt_chosen chosen;
	int node = -1;

	p->bootargs = "";
	if (fdt_read_chosen(fdt, &chosen) == 0 && chosen.bootargs)
		p->bootargs = chosen.bootargs;
	if (fdt_read_chosen(fdt, &chosen) == 0 && chosen.bootargs)
		p->keep_running = has_word(chosen.bootargs, "keep-running");
	if (fdt_read_chosen(fdt, &chosen) == 0 && chosen.bootargs)
		p->no_bench = has_word(chosen.bootargs, "no-bench");
	if (fdt_read_chosen(fdt, &chosen) == 0 && chosen.stdout_path)
		node = fdt_path_offset_n(fdt, chosen.stdout_path, chosen.stdout_path_len);
	if (node < 0 || !fdt_node_is_compatible(fdt, node, "arm,pl011"))
		node = fdt_node_offset_by_compatible(fdt, -1, "arm,pl011");
	if (node < 0)
		return -1;
	return fdt_read_reg(fdt, node, 0, &p->uart_base, NULL) < 0 ? -1 : 0;
}

static int probe_gic(const struct fdt *fdt, struct platform *p)
{
	int node = fdt_node_offset_by_compatible(fdt, -1, "arm,gic-v3");
	uint32_t cells;

	if (node < 0)
		return -1;
	if (fdt_read_u32(fdt, node, "#interrupt-cells", &cells) < 0 || cells != GIC_DT_IRQ_CELLS)
		return -1;
	if (fdt_read_reg(fdt, node, 0, &p->gicd_base, NULL) < 0 ||
	    fdt_read_reg(fdt, node, 1, &p->gicr_base, &p->gicr_size) < 0)
		return -1;
	return 0;
}

static int timer_ppi(const struct fdt *fdt, int node, int which, uint32_t *intid)
{
	uint32_t type, number;

	if (fdt_read_u32_index(fdt, node, "interrupts", which * GIC_DT_IRQ_CELLS, &type) < 0 ||
	    fdt_read_u32_index(fdt, node, "interrupts", which * GIC_DT_IRQ_CELLS + 1, &number) <
	            0 ||
	    type != GIC_DT_PPI)
		return -1;
	*intid = GIC_PPI_BASE + number;
	return 0;
}

static int probe_timer(const struct fdt *fdt, struct platform *p)
{
	int node = fdt_node_offset_by_compatible(fdt, -1, "arm,armv8-timer");

	if (node < 0)
		return -1;
	if (timer_ppi(fdt, node, TIMER_IRQ_VIRT, &p->vtimer_intid) < 0 ||
	    timer_ppi(fdt, node, TIMER_IRQ_NS_PHYS, &p->ptimer_intid) < 0)
		return -1;
	return 0;
}

/* No /psci is not fatal: the suite then cannot power off, nothing else. */
static void probe_psci(const struct fdt *fdt, struct platform *p)
{
	int node = fdt_path_offset(fdt, "/psci");
	const char *method;

	p->psci = PSCI_CONDUIT_NONE;
	if (node < 0 || fdt_read_string(fdt, node, "method", &method) < 0)
		return;
	if (strcmp(method, "smc") == 0)
		p->psci = PSCI_CONDUIT_SMC;
	else if (strcmp(method, "hvc") == 0)
		p->psci = PSCI_CONDUIT_HVC;
}

/* No time base page is fine: natively, or a VM without `time-base`. */
static void probe_timebase(const struct fdt *fdt, struct platform *p)
{
	int node = fdt_node_offset_by_compatible(fdt, -1, "zvm,time-base");

	p->timebase_base = 0;
	if (node >= 0 && fdt_read_reg(fdt, node, 0, &p->timebase_base, NULL) < 0)
		p->timebase_base = 0;
}

int platform_probe(const void *dtb, struct platform *p)
{
	struct fdt fdt;

	if (fdt_init(&fdt, dtb, DTB_MAX_SIZE) != 0)
		return -1;
	p->dtb = dtb;
	if (probe_uart(&fdt, p) || probe_memory(&fdt, p) || probe_gic(&fdt, p) ||
	    probe_timer(&fdt, p))
		return -1;
	probe_psci(&fdt, p);
	probe_timebase(&fdt, p);
	probe_bootargs(&fdt, p);
	probe_virtio(&fdt, p);
	return 0;
}
