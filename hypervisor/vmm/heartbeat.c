/* Heartbeat deadlines confirmed by the vCPUs' progress: see heartbeat.h. */
#include "vmm/heartbeat.h"

enum heartbeat_verdict heartbeat_check(struct heartbeat_watch *w, uint64_t now, uint64_t last_beat,
                                       uint64_t timeout, uint64_t progress)
{
	uint64_t since = w->checked ? now - w->checked : 0; /* 0: a first look */
	int moved = progress != w->progress;

	w->checked = now;
	w->progress = progress;
	if (!last_beat || now - last_beat <= timeout) {
		w->ran = 0;
		return HEARTBEAT_FINE;
	}
	/* Overdue: only the checks between which the vCPUs moved count. */
	if (moved)
		w->ran += since;
	return w->ran >= timeout ? HEARTBEAT_MISSED : HEARTBEAT_OVERDUE;
}
