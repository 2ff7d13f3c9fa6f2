/* Shared by the parts of the configuration reader (vm_config*.c). */
#ifndef VMM_VM_CONFIG_PRIV_H
#define VMM_VM_CONFIG_PRIV_H

#include "vmm/vm_config.h"
#include "lib/fdt.h"
#include "lib/gicv3_defs.h"

/* Longest "where" prefix of a message: "vm '<name>' passthrough@<addr>". */
#define CFG_WHERE_MAX 96

struct cfg_ctx {
	struct fdt fdt;
	const struct board_desc *board;
	struct system_config *out;
	struct zerr_msg *msg;
	bool placed[VM_CONFIG_MAX_VMS]; /* host memory decided (check phase) */
};

/* Writes "config: <where>: <reason>" to ctx->msg and returns -code. */
int cfg_fail(struct cfg_ctx *ctx, enum zerror code, const char *where, const char *fmt, ...)
        __attribute__((format(printf, 4, 5)));

/* Fails (-ZE_UNKNOWN) on any property of node not in allowed. */
int cfg_check_props(struct cfg_ctx *ctx, int node, const char *where, const char *const *allowed);
/* A single non-empty string of fewer than size bytes, copied to buf. */
int cfg_read_string(struct cfg_ctx *ctx, int node, const char *where, const char *name, char *buf,
                    size_t size, bool required);
/* An empty property: present means true. */
/* A package entry's name (image, initrd, a RAM disk's image): a plain file name. */
int cfg_read_file_name(struct cfg_ctx *ctx, int node, const char *where, const char *name,
                       char *buf, bool required);
int cfg_read_flag(struct cfg_ctx *ctx, int node, const char *where, const char *name, bool *out);
/* Exactly one cell. */
int cfg_read_cell(struct cfg_ctx *ctx, int node, const char *where, const char *name,
                  uint32_t *out);
/* <base size> as two 64-bit values (four cells). */
int cfg_read_region(struct cfg_ctx *ctx, int node, const char *where, const char *name,
                    struct vm_region *out);

/* One VM node: its own properties and pass-through nodes (vm_config_vm.c). */
int cfg_parse_vm(struct cfg_ctx *ctx, int node, struct vm_config *vm);

/* A virtio@<slot> node (vm_config_virtio.c); its checks against the VM's
 * other devices once all are read. */
bool cfg_is_virtio_node(const char *name);
int cfg_parse_virtio(struct cfg_ctx *ctx, int node, const char *where, struct vm_config *vm);
int cfg_check_virtio(struct cfg_ctx *ctx, const struct vm_config *vm, const char *where);
/* No two devices, of one VM or of two, share bytes of the board's disk. */
int cfg_check_partitions(struct cfg_ctx *ctx);

/* The channels node, once every VM is read (vm_config_zshm.c). */
int cfg_parse_channels(struct cfg_ctx *ctx, int node);

/* The network node and the MACs of every port (vm_config_net.c). */
int cfg_parse_network(struct cfg_ctx *ctx, int node);
int cfg_read_mac(struct cfg_ctx *ctx, int node, const char *where, const char *name,
                 uint8_t mac[VM_MAC_LEN]);
int cfg_check_macs(struct cfg_ctx *ctx);

/* Checks between VMs, ZVM and the board, then host placement (vm_config_check.c). */
int cfg_check_system(struct cfg_ctx *ctx);

static inline bool cfg_overlaps(uint64_t a, uint64_t asize, uint64_t b, uint64_t bsize)
{
	return a < b + bsize && b < a + asize;
}

/* [base, base + size) lies inside [outer, outer + osize). */
static inline bool cfg_inside(uint64_t base, uint64_t size, uint64_t outer, uint64_t osize)
{
	return base >= outer && size <= osize && base - outer <= osize - size;
}

#endif
