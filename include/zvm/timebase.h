/*
 * ZVM's time base page: the public guest ABI (docs/timebase.md).
 *
 * Every guest reads the same system counter.  ZVM keeps the relation
 * between that counter and UTC and publishes it in one 4 KiB page that
 * each VM asking for it (the `time-base` configuration property) sees
 * read-only at the address its devicetree gives (node
 * "zvm,time-base"; GUEST_TIMEBASE_BASE on QEMU virt).  The idea is Linux's
 * vmclock ABI, simplified: one record, one counter, nanoseconds.
 *
 * The counter is the PHYSICAL counter, CNTPCT_EL0: every VM has its own
 * CNTVOFF_EL2 (its virtual counter starts near zero when it boots), so a
 * guest reads CNTPCT_EL0 (ZVM lets EL1 read it: CNTHCTL_EL2.EL1PCTEN) and
 * converts with zvm_timebase_to_ns().  Then all guests get one time.
 *
 * Reading (a seqcount, as Linux's seqcount_t): read seq; if it is odd ZVM
 * is writing, read again; read every field; then read seq again: if it
 * changed, start over.  The loads of the fields must not pass the loads of
 * seq (load-acquire of seq, a load barrier before the second read of it).
 * A change of seq also tells a guest that the relation changed (the time
 * was set): that is when to resynchronize.
 *
 * All fields are little-endian, naturally aligned; the record starts at
 * offset 0 of the page and the rest of the page reads as zero.
 */
#ifndef ZVM_TIMEBASE_H
#define ZVM_TIMEBASE_H

#include <stdint.h>

#define ZVM_TIMEBASE_MAGIC   0x42545a5au /* "ZZTB" in memory order */
#define ZVM_TIMEBASE_VERSION 1           /* fields below; later versions only append */
#define ZVM_TIMEBASE_PAGE    4096u       /* the page the record lives in */

/* flags */
#define ZVM_TIMEBASE_UTC_VALID (1u << 0) /* time_ns is UTC; clear: no source yet */

/* source: where ZVM's UTC came from. */
#define ZVM_TIMEBASE_SRC_NONE  0 /* nothing yet: time_ns counts from ZVM's boot */
#define ZVM_TIMEBASE_SRC_RTC   1 /* the board's RTC at boot (whole seconds) */
#define ZVM_TIMEBASE_SRC_AGENT 2 /* set by the operator or the VisualZVM agent */

struct zvm_timebase {
	uint32_t magic;   /* ZVM_TIMEBASE_MAGIC */
	uint16_t version; /* ZVM_TIMEBASE_VERSION */
	uint16_t size;    /* bytes of this record */
	uint32_t seq;     /* seqcount: odd while ZVM writes the fields below */
	uint32_t flags;   /* ZVM_TIMEBASE_UTC_VALID */
	/* The relation: at physical counter value counter_value it was time_ns. */
	uint64_t counter_value;
	uint64_t time_ns; /* UTC nanoseconds since 1970-01-01 (no leap seconds) */
	/*
	 * The counter's frequency, and its scale in the form that cannot
	 * overflow: ns = (ticks * mult) >> shift, the product taken in 128
	 * bits (AArch64: mul + umulh).
	 */
	uint64_t counter_hz;
	uint64_t mult;
	uint32_t shift;
	uint32_t source; /* ZVM_TIMEBASE_SRC_* */
	/* How far time_ns may be from true UTC at counter_value, in ns. */
	uint64_t error_bound_ns;
	/* How many times the relation was set since ZVM booted. */
	uint64_t generation;
};

#endif
