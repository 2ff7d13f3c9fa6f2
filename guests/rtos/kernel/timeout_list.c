#include "kernel/timeout_list.h"

void timeout_init(struct timeout *t)
{
	list_init(&t->link);
	t->deadline = 0;
}

bool timeout_armed(const struct timeout *t)
{
	return list_linked(&t->link);
}

void tl_init(struct timeout_list *tl)
{
	list_init(&tl->head);
}

static struct timeout *first(const struct timeout_list *tl)
{
	if (list_empty(&tl->head))
		return NULL;
	return container_of(tl->head.next, struct timeout, link);
}

/* Equal deadlines expire in the order they were armed. */
bool tl_arm(struct timeout_list *tl, struct timeout *t, uint64_t deadline)
{
	struct list_node *pos;

	/* Unlink first: the walk must not start from t itself. */
	if (timeout_armed(t))
		list_remove(&t->link);
	t->deadline = deadline;
	pos = tl->head.next;
	while (pos != &tl->head && container_of(pos, struct timeout, link)->deadline <= deadline)
		pos = pos->next;
	list_insert_before(pos, &t->link);
	return first(tl) == t;
}

void tl_cancel(struct timeout *t)
{
	if (timeout_armed(t))
		list_remove(&t->link);
}

bool tl_next_deadline(const struct timeout_list *tl, uint64_t *deadline)
{
	const struct timeout *t = first(tl);

	if (!t)
		return false;
	*deadline = t->deadline;
	return true;
}

struct timeout *tl_pop_expired(struct timeout_list *tl, uint64_t now)
{
	struct timeout *t = first(tl);

	if (!t || t->deadline > now)
		return NULL;
	list_remove(&t->link);
	return t;
}
