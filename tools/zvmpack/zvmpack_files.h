/* Files for zvmpack: whole-file reads, devicetree sources through dtc. */
#ifndef ZVMPACK_FILES_H
#define ZVMPACK_FILES_H

#include <stddef.h>
#include <stdint.h>

struct file_data {
	uint8_t *data;
	size_t size;
};

/* Prints "zvmpack: <path>: <reason>" to stderr; returns 1 (the exit code). */
int fail(const char *path, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Reads path whole; 0, or prints why and returns non-zero. */
int read_file(const char *path, struct file_data *out);
/*
 * A devicetree blob from path: read as is when it starts with the DTB
 * magic, otherwise compiled from source with dtc (its messages go to
 * stderr as they are).
 */
int load_devicetree(const char *path, struct file_data *out);

#endif
