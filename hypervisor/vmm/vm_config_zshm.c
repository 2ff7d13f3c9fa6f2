/*
 * The Zshm channels of the configuration (/zvm/channels): each channel's
 * section size, its writers and readers (names of VMs) and the multicast
 * flag.  Read after the VMs, so that a member can be checked by name.
 */
#include "vmm/vm_config_priv.h"
#include "lib/format.h"
#include "lib/gicv3_defs.h"
#include "lib/string.h"

static const char *const channel_props[] = { "size", "writers", "readers", "multicast", NULL };

static int find_vm(const struct system_config *cfg, const char *name)
{
	for (uint32_t i = 0; i < cfg->vm_count; i++)
		if (strcmp(cfg->vms[i].name, name) == 0)
			return (int)i;
	return -1;
}

/* The member index of VM vm, added to the channel when new. */
static uint32_t member_of(struct zshm_channel_config *ch, uint32_t vm)
{
	uint32_t i;

	for (i = 0; i < ch->member_count; i++)
		if (ch->members[i] == vm)
			return i;
	ch->members[ch->member_count++] = vm;
	return i;
}

/* A list of VM names; sets one bit per member in *mask. */
static int read_role(struct cfg_ctx *ctx, int node, const char *where,
                     struct zshm_channel_config *ch, const char *role, uint32_t *mask)
{
	int len, vm;
	const char *names = fdt_getprop(&ctx->fdt, node, role, &len), *end;
	uint32_t bit;

	if (!names)
		return cfg_fail(ctx, ZE_MISSING, where, "missing required property '%s'", role);
	if (len < 2 || names[len - 1] != '\0')
		return cfg_fail(ctx, ZE_MALFORMED, where, "'%s' must be a list of VM names", role);
	for (end = names + len; names < end; names += strlen(names) + 1) {
		vm = find_vm(ctx->out, names);
		if (vm < 0)
			return cfg_fail(ctx, ZE_MALFORMED, where,
			                "%s: '%s' is not a VM of this system", role,
			                names[0] ? names : "");
		bit = 1u << member_of(ch, (uint32_t)vm);
		if (*mask & bit)
			return cfg_fail(ctx, ZE_CONFLICT, where, "%s: '%s' is listed twice", role,
			                names);
		*mask |= bit;
	}
	return 0;
}

static int read_size(struct cfg_ctx *ctx, int node, const char *where,
                     struct zshm_channel_config *ch)
{
	uint32_t size;
	int rc = cfg_read_cell(ctx, node, where, "size", &size);

	if (rc)
		return rc;
	ch->section_size = size;
	if (size == 0 || size % ZSHM_SECTION_ALIGN || size > ZSHM_SECTION_MAX)
		return cfg_fail(ctx, ZE_MALFORMED, where,
		                "size 0x%x must be a non-zero multiple of 4 KiB, "
		                "at most 16 MiB",
		                size);
	return 0;
}

/* Every writer has a reader other than itself; several need 'multicast'. */
static int check_roles(struct cfg_ctx *ctx, const char *where, const struct zshm_channel_config *ch)
{
	bool several = false;
	uint32_t i, others;

	for (i = 0; i < ch->member_count; i++) {
		if (!(ch->writers & (1u << i)))
			continue;
		others = ch->readers & ~(1u << i);
		if (others == 0)
			return cfg_fail(ctx, ZE_MALFORMED, where,
			                "writer '%s' has no reader but itself",
			                ctx->out->vms[ch->members[i]].name);
		several |= (others & (others - 1)) != 0;
	}
	if (several && !ch->multicast)
		return cfg_fail(ctx, ZE_MALFORMED, where,
		                "a writer has several readers: add 'multicast;'");
	if (!several && ch->multicast)
		return cfg_fail(ctx, ZE_MALFORMED, where,
		                "'multicast' but no writer has more than one reader");
	return 0;
}

static int parse_channel(struct cfg_ctx *ctx, int node, struct zshm_channel_config *ch)
{
	const char *name = fdt_get_name(&ctx->fdt, node, NULL);
	char where[CFG_WHERE_MAX];
	int rc;

	if (!name || !name[0] || strlen(name) >= VM_NAME_MAX || strchr(name, '@'))
		return cfg_fail(ctx, ZE_MALFORMED, "/zvm/channels",
		                "channel name '%s': at most %d characters, no unit "
		                "address",
		                name ? name : "", VM_NAME_MAX - 1);
	memcpy(ch->name, name, strlen(name) + 1);
	fmt_snprintf(where, sizeof(where), "channel '%s'", ch->name);
	rc = cfg_check_props(ctx, node, where, channel_props);
	if (rc == 0)
		rc = read_size(ctx, node, where, ch);
	if (rc == 0)
		rc = read_role(ctx, node, where, ch, "writers", &ch->writers);
	if (rc == 0)
		rc = read_role(ctx, node, where, ch, "readers", &ch->readers);
	if (rc == 0)
		rc = cfg_read_flag(ctx, node, where, "multicast", &ch->multicast);
	if (rc == 0)
		rc = check_roles(ctx, where, ch);
	return rc;
}

static uint64_t align_up(uint64_t v, uint64_t a)
{
	return (v + a - 1) & ~(a - 1);
}

/* Nothing of a member may lie where the channel appears in its space. */
static int check_member_space(struct cfg_ctx *ctx, const char *where,
                              const struct zshm_channel_config *ch, uint64_t size)
{
	for (uint32_t i = 0; i < ch->member_count; i++) {
		const struct vm_config *vm = &ctx->out->vms[ch->members[i]];

		if (cfg_overlaps(vm->ram.base, vm->ram.size, ch->guest_base, size))
			return cfg_fail(ctx, ZE_CONFLICT, where,
			                "vm '%s': its RAM overlaps the channel at 0x%llx", vm->name,
			                (unsigned long long)ch->guest_base);
		for (uint32_t k = 0; k < vm->passthrough_count; k++)
			if (cfg_overlaps(vm->passthrough[k].base, vm->passthrough[k].size,
			                 ch->guest_base, size))
				return cfg_fail(ctx, ZE_CONFLICT, where,
				                "vm '%s': a pass-through region overlaps the "
				                "channel at 0x%llx",
				                vm->name, (unsigned long long)ch->guest_base);
		for (uint32_t k = 0; k < vm->intid_count; k++)
			if (vm->intids[k] == ch->intid)
				return cfg_fail(ctx, ZE_CONFLICT, where,
				                "vm '%s': SPI %u is the channel's doorbell",
				                vm->name, ch->intid - GIC_SPI_BASE);
	}
	return 0;
}

/* After the channels before it, in the members' GUEST_ZSHM window. */
static int place_channel(struct cfg_ctx *ctx, uint32_t index, uint64_t *next)
{
	struct zshm_channel_config *ch = &ctx->out->channels[index];
	uint64_t size = ch->section_size * ch->member_count;
	char where[CFG_WHERE_MAX];

	fmt_snprintf(where, sizeof(where), "channel '%s'", ch->name);
	ch->guest_base = *next;
	ch->intid = GUEST_INTID_ZSHM0 + index;
	if (size > GUEST_ZSHM_BASE + GUEST_ZSHM_SIZE - ch->guest_base)
		return cfg_fail(ctx, ZE_LIMIT, where,
		                "the channels need more than the %llu MiB of guest "
		                "address space at 0x%llx",
		                (unsigned long long)(GUEST_ZSHM_SIZE >> 20),
		                (unsigned long long)GUEST_ZSHM_BASE);
	*next = align_up(ch->guest_base + size, GUEST_ZSHM_ALIGN);
	return check_member_space(ctx, where, ch, size);
}

int cfg_parse_channels(struct cfg_ctx *ctx, int channels)
{
	struct system_config *out = ctx->out;
	uint64_t next = GUEST_ZSHM_BASE;
	int node,
	        rc = cfg_check_props(ctx, channels, "/zvm/channels", (const char *const[]){ NULL });

	for (node = fdt_first_subnode(&ctx->fdt, channels); node >= 0 && rc == 0;
	     node = fdt_next_subnode(&ctx->fdt, node)) {
		if (out->channel_count >= ZSHM_MAX_CHANNELS)
			return cfg_fail(ctx, ZE_LIMIT, "/zvm/channels", "more than %d channels",
			                ZSHM_MAX_CHANNELS);
		rc = parse_channel(ctx, node, &out->channels[out->channel_count]);
		if (rc == 0)
			rc = place_channel(ctx, out->channel_count, &next);
		if (rc == 0)
			out->channel_count++;
	}
	return rc;
}
