/* ESR decoding: what a fault report says must match the ARM ARM encodings. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "arch/arm64/esr.h"

static uint64_t esr(unsigned ec, uint32_t iss)
{
	return ((uint64_t)ec << ESR_EC_SHIFT) | ESR_IL | iss;
}

static void data_abort_write_translation_level1(void **state)
{
	char buf[128];

	(void)state;
	/* DFSC 0b000101: translation fault, level 1; WnR set. */
	esr_describe(esr(ESR_EC_DABT_CUR, ESR_DABT_WNR | 0x05), buf, sizeof(buf));
	assert_string_equal(buf, "data abort, same EL: translation fault, level 1 on write");
}

static void instruction_abort_permission(void **state)
{
	char buf[128];

	(void)state;
	esr_describe(esr(ESR_EC_IABT_LOWER, 0x0f), buf, sizeof(buf));
	assert_string_equal(buf, "instruction abort, lower EL: permission fault, level 3");
}

static void calls_show_their_immediate(void **state)
{
	char buf[128];

	(void)state;
	esr_describe(esr(ESR_EC_HVC64, 0x1234), buf, sizeof(buf));
	assert_string_equal(buf, "HVC (AArch64), immediate #0x1234");
	esr_describe(esr(ESR_EC_BRK64, 0x3e8), buf, sizeof(buf));
	assert_string_equal(buf, "BRK instruction (AArch64), immediate #0x3e8");
}

static void other_classes_show_iss(void **state)
{
	char buf[128];

	(void)state;
	esr_describe(esr(ESR_EC_UNKNOWN, 0), buf, sizeof(buf));
	assert_string_equal(buf, "unknown reason (undefined instruction), ISS 0x0000000");
	esr_describe(esr(0x3f, 0x42), buf, sizeof(buf));
	assert_string_equal(buf, "reserved/unlisted exception class, ISS 0x0000042");
}

static void fault_status_names(void **state)
{
	(void)state;
	assert_string_equal(esr_fault_name(0x21), "alignment fault");
	assert_string_equal(esr_fault_name(0x10), "synchronous external abort");
	assert_string_equal(esr_fault_name(0x0b), "access flag fault, level 3");
	assert_string_equal(esr_fault_name(0x3f), "unlisted fault status");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(data_abort_write_translation_level1),
		cmocka_unit_test(instruction_abort_permission),
		cmocka_unit_test(calls_show_their_immediate),
		cmocka_unit_test(other_classes_show_iss),
		cmocka_unit_test(fault_status_names),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
