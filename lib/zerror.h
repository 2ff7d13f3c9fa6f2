/*
 * The one error type of ZVM: every function of the hypervisor and of lib/
 * that can fail returns 0 (or a count, an offset: something >= 0) on
 * success and a negated enum zerror on failure, as in `return -ZE_NOMEM;`.
 * The values are distinct across the whole program, so a code means the
 * same wherever it surfaces; zerror_name() gives its one-line meaning.
 *
 * A function that also explains a failure to the operator (a bad
 * configuration, a VM that cannot start) takes a struct zerr_msg from its
 * caller, fills it with zerr_set() and returns the code zerr_set() returns.
 * The caller prints msg.text; a NULL msg means nobody wants the words.
 * The code says what kind of failure it is, the message says where and why.
 *
 * Portable: built into ZVM, tools/zvmpack and the unit tests; the guest RTOS
 * gets the codes through lib/fdt.h.
 */
#ifndef LIB_ZERROR_H
#define LIB_ZERROR_H

#include <stdarg.h>
#include <stddef.h>

enum zerror {
	ZE_OK = 0, /* success */

	/* Waiting, arguments, ownership (kernel objects, any caller). */
	ZE_TIMEOUT = 1, /* the wait's deadline passed */
	ZE_AGAIN = 2,   /* would block, and the caller said not to wait */
	ZE_INVAL = 3,   /* bad argument (NULL, out of range, a bug) */
	ZE_NOMEM = 4,   /* out of memory */
	ZE_PERM = 5,    /* not the owner */
	ZE_BUSY = 6,    /* in use */
	ZE_DEADLK = 7,  /* would deadlock (e.g. relocking one's own mutex) */
	ZE_NOENT = 8,   /* no such thing: node, property, entry, VM */

	/* Memory allocators (page allocator, heap). */
	ZE_BAD_ADDRESS = 9,    /* misaligned, bad order, or memory not managed */
	ZE_NOT_ALLOCATED = 10, /* not the start of a block handed out */
	ZE_DOUBLE_FREE = 11,   /* the block is already free */
	ZE_WRONG_ORDER = 12,   /* freed with another order than allocated */
	ZE_OVERLAP = 13,       /* a range overlaps one already added */
	ZE_NO_SPACE = 14,      /* a region too small or a fixed table full */
	ZE_CORRUPT = 15,       /* a consistency check found damage */

	/* Reading a devicetree blob (Devicetree Specification v0.4, ch. 5). */
	ZE_FDT_MAGIC = 16,     /* bad magic: not a devicetree blob at all */
	ZE_FDT_VERSION = 17,   /* a blob version we cannot read */
	ZE_TRUNCATED = 18,     /* a blob larger than the memory given */
	ZE_FDT_LAYOUT = 19,    /* a block outside the blob or misaligned */
	ZE_FDT_STRUCTURE = 20, /* bad token, name or nesting */
	ZE_FDT_OFFSET = 21,    /* the offset passed in is not a node/property */
	ZE_FDT_VALUE = 22,     /* a property of the wrong length or form */
	ZE_FDT_CELLS = 23,     /* unusable #address-cells / #size-cells */
	ZE_FDT_PATH = 24,      /* malformed path or alias */
	ZE_TOO_DEEP = 25,      /* nodes nested deeper than we accept */

	/* Writing a devicetree blob. */
	ZE_FDT_NO_SPACE = 26,   /* the output buffer is too small */
	ZE_FDT_NAME = 27,       /* empty name or a forbidden character */
	ZE_FDT_CALL_ORDER = 28, /* writer call not allowed at this point */
	ZE_FDT_UNBALANCED = 29, /* end without begin, or nodes left open */
	ZE_FDT_DUPLICATE = 30,  /* a property or sibling node name twice */
	ZE_FDT_PHANDLE = 31,    /* phandle 0 or 0xffffffff, or reused */
	ZE_FDT_FINISHED = 32,   /* a call after the blob was finished */

	/* Descriptions: the board, the system configuration, the package. */
	ZE_NOT_A_BLOB = 33, /* the description is not a devicetree blob */
	ZE_MISSING = 34,    /* a required node or property is absent */
	ZE_MALFORMED = 35,  /* a value malformed or out of range */
	ZE_UNKNOWN = 36,    /* a property or node not in the schema */
	ZE_CONFLICT = 37,   /* a core, memory or interrupt given twice */
	ZE_LIMIT = 38,      /* more of something than ZVM can hold */
	ZE_IMAGE = 39,      /* an image missing or larger than its memory */
	ZE_PKG_HEADER = 40, /* package version, sizes, flags or reserved bits */
	ZE_PKG_ENTRY = 41,  /* package entry kind, offset, size or name */
	ZE_CRC = 42,        /* a checksum does not match */
	ZE_INTERNAL = 43,   /* ZVM refused its own output: a bug */

	/* VM lifecycle. */
	ZE_STATE = 44,  /* not allowed in the VM's present state */
	ZE_EXISTS = 45, /* the name is taken */

	/* Emulated device registers (the guest's access). */
	ZE_MMIO_RANGE = 46, /* an offset outside the device's window */
	ZE_MMIO_SIZE = 47,  /* an access width the register does not take */
	ZE_MMIO_ALIGN = 48, /* an offset not a multiple of the access size */
};
#define ZE_LAST ZE_MMIO_ALIGN /* the highest code */

/* One line of meaning for a code, of either sign ("ok" for 0). */
const char *zerror_name(int err);

/* Longest operator message, terminator included. */
#define ZERR_MSG_MAX 320

/* The words for the operator that go with a failure: see the top. */
struct zerr_msg {
	char text[ZERR_MSG_MAX];
};

/* Fills msg (if not NULL) and returns -code, for `return zerr_set(...)`. */
int zerr_set(struct zerr_msg *msg, enum zerror code, const char *fmt, ...)
        __attribute__((format(printf, 3, 4)));
/* The same, the message starting with prefix (a subsystem's "board: "). */
int zerr_vset(struct zerr_msg *msg, enum zerror code, const char *prefix, const char *fmt,
              va_list ap);
/* Empties msg (if not NULL): what a success leaves behind. */
void zerr_clear(struct zerr_msg *msg);

#endif
