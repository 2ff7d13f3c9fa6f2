/*
 * zvmctl top: zvm top on the PC, from two zvm.metrics samples: each vCPU's
 * share of its core in the guest and in ZVM, or idle for direct delivery
 * (docs/protocol.md, "CPU use"; a share the agent does not report is "-",
 * null in JSON), and its traps and interrupts (vGIC and timer fast path)
 * per second over the interval.
 */
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "zvmctl.h"

#define TOP_DEFAULT_MS 1000
#define TOP_MIN_MS     100
#define TOP_MAX_MS     10000
#define TOP_MAX_ROUNDS 100
#define TOP_MAX_VCPUS  64
#define NS_PER_MS      UINT64_C(1000000)
#define NS_PER_S       UINT64_C(1000000000)

struct top_vcpu {
	uint64_t vm_id, index, core;
	char vm[32], state[16];
	bool has_run, has_idle; /* guest_ns and el2_ns reported; idle_ns */
	uint64_t guest_ns, el2_ns, idle_ns, traps, irqs;
};

/* A share of the interval in percent, or NaN when it is not reported. */
struct top_shares {
	double guest, zvm, idle;
};

struct top_sample {
	uint64_t time_ns;
	unsigned count;
	struct top_vcpu v[TOP_MAX_VCPUS];
};

static uint64_t u64_of(const struct json_doc *d, int obj, const char *key)
{
	uint64_t v = 0;

	json_get_u64(d, json_member(d, obj, key), &v);
	return v;
}

static void text_of(const struct json_doc *d, int obj, const char *key, char *buf, size_t cap)
{
	if (json_get_string(d, json_member(d, obj, key), buf, cap) < 0)
		snprintf(buf, cap, "-");
}

static void read_sample(const struct json_doc *d, int result, struct top_sample *s)
{
	int vms = json_member(d, result, "vms");

	s->time_ns = u64_of(d, result, "time_ns");
	s->count = 0;
	for (uint32_t i = 0; json_element(d, vms, i) >= 0; i++) {
		int vm = json_element(d, vms, i), vcpus = json_member(d, vm, "vcpus");
		for (uint32_t c = 0; json_element(d, vcpus, c) >= 0 && s->count < TOP_MAX_VCPUS;
		     c++) {
			int x = json_element(d, vcpus, c);
			struct top_vcpu *t = &s->v[s->count++];
			t->vm_id = u64_of(d, vm, "id");
			t->index = c;
			t->core = u64_of(d, x, "core");
			text_of(d, vm, "name", t->vm, sizeof(t->vm));
			text_of(d, vm, "state", t->state, sizeof(t->state));
			t->has_run = json_member(d, x, "guest_ns") >= 0;
			t->has_idle = json_member(d, x, "idle_ns") >= 0;
			t->guest_ns = u64_of(d, x, "guest_ns");
			t->el2_ns = u64_of(d, x, "el2_ns");
			t->idle_ns = u64_of(d, x, "idle_ns");
			t->traps = u64_of(d, x, "traps");
			t->irqs = u64_of(d, x, "injected") + u64_of(d, x, "fast_timer");
		}
	}
}

static const struct top_vcpu *find(const struct top_sample *s, const struct top_vcpu *v)
{
	for (unsigned i = 0; i < s->count; i++) {
		if (s->v[i].vm_id == v->vm_id && s->v[i].index == v->index)
			return &s->v[i];
	}
	return NULL;
}

static double share(uint64_t before, uint64_t after, uint64_t ns)
{
	return after >= before && ns ? 100.0 * (double)(after - before) / (double)ns : 0.0;
}

static uint64_t rate(uint64_t before, uint64_t after, uint64_t ns)
{
	return after >= before && ns ? (after - before) * NS_PER_S / ns : 0;
}

static struct top_shares shares_of(const struct top_vcpu *x, const struct top_vcpu *y, uint64_t ns)
{
	return (struct top_shares){
		y->has_run ? share(x->guest_ns, y->guest_ns, ns) : NAN,
		y->has_run ? share(x->el2_ns, y->el2_ns, ns) : NAN,
		y->has_idle ? share(x->idle_ns, y->idle_ns, ns) : NAN,
	};
}

static void print_json_share(const char *key, double pct)
{
	if (isnan(pct))
		printf(",\"%s\":null", key);
	else
		printf(",\"%s\":%.1f", key, pct);
}

static void print_text_share(double pct)
{
	if (isnan(pct))
		printf(" %6s", "-");
	else
		printf(" %6.1f", pct);
}

static void print_vcpu(const struct top_vcpu *y, struct top_shares p, uint64_t traps, uint64_t irqs,
                       bool json)
{
	if (json) {
		printf("{\"vm\":\"%s\",\"vcpu\":%" PRIu64 ",\"core\":%" PRIu64 ",\"state\":\"%s\"",
		       y->vm, y->index, y->core, y->state);
		print_json_share("guest_pct", p.guest);
		print_json_share("zvm_pct", p.zvm);
		print_json_share("idle_pct", p.idle);
		printf(",\"traps_per_s\":%" PRIu64 ",\"irqs_per_s\":%" PRIu64 "}", traps, irqs);
		return;
	}
	printf("%-3" PRIu64 " %-15s %-5" PRIu64 " %-4" PRIu64 " %-8s", y->vm_id, y->vm, y->index,
	       y->core, y->state);
	print_text_share(p.guest);
	print_text_share(p.zvm);
	print_text_share(p.idle);
	printf(" %10" PRIu64 " %10" PRIu64 "\n", traps, irqs);
}

static void print_round(const struct top_sample *a, const struct top_sample *b, bool json)
{
	uint64_t ns = b->time_ns - a->time_ns;

	if (json)
		printf("{\"interval_ms\":%" PRIu64 ",\"vcpus\":[", ns / NS_PER_MS);
	else
		printf("over %" PRIu64
		       " ms:\nID  VM              VCPU  CORE STATE    GUEST%%   ZVM%%  "
		       "IDLE%%    TRAPS/S     IRQS/S\n",
		       ns / NS_PER_MS);
	for (unsigned i = 0, n = 0; i < b->count; i++) {
		const struct top_vcpu *y = &b->v[i], *x = find(a, y);
		if (!x)
			continue; /* a VM made meanwhile: no interval yet */
		if (json && n++)
			printf(",");
		print_vcpu(y, shares_of(x, y, ns), rate(x->traps, y->traps, ns),
		           rate(x->irqs, y->irqs, ns), json);
	}
	if (json)
		printf("]}\n");
	fflush(stdout);
}

static int sample(struct client *c, struct top_sample *s)
{
	int result, rc = client_call(c, "zvm.metrics", NULL, &result);

	if (rc == EXIT_OK)
		read_sample(&c->doc, result, s);
	return rc;
}

int top_command(struct client *c, bool json, int argc, char **argv)
{
	static struct top_sample samples[2];
	uint64_t ms = TOP_DEFAULT_MS, rounds = 1;

	for (int i = 0; i < argc; i += 2) {
		uint64_t *out = !strcmp(argv[i], "-d") ? &ms :
		                !strcmp(argv[i], "-n") ? &rounds :
		                                         NULL;
		if (!out || i + 1 >= argc || !parse_number(argv[i + 1], out))
			return -1;
	}
	if (ms < TOP_MIN_MS || ms > TOP_MAX_MS || rounds < 1 || rounds > TOP_MAX_ROUNDS) {
		fprintf(stderr, "zvmctl top: -d from %d to %d ms, -n from 1 to %d\n", TOP_MIN_MS,
		        TOP_MAX_MS, TOP_MAX_ROUNDS);
		return EXIT_USAGE;
	}
	int rc = sample(c, &samples[0]);
	for (uint64_t r = 0; rc == EXIT_OK && r < rounds; r++) {
		struct timespec wait = { (time_t)(ms / 1000), (long)(ms % 1000 * NS_PER_MS) };
		nanosleep(&wait,
		          NULL); /* the interval between the samples, not a synchronization */
		rc = sample(c, &samples[(r + 1) % 2]);
		if (rc == EXIT_OK)
			print_round(&samples[r % 2], &samples[(r + 1) % 2], json);
	}
	return rc;
}
