#!/usr/bin/python3
"""Runs the guest RTOS real-time benchmark suite and writes the results.

Natively on QEMU (no hypervisor) for each CPU model, twice, to check the runs
are deterministic; under ZVM once ZVM runs guests (see ZVM_MODES).  Writes
<out>/rt.json and <out>/rt.md and the table between the rt-bench markers of
README.md.

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
IMAGE = os.path.join(REPO, os.environ.get("BUILD", "build"), "rtos", "rtos.bin")
CPUS = ["cortex-a53", "cortex-a76"]
RUNS_PER_CPU = 2
TIMEOUT_S = 120
COUNTER_HZ = 1000000000
README_BEGIN = "<!-- rt-bench:begin -->"
README_END = "<!-- rt-bench:end -->"

# ZVM's two interrupt modes: each becomes one ZVM column group once the
# partitions issue lets ZVM run this image as a guest.  run_zvm() returns
# None until then.
ZVM_MODES = ["lr", "direct"]
ZVM_PENDING = "pending: ZVM guest support"

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
    return ["qemu-system-aarch64",
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


def run_zvm(cpu, mode):
    """The same image as a ZVM guest.  Not possible yet: see ZVM_PENDING."""
    del cpu, mode
    return None


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
              "cpus": {}}
    for cpu in CPUS:
        native, deterministic = run_native(cpu)
        entry = {"native": native, "deterministic": deterministic, "zvm": {}}
        for mode in ZVM_MODES:
            zvm = run_zvm(cpu, mode)
            entry["zvm"][mode] = zvm if zvm is not None else ZVM_PENDING
        report["cpus"][cpu] = entry
    return report


def fmt_triplet(rec):
    return f"{rec['min_ns']} / {rec['avg_ns']} / {rec['max_ns']}"


def fmt_overhead(over):
    if over is None:
        return "-"
    return "%+d ns (%+.2f%%)" % (over["delta_ns"], over["percent"])


def markdown(report):
    lines = ["Real-time benchmarks of the guest RTOS (ns of QEMU icount virtual "
             "time, min / avg / max over the sample count; 1 ns ~ 1 instruction).",
             ""]
    for cpu, entry in report["cpus"].items():
        det = "yes" if entry["deterministic"] else "NO"
        lines += [f"**{cpu}** (identical figures on {RUNS_PER_CPU} runs: {det})", "",
                  "| benchmark | native min / avg / max | ZVM (mode) min / avg / max "
                  "| overhead | target | met? |",
                  "|---|---|---|---|---|---|"]
        for name, _desc, kind in BENCHMARKS:
            native = entry["native"].get(name)
            if native is None:
                continue
            for mode in ZVM_MODES:
                zvm = entry["zvm"][mode]
                zvm_rec = zvm if isinstance(zvm, dict) else None
                over = overhead(native, zvm_rec)
                met = target_met(kind, mode, over)
                if kind in ("pct2", None) and mode != ZVM_MODES[0]:
                    continue    # one row: those paths never leave the guest
                mode_label = mode if kind == "irq" else "any"
                lines.append(
                    f"| `{name}` | {fmt_triplet(native)} | "
                    f"{mode_label}: {fmt_triplet(zvm_rec) if zvm_rec else ZVM_PENDING} | "
                    f"{fmt_overhead(over)} | "
                    f"{target_text(kind, mode)} | "
                    f"{'-' if met is None else ('yes' if met else 'NO')} |")
        lines.append("")
    lines += ["Benchmarks: " + "; ".join(f"`{n}` = {d}" for n, d, _ in BENCHMARKS) + ".",
              "", "Method: docs/rtos.md. Regenerate with `make bench-rt`."]
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
