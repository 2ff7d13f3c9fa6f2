/*
 * The serial link: "serial:<path>" is a unix socket (QEMU's
 * -chardev socket,server=on) or a tty (a real board's USB serial: raw,
 * 115200 8N1).
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <termios.h>
#include <unistd.h>

#include "zvmctl.h"

static int open_socket(const char *path)
{
	struct sockaddr_un addr = { .sun_family = AF_UNIX };
	int fd;

	if (strlen(path) >= sizeof(addr.sun_path)) {
		fprintf(stderr, "zvmctl: socket path too long: %s\n", path);
		return -1;
	}
	strcpy(addr.sun_path, path);
	fd = socket(AF_UNIX, SOCK_STREAM, 0);
	if (fd < 0 || connect(fd, (struct sockaddr *)&addr, sizeof(addr))) {
		fprintf(stderr, "zvmctl: cannot connect to %s: %s\n", path, strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	return fd;
}

static int open_tty(const char *path)
{
	struct termios t;
	int fd = open(path, O_RDWR | O_NOCTTY);

	if (fd < 0) {
		fprintf(stderr, "zvmctl: cannot open %s: %s\n", path, strerror(errno));
		return -1;
	}
	if (tcgetattr(fd, &t) == 0) {
		cfmakeraw(&t);
		cfsetispeed(&t, B115200);
		cfsetospeed(&t, B115200);
		tcsetattr(fd, TCSANOW, &t);
	}
	return fd;
}

int link_open(struct link *l, const char *target)
{
	static const char serial[] = "serial:", udp[] = "udp://";

	l->fd = -1;
	l->datagram = false;
	if (!strncmp(target, serial, strlen(serial)))
		return serial_open(l, target + strlen(serial));
	if (!strncmp(target, udp, strlen(udp)))
		return udp_open(l, target + strlen(udp));
	fprintf(stderr, "zvmctl: target '%s': give serial:<path> or udp://<host>:<port>\n", target);
	return -1;
}

int serial_open(struct link *l, const char *path)
{
	struct stat st;

	if (stat(path, &st)) {
		fprintf(stderr, "zvmctl: %s: %s\n", path, strerror(errno));
		return -1;
	}
	l->fd = S_ISSOCK(st.st_mode) ? open_socket(path) : open_tty(path);
	return l->fd < 0 ? -1 : 0;
}

int link_write(struct link *l, const void *buf, size_t len)
{
	const char *p = buf;

	while (len) {
		ssize_t n = write(l->fd, p, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

long link_read(struct link *l, void *buf, size_t len, int timeout_ms)
{
	struct pollfd p = { .fd = l->fd, .events = POLLIN };
	int r = poll(&p, 1, timeout_ms);

	if (r <= 0)
		return r;
	ssize_t n = read(l->fd, buf, len);
	return n > 0 ? (long)n : -1;
}

void link_close(struct link *l)
{
	if (l->fd >= 0)
		close(l->fd);
	l->fd = -1;
}
