/* The VMID pool: a bitmap searched round-robin. */
#include "vmm/vmid.h"
#include "lib/zerror.h"

static uint64_t vmid_bit(unsigned int vmid)
{
	return UINT64_C(1) << (vmid % VMID_WORD_BITS);
}

static bool valid_vmid(unsigned int vmid)
{
	return vmid >= VMID_FIRST && vmid <= VMID_LAST;
}

void vmid_pool_init(struct vmid_pool *pool)
{
	*pool = (struct vmid_pool){ .next = VMID_FIRST };
}

bool vmid_in_use(const struct vmid_pool *pool, unsigned int vmid)
{
	return valid_vmid(vmid) && (pool->used[vmid / VMID_WORD_BITS] & vmid_bit(vmid)) != 0;
}

/* The VMID after vmid, going round 1..255 and skipping the reserved 0. */
static unsigned int vmid_after(unsigned int vmid)
{
	return vmid == VMID_LAST ? VMID_FIRST : vmid + 1;
}

int vmid_alloc(struct vmid_pool *pool)
{
	unsigned int vmid = pool->next;

	for (unsigned int tries = 0; tries < VMID_LAST; tries++) {
		if (!vmid_in_use(pool, vmid)) {
			pool->used[vmid / VMID_WORD_BITS] |= vmid_bit(vmid);
			pool->in_use++;
			pool->next = (uint16_t)vmid_after(vmid);
			return (int)vmid;
		}
		vmid = vmid_after(vmid);
	}
	return -ZE_NOMEM;
}

int vmid_free(struct vmid_pool *pool, unsigned int vmid)
{
	if (!valid_vmid(vmid))
		return -ZE_INVAL;
	if (!vmid_in_use(pool, vmid))
		return -ZE_NOENT;
	pool->used[vmid / VMID_WORD_BITS] &= ~vmid_bit(vmid);
	pool->in_use--;
	return 0;
}

unsigned int vmid_count_in_use(const struct vmid_pool *pool)
{
	return pool->in_use;
}
