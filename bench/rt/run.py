#!/usr/bin/python3
"""Runs the guest RTOS real-time benchmark suite and writes the results.

Natively on QEMU (no hypervisor) and as a VM under ZVM (one run per
interrupt mode, see ZVM_MODES), for each CPU model, each twice, to check the
runs are deterministic.  Writes <out>/rt.json (every record of every
configuration, also those bench/vm/report.py tabulates) and <out>/rt.md and
the table between the rt-bench markers of README.md.

QEMU runs with -icount shift=0,align=off,sleep=off and cntfrq=1 GHz: one
counter tick is one nanosecond of virtual time, about one instruction
(DESIGN.md section 6).  In that mode QEMU may ignore SIGTERM, so it is always
killed with SIGKILL by PID.
"""
import argparse
import json
import os
import re
import select
import signal
import subprocess
import sys
import time

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(REPO, "tests", "system"))
import zvm_session  # noqa: E402
from qemu_harness import QEMU  # noqa: E402
IMAGE = os.path.join(REPO, os.environ.get("BUILD", "build"), "rtos", "rtos.bin")
CPUS = ["cortex-a53", "cortex-a76"]
RUNS_PER_CPU = 2
TIMEOUT_S = 120
COUNTER_HZ = 1000000000
README_BEGIN = "<!-- rt-bench:begin -->"
README_END = "<!-- rt-bench:end -->"

# ZVM's two interrupt modes, one ZVM column group each.  A mode boots the
# packed system of configs/<system>.dts (the RTOS alone on core 1): "lr"
# injects through list registers, "direct" is the VM flag `direct-irq`
# (the guest takes its interrupts from the physical CPU interface).
ZVM_MODES = {"lr": "bench-rt", "direct": "bench-rt-direct"}
ZVM_SMP = 2             # core 0: ZVM, core 1: the RTOS
ZVM_MEM = "1G"
ZVM_TIMEOUT_S = 120
MAKE_TIMEOUT_S = 600

# Benchmark order in the table and the target for each, judged on
# the WORST case: the largest sample of every run of the configuration.
#   ("over", ns):  ZVM max - native max at most ns
#   ("pct", p):    ZVM max at most p % above native max
#   ("abs", ns):   ZVM max at most ns, whatever native does
#   None:          reference figure only
# A dict gives one target per ZVM mode.
IRQ_TARGET = {"lr": ("over", 140), "direct": ("pct", 10.0)}
BENCHMARKS = [
    ("first_instruction", "QEMU reset -> the guest's first instruction (CNTPCT_EL0)",
     {"lr": ("abs", 1000000), "direct": ("abs", 1000000)}),
    ("irq_latency", "virtual-timer deadline -> handler entry", IRQ_TARGET),
    ("irq_to_thread", "deadline -> woken thread running", IRQ_TARGET),
    ("irq_latency_load", "IRQ latency, busy lower-priority thread", IRQ_TARGET),
    ("irq_latency_load_irq2", "IRQ latency, busy thread + 2nd IRQ source",
     {"lr": ("abs", 100), "direct": ("abs", 100)}),
    ("hvc_null", "null hypercall round trip", {"lr": ("over", 100)}),
    ("gicd_read", "emulated distributor register read (GICD_TYPER)", {"lr": ("over", 150)}),
    ("task_switch", "yield between equal priorities", {"lr": ("pct", 2.0)}),
    ("preemption", "higher-priority thread made ready", {"lr": ("pct", 2.0)}),
    ("sem_shuffle", "semaphore give -> other thread's take returns", {"lr": ("pct", 2.0)}),
    ("msg_latency", "message send -> receive", {"lr": ("pct", 2.0)}),
    ("mutex_lock_unlock", "uncontended lock + unlock", {"lr": ("pct", 2.0)}),
    ("mem_alloc_free", "block alloc + free", {"lr": ("pct", 2.0)}),
    ("counter_read", "two back-to-back counter reads (overhead)", None),
]
BENCH_RE = re.compile(r"^\{\"bench\":.*\}\s*$", re.MULTILINE)
DONE_RE = re.compile(r"^\{\"suite\":\"done\",\"benchmarks\":(\d+)\}", re.MULTILINE)
BOOT_RE = re.compile(r"^\{\"rtos\":\"boot\".*\}\s*$", re.MULTILINE)


def qemu_native_args(cpu):
    return QEMU + [
            "-M", "virt,virtualization=on,gic-version=3",
            "-cpu", f"{cpu},cntfrq={COUNTER_HZ}",
            "-icount", "shift=0,align=off,sleep=off",
            "-m", "128M", "-nographic", "-monitor", "none",
            "-serial", "stdio", "-kernel", IMAGE]


def run_qemu(args, timeout):
    """Runs QEMU until the suite's summary line or PSCI power-off."""
    proc = subprocess.Popen(args, stdin=subprocess.DEVNULL,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    out = b""
    deadline = time.monotonic() + timeout
    try:
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise TimeoutError(f"no summary line within {timeout}s:\n"
                                   + out.decode(errors="replace")[-2000:])
            ready, _, _ = select.select([proc.stdout], [], [], min(remaining, 1.0))
            if ready:
                data = os.read(proc.stdout.fileno(), 65536)
                if not data:
                    break
                out += data
                if DONE_RE.search(out.decode(errors="replace")):
                    break
            elif proc.poll() is not None:
                break
    finally:
        if proc.poll() is None:
            os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
    return out.decode(errors="replace").replace("\r\n", "\n")


def parse_suite(text):
    """{name: record} from the JSON lines; raises if the summary is missing."""
    done = DONE_RE.search(text)
    if not done:
        raise RuntimeError("suite did not finish:\n" + text[-2000:])
    results = {}
    for line in BENCH_RE.findall(text):
        record = json.loads(line)
        results[record["bench"]] = record
    if len(results) != int(done.group(1)):
        raise RuntimeError(f"summary says {done.group(1)} benchmarks, "
                           f"found {len(results)}")
    boot = BOOT_RE.search(text)
    if boot and "entry_counter" in json.loads(boot.group(0)):
        # cntfrq is 1 GHz (checked by the counter_read figure being in ns):
        # one tick is one ns since QEMU's reset.
        ns = json.loads(boot.group(0))["entry_counter"] * 1000000000 // COUNTER_HZ
        results["first_instruction"] = {"bench": "first_instruction", "samples": 1,
                                        "min_ns": ns, "avg_ns": ns, "max_ns": ns}
    return results


def worst_of(runs):
    """One record per benchmark over every run: the smallest min, the
    largest avg and the largest max (an error in any run wins)."""
    merged = {}
    for name in runs[0]:
        recs = [r.get(name) for r in runs]
        errors = [r for r in recs if r is None or "error" in r]
        if errors:
            merged[name] = errors[0] or {"bench": name, "error": "missing in a run"}
            continue
        merged[name] = {"bench": name, "samples": sum(r["samples"] for r in recs),
                        "min_ns": min(r["min_ns"] for r in recs),
                        "avg_ns": max(r["avg_ns"] for r in recs),
                        "max_ns": max(r["max_ns"] for r in recs)}
    return merged


def run_native(cpu):
    """Every run's records, and whether they were identical."""
    runs = [parse_suite(run_qemu(qemu_native_args(cpu), TIMEOUT_S))
            for _ in range(RUNS_PER_CPU)]
    return runs, all(r == runs[0] for r in runs[1:])


def system_image(system):
    return os.path.join(REPO, os.environ.get("BUILD", "build"), f"system-{system}.img")


def build_system(system):
    """make SYSTEM=<system> system: ZVM, configs/<system>.dts and the RTOS
    image packed into one boot image (for a board of ZVM_SMP cores)."""
    subprocess.run(["make", "--no-print-directory", f"SYSTEM={system}",
                    f"SMP={ZVM_SMP}", f"MEM={ZVM_MEM}", "system"],
                   cwd=REPO, check=True, timeout=MAKE_TIMEOUT_S,
                   stdout=subprocess.DEVNULL)


def qemu_zvm_args(cpu, system):
    """The native runs' icount options, with ZVM's board: 2 cores, 1 GiB."""
    return QEMU + [
            "-M", "virt,virtualization=on,gic-version=3",
            "-cpu", f"{cpu},cntfrq={COUNTER_HZ}",
            "-icount", "shift=0,align=off,sleep=off",
            "-smp", str(ZVM_SMP), "-m", ZVM_MEM, "-nographic", "-monitor", "none",
            "-serial", "stdio", "-kernel", system_image(system)]


def run_zvm(cpu, mode):
    """The same RTOS image as the VM of configs/<system>.dts under ZVM, twice;
    returns (every run's records, identical?, ZVM's banner)."""
    args = qemu_zvm_args(cpu, ZVM_MODES[mode])
    runs, banner = [], None
    for _ in range(RUNS_PER_CPU):
        banner, text = zvm_session.run_suite(args, ZVM_TIMEOUT_S)
        runs.append(parse_suite(text))
    return runs, all(r == runs[0] for r in runs[1:]), banner


def usable(rec):
    return rec is not None and "error" not in rec


def overhead(native, zvm):
    """ZVM's worst case against native's worst case."""
    if not usable(native) or not usable(zvm):
        return None
    delta = zvm["max_ns"] - native["max_ns"]
    pct = 100.0 * delta / native["max_ns"] if native["max_ns"] else 0.0
    return {"delta_ns": delta, "percent": round(pct, 2)}


def target_of(targets, mode):
    if targets is None:
        return None
    return targets.get(mode)


def target_text(target):
    if target is None:
        return "-"
    kind, value = target
    if kind == "over":
        return f"max <= +{value} ns"
    if kind == "pct":
        return f"max <= +{value:g}%"
    return f"max <= {value} ns" if value < 10000 else f"max <= {value / 1e6:g} ms"


def target_met(target, native, zvm):
    if target is None or not usable(zvm):
        return None
    kind, value = target
    if kind == "abs":
        return zvm["max_ns"] <= value
    over = overhead(native, zvm)
    if over is None:
        return None
    if kind == "over":
        return over["delta_ns"] <= value
    return over["percent"] <= value


def collect():
    report = {"counter_hz": COUNTER_HZ, "image": os.path.relpath(IMAGE, REPO),
              "runs_per_configuration": RUNS_PER_CPU,
              "qemu_native": " ".join(qemu_native_args("<cpu>")),
              "zvm_systems": {mode: f"configs/{system}.dts"
                              for mode, system in ZVM_MODES.items()},
              "qemu_zvm": " ".join(qemu_zvm_args("<cpu>", "<system>")),
              "zvm_banner": None, "cpus": {}}
    for cpu in CPUS:
        runs, deterministic = run_native(cpu)
        entry = {"native": worst_of(runs), "runs": {"native": runs},
                 "identical_runs": {"native": deterministic}, "zvm": {}}
        for mode in ZVM_MODES:
            runs, entry["identical_runs"][f"zvm-{mode}"], \
                report["zvm_banner"] = run_zvm(cpu, mode)
            entry["runs"][f"zvm-{mode}"] = runs
            entry["zvm"][mode] = worst_of(runs)
        entry["deterministic"] = all(entry["identical_runs"].values())
        report["cpus"][cpu] = entry
    return report


def fmt_triplet(rec):
    if rec is None:
        return "missing"
    if "error" in rec:
        return f"error: {rec['error']} ({rec.get('code', '?')})"
    return f"{rec['min_ns']} / {rec['avg_ns']} / {rec['max_ns']}"


def fmt_overhead(over):
    if over is None:
        return "-"
    return "%+d ns (%+.2f%%)" % (over["delta_ns"], over["percent"])


def fmt_met(met):
    if met is None:
        return "-"
    return "met" if met else "**missed**"


def rows_for(report):
    """(benchmark, mode, target) in table order: every mode that has a
    target, or the first mode for reference figures."""
    for name, _desc, targets in BENCHMARKS:
        modes = [m for m in ZVM_MODES if target_of(targets, m)] or list(ZVM_MODES)[:1]
        for mode in modes:
            if any(name in e["native"] or name in e["zvm"][mode]
                   for e in report["cpus"].values()):
                yield name, mode, target_of(targets, mode)


def markdown(report):
    cpus = list(report["cpus"])
    systems = ", ".join(f"{mode}: `{path}`" for mode, path in report["zvm_systems"].items())
    lines = ["Real-time benchmarks of the guest RTOS (ns of QEMU icount virtual "
             "time, min / avg / max over every sample of every run; 1 ns ~ 1 "
             "instruction). Native: the RTOS alone on QEMU. ZVM: the same binary "
             f"as the only VM ({systems}; ZVM on core 0, the RTOS on core 1). "
             "Targets are judged on the worst case: overhead = ZVM max - native "
             "max. `lr`: list-register injection; `direct`: direct interrupt "
             "delivery. Both CPU models from the same `make bench-rt`, each "
             f"configuration run {RUNS_PER_CPU} times (every run is in rt.json).",
             ""]
    head = "| benchmark | mode | target |"
    rule = "|---|---|---|"
    for cpu in cpus:
        head += f" {cpu} native | {cpu} ZVM | {cpu} overhead | met? |"
        rule += "---|---|---|---|"
    lines += [head, rule]
    missed = []
    for name, mode, target in rows_for(report):
        row = f"| `{name}` | {mode} | {target_text(target)} |"
        for cpu in cpus:
            entry = report["cpus"][cpu]
            native, zvm = entry["native"].get(name), entry["zvm"][mode].get(name)
            met = target_met(target, native, zvm)
            if met is False:
                missed.append(f"`{name}` ({mode}, {cpu})")
            row += (f" {fmt_triplet(native)} | {fmt_triplet(zvm)} | "
                    f"{fmt_overhead(overhead(native, zvm))} | {fmt_met(met)} |")
        lines.append(row)
    lines.append("")
    for cpu, entry in report["cpus"].items():
        if not entry["deterministic"]:
            lines.append(f"{cpu}: repeated runs differed ("
                         + ", ".join(k for k, v in entry["identical_runs"].items() if not v)
                         + "); the table shows the worst of them.")
    if missed:
        lines += ["", "Targets missed: " + ", ".join(missed) + ". Why: docs/rtos.md, "
                  "\"Under ZVM: where the time goes\"."]
    lines += ["", "Benchmarks: " + "; ".join(f"`{n}` = {d}" for n, d, _ in BENCHMARKS) + ".",
              "", "Method: docs/rtos.md. Hypercall and emulated-register round "
              "trips: bench/results/vm.md. Regenerate with `make bench-rt`."]
    return "\n".join(lines) + "\n"


def update_readme(table):
    path = os.path.join(REPO, "README.md")
    if not os.path.exists(path):
        return "README.md not found: skipped"
    text = open(path).read()
    begin, end = text.find(README_BEGIN), text.find(README_END)
    if begin < 0 or end < begin:
        return "README.md has no rt-bench markers: skipped"
    new = text[:begin + len(README_BEGIN)] + "\n" + table + text[end:]
    if new != text:
        with open(path, "w") as f:
            f.write(new)
    return "README.md updated"


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default=os.path.join(REPO, "bench", "results"))
    args = parser.parse_args()
    if not os.path.exists(IMAGE):
        sys.exit(f"{IMAGE} missing: run make rtos first")
    for system in ZVM_MODES.values():
        build_system(system)
    report = collect()
    os.makedirs(args.out, exist_ok=True)
    with open(os.path.join(args.out, "rt.json"), "w") as f:
        json.dump(report, f, indent=1, sort_keys=True)
        f.write("\n")
    table = markdown(report)
    with open(os.path.join(args.out, "rt.md"), "w") as f:
        f.write(table)
    print(table)
    print(update_readme(table))
    if not all(e["deterministic"] for e in report["cpus"].values()):
        # Kept and judged on their worst case.  Seen on a loaded host
        # (native runs too); why icount varies there is not known yet.
        print("warning: repeated runs differed (every run is in rt.json)")


if __name__ == "__main__":
    main()
