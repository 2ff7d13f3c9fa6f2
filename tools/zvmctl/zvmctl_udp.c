/*
 * The UDP link: "udp://<host>:<port>" (docs/protocol.md, "UDP transport"),
 * e.g. QEMU's host forward udp://127.0.0.1:5555.  The socket is connected,
 * so the kernel passes only the agent's datagrams; each one is a whole
 * protocol datagram, checked like a serial frame's.
 */
#include <errno.h>
#include <netdb.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "zvmctl.h"

/* Splits "host:port" (or "[v6]:port") into host and port. */
static int split(const char *hostport, char *host, size_t cap, const char **port)
{
	const char *colon = strrchr(hostport, ':');
	const char *h = hostport;
	size_t len;

	if (!colon || !colon[1])
		return -1;
	len = (size_t)(colon - hostport);
	if (len >= 2 && h[0] == '[' && h[len - 1] == ']') {
		h++;
		len -= 2;
	}
	if (len == 0 || len >= cap)
		return -1;
	memcpy(host, h, len);
	host[len] = '\0';
	*port = colon + 1;
	return 0;
}

int udp_open(struct link *l, const char *hostport)
{
	struct addrinfo hints = { .ai_socktype = SOCK_DGRAM }, *res, *ai;
	char host[256];
	const char *port;

	if (split(hostport, host, sizeof(host), &port)) {
		fprintf(stderr, "zvmctl: udp target '%s': want udp://<host>:<port>\n", hostport);
		return -1;
	}
	int rc = getaddrinfo(host, port, &hints, &res);
	if (rc) {
		fprintf(stderr, "zvmctl: %s: %s\n", hostport, gai_strerror(rc));
		return -1;
	}
	for (ai = res; ai; ai = ai->ai_next) {
		int fd = socket(ai->ai_family, ai->ai_socktype, ai->ai_protocol);
		if (fd < 0)
			continue;
		if (connect(fd, ai->ai_addr, ai->ai_addrlen) == 0) {
			l->fd = fd;
			l->datagram = true;
			break;
		}
		close(fd);
	}
	freeaddrinfo(res);
	if (l->fd < 0) {
		fprintf(stderr, "zvmctl: cannot reach %s: %s\n", hostport, strerror(errno));
		return -1;
	}
	return 0;
}

int link_send_datagram(struct link *l, const void *buf, size_t len)
{
	ssize_t n;

	do
		n = send(l->fd, buf, len, 0);
	while (n < 0 && errno == EINTR);
	/* ECONNREFUSED: an ICMP error for an earlier datagram (nobody forwards
	 * that port yet): not fatal, the attempt simply gets no reply. */
	if (n < 0 && errno == ECONNREFUSED)
		return 0;
	return n == (ssize_t)len ? 0 : -1;
}

long link_recv_datagram(struct link *l, void *buf, size_t cap, int timeout_ms)
{
	struct pollfd p = { .fd = l->fd, .events = POLLIN };

	for (;;) {
		int r = poll(&p, 1, timeout_ms);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return r;
		ssize_t n = recv(l->fd, buf, cap, 0);
		if (n >= 0)
			return (long)n;
		if (errno == EINTR || errno == ECONNREFUSED)
			return 0; /* as a timeout: the caller's attempt decides */
		return -1;
	}
}
