/* Host tests of the VMID pool. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "lib/zerror.h"
#include "vmm/vmid.h"

#define VM_VMIDS 255 /* 1..255: every VMID but ZVM's 0 */

static void take_all(struct vmid_pool *pool, bool seen[VMID_SPACE])
{
	for (int i = 0; i < VM_VMIDS; i++) {
		int vmid = vmid_alloc(pool);

		assert_in_range(vmid, VMID_FIRST, VMID_LAST);
		assert_false(seen[vmid]);
		seen[vmid] = true;
	}
}

static void test_all_255_distinct_then_exhausted(void **state)
{
	struct vmid_pool pool;
	bool seen[VMID_SPACE] = { false };

	(void)state;
	vmid_pool_init(&pool);
	take_all(&pool, seen);
	assert_false(seen[VMID_RESERVED]);
	assert_int_equal(vmid_count_in_use(&pool), VM_VMIDS);
	assert_int_equal(vmid_alloc(&pool), -ZE_NOMEM);
	assert_int_equal(vmid_count_in_use(&pool), VM_VMIDS);
}

static void test_freed_vmid_comes_back_when_the_only_one(void **state)
{
	struct vmid_pool pool;
	bool seen[VMID_SPACE] = { false };

	(void)state;
	vmid_pool_init(&pool);
	take_all(&pool, seen);
	assert_int_equal(vmid_free(&pool, 77), 0);
	assert_false(vmid_in_use(&pool, 77));
	assert_int_equal(vmid_alloc(&pool), 77);
	assert_true(vmid_in_use(&pool, 77));
	assert_int_equal(vmid_alloc(&pool), -ZE_NOMEM);
}

static void test_freed_vmid_is_reused_last(void **state)
{
	struct vmid_pool pool;
	int first, second;

	(void)state;
	vmid_pool_init(&pool);
	first = vmid_alloc(&pool);
	assert_int_equal(vmid_free(&pool, (unsigned int)first), 0);
	/* Every other VMID is handed out before the freed one again. */
	for (int i = 0; i < VM_VMIDS - 1; i++) {
		second = vmid_alloc(&pool);
		assert_int_not_equal(second, first);
	}
	assert_int_equal(vmid_alloc(&pool), first);
}

static void test_in_use_is_never_handed_out(void **state)
{
	struct vmid_pool pool;
	int keep, other;

	(void)state;
	vmid_pool_init(&pool);
	keep = vmid_alloc(&pool);
	/* Churn through the space several times around the one kept. */
	for (int i = 0; i < 4 * VM_VMIDS; i++) {
		other = vmid_alloc(&pool);
		assert_int_not_equal(other, keep);
		assert_in_range(other, VMID_FIRST, VMID_LAST);
		assert_int_equal(vmid_free(&pool, (unsigned int)other), 0);
	}
	assert_true(vmid_in_use(&pool, (unsigned int)keep));
	assert_int_equal(vmid_count_in_use(&pool), 1);
}

static void test_bad_frees_rejected(void **state)
{
	struct vmid_pool pool;
	int vmid;

	(void)state;
	vmid_pool_init(&pool);
	assert_int_equal(vmid_free(&pool, VMID_RESERVED), -ZE_INVAL);
	assert_int_equal(vmid_free(&pool, VMID_LAST + 1), -ZE_INVAL);
	assert_int_equal(vmid_free(&pool, 5), -ZE_NOENT);
	vmid = vmid_alloc(&pool);
	assert_int_equal(vmid_free(&pool, (unsigned int)vmid), 0);
	assert_int_equal(vmid_free(&pool, (unsigned int)vmid), -ZE_NOENT);
	assert_int_equal(vmid_count_in_use(&pool), 0);
	assert_false(vmid_in_use(&pool, VMID_RESERVED));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_all_255_distinct_then_exhausted),
		cmocka_unit_test(test_freed_vmid_comes_back_when_the_only_one),
		cmocka_unit_test(test_freed_vmid_is_reused_last),
		cmocka_unit_test(test_in_use_is_never_handed_out),
		cmocka_unit_test(test_bad_frees_rejected),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
