/* Names of the kernel error codes, for messages. */
#include "kernel/errno.h"

const char *zerror_name(int err)
{
	switch (err < 0 ? -err : err) {
	case 0: return "ok";
	case ZE_TIMEOUT: return "timed out";
	case ZE_AGAIN: return "would block";
	case ZE_INVAL: return "invalid argument";
	case ZE_NOMEM: return "out of memory";
	case ZE_PERM: return "not permitted";
	case ZE_BUSY: return "busy";
	case ZE_DEADLK: return "would deadlock";
	case ZE_NOENT: return "not found";
	default: return "unknown error";
	}
}
