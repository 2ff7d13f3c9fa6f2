#!/usr/bin/python3
"""Tabulates what leaving a guest costs: native versus under ZVM.

Reads the records bench/rt/run.py wrote (<out>/rt.json: the guest RTOS's
suite, natively and as a ZVM VM, in the same `make bench-rt`) and writes
<out>/vm.json and <out>/vm.md for three round trips:
  hvc_null     a null hypercall (ZVM_HC_NULL); natively the RTOS's own EL2
               stub answers it at once: the bare exception round trip
  gicd_read    a read of GICD_TYPER; natively the real distributor answers,
               under ZVM the read faults at stage 2 and is emulated
  irq_latency  virtual-timer deadline -> the guest's IRQ handler
Every figure is ns of QEMU icount virtual time (1 ns ~ 1 instruction) and
includes one counter read (counter_read, 5 ns).
"""
import argparse
import json
import os
import sys

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
ZVM_MODE = "lr"         # the interrupt mode these paths are measured in
# (name, what, native path, target: ZVM max - native max at most, ns)
ROUND_TRIPS = [
    ("hvc_null", "null hypercall (`hvc #0`, ZVM_HC_NULL)",
     "EL2 stub: `mov x0, xzr; eret`", 100),
    ("gicd_read", "distributor register read (GICD_TYPER)",
     "the distributor answers", 150),
    ("irq_latency", "virtual-timer interrupt latency (deadline -> handler)",
     "the CPU takes the IRQ", 140),
]


def overhead(native, zvm):
    """Worst case against worst case; None when either has no figures
    (a benchmark that reported an error)."""
    if "error" in native or "error" in zvm:
        return None
    delta = zvm["max_ns"] - native["max_ns"]
    pct = 100.0 * delta / native["max_ns"] if native["max_ns"] else 0.0
    return {"delta_ns": delta, "percent": round(pct, 2)}


def tabulate(rt, source):
    """vm.json's content from rt.json's; raises if a record is missing."""
    report = {"source": os.path.relpath(source, REPO), "counter_hz": rt["counter_hz"],
              "zvm_mode": ZVM_MODE, "zvm_system": rt["zvm_systems"][ZVM_MODE],
              "zvm_banner": rt["zvm_banner"], "cpus": {}}
    for cpu, entry in rt["cpus"].items():
        zvm = entry["zvm"].get(ZVM_MODE)
        if not zvm:
            raise RuntimeError(f"{cpu}: no ZVM {ZVM_MODE} run in rt.json")
        rows = {}
        for name, _what, _native_path, target in ROUND_TRIPS:
            if name not in entry["native"] or name not in zvm:
                raise RuntimeError(f"{cpu}: {name} missing from rt.json")
            over = overhead(entry["native"][name], zvm[name])
            rows[name] = {"native": entry["native"][name], "zvm": zvm[name],
                          "overhead": over, "target_max_over_ns": target,
                          "met": None if over is None else over["delta_ns"] <= target}
        report["cpus"][cpu] = {"deterministic": entry["deterministic"],
                               "round_trips": rows}
    return report


def triplet(rec):
    if "error" in rec:
        return f"error: {rec['error']}"
    return f"{rec['min_ns']} / {rec['avg_ns']} / {rec['max_ns']}"


def verdict(row):
    if row["met"] is None:
        return "-"
    return f"+{row['overhead']['delta_ns']} ns, " + ("met" if row["met"] else "**missed**")


def markdown(report):
    cpus = list(report["cpus"])
    lines = ["Round trips out of a guest: the guest RTOS natively (no hypervisor) "
             f"and as the only VM of `{report['zvm_system']}` under ZVM "
             f"({report['zvm_mode']}: list-register injection), from the same "
             "`make bench-rt`. ns of QEMU icount virtual time (1 ns ~ 1 "
             "instruction), min / avg / max over every sample of every run, each "
             "including one counter read (5 ns). Judged on the worst case: "
             "overhead = ZVM max - native max.", ""]
    head, rule = "| round trip | native | target |", "|---|---|---|"
    for cpu in cpus:
        head += f" {cpu} native | {cpu} ZVM | {cpu} overhead |"
        rule += "---|---|---|"
    lines += [head, rule]
    for name, what, native_path, target in ROUND_TRIPS:
        row = f"| `{name}`: {what} | {native_path} | max <= +{target} ns |"
        for cpu in cpus:
            r = report["cpus"][cpu]["round_trips"][name]
            row += f" {triplet(r['native'])} | {triplet(r['zvm'])} | {verdict(r)} |"
        lines.append(row)
    lines.append("")
    for cpu in cpus:
        if not report["cpus"][cpu]["deterministic"]:
            lines.append(f"{cpu}: repeated runs differed; the worst of them is shown "
                         "(every run: rt.json).")
    lines += ["", "Where ZVM's time goes: docs/rtos.md, \"Under ZVM: where the time "
              "goes\". Method: bench/README.md. Regenerate with `make bench-rt`."]
    return "\n".join(lines) + "\n"


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default=os.path.join(REPO, "bench", "results"),
                        help="directory holding rt.json; vm.json and vm.md go there")
    args = parser.parse_args()
    source = os.path.join(args.out, "rt.json")
    if not os.path.exists(source):
        sys.exit(f"{source} missing: run bench/rt/run.py first")
    with open(source) as f:
        report = tabulate(json.load(f), source)
    with open(os.path.join(args.out, "vm.json"), "w") as f:
        json.dump(report, f, indent=1, sort_keys=True)
        f.write("\n")
    table = markdown(report)
    with open(os.path.join(args.out, "vm.md"), "w") as f:
        f.write(table)
    print(table)
    if not all(e["deterministic"] for e in report["cpus"].values()):
        print("warning: repeated runs differed (every run is in rt.json)")


if __name__ == "__main__":
    main()
