/*
 * GICv3 definitions, the one place for them: INTID ranges, register
 * offsets and bit fields of the distributor, redistributors, CPU interface
 * and virtual CPU interface.  Used by ZVM's driver (hypervisor/drivers/),
 * the vGIC (hypervisor/vgic/), the guests (guests/rtos, guests/baremetal)
 * and the host tests.  Section numbers are of the GICv3/v4 architecture
 * specification, ARM IHI 0069H; "binding" is the Linux devicetree binding
 * arm,gic-v3.yaml.  Plain numbers where the assembler uses them.
 */
#ifndef LIB_GICV3_DEFS_H
#define LIB_GICV3_DEFS_H

/* --- INTID ranges (2.2, table 2-1) --- */
#define GIC_SGI_COUNT      16 /* SGIs: INTIDs 0..15 */
#define GIC_PPI_BASE       16 /* PPIs: INTIDs 16..31 */
#define GIC_PPI_COUNT      16
#define GIC_PRIVATE_COUNT  32 /* SGIs + PPIs, banked per PE */
#define GIC_SPI_BASE       32 /* SPIs: INTIDs 32..1019 */
#define GIC_SPI_LAST       1019
#define GIC_SPI_COUNT      988
#define GIC_INTID_SPECIAL  1020 /* 1020..1023: special INTIDs */
#define GIC_INTID_SPURIOUS 1023 /* "no pending interrupt" from an IAR */
#define GIC_INTID_LIMIT    1024 /* INTIDs the register banks have room for */
#define GIC_EPPI_BASE      1056 /* extended PPIs: 1056..1119 */
#define GIC_EPPI_COUNT     64
#define GIC_ESPI_BASE      4096 /* extended SPIs: 4096..5119 */
#define GIC_ESPI_COUNT     1024

/* --- devicetree interrupt specifiers (binding: "interrupts" cells) --- */
#define GIC_DT_SPI           0 /* first cell: the kind */
#define GIC_DT_PPI           1
#define GIC_DT_ESPI          2
#define GIC_DT_EPPI          3
#define GIC_DT_IRQ_CELLS     3       /* kind, number, flags */
#define GIC_DT_IRQ_CELLS_MAX 4       /* + a PPI partition phandle */
#define GIC_DT_REDIST_ALIGN  0x10000 /* redistributor frames are 64 KiB */

/* --- Distributor (12.9, table 12-25) --- */
#define GICD_CTLR        0x0000
#define GICD_TYPER       0x0004
#define GICD_IIDR        0x0008
#define GICD_TYPER2      0x000c
#define GICD_IGROUPR     0x0080 /* first of seven bit-per-INTID blocks: */
#define GICD_ISENABLER   0x0100
#define GICD_ICENABLER   0x0180
#define GICD_ISPENDR     0x0200
#define GICD_ICPENDR     0x0280
#define GICD_ISACTIVER   0x0300
#define GICD_ICACTIVER   0x0380 /* ... each GIC_BITS_BLOCK long */
#define GICD_IPRIORITYR  0x0400 /* a byte per INTID */
#define GICD_ICFGR       0x0c00 /* two bits per INTID */
#define GICD_IGRPMODR    0x0d00 /* a bit per INTID */
#define GICD_NSACR       0x0e00 /* two bits per INTID */
#define GICD_SGIR        0x0f00 /* legacy, unused with ARE */
#define GICD_IROUTER     0x6000 /* 8 bytes per INTID, SPIs only */
#define GICD_IROUTER_END 0x7fe0 /* just past INTID 1019's */
#define GIC_PIDR2        0xffe8 /* GICD_PIDR2 and GICR_PIDR2 (12.1.13) */

#define GIC_BITS_BLOCK   0x0080 /* a bit-per-INTID block: 1024 INTIDs */
#define GIC_BITS_PER_REG 32
#define GIC_ICFGR_BITS   2
#define GIC_ICFGR_EDGE   2u /* Int_config[1]: edge-triggered */

/* GICD_CTLR (12.9.4): the view with DS = 1, or the Non-secure one. */
#define GICD_CTLR_ENABLE_GRP0 (1u << 0)
#define GICD_CTLR_ENABLE_GRP1 (1u << 1) /* EnableGrp1 / EnableGrp1NS / G1A */
#define GICD_CTLR_ARE         (1u << 4) /* ARE / ARE_NS */
#define GICD_CTLR_DS          (1u << 6)
#define GICD_CTLR_RWP         (1u << 31)

/* GICD_TYPER (12.9.38). */
#define GICD_TYPER_ITLINES        0x1fu /* ITLinesNumber: INTIDs / 32 - 1 */
#define GICD_TYPER_LINES_PER_UNIT 32
#define GICD_TYPER_CPUS_SHIFT     5 /* CPUNumber: 3 bits */
#define GICD_TYPER_CPUS_MAX       8
#define GICD_TYPER_IDBITS_SHIFT   19
#define GICD_TYPER_A3V            (1u << 24) /* Aff3 routes too */

/* GICD_IROUTER<n> (12.9.22) and MPIDR_EL1 affinity fields (ARM DDI 0487 D19.2). */
#define GIC_AFF0_SHIFT      0
#define GIC_AFF1_SHIFT      8
#define GIC_AFF2_SHIFT      16
#define GIC_AFF3_SHIFT      32
#define GIC_AFF_FIELD       0xffull
#define MPIDR_AFFINITY_MASK 0xff00ffffffull /* Aff3, Aff2, Aff1, Aff0 */
#define GICD_IROUTER_IRM    (1ull << 31)    /* 1 of N: any participating PE */

/* GICD_IIDR / GICR_IIDR (12.9.15) and PIDR2.ArchRev (12.1.13). */
#define GIC_IIDR_PRODUCT_SHIFT 24
#define GIC_PIDR2_ARCH_GICV3   (3u << 4)

/* --- Redistributors (12.11, tables 12-27 and 12-29) --- */
#define GICR_CTLR        0x0000
#define GICR_IIDR        0x0004
#define GICR_TYPER       0x0008 /* 64 bits */
#define GICR_TYPER_HIGH  0x000c
#define GICR_WAKER       0x0014
#define GICR_PROPBASER   0x0070
#define GICR_SGI_BASE    0x10000 /* SGI_base frame: the private INTIDs' */
#define GICR_FRAME_V3    0x20000 /* RD_base + SGI_base */
#define GICR_FRAME_V4    0x40000 /* + VLPI_base + reserved */
/* SGI_base registers are the distributor's, for INTIDs 0..31. */
#define GICR_IGROUPR0    (GICR_SGI_BASE + GICD_IGROUPR)
#define GICR_ISENABLER0  (GICR_SGI_BASE + GICD_ISENABLER)
#define GICR_ICENABLER0  (GICR_SGI_BASE + GICD_ICENABLER)
#define GICR_ISPENDR0    (GICR_SGI_BASE + GICD_ISPENDR)
#define GICR_ICPENDR0    (GICR_SGI_BASE + GICD_ICPENDR)
#define GICR_ISACTIVER0  (GICR_SGI_BASE + GICD_ISACTIVER)
#define GICR_ICACTIVER0  (GICR_SGI_BASE + GICD_ICACTIVER)
#define GICR_IPRIORITYR0 (GICR_SGI_BASE + GICD_IPRIORITYR)
#define GICR_ICFGR0      (GICR_SGI_BASE + GICD_ICFGR)
#define GICR_ICFGR1      (GICR_ICFGR0 + 4)

#define GICR_CTLR_RWP             (1u << 3)   /* 12.11.2 */
#define GICR_TYPER_VLPIS          (1ull << 1) /* 12.11.39 */
#define GICR_TYPER_LAST           (1ull << 4)
#define GICR_TYPER_PROC_NUM_SHIFT 8
#define GICR_TYPER_AFF_SHIFT      32 /* Aff3.Aff2.Aff1.Aff0 */
#define GICR_TYPER_AFF_BITS       8
#define GICR_WAKER_SLEEP          (1u << 1) /* ProcessorSleep (12.11.43) */
#define GICR_WAKER_ASLEEP         (1u << 2) /* ChildrenAsleep */

/* --- CPU interface system registers (12.2) --- */
#define ICC_SRE_SRE              (1 << 0)  /* 12.2.18-20 */
#define ICC_SRE_ENABLE           (1 << 3)  /* EL2's: lets EL1 use them too */
#define ICC_PMR_ALLOW_ALL        0xff      /* 12.2.19 */
#define ICC_CTLR_EOIMODE         (1u << 1) /* 12.2.6: EOI drops priority only */
#define ICC_CTLR_PRIBITS_SHIFT   8         /* 12.2.6: priority bits - 1 */
#define ICC_CTLR_PRIBITS_MASK    7u
#define ICC_IGRPEN_ENABLE        1u /* 12.2.14 */
/* ICC_SGI1R_EL1 (12.2.23). */
#define ICC_SGI1R_TARGETS_MASK   0xffffull
#define ICC_SGI1R_AFF1_SHIFT     16
#define ICC_SGI1R_INTID_SHIFT    24
#define ICC_SGI1R_INTID_MASK     0xfull
#define ICC_SGI1R_AFF2_SHIFT     32
#define ICC_SGI1R_IRM            (1ull << 40) /* all PEs but the sender */
#define ICC_SGI1R_RS_SHIFT       44
#define ICC_SGI1R_RS_MASK        0xfull
#define ICC_SGI1R_AFF3_SHIFT     48
#define ICC_SGI1R_TARGETS_PER_RS 16 /* Aff0 = RS * 16 + bit */

/* --- Virtual CPU interface control, EL2 (12.4) --- */
#define ICH_HCR_EN            (1ull << 0) /* 12.4.4 */
#define ICH_HCR_UIE           (1ull << 1) /* maintenance IRQ: at most one valid LR */
#define ICH_HCR_NPIE          (1ull << 3) /* maintenance IRQ: no pending LR */
#define ICH_VTR_LISTREGS      0x1fu       /* 12.4.10: list registers - 1 */
#define ICH_LR_MAX            16
/* ICH_LR<n>_EL2 (12.4.6). */
#define ICH_LR_VINTID_MASK    0xffffffffull
#define ICH_LR_PINTID_SHIFT   32
#define ICH_LR_EOI            (1ull << 41) /* with HW == 0: maintenance on EOI */
#define ICH_LR_PRIORITY_SHIFT 48
#define ICH_LR_GROUP1         (1ull << 60)
#define ICH_LR_HW             (1ull << 61)
#define ICH_LR_STATE_SHIFT    62

#endif
