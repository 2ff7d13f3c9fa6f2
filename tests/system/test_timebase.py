"""One time base for every guest (docs/timebase.md), in configs/test-timebase.dts:
ZVM's UTC from QEMU's PL031, the read-only time base page in two RTOS VMs
(the second started later: another CNTVOFF) and in Linux, whose unmodified
kernel reaches it through ptp_kvm (/dev/ptp0, the ptpsync tool of its
initramfs). `zvm time set` moves every guest. The SMCCC calls themselves,
good and unknown, are made by the bare-metal guest of configs/test-vms.dts."""
import json
import re

import pytest

from test_linux_guest import booted, linux_shell
from test_linux_native import kernel_release  # noqa: F401 (fixture)
from test_linux_guest import system_image
from zvm import Zvm, qemu_args

NS = 10**9
QEMU_A53_HZ = 62500000           # QEMU's generic timer on cortex-a53 without cntfrq
SET_AHEAD_S = 100000             # how far `zvm time set` moves the clock
SETTLE_S = 120                   # most virtual time that may pass between two reads
PTP_RESIDUAL_NS = 100000         # Linux after ptpsync -s: the same counter, both scales
SMCCC_NOT_SUPPORTED = "0xffffffffffffffff"
KVM_UID = "0xb66fb428,0xe911c52e,0x564bcaa9,0x743a004d"
BOOT_SYNC = re.compile(r"ptpsync: offset_ns=(-?\d+) ptp=\d+\.\d+ realtime=\S+ set\r?\n")
PTPSYNC_SET = r"ptpsync: offset_ns=(-?\d+) .* set"
TIME_LINE = re.compile(r'\{"rtos":"time",[^\n]*\}')


@pytest.fixture(scope="module")
def zvm(kernel_release):  # noqa: F811 (the fixture imported above)
    yield from booted("test-timebase", "timebase")


def zvm_time(zvm):
    """`zvm time`: (base fields, {vm name: (page, reports, offset, ptp calls)})."""
    out = zvm.run("zvm time")
    base = {
        "counter": int(re.search(r"^time base: counter (\d+), (\d+) Hz", out, re.M).group(1)),
        "hz": int(re.search(r"^time base: counter \d+, (\d+) Hz", out, re.M).group(1)),
        "utc": int(re.search(r"^utc: .* UTC \((\d+)\.\d{9}\)", out, re.M).group(1)),
        "source": re.search(r"^source: (\w+), generation (\d+)", out, re.M).group(1),
        "generation": int(re.search(r"^source: \w+, generation (\d+)", out, re.M).group(1)),
        "bound": re.search(r"^error bound: (.*)$", out, re.M).group(1),
    }
    vms = {}
    for row in re.finditer(r"^\d+\s+(\S+)\s+(yes|no)\s+(\d+)\s+(-?\d+|-)\s+(\d+)\s+(hvc|zshm|-)$",
                           out, re.M):
        offset = None if row.group(4) == "-" else int(row.group(4))
        vms[row.group(1)] = (row.group(2), int(row.group(3)), offset, int(row.group(5)))
    return base, vms


def time_lines(text):
    return [json.loads(m.group(0)) for m in TIME_LINE.finditer(text)]


def wait_time_line(zvm, vm, newer_than=-1):
    """The RTOS's last time line whose seqcount is above newer_than."""
    def synced(text):
        "a time line"
        return any(t["seq"] > newer_than for t in time_lines(text))
    text = zvm.watch(vm, synced, timeout=240)  # after the benchmark suite
    return [t for t in time_lines(text) if t["seq"] > newer_than][-1]


def bound_ns(line, hz):
    """How far the RTOS's clock may be off: half its CNTVOFF measurement
    window, a tick for the midpoint's rounding, a ns for the scale's."""
    return (line["window"] // 2 + 1) * NS // hz + 1


def test_the_time_base_starts_from_the_rtc(zvm):
    base, vms = zvm_time(zvm)
    assert base["source"] == "rtc"
    assert base["generation"] == 1
    assert base["hz"] == QEMU_A53_HZ
    assert base["bound"] == f"{NS} ns"     # the PL031 counts whole seconds
    assert base["utc"] > 1700000000         # QEMU's RTC is the host's UTC
    assert {name: row[0] for name, row in vms.items()} == \
        {"rtos": "yes", "rtos2": "yes", "linux": "yes"}


def test_the_rtos_syncs_at_boot(zvm):
    text = zvm.watch("rtos", lambda t: '"bench":"time_sync"' in t and TIME_LINE.search(t),
                     timeout=90)
    sync = json.loads(re.search(r'\{"bench":"time_sync"[^\n]*\}', text).group(0))
    assert sync["samples"] == 1000 and sync["min_ticks"] > 0
    line = time_lines(text)[0]
    base, vms = zvm_time(zvm)
    # Its clock is ZVM's: the offset ZVM measured against the time base
    # (its own CNTVOFF added to the virtual count the RTOS gave).
    assert abs(line["offset_ns"]) <= bound_ns(line, base["hz"]), line
    assert line["seq"] == 2                  # generation 1: one publish
    assert 0 <= base["utc"] - line["utc_ns"] // NS <= SETTLE_S
    reports, offset = vms["rtos"][1], vms["rtos"][2]
    assert reports >= 1 and offset == time_lines(text)[-1]["offset_ns"]


def test_zvm_time_set_reaches_every_rtos(zvm):
    before, _ = zvm_time(zvm)
    target = before["utc"] + SET_AHEAD_S
    assert "time base set: " in zvm.run(f"zvm time set {target}")
    after, _ = zvm_time(zvm)
    assert after["source"] == "set" and after["generation"] == before["generation"] + 1
    assert 0 <= after["utc"] - target <= SETTLE_S
    line = wait_time_line(zvm, "rtos", newer_than=2)
    assert line["seq"] == 2 * after["generation"]
    assert 0 <= line["utc_ns"] // NS - target <= SETTLE_S
    assert abs(line["offset_ns"]) <= bound_ns(line, after["hz"]), line


def test_another_cntvoff_gets_the_same_time(zvm):
    first = wait_time_line(zvm, "rtos")
    zvm.run("zvm start rtos2")
    second = wait_time_line(zvm, "rtos2")
    base, vms = zvm_time(zvm)
    # rtos2 booted later: its virtual counter starts later, its offset is larger.
    assert second["voff"] > first["voff"]
    assert abs(second["offset_ns"]) <= bound_ns(second, base["hz"]), second
    # Both clocks against the one time base: their difference.
    precision = abs(second["offset_ns"] - first["offset_ns"])
    assert precision <= bound_ns(first, base["hz"]) + bound_ns(second, base["hz"])
    assert vms["rtos2"][1] >= 1


def test_linux_has_ptp0_and_sets_its_clock(zvm):
    text = zvm.watch("linux", lambda t: BOOT_SYNC.search(t), timeout=240)
    boot = BOOT_SYNC.search(text)
    assert abs(int(boot.group(1))) <= PTP_RESIDUAL_NS
    with linux_shell(zvm) as sh:
        assert sh.run("cat /sys/class/ptp/ptp0/clock_name", r"(.+?)\r?") == "KVM virtual PTP"
        assert abs(int(sh.run("ptpsync -s", PTPSYNC_SET))) <= PTP_RESIDUAL_NS
    # ZVM's time moves: Linux sees how far, steps, and then agrees with ZVM.
    before, _ = zvm_time(zvm)
    zvm.run(f"zvm time set {before['utc'] + SET_AHEAD_S}")
    with linux_shell(zvm) as sh:
        offset = int(sh.run("ptpsync", r"ptpsync: offset_ns=(-?\d+) .*"))
        assert -(SET_AHEAD_S + SETTLE_S) * NS <= offset <= -(SET_AHEAD_S - SETTLE_S) * NS
        assert abs(int(sh.run("ptpsync -s", PTPSYNC_SET))) <= PTP_RESIDUAL_NS
        linux_now = int(sh.run("date +%s", r"(\d+)"))
    base, vms = zvm_time(zvm)
    assert 0 <= base["utc"] - linux_now <= SETTLE_S
    assert vms["linux"][3] >= 5              # each ptpsync measured through PTP calls


def test_smccc_calls_good_and_unknown():
    with Zvm(qemu_args(image=system_image("test-vms")), "smccc") as machine:
        machine.boot()
        machine.attach("bm1")                                # autostarted
        machine.expect(r"baremetal guest: vm \d+ up|alive", 60)
        machine.send("c")
        line = machine.expect(r"smccc:([^\n]*)\n", 60).group(1)
        machine.detach()
        calls = dict(item.split("=", 1) for item in line.split())
        assert calls["version"] == "0x10001"                 # SMCCC 1.1
        assert calls["features-of-version"] == "0x0"
        assert calls["features-of-workaround1"] == SMCCC_NOT_SUPPORTED
        assert calls["uid"] == KVM_UID
        assert calls["kvm-features"] == "0x3"                # FEATURES and PTP
        for name in ("ptp-virt", "ptp-phys"):
            high, low, _, _ = (int(x, 16) for x in calls[name].split(","))
            assert ((high << 32) | low) // NS > 1700000000  # UTC from the RTC
        virt = [int(x, 16) for x in calls["ptp-virt"].split(",")]
        phys = [int(x, 16) for x in calls["ptp-phys"].split(",")]
        # The virtual counter is the physical one less the VM's CNTVOFF.
        assert (virt[2] << 32 | virt[3]) < (phys[2] << 32 | phys[3])
        for name in ("ptp-bad-counter", "unknown-86000002", "unknown-8600fffe",
                     "unknown-8600ff00", "unknown-8000ffff", "unknown-c600ffff"):
            assert calls[name] == SMCCC_NOT_SUPPORTED, name
        base, _ = zvm_time(machine)
        assert base["source"] == "rtc"
