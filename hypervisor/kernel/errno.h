/* Kernel error codes: functions return 0 or one of these, negated. */
#ifndef KERNEL_ERRNO_H
#define KERNEL_ERRNO_H

#define ZE_TIMEOUT	1	/* the wait's deadline passed */
#define ZE_AGAIN	2	/* would block, and the caller said not to wait */
#define ZE_INVAL	3	/* bad argument */
#define ZE_NOMEM	4	/* out of memory */
#define ZE_PERM		5	/* not the owner */
#define ZE_BUSY		6	/* in use */
#define ZE_DEADLK	7	/* would deadlock (e.g. relocking one's own mutex) */
#define ZE_NOENT	8	/* no such thing */

const char *zerror_name(int err);

#endif
