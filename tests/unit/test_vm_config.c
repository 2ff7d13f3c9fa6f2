/*
 * Host tests of vm_config_parse and vm_config_check_images: the shipped
 * configs against their boards, the values of a valid system (host
 * placement included), one fixture per mistake with its exact message,
 * image size checks, and a sweep that truncates a config at every byte.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "vmm/vm_config.h"
#include "tests/unit/fdt_fixture.h"

#define MIB 0x100000ull

static struct board_desc qemu_board, rk_board;
static struct system_config cfg;
static struct zerr_msg msg;

static void load_board(const char *name, struct board_desc *board)
{
	struct blob b = fixture_load(name);
	struct zerr_msg bmsg;

	if (board_from_fdt(b.data, b.size, board, &bmsg) != 0) {
		fprintf(stderr, "board fixture %s: %s\n", name, bmsg.text);
		abort();
	}
	free(b.data);
}

static int parse(const char *fixture, const struct board_desc *board)
{
	struct blob b = fixture_load(fixture);
	unsigned char *exact = blob_copy(&b, b.size);
	int rc;

	memset(&msg, 'x', sizeof(msg));
	rc = vm_config_parse(exact, b.size, board, &cfg, &msg);
	free(exact);
	free(b.data);
	return rc;
}

static void test_qemu_default_config(void **state)
{
	const struct vm_config *rtos = &cfg.vms[0], *linux_vm = &cfg.vms[1];

	(void)state;
	assert_int_equal(parse("configs/qemu-virt", &qemu_board), 0);
	assert_string_equal(msg.text, "");
	assert_int_equal(cfg.zvm_cpu, 0);
	assert_int_equal(cfg.vm_count, 2);
	assert_string_equal(rtos->name, "rtos");
	assert_int_equal(rtos->os_type, VM_OS_RTOS);
	assert_int_equal(rtos->vcpu_count, 1);
	assert_int_equal(rtos->cpus[0], 1);
	assert_true(rtos->direct_irq && rtos->autostart && rtos->uart && rtos->time_base);
	assert_int_equal(rtos->ram_host_base, 0x50000000);
	assert_string_equal(linux_vm->name, "linux");
	assert_int_equal(linux_vm->os_type, VM_OS_LINUX);
	assert_int_equal(linux_vm->vcpu_count, 2);
	assert_int_equal(linux_vm->cpus[0], 2);
	assert_int_equal(linux_vm->cpus[1], 3);
	assert_false(linux_vm->ram_host_fixed);
	/* First fit: after ZVM (to 0x50000000) and rtos (to 0x54000000). */
	assert_int_equal(linux_vm->ram_host_base, 0x54000000);
	assert_string_equal(linux_vm->initrd, "linux-initrd");
	assert_int_equal(linux_vm->recovery, VM_RECOVERY_RESTART);
	assert_true(linux_vm->time_base);
}

static void test_rk3588_config(void **state)
{
	const struct vm_config *rtos = &cfg.vms[0];

	(void)state;
	assert_int_equal(parse("configs/rk3588", &rk_board), 0);
	assert_string_equal(msg.text, "");
	assert_int_equal(cfg.vm_count, 3);
	assert_int_equal(rtos->cpus[0], 4);
	assert_int_equal(rtos->passthrough_count, 1);
	assert_int_equal(rtos->passthrough[0].base, 0xfeb60000);
	assert_int_equal(rtos->intid_count, 1);
	assert_int_equal(rtos->intids[0], 334 + 32);
	/* linux skips ZVM, OP-TEE (0x08400000-0x093fffff) and rtos. */
	assert_int_equal(cfg.vms[1].ram_host_base, 0x14000000);
	/* selftest fits in the gap between OP-TEE and rtos. */
	assert_int_equal(cfg.vms[2].ram_host_base, 0x09400000);
	assert_int_equal(cfg.vms[2].recovery, VM_RECOVERY_PAUSE);
	assert_int_equal(cfg.vms[2].os_type, VM_OS_BAREMETAL);
}

/* The RK3588 system does not fit QEMU's 4 cores. */
static void test_config_against_wrong_board(void **state)
{
	(void)state;
	assert_int_equal(parse("configs/rk3588", &qemu_board), -ZE_MALFORMED);
	assert_string_equal(msg.text, "config: vm 'rtos': cpu 4 does not exist "
	                              "(the board has 4 cores: 0-3)");
}

static void test_good_fixture(void **state)
{
	(void)state;
	assert_int_equal(parse("vmconfig/good", &qemu_board), 0);
	assert_int_equal(cfg.vms[0].passthrough_count, 1);
	assert_int_equal(cfg.vms[0].passthrough[0].base, 0x0a003000);
	assert_int_equal(cfg.vms[0].passthrough[0].size, 0x1000);
	assert_int_equal(cfg.vms[0].intid_count, 2);
	assert_int_equal(cfg.vms[0].intids[0], 72);
	assert_int_equal(cfg.vms[0].intids[1], 73);
	assert_string_equal(cfg.vms[1].bootargs, "console=ttyAMA0");
	assert_false(cfg.vms[1].autostart);
	assert_false(cfg.vms[1].direct_irq);
	assert_int_equal(cfg.vms[1].recovery, VM_RECOVERY_NONE);
	assert_int_equal(cfg.vms[1].heartbeat_timeout_ms, VM_HEARTBEAT_DEFAULT_MS);
	/* abort-policy: given, and the default a guest OS expects. */
	assert_int_equal(cfg.vms[0].abort_policy, VM_ABORT_CRASH);
	assert_int_equal(cfg.vms[1].abort_policy, VM_ABORT_INJECT);
	assert_int_equal(cfg.vms[0].pmu_counters, 2);
	assert_int_equal(cfg.vms[1].pmu_counters, 0); /* all the core has */
	assert_string_equal(vm_abort_policy_name(VM_ABORT_INJECT), "inject");
	assert_string_equal(vm_abort_policy_name(VM_ABORT_CRASH), "crash");
}

/* The management key: 32 bytes as given; none means none. */
static void test_mgmt_key(void **state)
{
	(void)state;
	assert_int_equal(parse("vmconfig/good_mgmt_key", &qemu_board), 0);
	assert_true(cfg.has_mgmt_key);
	assert_int_equal(cfg.mgmt_key[0], 0x00);
	assert_int_equal(cfg.mgmt_key[30], 0x1e);
	assert_int_equal(cfg.mgmt_key[31], 0xff);
	assert_int_equal(parse("vmconfig/good", &qemu_board), 0);
	assert_false(cfg.has_mgmt_key);
}

/* Net devices and ZVM's own address on the switch. */
static void test_network(void **state)
{
	(void)state;
	static const uint8_t zvm_mac[6] = { 0x52, 0x54, 0, 0x5a, 0x56, 0x4d };
	static const uint8_t linux_mac[6] = { 0x52, 0x54, 0, 0, 0, 2 };
	assert_int_equal(parse("vmconfig/good_net", &qemu_board), 0);
	assert_true(cfg.network.present);
	assert_int_equal(cfg.network.address, 0x0a00020f);
	assert_int_equal(cfg.network.netmask, 0xffffff00);
	assert_int_equal(cfg.network.gateway, 0x0a000202);
	assert_memory_equal(cfg.network.mac, zvm_mac, 6);
	assert_int_equal(cfg.network.agent_port, NET_AGENT_PORT_DEFAULT); /* not named */
	assert_int_equal(cfg.vms[1].virtio[0].type, VM_VIRTIO_NET);
	assert_int_equal(cfg.vms[1].virtio[0].intid, 50);
	assert_memory_equal(cfg.vms[1].virtio[0].mac, linux_mac, 6);
	assert_string_equal(vm_virtio_type_name(VM_VIRTIO_NET), "net");
	assert_int_equal(parse("vmconfig/good_net_agent_port", &qemu_board), 0);
	assert_int_equal(cfg.network.agent_port, 6000);
	/* Without the node ZVM has no address. */
	assert_int_equal(parse("vmconfig/good", &qemu_board), 0);
	assert_false(cfg.network.present);
}

static void test_virtio_devices(void **state)
{
	(void)state;
	assert_int_equal(parse("vmconfig/good_virtio", &qemu_board), 0);
	const struct vm_config *rtos = &cfg.vms[0], *linux_vm = &cfg.vms[1];
	assert_int_equal(linux_vm->virtio_count, 1);
	assert_int_equal(linux_vm->virtio[0].slot, 0);
	assert_int_equal(linux_vm->virtio[0].type, VM_VIRTIO_CONSOLE);
	assert_int_equal(linux_vm->virtio[0].intid, 48); /* SPI 16, QEMU virt's slot 0 */
	assert_int_equal(vm_virtio_base(&linux_vm->virtio[0]), 0x0a000000);
	assert_int_equal(rtos->virtio_count, 1);
	assert_int_equal(rtos->virtio[0].slot, 23);
	assert_int_equal(rtos->virtio[0].intid, 92);
	assert_int_equal(vm_virtio_base(&rtos->virtio[0]), 0x0a002e00);
	assert_string_equal(vm_virtio_type_name(VM_VIRTIO_CONSOLE), "console");
	/* Disks: partitions of the board's disk and a RAM disk. */
	assert_int_equal(parse("vmconfig/good_virtio_blk", &qemu_board), 0);
	assert_string_equal(msg.text, "");
	const struct vm_virtio *part = &cfg.vms[1].virtio[0], *ram = &cfg.vms[1].virtio[1];
	assert_int_equal(part->type, VM_VIRTIO_BLK);
	assert_int_equal(part->backing, VM_BACKING_DISK);
	assert_int_equal(part->offset, 0);
	assert_int_equal(part->size, 0x100000);
	assert_false(part->read_only);
	assert_int_equal(ram->backing, VM_BACKING_RAM);
	assert_int_equal(ram->size, 0x400000);
	assert_int_equal(cfg.vms[0].virtio[0].offset, 0x100000);
	assert_true(cfg.vms[0].virtio[0].read_only);
	assert_string_equal(vm_virtio_type_name(VM_VIRTIO_BLK), "blk");
	assert_string_equal(vm_virtio_backing_name(VM_BACKING_DISK), "disk");
	/* Devices are the configuration's only: the default has none yet. */
	assert_int_equal(parse("vmconfig/good", &qemu_board), 0);
	assert_int_equal(cfg.vms[0].virtio_count + cfg.vms[1].virtio_count, 0);
}

struct bad_case {
	const char *fixture;
	int rc;
	const char *message;
};

#define VMS "config: vm '"
static const struct bad_case bad_cases[] = {
	{ "overlap_memory", -ZE_CONFLICT,
	  VMS "linux': host memory "
	      "0x52000000-0x61ffffff overlaps vm 'rtos' (0x50000000-0x53ffffff)" },
	{ "overlap_zvm", -ZE_CONFLICT,
	  VMS "rtos': host memory "
	      "0x4e000000-0x51ffffff overlaps ZVM's own memory (zvm-memory "
	      "0x40000000-0x4fffffff)" },
	{ "cpu_twice", -ZE_CONFLICT, VMS "linux': cpu 1 is already given to vm 'rtos'" },
	{ "cpu_zvm", -ZE_CONFLICT, VMS "rtos': cpu 0 is ZVM's own core (zvm-cpu)" },
	{ "cpu_listed_twice", -ZE_CONFLICT, VMS "linux': cpu 2 is listed twice" },
	{ "cpu_missing", -ZE_MALFORMED,
	  VMS "linux': cpu 7 does not exist (the board has 4 cores: 0-3)" },
	{ "cpus_not_cells", -ZE_MALFORMED,
	  VMS "linux': 'cpus' must be a list of cells, like <1 2>" },
	{ "zvm_cpu_missing", -ZE_MALFORMED,
	  "config: /zvm: zvm-cpu 4 "
	  "does not exist (the board has 4 cores: 0-3)" },
	{ "irq_twice", -ZE_CONFLICT, VMS "linux': SPI 41 is already given to vm 'rtos'" },
	{ "irq_twice_same_vm", -ZE_CONFLICT,
	  VMS "rtos' passthrough@a003000: SPI 40 is given twice" },
	{ "irq_zvm_uart", -ZE_CONFLICT, VMS "rtos': SPI 1 is ZVM's console UART interrupt" },
	{ "irq_range", -ZE_MALFORMED,
	  VMS "rtos' passthrough@a003000: SPI 988 is out of range (0-987)" },
	{ "passthrough_twice", -ZE_CONFLICT,
	  VMS "linux': pass-through "
	      "0xa003000-0xa003fff is already given to vm 'rtos'" },
	{ "passthrough_dma", -ZE_CONFLICT,
	  VMS "linux': pass-through 0xa002000-0xa002fff holds a DMA-capable device "
	      "(virtio,mmio) that could write any memory: mark its node 'trusted;' to accept "
	      "that (ZVM programs no SMMU)" },
	{ "passthrough_ram", -ZE_CONFLICT,
	  VMS "rtos': pass-through "
	      "0x60000000-0x60000fff overlaps RAM (only device regions can be "
	      "passed through)" },
	{ "passthrough_gic", -ZE_CONFLICT,
	  VMS "rtos': pass-through "
	      "0x8000000-0x800ffff overlaps the GIC distributor" },
	{ "passthrough_uart", -ZE_CONFLICT,
	  VMS "rtos': pass-through "
	      "0x9000000-0x9000fff overlaps ZVM's console UART" },
	{ "passthrough_align", -ZE_MALFORMED,
	  VMS "rtos' passthrough@a003000: "
	      "region <0xa003200 0x200> must be non-empty, 4 KiB aligned and inside "
	      "the address space" },
	{ "passthrough_no_reg", -ZE_MISSING,
	  VMS "rtos' passthrough@a003000: missing required property 'reg'" },
	{ "passthrough_unknown_prop", -ZE_UNKNOWN,
	  VMS "rtos' passthrough@a003000: unknown property 'status'" },
	{ "passthrough_time_base", -ZE_CONFLICT,
	  VMS "rtos': pass-through "
	      "0x90a0000-0x90a0fff overlaps its time base page" },
	{ "time_base_value", -ZE_MALFORMED,
	  VMS "linux': 'time-base' is a flag "
	      "and takes no value (write 'time-base;')" },
	{ "passthrough_guest_ram", -ZE_CONFLICT,
	  VMS "rtos': pass-through "
	      "0x100100000-0x100100fff overlaps its own guest RAM" },
	{ "unknown_prop", -ZE_UNKNOWN, VMS "linux': unknown property 'autostrat'" },
	{ "unknown_zvm_prop", -ZE_UNKNOWN, "config: /zvm: unknown property 'boot-delay'" },
	{ "unknown_node", -ZE_UNKNOWN, VMS "linux': unknown node 'console'" },
	{ "unknown_root_node", -ZE_UNKNOWN, "config: /: unknown node 'chosen'" },
	{ "unknown_zvm_node", -ZE_UNKNOWN, "config: /zvm: unknown node 'guests'" },
	{ "missing_image", -ZE_MISSING, VMS "linux': missing required property 'image'" },
	{ "missing_cpus", -ZE_MISSING, VMS "linux': missing required property 'cpus'" },
	{ "missing_memory", -ZE_MISSING, VMS "linux': missing required property 'memory'" },
	{ "missing_os_type", -ZE_MISSING, VMS "linux': missing required property 'os-type'" },
	{ "missing_zvm_cpu", -ZE_MISSING, "config: /zvm: missing required property 'zvm-cpu'" },
	{ "missing_zvm_memory", -ZE_MISSING,
	  "config: /zvm: missing required property 'zvm-memory'" },
	{ "missing_compatible", -ZE_MISSING,
	  "config: /zvm: missing required property 'compatible'" },
	{ "missing_vms", -ZE_MISSING, "config: /zvm: missing node 'vms'" },
	{ "os_type", -ZE_MALFORMED,
	  VMS "linux': os-type \"windows\" is "
	      "not one of rtos, linux, baremetal" },
	{ "recovery", -ZE_MALFORMED,
	  VMS "linux': recovery \"reboot\" is "
	      "not one of none, restart, pause" },
	{ "abort_policy", -ZE_MALFORMED,
	  VMS "linux': abort-policy \"ignore\" is not one of inject, crash" },
	{ "pmu_counters", -ZE_MALFORMED, VMS "linux': pmu-counters 0 is not within 1..31" },
	{ "zero_vcpus", -ZE_MALFORMED, VMS "linux': zero vCPUs: 'cpus' is empty" },
	{ "memory_align", -ZE_MALFORMED,
	  VMS "linux': 'memory' "
	      "<0x40000000 0x4100000> is not 2 MiB aligned" },
	{ "memory_zero", -ZE_MALFORMED, VMS "linux': 'memory' has size 0" },
	{ "memory_cells", -ZE_MALFORMED,
	  VMS "linux': 'memory' must be "
	      "<base size> as two 64-bit values (4 cells)" },
	{ "memory_low", -ZE_MALFORMED,
	  VMS "linux': guest RAM at 0x0 "
	      "overlaps the guest's device window below 0x40000000" },
	{ "host_align", -ZE_MALFORMED, VMS "rtos': host-address 0x50100000 is not 2 MiB aligned" },
	{ "host_cells", -ZE_MALFORMED,
	  VMS "rtos': 'host-address' must be one 64-bit value (2 cells)" },
	{ "host_outside_ram", -ZE_MALFORMED,
	  VMS "rtos': host memory "
	      "0x7e000000-0x81ffffff is not inside the board's RAM" },
	{ "host_full", -ZE_LIMIT, VMS "linux': no free 2 MiB-aligned host RAM for its 1024 MiB" },
	{ "flag_value", -ZE_MALFORMED,
	  VMS "linux': 'autostart' is a flag "
	      "and takes no value (write 'autostart;')" },
	{ "image_path", -ZE_MALFORMED,
	  VMS "linux': image "
	      "\"../linux-Image\" must be a plain file name, without '/'" },
	{ "string_list", -ZE_MALFORMED, VMS "linux': 'bootargs' must be one non-empty string" },
	{ "vm_name", -ZE_MALFORMED,
	  "config: /zvm/vms: VM name '9lives': "
	  "use a letter, then letters, digits, '-' or '_' (no unit address)" },
	{ "compatible", -ZE_MALFORMED,
	  "config: /zvm: compatible is not "
	  "\"zvm,system-v1\" (a configuration for another ZVM version?)" },
	{ "zvm_memory_outside", -ZE_MALFORMED,
	  "config: /zvm: zvm-memory "
	  "0x0-0xfffffff is not inside the board's RAM" },
	{ "zvm_memory_align", -ZE_MALFORMED,
	  "config: /zvm: 'zvm-memory' "
	  "<0x40080000 0x10000000> is not 2 MiB aligned" },
	{ "heartbeat_range", -ZE_MALFORMED,
	  VMS "rtos': heartbeat-timeout-ms 10 is not "
	      "within 50..600000" },
	{ "too_many_vms", -ZE_LIMIT, "config: /zvm/vms: more than 8 VMs" },
	{ "virtio_type", -ZE_MALFORMED,
	  VMS "linux' virtio@0: type \"gpu\" is not one of console, blk, net" },
	{ "blk_no_backing", -ZE_MISSING,
	  VMS "linux' virtio@1: a blk device needs 'backing': \"ram\" (with size) or \"disk\" "
	      "(with partition)" },
	{ "blk_backing", -ZE_MALFORMED,
	  VMS "linux' virtio@1: a blk device's backing is \"ram\" or \"disk\", not \"nvme\"" },
	{ "blk_ram_size", -ZE_MALFORMED,
	  VMS "linux' virtio@1: size 0x1800: a RAM disk is whole 4 KiB pages, at most 256 MiB" },
	{ "blk_ram_size_cells", -ZE_MALFORMED,
	  VMS "linux' virtio@1: 'size' must be one 64-bit value (2 cells), like <0x0 0x400000>" },
	{ "blk_ram_partition", -ZE_MALFORMED,
	  VMS "linux' virtio@1: a RAM disk has a size, not a partition (that is backing "
	      "\"disk\")" },
	{ "blk_image_disk", -ZE_MALFORMED,
	  VMS "linux' virtio@1: an image is a RAM disk's first contents (type \"blk\", backing "
	      "\"ram\")" },
	{ "blk_no_partition", -ZE_MISSING,
	  VMS "linux' virtio@1: missing required property 'partition' (<offset size> in bytes "
	      "of the board's disk)" },
	{ "blk_partition_align", -ZE_MALFORMED,
	  VMS "linux' virtio@1: partition <0x100 0x100000> is not in whole 512-byte sectors" },
	{ "blk_partition_wrap", -ZE_MALFORMED,
	  VMS "linux' virtio@1: partition <0xfffffffffffffe00 0x400>: empty, or past the end of "
	      "any disk" },
	{ "blk_partition_overlap", -ZE_CONFLICT,
	  VMS "linux': virtio@1: partition <0x0 0x100000> overlaps vm 'rtos' virtio@2's "
	      "<0xffe00 0x200>" },
	{ "blk_partition_overlap_same_vm", -ZE_CONFLICT,
	  VMS "linux': virtio@2: partition <0x80000 0x100000> overlaps vm 'linux' virtio@1's "
	      "<0x0 0x100000>" },
	{ "console_size", -ZE_MALFORMED,
	  VMS "linux' virtio@0: size, partition and read-only are a blk device's" },
	{ "net_no_mac", -ZE_MISSING,
	  VMS "linux' virtio@2: a net device needs its mac (e.g. mac = [52 54 00 12 34 56])" },
	{ "net_mac_group", -ZE_MALFORMED,
	  VMS "linux' virtio@2: mac: a group (multicast) address; a port's MAC is unicast" },
	{ "net_mac_length", -ZE_MALFORMED,
	  VMS "linux' virtio@2: mac: 5 bytes, a MAC is 6 (e.g. [52 54 00 12 34 56])" },
	{ "net_mac_twice", -ZE_CONFLICT,
	  VMS "linux' virtio@2: mac is also a net device's of vm 'rtos'" },
	{ "net_mac_zvm", -ZE_CONFLICT, VMS "linux' virtio@2: mac is ZVM's own (/zvm/network)" },
	{ "net_mac_console", -ZE_UNKNOWN, VMS "linux' virtio@0: only a net device has a mac" },
	{ "network_address", -ZE_MALFORMED,
	  "config: /zvm/network: address \"10.0.2.256\" is not an IPv4 address a.b.c.d" },
	{ "network_netmask", -ZE_MALFORMED,
	  "config: /zvm/network: netmask: ones then zeros, not all zero" },
	{ "network_gateway", -ZE_MALFORMED,
	  "config: /zvm/network: gateway: not on the address's subnet" },
	{ "network_broadcast", -ZE_MALFORMED,
	  "config: /zvm/network: address: the subnet's network or broadcast address" },
	{ "network_no_mac", -ZE_MISSING, "config: /zvm/network: missing required property 'mac'" },
	{ "network_unknown_prop", -ZE_UNKNOWN, "config: /zvm/network: unknown property 'dns'" },
	{ "network_agent_port", -ZE_MALFORMED,
	  "config: /zvm/network: agent-port 7: a UDP port 1-65535 but 7 (the echo service), or 0 "
	  "for none" },
	{ "network_agent_port_cells", -ZE_MALFORMED,
	  "config: /zvm/network: 'agent-port' must be one cell, like <1>" },
	{ "virtio_slot", -ZE_MALFORMED,
	  VMS "linux' virtio@20: 'virtio@20': a virtio node "
	      "is virtio@<slot>, the slot in hex (0-1f)" },
	{ "virtio_slot_name", -ZE_MALFORMED,
	  VMS "linux' virtio@x1: 'virtio@x1': a virtio "
	      "node is virtio@<slot>, the slot in hex (0-1f)" },
	{ "virtio_no_type", -ZE_MISSING, VMS "linux' virtio@0: missing required property 'type'" },
	{ "virtio_backing", -ZE_MALFORMED,
	  VMS "linux' virtio@0: a console device's "
	      "backing is \"console\", not \"disk\"" },
	{ "virtio_irq_range", -ZE_MALFORMED,
	  VMS "linux' virtio@0: interrupt: SPI 96 is "
	      "out of the guest's range (0-95)" },
	{ "virtio_irq_uart", -ZE_CONFLICT,
	  VMS "linux': virtio@0: SPI 1 is the emulated UART's interrupt" },
	{ "virtio_irq_passthrough", -ZE_CONFLICT,
	  VMS "rtos': virtio@0: SPI 40 is also a pass-through interrupt" },
	{ "virtio_window_passthrough", -ZE_CONFLICT,
	  VMS "rtos': a pass-through region overlaps virtio@18's window" },
	{ "virtio_two_consoles", -ZE_CONFLICT,
	  VMS "linux' virtio@1: a second virtio "
	      "console (virtio@0 is the VM's console)" },
	{ "virtio_slot_twice", -ZE_CONFLICT, VMS "linux' virtio@01: virtio slot 1 is given twice" },
	{ "virtio_irq_twice", -ZE_CONFLICT,
	  VMS "linux' virtio@2: interrupt SPI 17 is already virtio@1's" },
	{ "virtio_unknown_prop", -ZE_UNKNOWN, VMS "linux' virtio@0: unknown property 'status'" },
	{ "zshm_unknown_vm", -ZE_MALFORMED,
	  "config: channel 'c': readers: 'bsd' is not a VM of this system" },
	{ "zshm_size", -ZE_MALFORMED,
	  "config: channel 'c': size 0x1800 must "
	  "be a non-zero multiple of 4 KiB, at most 16 MiB" },
	{ "zshm_no_reader", -ZE_MALFORMED,
	  "config: channel 'c': writer 'rtos' has no reader but itself" },
	{ "zshm_twice", -ZE_CONFLICT, "config: channel 'c': writers: 'rtos' is listed twice" },
	{ "zshm_multicast", -ZE_MALFORMED,
	  "config: channel 'c': 'multicast' "
	  "but no writer has more than one reader" },
	{ "zshm_missing_readers", -ZE_MISSING,
	  "config: channel 'c': missing required property 'readers'" },
	{ "zshm_doorbell", -ZE_CONFLICT,
	  "config: channel 'c': vm 'rtos': SPI 80 is the channel's doorbell" },
	{ "zshm_unknown_prop", -ZE_UNKNOWN, "config: channel 'c': unknown property 'role'" },
	{ "no_zvm", -ZE_MISSING, "config: /: no /zvm node: not a ZVM system configuration" },
	{ "mgmt_key_short", -ZE_MALFORMED,
	  "config: /zvm: mgmt-key must be 32 bytes ([xx ...] in the source), not 4" },
};

static void test_bad_fixture(void **state)
{
	const struct bad_case *c = *state;
	char name[128];

	snprintf(name, sizeof(name), "vmconfig/bad_%s", c->fixture);
	assert_int_equal(parse(name, &qemu_board), c->rc);
	assert_string_equal(msg.text, c->message);
	/* A failed parse leaves nothing half-filled behind. */
	assert_int_equal(cfg.vm_count, 0);
}

/* Members in order of first mention; roles as bit masks over them. */
static void test_zshm_channels(void **state)
{
	const struct zshm_channel_config *rl = &cfg.channels[0], *one = &cfg.channels[1];

	(void)state;
	assert_int_equal(parse("vmconfig/good_zshm", &qemu_board), 0);
	assert_string_equal(msg.text, "");
	assert_int_equal(cfg.channel_count, 2);
	assert_string_equal(rl->name, "rl");
	assert_int_equal(rl->section_size, 0x10000);
	assert_int_equal(rl->member_count, 2);
	assert_int_equal(rl->members[0], 0);
	assert_int_equal(rl->members[1], 1);
	assert_int_equal(rl->writers, 3);
	assert_int_equal(rl->readers, 3);
	assert_false(rl->multicast);
	assert_string_equal(one->name, "one");
	assert_int_equal(one->members[0], 1); /* linux, the writer */
	assert_int_equal(one->members[1], 0);
	assert_int_equal(one->writers, 1);
	assert_int_equal(one->readers, 2);
	/* Placed one after the other in the guests' Zshm window. */
	assert_int_equal(rl->guest_base, GUEST_ZSHM_BASE);
	assert_int_equal(rl->intid, GUEST_INTID_ZSHM0);
	assert_int_equal(one->guest_base, GUEST_ZSHM_BASE + 2 * 0x10000);
	assert_int_equal(one->intid, GUEST_INTID_ZSHM0 + 1);
}

static void test_not_a_blob(void **state)
{
	static const char junk[64] = "this is not a devicetree";

	(void)state;
	assert_int_equal(vm_config_parse(junk, sizeof(junk), &qemu_board, &cfg, &msg),
	                 -ZE_NOT_A_BLOB);
	assert_string_equal(msg.text, "config: blob: bad magic (not a devicetree blob)");
	assert_int_equal(vm_config_parse(NULL, 0, &qemu_board, &cfg, &msg), -ZE_INVAL);
}

/* Every prefix of a valid config is rejected cleanly (ASan watches). */
static void test_truncated_everywhere(void **state)
{
	struct blob b = fixture_load("vmconfig/good");
	unsigned char *copy;
	size_t len;

	(void)state;
	for (len = 0; len < b.size; len++) {
		copy = blob_copy(&b, len);
		assert_int_not_equal(vm_config_parse(copy, len, &qemu_board, &cfg, &msg), 0);
		assert_true(strncmp(msg.text, "config: ", 8) == 0);
		free(copy);
	}
	free(b.data);
}

struct file_size {
	const char *name;
	uint64_t size;
};

static int table_lookup(void *ctx, const char *name, uint64_t *size)
{
	const struct file_size *f;

	for (f = ctx; f->name; f++) {
		if (strcmp(f->name, name) == 0) {
			*size = f->size;
			return 0;
		}
	}
	return -1;
}

static int check_images(uint64_t rtos, uint64_t kernel, uint64_t initrd)
{
	const struct file_size files[] = {
		{ "rtos.bin", rtos },
		{ "linux-Image", kernel },
		{ "linux-initrd", initrd },
		{ NULL, 0 },
	};

	memset(&msg, 'x', sizeof(msg));
	return vm_config_check_images(&cfg, table_lookup, (void *)files, &msg);
}

static void test_image_sizes(void **state)
{
	(void)state;
	assert_int_equal(parse("configs/qemu-virt", &qemu_board), 0);
	/* rtos has 64 MiB, linux 256 MiB. */
	assert_int_equal(check_images(64 * MIB, 200 * MIB, 56 * MIB), 0);
	assert_string_equal(msg.text, "");
	assert_int_equal(check_images(64 * MIB + 1, MIB, MIB), -ZE_IMAGE);
	assert_string_equal(msg.text, VMS "rtos': image 'rtos.bin' (67108865 bytes) is "
	                                  "larger than its memory (67108864 bytes)");
	assert_int_equal(check_images(MIB, 200 * MIB, 56 * MIB + 1), -ZE_IMAGE);
	assert_string_equal(msg.text, VMS "linux': image 'linux-Image' and initrd "
	                                  "'linux-initrd' (268435457 bytes together) do not fit "
	                                  "in its memory (268435456 bytes)");
}

static void test_image_missing(void **state)
{
	const struct file_size only_rtos[] = { { "rtos.bin", 1 }, { NULL, 0 } };

	(void)state;
	assert_int_equal(parse("configs/qemu-virt", &qemu_board), 0);
	assert_int_equal(vm_config_check_images(&cfg, table_lookup, (void *)only_rtos, &msg),
	                 -ZE_IMAGE);
	assert_string_equal(msg.text, VMS "linux': image 'linux-Image' not found");
}

/* A RAM disk's image must be in the package and no larger than the disk. */
static void test_ram_disk_image(void **state)
{
	struct file_size files[] = {
		{ "rtos.bin", MIB },
		{ "linux-Image", MIB },
		{ "linux-initrd", MIB },
		{ "disk.img", MIB },
		{ NULL, 0 },
	};

	(void)state;
	assert_int_equal(parse("vmconfig/good_blk_ram_image", &qemu_board), 0);
	assert_string_equal(cfg.vms[1].virtio[0].image, "disk.img");
	assert_int_equal(vm_config_check_images(&cfg, table_lookup, files, &msg), 0);
	files[3].size = MIB + 1;
	assert_int_equal(vm_config_check_images(&cfg, table_lookup, files, &msg), -ZE_IMAGE);
	assert_string_equal(msg.text, VMS "linux' virtio@2: RAM disk image 'disk.img' (1048577 "
	                                  "bytes) is larger than the disk (1048576 bytes)");
	files[3].name = "other.img";
	assert_int_equal(vm_config_check_images(&cfg, table_lookup, files, &msg), -ZE_IMAGE);
	assert_string_equal(msg.text,
	                    VMS "linux' virtio@2: RAM disk image 'disk.img' is not in the package");
}

/* Names are typed next to VM ids: nothing that is a number or splits. */
static void test_vm_name_rule(void **state)
{
	(void)state;
	assert_true(vm_config_name_ok("rtos"));
	assert_true(vm_config_name_ok("linux-2_b"));
	assert_true(vm_config_name_ok("a234567890123456789012345678901"));
	assert_false(vm_config_name_ok(""));
	assert_false(vm_config_name_ok("3"));
	assert_false(vm_config_name_ok("3vm"));
	assert_false(vm_config_name_ok("a b"));
	assert_false(vm_config_name_ok("a'b"));
	assert_false(vm_config_name_ok("-x"));
	assert_false(vm_config_name_ok("a2345678901234567890123456789012"));
}

static void test_names(void **state)
{
	(void)state;
	assert_string_equal(vm_os_type_name(VM_OS_BAREMETAL), "baremetal");
	assert_string_equal(vm_recovery_name(VM_RECOVERY_PAUSE), "pause");
}

#define BAD_COUNT (sizeof(bad_cases) / sizeof(bad_cases[0]))

int main(void)
{
	const struct CMUnitTest fixed[] = {
		cmocka_unit_test(test_qemu_default_config),
		cmocka_unit_test(test_rk3588_config),
		cmocka_unit_test(test_config_against_wrong_board),
		cmocka_unit_test(test_good_fixture),
		cmocka_unit_test(test_mgmt_key),
		cmocka_unit_test(test_virtio_devices),
		cmocka_unit_test(test_network),
		cmocka_unit_test(test_zshm_channels),
		cmocka_unit_test(test_not_a_blob),
		cmocka_unit_test(test_truncated_everywhere),
		cmocka_unit_test(test_image_sizes),
		cmocka_unit_test(test_image_missing),
		cmocka_unit_test(test_ram_disk_image),
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_vm_name_rule),
	};
	size_t nfixed = sizeof(fixed) / sizeof(fixed[0]), i;
	struct CMUnitTest tests[sizeof(fixed) / sizeof(fixed[0]) + BAD_COUNT];
	static char names[BAD_COUNT][64];

	load_board("qemu_virt_smp4", &qemu_board);
	load_board("rk3588", &rk_board);
	memcpy(tests, fixed, sizeof(fixed));
	for (i = 0; i < BAD_COUNT; i++) {
		snprintf(names[i], sizeof(names[i]), "bad_%s", bad_cases[i].fixture);
		tests[nfixed + i] = (struct CMUnitTest){
			.name = names[i],
			.test_func = test_bad_fixture,
			.initial_state = (void *)&bad_cases[i],
		};
	}
	return _cmocka_run_group_tests("vm_config", tests, nfixed + BAD_COUNT, NULL, NULL);
}
