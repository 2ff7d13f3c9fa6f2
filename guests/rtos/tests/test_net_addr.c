/* Host tests of the bootargs network address parser. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include "app/net_addr.h"

#define IP(a, b, c, d) ((uint32_t)(a) << 24 | (uint32_t)(b) << 16 | (uint32_t)(c) << 8 | (d))

static void test_address_prefix_and_gateway(void **state)
{
	struct net_addr a;

	(void)state;
	assert_true(net_parse_addr("10.0.2.17/24,10.0.2.2", &a));
	assert_int_equal(a.ip, IP(10, 0, 2, 17));
	assert_int_equal(a.netmask, IP(255, 255, 255, 0));
	assert_int_equal(a.gateway, IP(10, 0, 2, 2));
	assert_true(net_parse_addr("192.168.1.1/32", &a));
	assert_int_equal(a.netmask, 0xffffffffu);
	assert_int_equal(a.gateway, 0);
	assert_true(net_parse_addr("1.2.3.4/1", &a));
	assert_int_equal(a.netmask, 0x80000000u);
}

static void test_malformed_is_refused(void **state)
{
	static const char *const bad[] = {
		"",
		"10.0.2.17",
		"10.0.2.17/",
		"10.0.2.17/0",
		"10.0.2.17/33",
		"10.0.2/24",
		"10.0.2.256/24",
		"10.0.2.1777/24",
		"10..2.17/24",
		"10.0.2.17/24,",
		"10.0.2.17/24,1.2.3",
		"10.0.2.17/24,1.2.3.4x",
		"10.0.2.17/24x",
		"a.b.c.d/24",
		"10.0.2.17/2400",
	};
	struct net_addr a = { 1, 2, 3 };

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_false(net_parse_addr(bad[i], &a));
		assert_int_equal(a.ip, 1); /* untouched */
	}
}

static void test_dotted_quad_alone(void **state)
{
	uint32_t ip = 0;
	const char *end;

	(void)state;
	assert_true(net_parse_ipv4("10.0.2.15", NULL, &ip));
	assert_int_equal(ip, IP(10, 0, 2, 15));
	assert_false(net_parse_ipv4("10.0.2.15 ", NULL, &ip));
	assert_true(net_parse_ipv4("10.0.2.15 x", &end, &ip));
	assert_int_equal(*end, ' ');
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_address_prefix_and_gateway),
		cmocka_unit_test(test_malformed_is_refused),
		cmocka_unit_test(test_dotted_quad_alone),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
