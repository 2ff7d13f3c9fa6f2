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

# Benchmark order in the table and the target for each.
# kind: "irq_lr" = at most +140 ns with list-register injection,
#       "irq_direct" = at most +10% with direct delivery,
#       "pct2" = within 2% of native, None = reference figure only.
BENCHMARKS = [
    ("irq_latency", "virtual-timer deadline -> handler entry", "irq"),
    ("irq_to_thread", "deadline -> woken thread running", "irq"),
    ("irq_latency_load", "IRQ latency, busy lower-priority thread", "irq"),
    ("irq_latency_load_irq2", "IRQ latency, busy thread + 2nd IRQ source", "irq"),
    ("task_switch", "yield between equal priorities", "pct2"),
    ("preemption", "higher-priority thread made ready", "pct2"),
    ("sem_shuffle", "semaphore give -> other thread's take returns", "pct2"),
    ("msg_latency", "message send -> receive", "pct2"),
    ("mutex_lock_unlock", "uncontended lock + unlock", "pct2"),
    ("mem_alloc_free", "block alloc + free", "pct2"),
    ("counter_read", "two back-to-back counter reads (overhead)", None),
]
BENCH_RE = re.compile(r"^\{\"bench\":.*\}\s*$", re.MULTILINE)
DONE_RE = re.compile(r"^\{\"suite\":\"done\",\"benchmarks\":(\d+)\}", re.MULTILINE)


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
    return results


def run_native(cpu):
    runs = [parse_suite(run_qemu(qemu_native_args(cpu), TIMEOUT_S))
            for _ in range(RUNS_PER_CPU)]
    deterministic = all(r == runs[0] for r in runs[1:])
    return runs[0], deterministic


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
    returns (first run's records, identical?, ZVM's banner)."""
    args = qemu_zvm_args(cpu, ZVM_MODES[mode])
    runs, banner = [], None
    for _ in range(RUNS_PER_CPU):
        banner, text = zvm_session.run_suite(args, ZVM_TIMEOUT_S)
        runs.append(parse_suite(text))
    return runs[0], all(r == runs[0] for r in runs[1:]), banner


def overhead(native, zvm):
    if zvm is None:
        return None
    delta = zvm["avg_ns"] - native["avg_ns"]
    pct = 100.0 * delta / native["avg_ns"] if native["avg_ns"] else 0.0
    return {"delta_ns": delta, "percent": round(pct, 2)}


def target_text(kind, mode):
    if kind == "irq":
        return "<= +140 ns" if mode == "lr" else "<= +10%"
    if kind == "pct2":
        return "<= +2%"
    return "-"


def target_met(kind, mode, over):
    if over is None or kind is None:
        return None
    if kind == "irq" and mode == "lr":
        return over["delta_ns"] <= 140
    if kind == "irq":
        return over["percent"] <= 10.0
    return over["percent"] <= 2.0


def collect():
    report = {"counter_hz": COUNTER_HZ, "image": os.path.relpath(IMAGE, REPO),
              "runs_per_configuration": RUNS_PER_CPU,
              "qemu_native": " ".join(qemu_native_args("<cpu>")),
              "zvm_systems": {mode: f"configs/{system}.dts"
                              for mode, system in ZVM_MODES.items()},
              "qemu_zvm": " ".join(qemu_zvm_args("<cpu>", "<system>")),
              "zvm_banner": None, "cpus": {}}
    for cpu in CPUS:
        native, deterministic = run_native(cpu)
        entry = {"native": native, "identical_runs": {"native": deterministic},
                 "zvm": {}}
        for mode in ZVM_MODES:
            entry["zvm"][mode], entry["identical_runs"][f"zvm-{mode}"], \
                report["zvm_banner"] = run_zvm(cpu, mode)
        entry["deterministic"] = all(entry["identical_runs"].values())
        report["cpus"][cpu] = entry
    return report


def fmt_triplet(rec):
    return f"{rec['min_ns']} / {rec['avg_ns']} / {rec['max_ns']}"


def fmt_overhead(over):
    if over is None:
        return "-"
    return "%+d ns (%+.2f%%)" % (over["delta_ns"], over["percent"])


def zvm_record(zvm, name):
    """A benchmark's record in a ZVM mode's results (None if missing there)."""
    return zvm.get(name)


def fmt_zvm(mode, zvm, name):
    rec = zvm_record(zvm, name)
    if rec is not None:
        return f"{mode}: {fmt_triplet(rec)}"
    return f"{mode}: missing"


def fmt_met(met):
    if met is None:
        return "-"
    return "met" if met else "**missed**"


def table_rows(entry):
    """One row per benchmark and ZVM mode for the interrupt paths; one row
    for the others, which never leave the guest whatever the mode."""
    rows, missed = [], []
    for name, _desc, kind in BENCHMARKS:
        native = entry["native"].get(name)
        if native is None:
            continue
        modes = list(ZVM_MODES) if kind == "irq" else list(ZVM_MODES)[:1]
        for mode in modes:
            zvm = entry["zvm"][mode]
            over = overhead(native, zvm_record(zvm, name))
            met = target_met(kind, mode, over)
            if met is False:
                missed.append(f"`{name}` ({mode})")
            rows.append(f"| `{name}` | {fmt_triplet(native)} | {fmt_zvm(mode, zvm, name)} | "
                        f"{fmt_overhead(over)} | {target_text(kind, mode)} | "
                        f"{fmt_met(met)} |")
    return rows, missed


def markdown(report):
    systems = ", ".join(f"{mode}: `{path}`" for mode, path in report["zvm_systems"].items())
    lines = ["Real-time benchmarks of the guest RTOS (ns of QEMU icount virtual "
             "time, min / avg / max over the sample count; 1 ns ~ 1 instruction). "
             "Native: the RTOS alone on QEMU. ZVM: the same binary as the only VM "
             f"({systems}; ZVM on core 0, the RTOS on core 1). Overhead: "
             "ZVM avg - native avg. `lr`: list-register injection; `direct`: "
             "direct interrupt delivery.",
             ""]
    all_missed = []
    for cpu, entry in report["cpus"].items():
        det = "yes" if entry["deterministic"] else "NO"
        rows, missed = table_rows(entry)
        all_missed += [m for m in missed if m not in all_missed]
        lines += [f"**{cpu}** (every configuration run {RUNS_PER_CPU} times, "
                  f"identical figures: {det})", "",
                  "| benchmark | native min / avg / max | ZVM (mode) min / avg / max "
                  "| overhead | target | met? |",
                  "|---|---|---|---|---|---|"] + rows + [""]
    if all_missed:
        lines += ["Targets missed: " + ", ".join(all_missed) + ". Why, and "
                  "what it would take: docs/rtos.md, \"Under ZVM: where the time "
                  "goes\".", ""]
    lines += ["Benchmarks: " + "; ".join(f"`{n}` = {d}" for n, d, _ in BENCHMARKS) + ".",
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
        sys.exit("runs were not deterministic (see rt.json)")


if __name__ == "__main__":
    main()
