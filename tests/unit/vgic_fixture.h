/*
 * Helpers shared by the vGIC host tests: register access that fails the
 * test when the vGIC refuses it, and the GICv3 offsets and fields the tests
 * check against (IHI 0069 chapter 12), written out here independently of
 * the code under test.  Header-only: each test program is one .c file.
 */
#ifndef TESTS_UNIT_VGIC_FIXTURE_H
#define TESTS_UNIT_VGIC_FIXTURE_H

#include "vgic/vgic.h"
#include "lib/zerror.h"

#define GICD_CTLR		0x0000
#define GICD_TYPER		0x0004
#define GICD_IIDR		0x0008
#define GICD_IGROUPR		0x0080
#define GICD_ISENABLER		0x0100
#define GICD_ICENABLER		0x0180
#define GICD_ISPENDR		0x0200
#define GICD_ICPENDR		0x0280
#define GICD_ISACTIVER		0x0300
#define GICD_ICACTIVER		0x0380
#define GICD_IPRIORITYR		0x0400
#define GICD_ICFGR		0x0c00
#define GICD_IGRPMODR		0x0d00
#define GICD_SGIR		0x0f00
#define GICD_IROUTER		0x6000
#define GICD_PIDR2		0xffe8

#define GICR_CTLR		0x0000
#define GICR_IIDR		0x0004
#define GICR_TYPER		0x0008
#define GICR_WAKER		0x0014
#define GICR_PROPBASER		0x0070
#define GICR_PIDR2		0xffe8
#define GICR_SGI		0x10000
#define GICR_IGROUPR0		(GICR_SGI + 0x0080)
#define GICR_ISENABLER0		(GICR_SGI + 0x0100)
#define GICR_ICENABLER0		(GICR_SGI + 0x0180)
#define GICR_ISPENDR0		(GICR_SGI + 0x0200)
#define GICR_ICPENDR0		(GICR_SGI + 0x0280)
#define GICR_ISACTIVER0		(GICR_SGI + 0x0300)
#define GICR_ICACTIVER0		(GICR_SGI + 0x0380)
#define GICR_IPRIORITYR0	(GICR_SGI + 0x0400)
#define GICR_ICFGR0		(GICR_SGI + 0x0c00)
#define GICR_ICFGR1		(GICR_SGI + 0x0c04)

#define CTLR_ENABLE_GRP1	(1u << 1)
#define CTLR_ARE		(1u << 4)
#define CTLR_DS			(1u << 6)
#define IROUTER_IRM		(1ull << 31)
#define WAKER_SLEEP		(1u << 1)
#define WAKER_ASLEEP		(1u << 2)

/* ICC_SGI1R_EL1 (IHI 0069 12.2.22). */
#define SGI1R(intid, targets)	((uint64_t)(intid) << 24 | (targets))
#define SGI1R_AFF1(a)		((uint64_t)(a) << 16)
#define SGI1R_AFF2(a)		((uint64_t)(a) << 32)
#define SGI1R_AFF3(a)		((uint64_t)(a) << 48)
#define SGI1R_RS(rs)		((uint64_t)(rs) << 44)
#define SGI1R_IRM		(1ull << 40)

static inline uint64_t dist_rd(struct vgic *g, uint64_t off, unsigned size)
{
	uint64_t v = 0xdeadbeefdeadbeefull;

	assert_int_equal(vgic_dist_access(g, off, size, false, &v), 0);
	return v;
}

static inline void dist_wr(struct vgic *g, uint64_t off, unsigned size, uint64_t v)
{
	assert_int_equal(vgic_dist_access(g, off, size, true, &v), 0);
}

static inline uint64_t rd_rd(struct vgic *g, unsigned vcpu, uint64_t off, unsigned size)
{
	uint64_t v = 0xdeadbeefdeadbeefull;

	assert_int_equal(vgic_redist_access(g, vcpu, off, size, false, &v), 0);
	return v;
}

static inline void rd_wr(struct vgic *g, unsigned vcpu, uint64_t off, unsigned size,
			 uint64_t v)
{
	assert_int_equal(vgic_redist_access(g, vcpu, off, size, true, &v), 0);
}

/* One bit of a bit-per-INTID register block of the distributor. */
static inline void dist_bit(struct vgic *g, uint64_t block, unsigned intid)
{
	dist_wr(g, block + intid / 32 * 4, 4, 1u << (intid % 32));
}

/* SPI enabled, the distributor's Group 1 on: ready to deliver. */
static inline void enable_spi(struct vgic *g, unsigned intid)
{
	dist_wr(g, GICD_CTLR, 4, CTLR_ENABLE_GRP1);
	dist_bit(g, GICD_ISENABLER, intid);
}

static inline void enable_private(struct vgic *g, unsigned vcpu, unsigned intid)
{
	dist_wr(g, GICD_CTLR, 4, CTLR_ENABLE_GRP1);
	rd_wr(g, vcpu, GICR_ISENABLER0, 4, 1u << intid);
}

#endif
