/* What zshm.c and zshm_doorbell.c share: the channel table. */
#ifndef ZSHM_ZSHM_PRIV_H
#define ZSHM_ZSHM_PRIV_H

#include "zshm/zshm.h"

struct zshm_channel {
	struct zshm_channel_config cfg;
	char members[ZSHM_MAX_MEMBERS][VM_NAME_MAX];
	struct zshm_geometry geo;
	bool placed;
	uint64_t host_pa;
	/* Member m's VM while it exists (written on ZVM's core at create
	 * and delete, read by the doorbell path on any core). */
	struct vm *vm[ZSHM_MAX_MEMBERS];
	/* A doorbell for member m, taken on its core (zshm_take_doorbells). */
	uint32_t pending[ZSHM_MAX_MEMBERS];
	struct zshm_counters counters; /* atomic increments only */
};

extern struct zshm_channel zshm_channels[ZSHM_MAX_CHANNELS];
extern uint32_t zshm_count;

void zshm_read_counters(const struct zshm_channel *ch, struct zshm_counters *out);

#endif
