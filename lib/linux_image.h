/*
 * The Linux arm64 Image header, the one place for it: the 64 bytes at the
 * start of an Image that tell a loader where to put it (Linux,
 * Documentation/arch/arm64/booting.rst, "Call the kernel image").  ZVM's
 * own image (head.S), the guests' (guests/rtos, guests/baremetal), ZVM's
 * guest loader (vm_run.c) and tools/zvmpack use it.  Assembler-safe.
 */
#ifndef LIB_LINUX_IMAGE_H
#define LIB_LINUX_IMAGE_H

/* Field offsets; every field is little endian. */
#define IMAGE_HDR_CODE0       0 /* u32: executable code, usually a branch */
#define IMAGE_HDR_CODE1       4
#define IMAGE_HDR_TEXT_OFFSET 8  /* u64: load offset from a 2 MiB boundary */
#define IMAGE_HDR_IMAGE_SIZE  16 /* u64: effective size, .bss included */
#define IMAGE_HDR_FLAGS       24 /* u64: IMAGE_FLAG_* */
#define IMAGE_HDR_MAGIC       56 /* u32: IMAGE_MAGIC */
#define IMAGE_HDR_SIZE        64

#define IMAGE_MAGIC      0x644d5241 /* "ARM\x64" read as a u32 */
#define IMAGE_MAGIC_STR  "ARM\x64"
#define IMAGE_MAGIC_LEN  4
#define IMAGE_LOAD_ALIGN 0x200000 /* text_offset counts from 2 MiB */

/* flags: bit 0 big endian, bits 2:1 page size (1 = 4 KiB), bit 3 the
 * 2 MiB-aligned base may be anywhere in RAM (else near its start). */
#define IMAGE_FLAG_BE       (1 << 0)
#define IMAGE_FLAG_PAGE_4K  (1 << 1)
#define IMAGE_FLAG_ANYWHERE (1 << 3)

#endif
