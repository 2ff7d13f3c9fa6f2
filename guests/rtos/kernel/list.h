/* Intrusive circular doubly linked lists (portable). */
#ifndef RTOS_KERNEL_LIST_H
#define RTOS_KERNEL_LIST_H

#include <stddef.h>
#include <stdbool.h>

struct list_node {
	struct list_node *next, *prev;
};

#define container_of(ptr, type, member) ((type *)(void *)((char *)(ptr)-offsetof(type, member)))

static inline void list_init(struct list_node *head)
{
	head->next = head;
	head->prev = head;
}

static inline bool list_empty(const struct list_node *head)
{
	return head->next == head;
}

/* Links node in just before pos (at the tail when pos is the head). */
static inline void list_insert_before(struct list_node *pos, struct list_node *node)
{
	node->next = pos;
	node->prev = pos->prev;
	pos->prev->next = node;
	pos->prev = node;
}

static inline void list_push_back(struct list_node *head, struct list_node *node)
{
	list_insert_before(head, node);
}

static inline void list_push_front(struct list_node *head, struct list_node *node)
{
	list_insert_before(head->next, node);
}

/* Unlinks node and leaves it pointing at itself (so "unlinked" is testable). */
static inline void list_remove(struct list_node *node)
{
	node->prev->next = node->next;
	node->next->prev = node->prev;
	list_init(node);
}

static inline bool list_linked(const struct list_node *node)
{
	return node->next != node;
}

#endif
