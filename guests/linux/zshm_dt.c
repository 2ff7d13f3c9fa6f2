/* The Zshm channel's devicetree node, from /proc/device-tree (zshm_dt.h). */
#include "zshm_dt.h"

#include "lsys.h"

#define DT_ROOT       "/proc/device-tree"
#define NODE_PREFIX   "zshm@"
#define COMPATIBLE    "zvm,zshm-channel"
#define PATH_MAX_LEN  160
#define DIRENT_BUF    4096
#define PROP_MAX      64
/* struct linux_dirent64: ino, off, reclen, type, then the name. */
#define DIRENT_RECLEN 16
#define DIRENT_NAME   19

static void join(char *dst, const char *dir, const char *node, const char *prop)
{
	const char *parts[3] = { dir, node, prop };
	unsigned n = 0;

	for (unsigned p = 0; p < 3; p++) {
		if (p)
			dst[n++] = '/';
		for (const char *s = parts[p]; *s && n < PATH_MAX_LEN - 2; s++)
			dst[n++] = *s;
	}
	dst[n] = '\0';
}

static long read_prop(const char *node, const char *prop, void *buf, unsigned cap)
{
	char path[PATH_MAX_LEN];

	join(path, DT_ROOT, node, prop);
	return read_file(path, buf, cap);
}

static uint32_t be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static int read_u32(const char *node, const char *prop, uint32_t *v)
{
	uint8_t b[4];

	if (read_prop(node, prop, b, sizeof(b)) != 4)
		return -1;
	*v = be32(b);
	return 0;
}

/* reg = <base-hi base-lo size-hi size-lo>: the root has 2 and 2 cells. */
static int read_reg(const char *node, uint64_t *base, uint64_t *size)
{
	uint8_t b[16];

	if (read_prop(node, "reg", b, sizeof(b)) != 16)
		return -1;
	*base = (uint64_t)be32(b) << 32 | be32(b + 4);
	*size = (uint64_t)be32(b + 8) << 32 | be32(b + 12);
	return 0;
}

static int read_string(const char *node, const char *prop, char *buf, unsigned cap)
{
	long n = read_prop(node, prop, buf, cap - 1);

	if (n <= 0)
		return -1;
	buf[n] = '\0';
	return (int)n;
}

static unsigned count_strings(const char *list, int len)
{
	unsigned n = 0;

	for (int i = 0; i < len; i++)
		n += list[i] == '\0';
	return n;
}

static int fail(const char *node, const char *why)
{
	out("zshm: ");
	out(node);
	out(": ");
	out(why);
	out("\n");
	return -1;
}

static int read_channel(const char *node, struct zshm_dt_channel *ch)
{
	uint32_t section;
	long len;

	if (read_reg(node, &ch->base, &ch->size) || read_u32(node, "zvm,channel", &ch->channel) ||
	    read_u32(node, "zvm,self", &ch->self) || read_u32(node, "zvm,section-size", &section) ||
	    read_u32(node, "zvm,writers", &ch->geo.writers) ||
	    read_u32(node, "zvm,readers", &ch->geo.readers))
		return fail(node, "a property is missing");
	len = read_prop(node, "zvm,members", ch->members, sizeof(ch->members) - 1);
	if (len <= 0 || ch->members[len - 1] != '\0')
		return fail(node, "zvm,members is not a string list");
	ch->members[len] = '\0';
	ch->geo.section_size = section;
	ch->geo.member_count = count_strings(ch->members, (int)len);
	if (zshm_geometry_check(&ch->geo) || ch->self >= ch->geo.member_count ||
	    zshm_region_size(&ch->geo) != ch->size)
		return fail(node, "its geometry does not add up");
	return 0;
}

static int is_channel(const char *node)
{
	char compat[PROP_MAX];

	return str_starts(node, NODE_PREFIX) &&
	       read_string(node, "compatible", compat, PROP_MAX) > 0 && str_eq(compat, COMPATIBLE);
}

/* The node named name (NULL: any), or 0 with *found clear. */
static int try_node(const char *node, const char *name, struct zshm_dt_channel *ch, int *found)
{
	if (!is_channel(node) || read_string(node, "zvm,name", ch->name, ZSHM_DT_NAME_MAX) <= 0)
		return 0;
	if (name && !str_eq(ch->name, name))
		return 0;
	*found = 1;
	return read_channel(node, ch);
}

int zshm_dt_find(const char *name, struct zshm_dt_channel *ch)
{
	static uint8_t dents[DIRENT_BUF];
	long fd = lsys_call(SYS_OPENAT, AT_FDCWD, (long)DT_ROOT, O_RDONLY | O_DIRECTORY, 0, 0, 0);
	long n;
	int found = 0, rc = 0;

	if (lsys_failed(fd)) {
		out("zshm: no " DT_ROOT "\n");
		return -1;
	}
	while (!found &&
	       (n = lsys_call(SYS_GETDENTS64, fd, (long)dents, sizeof(dents), 0, 0, 0)) > 0)
		for (long off = 0; off < n && !found;) {
			uint16_t reclen = (uint16_t)(dents[off + DIRENT_RECLEN] |
			                             dents[off + DIRENT_RECLEN + 1] << 8);

			if (reclen <= DIRENT_NAME)
				break; /* never: the kernel's records are whole */
			rc = try_node((const char *)&dents[off + DIRENT_NAME], name, ch, &found);
			off += reclen;
		}
	lsys_call(SYS_CLOSE, fd, 0, 0, 0, 0, 0);
	if (!found) {
		out("zshm: no channel ");
		out(name ? name : "at all");
		out(" in " DT_ROOT "\n");
		return -1;
	}
	return rc;
}

const char *zshm_dt_member(const struct zshm_dt_channel *ch, uint32_t i)
{
	const char *s = ch->members;

	for (uint32_t k = 0; k < i && *s; k++)
		while (*s++)
			;
	return *s ? s : "?";
}
