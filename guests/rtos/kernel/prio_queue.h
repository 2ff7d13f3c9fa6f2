/*
 * Threads ordered by priority, as the scheduler's ready queue and as the
 * wait lists of kernel objects (portable, host-tested).
 *
 * Priority 0 is the highest.  Both structures keep equal priorities FIFO.
 */
#ifndef RTOS_KERNEL_PRIO_QUEUE_H
#define RTOS_KERNEL_PRIO_QUEUE_H

#include <stdint.h>
#include <stdbool.h>
#include "kernel/list.h"

#define PRIO_LEVELS 32
#define PRIO_LOWEST (PRIO_LEVELS - 1)

/* Embedded in each thread; on at most one queue at a time. */
struct prio_node {
	struct list_node link;
	uint8_t prio;
};

void prio_node_init(struct prio_node *n, uint8_t prio);

/* Ready queue: one FIFO per priority and a bitmap of non-empty ones, so
 * finding the highest ready thread is a count-trailing-zeros. */
struct ready_queue {
	uint32_t bitmap;
	struct list_node level[PRIO_LEVELS];
};

void rq_init(struct ready_queue *rq);
void rq_push_back(struct ready_queue *rq, struct prio_node *n);
void rq_push_front(struct ready_queue *rq, struct prio_node *n);
void rq_remove(struct ready_queue *rq, struct prio_node *n);
/* Highest-priority node, or NULL when empty; does not remove it. */
struct prio_node *rq_peek(const struct ready_queue *rq);
/* Highest ready priority, or PRIO_LEVELS when empty. */
unsigned int rq_top_prio(const struct ready_queue *rq);

/* Wait queue: one list sorted by priority. */
struct wait_queue {
	struct list_node head;
};

void wq_init(struct wait_queue *wq);
bool wq_empty(const struct wait_queue *wq);
void wq_insert(struct wait_queue *wq, struct prio_node *n);
void wq_remove(struct prio_node *n);
/* Removes and returns the highest-priority, longest-waiting node. */
struct prio_node *wq_pop(struct wait_queue *wq);
struct prio_node *wq_peek(const struct wait_queue *wq);

#endif
