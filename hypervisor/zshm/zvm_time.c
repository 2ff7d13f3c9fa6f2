/*
 * The time base: one page, written here only, under one lock; read
 * everywhere through its seqcount, without a lock (docs/timebase.md).
 */
#include "zshm/zvm_time.h"
#include "arch/arm64/cache.h"
#include "arch/arm64/sysreg.h"
#include "kernel/log.h"
#include "kernel/mem.h"
#include "kernel/spinlock.h"
#include "vmm/vm.h"

/* PL031 (ARM DDI 0224): RTCDR, the seconds counter, at offset 0. */
#define PL031_RTCDR 0x000u

static struct {
	struct zvm_timebase *page; /* identity-mapped: its address is its PA */
	struct spinlock lock;      /* one writer */
	uint64_t generation;
	/* The RTC as read at boot, with the counter beside it. */
	bool rtc_read;
	uint32_t rtc_seconds;
	uint64_t rtc_counter;
} tb;

/* By VM id, 1..VM_MAX. */
static struct zvm_time_vm_stats vm_stats[VM_MAX + 1];

void zvm_time_sample_rtc(uint64_t rtc_base)
{
	if (!rtc_base)
		return;
	tb.rtc_seconds = *(volatile uint32_t *)(uintptr_t)(rtc_base + PL031_RTCDR);
	tb.rtc_counter = counter_now();
	tb.rtc_read = true;
}

/* Guests may read the page with their caches off (the RTOS does): every
 * step of a publish goes out to memory before the next. */
static void clean_to_memory(const volatile void *addr, unsigned long size)
{
	dcache_clean_range((uintptr_t)addr, size);
}

static struct timebase_snapshot relation(uint64_t counter, uint64_t ns, uint64_t error_ns,
                                         uint32_t source)
{
	uint64_t hz = counter_freq();

	return (struct timebase_snapshot){
		.flags = source == ZVM_TIMEBASE_SRC_NONE ? 0u : ZVM_TIMEBASE_UTC_VALID,
		.counter_value = counter,
		.time_ns = ns,
		.counter_hz = hz,
		.mult = timebase_mult(hz),
		.shift = TIMEBASE_SHIFT,
		.source = source,
		.error_bound_ns = error_ns,
	};
}

static void publish(struct timebase_snapshot *s)
{
	uint64_t flags = spin_lock_irqsave(&tb.lock);

	s->generation = ++tb.generation;
	timebase_publish(tb.page, s, clean_to_memory);
	spin_unlock_irqrestore(&tb.lock, flags);
}

int zvm_time_init(void)
{
	uint64_t pa = page_alloc_order(0);
	struct timebase_snapshot s;

	if (!pa)
		return -ZE_NOMEM;
	tb.page = (struct zvm_timebase *)(uintptr_t)pa;
	for (unsigned i = 0; i < ZVM_TIMEBASE_PAGE / sizeof(uint64_t); i++)
		((volatile uint64_t *)tb.page)[i] = 0;
	timebase_record_init(tb.page, clean_to_memory);
	dcache_clean_range((uintptr_t)tb.page, ZVM_TIMEBASE_PAGE);
	if (tb.rtc_read) {
		s = relation(tb.rtc_counter, tb.rtc_seconds * TIMEBASE_NS_PER_SEC,
		             ZVM_TIME_SECOND_ERROR_NS, ZVM_TIMEBASE_SRC_RTC);
		log_msg(LOG_INFO, "time base: UTC %u s from the board's RTC", tb.rtc_seconds);
	} else {
		/* No UTC yet: time counts from the counter's zero, bound unknown. */
		s = relation(0, 0, UINT64_MAX, ZVM_TIMEBASE_SRC_NONE);
		log_msg(LOG_INFO, "time base: no RTC, no UTC until 'zvm time set'");
	}
	publish(&s);
	return 0;
}

int zvm_time_set(uint64_t time_ns, uint64_t error_ns, uint32_t source)
{
	struct timebase_snapshot s;

	if (!tb.page)
		return -ZE_BUSY;
	if (time_ns < TIMEBASE_NS_PER_SEC ||
	    (source != ZVM_TIMEBASE_SRC_RTC && source != ZVM_TIMEBASE_SRC_AGENT))
		return -ZE_INVAL;
	s = relation(counter_now(), time_ns, error_ns, source);
	publish(&s);
	return 0;
}

bool zvm_time_snapshot(struct timebase_snapshot *out)
{
	return tb.page && timebase_read(tb.page, out);
}

uint64_t zvm_time_at(const struct timebase_snapshot *s, uint64_t counter)
{
	return timebase_to_ns(s, counter);
}

uint64_t zvm_time_page_pa(void)
{
	return (uint64_t)(uintptr_t)tb.page;
}

const char *zvm_time_source_name(uint32_t source)
{
	switch (source) {
	case ZVM_TIMEBASE_SRC_RTC: return "rtc";
	case ZVM_TIMEBASE_SRC_AGENT: return "set";
	case ZVM_TIMEBASE_SRC_NONE:
	default: return "none";
	}
}

static struct zvm_time_vm_stats *stats_of(unsigned vm_id)
{
	return vm_id <= VM_MAX ? &vm_stats[vm_id] : 0;
}

void zvm_time_count_ptp(unsigned vm_id, uint64_t counter)
{
	struct zvm_time_vm_stats *st = stats_of(vm_id);

	if (!st)
		return;
	__atomic_fetch_add(&st->ptp_calls, 1, __ATOMIC_RELAXED);
	__atomic_store_n(&st->last_ptp_at, counter, __ATOMIC_RELAXED);
}

int64_t zvm_time_report(unsigned vm_id, uint64_t counter, uint64_t guest_ns)
{
	struct zvm_time_vm_stats *st = stats_of(vm_id);
	struct timebase_snapshot s;
	int64_t offset;

	if (!zvm_time_snapshot(&s))
		return 0;
	offset = timebase_diff_ns(guest_ns, timebase_to_ns(&s, counter));
	if (st) {
		__atomic_store_n(&st->last_offset_ns, offset, __ATOMIC_RELAXED);
		__atomic_store_n(&st->last_report_at, counter, __ATOMIC_RELAXED);
		__atomic_fetch_add(&st->reports, 1, __ATOMIC_RELAXED);
	}
	return offset;
}

void zvm_time_vm_stats(unsigned vm_id, struct zvm_time_vm_stats *out)
{
	const struct zvm_time_vm_stats *st = stats_of(vm_id);

	*out = (struct zvm_time_vm_stats){ 0 };
	if (!st)
		return;
	out->ptp_calls = __atomic_load_n(&st->ptp_calls, __ATOMIC_RELAXED);
	out->reports = __atomic_load_n(&st->reports, __ATOMIC_RELAXED);
	out->last_offset_ns = __atomic_load_n(&st->last_offset_ns, __ATOMIC_RELAXED);
	out->last_report_at = __atomic_load_n(&st->last_report_at, __ATOMIC_RELAXED);
	out->last_ptp_at = __atomic_load_n(&st->last_ptp_at, __ATOMIC_RELAXED);
}

void zvm_time_vm_reset(unsigned vm_id)
{
	struct zvm_time_vm_stats *st = stats_of(vm_id);

	if (!st)
		return;
	__atomic_store_n(&st->ptp_calls, 0, __ATOMIC_RELAXED);
	__atomic_store_n(&st->reports, 0, __ATOMIC_RELAXED);
	__atomic_store_n(&st->last_offset_ns, 0, __ATOMIC_RELAXED);
	__atomic_store_n(&st->last_report_at, 0, __ATOMIC_RELAXED);
	__atomic_store_n(&st->last_ptp_at, 0, __ATOMIC_RELAXED);
}
