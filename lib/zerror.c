/* The names of ZVM's error codes and the operator's message: zerror.h. */
#include "lib/zerror.h"
#include "lib/format.h"

static const char *kernel_name(int err)
{
	switch (err) {
	case ZE_OK: return "ok";
	case ZE_TIMEOUT: return "timed out";
	case ZE_AGAIN: return "would block";
	case ZE_INVAL: return "invalid argument";
	case ZE_NOMEM: return "out of memory";
	case ZE_PERM: return "not permitted";
	case ZE_BUSY: return "busy";
	case ZE_DEADLK: return "would deadlock";
	case ZE_NOENT: return "not found";
	case ZE_BAD_ADDRESS: return "invalid address or order";
	case ZE_NOT_ALLOCATED: return "not an allocated block";
	case ZE_DOUBLE_FREE: return "block is already free";
	case ZE_WRONG_ORDER: return "freed with the wrong order";
	case ZE_OVERLAP: return "range overlaps another range";
	case ZE_NO_SPACE: return "no room for metadata or table";
	case ZE_CORRUPT: return "allocator state is corrupt";
	default: return 0;
	}
}

static const char *fdt_name(int err)
{
	switch (err) {
	case ZE_FDT_MAGIC: return "bad magic (not a devicetree blob)";
	case ZE_FDT_VERSION: return "unsupported devicetree version";
	case ZE_TRUNCATED: return "blob truncated";
	case ZE_FDT_LAYOUT: return "block outside the blob or misaligned";
	case ZE_FDT_STRUCTURE: return "corrupt structure block";
	case ZE_FDT_OFFSET: return "bad node or property offset";
	case ZE_FDT_VALUE: return "bad property value";
	case ZE_FDT_CELLS: return "bad #address-cells or #size-cells";
	case ZE_FDT_PATH: return "bad path or alias";
	case ZE_TOO_DEEP: return "nodes nested too deeply";
	case ZE_FDT_NO_SPACE: return "devicetree buffer too small";
	case ZE_FDT_NAME: return "invalid node or property name";
	case ZE_FDT_CALL_ORDER:
		return "call out of order (reservation after the root, property "
		       "after a subnode, second root, or no root)";
	case ZE_FDT_UNBALANCED: return "unbalanced nodes (end without begin, or nodes left open)";
	case ZE_FDT_DUPLICATE: return "duplicate property or sibling node name";
	case ZE_FDT_PHANDLE: return "invalid or reused phandle";
	case ZE_FDT_FINISHED: return "devicetree already finished";
	default: return 0;
	}
}

static const char *description_name(int err)
{
	switch (err) {
	case ZE_NOT_A_BLOB: return "not a devicetree blob";
	case ZE_MISSING: return "required node or property absent";
	case ZE_MALFORMED: return "malformed or out-of-range value";
	case ZE_UNKNOWN: return "property or node not in the schema";
	case ZE_CONFLICT: return "core, memory or interrupt given twice";
	case ZE_LIMIT: return "more than ZVM can hold";
	case ZE_IMAGE: return "image missing or larger than its memory";
	case ZE_PKG_HEADER: return "bad package header";
	case ZE_PKG_ENTRY: return "bad package entry";
	case ZE_CRC: return "checksum mismatch";
	case ZE_INTERNAL: return "internal error";
	case ZE_STATE: return "not allowed in this state";
	case ZE_EXISTS: return "exists already";
	case ZE_MMIO_RANGE: return "offset outside the device";
	case ZE_MMIO_SIZE: return "unsupported access size";
	case ZE_MMIO_ALIGN: return "misaligned access";
	default: return 0;
	}
}

const char *zerror_name(int err)
{
	int code = err < 0 ? -err : err;
	const char *name = kernel_name(code);

	if (!name)
		name = fdt_name(code);
	if (!name)
		name = description_name(code);
	return name ? name : "unknown error";
}

int zerr_vset(struct zerr_msg *msg, enum zerror code, const char *prefix, const char *fmt,
              va_list ap)
{
	if (msg)
		fmt_verror(msg->text, sizeof(msg->text), prefix, fmt, ap);
	return -(int)code;
}

int zerr_set(struct zerr_msg *msg, enum zerror code, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	int rc = zerr_vset(msg, code, "", fmt, ap);
	va_end(ap);
	return rc;
}

void zerr_clear(struct zerr_msg *msg)
{
	if (msg)
		msg->text[0] = '\0';
}
