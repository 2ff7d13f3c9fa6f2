/*
 * The methods that read ZVM's own state: log (the kernel log ring),
 * zvm.metrics (per VM and vCPU counters that exist today, and each VM's
 * measured clock offset) and zvm.agent
 * (the protocol's counters, refusals included).
 */
#include "agent/agent.h"
#include "agent/agent_methods.h"
#include "arch/arm64/pmu.h"
#include "kernel/log.h"
#include "kernel/time.h"
#include "vmm/vm.h"
#include "vmm/vm_snapshot.h"
#include "lib/string.h"
#include "zshm/vm_time_offset.h"
#include "zshm/zshm.h"
#include "zshm/zvm_time.h"

#define LOG_RECORDS_MAX 64 /* per reply: at most about 64 * 200 bytes */

static void write_record(struct json_writer *w, const struct log_record *rec)
{
	json_object_begin(w);
	json_member_u64(w, "seq", rec->seq);
	json_member_u64(w, "time_ns", ticks_to_ns(rec->timestamp));
	json_member_u64(w, "cpu", rec->cpu);
	json_member_string(w, "level", log_level_name(rec->level));
	json_member_string(w, "text", rec->text);
	json_object_end(w);
}

int agent_log(struct rpc_call *call)
{
	static const char *const allowed[] = { "since", "max", 0 };
	struct logring_stats st;
	struct log_record rec;
	char text[LOGRING_MAX_TEXT];
	uint64_t since = 0, max = 16, lost = 0;
	int rc = agent_only_params(call, allowed);

	if (rc == 0 && agent_param_u64(call, "since", false, 0, UINT64_MAX, &since) < 0)
		rc = RPC_ERR_PARAMS;
	if (rc == 0 && agent_param_u64(call, "max", false, 1, LOG_RECORDS_MAX, &max) < 0)
		rc = RPC_ERR_PARAMS;
	if (rc)
		return rc;
	log_stats(&st);
	/* Without "since": the newest max records, as `log -n` shows them. */
	uint64_t seq = json_member(&call->req->doc, call->req->params, "since") >= 0 ? since :
	               st.next_seq > max ? st.next_seq - max :
	                                   0;
	json_object_begin(call->out);
	json_key(call->out, "records");
	json_array_begin(call->out);
	for (uint64_t n = 0; n < max && log_read(&seq, &rec, text, sizeof(text), LOG_DEBUG); n++) {
		lost += rec.lost;
		write_record(call->out, &rec);
		seq = rec.seq + 1;
	}
	json_array_end(call->out);
	json_member_u64(call->out, "next", seq);
	json_member_u64(call->out, "lost", lost);
	json_object_end(call->out);
	return 0;
}

uint64_t agent_log_next(void)
{
	struct logring_stats st;

	log_stats(&st);
	return st.next_seq;
}

bool agent_log_event(uint64_t *seq, struct json_writer *w)
{
	struct log_record rec;
	char text[LOGRING_MAX_TEXT];

	if (!log_read(seq, &rec, text, sizeof(text), LOG_INFO))
		return false;
	write_record(w, &rec);
	*seq = rec.seq + 1;
	return true;
}

static struct vm_snapshot snap;

/* The VM's clock against the time base, when it gave ZVM a way to measure it. */
static void write_time_offset(struct json_writer *w, const struct vm_snapshot *vm)
{
	struct timebase_snapshot base;
	const char *by;
	int64_t offset;

	if (!zvm_time_snapshot(&base) || !vm_time_offset(vm, &base, &offset, &by))
		return;
	json_key(w, "time_offset_ns");
	json_i64(w, offset);
	json_member_string(w, "time_by", by);
}

/*
 * The cache hit rate: never a made-up figure.  Where the CPU has the L1D
 * events, its counters still belong to the guests on their cores
 * (MDCR_EL2.HPMN, arch/arm64/pmu.h) and ZVM does not sample them.
 */
static void write_cache(struct json_writer *w)
{
	json_key(w, "cache");
	json_object_begin(w);
	json_member_bool(w, "counted", false);
	json_member_string(w, "reason",
	                   pmu_has_l1d_events() ? "the PMU counters are the guests' own" :
	                                          "not counted by this CPU (no L1D_CACHE events)");
	json_object_end(w);
}

/* The VM's Zshm channels and the doorbells it rang in them (zvm zshm's counters). */
static void write_zshm(struct json_writer *w, const struct vm_snapshot *vm)
{
	static struct zshm_channel_view view; /* the agent answers one call at a time */
	uint64_t channels = 0, rung = 0;

	for (uint32_t i = 0; i < zshm_channel_count(); i++) {
		if (!zshm_channel_view(i, &view))
			continue;
		for (unsigned m = 0; m < ZSHM_MAX_MEMBERS; m++) {
			if (strcmp(view.members[m], vm->cfg.name))
				continue;
			channels++;
			rung += view.counters.rung[m];
		}
	}
	if (!channels)
		return;
	json_key(w, "zshm");
	json_object_begin(w);
	json_member_u64(w, "channels", channels);
	json_member_u64(w, "doorbells_rung", rung);
	json_object_end(w);
}

static void write_vm_metrics(struct json_writer *w, const struct vm_snapshot *vm)
{
	json_object_begin(w);
	json_member_u64(w, "id", vm->id);
	json_member_string(w, "name", vm->cfg.name);
	json_member_string(w, "state", vm_state_name(vm->state));
	json_member_u64(w, "memory_mib", vm->cfg.ram.size >> 20);
	json_member_u64(w, "crashes", vm->crashes);
	json_member_u64(w, "vgic_injected", vm->vgic.injected);
	write_time_offset(w, vm);
	write_zshm(w, vm);
	json_key(w, "vcpus");
	json_array_begin(w);
	for (unsigned i = 0; i < vm->vcpu_count; i++) {
		const struct vcpu_snapshot *v = &vm->vcpus[i];
		json_object_begin(w);
		json_member_u64(w, "core", v->cpu);
		json_member_u64(w, "traps", v->stats.traps);
		json_member_u64(w, "hypercalls", v->stats.hypercalls);
		json_member_u64(w, "mmio", v->stats.mmio);
		json_member_u64(w, "sysreg", v->stats.sysreg);
		json_member_u64(w, "irqs", v->stats.irqs);
		json_member_u64(w, "injected", v->stats.injected);
		json_member_u64(w, "fast_timer", v->fast_timer);
		if (v->time_mode == VCPU_TIME_RUN) { /* the buckets it has: vmm/vcpu_time.h */
			json_member_u64(w, "guest_ns", ticks_to_ns(v->stats.guest_ticks));
			json_member_u64(w, "el2_ns", ticks_to_ns(v->stats.el2_ticks));
		} else {
			json_member_u64(w, "idle_ns", ticks_to_ns(v->stats.idle_ticks));
		}
		json_object_end(w);
	}
	json_array_end(w);
	json_object_end(w);
}

int agent_zvm_metrics(struct rpc_call *call)
{
	static const char *const none[] = { 0 };
	int rc = agent_only_params(call, none);

	return rc ? rc : agent_metrics_write(call);
}

int agent_metrics_write(struct rpc_call *call)
{
	json_object_begin(call->out);
	json_member_u64(call->out, "time_ns", ticks_to_ns(time_now()));
	write_cache(call->out);
	json_key(call->out, "vms");
	json_array_begin(call->out);
	for (unsigned i = 0; i < VM_MAX; i++) {
		if (vm_snapshot_at(i, &snap))
			write_vm_metrics(call->out, &snap);
	}
	json_array_end(call->out);
	json_object_end(call->out);
	return 0;
}

static void agent_write_stats(struct json_writer *w, const struct agent_stats *s)
{
	json_object_begin(w);
	json_member_bool(w, "key", s->has_key);
	json_member_u64(w, "received", s->rpc.received);
	json_member_u64(w, "executed", s->rpc.executed);
	json_member_u64(w, "failed", s->rpc.failed);
	json_member_u64(w, "retried", s->rpc.retried);
	json_member_u64(w, "malformed", s->rpc.malformed);
	json_member_u64(w, "unauthenticated", s->rpc.unauthenticated);
	json_member_u64(w, "replayed", s->rpc.replayed);
	json_member_u64(w, "no_room", s->rpc.no_room);
	json_member_u64(w, "too_large", s->rpc.too_large);
	json_member_u64(w, "dropped", s->dropped);
	json_member_u64(w, "serial_bad", s->serial_bad);
	json_member_u64(w, "udp_port", s->udp_port);
	json_member_u64(w, "udp_received", s->udp_received);
	json_member_u64(w, "udp_bad", s->udp_bad);
	json_object_end(w);
}

int agent_zvm_agent(struct rpc_call *call)
{
	static const char *const none[] = { 0 };
	struct agent_stats s;
	int rc = agent_only_params(call, none);

	if (rc)
		return rc;
	agent_stats(&s);
	agent_write_stats(call->out, &s);
	return 0;
}
