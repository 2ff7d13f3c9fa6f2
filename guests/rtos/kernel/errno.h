/* Error codes of the RTOS API; functions return 0 or one of these, negated. */
#ifndef RTOS_KERNEL_ERRNO_H
#define RTOS_KERNEL_ERRNO_H

#define E_TIMEOUT 1 /* the wait timed out */
#define E_AGAIN   2 /* would block and the caller said not to wait */
#define E_PERM    3 /* not the owner */
#define E_INVAL   4 /* bad argument */

#endif
