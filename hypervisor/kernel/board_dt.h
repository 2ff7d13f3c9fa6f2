/*
 * The board as ZVM needs it, read from the devicetree the firmware (or
 * QEMU) hands over.  board_from_fdt() fills a plain struct that owns all
 * its data (strings are copied), so the blob may be dropped afterwards.
 * Portable: unit-tested on the host against real QEMU blobs.
 */
#ifndef KERNEL_BOARD_DT_H
#define KERNEL_BOARD_DT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/zerror.h"

#define BOARD_MAX_MEM          8
#define BOARD_MAX_RESERVED     16
#define BOARD_MAX_CPUS         16
#define BOARD_MAX_GICR_REGIONS 4
#define BOARD_MAX_VIRTIO       32
#define BOARD_NAME_MAX         64 /* model, compatible strings */

struct board_range {
	uint64_t base;
	uint64_t size;
};

enum board_cpu_enable {
	BOARD_CPU_ENABLE_NONE, /* no enable-method: cannot be started */
	BOARD_CPU_ENABLE_PSCI,
	BOARD_CPU_ENABLE_SPIN_TABLE,
	BOARD_CPU_ENABLE_OTHER,
};

struct board_cpu {
	uint64_t mpidr; /* the cpu node's reg (affinity fields) */
	enum board_cpu_enable enable;
	uint64_t release_addr; /* cpu-release-addr for spin-table */
};

enum board_psci_conduit {
	BOARD_PSCI_NONE, /* no /psci node */
	BOARD_PSCI_SMC,
	BOARD_PSCI_HVC,
};

struct board_psci {
	enum board_psci_conduit conduit;
	/* Highest "arm,psci-M.N" compatible; "arm,psci" alone is 0.1. */
	uint16_t version_major;
	uint16_t version_minor;
	/* PSCI 0.1 function IDs (cpu_on / cpu_off properties), 0 if absent. */
	uint32_t cpu_on_id;
	uint32_t cpu_off_id;
};

struct board_gic {
	struct board_range dist;                           /* GICD */
	struct board_range redist[BOARD_MAX_GICR_REGIONS]; /* GICR */
	uint32_t redist_count;
	uint64_t redist_stride; /* 0: packed frames, no stride property */
	bool has_maint_irq;
	uint32_t maint_intid;     /* virtual interface maintenance IRQ */
	uint32_t interrupt_cells; /* #interrupt-cells, 3 or 4 */
};

struct board_uart {
	struct board_range reg;
	uint32_t intid;
	char compatible[BOARD_NAME_MAX]; /* first compatible string */
	bool is_pl011;
};

struct board_timer {
	uint32_t sec_phys_intid; /* CNTPS */
	uint32_t phys_intid;     /* CNTP, non-secure */
	uint32_t virt_intid;     /* CNTV */
	uint32_t hyp_phys_intid; /* CNTHP */
	bool has_hyp_virt;
	uint32_t hyp_virt_intid;  /* CNTHV (ARMv8.1 VHE), 5th entry */
	uint32_t clock_frequency; /* 0: read CNTFRQ_EL0 instead */
};

struct board_virtio {
	struct board_range reg;
	uint32_t intid;
};

struct board_desc {
	char model[BOARD_NAME_MAX];
	struct board_range mem[BOARD_MAX_MEM];
	uint32_t mem_count;
	struct board_range reserved[BOARD_MAX_RESERVED];
	uint32_t reserved_count;
	struct board_cpu cpus[BOARD_MAX_CPUS];
	uint32_t cpu_count;
	struct board_psci psci;
	struct board_gic gic;
	struct board_uart uart;
	struct board_timer timer;
	struct board_virtio virtio[BOARD_MAX_VIRTIO]; /* by address */
	uint32_t virtio_count;
	bool has_rtc;           /* an arm,pl031 node */
	struct board_range rtc; /* its registers */
};

/*
 * Reads the board from blob (at most max_size bytes).  Returns 0, or
 * -ZE_NOT_A_BLOB, -ZE_MISSING, -ZE_MALFORMED, -ZE_LIMIT or -ZE_INVAL with a
 * one-line reason in msg (lib/zerror.h; may be NULL).  out is cleared first.
 */
int board_from_fdt(const void *blob, size_t max_size, struct board_desc *out, struct zerr_msg *msg);

#endif
