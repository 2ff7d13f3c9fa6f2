/*
 * Pending timeouts sorted by deadline (portable, host-tested).  The tickless
 * timer is always programmed for the head's deadline.
 */
#ifndef RTOS_KERNEL_TIMEOUT_LIST_H
#define RTOS_KERNEL_TIMEOUT_LIST_H

#include <stdint.h>
#include <stdbool.h>
#include "kernel/list.h"

struct timeout {
	struct list_node link;
	uint64_t deadline;
};

struct timeout_list {
	struct list_node head;
};

void timeout_init(struct timeout *t);
bool timeout_armed(const struct timeout *t);
void tl_init(struct timeout_list *tl);
/* Arms t (re-arms if armed); returns true if t is now the earliest. */
bool tl_arm(struct timeout_list *tl, struct timeout *t, uint64_t deadline);
void tl_cancel(struct timeout *t);
/* The earliest deadline; false when nothing is armed. */
bool tl_next_deadline(const struct timeout_list *tl, uint64_t *deadline);
/* Removes and returns one timeout with deadline <= now, or NULL. */
struct timeout *tl_pop_expired(struct timeout_list *tl, uint64_t now);

#endif
