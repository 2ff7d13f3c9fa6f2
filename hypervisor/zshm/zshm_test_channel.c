/*
 * A channel for the built-in tests (selftest/test_zshm.c): made while a
 * test runs, between two test VMs it names, and gone when the test ends.
 * It goes after the configured channels, in the guest's Zshm window as in
 * ZVM's memory, so the zshm group runs on any system, make run's
 * included, as the test guest packed into every system lets the VM tests.
 * Its members must not exist yet when it opens (vm_create() maps it) and
 * must be gone when it closes.
 */
#include "zshm/zshm.h"
#include "zshm/zshm_priv.h"

#include "arch/arm64/cache.h"
#include "kernel/log.h"
#include "kernel/mem.h"
#include "lib/format.h"
#include "lib/string.h"
#include "zvm/guest_layout.h"

static uint64_t align_up_to(uint64_t v, uint64_t a)
{
	return (v + a - 1) & ~(a - 1);
}

/* Where the configured channels end in the guests' Zshm window. */
static uint64_t window_end(void)
{
	uint64_t end = GUEST_ZSHM_BASE;

	for (uint32_t i = 0; i < zshm_count; i++) {
		const struct zshm_channel_config *c = &zshm_channels[i].cfg;
		uint64_t top = c->guest_base + c->section_size * c->member_count;
		if (top > end)
			end = top;
	}
	return align_up_to(end, GUEST_ZSHM_ALIGN);
}

static void describe(struct zshm_channel *ch, const char *const members[2], uint64_t section_size,
                     uint32_t index)
{
	memset(ch, 0, sizeof(*ch));
	fmt_snprintf(ch->cfg.name, sizeof(ch->cfg.name), "ztest");
	ch->cfg.section_size = section_size;
	ch->cfg.member_count = 2;
	ch->cfg.writers = ch->cfg.readers = 0x3;
	ch->cfg.guest_base = window_end();
	ch->cfg.intid = GUEST_INTID_ZSHM0 + index;
	for (uint32_t m = 0; m < 2; m++)
		fmt_snprintf(ch->members[m], VM_NAME_MAX, "%s", members[m]);
	ch->geo = (struct zshm_geometry){
		.section_size = section_size, .member_count = 2, .writers = 0x3, .readers = 0x3
	};
}

int zshm_test_channel_open(const char *const members[2], uint64_t section_size, uint32_t *id,
                           struct zerr_msg *msg)
{
	uint32_t index = zshm_count;
	struct zshm_channel *ch = &zshm_channels[index];
	uint64_t size;

	if (index >= ZSHM_MAX_CHANNELS)
		return zerr_set(msg, ZE_LIMIT, "no room for a test channel: %u channels exist",
		                index);
	describe(ch, members, section_size, index);
	size = zshm_region_size(&ch->geo);
	if (zshm_geometry_check(&ch->geo) ||
	    size > GUEST_ZSHM_BASE + GUEST_ZSHM_SIZE - ch->cfg.guest_base)
		return zerr_set(msg, ZE_LIMIT, "a test channel of %lu KiB sections does not fit",
		                section_size >> 10);
	ch->host_pa = page_alloc_size(size);
	if (!ch->host_pa)
		return zerr_set(msg, ZE_NOMEM, "no %lu KiB for a test channel", size >> 10);
	memset((void *)(uintptr_t)ch->host_pa, 0, size);
	dcache_clean_inval_range(ch->host_pa, size); /* as zshm.c: members go to memory */
	ch->placed = true;
	/* The doorbell path reads zshm_count without a lock: the channel is
	 * whole before it can be named. */
	__atomic_store_n(&zshm_count, index + 1, __ATOMIC_RELEASE);
	*id = index;
	log_msg(LOG_INFO, "zshm: test channel %u for '%s' and '%s' at guest 0x%lx", index,
	        members[0], members[1], ch->cfg.guest_base);
	return 0;
}

void zshm_test_channel_close(uint32_t id)
{
	struct zshm_channel *ch = &zshm_channels[id];

	if (id + 1 != zshm_count || ch->vm[0] || ch->vm[1]) {
		log_msg(LOG_ERROR, "zshm: test channel %u cannot close (members left?)", id);
		return;
	}
	__atomic_store_n(&ch->placed, false, __ATOMIC_RELEASE);
	__atomic_store_n(&zshm_count, id, __ATOMIC_RELEASE);
	page_free_size(ch->host_pa, zshm_region_size(&ch->geo));
	log_msg(LOG_INFO, "zshm: test channel %u closed", id);
}
