/*
 * Runs the real dtc over a blob a test has built: the blob must decompile
 * without a single warning.  Header-only, for the host unit tests.
 */
#ifndef TESTS_UNIT_DTC_CHECK_H
#define TESTS_UNIT_DTC_CHECK_H

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

/*
 * Writes blob to a temporary file, runs `dtc -I dtb -O dts` on it and
 * returns dtc's diagnostics (empty when it had nothing to say), ending in
 * "dtc failed" when it rejected the blob.  A static buffer: a failing
 * assertion jumps out of the test, which must not leak it.  Test files
 * define _POSIX_C_SOURCE before any include, for mkdtemp().
 */
#define DTC_DIAG_MAX 8192

static inline const char *dtc_diagnostics(const void *blob, size_t size)
{
	static char out[DTC_DIAG_MAX];
	char dir[] = "/tmp/zvm-dtc-XXXXXX", cmd[512], path[128];
	size_t len;
	FILE *f;
	int rc;

	if (!mkdtemp(dir))
		abort();
	snprintf(path, sizeof(path), "%s/blob.dtb", dir);
	f = fopen(path, "wb");
	if (!f || fwrite(blob, 1, size, f) != size || fclose(f) != 0)
		abort();
	snprintf(cmd, sizeof(cmd), "dtc -I dtb -O dts -o %s/blob.dts %s 2>%s/err", dir, path, dir);
	rc = system(cmd);
	snprintf(path, sizeof(path), "%s/err", dir);
	f = fopen(path, "rb");
	if (!f)
		abort();
	len = fread(out, 1, sizeof(out) - 64, f);
	fclose(f);
	out[len] = '\0';
	if (rc != 0)
		snprintf(out + len, 64, "dtc failed (%d)", rc);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	if (system(cmd) != 0)
		abort();
	return out;
}

/* Fails the test unless dtc takes blob silently. */
#define assert_dtc_accepts(blob, size)                               \
	do {                                                         \
		const char *diag_ = dtc_diagnostics((blob), (size)); \
		if (diag_[0])                                        \
			fprintf(stderr, "dtc: %s\n", diag_);         \
		assert_string_equal(diag_, "");                      \
	} while (0)

#endif
