/*
 * Exception entry to a guest's EL1 as ZVM emulates it for an injected
 * abort: the vector (ARM ARM D1.10.2), ESR_EL1 and the new PSTATE.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "arch/arm64/esr.h"
#include "arch/arm64/guest_exception.h"

#define EL1T  0x4ull
#define EL1H  0x5ull
#define EL0T  0x0ull
#define USR32 0x10ull

static void vector_follows_the_interrupted_el_and_sp(void **state)
{
	(void)state;
	assert_int_equal(guest_sync_vector_offset(EL1H | PSTATE_DAIF_MASKED), 0x200);
	assert_int_equal(guest_sync_vector_offset(EL1T), 0x000);
	assert_int_equal(guest_sync_vector_offset(EL0T), 0x400);
	assert_int_equal(guest_sync_vector_offset(USR32), 0x600);
}

/* 0x96000050: EC 0x25 (same EL), IL, WnR, DFSC 0x10; from EL0 EC 0x24. */
static void esr_is_a_synchronous_external_abort(void **state)
{
	(void)state;
	assert_int_equal(guest_external_dabt_esr(EL1H, true), 0x96000050ull);
	assert_int_equal(guest_external_dabt_esr(EL1T, false), 0x96000010ull);
	assert_int_equal(guest_external_dabt_esr(EL0T, false), 0x92000010ull);
	assert_int_equal(esr_class(guest_external_dabt_esr(EL0T, true)), ESR_EC_DABT_LOWER);
}

/* 0x86000010: EC 0x21 (same EL), IL, IFSC 0x10; from EL0 EC 0x20. */
static void fetch_esr_is_a_synchronous_external_abort(void **state)
{
	(void)state;
	assert_int_equal(guest_external_iabt_esr(EL1H), 0x86000010ull);
	assert_int_equal(guest_external_iabt_esr(EL1T), 0x86000010ull);
	assert_int_equal(guest_external_iabt_esr(EL0T), 0x82000010ull);
	assert_int_equal(esr_class(guest_external_iabt_esr(USR32)), ESR_EC_IABT_LOWER);
}

static void pstate_is_el1h_with_everything_masked(void **state)
{
	(void)state;
	struct guest_cpu_features none = { false, false };

	assert_int_equal(guest_entry_pstate(EL0T, 0, &none), 0x3c5ull);
	/* Flags and masks of the interrupted code do not leak in; DIT stays. */
	assert_int_equal(guest_entry_pstate(EL1H | 0xf0000000ull | PSTATE_DIT, 0, &none),
	                 0x3c5ull | PSTATE_DIT);
}

static void pan_is_set_unless_span_keeps_it(void **state)
{
	(void)state;
	struct guest_cpu_features pan = { true, false };
	struct guest_cpu_features none = { false, false };

	assert_true(guest_entry_pstate(EL0T, 0, &pan) & PSTATE_PAN);
	assert_false(guest_entry_pstate(EL0T, SCTLR_EL1_SPAN, &pan) & PSTATE_PAN);
	assert_true(guest_entry_pstate(EL1H | PSTATE_PAN, SCTLR_EL1_SPAN, &pan) & PSTATE_PAN);
	assert_false(guest_entry_pstate(EL1H | PSTATE_PAN, 0, &none) & PSTATE_PAN);
}

static void ssbs_comes_from_dssbs(void **state)
{
	(void)state;
	struct guest_cpu_features ssbs = { false, true };
	struct guest_cpu_features none = { false, false };

	assert_true(guest_entry_pstate(EL1H, SCTLR_EL1_DSSBS, &ssbs) & PSTATE_SSBS);
	assert_false(guest_entry_pstate(EL1H | PSTATE_SSBS, 0, &ssbs) & PSTATE_SSBS);
	assert_false(guest_entry_pstate(EL1H, SCTLR_EL1_DSSBS, &none) & PSTATE_SSBS);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(vector_follows_the_interrupted_el_and_sp),
		cmocka_unit_test(esr_is_a_synchronous_external_abort),
		cmocka_unit_test(fetch_esr_is_a_synchronous_external_abort),
		cmocka_unit_test(pstate_is_el1h_with_everything_masked),
		cmocka_unit_test(pan_is_set_unless_span_keeps_it),
		cmocka_unit_test(ssbs_comes_from_dssbs),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
