/*
 * The inbox: the pages' calls (a bounded FIFO) and console input (a
 * bounded byte buffer), and a pipe whose read end wakes the link thread
 * while it waits on the line.
 */
#include <fcntl.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "visualzvm.h"

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static struct vz_call calls[VZ_INBOX_CALLS];
static unsigned call_head, call_count;
static char console[VZ_CONSOLE_IN];
static size_t console_len;
static int wake_pipe[2] = { -1, -1 };

int inbox_init(void)
{
	if (pipe(wake_pipe))
		return -1;
	for (int i = 0; i < 2; i++)
		fcntl(wake_pipe[i], F_SETFL, fcntl(wake_pipe[i], F_GETFL) | O_NONBLOCK);
	return 0;
}

int inbox_wake_fd(void)
{
	return wake_pipe[0];
}

static void wake(void)
{
	char byte = 1;
	(void)!write(wake_pipe[1], &byte, 1); /* a full pipe is awake already */
}

void inbox_drain_wake(void)
{
	char buf[64];
	while (read(wake_pipe[0], buf, sizeof(buf)) > 0) {
	}
}

int inbox_push_call(const struct vz_call *call)
{
	int r = -1;

	pthread_mutex_lock(&lock);
	if (call_count < VZ_INBOX_CALLS) {
		calls[(call_head + call_count) % VZ_INBOX_CALLS] = *call;
		call_count++;
		r = 0;
	}
	pthread_mutex_unlock(&lock);
	wake();
	return r;
}

int inbox_push_console(const char *bytes, size_t len)
{
	int r = -1;

	pthread_mutex_lock(&lock);
	if (len <= sizeof(console) - console_len) {
		memcpy(console + console_len, bytes, len);
		console_len += len;
		r = 0;
	}
	pthread_mutex_unlock(&lock);
	wake();
	return r;
}

bool inbox_take_call(struct vz_call *call)
{
	bool got = false;

	pthread_mutex_lock(&lock);
	if (call_count) {
		*call = calls[call_head];
		call_head = (call_head + 1) % VZ_INBOX_CALLS;
		call_count--;
		got = true;
	}
	pthread_mutex_unlock(&lock);
	return got;
}

size_t inbox_take_console(char *buf, size_t cap)
{
	pthread_mutex_lock(&lock);
	size_t n = console_len < cap ? console_len : cap;
	memcpy(buf, console, n);
	memmove(console, console + n, console_len - n);
	console_len -= n;
	pthread_mutex_unlock(&lock);
	return n;
}
