/*
 * Is a guest's silence a hang, or did its core just not run?  On a loaded
 * host (QEMU's vCPU threads descheduled) a healthy guest can miss its
 * heartbeat deadline only because it got no time.  So a missed deadline is
 * confirmed by the vCPUs' own progress: their trap counts (every probe the
 * health monitor sends is a trap once the core runs, whatever the guest
 * masks).  A guest is declared hung only once its vCPUs demonstrably ran,
 * for one more timeout's worth of checks, without beating.
 *
 * Portable: times are counter ticks, the caller supplies them.
 */
#ifndef VMM_HEARTBEAT_H
#define VMM_HEARTBEAT_H

#include <stdint.h>

struct heartbeat_watch {
	uint64_t checked;  /* time of the last check */
	uint64_t progress; /* the vCPUs' trap count then */
	uint64_t ran;      /* overdue time during which they progressed */
};

enum heartbeat_verdict {
	HEARTBEAT_FINE,    /* beating, or not watched */
	HEARTBEAT_OVERDUE, /* late: probe the vCPUs (kick them) and wait */
	HEARTBEAT_MISSED,  /* late although the vCPUs ran: a hang */
};

/* last_beat 0: the guest never beat, so it is not watched. */
enum heartbeat_verdict heartbeat_check(struct heartbeat_watch *w, uint64_t now, uint64_t last_beat,
                                       uint64_t timeout, uint64_t progress);

#endif
