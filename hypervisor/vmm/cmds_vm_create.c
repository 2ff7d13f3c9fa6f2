/*
 * zvm create: a VM from a template (OS type, vCPUs, memory) at run time.
 * ZVM picks free cores (unless -C names them) and memory itself, or says
 * why it cannot.
 */
#include "kernel/board_dt.h"
#include "kernel/boot.h"
#include "kernel/cmd.h"
#include "kernel/percpu.h"
#include "lib/format.h"
#include "lib/string.h"
#include "vmm/vm.h"
#include "vmm/vm_boot.h"

#define MIN_MIB 16
#define MAX_MIB 1024
#define DECIMAL 10u

struct template
{
	const char *type;
	enum vm_os_type os;
	const char *image;
	const char *initrd;
	const char *bootargs;
};

static const struct template templates[] = {
	{ "rtos", VM_OS_RTOS, "rtos.bin", "", "" },
	{ "baremetal", VM_OS_BAREMETAL, "baremetal.bin", "", "" },
	{ "linux", VM_OS_LINUX, "linux-Image", "linux-initrd", "console=ttyAMA0 earlycon" },
};

static const struct template *template_for(const char *type)
{
	for (unsigned i = 0; i < sizeof(templates) / sizeof(templates[0]); i++) {
		if (!strcmp(templates[i].type, type))
			return &templates[i];
	}
	return 0;
}

struct create_args {
	const struct template *t;
	uint64_t vcpus, mib;
	const char *name;
	unsigned cores[GUEST_MAX_VCPUS]; /* -C, in vCPU order; core_count 0: ZVM picks */
	unsigned core_count;
};

/* "2,3": core numbers, one per vCPU; false for anything else. */
static bool parse_core_list(const char *s, struct create_args *a)
{
	unsigned core = 0;
	bool digits = false;

	a->core_count = 0;
	for (;; s++) {
		if (*s >= '0' && *s <= '9' && core < BOARD_MAX_CPUS) {
			core = core * DECIMAL + (unsigned)(*s - '0');
			digits = true;
			continue;
		}
		if ((*s != ',' && *s) || !digits || core >= BOARD_MAX_CPUS ||
		    a->core_count == GUEST_MAX_VCPUS)
			return false;
		a->cores[a->core_count++] = core;
		if (!*s)
			return true;
		core = 0;
		digits = false;
	}
}

static int parse(struct cmd_io *io, int argc, char **argv, struct create_args *a)
{
	for (int i = 1; i < argc; i += 2) {
		if (i + 1 >= argc)
			return CMD_ERR_USAGE;
		const char *opt = argv[i], *val = argv[i + 1];
		if (!strcmp(opt, "-t")) {
			a->t = template_for(val);
			if (!a->t) {
				cmd_printf(io,
				           "zvm create: unknown type '%s' (rtos, linux or "
				           "baremetal)\n",
				           val);
				return CMD_ERR_FAIL;
			}
		} else if (!strcmp(opt, "-c")) {
			if (!cmd_parse_u64(val, &a->vcpus) || a->vcpus < 1 ||
			    a->vcpus > GUEST_MAX_VCPUS)
				return CMD_ERR_USAGE;
		} else if (!strcmp(opt, "-m")) {
			if (!cmd_parse_u64(val, &a->mib) || a->mib < MIN_MIB || a->mib > MAX_MIB ||
			    a->mib % 2) {
				cmd_printf(io,
				           "zvm create: memory must be an even number of MiB from "
				           "%u to %u\n",
				           MIN_MIB, MAX_MIB);
				return CMD_ERR_FAIL;
			}
		} else if (!strcmp(opt, "-C")) {
			if (!parse_core_list(val, a)) {
				cmd_printf(io,
				           "zvm create: cores '%s': core numbers separated by "
				           "commas, one per vCPU (e.g. 2,3)\n",
				           val);
				return CMD_ERR_FAIL;
			}
		} else if (!strcmp(opt, "-n")) {
			if (!vm_config_name_ok(val)) {
				cmd_printf(io,
				           "zvm create: VM name '%s': " VM_NAME_RULE
				           ", at most %u characters\n",
				           val, VM_NAME_MAX - 1);
				return CMD_ERR_FAIL;
			}
			a->name = val;
		} else {
			return CMD_ERR_USAGE;
		}
	}
	if (a->core_count && !a->vcpus)
		a->vcpus = a->core_count;
	return a->t && a->vcpus && a->mib ? CMD_OK : CMD_ERR_USAGE;
}

/* The cores -C named: each a guest core of this board, online, free, once. */
static int chosen_cores(struct cmd_io *io, const struct create_args *a, struct vm_config *c)
{
	if (a->core_count != c->vcpu_count) {
		cmd_printf(io, "zvm create: %u vCPU(s) but %u core(s) named: one core per vCPU\n",
		           c->vcpu_count, a->core_count);
		return -ZE_INVAL;
	}
	for (unsigned i = 0; i < a->core_count; i++) {
		unsigned cpu = a->cores[i];
		const char *why = 0;

		if (cpu == 0) /* as in pick_cores */
			why = "is ZVM's own";
		else if (cpu >= cpus_possible)
			why = "is not on this board";
		else if (cpu_data(cpu)->state != CPU_ONLINE)
			why = "is not online";
		else if (vm_core_taken(cpu))
			why = "belongs to a VM";
		for (unsigned j = 0; j < i && !why; j++)
			if (a->cores[j] == cpu)
				why = "is named twice";
		if (why) {
			cmd_printf(io, "zvm create: core %u %s\n", cpu, why);
			return -ZE_BUSY;
		}
		c->cpus[i] = cpu;
	}
	return 0;
}

/* The lowest free cores other than ZVM's own. */
static int pick_cores(struct cmd_io *io, struct vm_config *c)
{
	unsigned found = 0;

	for (unsigned cpu = 1; cpu < cpus_possible && found < c->vcpu_count; cpu++) {
		if (cpu_data(cpu)->state == CPU_ONLINE && !vm_core_taken(cpu))
			c->cpus[found++] = cpu;
	}
	if (found == c->vcpu_count)
		return 0;
	cmd_printf(io,
	           "zvm create: %u vCPU(s) need %u free core(s), only %u free: "
	           "ZVM keeps core 0 and each vCPU needs a core of its own\n",
	           c->vcpu_count, c->vcpu_count, found);
	return -ZE_BUSY;
}

static int fill_config(struct cmd_io *io, const struct create_args *a, struct vm_config *c)
{
	memset(c, 0, sizeof(*c));
	if (a->name)
		fmt_snprintf(c->name, sizeof(c->name), "%s", a->name);
	else
		for (unsigned n = 1; !c->name[0] || vm_find(c->name); n++)
			fmt_snprintf(c->name, sizeof(c->name), "%s%u", a->t->type, n);
	c->os_type = a->t->os;
	c->vcpu_count = (uint32_t)a->vcpus;
	c->ram.base = GUEST_RAM_BASE;
	c->ram.size = a->mib << 20;
	fmt_snprintf(c->image, sizeof(c->image), "%s", a->t->image);
	fmt_snprintf(c->initrd, sizeof(c->initrd), "%s", a->t->initrd);
	fmt_snprintf(c->bootargs, sizeof(c->bootargs), "%s", a->t->bootargs);
	c->uart = true;
	c->recovery = VM_RECOVERY_NONE;
	c->abort_policy = VM_ABORT_INJECT;
	return a->core_count ? chosen_cores(io, a, c) : pick_cores(io, c);
}

static int find_blob(struct cmd_io *io, const char *name, struct vm_blob *b)
{
	b->data = 0;
	b->size = 0;
	if (!name[0])
		return 0;
	if (vm_boot_image(name, &b->data, &b->size)) {
		cmd_printf(io, "zvm create: the system package has no '%s'\n", name);
		return -ZE_NOENT;
	}
	return 0;
}

static int cmd_create(struct cmd_io *io, int argc, char **argv)
{
	static struct vm_config cfg; /* large; the shell runs one command at a time */
	struct create_args a = { 0 };
	struct vm_blob image, initrd;
	struct zerr_msg msg;
	struct vm *vm;
	int rc = parse(io, argc, argv, &a);

	if (rc)
		return rc;
	if (fill_config(io, &a, &cfg) || find_blob(io, cfg.image, &image) ||
	    find_blob(io, cfg.initrd, &initrd))
		return CMD_ERR_FAIL;
	if (vm_create(&cfg, &image, &initrd, &vm, &msg)) {
		cmd_printf(io, "zvm create: %s\n", msg.text);
		return CMD_ERR_FAIL;
	}
	cmd_printf(io, "vm %u '%s' created on core(s)", vm->id, vm->cfg.name);
	for (unsigned i = 0; i < vm->vcpu_count; i++)
		cmd_printf(io, " %u", vm->vcpus[i].cpu);
	cmd_printf(io, "; start it with 'zvm start %s'\n", vm->cfg.name);
	return CMD_OK;
}
CMD_REGISTER(zvm_create, "zvm create",
             "zvm create -t rtos|linux|baremetal -c <vcpus> -m <MiB> [-n <name>] [-C <core,...>]",
             "Creates a VM from a template on free cores (-C: these, one per vCPU; -c may then "
             "be left out); it starts with 'zvm start'.",
             cmd_create);
