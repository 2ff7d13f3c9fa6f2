/*
 * The system configuration: which core ZVM keeps, which host memory is
 * ZVM's, and each VM's cores, memory, image and devices, read from the
 * configuration devicetree (schema: docs/configuration.md) and checked
 * against the board.  The same code runs in tools/zvmpack on the host and
 * in ZVM at boot, so every mistake gets the same one-line message from both.
 * Portable: unit-tested on the host.
 */
#ifndef VMM_VM_CONFIG_H
#define VMM_VM_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "kernel/board_dt.h"
#include "zvm/guest_layout.h"
#include "vmm/package.h"

#define VM_CONFIG_COMPATIBLE    "zvm,system-v1"
#define VM_CONFIG_MAX_VMS       8
#define VM_NAME_MAX             32 /* node name, NUL included */
/* heartbeat-timeout-ms: its default and the range ZVM accepts. */
#define VM_HEARTBEAT_DEFAULT_MS 500
#define VM_HEARTBEAT_MIN_MS     50 /* a few periods of the health monitor */
#define VM_HEARTBEAT_MAX_MS     600000
/* pmu-counters: at most what PMCR_EL0.N can say (ARM ARM D13.3.5). */
#define VM_PMU_COUNTERS_MAX     31
#define VM_FILE_NAME_MAX        PACKAGE_NAME_MAX /* image, initrd */
#define VM_BOOTARGS_MAX         256
#define VM_MAX_PASSTHROUGH      8  /* regions per VM */
#define VM_MAX_SPIS             16 /* pass-through interrupts per VM */
/* Guest RAM, host placement and ZVM's memory are in 2 MiB blocks. */
#define VM_MEM_ALIGN            0x200000ull
/* Pass-through regions are mapped with 4 KiB pages. */
#define VM_PASSTHROUGH_ALIGN    0x1000ull

enum vm_os_type {
	VM_OS_RTOS,
	VM_OS_LINUX,
	VM_OS_BAREMETAL,
};

enum vm_recovery {
	VM_RECOVERY_NONE,    /* a crashed VM stays crashed */
	VM_RECOVERY_RESTART, /* boot again from a pristine image */
	VM_RECOVERY_PAUSE,   /* keep its state for inspection */
};

/* What a guest's access with nothing (or nothing permitted) behind it
 * gets: abort-policy (docs/configuration.md).  Zero is the default. */
enum vm_abort_policy {
	VM_ABORT_INJECT, /* a synchronous external abort, as bare metal gives */
	VM_ABORT_CRASH,  /* the VM crashes; its recovery policy applies */
};

struct vm_region {
	uint64_t base;
	uint64_t size;
};

/* VirtIO devices of a VM (virtio@<slot> nodes, vm_config_virtio.c). */
#define VM_MAX_VIRTIO 8
enum vm_virtio_type {
	VM_VIRTIO_CONSOLE, /* hvc0, on the VM's console ring */
	VM_VIRTIO_BLK,     /* /dev/vda: a RAM disk or a partition of the board's disk */
	VM_VIRTIO_NET,     /* a port of ZVM's virtual switch (docs/network.md) */
};
#define VM_MAC_LEN 6 /* an Ethernet MAC address */
/* Where a device's data goes (`backing`). */
enum vm_virtio_backing {
	VM_BACKING_CONSOLE, /* the VM's console ring */
	VM_BACKING_RAM,     /* a RAM disk of `size` bytes, ZVM's memory */
	VM_BACKING_DISK,    /* `partition` of the board's block device */
	VM_BACKING_SWITCH,  /* a port of ZVM's virtual switch */
};
/* A RAM disk: whole pages, at most this much. */
#define VM_RAMDISK_ALIGN   0x1000ull
#define VM_RAMDISK_MAX     0x10000000ull /* 256 MiB */
/* A partition of the board's disk: whole 512-byte sectors (VIRTIO 1.2 5.2.6). */
#define VM_PARTITION_ALIGN 512ull
struct vm_virtio {
	uint32_t slot; /* 0 .. GUEST_VIRTIO_SLOTS - 1: where its window is */
	enum vm_virtio_type type;
	uint32_t intid; /* the guest INTID it interrupts on (an SPI) */
	enum vm_virtio_backing backing;
	uint64_t offset,
	        size;   /* blk: the partition's bytes on the board disk; the RAM disk's size */
	bool read_only; /* blk: writes refused (VIRTIO_BLK_F_RO) */
	uint8_t mac[VM_MAC_LEN]; /* net: the only source address it may send with */
	/* blk "ram": a package file copied in when the RAM disk is made ("" none) */
	char image[VM_FILE_NAME_MAX];
};

struct vm_config {
	char name[VM_NAME_MAX];
	enum vm_os_type os_type;
	uint32_t vcpu_count;
	uint32_t cpus[GUEST_MAX_VCPUS]; /* logical core of vCPU i */
	struct vm_region ram;           /* guest-physical */
	uint64_t ram_host_base;         /* where ram lives in host memory */
	bool ram_host_fixed;            /* host-address given, else placed */
	char image[VM_FILE_NAME_MAX];
	char initrd[VM_FILE_NAME_MAX];  /* "" when none */
	char bootargs[VM_BOOTARGS_MAX]; /* "" when none */
	bool uart;                      /* emulated PL011 console */
	bool autostart;
	bool direct_irq;
	bool time_base; /* the time base page, read-only (docs/timebase.md) */
	enum vm_recovery recovery;
	enum vm_abort_policy abort_policy;
	uint32_t pmu_counters;         /* PMU event counters it gets; 0: all the core has */
	uint32_t heartbeat_timeout_ms; /* a beating guest's longest silence */
	/* Identity-mapped device regions and their interrupts (INTIDs). */
	struct vm_region passthrough[VM_MAX_PASSTHROUGH];
	/* Its node says `trusted`: the operator accepts that a DMA-capable
	 * device there can reach all memory (ZVM programs no SMMU). */
	bool passthrough_trusted[VM_MAX_PASSTHROUGH];
	uint32_t passthrough_count;
	uint32_t intids[VM_MAX_SPIS];
	uint32_t intid_count;
	struct vm_virtio virtio[VM_MAX_VIRTIO];
	uint32_t virtio_count;
};

/*
 * A Zshm channel (docs/configuration.md): every member VM gets a section
 * of section_size bytes that only it writes; each writer sends to every
 * reader but itself.  Members are indices into system_config.vms; writers
 * and readers are bit masks over the member list.
 */
#define ZSHM_MAX_CHANNELS  8
#define ZSHM_MAX_MEMBERS   VM_CONFIG_MAX_VMS
#define ZSHM_SECTION_ALIGN 0x1000ull    /* stage-2 maps 4 KiB pages */
#define ZSHM_SECTION_MAX   0x1000000ull /* 16 MiB per member */

struct zshm_channel_config {
	char name[VM_NAME_MAX];
	uint64_t section_size;
	uint32_t member_count;
	uint32_t members[ZSHM_MAX_MEMBERS];
	uint32_t writers; /* bit i: member i writes */
	uint32_t readers; /* bit i: member i reads */
	bool multicast;   /* a writer has several readers */
	/* Placed by the validator: the same for every member. */
	uint64_t guest_base; /* GUEST_ZSHM_BASE + the channels before it */
	uint32_t intid;      /* its doorbell, GUEST_INTID_ZSHM0 + index */
};

/* The management protocol's key (lib/rpc.h RPC_KEY_BYTES). */
#define VM_CONFIG_MGMT_KEY_BYTES 32

/*
 * ZVM's own address on its virtual switch (/zvm/network, vm_config_net.c):
 * IPv4 addresses in host byte order.
 */
struct net_config {
	bool present;
	uint8_t mac[VM_MAC_LEN];
	uint32_t address, netmask, gateway; /* gateway 0: none */
	uint16_t agent_port;                /* the agent's UDP port; 0: not on the network */
};

/* The agent's UDP port when /zvm/network does not name one (docs/protocol.md). */
#define NET_AGENT_PORT_DEFAULT 5555u

struct system_config {
	uint32_t zvm_cpu;            /* logical core, board order */
	struct vm_region zvm_memory; /* host RAM ZVM keeps */
	bool has_mgmt_key;           /* without one the agent refuses all */
	uint8_t mgmt_key[VM_CONFIG_MGMT_KEY_BYTES];
	struct vm_config vms[VM_CONFIG_MAX_VMS];
	uint32_t vm_count;
	struct zshm_channel_config channels[ZSHM_MAX_CHANNELS];
	uint32_t channel_count;
	struct net_config network;
};

/*
 * Reads and validates the configuration blob (at most size bytes) against
 * board.  VMs without a host-address get one here (first fit, in order).
 * Returns 0, or -ZE_NOT_A_BLOB, -ZE_MISSING, -ZE_MALFORMED, -ZE_UNKNOWN,
 * -ZE_CONFLICT, -ZE_LIMIT or -ZE_INVAL with a one-line message in msg
 * (lib/zerror.h; may be NULL).  out is cleared first.
 * The struct is several KiB: keep it static, not on a small stack.
 */
int vm_config_parse(const void *blob, size_t size, const struct board_desc *board,
                    struct system_config *out, struct zerr_msg *msg);

/*
 * Size of the file name, for vm_config_check_images(); 0 when found,
 * negative when there is no such file.  package_lookup_size() fits.
 */
typedef int (*vm_image_size_fn)(void *ctx, const char *name, uint64_t *size);

/*
 * Checks that every VM's image and initrd exist and that the image, and
 * image plus initrd, fit in the VM's RAM: 0 or -ZE_IMAGE, with a message.
 */
int vm_config_check_images(const struct system_config *cfg, vm_image_size_fn lookup, void *ctx,
                           struct zerr_msg *msg);

/*
 * A VM's name is typed on the command line and looked up next to VM ids:
 * a letter first (never a number that could be an id), then letters,
 * digits, '-' or '_' (nothing a shell splits or quotes).
 */
#define VM_NAME_RULE "use a letter, then letters, digits, '-' or '_'"
bool vm_config_name_ok(const char *name);
const char *vm_os_type_name(enum vm_os_type type);
const char *vm_virtio_type_name(enum vm_virtio_type type);
const char *vm_virtio_backing_name(enum vm_virtio_backing backing);
/* The guest-physical base of a device's virtio-mmio window. */
uint64_t vm_virtio_base(const struct vm_virtio *d);
const char *vm_recovery_name(enum vm_recovery recovery);
const char *vm_abort_policy_name(enum vm_abort_policy policy);

#endif
