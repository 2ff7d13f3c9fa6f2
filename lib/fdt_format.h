/* The flattened devicetree header (Devicetree Specification v0.4, 5.2):
 * ten big-endian words.  Shared by the reader and the writer. */
#ifndef LIB_FDT_FORMAT_H
#define LIB_FDT_FORMAT_H

#define FDT_MAGIC            0xd00dfeedu
#define FDT_HDR_MAGIC        0
#define FDT_HDR_TOTALSIZE    4
#define FDT_HDR_OFF_STRUCT   8
#define FDT_HDR_OFF_STRINGS  12
#define FDT_HDR_OFF_RSVMAP   16
#define FDT_HDR_VERSION      20
#define FDT_HDR_LAST_COMP    24
#define FDT_HDR_BOOT_CPUID   28
#define FDT_HDR_SIZE_STRINGS 32
#define FDT_HDR_SIZE_STRUCT  36

#endif
