/*
 * Helpers shared by the vGIC host tests: register access that fails the
 * test when the vGIC refuses it, and ICC_SGI1R_EL1 values built from the
 * GICv3 definitions (lib/gicv3_defs.h, IHI 0069 chapter 12).  Header-only:
 * each test program is one .c file.
 */
#ifndef TESTS_UNIT_VGIC_FIXTURE_H
#define TESTS_UNIT_VGIC_FIXTURE_H

#include "vgic/vgic.h"
#include "lib/zerror.h"

/*
 * vgic_init() with storage for the largest vGIC, one block per struct vgic
 * (a test program uses at most VGIC_TEST_MODELS of them).
 */
#define VGIC_TEST_MODELS 4

static inline int vgic_init_test(struct vgic *g, unsigned vcpus, const uint64_t *mpidr,
                                 unsigned spis)
{
	static uint64_t storage[VGIC_TEST_MODELS]
	                       [VGIC_STORAGE_SIZE(VGIC_MAX_SPIS) / sizeof(uint64_t) + 1];
	static struct vgic *owner[VGIC_TEST_MODELS];
	unsigned i = 0;

	while (i < VGIC_TEST_MODELS - 1 && owner[i] && owner[i] != g)
		i++;
	owner[i] = g;
	return vgic_init(g, vcpus, mpidr, spis, storage[i]);
}

/* ICC_SGI1R_EL1 (IHI 0069 12.2.22). */
#define SGI1R(intid, targets) ((uint64_t)(intid) << ICC_SGI1R_INTID_SHIFT | (targets))
#define SGI1R_AFF1(a)         ((uint64_t)(a) << ICC_SGI1R_AFF1_SHIFT)
#define SGI1R_AFF2(a)         ((uint64_t)(a) << ICC_SGI1R_AFF2_SHIFT)
#define SGI1R_AFF3(a)         ((uint64_t)(a) << ICC_SGI1R_AFF3_SHIFT)
#define SGI1R_RS(rs)          ((uint64_t)(rs) << ICC_SGI1R_RS_SHIFT)

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

static inline void rd_wr(struct vgic *g, unsigned vcpu, uint64_t off, unsigned size, uint64_t v)
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
	dist_wr(g, GICD_CTLR, 4, GICD_CTLR_ENABLE_GRP1);
	dist_bit(g, GICD_ISENABLER, intid);
}

static inline void enable_private(struct vgic *g, unsigned vcpu, unsigned intid)
{
	dist_wr(g, GICD_CTLR, 4, GICD_CTLR_ENABLE_GRP1);
	rd_wr(g, vcpu, GICR_ISENABLER0, 4, 1u << intid);
}

#endif
