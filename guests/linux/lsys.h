/*
 * The Linux guest's tools without a libc (Debian's cross compiler has no
 * arm64 libc to link statically without another package): raw AArch64
 * system calls and the little output they need.  The program defines
 * tool_main(); lsys.c's _start calls it and exits with its result.
 */
#ifndef LINUX_LSYS_H
#define LINUX_LSYS_H

#include <stddef.h>
#include <stdint.h>

/* AArch64 Linux system call numbers (include/uapi/asm-generic/unistd.h). */
#define SYS_GETDENTS64    61
#define SYS_OPENAT        56
#define SYS_CLOSE         57
#define SYS_READ          63
#define SYS_WRITE         64
#define SYS_EXIT          93
#define SYS_NANOSLEEP     101
#define SYS_CLOCK_GETTIME 113
#define SYS_MMAP          222

#define AT_FDCWD    (-100)
/* include/uapi/asm-generic/fcntl.h: O_SYNC is __O_SYNC | O_DSYNC. */
#define O_RDONLY    0
#define O_RDWR      2
#define O_SYNC      04010000
#define O_DIRECTORY 040000
/* include/uapi/asm-generic/mman-common.h */
#define PROT_READ   1
#define PROT_WRITE  2
#define MAP_SHARED  1
#define MAP_FIXED   0x10

long lsys_call(long nr, long a, long b, long c, long d, long e, long f);
/* A system call's failure: -errno in [-4095, -1]. */
int lsys_failed(long rc);

void out(const char *s);
void out_u(uint64_t v);
void out_hex(uint64_t v);
/* The decimal (or 0x hex) number s, or -1 when s is not one. */
int64_t parse_u(const char *s);
int str_eq(const char *a, const char *b);
int str_starts(const char *s, const char *prefix);
/* Reads up to cap bytes of the file at path: the count, or -1. */
long read_file(const char *path, void *buf, size_t cap);
void sleep_ns(uint64_t ns);
/* CLOCK_MONOTONIC in ns. */
uint64_t now_ns(void);
/* CLOCK_REALTIME in ns since 1970. */
uint64_t realtime_ns(void);

int tool_main(int argc, char **argv);

#endif
