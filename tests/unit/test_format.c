/* lib/format.c against the host C library's printf for what both support. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "lib/format.h"

#define SAME_AS_LIBC(...)                                             \
	do {                                                          \
		char want[128], got[128];                             \
		int nw = snprintf(want, sizeof(want), __VA_ARGS__);   \
		int ng = fmt_snprintf(got, sizeof(got), __VA_ARGS__); \
		assert_string_equal(got, want);                       \
		assert_int_equal(ng, nw);                             \
	} while (0)

static void integers(void **state)
{
	(void)state;
	SAME_AS_LIBC("%d %i %u", -5, 42, 3000000000u);
	SAME_AS_LIBC("%ld %lu %lld", -9l, 123456789012ul, (long long)INT64_MIN);
	SAME_AS_LIBC("%zu %hhu %hd", (size_t)77, 300, 70000);
	SAME_AS_LIBC("%x %X %lx %o", 255, 255, 0xdeadbeefcafeul, 8);
}

static void width_precision_flags(void **state)
{
	(void)state;
	SAME_AS_LIBC("[%5d|%-5d|%05d]", 12, 12, -12);
	SAME_AS_LIBC("[%.5d|%08.3d|%+d|% d]", 42, 7, 5, 5);
	SAME_AS_LIBC("[%*d|%-*d|%.*s]", 6, 1, 6, 2, 3, "abcdef");
	SAME_AS_LIBC("[%016lx]", 0x1234ul);
}

static void strings_and_chars(void **state)
{
	(void)state;
	SAME_AS_LIBC("%s|%10s|%-10s|%.3s", "abc", "abc", "abc", "abcdef");
	SAME_AS_LIBC("%c%c %% %5c", 'x', 'y', 'z');
	SAME_AS_LIBC("%p", (void *)0x1000);
}

static void truncation_reports_full_length(void **state)
{
	char buf[8];

	(void)state;
	assert_int_equal(fmt_snprintf(buf, sizeof(buf), "%s", "0123456789"), 10);
	assert_string_equal(buf, "0123456");
	assert_int_equal(fmt_snprintf(NULL, 0, "%d", 12345), 5);
}

static void unknown_conversion_is_shown(void **state)
{
	char buf[16];

	(void)state;
	fmt_snprintf(buf, sizeof(buf), "a%qb");
	assert_string_equal(buf, "a%qb");
	fmt_snprintf(buf, sizeof(buf), "%s", (char *)NULL);
	assert_string_equal(buf, "(null)");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(integers),
		cmocka_unit_test(width_precision_flags),
		cmocka_unit_test(strings_and_chars),
		cmocka_unit_test(truncation_reports_full_length),
		cmocka_unit_test(unknown_conversion_is_shown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
