/*
 * zvmpack: validates a system configuration against a board and packs
 * ZVM, the configuration and the guest images into one boot image.
 *
 *   zvmpack -z zvm.bin -c system.dts|.dtb -b board.dtb|.dts -o out.img
 *           [-I image-dir] [-q]
 *
 * The output is ZVM's arm64 Image, zero-padded to the end of its .bss,
 * followed by the package (vmm/package.h, docs/configuration.md); the
 * Image header's image_size is raised to cover the package, so that
 * QEMU and a bootloader load and reserve all of it.
 */
#include "tools/zvmpack/zvmpack_files.h"
#include "kernel/board_dt.h"
#include "lib/crc32.h"
#include "lib/linux_image.h"
#include "vmm/package.h"
#include "vmm/vm_config.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* arm64 Image header (Linux Documentation/arch/arm64/booting.rst). */

#define CONFIG_ENTRY_NAME "config.dtb"
#define PATH_LEN          4096
#define MIB_SHIFT         20

struct options {
	const char *zvm, *config, *board, *out, *image_dir;
	const char *test_guest; /* -T: packed even when no VM names it */
	bool quiet;
};

struct guest_file {
	const char *name;
	enum package_kind kind;
	struct file_data file;
};

static struct options opt = { .image_dir = "." };
static struct file_data zvm, config_blob;
static struct board_desc board;
static struct system_config cfg;
static struct guest_file files[PACKAGE_MAX_ENTRIES];
static uint32_t file_count;
static struct package_item items[PACKAGE_MAX_ENTRIES];

static int usage(void)
{
	fprintf(stderr, "usage: zvmpack -z <zvm.bin> -c <system.dts|.dtb> -b <board.dtb|.dts>\n"
	                "               -o <out.img> [-I <image dir>] [-T <test guest>] [-q]\n"
	                "Validates the system configuration against the board and packs ZVM,\n"
	                "the configuration and the guest images (looked up in the image\n"
	                "directory, default .) into one boot image. -T adds the image that\n"
	                "ZVM's built-in tests boot (zvm test), whether or not a VM uses it.\n");
	return 2;
}

static int parse_args(int argc, char **argv)
{
	int c;

	while ((c = getopt(argc, argv, "z:c:b:o:I:T:qh")) != -1) {
		switch (c) {
		case 'z': opt.zvm = optarg; break;
		case 'c': opt.config = optarg; break;
		case 'b': opt.board = optarg; break;
		case 'o': opt.out = optarg; break;
		case 'I': opt.image_dir = optarg; break;
		case 'T': opt.test_guest = optarg; break;
		case 'q': opt.quiet = true; break;
		default: return usage();
		}
	}
	if (optind != argc || !opt.zvm || !opt.config || !opt.board || !opt.out)
		return usage();
	return 0;
}

static uint64_t get64(const uint8_t *p)
{
	uint64_t v = 0;
	int i;

	for (i = 7; i >= 0; i--)
		v = v << 8 | p[i];
	return v;
}

static void put64(uint8_t *p, uint64_t v)
{
	int i;

	for (i = 0; i < 8; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

static uint64_t align_up(uint64_t v, uint64_t align)
{
	return (v + align - 1) / align * align;
}

/* A package at any 4 KiB boundary that says it belongs there. */
static bool already_packed(void)
{
	struct package pkg;
	uint64_t off;

	for (off = PACKAGE_ALIGN; off < zvm.size; off += PACKAGE_ALIGN)
		if (memcmp(zvm.data + off, PACKAGE_MAGIC, PACKAGE_MAGIC_LEN) == 0 &&
		    package_open(&pkg, zvm.data + off, zvm.size - off, NULL) == 0 &&
		    pkg.image_offset == off)
			return true;
	return false;
}

/* ZVM must be a bare arm64 Image, not one that was packed already. */
static int load_zvm(void)
{
	uint64_t image_size;

	if (read_file(opt.zvm, &zvm))
		return 1;
	if (zvm.size < IMAGE_HDR_SIZE ||
	    memcmp(zvm.data + IMAGE_HDR_MAGIC, IMAGE_MAGIC_STR, IMAGE_MAGIC_LEN) != 0)
		return fail(opt.zvm,
		            "not an arm64 Image (no \"ARM\\x64\" magic at "
		            "byte %d)",
		            IMAGE_HDR_MAGIC);
	image_size = get64(zvm.data + IMAGE_HDR_IMAGE_SIZE);
	if (image_size < zvm.size)
		return fail(opt.zvm,
		            "image_size %llu is smaller than the file "
		            "(%zu bytes): already packed, or a broken header",
		            (unsigned long long)image_size, zvm.size);
	if (already_packed())
		return fail(opt.zvm, "already carries a package: give the plain "
		                     "ZVM image");
	return 0;
}

static int load_config(void)
{
	struct file_data board_blob;
	struct zerr_msg msg;

	if (load_devicetree(opt.board, &board_blob))
		return 1;
	if (board_from_fdt(board_blob.data, board_blob.size, &board, &msg) != 0) {
		free(board_blob.data);
		return fail(opt.board, "%s", msg.text);
	}
	free(board_blob.data);
	if (load_devicetree(opt.config, &config_blob))
		return 1;
	if (vm_config_parse(config_blob.data, config_blob.size, &board, &cfg, &msg) != 0)
		return fail(opt.config, "%s", msg.text);
	return 0;
}

/* Reads name from the image directory once, however many VMs use it. */
/* owner says who needs the file, for the error: "vm 'rtos'". */
static int add_file(const char *name, enum package_kind kind, const char *owner)
{
	char path[PATH_LEN];
	uint32_t i;

	for (i = 0; i < file_count; i++)
		if (strcmp(files[i].name, name) == 0)
			return 0;
	if (file_count + 1 >= PACKAGE_MAX_ENTRIES)
		return fail(opt.config, "more than %d files to pack", PACKAGE_MAX_ENTRIES - 1);
	snprintf(path, sizeof(path), "%s/%s", opt.image_dir, name);
	if (access(path, R_OK) != 0)
		return fail(path, "%s (%s of %s; set the image directory with -I)", strerror(errno),
		            kind == PACKAGE_KIND_INITRD ? "initrd" : "image", owner);
	files[file_count] = (struct guest_file){ .name = name, .kind = kind };
	if (read_file(path, &files[file_count].file))
		return 1;
	file_count++;
	return 0;
}

static int lookup_size(void *ctx, const char *name, uint64_t *size)
{
	uint32_t i;

	(void)ctx;
	for (i = 0; i < file_count; i++) {
		if (strcmp(files[i].name, name) == 0) {
			*size = files[i].file.size;
			return 0;
		}
	}
	return -1;
}

static int load_images(void)
{
	struct zerr_msg msg;
	uint32_t i;

	for (i = 0; i < cfg.vm_count; i++) {
		char owner[sizeof(cfg.vms[i].name) + 8];

		snprintf(owner, sizeof(owner), "vm '%s'", cfg.vms[i].name);
		if (add_file(cfg.vms[i].image, PACKAGE_KIND_IMAGE, owner))
			return 1;
		if (cfg.vms[i].initrd[0] && add_file(cfg.vms[i].initrd, PACKAGE_KIND_INITRD, owner))
			return 1;
		for (uint32_t j = 0; j < cfg.vms[i].virtio_count; j++)
			if (cfg.vms[i].virtio[j].image[0] &&
			    add_file(cfg.vms[i].virtio[j].image, PACKAGE_KIND_IMAGE, owner))
				return 1;
	}
	if (opt.test_guest && add_file(opt.test_guest, PACKAGE_KIND_IMAGE, "the built-in tests"))
		return 1;
	if (vm_config_check_images(&cfg, lookup_size, NULL, &msg))
		return fail(opt.config, "%s", msg.text);
	return 0;
}

/* The package table items: the configuration first, then the files. */
static uint32_t make_items(void)
{
	uint32_t i;

	items[0] = (struct package_item){ PACKAGE_KIND_CONFIG, CONFIG_ENTRY_NAME, config_blob.size,
		                          crc32(config_blob.data, config_blob.size), 0 };
	for (i = 0; i < file_count; i++)
		items[i + 1] =
		        (struct package_item){ files[i].kind, files[i].name, files[i].file.size,
			                       crc32(files[i].file.data, files[i].file.size), 0 };
	return file_count + 1;
}

static int write_at(FILE *f, uint64_t offset, const void *data, size_t len)
{
	if (fseek(f, (long)offset, SEEK_SET) != 0)
		return -1;
	return fwrite(data, 1, len, f) == len ? 0 : -1;
}

/*
 * Writes to a temporary name and renames, so that a failure never leaves
 * a half-written image that looks complete.
 */
static int write_output(uint64_t pkg_offset, uint64_t pkg_size, uint32_t count)
{
	char tmp[PATH_LEN];
	struct zerr_msg msg;
	uint64_t table_size = package_table_size(count);
	uint8_t *table = calloc(1, table_size);
	FILE *f;
	uint32_t i;
	int rc;

	if (!table)
		return fail(opt.out, "out of memory");
	rc = package_write_table(table, table_size, items, count, pkg_size, pkg_offset, &msg);
	if (rc) {
		free(table);
		return fail(opt.out, "%s", msg.text);
	}
	put64(zvm.data + IMAGE_HDR_IMAGE_SIZE, pkg_offset + pkg_size);
	snprintf(tmp, sizeof(tmp), "%s.tmp", opt.out);
	f = fopen(tmp, "wb");
	if (!f) {
		free(table);
		return fail(tmp, "%s", strerror(errno));
	}
	rc = write_at(f, 0, zvm.data, zvm.size);
	rc |= write_at(f, pkg_offset, table, table_size);
	rc |= write_at(f, pkg_offset + items[0].offset, config_blob.data, config_blob.size);
	for (i = 0; i < file_count; i++)
		rc |= write_at(f, pkg_offset + items[i + 1].offset, files[i].file.data,
		               files[i].file.size);
	rc |= fclose(f);
	free(table);
	if (rc || rename(tmp, opt.out) != 0) {
		unlink(tmp);
		return fail(opt.out, "write failed (%s)", strerror(errno));
	}
	return 0;
}

static void print_summary(uint64_t pkg_offset, uint64_t pkg_size, uint32_t count)
{
	const struct vm_config *vm;
	uint32_t i, c;

	printf("%s: ZVM image %llu bytes (.bss included) + package %llu bytes at offset 0x%llx\n",
	       opt.out, (unsigned long long)pkg_offset, (unsigned long long)pkg_size,
	       (unsigned long long)pkg_offset);
	printf("  zvm      core %u, memory 0x%llx (%llu MiB)\n", cfg.zvm_cpu,
	       (unsigned long long)cfg.zvm_memory.base,
	       (unsigned long long)(cfg.zvm_memory.size >> MIB_SHIFT));
	for (i = 0; i < cfg.vm_count; i++) {
		vm = &cfg.vms[i];
		printf("  vm %-8s %s, cores", vm->name, vm_os_type_name(vm->os_type));
		for (c = 0; c < vm->vcpu_count; c++)
			printf(" %u", vm->cpus[c]);
		printf(", %llu MiB at host 0x%llx%s, image %s\n",
		       (unsigned long long)(vm->ram.size >> MIB_SHIFT),
		       (unsigned long long)vm->ram_host_base, vm->ram_host_fixed ? "" : " (placed)",
		       vm->image);
	}
	for (i = 0; i < count; i++)
		printf("  entry %-20s kind %u offset 0x%llx size %llu crc 0x%08x\n", items[i].name,
		       (unsigned)items[i].kind, (unsigned long long)items[i].offset,
		       (unsigned long long)items[i].size, items[i].crc);
}

static int pack(void)
{
	uint64_t pkg_offset, pkg_size, text_offset, total;
	struct zerr_msg msg;
	uint32_t count = make_items();

	if (package_layout(items, count, &pkg_size, &msg))
		return fail(opt.config, "%s", msg.text);
	/* Past .bss: ZVM clears .bss at boot, which must not wipe the package. */
	pkg_offset = align_up(get64(zvm.data + IMAGE_HDR_IMAGE_SIZE), PACKAGE_ALIGN);
	text_offset = get64(zvm.data + IMAGE_HDR_TEXT_OFFSET);
	total = text_offset + pkg_offset + pkg_size;
	if (total > cfg.zvm_memory.size)
		return fail(opt.config,
		            "ZVM and its package need %llu MiB from the "
		            "load base (text_offset included), zvm-memory has %llu MiB",
		            (unsigned long long)((total + (1ull << MIB_SHIFT) - 1) >> MIB_SHIFT),
		            (unsigned long long)(cfg.zvm_memory.size >> MIB_SHIFT));
	if (write_output(pkg_offset, pkg_size, count))
		return 1;
	if (!opt.quiet)
		print_summary(pkg_offset, pkg_size, count);
	return 0;
}

int main(int argc, char **argv)
{
	int rc = parse_args(argc, argv);

	if (rc == 0)
		rc = load_zvm();
	if (rc == 0)
		rc = load_config();
	if (rc == 0)
		rc = load_images();
	if (rc == 0)
		rc = pack();
	return rc;
}
