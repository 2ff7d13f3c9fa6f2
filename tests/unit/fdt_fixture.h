/*
 * Loading the devicetree fixtures (built by tests/unit/fixtures/fixtures.mk
 * into FIXTURE_DIR) for the host unit tests.  Header-only: each test
 * program is a single .c file.
 */
#ifndef TESTS_UNIT_FDT_FIXTURE_H
#define TESTS_UNIT_FDT_FIXTURE_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifndef FIXTURE_DIR
#error "FIXTURE_DIR must name the directory of the compiled .dtb fixtures"
#endif

struct blob {
	unsigned char *data;
	size_t size;
};

/* Reads FIXTURE_DIR/<name>.dtb whole; fails the test if it cannot. */
static inline struct blob fixture_load(const char *name)
{
	char path[512];
	struct blob b = { NULL, 0 };
	FILE *f;
	long len;

	snprintf(path, sizeof(path), "%s/%s.dtb", FIXTURE_DIR, name);
	f = fopen(path, "rb");
	if (!f) {
		fprintf(stderr, "cannot open fixture %s\n", path);
		abort();
	}
	if (fseek(f, 0, SEEK_END) != 0 || (len = ftell(f)) <= 0 || fseek(f, 0, SEEK_SET) != 0)
		abort();
	b.size = (size_t)len;
	b.data = malloc(b.size);
	if (!b.data || fread(b.data, 1, b.size, f) != b.size)
		abort();
	fclose(f);
	return b;
}

/* A private copy of exactly size bytes, so ASan catches any overread. */
static inline unsigned char *blob_copy(const struct blob *b, size_t size)
{
	unsigned char *copy = malloc(size ? size : 1);

	if (!copy)
		abort();
	memcpy(copy, b->data, size < b->size ? size : b->size);
	return copy;
}

static inline void blob_put_be32(unsigned char *p, unsigned int v)
{
	p[0] = (unsigned char)(v >> 24);
	p[1] = (unsigned char)(v >> 16);
	p[2] = (unsigned char)(v >> 8);
	p[3] = (unsigned char)v;
}

#endif
