/* How test runs are shown: the result lines of ztest.h, status and JSON. */
#ifndef SELFTEST_ZTEST_REPORT_H
#define SELFTEST_ZTEST_REPORT_H

#include "kernel/cmd.h"
#include "selftest/ztest_results.h"

void ztest_report_header(struct cmd_io *io, const struct ztest_run_info *run);
void ztest_report_result(struct cmd_io *io, const struct ztest_result *r, unsigned repeat);
void ztest_report_summary(struct cmd_io *io, const struct ztest_run_info *run);
/* One human line: what runs now, or what the last run did. */
void ztest_report_status(struct cmd_io *io, const struct ztest_run_info *run);
/*
 * Prints results number *next onwards that are kept, and moves *next past
 * them; a gap (results no longer kept) is said, not hidden.
 */
void ztest_report_new(struct cmd_io *io, unsigned run, unsigned *next);
/* The whole last run as one JSON object (docs/selftest.md). */
void ztest_report_json(struct cmd_io *io);
/* Its parts: the "run" object, and one of the "results". */
void ztest_report_run_json(struct cmd_io *io, const struct ztest_run_info *run);
void ztest_report_result_json(struct cmd_io *io, const struct ztest_result *r);

#endif
