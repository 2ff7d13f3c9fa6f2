/*
 * File handling for zvmpack.  Devicetree sources are compiled by running
 * dtc into a temporary file, so that dtc's own line-numbered syntax
 * errors reach the user unchanged.
 */
#include "tools/zvmpack/zvmpack_files.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

/* First four bytes of every DTB, big-endian 0xd00dfeed (DT spec 5.2). */
static const uint8_t dtb_magic[4] = { 0xd0, 0x0d, 0xfe, 0xed };

int fail(const char *path, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "zvmpack: %s: ", path);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return 1;
}

int read_file(const char *path, struct file_data *out)
{
	FILE *f = fopen(path, "rb");
	long len;

	out->data = NULL;
	out->size = 0;
	if (!f)
		return fail(path, "%s", strerror(errno));
	if (fseek(f, 0, SEEK_END) != 0 || (len = ftell(f)) < 0 || fseek(f, 0, SEEK_SET) != 0) {
		fclose(f);
		return fail(path, "cannot find its size (%s)", strerror(errno));
	}
	out->size = (size_t)len;
	out->data = malloc(out->size ? out->size : 1);
	if (!out->data || fread(out->data, 1, out->size, f) != out->size) {
		fclose(f);
		free(out->data);
		out->data = NULL;
		return fail(path, "read failed");
	}
	fclose(f);
	return 0;
}

/* Runs dtc -I dts -O dtb -o dtb_path src; 0 when it succeeded. */
static int run_dtc(const char *src, const char *dtb_path)
{
	int status;
	pid_t pid = fork();

	if (pid < 0)
		return fail(src, "cannot start dtc (%s)", strerror(errno));
	if (pid == 0) {
		execlp("dtc", "dtc", "-q", "-I", "dts", "-O", "dtb", "-o", dtb_path, src,
		       (char *)NULL);
		fprintf(stderr, "zvmpack: cannot run dtc: %s\n", strerror(errno));
		_exit(127);
	}
	if (waitpid(pid, &status, 0) < 0)
		return fail(src, "waiting for dtc failed (%s)", strerror(errno));
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
		return fail(src, "dtc could not compile it (see above)");
	return 0;
}

int load_devicetree(const char *path, struct file_data *out)
{
	char tmp[] = "/tmp/zvmpack-XXXXXX";
	int fd, rc;

	rc = read_file(path, out);
	if (rc)
		return rc;
	if (out->size >= sizeof(dtb_magic) && memcmp(out->data, dtb_magic, sizeof(dtb_magic)) == 0)
		return 0;
	free(out->data);
	out->data = NULL;
	fd = mkstemp(tmp);
	if (fd < 0)
		return fail(path, "cannot create a temporary file (%s)", strerror(errno));
	close(fd);
	rc = run_dtc(path, tmp);
	if (rc == 0)
		rc = read_file(tmp, out);
	unlink(tmp);
	return rc;
}
