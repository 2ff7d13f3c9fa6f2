#!/usr/bin/python3
"""The VirtIO benchmark (make bench-virtio): the same Linux guest natively on
QEMU with QEMU's own virtio-mmio devices and under ZVM with ZVM's backends.

One run = for cortex-a53 and cortex-a76, RUNS times each: one native boot
and one ZVM boot (configs/bench-virtio.dts), both under
`-icount shift=0,align=off,sleep=on` with cntfrq=1 GHz (DESIGN.md section
6: one counter tick is one ns of virtual time; sleep=on and not off: see
ICOUNT below).  The guest runs vbench
(bench/virtio/vbench.c, in the initramfs) and prints one JSON line per
measurement, in ticks of its virtual counter:

- seq_r / seq_w: sequential O_DIRECT reads/writes of SEQ_KIB in SEQ_BLOCK_KIB
  requests (the write ends with fsync), throughput = bytes / ticks;
- lat_r / lat_w: LAT_COUNT single 4 KiB O_DIRECT requests, min/avg/median/max;
- udp_rtt: UDP echo round trips to an echo server on the host (QEMU user
  net's 10.0.2.2 is the host's loopback): natively through QEMU's
  virtio-net-device, under ZVM through ZVM's virtual switch and the board
  NIC ZVM drives (the same QEMU device); under ZVM also to ZVM's own stack
  (10.0.2.15 port 7), VM to ZVM, and to the guest RTOS's echo (10.0.2.17,
  a second VM on the switch, which polls its device once per ms), VM to VM;
- tcp_tx: TCP to a sink on the host, from the connect to the sink's close.

The block devices: natively /dev/vda is QEMU's virtio-blk-device on a
fresh raw image; under ZVM /dev/vda is a partition of the same kind of
board disk (QEMU's virtio-blk-device, driven by ZVM) and /dev/vdb a RAM disk
in ZVM (ZVM's own path, no QEMU I/O behind it).

Targets: throughput loss <= 3% (the lowest ZVM run against the highest
native run), latencies reported on the worst case.  Why board-disk worst
cases are what they are (icount idle time): docs/virtio.md, "Benchmarks".
Every run is kept: bench/results/virtio.json gets this invocation appended;
bench/results/virtio.md and README.md's table show the latest.  QEMU is
killed with SIGKILL by PID (die_with_parent on Popen); every wait is bounded.
"""
import argparse
import datetime
import json
import os
import re
import socket
import subprocess
import sys
import threading
import time

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(REPO, "tests", "system"))
from qemu_harness import QEMU, QemuMachine, disk_args, fresh_disk  # noqa: E402
from zvm import Zvm, guest_text  # noqa: E402

BUILD = os.environ.get("BUILD", "build")
SYSTEM = "bench-virtio"
CPUS = ["cortex-a53", "cortex-a76"]
RUNS = 2
COUNTER_HZ = 1000000000
# sleep=on, not the design guide's sleep=off: with sleep=off every wait for
# QEMU's host I/O (all CPUs idle) jumps virtual time to the next timer
# deadline, up to seconds (docs/virtio.md, "Benchmarks").  VBENCH_ICOUNT
# overrides it (the sleep=off runs kept in virtio.json were made so).
ICOUNT = os.environ.get("VBENCH_ICOUNT", "shift=0,align=off,sleep=on")
SEQ_KIB, SEQ_BLOCK_KIB = 8192, 64
LAT_COUNT = 500
UDP_COUNT, UDP_BYTES = 200, 64
TCP_KIB = 2048
THROUGHPUT_LOSS_TARGET = 0.03
BOOT_TIMEOUT = 300
COMMAND_TIMEOUT = 300
PROMPT = r"linux# "
JSON_LINE = re.compile(r'^\{"vbench":[^\n]*\}$', re.MULTILINE)
ERROR_LINE = re.compile(r"^vbench: [^\n]*$", re.MULTILINE)
IRQ_E2E_TARGET_NS = 2000
ZVM_SLOTS = {"1": "board", "2": "ram", "3": "net"}   # configs/bench-virtio.dts
DEVICE_LINE = re.compile(r"^  virtio@(\w+): ", re.MULTILINE)
IRQ_LINE = re.compile(r"^    irq to handler: (\d+), min (\d+) avg (\d+) max (\d+) ns$", re.MULTILINE)
README_BEGIN = "<!-- virtio-bench:begin -->"
README_END = "<!-- virtio-bench:end -->"
NATIVE_NET = "10.0.2.15/24,10.0.2.2"   # QEMU user net's guest address
HOST_FROM_GUEST = "10.0.2.2"           # QEMU user net: the host's loopback
ZVM_STACK, ZVM_ECHO_PORT = "10.0.2.15", 7
RTOS_VM = "10.0.2.17"                  # configs/bench-virtio.dts: the RTOS's echo


def build():
    subprocess.run(["make", "--no-print-directory", f"BUILD={BUILD}", f"SYSTEM={SYSTEM}", "system"],
                   cwd=REPO, check=True, timeout=900, stdout=subprocess.DEVNULL)


# --- host peers ----------------------------------------------------------------
class HostPeers:
    """A UDP echo and a TCP sink on 127.0.0.1, free ports, for the native guest."""

    def __init__(self):
        self.udp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.udp.bind(("127.0.0.1", 0))
        self.tcp = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.tcp.bind(("127.0.0.1", 0))
        self.tcp.listen(1)
        self.udp_port = self.udp.getsockname()[1]
        self.tcp_port = self.tcp.getsockname()[1]
        self.received = []
        for target in (self._echo, self._sink):
            threading.Thread(target=target, daemon=True).start()

    def _echo(self):
        while True:
            data, peer = self.udp.recvfrom(65536)
            self.udp.sendto(data, peer)

    def _sink(self):
        while True:
            conn, _ = self.tcp.accept()
            total = 0
            with conn:
                while True:
                    data = conn.recv(1 << 16)
                    if not data:
                        break
                    total += len(data)
            self.received.append(total)


# --- the guest's side -----------------------------------------------------------
def workload(setup, peers):
    """(name, command) for one boot; setup is 'native' or 'zvm'."""
    disks = [("board", "/dev/vda")] + ([("ram", "/dev/vdb")] if setup == "zvm" else [])
    cmds = []
    for disk, dev in disks:
        cmds += [(f"{disk}.seq_r", f"vbench seq r {dev} {SEQ_KIB} {SEQ_BLOCK_KIB}"),
                 (f"{disk}.seq_w", f"vbench seq w {dev} {SEQ_KIB} {SEQ_BLOCK_KIB}"),
                 (f"{disk}.lat_r", f"vbench lat r {dev} {LAT_COUNT}"),
                 (f"{disk}.lat_w", f"vbench lat w {dev} {LAT_COUNT}")]
    cmds += [("net.udp_rtt", f"vbench udp {HOST_FROM_GUEST} {peers.udp_port} {UDP_COUNT} {UDP_BYTES}"),
             ("net.tcp_tx", f"vbench tcp {HOST_FROM_GUEST} {peers.tcp_port} {TCP_KIB}")]
    if setup == "zvm":
        cmds += [("net.udp_rtt_zvm", f"vbench udp {ZVM_STACK} {ZVM_ECHO_PORT} {UDP_COUNT} {UDP_BYTES}"),
                 ("net.udp_rtt_vm", f"vbench udp {RTOS_VM} {ZVM_ECHO_PORT} {UDP_COUNT} {UDP_BYTES}")]
    return cmds


def run_commands(machine, cmds, newline):
    results = {}
    for name, command in cmds:
        begin = len(machine.output)
        machine.send(command + newline)
        machine.expect(re.escape(command) + r"\n", COMMAND_TIMEOUT)
        machine.expect(r"^(?:vbench: [^\n]*|\{\"vbench\"[^\n]*\})\n", COMMAND_TIMEOUT)
        machine.expect(PROMPT, COMMAND_TIMEOUT)
        text = guest_text(machine.output[begin:])
        found = JSON_LINE.search(text)
        results[name] = json.loads(found.group(0)) if found else \
            {"error": (ERROR_LINE.search(text) or re.search(r".*", text)).group(0)}
    return results


def native_args(cpu):
    return ["-M", "virt,gic-version=3", "-cpu", f"{cpu},cntfrq={COUNTER_HZ}",
            "-icount", ICOUNT, "-smp", "1", "-m", "256M", "-nographic",
            "-kernel", os.path.join(REPO, BUILD, "linux", "Image"),
            "-initrd", os.path.join(REPO, BUILD, "linux", "initramfs.cpio.gz"),
            "-append", f"console=ttyAMA0 panic=-1 zvm.net={NATIVE_NET}"]


def zvm_args(cpu):
    return ["-M", "virt,virtualization=on,gic-version=3", "-cpu", f"{cpu},cntfrq={COUNTER_HZ}",
            "-icount", ICOUNT, "-smp", "3", "-m", "1G", "-nographic",
            "-kernel", os.path.join(REPO, BUILD, f"system-{SYSTEM}.img")]


def run_native(cpu, peers):
    with QemuMachine(native_args(cpu), name=f"bench-virtio-native-{cpu}") as vm:
        vm.expect(PROMPT, BOOT_TIMEOUT)
        return {"results": run_commands(vm, workload("native", peers), "\n")}


def run_zvm(cpu, peers):
    zvm = Zvm(zvm_args(cpu), f"bench-virtio-zvm-{cpu}")
    try:
        zvm.boot()
        zvm.attach("linux")
        zvm.expect(r"ZVM Linux guest up", BOOT_TIMEOUT)
        zvm.expect(PROMPT, BOOT_TIMEOUT)
        results = run_commands(zvm, workload("zvm", peers), "\r")
        zvm.detach()
        info = zvm.run("zvm info linux")
        return {"results": results, "zvm_info": info, "irq_e2e": irq_timings(info)}
    finally:
        zvm.kill()


def irq_timings(info):
    """Per device (board, ram, net): ZVM's interrupt-to-handler timing."""
    out = {}
    starts = [(m.start(), m.group(1)) for m in DEVICE_LINE.finditer(info)] + [(len(info), None)]
    for (begin, slot), (end, _) in zip(starts, starts[1:]):
        m = IRQ_LINE.search(info, begin, end)
        if m and slot in ZVM_SLOTS:
            out[ZVM_SLOTS[slot]] = dict(zip(("count", "min", "avg", "max"), map(int, m.groups())))
    return out


# --- figures --------------------------------------------------------------------
def mib_s(rec):
    return rec["bytes"] / (1 << 20) / (rec["ticks"] / rec["freq"])


def cell(runs, name):
    """Every run's record of a measurement (errors left out) and its errors."""
    recs = [r["results"].get(name) for r in runs if name in r["results"]]
    return [r for r in recs if "error" not in r], [r["error"] for r in recs if "error" in r]


def throughput(runs, name, worst):
    recs, errors = cell(runs, name)
    return (worst(mib_s(r) for r in recs) if recs else None), errors


def latency(runs, name):
    recs, errors = cell(runs, name)
    if not recs:
        return None, errors
    return {"min": min(r["min"] for r in recs), "avg": max(r["avg"] for r in recs),
            "median": max(r["median"] for r in recs), "max": max(r["max"] for r in recs),
            "lost": sum(r.get("lost", 0) for r in recs)}, errors


def summary(entry):
    native, zvm = entry["native"], entry["zvm"]
    out = {"throughput": {}, "latency": {}}
    for what in ("seq_r", "seq_w"):
        best_native, n_err = throughput(native, f"board.{what}", max)
        row = {"native": best_native, "errors": n_err}
        for disk in ("board", "ram"):
            worst_zvm, z_err = throughput(zvm, f"{disk}.{what}", min)
            row[f"zvm_{disk}"] = worst_zvm
            row["errors"] = row["errors"] + z_err
            if best_native and worst_zvm:
                loss = 1 - worst_zvm / best_native
                row[f"loss_{disk}"] = loss
                row[f"met_{disk}"] = loss <= THROUGHPUT_LOSS_TARGET
        out["throughput"][what] = row
    for what in ("lat_r", "lat_w"):
        n, n_err = latency(native, f"board.{what}")
        out["latency"][what] = {"native": n, "zvm_board": latency(zvm, f"board.{what}")[0],
                                "zvm_ram": latency(zvm, f"ram.{what}")[0],
                                "errors": n_err + latency(zvm, f"board.{what}")[1] +
                                latency(zvm, f"ram.{what}")[1]}
    out["latency"]["udp_rtt"] = {"native": latency(native, "net.udp_rtt")[0],
                                 "zvm": latency(zvm, "net.udp_rtt")[0],
                                 "zvm_stack": latency(zvm, "net.udp_rtt_zvm")[0],
                                 "zvm_vm": latency(zvm, "net.udp_rtt_vm")[0]}
    best_native, _ = throughput(native, "net.tcp_tx", max)
    worst_zvm, _ = throughput(zvm, "net.tcp_tx", min)
    row = {"native": best_native, "zvm": worst_zvm}
    if best_native and worst_zvm:
        row["loss"] = 1 - worst_zvm / best_native
        row["met"] = row["loss"] <= THROUGHPUT_LOSS_TARGET
    out["tcp_tx"] = row
    irq = {}
    for dev in ZVM_SLOTS.values():
        recs = [r["irq_e2e"][dev] for r in zvm if dev in r.get("irq_e2e", {})]
        if recs:
            irq[dev] = {"count": sum(r["count"] for r in recs), "min": min(r["min"] for r in recs),
                        "avg": max(r["avg"] for r in recs), "max": max(r["max"] for r in recs)}
            irq[dev]["met"] = irq[dev]["max"] <= IRQ_E2E_TARGET_NS
    out["irq_e2e"] = irq
    return out


def fmt_tp(v):
    return "error" if v is None else f"{v:.1f}"


def fmt_loss(row, disk):
    key = f"_{disk}" if disk else ""
    if f"loss{key}" not in row:
        return "n/a"
    return f"{row[f'loss{key}'] * 100:+.1f}% {'met' if row[f'met{key}'] else 'MISSED'}"


def fmt_lat(rec):
    if not rec:
        return "error"
    return f"{rec['min'] / 1000:.1f} / {rec['avg'] / 1000:.1f} / {rec['median'] / 1000:.1f} / " \
        f"{rec['max'] / 1000:.1f}"


def markdown(report):
    lines = [
        "VirtIO, native QEMU devices vs ZVM's backends (QEMU -icount "
        f"{ICOUNT}, cntfrq 1 GHz: virtual time; what the CPUs execute is counted in "
        "instructions, the host's I/O time while every CPU waits in real time). Throughput in MiB/s of virtual time "
        f"({SEQ_KIB // 1024} MiB in {SEQ_BLOCK_KIB} KiB O_DIRECT requests; write includes fsync), "
        "worst run; loss = lowest ZVM run vs highest native run, target <= 3%. "
        "`board` = QEMU's virtio-blk-device (natively the guest's own, under ZVM the board "
        "disk ZVM drives), `ram` = ZVM's RAM disk (no QEMU I/O).", "",
        "| CPU | test | native | ZVM board | loss board | ZVM ram | loss ram (vs native board) |",
        "|---|---|---|---|---|---|---|"]
    for cpu, entry in report["cpus"].items():
        s = entry["summary"]
        for what, row in s["throughput"].items():
            lines.append(f"| {cpu} | {what} | {fmt_tp(row['native'])} | {fmt_tp(row['zvm_board'])} | "
                         f"{fmt_loss(row, 'board')} | {fmt_tp(row['zvm_ram'])} | {fmt_loss(row, 'ram')} |")
    lines += ["", "Latency per request in us of virtual time, min / avg / median / max over every "
              "run (4 KiB O_DIRECT; UDP: 64-byte echo round trip to the host, and under ZVM also to "
              "ZVM's own stack; no target).", "",
              "| CPU | test | native | ZVM board | ZVM ram |", "|---|---|---|---|---|"]
    for cpu, entry in report["cpus"].items():
        s = entry["summary"]["latency"]
        for what in ("lat_r", "lat_w"):
            lines.append(f"| {cpu} | {what} | {fmt_lat(s[what]['native'])} | "
                         f"{fmt_lat(s[what]['zvm_board'])} | {fmt_lat(s[what]['zvm_ram'])} |")
        lines.append(f"| {cpu} | udp_rtt to host | {fmt_lat(s['udp_rtt']['native'])} | "
                     f"{fmt_lat(s['udp_rtt']['zvm'])} | |")
        lines.append(f"| {cpu} | udp_rtt to ZVM's stack | | {fmt_lat(s['udp_rtt']['zvm_stack'])} | |")
        lines.append(f"| {cpu} | udp_rtt VM to VM (RTOS, polls every 1 ms) | | "
                     f"{fmt_lat(s['udp_rtt'].get('zvm_vm'))} | |")
    lines += ["", f"TCP VM to host ({TCP_KIB // 1024} MiB, connect to the sink's close), MiB/s of "
              "virtual time, worst run:", "",
              "| CPU | native | ZVM | loss |", "|---|---|---|---|"]
    for cpu, e in report["cpus"].items():
        row = e["summary"]["tcp_tx"]
        lines.append(f"| {cpu} | {fmt_tp(row['native'])} | {fmt_tp(row['zvm'])} | "
                     f"{fmt_loss(row, '') if 'loss' in row else 'n/a'} |")
    lines += ["", "Interrupt end-to-end under ZVM, ns of virtual time: from ZVM raising the "
              "device's interrupt (used ring written) to the guest handler's first "
              "InterruptStatus read (measured by ZVM; every interrupt of every run, boot "
              "included). Target <= 2 us, worst case. Natively not measured (it needs QEMU "
              "itself instrumented): docs/virtio.md, \"Benchmarks\".", "",
              "| CPU | device | interrupts | min | avg | max | target <= 2 us |",
              "|---|---|---|---|---|---|---|"]
    for cpu, e in report["cpus"].items():
        for dev, r in e["summary"]["irq_e2e"].items():
            lines.append(f"| {cpu} | {dev} | {r['count']} | {r['min']} | {r['avg']} | {r['max']} | "
                         f"{'met' if r['met'] else 'MISSED'} |")
    lines += ["",
              f"Date {report['date']}, commit {report['commit'][:12]}, {report['runs']} runs per setup and CPU."]
    return "\n".join(lines) + "\n"


def update_readme(table):
    path = os.path.join(REPO, "README.md")
    with open(path) as f:
        text = f.read()
    begin, end = text.find(README_BEGIN), text.find(README_END)
    if begin < 0 or end < begin:
        return "README.md has no virtio-bench markers: skipped"
    with open(path, "w") as f:
        f.write(text[:begin + len(README_BEGIN)] + "\n" + table + text[end:])
    return "README.md updated"


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--out", default=os.path.join(REPO, "bench", "results"))
    parser.add_argument("--cpu", action="append", choices=CPUS)
    parser.add_argument("--runs", type=int, default=RUNS)
    args = parser.parse_args()
    build()
    peers = HostPeers()
    report = {"date": datetime.datetime.now(datetime.timezone.utc).isoformat(),
              "commit": subprocess.run(["git", "rev-parse", "HEAD"], cwd=REPO,
                                       capture_output=True, text=True).stdout.strip(),
              "qemu": subprocess.run(QEMU[:1] + ["--version"], capture_output=True,
                                     text=True).stdout.splitlines()[0],
              "qemu_args": {"native": native_args("<cpu>"), "zvm": zvm_args("<cpu>")},
              "icount": ICOUNT, "runs": args.runs, "load": os.getloadavg(), "cpus": {}}
    for cpu in args.cpu or CPUS:
        entry = {"native": [], "zvm": []}
        for _ in range(args.runs):
            started = time.monotonic()
            entry["native"].append(run_native(cpu, peers))
            entry["zvm"].append(run_zvm(cpu, peers))
            print(f"{cpu}: one native + one ZVM run in {time.monotonic() - started:.0f} s", flush=True)
        entry["summary"] = summary(entry)
        report["cpus"][cpu] = entry
    os.makedirs(args.out, exist_ok=True)
    path = os.path.join(args.out, "virtio.json")
    history = {"reports": []}
    if os.path.exists(path):
        with open(path) as f:
            history = json.load(f)
    history["reports"].append(report)
    with open(path, "w") as f:
        json.dump(history, f, indent=1)
    table = markdown(report)
    with open(os.path.join(args.out, "virtio.md"), "w") as f:
        f.write(table)
    print(table)
    print(update_readme(table))


if __name__ == "__main__":
    main()
