#!/usr/bin/python3
"""The Zshm benchmarks: RTOS -> RTOS on two cores (docs/zshm.md).

configs/bench-zshm.dts under ZVM: two RTOS VMs ("ping" on core 1, "pong"
on core 2) share channel "bench"; their roles (guests/rtos/app/
zshm_bench.c) run at boot and print JSON lines. QEMU -icount shift=0,
align=off,sleep=off with cntfrq=1 GHz (1 tick = 1 ns of virtual time,
about one instruction), cortex-a53 and cortex-a76 side by side, each
RUNS times (whether the runs repeat is recorded; single
outliers differ between runs). Every sample is CNTPCT_EL0, the
counter both VMs read alike.

- one-way latency, stamp at the send -> pong's doorbell handler
  (zshm_oneway_handler_doorbell), -> the message in pong's receiving
  thread, woken by its doorbell (zshm_oneway_thread_doorbell) or spinning
  on the ring (zshm_oneway_thread_polling); target <= 2 us, worst case;
- round trip, ping's send -> the echo in ping's hands, both modes;
- throughput by message size: 1024 messages as fast as the ring takes
  them, first stamp -> last receipt, 5 runs after a warm-up, both modes;
- time base precision at a shared-memory barrier: ping sends a barrier
  message and samples its clock right after the send, pong as soon as it
  has it; disagreement = (wall_pong - wall_ping) - (pct_pong - pct_ping);
  target 1 counter tick, worst case.

Under icount QEMU runs one vCPU at a time (no MTTCG) and one virtual clock
counts every vCPU's instructions: a cross-core figure is the instructions
both cores execute between the two stamps, in QEMU's interleaving (a
spinning vCPU gives its turn away on YIELD). Writes bench/results/
zshm.{json,md} (zshm.json keeps every invocation's runs) and the README's
table. QEMU is killed with SIGKILL by PID (its harness sets
die_with_parent); every wait is bounded.
"""
import argparse
import datetime
import json
import os
import re
import subprocess
import sys

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(REPO, "tests", "system"))
from zvm import Zvm  # noqa: E402

BUILD = os.environ.get("BUILD", "build")
SYSTEM = "bench-zshm"
CPUS = ["cortex-a53", "cortex-a76"]
RUNS = 2
COUNTER_HZ = 1000000000
ONEWAY_TARGET_NS = 2000
PRECISION_TARGET_TICKS = 1
TIMEOUT_S = 600
MSG_SIZES = [16, 32, 64, 112]
TPUT_MESSAGES = 1024
BENCH_RE = re.compile(r'\{"bench":"zshm_[^\n]*\}')
README_BEGIN, README_END = "<!-- zshm-bench:begin -->", "<!-- zshm-bench:end -->"
ONEWAY = [("zshm_oneway_handler_doorbell", "doorbell", "to pong's doorbell handler"),
          ("zshm_oneway_thread_doorbell", "doorbell", "to pong's thread (woken)"),
          ("zshm_oneway_thread_polling", "polling", "to pong's thread (spinning)")]
ROUND_TRIP = [("zshm_round_trip_doorbell", "doorbell"), ("zshm_round_trip_polling", "polling")]


def build():
    subprocess.run(["make", "--no-print-directory", f"SYSTEM={SYSTEM}", "system"],
                   cwd=REPO, check=True, timeout=900, stdout=subprocess.DEVNULL)


def qemu_args(cpu):
    return ["-M", "virt,virtualization=on,gic-version=3",
            "-cpu", f"{cpu},cntfrq={COUNTER_HZ}",
            "-icount", "shift=0,align=off,sleep=off",
            "-smp", "4", "-m", "1G", "-nographic",
            "-kernel", os.path.join(REPO, BUILD, f"system-{SYSTEM}.img")]


def bench_lines(text):
    return {b["bench"]: b for b in (json.loads(m.group(0)) for m in BENCH_RE.finditer(text))}


def done(text):
    "the end of the Zshm benchmarks"
    return '{"zshm":"bench done"' in text or '"zshm":"error"' in text


def one_run(cpu):
    zvm = Zvm(qemu_args(cpu), f"bench-zshm-{cpu}")
    try:
        zvm.boot()
        run = {}
        for vm in ("ping", "pong"):
            text = zvm.watch(vm, done, timeout=TIMEOUT_S)
            if '"zshm":"error"' in text:
                raise RuntimeError(f"{vm}: {text[-2000:]}")
            run.update(bench_lines(text))
        run["zvm_zshm"] = zvm.run("zvm zshm")
        return run
    finally:
        zvm.kill()


def stats(run, name):
    b = run[name]
    return {k: b[k] for k in ("samples", "min_ticks", "avg_ticks", "max_ticks")}


def figures(run):
    """What a run gives, in ticks (= ns at 1 GHz): no host time in it."""
    out = {name: stats(run, name) for name, _, _ in ONEWAY}
    out.update({name: stats(run, name) for name, _ in ROUND_TRIP})
    for mode in ("doorbell", "polling"):
        for size in MSG_SIZES:
            name = f"zshm_tput_{mode}_s{size}_n{TPUT_MESSAGES}"
            out[name] = stats(run, name)
    out["zshm_time_precision"] = stats(run, "zshm_time_precision")
    out["zshm_time_precision_signed_worst"] = run["zshm_time_precision_signed"]["worst_ns"]
    out["zshm_time_barrier_skew"] = stats(run, "zshm_time_barrier_skew")
    return out


def worst(entry, name):
    runs = entry["runs"]
    return (min(r[name]["min_ticks"] for r in runs), max(r[name]["avg_ticks"] for r in runs),
            max(r[name]["max_ticks"] for r in runs))


def cell(t):
    return f"{t[0]} / {t[1]} / {t[2]}"


def mbytes_per_s(size, ticks):
    """MB/s (10^6 bytes) of TPUT_MESSAGES messages of size bytes in ticks ns."""
    return f"{size * TPUT_MESSAGES * 1000 / ticks:.1f}"


def markdown(report):
    cpus = list(report["cpus"])
    head = "| figure | mode | target | " + " | ".join(f"{c} min / avg / max (ns) | met?"
                                                    for c in cpus) + " |"
    lines = ["Zshm, RTOS -> RTOS on two cores (configs/bench-zshm.dts, QEMU icount: ns of "
             "virtual time, 1 ns ~ 1 instruction of either core). Cells: smallest min, "
             f"largest average and largest max over {RUNS} runs per CPU model; targets "
             "judged on the worst case.", "", head,
             "|---|---|---|" + "---|---|" * len(cpus)]

    def row(label, mode, target, name, limit):
        cells = []
        for c in cpus:
            t = worst(report["cpus"][c], name)
            met = "" if limit is None else ("met" if t[2] <= limit else "MISSED")
            cells.append(f"{cell(t)} | {met}")
        lines.append(f"| {label} | {mode} | {target} | " + " | ".join(cells) + " |")

    for name, mode, label in ONEWAY:
        row(f"one-way, {label}", mode, "<= 2 us", name, ONEWAY_TARGET_NS)
    for name, mode in ROUND_TRIP:
        row("round trip (send -> echo back)", mode, "", name, None)
    row("time base disagreement at a barrier (abs)", "polling", "1 tick",
        "zshm_time_precision", PRECISION_TARGET_TICKS)
    row("barrier skew (pong's sample - ping's)", "polling", "", "zshm_time_barrier_skew", None)
    lines += ["", f"Throughput, {TPUT_MESSAGES} messages per run, first stamp -> last receipt "
              "(MB/s = 10^6 bytes/s of virtual time; best / average / worst run):", "",
              "| size (bytes) | mode | " + " | ".join(f"{c} MB/s" for c in cpus) + " |",
              "|---|---|" + "---|" * len(cpus)]
    for mode in ("doorbell", "polling"):
        for size in MSG_SIZES:
            name = f"zshm_tput_{mode}_s{size}_n{TPUT_MESSAGES}"
            cells = []
            for c in cpus:
                lo, avg, hi = worst(report["cpus"][c], name)
                cells.append(" / ".join(mbytes_per_s(size, t) for t in (lo, avg, hi)))
            lines.append(f"| {size} | {mode} | " + " | ".join(cells) + " |")
    identical = all(e["identical"] for e in report["cpus"].values())
    lines += ["", f"Runs of one CPU model identical: {'yes' if identical else 'no'}. "
              "Regenerate with `make bench-zshm` (bench/zshm.py; method: docs/zshm.md)."]
    return "\n".join(lines) + "\n"


def update_readme(table):
    path = os.path.join(REPO, "README.md")
    with open(path) as f:
        text = f.read()
    block = f"{README_BEGIN}\n{table}{README_END}"
    if README_BEGIN in text:
        text = re.sub(re.escape(README_BEGIN) + r".*?" + re.escape(README_END),
                      lambda _: block, text, flags=re.S)
    else:
        text = text.replace("<!-- time-bench:begin -->", block + "\n\n<!-- time-bench:begin -->")
    with open(path, "w") as f:
        f.write(text)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--out", default=os.path.join(REPO, "bench", "results"))
    parser.add_argument("--cpu", action="append", choices=CPUS)
    parser.add_argument("--no-readme", action="store_true")
    args = parser.parse_args()
    build()
    report = {"date": datetime.datetime.now(datetime.timezone.utc).isoformat(),
              "commit": subprocess.run(["git", "rev-parse", "HEAD"], cwd=REPO,
                                       capture_output=True, text=True).stdout.strip(),
              "qemu_args": qemu_args("<cpu>"), "cpus": {}}
    for cpu in args.cpu or CPUS:
        raw = [one_run(cpu) for _ in range(RUNS)]
        results = [figures(r) for r in raw]
        report["cpus"][cpu] = {"runs": results, "raw": raw,
                               "identical": all(r == results[0] for r in results[1:])}
    os.makedirs(args.out, exist_ok=True)
    path = os.path.join(args.out, "zshm.json")
    history = []
    if os.path.exists(path):
        with open(path) as f:
            history = json.load(f).get("invocations", [])
    history.append(report)
    with open(path, "w") as f:
        json.dump({"latest": len(history) - 1, "invocations": history}, f, indent=1)
    table = markdown(report)
    with open(os.path.join(args.out, "zshm.md"), "w") as f:
        f.write(table)
    if not args.no_readme:
        update_readme(table)
    print(table)


if __name__ == "__main__":
    main()
