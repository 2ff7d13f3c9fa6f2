/*
 * zvm zshm: each channel, its members and rings.  ZVM's own counters
 * (doorbells, refused calls) come from the doorbell path; messages, bytes,
 * full events and latencies are what the members wrote in their sections,
 * read once and clamped (lib/zshm_layout.c): shown, never trusted.
 */
#include "kernel/cmd.h"
#include "zshm/zshm.h"

static const char *roles(const struct zshm_channel_config *c, uint32_t m)
{
	bool w = c->writers & (1u << m), r = c->readers & (1u << m);

	return w && r ? "writer+reader" : w ? "writer" : "reader";
}

static void print_member(struct cmd_io *io, const struct zshm_channel_view *ch, const void *region,
                         uint32_t m)
{
	struct zshm_member_view v;

	zshm_view_member(region, &ch->geo, m, &v);
	cmd_printf(io, "  member %u %-16s %-13s ", m, ch->members[m], roles(&ch->cfg, m));
	if (!v.opened) {
		cmd_printf(io, "not opened, rang %lu\n", ch->counters.rung[m]);
		return;
	}
	cmd_printf(io,
	           "%s epoch %u: sent %lu messages, %lu bytes, full %lu; "
	           "received %lu; rang %lu\n",
	           v.state & ZSHM_STATE_UP ? "up" : "down", v.state >> ZSHM_STATE_EPOCH_SHIFT,
	           v.messages_sent, v.bytes_sent, v.full_events, v.messages_received,
	           ch->counters.rung[m]);
}

static void print_ring(struct cmd_io *io, const struct zshm_channel_view *ch, const void *region,
                       uint32_t w, uint32_t r)
{
	struct zshm_ring_view v;

	zshm_view_ring(region, &ch->geo, w, r, &v);
	cmd_printf(io, "  ring %s -> %s: %u slots, published %u, pending %u, ", ch->members[w],
	           ch->members[r], zshm_ring_slots(&ch->geo, w), v.tail, v.pending);
	cmd_printf(io, "last latency %lu ticks%s\n", v.last_latency,
	           v.broken ? " (indices out of range: broken peer)" : "");
}

static void print_channel(struct cmd_io *io, uint32_t i)
{
	struct zshm_channel_view ch;
	const void *region = zshm_channel_region(i);

	if (!zshm_channel_view(i, &ch))
		return;
	cmd_printf(io, "%u %s: %u members, %lu KiB sections, guest 0x%lx, doorbell SPI %u\n", i,
	           ch.cfg.name, ch.cfg.member_count, ch.cfg.section_size >> 10, ch.cfg.guest_base,
	           ch.cfg.intid - 32);
	if (!region) {
		cmd_printf(io, "  not placed (no memory at boot)\n");
		return;
	}
	cmd_printf(io,
	           "  doorbells %lu (peers rung %lu, polling peers %lu), refused "
	           "non-member calls %lu\n",
	           ch.counters.doorbells, ch.counters.delivered, ch.counters.polled,
	           ch.counters.refused);
	for (uint32_t m = 0; m < ch.cfg.member_count; m++)
		print_member(io, &ch, region, m);
	for (uint32_t w = 0; w < ch.cfg.member_count; w++)
		for (uint32_t r = 0; r < ch.cfg.member_count; r++)
			if (zshm_has_ring(&ch.geo, w, r))
				print_ring(io, &ch, region, w, r);
}

static int cmd_zshm(struct cmd_io *io, int argc, char **argv)
{
	(void)argv;
	if (argc != 1)
		return CMD_ERR_USAGE;
	if (zshm_channel_count() == 0)
		cmd_printf(io, "no Zshm channels configured\n");
	for (uint32_t i = 0; i < zshm_channel_count(); i++)
		print_channel(io, i);
	if (zshm_bad_calls())
		cmd_printf(io, "doorbell calls naming no channel: %lu\n", zshm_bad_calls());
	return CMD_OK;
}
CMD_REGISTER(zvm_zshm, "zvm zshm", "zvm zshm",
             "Lists the Zshm channels: members, messages, bytes, full events, doorbells, "
             "last latency.",
             cmd_zshm);
