#include "kernel/prio_queue.h"

void prio_node_init(struct prio_node *n, uint8_t prio)
{
	list_init(&n->link);
	n->prio = prio;
}

void rq_init(struct ready_queue *rq)
{
	unsigned int i;

	rq->bitmap = 0;
	for (i = 0; i < PRIO_LEVELS; i++)
		list_init(&rq->level[i]);
}

void rq_push_back(struct ready_queue *rq, struct prio_node *n)
{
	list_push_back(&rq->level[n->prio], &n->link);
	rq->bitmap |= 1u << n->prio;
}

void rq_push_front(struct ready_queue *rq, struct prio_node *n)
{
	list_push_front(&rq->level[n->prio], &n->link);
	rq->bitmap |= 1u << n->prio;
}

void rq_remove(struct ready_queue *rq, struct prio_node *n)
{
	list_remove(&n->link);
	if (list_empty(&rq->level[n->prio]))
		rq->bitmap &= ~(1u << n->prio);
}

unsigned int rq_top_prio(const struct ready_queue *rq)
{
	return rq->bitmap ? (unsigned int)__builtin_ctz(rq->bitmap) : PRIO_LEVELS;
}

struct prio_node *rq_peek(const struct ready_queue *rq)
{
	unsigned int prio = rq_top_prio(rq);

	if (prio == PRIO_LEVELS)
		return NULL;
	return container_of(rq->level[prio].next, struct prio_node, link);
}

void wq_init(struct wait_queue *wq)
{
	list_init(&wq->head);
}

bool wq_empty(const struct wait_queue *wq)
{
	return list_empty(&wq->head);
}

/* Behind every node of the same or higher priority: FIFO within a level. */
void wq_insert(struct wait_queue *wq, struct prio_node *n)
{
	struct list_node *pos = wq->head.next;

	while (pos != &wq->head && container_of(pos, struct prio_node, link)->prio <= n->prio)
		pos = pos->next;
	list_insert_before(pos, &n->link);
}

void wq_remove(struct prio_node *n)
{
	list_remove(&n->link);
}

struct prio_node *wq_peek(const struct wait_queue *wq)
{
	if (wq_empty(wq))
		return NULL;
	return container_of(wq->head.next, struct prio_node, link);
}

struct prio_node *wq_pop(struct wait_queue *wq)
{
	struct prio_node *n = wq_peek(wq);

	if (n)
		wq_remove(n);
	return n;
}
