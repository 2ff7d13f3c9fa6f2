/*
 * Emulated MMIO: the stage-2 data abort decoder against the ARM ARM's ISS
 * encoding, and the per-VM region table (lookup at the edges, overlaps,
 * a full table).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "arch/arm64/esr.h"
#include "lib/zerror.h"
#include "vmm/guest_fault.h"
#include "vmm/mmio.h"
#include "zvm/guest_layout.h"

#define GICD      GUEST_GICD_BASE
#define GICD_SIZE GUEST_GICD_SIZE
#define GICR      GUEST_GICR_BASE
#define UART      GUEST_UART_BASE

/* HPFAR_EL2 for an IPA: FIPA = IPA[51:12] in bits [43:4]. */
static uint64_t hpfar(uint64_t ipa)
{
	return (ipa >> 12) << 4;
}

/* A data abort from a lower EL with this ISS. */
static uint64_t dabt(uint32_t iss)
{
	return (uint64_t)ESR_EC_DABT_LOWER << ESR_EC_SHIFT | ESR_IL | iss;
}

static uint32_t iss(unsigned sas, unsigned srt, bool write, unsigned dfsc)
{
	return ESR_DABT_ISV | sas << ESR_DABT_SAS_SHIFT | srt << ESR_DABT_SRT_SHIFT |
	       (write ? ESR_DABT_WNR : 0) | dfsc;
}

/* 0x93c08007: what `ldr x0, [x1]` on an unmapped page gives (ISV, SAS=3,
 * SRT=0, SF, read, translation fault level 3). */
static void decodes_a_doubleword_load(void **state)
{
	(void)state;
	struct guest_abort a = arch_decode_abort(0x93c08007ull, 0xffff000012345004ull, hpfar(GICD));

	assert_int_equal(a.ipa, GICD + 4);
	assert_int_equal(a.va, 0xffff000012345004ull);
	assert_int_equal(a.size, 8);
	assert_int_equal(a.reg, 0);
	assert_false(a.write);
	assert_true(a.reg64);
	assert_false(a.sign_extend);
	assert_true(a.syndrome_valid);
	assert_false(a.walk);
	assert_int_equal(a.fsc, 0x07);
	assert_true(abort_is_mmio_candidate(&a));
}

static void decodes_a_byte_store(void **state)
{
	(void)state;
	struct guest_abort a = arch_decode_abort(dabt(iss(0, 5, true, 0x06)), 0x123, hpfar(UART));

	assert_int_equal(a.ipa, UART + 0x123);
	assert_int_equal(a.size, 1);
	assert_int_equal(a.reg, 5);
	assert_true(a.write);
	assert_false(a.reg64);
	assert_int_equal(abort_store_value(&a, 0x1234567890abcdefull), 0xef);
}

static void decodes_every_size_and_register(void **state)
{
	(void)state;
	for (unsigned sas = 0; sas < 4; sas++) {
		for (unsigned srt = 0; srt < 32; srt++) {
			struct guest_abort a =
			        arch_decode_abort(dabt(iss(sas, srt, false, 0x07)), 0, hpfar(GICD));
			assert_int_equal(a.size, 1u << sas);
			assert_int_equal(a.reg, srt);
		}
	}
}

static void ipa_takes_every_hpfar_bit(void **state)
{
	(void)state;
	uint64_t top = 0x000ffffffffff000ull; /* IPA[51:12] all ones */
	struct guest_abort a = arch_decode_abort(dabt(iss(2, 0, false, 0x04)),
	                                         0xffffffffffffffabull, hpfar(top) | 0xf);

	assert_int_equal(a.ipa, top | 0xfab);
}

static void without_isv_the_syndrome_is_not_valid(void **state)
{
	(void)state;
	struct guest_abort a = arch_decode_abort(dabt(ESR_DABT_S1PTW | 0x07), 0, 0);

	assert_false(a.syndrome_valid);
	assert_true(a.walk);
}

/* Translation, access flag, permission: any level.  Nothing else. */
static void only_stage2_translation_faults_are_mmio(void **state)
{
	(void)state;
	for (unsigned fsc = 0; fsc < 0x40; fsc++) {
		struct guest_abort a = arch_decode_abort(dabt(iss(2, 0, false, fsc)), 0, 0);
		bool expected = fsc >= 0x04 && fsc <= 0x0f;

		assert_int_equal(abort_is_mmio_candidate(&a), expected);
	}
}

/* The fast path's filter: a load with a full syndrome from an unmapped IPA
 * (a translation fault at any level), never a store, a stage-1 walk, an
 * access without ISV, or a permission or access-flag fault. */
static void only_plain_loads_may_take_the_fast_path(void **state)
{
	(void)state;
	for (unsigned fsc = 0; fsc < 0x40; fsc++) {
		for (unsigned w = 0; w < 2; w++) {
			struct guest_abort a =
			        arch_decode_abort(dabt(iss(2, 3, w, fsc)), 0, hpfar(GICD));
			bool expected = !w && fsc >= 0x04 && fsc <= 0x07;

			assert_int_equal(abort_is_plain_load(&a), expected);
		}
	}
	struct guest_abort no_isv = arch_decode_abort(dabt(0x07), 0, hpfar(GICD));
	struct guest_abort walk =
	        arch_decode_abort(dabt(iss(2, 3, false, 0x07) | ESR_DABT_S1PTW), 0, hpfar(GICD));
	struct guest_abort plain = arch_decode_abort(dabt(iss(2, 3, false, 0x07)), 0, hpfar(GICD));

	assert_false(abort_is_plain_load(&no_isv));
	assert_false(abort_is_plain_load(&walk));
	assert_true(abort_is_plain_load(&plain));
}

static void signed_loads_extend_to_the_register(void **state)
{
	(void)state;
	uint32_t ldrsh_w = iss(1, 2, false, 0x07) | ESR_DABT_SSE;
	struct guest_abort w = arch_decode_abort(dabt(ldrsh_w), 0, 0);
	struct guest_abort x = arch_decode_abort(dabt(ldrsh_w | ESR_DABT_SF), 0, 0);
	struct guest_abort u = arch_decode_abort(dabt(iss(1, 2, false, 0x07) | ESR_DABT_SF), 0, 0);

	assert_int_equal(abort_load_value(&w, 0x8001), 0xffff8001ull);
	assert_int_equal(abort_load_value(&x, 0x8001), 0xffffffffffff8001ull);
	assert_int_equal(abort_load_value(&x, 0x7001), 0x7001);
	assert_int_equal(abort_load_value(&u, 0x8001), 0x8001);
	/* The device's datum is cut to the access size first. */
	assert_int_equal(abort_load_value(&u, 0xabcd8001), 0x8001);
}

static int seen_dev_calls;

static int recording_handler(void *dev, uint64_t offset, unsigned size, bool write, uint64_t *value)
{
	(void)size;
	(void)write;
	seen_dev_calls++;
	*value = (uint64_t)(uintptr_t)dev + offset;
	return 0;
}

static struct mmio_region region(uint64_t base, uint64_t size, const char *name)
{
	struct mmio_region r = { base, size, recording_handler, NULL, name };
	return r;
}

static void finds_regions_at_their_edges(void **state)
{
	(void)state;
	struct mmio_table t;
	struct mmio_region uart = region(UART, 0x1000, "uart");
	struct mmio_region gicr = region(GICR, 4 * 0x20000ull, "gicr");
	struct mmio_region gicd = region(GICD, GICD_SIZE, "gicd");

	mmio_table_init(&t);
	assert_int_equal(mmio_register(&t, &uart), 0); /* any order */
	assert_int_equal(mmio_register(&t, &gicr), 0);
	assert_int_equal(mmio_register(&t, &gicd), 0);
	assert_int_equal(t.count, 3);
	assert_string_equal(mmio_find(&t, GICD)->name, "gicd");
	assert_string_equal(mmio_find(&t, GICD + GICD_SIZE - 1)->name, "gicd");
	assert_null(mmio_find(&t, GICD + GICD_SIZE));
	assert_null(mmio_find(&t, GICD - 1));
	assert_string_equal(mmio_find(&t, GICR + 3 * 0x20000ull + 0x10000)->name, "gicr");
	assert_null(mmio_find(&t, GICR + 4 * 0x20000ull));
	assert_string_equal(mmio_find(&t, UART + 0xfff)->name, "uart");
	assert_null(mmio_find(&t, UART + 0x1000));
	assert_null(mmio_find(&t, 0));
	assert_null(mmio_find(&t, ~0ull));
}

static void handler_gets_its_device_and_offset(void **state)
{
	(void)state;
	struct mmio_table t;
	struct mmio_region r = { GICD, GICD_SIZE, recording_handler, (void *)(uintptr_t)0x1000,
		                 "gicd" };
	uint64_t value = 0;

	mmio_table_init(&t);
	assert_int_equal(mmio_register(&t, &r), 0);
	const struct mmio_region *found = mmio_find(&t, GICD + 0x84);
	seen_dev_calls = 0;
	assert_int_equal(found->handler(found->dev, GICD + 0x84 - found->base, 4, false, &value),
	                 0);
	assert_int_equal(seen_dev_calls, 1);
	assert_int_equal(value, 0x1084);
}

static void refuses_overlaps_keeps_neighbours(void **state)
{
	(void)state;
	struct mmio_table t;
	struct mmio_region mid = region(0x2000, 0x1000, "mid");
	struct mmio_region below = region(0x1000, 0x1000, "below"); /* adjacent */
	struct mmio_region above = region(0x3000, 0x1000, "above"); /* adjacent */
	struct mmio_region bad[] = {
		region(0x2000, 0x1000, "same"),
		region(0x1800, 0x1000, "into from below"),
		region(0x2800, 0x1000, "into from above"),
		region(0x0, 0x10000, "around"),
		region(0x2400, 0x10, "inside"),
	};

	mmio_table_init(&t);
	assert_int_equal(mmio_register(&t, &mid), 0);
	for (unsigned i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(mmio_register(&t, &bad[i]), -ZE_OVERLAP);
	assert_int_equal(mmio_register(&t, &below), 0);
	assert_int_equal(mmio_register(&t, &above), 0);
	assert_int_equal(t.count, 3);
	assert_string_equal(mmio_find(&t, 0x1fff)->name, "below");
	assert_string_equal(mmio_find(&t, 0x2000)->name, "mid");
	assert_string_equal(mmio_find(&t, 0x3000)->name, "above");
}

static void refuses_malformed_regions(void **state)
{
	(void)state;
	struct mmio_table t;
	struct mmio_region empty = region(0x1000, 0, "empty");
	struct mmio_region wraps = region(~0ull - 0xff, 0x1000, "wraps");
	struct mmio_region top = region(~0ull - 0xfff, 0x1000, "top"); /* ends at ~0 */
	struct mmio_region nohandler = { 0x5000, 0x1000, NULL, NULL, "none" };

	mmio_table_init(&t);
	assert_int_equal(mmio_register(&t, &empty), -ZE_INVAL);
	assert_int_equal(mmio_register(&t, &wraps), -ZE_INVAL);
	assert_int_equal(mmio_register(&t, &nohandler), -ZE_INVAL);
	assert_int_equal(mmio_register(&t, &top), 0);
	assert_string_equal(mmio_find(&t, ~0ull)->name, "top");
	assert_int_equal(t.count, 1);
}

static void a_full_table_says_so(void **state)
{
	(void)state;
	struct mmio_table t;

	mmio_table_init(&t);
	/* Descending bases: every insertion shifts the whole table. */
	for (unsigned i = MMIO_MAX_REGIONS; i > 0; i--) {
		struct mmio_region r = region(0x10000ull * i, 0x200, "slot");
		assert_int_equal(mmio_register(&t, &r), 0);
	}
	struct mmio_region one_more = region(0x100, 0x100, "more");
	assert_int_equal(mmio_register(&t, &one_more), -ZE_NO_SPACE);
	for (unsigned i = 1; i <= MMIO_MAX_REGIONS; i++) {
		assert_non_null(mmio_find(&t, 0x10000ull * i + 0x1ff));
		assert_null(mmio_find(&t, 0x10000ull * i + 0x200));
	}
	for (unsigned i = 1; i < t.count; i++)
		assert_true(t.region[i - 1].base < t.region[i].base);
}

/* What each fault is, and the line that says so (issue 12: a write to a
 * read-only page is no access "outside its memory"). */
static void faults_are_told_apart(void **state)
{
	(void)state;
	char line[128];
	/* ldr x0 at 0x7000000000: translation fault, nothing there. */
	struct guest_abort out =
	        arch_decode_abort(0x93c08007ull, 0x7000000000ull, hpfar(0x7000000000ull));
	/* str w0 to RAM the stage-2 map has read-only: permission fault, level 3. */
	struct guest_abort ro =
	        arch_decode_abort(dabt(iss(2, 0, true, 0x0f)), 0x40001000ull, hpfar(0x40001000ull));
	/* ldp to the distributor: no syndrome. */
	struct guest_abort pair = arch_decode_abort(dabt(0x07), GICD, hpfar(GICD));
	/* a stage-1 walk that reaches into the distributor: S1PTW, no syndrome. */
	struct guest_abort walk =
	        arch_decode_abort(dabt(ESR_DABT_S1PTW | 0x07), 0x1000, hpfar(GICD));
	/* ldr w0 from the UART: emulated. */
	struct guest_abort uart =
	        arch_decode_abort(dabt(iss(2, 0, false, 0x07)), UART, hpfar(UART));

	assert_int_equal(guest_fault_classify(&out, false, false), GUEST_FAULT_OUTSIDE);
	assert_int_equal(guest_fault_classify(&ro, false, false), GUEST_FAULT_PERMISSION);
	assert_int_equal(guest_fault_classify(&pair, false, true), GUEST_FAULT_UNEMULATABLE);
	assert_int_equal(guest_fault_classify(&walk, false, true), GUEST_FAULT_UNEMULATABLE);
	assert_int_equal(guest_fault_classify(&pair, false, false), GUEST_FAULT_OUTSIDE);
	assert_int_equal(guest_fault_classify(&uart, false, true), GUEST_FAULT_NONE);
	/* A fetch is never emulated, even from a device window. */
	assert_int_equal(guest_fault_classify(&uart, true, true), GUEST_FAULT_OUTSIDE);
	assert_int_equal(guest_fault_classify(&ro, true, false), GUEST_FAULT_PERMISSION);

	guest_fault_describe(GUEST_FAULT_OUTSIDE, &out, false, 0x40080010, line, sizeof(line));
	assert_string_equal(line, "read of IPA 0x7000000000 outside its memory at PC 0x40080010");
	guest_fault_describe(GUEST_FAULT_PERMISSION, &ro, false, 0x40080014, line, sizeof(line));
	assert_string_equal(
	        line, "write of IPA 0x40001000 not permitted (read-only page) at PC 0x40080014");
	guest_fault_describe(GUEST_FAULT_UNEMULATABLE, &pair, false, 0x40080018, line,
	                     sizeof(line));
	assert_string_equal(line, "unemulatable read of IPA 0x8000000 (ISV=0: pair, writeback, "
	                          "exclusive or SIMD/FP) at PC 0x40080018");
	guest_fault_describe(GUEST_FAULT_OUTSIDE, &out, true, 0x7000000000ull, line, sizeof(line));
	assert_string_equal(line, "instruction fetch of IPA 0x7000000000 outside its memory at PC "
	                          "0x7000000000");
	assert_string_equal(guest_fault_name(GUEST_FAULT_UNEMULATABLE), "unemulatable");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(decodes_a_doubleword_load),
		cmocka_unit_test(decodes_a_byte_store),
		cmocka_unit_test(decodes_every_size_and_register),
		cmocka_unit_test(ipa_takes_every_hpfar_bit),
		cmocka_unit_test(without_isv_the_syndrome_is_not_valid),
		cmocka_unit_test(only_stage2_translation_faults_are_mmio),
		cmocka_unit_test(only_plain_loads_may_take_the_fast_path),
		cmocka_unit_test(signed_loads_extend_to_the_register),
		cmocka_unit_test(finds_regions_at_their_edges),
		cmocka_unit_test(handler_gets_its_device_and_offset),
		cmocka_unit_test(refuses_overlaps_keeps_neighbours),
		cmocka_unit_test(refuses_malformed_regions),
		cmocka_unit_test(a_full_table_says_so),
		cmocka_unit_test(faults_are_told_apart),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
