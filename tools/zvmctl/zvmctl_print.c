/* Human output of each command's structured result (--json prints it as is). */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "zvmctl.h"

static const struct json_doc *d;

static const char *str(int obj, const char *key)
{
	static char bufs[4][512];
	static unsigned next;
	char *b = bufs[next++ % 4];

	if (json_get_string(d, json_member(d, obj, key), b, sizeof(bufs[0])) < 0)
		strcpy(b, "-");
	return b;
}

static uint64_t num(int obj, const char *key)
{
	uint64_t v = 0;

	json_get_u64(d, json_member(d, obj, key), &v);
	return v;
}

static void print_cores(int vm)
{
	int cores = json_member(d, vm, "cores");
	char buf[64] = "";
	size_t n = 0;

	for (uint32_t i = 0; json_element(d, cores, i) >= 0 && n + 8 < sizeof(buf); i++) {
		uint64_t c = 0;
		json_get_u64(d, json_element(d, cores, i), &c);
		n += (size_t)snprintf(buf + n, sizeof(buf) - n, "%s%" PRIu64, i ? "," : "", c);
	}
	printf("%-8s", buf);
}

static void print_uptime(int vm)
{
	uint64_t s;

	if (!json_get_u64(d, json_member(d, vm, "uptime_s"), &s)) {
		printf("%-9s ", "-");
		return;
	}
	printf("%" PRIu64 ":%02" PRIu64 ":%02" PRIu64 "   ", s / 3600, s / 60 % 60, s % 60);
}

static void print_vm_line(int vm)
{
	printf("%-3" PRIu64 " %-16s %-10s %-9s ", num(vm, "id"), str(vm, "name"), str(vm, "os"),
	       str(vm, "state"));
	print_cores(vm);
	printf("%5" PRIu64 " MiB ", num(vm, "memory_mib"));
	print_uptime(vm);
	printf("%" PRIu64 "\n", num(vm, "restarts"));
}

static void print_list(int result)
{
	int vms = json_member(d, result, "vms");

	printf("ID  NAME             OS         STATE     CORES   MEMORY    UPTIME    RESTARTS\n");
	for (uint32_t i = 0; json_element(d, vms, i) >= 0; i++)
		print_vm_line(json_element(d, vms, i));
}

static void print_info(int vm)
{
	int mem = json_member(d, vm, "memory"), vgic = json_member(d, vm, "vgic");
	int devices = json_member(d, vm, "devices"), vcpus = json_member(d, vm, "vcpus");

	printf("vm %" PRIu64 " '%s' (%s): %s - %s\n", num(vm, "id"), str(vm, "name"), str(vm, "os"),
	       str(vm, "state"), str(vm, "reason"));
	printf("  memory: guest 0x%" PRIx64 ", %" PRIu64 " MiB at host 0x%" PRIx64 "\n",
	       num(mem, "guest"), num(mem, "mib"), num(mem, "host"));
	printf("  image: %s; recovery: %s; restarts %" PRIu64 ", crashes %" PRIu64
	       ", faults %" PRIu64 ", aborts %" PRIu64 "\n",
	       str(vm, "image"), str(vm, "recovery"), num(vm, "restarts"), num(vm, "crashes"),
	       num(vm, "guest_faults"), num(vm, "aborts_injected"));
	printf("  vgic: %" PRIu64 " injected, %" PRIu64 " delivered, %" PRIu64
	       " outstanding, %" PRIu64 " lost\n",
	       num(vgic, "injected"), num(vgic, "delivered"), num(vgic, "outstanding"),
	       num(vgic, "lost"));
	for (uint32_t i = 0; json_element(d, devices, i) >= 0; i++) {
		int dev = json_element(d, devices, i);
		printf("  device: %s (%s)", str(dev, "kind"), str(dev, "mode"));
		if (json_member(d, dev, "intid") >= 0)
			printf(", INTID %" PRIu64, num(dev, "intid"));
		printf("\n");
	}
	for (uint32_t i = 0; json_element(d, vcpus, i) >= 0; i++) {
		int v = json_element(d, vcpus, i);
		printf("  vcpu%" PRIu64 " on core %" PRIu64 ": %s, traps %" PRIu64 " (hvc %" PRIu64
		       ", mmio %" PRIu64 ", sysreg %" PRIu64 ", irq %" PRIu64
		       "), interrupts loaded %" PRIu64 "\n",
		       num(v, "index"), num(v, "core"), str(v, "state"), num(v, "traps"),
		       num(v, "hypercalls"), num(v, "mmio"), num(v, "sysreg"), num(v, "irqs"),
		       num(v, "injected"));
	}
}

static void print_tests(int result)
{
	int tests = json_member(d, result, "tests");

	for (uint32_t i = 0; json_element(d, tests, i) >= 0; i++) {
		int t = json_element(d, tests, i);
		printf("%s.%s\n", str(t, "group"), str(t, "name"));
	}
}

static void print_results(int result)
{
	int run = json_member(d, result, "run"), list = json_member(d, result, "results");

	for (uint32_t i = 0; json_element(d, list, i) >= 0; i++) {
		int r = json_element(d, list, i);
		const char *verdict = str(r, "verdict");
		bool pass = !strcmp(verdict, "PASS");
		printf("%-4s %s (%" PRIu64 " us)%s%s\n", verdict, str(r, "name"), num(r, "time_us"),
		       pass ? "" : ": ", pass ? "" : str(r, "reason"));
	}
	printf("run %" PRIu64 " %s: %" PRIu64 " passed, %" PRIu64 " failed, %" PRIu64 " skipped\n",
	       num(run, "number"), str(run, "state"), num(run, "passed"), num(run, "failed"),
	       num(run, "skipped"));
}

static void print_log(int result)
{
	int records = json_member(d, result, "records");

	for (uint32_t i = 0; json_element(d, records, i) >= 0; i++) {
		int r = json_element(d, records, i);
		uint64_t us = num(r, "time_ns") / 1000;
		printf("[%5" PRIu64 ".%06" PRIu64 "] cpu%" PRIu64 " %-5s %s\n", us / 1000000,
		       us % 1000000, num(r, "cpu"), str(r, "level"), str(r, "text"));
	}
}

/* Every member of a flat object as "name value" lines. */
static void print_members(int obj)
{
	uint32_t i = (uint32_t)obj + 1;

	for (uint32_t m = 0; m < d->tok[obj].count; m += 2) {
		const struct json_token *k = &d->tok[i], *v = &d->tok[i + 1];
		printf("%.*s: %.*s\n", (int)k->len, d->text + k->start, (int)v->len,
		       d->text + v->start);
		i = v->next;
	}
}

static void print_raw(int result)
{
	const struct json_token *t = &d->tok[result];

	printf("%.*s\n", (int)t->len, d->text + t->start);
}

void print_result(const char *command, const struct json_doc *doc, int result)
{
	d = doc;
	if (!strcmp(command, "list"))
		print_list(result);
	else if (!strcmp(command, "info"))
		print_info(result);
	else if (!strcmp(command, "test list"))
		print_tests(result);
	else if (!strcmp(command, "test results"))
		print_results(result);
	else if (!strcmp(command, "log"))
		print_log(result);
	else if (!strcmp(command, "test status") || !strcmp(command, "test cancel") ||
	         !strcmp(command, "agent"))
		print_members(result);
	else if (!strcmp(command, "call") || !strcmp(command, "metrics"))
		print_raw(result);
	else if (json_member(d, result, "deleted") >= 0)
		printf("vm %" PRIu64 " deleted\n", num(result, "deleted"));
	else /* a lifecycle operation or create: the VM as it is now */
		print_vm_line(result);
}
