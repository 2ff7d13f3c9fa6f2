/*
 * A Zshm channel as Linux sees it: the "zvm,zshm-channel" node ZVM puts
 * at the root of the guest's devicetree (docs/zshm.md), read from
 * /proc/device-tree (the kernel's copy, big-endian cells as in the blob).
 */
#ifndef LINUX_ZSHM_DT_H
#define LINUX_ZSHM_DT_H

#include <stdint.h>

#include "lib/zshm_ring.h"

#define ZSHM_DT_NAME_MAX 32
#define ZSHM_DT_MEMBERS  256 /* bytes of the zvm,members string list */

struct zshm_dt_channel {
	char name[ZSHM_DT_NAME_MAX];
	uint64_t base, size; /* the region (reg) */
	uint32_t channel;    /* zvm,channel: ZVM_HC_ZSHM_NOTIFY's number */
	uint32_t self;
	struct zshm_geometry geo;
	char members[ZSHM_DT_MEMBERS]; /* NUL-separated, member order */
};

/*
 * Finds the channel called name (NULL: the first one) and checks what its
 * node says against itself: 0, or -1 with a reason printed.
 */
int zshm_dt_find(const char *name, struct zshm_dt_channel *ch);
/* Member i's name, or "?". */
const char *zshm_dt_member(const struct zshm_dt_channel *ch, uint32_t i);

#endif
