/*
 * The outbox: per page, a FIFO of messages the link thread wrote for the
 * web thread to send.  Pages are named by a never-reused id, so a reply
 * for a page that has gone is simply dropped, never sent to its
 * successor in the same slot.
 */
#include <libwebsockets.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "visualzvm.h"

struct message {
	struct message *next;
	size_t len;
	char *buf; /* LWS_PRE bytes, then the text */
};

struct session {
	uint64_t id; /* 0: free */
	void *wsi;
	struct message *head, *tail;
	unsigned depth;
};

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static struct session sessions[VZ_SESSIONS];
static uint64_t next_id = 1;
static uint64_t dropped;
static void (*wake_web)(void);

void outbox_init(void (*wake)(void))
{
	wake_web = wake;
}

int outbox_open(void *wsi, uint64_t *id)
{
	int r = -1;

	pthread_mutex_lock(&lock);
	for (unsigned i = 0; i < VZ_SESSIONS; i++) {
		if (sessions[i].id)
			continue;
		sessions[i] = (struct session){ .id = next_id++, .wsi = wsi };
		*id = sessions[i].id;
		r = 0;
		break;
	}
	pthread_mutex_unlock(&lock);
	return r;
}

static struct session *find(uint64_t id)
{
	for (unsigned i = 0; i < VZ_SESSIONS; i++)
		if (sessions[i].id == id)
			return &sessions[i];
	return NULL;
}

void outbox_close(uint64_t id)
{
	pthread_mutex_lock(&lock);
	struct session *s = find(id);
	if (s) {
		for (struct message *m = s->head, *next; m; m = next) {
			next = m->next;
			free(m->buf);
			free(m);
		}
		*s = (struct session){ 0 };
	}
	pthread_mutex_unlock(&lock);
}

static void append(struct session *s, const char *json, size_t len)
{
	struct message *m = malloc(sizeof(*m));
	char *buf = malloc(LWS_PRE + len);

	if (!m || !buf || s->depth >= VZ_OUTBOX_DEPTH) {
		free(m);
		free(buf);
		dropped++;
		return;
	}
	memcpy(buf + LWS_PRE, json, len);
	*m = (struct message){ .len = len, .buf = buf };
	if (s->tail)
		s->tail->next = m;
	else
		s->head = m;
	s->tail = m;
	s->depth++;
}

void outbox_post(uint64_t session, const char *json)
{
	size_t len = strlen(json);

	pthread_mutex_lock(&lock);
	for (unsigned i = 0; i < VZ_SESSIONS; i++) {
		struct session *s = &sessions[i];
		if (s->id && (session == 0 || s->id == session))
			append(s, json, len);
	}
	pthread_mutex_unlock(&lock);
	if (wake_web)
		wake_web();
}

char *outbox_take(uint64_t session, size_t *len, bool *more)
{
	char *buf = NULL;

	pthread_mutex_lock(&lock);
	struct session *s = find(session);
	struct message *m = s ? s->head : NULL;
	if (m) {
		s->head = m->next;
		if (!s->head)
			s->tail = NULL;
		s->depth--;
		buf = m->buf;
		*len = m->len;
		free(m);
	}
	*more = s && s->head;
	pthread_mutex_unlock(&lock);
	return buf;
}

void outbox_each_pending(void (*f)(void *wsi))
{
	pthread_mutex_lock(&lock);
	for (unsigned i = 0; i < VZ_SESSIONS; i++)
		if (sessions[i].id && sessions[i].head)
			f(sessions[i].wsi);
	pthread_mutex_unlock(&lock);
}

uint64_t outbox_dropped(void)
{
	pthread_mutex_lock(&lock);
	uint64_t n = dropped;
	pthread_mutex_unlock(&lock);
	return n;
}
