/* Creating the configured VMs from the system package: see vm_boot.h. */
#include "vmm/vm_boot.h"
#include "agent/agent.h"
#include "kernel/board_dt.h"
#include "kernel/log.h"
#include "kernel/percpu.h"
#include "lib/string.h"
#include "net/net_service.h"
#include "vmm/package.h"
#include "vmm/vm.h"
#include "zshm/zshm.h"

static struct package pkg;
static bool have_package;
static struct system_config config; /* several KiB: not on a stack */
static bool have_config;

static uint64_t align_up(uint64_t v, uint64_t a)
{
	return (v + a - 1) & ~(a - 1);
}

/* The bytes of RAM from addr to the end of its bank. */
static uint64_t ram_left(const struct board_desc *board, uint64_t addr)
{
	for (unsigned i = 0; i < board->mem_count; i++) {
		uint64_t base = board->mem[i].base, end = base + board->mem[i].size;
		if (addr >= base && addr < end)
			return end - addr;
	}
	return 0;
}

static bool open_package(const struct board_desc *board, uint64_t at)
{
	struct zerr_msg msg;
	uint64_t avail = ram_left(board, at);

	if (avail < PACKAGE_HEADER_SIZE ||
	    memcmp((const void *)(uintptr_t)at, PACKAGE_MAGIC, PACKAGE_MAGIC_LEN)) {
		log_msg(LOG_INFO, "no system package after ZVM's image: no VMs configured");
		return false;
	}
	if (package_open(&pkg, (const void *)(uintptr_t)at, avail, &msg)) {
		log_msg(LOG_ERROR, "system package: %s; starting no VMs", msg.text);
		return false;
	}
	return true;
}

static bool read_config(const struct board_desc *board)
{
	struct package_entry e;
	struct zerr_msg msg;

	if (package_config(&pkg, &e)) {
		log_msg(LOG_ERROR, "system package has no configuration; starting no VMs");
		return false;
	}
	if (vm_config_parse(e.data, e.size, board, &config, &msg) ||
	    vm_config_check_images(&config, package_lookup_size, &pkg, &msg)) {
		log_msg(LOG_ERROR, "configuration: %s; starting no VMs", msg.text);
		return false;
	}
	return true;
}

const uint8_t *vm_boot_mgmt_key(void)
{
	return have_config && config.has_mgmt_key ? config.mgmt_key : 0;
}

/* The packer cannot know where ZVM will be loaded: check it here. */
static bool zvm_fits(uint64_t end)
{
	extern char _head[];
	uint64_t lo = config.zvm_memory.base, hi = lo + config.zvm_memory.size;

	if ((uintptr_t)_head >= lo && end <= hi)
		return true;
	log_msg(LOG_ERROR,
	        "configuration: ZVM and its package (0x%lx-0x%lx) lie outside "
	        "zvm-memory (0x%lx-0x%lx); starting no VMs",
	        (uint64_t)(uintptr_t)_head, end - 1, lo, hi - 1);
	return false;
}

unsigned vm_boot_scan(const struct board_desc *board, struct phys_range *reserved,
                      uint64_t *free_after)
{
	extern char _end[];
	uint64_t at = align_up((uintptr_t)_end, PACKAGE_ALIGN);
	unsigned n = 0;

	*free_after = at;
	have_package = open_package(board, at);
	if (!have_package)
		return 0;
	*free_after = align_up(at + pkg.size, PACKAGE_ALIGN);
	have_config = read_config(board) && zvm_fits(*free_after);
	if (!have_config)
		return 0;
	for (unsigned i = 0; i < config.vm_count; i++)
		reserved[n++] =
		        (struct phys_range){ config.vms[i].ram_host_base, config.vms[i].ram.size };
	return n;
}

static int blob_of(const char *name, struct vm_blob *out)
{
	struct package_entry e;

	out->data = 0;
	out->size = 0;
	if (!name[0])
		return 0;
	if (!have_package || package_find(&pkg, name, &e))
		return -ZE_NOENT;
	out->data = e.data;
	out->size = e.size;
	return 0;
}

int vm_boot_image(const char *name, const void **data, size_t *size)
{
	struct vm_blob b;

	if (!name[0] || blob_of(name, &b))
		return -ZE_NOENT;
	*data = b.data;
	*size = b.size;
	return 0;
}

void vm_boot_create(void)
{
	struct zerr_msg msg;

	if (have_config)
		zshm_setup(&config); /* before its members map it */
	/* The switch before the VMs: their net devices become its ports. */
	net_service_start(have_config ? &config.network : NULL,
	                  have_config ? config.zvm_cpu : this_cpu_id());
	/* The agent on ZVM's address, when it has one (docs/protocol.md). */
	if (have_config && config.network.present)
		agent_udp_start(config.network.agent_port);
	for (unsigned i = 0; have_config && i < config.vm_count; i++) {
		const struct vm_config *c = &config.vms[i];
		struct vm_blob image, initrd;
		struct vm *vm;

		if (blob_of(c->image, &image) || blob_of(c->initrd, &initrd)) {
			log_msg(LOG_ERROR, "vm '%s': image missing from the package", c->name);
			continue;
		}
		if (vm_create(c, &image, &initrd, &vm, &msg)) {
			log_msg(LOG_ERROR, "vm '%s': %s", c->name, msg.text);
			continue;
		}
		if (c->autostart && vm_start(vm, &msg))
			log_msg(LOG_ERROR, "vm '%s': %s", c->name, msg.text);
	}
}
