#!/usr/bin/python3
"""Boot-time benchmark: from QEMU's start to ZVM's shell prompt.

For each CPU model and core count:
- wall time: N runs of plain QEMU (as `make run` starts it); the time from
  just before the process starts to `zvm> ` arriving on the serial output;
  median, min and max.
- virtual time: two runs under `-icount shift=0,align=off,sleep=off` with
  `cntfrq=1000000000`, where one instruction, one nanosecond of virtual time
  and one generic-timer tick are the same thing (DESIGN.md section 6).  The
  two runs must give identical figures; if not, that is recorded.

How the virtual time at the prompt is read (ZVM itself is not changed):
- prompt_ns: QEMU's instruction counter, from QMP `query-replay` (its
  `icount` field is reported even without record/replay).  Once the prompt
  is printed every core waits in WFI with no timer armed, so with sleep=off
  virtual time stands still; the script polls until the counter stops
  moving.  With shift=0 and no timer warp (QEMU warns "no active timers"),
  virtual ns since reset = instructions since reset.
- last_log_ns: the timestamp of the last boot log line before the prompt
  (`[    0.010996] cpu0 info: ...`).  ZVM stamps log lines with the raw
  counter, i.e. time since QEMU reset: an independent lower bound from the
  guest's own clock, at microsecond resolution.
- uptime_ns: `uptime` typed at the prompt, time since ZVM's first C code.
  prompt_ns and the counter read after the command bracket it, which
  bounds when ZVM's first C code ran (first_c_ns_bounds) and cross-checks
  that the counter and the instruction count agree.

QEMU is always killed with SIGKILL by PID (under icount with sleep=off it may
ignore SIGTERM); every wait is bounded.
"""
import argparse
import datetime
import hashlib
import json
import os
import platform
import re
import shlex
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(REPO, "tests", "system"))
from qemu_harness import QEMU, QemuMachine  # noqa: E402

CPUS = ["cortex-a53", "cortex-a76"]
CORE_COUNTS = [1, 4]
MEMORY = "1G"
DEFAULT_RUNS = 5
VIRTUAL_RUNS = 2            # identical figures expected: that is the check
COUNTER_HZ = 1000000000     # one tick = 1 ns = one instruction at shift 0
NS_PER_US = 1000
PROMPT = "zvm> "
WALL_TIMEOUT_S = 60
ICOUNT_TIMEOUT_S = 120
QMP_TIMEOUT_S = 10
# The instruction count is "settled" when it reads the same this many times
# in a row, SETTLE_POLL_S apart (bounded by QMP_TIMEOUT_S).
SETTLE_READS = 3
SETTLE_POLL_S = 0.05

LOG_LINE_RE = re.compile(r"^\[\s*(\d+)\.(\d{6})\] (cpu\d+ \w+: .*)$", re.MULTILINE)
UPTIME_RE = re.compile(r"up (\d+)\.(\d{6}) s \(counter (\d+) Hz\)")
BANNER_RE = re.compile(r"^ZVM .* starting on .*$", re.MULTILINE)
NO_TIMERS_WARNING = "icount sleep disabled and no active timers"


# -- QEMU command lines -------------------------------------------------------
def wall_args(image, cpu, cores):
    return ["-M", "virt,virtualization=on,gic-version=3", "-cpu", cpu,
            "-smp", str(cores), "-m", MEMORY, "-nographic", "-kernel", image]


def icount_args(image, cpu, cores, qmp_path):
    return ["-M", "virt,virtualization=on,gic-version=3",
            "-cpu", f"{cpu},cntfrq={COUNTER_HZ}",
            "-icount", "shift=0,align=off,sleep=off",
            "-smp", str(cores), "-m", MEMORY, "-nographic", "-kernel", image,
            "-qmp", f"unix:{qmp_path},server=on,wait=off"]


def command_line(args, image, shown_image):
    """The command as a user would type it, with the image's real path."""
    shown = [shown_image if a == image else a for a in args]
    shown = [re.sub(r"unix:[^,]*", "unix:<socket>", a) for a in shown]
    return shlex.join(QEMU + shown)


# -- QMP: just enough to read the instruction count --------------------------
class Qmp:
    def __init__(self, path, timeout=QMP_TIMEOUT_S):
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.sock.settimeout(timeout)
        self.sock.connect(path)
        self.stream = self.sock.makefile("rw")
        self._reply()                       # the greeting
        self.execute("qmp_capabilities")

    def _reply(self):
        line = self.stream.readline()
        if not line:
            raise EOFError("QMP closed")
        return json.loads(line)

    def execute(self, command):
        self.stream.write(json.dumps({"execute": command}) + "\n")
        self.stream.flush()
        while True:
            reply = self._reply()           # events may come first
            if "error" in reply:
                raise RuntimeError(f"QMP {command}: {reply['error']}")
            if "return" in reply:
                return reply["return"]

    def icount(self):
        return self.execute("query-replay")["icount"]

    def settled_icount(self):
        """The instruction count once it has stopped moving (machine idle)."""
        deadline = time.monotonic() + QMP_TIMEOUT_S
        last, same = self.icount(), 1
        while same < SETTLE_READS:
            if time.monotonic() > deadline:
                raise TimeoutError("instruction count still moving after "
                                   f"{QMP_TIMEOUT_S}s: a timer or a busy core")
            time.sleep(SETTLE_POLL_S)       # polling interval, not a sync
            now = self.icount()
            same = same + 1 if now == last else 1
            last = now
        return last

    def close(self):
        self.sock.close()


# -- one run of each kind ----------------------------------------------------
def measure_wall(image, cpu, cores, run):
    machine = QemuMachine(wall_args(image, cpu, cores),
                          name=f"boot-time-{cpu}-smp{cores}-wall{run}")
    start = time.monotonic()
    with machine.start():
        machine.expect(re.escape(PROMPT), timeout=WALL_TIMEOUT_S)
        elapsed = time.monotonic() - start
    return elapsed


def us_text_to_ns(seconds, micros):
    return (int(seconds) * 1000000 + int(micros)) * NS_PER_US


def parse_boot_log(text):
    """The last log line before the prompt: its text and counter time (ns)."""
    before_prompt = text[:text.index(PROMPT)]
    lines = LOG_LINE_RE.findall(before_prompt)
    if not lines:
        raise RuntimeError("no boot log line before the prompt:\n" + text)
    secs, micros, line = lines[-1]
    return line, us_text_to_ns(secs, micros)


def measure_virtual(image, cpu, cores, run, workdir):
    qmp_path = os.path.join(workdir, f"qmp-{cpu}-{cores}-{run}.sock")
    machine = QemuMachine(icount_args(image, cpu, cores, qmp_path),
                          name=f"boot-time-{cpu}-smp{cores}-icount{run}")
    with machine.start():
        machine.expect(re.escape(PROMPT), timeout=ICOUNT_TIMEOUT_S)
        qmp = Qmp(qmp_path)
        try:
            prompt_ns = qmp.settled_icount()
            machine.send("uptime\r")
            up = machine.expect(UPTIME_RE.pattern, timeout=ICOUNT_TIMEOUT_S)
            machine.expect(re.escape(PROMPT), timeout=ICOUNT_TIMEOUT_S)
            after_uptime_ns = qmp.settled_icount()
        finally:
            qmp.close()
        output = machine.output
    if int(up.group(3)) != COUNTER_HZ:
        raise RuntimeError(f"{cpu}: counter runs at {up.group(3)} Hz, not "
                           f"{COUNTER_HZ}: QEMU ignored cntfrq")
    log_line, log_ns = parse_boot_log(output)
    uptime_ns = us_text_to_ns(up.group(1), up.group(2))
    banner = BANNER_RE.search(output)
    return {
        "prompt_ns": prompt_ns,
        "last_log_line": log_line,
        "last_log_ns": log_ns,
        "uptime_ns": uptime_ns,
        "counter_after_uptime_ns": after_uptime_ns,
        # uptime is truncated to a microsecond and was read somewhere
        # between the two settled counts.
        "first_c_ns_bounds": [prompt_ns - uptime_ns - (NS_PER_US - 1),
                              after_uptime_ns - uptime_ns],
        "no_timers_warning": NO_TIMERS_WARNING in output,
        "banner": banner.group(0) if banner else None,
    }


def check_virtual(fig):
    """Consistency of the three clocks; returns a list of problems."""
    problems = []
    if fig["last_log_ns"] > fig["prompt_ns"]:
        problems.append("boot log line stamped after the prompt count")
    lo, hi = fig["first_c_ns_bounds"]
    if hi < 0 or lo > hi:
        problems.append("uptime does not fit between the counts around it")
    return problems


# -- the whole benchmark -----------------------------------------------------
def summarize_wall(times):
    return {"runs_s": [round(t, 4) for t in times],
            "median_s": round(statistics.median(times), 4),
            "min_s": round(min(times), 4), "max_s": round(max(times), 4)}


def measure_config(image, shown_image, cpu, cores, runs, workdir):
    print(f"  {cpu}, {cores} core(s): wall", end="", flush=True)
    times = []
    for run in range(runs):
        times.append(measure_wall(image, cpu, cores, run))
        print(f" {times[-1]:.3f}s", end="", flush=True)
    virtual_runs = [measure_virtual(image, cpu, cores, run, workdir)
                    for run in range(VIRTUAL_RUNS)]
    first = virtual_runs[0]
    identical = all(r == first for r in virtual_runs[1:])
    print(f"; virtual {first['prompt_ns']} ns"
          f"{'' if identical else ' (runs DIFFER)'}", flush=True)
    return {
        "cpu": cpu, "cores": cores,
        "wall": summarize_wall(times),
        "virtual": dict(first, runs_identical=identical,
                        problems=check_virtual(first),
                        differing_runs=[] if identical else virtual_runs),
        "command_wall": command_line(wall_args(image, cpu, cores), image, shown_image),
        "command_virtual": command_line(
            icount_args(image, cpu, cores, "<socket>"), image, shown_image),
    }


def tool_output(args):
    try:
        return subprocess.run(args, capture_output=True, text=True, timeout=30,
                              cwd=REPO).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return "unknown"


def host_cpu():
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def sha256(path):
    with open(path, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()


def collect(image, runs):
    # Other work in this tree may rebuild the image while we measure: every
    # run boots one private copy, and the hash says which image it was.
    with tempfile.TemporaryDirectory(prefix="zvm-boot-time-") as workdir:
        private = os.path.join(workdir, "zvm.bin")
        shutil.copyfile(image, private)
        report = {
            "benchmark": "boot_time",
            "what": "QEMU process start to the ZVM shell prompt `zvm> `",
            "date_utc": datetime.datetime.now(datetime.timezone.utc)
                        .strftime("%Y-%m-%dT%H:%M:%SZ"),
            "git_commit": tool_output(["git", "rev-parse", "HEAD"]),
            "git_describe": tool_output(["git", "describe", "--always", "--dirty"]),
            "qemu_version": tool_output(["qemu-system-aarch64", "--version"])
                            .splitlines()[0],
            "host": {"cpu": host_cpu(), "online_cpus": os.cpu_count(),
                     "loadavg_start": list(os.getloadavg())},
            "image": {"path": image, "sha256": sha256(private)},
            "wall_runs": runs, "virtual_runs": VIRTUAL_RUNS,
            "counter_hz": COUNTER_HZ,
            "method": {
                "wall": "time.monotonic() from just before the QEMU process "
                        "starts to the prompt on its serial output; plain "
                        "TCG, no icount",
                "prompt_ns": "QMP query-replay icount once it stops moving "
                             "after the prompt (all cores idle, no timers): "
                             "with icount shift=0 = virtual ns since reset",
                "last_log_ns": "timestamp of the last boot log line before "
                               "the prompt: ZVM's counter since reset, us "
                               "resolution, a lower bound",
                "uptime_ns": "`uptime` at the prompt: virtual time since "
                             "ZVM's first C code",
                "first_c_ns_bounds": "when ZVM's first C code ran, from "
                                     "uptime and the counts around it",
            },
            "results": [],
        }
        print(f"boot time of {image} ({runs} wall runs, {VIRTUAL_RUNS} icount runs)")
        for cpu in CPUS:
            for cores in CORE_COUNTS:
                report["results"].append(
                    measure_config(private, image, cpu, cores, runs, workdir))
        report["host"]["loadavg_end"] = list(os.getloadavg())
    banners = {r["virtual"]["banner"] for r in report["results"]}
    report["image"]["banner"] = banners.pop() if len(banners) == 1 else sorted(banners)
    return report


def ms(ns):
    return f"{ns / 1e6:.3f}"


def markdown(report):
    lines = [
        "# Boot time: QEMU start to the `zvm> ` prompt", "",
        f"{report['image']['banner']}; {report['qemu_version']}; "
        f"commit {report['git_describe']}; {report['date_utc']}; host "
        f"{report['host']['cpu']} ({report['host']['online_cpus']} CPUs).", "",
        f"| CPU | cores | wall median (min - max), ms, {report['wall_runs']} runs "
        "| virtual to prompt, ms | last boot log line, ms | first C code, ms "
        "| icount runs identical |",
        "|---|---|---|---|---|---|---|",
    ]
    for r in report["results"]:
        w, v = r["wall"], r["virtual"]
        lo, hi = v["first_c_ns_bounds"]
        same = "yes" if v["runs_identical"] else "NO"
        if v["problems"]:
            same += " (" + "; ".join(v["problems"]) + ")"
        lines.append(
            f"| {r['cpu']} | {r['cores']} | {w['median_s'] * 1000:.1f} "
            f"({w['min_s'] * 1000:.1f} - {w['max_s'] * 1000:.1f}) "
            f"| {ms(v['prompt_ns'])} | {ms(v['last_log_ns'])} "
            f"| {ms(lo)} - {ms(hi)} | {same} |")
    lines += [
        "",
        "- Wall: host time from starting QEMU (plain TCG) to the prompt on "
        "the serial port; depends on the host and its load.",
        "- Virtual: `-icount shift=0,align=off,sleep=off` and `cntfrq=1 GHz`: "
        "1 ns = 1 counter tick = 1 guest instruction, exact and repeatable. "
        "\"Virtual to prompt\" is QEMU's instruction count (QMP "
        "`query-replay`) once the machine idles at the prompt; the last boot "
        "log line is ZVM's own counter stamp; \"first C code\" is when ZVM's "
        "C code started, bracketed from `uptime`.",
        "- Method and command lines: `bench/README.md` and `boot_time.json`. "
        "Regenerate with `make bench`.",
    ]
    return "\n".join(lines) + "\n"


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--image", default=os.path.join("build", "zvm-qemu-virt.bin"))
    parser.add_argument("--out", default=os.path.join("bench", "results", "boot_time.json"))
    parser.add_argument("--runs", type=int, default=DEFAULT_RUNS,
                        help="wall-clock runs per configuration")
    args = parser.parse_args()
    if args.runs < 1:
        parser.error("--runs must be at least 1")
    if not os.path.exists(args.image):
        sys.exit(f"{args.image} missing: run make zvm first")
    report = collect(args.image, args.runs)
    os.makedirs(os.path.dirname(os.path.abspath(args.out)), exist_ok=True)
    with open(args.out, "w") as f:
        json.dump(report, f, indent=1)
        f.write("\n")
    table = markdown(report)
    with open(os.path.splitext(args.out)[0] + ".md", "w") as f:
        f.write(table)
    print(table)
    bad = [f"{r['cpu']}/{r['cores']}" for r in report["results"]
           if not r["virtual"]["runs_identical"] or r["virtual"]["problems"]]
    if bad:
        print("warning: virtual figures not identical or inconsistent for "
              + ", ".join(bad) + " (recorded in the results)", file=sys.stderr)


if __name__ == "__main__":
    main()
