/*
 * The configured Zshm channels: their pages, their stage-2 mappings in
 * each member and their devicetree nodes.  See zshm.h.
 */
#include "zshm/zshm.h"
#include "zshm/zshm_priv.h"

#include "arch/arm64/cache.h"
#include "kernel/log.h"
#include "kernel/mem.h"
#include "lib/string.h"
#include "vmm/vm.h"

struct zshm_channel zshm_channels[ZSHM_MAX_CHANNELS];
uint32_t zshm_count;

static void geometry_of(const struct zshm_channel_config *c, struct zshm_geometry *g)
{
	*g = (struct zshm_geometry){ .section_size = c->section_size,
		                     .member_count = c->member_count,
		                     .writers = c->writers,
		                     .readers = c->readers };
}

static void setup_one(struct zshm_channel *ch, const struct system_config *cfg, uint32_t i)
{
	uint64_t size;

	ch->cfg = cfg->channels[i];
	for (uint32_t m = 0; m < ch->cfg.member_count; m++)
		memcpy(ch->members[m], cfg->vms[ch->cfg.members[m]].name, VM_NAME_MAX);
	geometry_of(&ch->cfg, &ch->geo);
	size = zshm_region_size(&ch->geo);
	if (zshm_geometry_check(&ch->geo)) {
		log_msg(LOG_ERROR, "zshm: channel '%s': no usable ring layout", ch->cfg.name);
		return;
	}
	ch->host_pa = page_alloc_size(size);
	if (!ch->host_pa) {
		log_msg(LOG_ERROR, "zshm: channel '%s': no %lu KiB of memory for it", ch->cfg.name,
		        size >> 10);
		return;
	}
	/* Zeroed once: the region outlives its members' restarts.  Members
	 * with their caches off (the RTOS, Linux's /dev/mem) go to memory:
	 * no dirty line of ours may be written back over them later. */
	memset((void *)(uintptr_t)ch->host_pa, 0, size);
	dcache_clean_inval_range(ch->host_pa, size);
	ch->placed = true;
	log_msg(LOG_INFO, "zshm: channel '%s': %u members, %lu KiB sections at guest 0x%lx",
	        ch->cfg.name, ch->cfg.member_count, ch->cfg.section_size >> 10, ch->cfg.guest_base);
}

void zshm_setup(const struct system_config *cfg)
{
	zshm_count = cfg->channel_count;
	for (uint32_t i = 0; i < zshm_count; i++)
		setup_one(&zshm_channels[i], cfg, i);
}

/* vm's member index in ch, by name, or -1. */
static int member_by_name(const struct zshm_channel *ch, const struct vm *vm)
{
	for (uint32_t m = 0; m < ch->cfg.member_count; m++)
		if (!strcmp(ch->members[m], vm->cfg.name))
			return (int)m;
	return -1;
}

/* Its own section read/write, the others read-only; never executable. */
static int map_sections(struct vm *vm, const struct zshm_channel *ch, uint32_t self)
{
	for (uint32_t k = 0; k < ch->cfg.member_count; k++) {
		uint64_t off = k * ch->cfg.section_size;
		int rc = stage2_map(&vm->s2, ch->cfg.guest_base + off, ch->host_pa + off,
		                    ch->cfg.section_size,
		                    k == self ? STAGE2_SHARED_RW : STAGE2_SHARED_RO);
		if (rc)
			return rc;
	}
	return 0;
}

static void clear_clock(const struct zshm_channel *ch, uint32_t m)
{
	struct zshm_header *h = zshm_header_of((void *)(uintptr_t)ch->host_pa, &ch->geo, m);

	__atomic_store_n(&h->clock_ns, 0, __ATOMIC_RELEASE);
	dcache_clean_inval_range((uintptr_t)&h->clock_ns, sizeof(h->clock_ns));
}

int zshm_map_vm(struct vm *vm, struct zerr_msg *msg)
{
	for (uint32_t i = 0; i < zshm_count; i++) {
		struct zshm_channel *ch = &zshm_channels[i];
		int m = ch->placed ? member_by_name(ch, vm) : -1;

		if (m < 0)
			continue;
		if (map_sections(vm, ch, (uint32_t)m))
			return zerr_set(msg, ZE_NOMEM, "cannot map Zshm channel '%s' into %s",
			                ch->cfg.name, vm->cfg.name);
		/* Its clock record was on an earlier CNTVOFF: gone with it. */
		clear_clock(ch, (uint32_t)m);
		__atomic_store_n(&ch->vm[m], vm, __ATOMIC_RELEASE);
	}
	return 0;
}

void zshm_unmap_vm(const struct vm *vm)
{
	for (uint32_t i = 0; i < zshm_count; i++)
		for (uint32_t m = 0; m < ZSHM_MAX_MEMBERS; m++)
			if (zshm_channels[i].vm[m] == vm)
				__atomic_store_n(&zshm_channels[i].vm[m], NULL, __ATOMIC_RELEASE);
}

void zshm_vm_dt(const struct vm *vm, struct guest_dt_params *p)
{
	p->zshm_count = 0;
	for (uint32_t i = 0; i < zshm_count && p->zshm_count < GUEST_DT_MAX_ZSHM; i++) {
		const struct zshm_channel *ch = &zshm_channels[i];
		int m = ch->placed ? member_by_name(ch, vm) : -1;
		struct guest_dt_zshm *z;

		if (m < 0)
			continue;
		z = &p->zshm[p->zshm_count++];
		*z = (struct guest_dt_zshm){
			.name = ch->cfg.name,
			.id = i,
			.base = ch->cfg.guest_base,
			.section_size = ch->cfg.section_size,
			.member_count = ch->cfg.member_count,
			.self = (uint32_t)m,
			.writers = ch->cfg.writers,
			.readers = ch->cfg.readers,
			/* A direct-irq guest owns the physical CPU interface:
			 * no virtual SPI reaches it, so it polls. */
			.intid = vm->cfg.direct_irq ? 0 : ch->cfg.intid,
		};
		for (uint32_t k = 0; k < ch->cfg.member_count; k++)
			z->members[k] = ch->members[k];
	}
}

uint32_t zshm_channel_count(void)
{
	return zshm_count;
}

bool zshm_channel_view(uint32_t i, struct zshm_channel_view *out)
{
	const struct zshm_channel *ch = &zshm_channels[i];

	if (i >= zshm_count)
		return false;
	out->cfg = ch->cfg;
	memcpy(out->members, ch->members, sizeof(out->members));
	out->placed = ch->placed;
	out->host_pa = ch->host_pa;
	out->geo = ch->geo;
	zshm_read_counters(ch, &out->counters);
	return true;
}

/* What members with their caches off wrote is in memory, not in our
 * lines: drop ours (never dirty: ZVM writes the region only as above). */
static void fresh_from_memory(const struct zshm_channel *ch)
{
	dcache_clean_inval_range(ch->host_pa, zshm_region_size(&ch->geo));
}

const void *zshm_channel_region(uint32_t i)
{
	if (i >= zshm_count || !zshm_channels[i].placed)
		return NULL;
	fresh_from_memory(&zshm_channels[i]);
	return (const void *)(uintptr_t)zshm_channels[i].host_pa;
}

bool zshm_vm_clock(const char *vm_name, uint64_t *vcount, uint64_t *ns)
{
	for (uint32_t i = 0; i < zshm_count; i++) {
		const struct zshm_channel *ch = &zshm_channels[i];

		if (ch->placed)
			fresh_from_memory(ch);
		for (uint32_t m = 0; ch->placed && m < ch->cfg.member_count; m++)
			if (!strcmp(ch->members[m], vm_name) &&
			    zshm_clock_read((const void *)(uintptr_t)ch->host_pa, &ch->geo, m,
			                    vcount, ns))
				return true;
	}
	return false;
}
