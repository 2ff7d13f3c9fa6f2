"""A devicetree without a node ZVM needs stops the boot with a clear reason."""
import os
import re
import subprocess

from qemu_harness import QEMU
from zvm import BUILD, start_zvm

DTS_DIR = os.path.join(BUILD, "system-dtb")


def remove_node(dts, label_regex):
    """Drops the first node whose header matches label_regex, braces balanced."""
    match = re.search(r"^\s*" + label_regex + r"\s*\{", dts, re.M)
    assert match, label_regex
    depth, i = 0, match.end() - 1
    while True:
        depth += {"{": 1, "}": -1}.get(dts[i], 0)
        i += 1
        if depth == 0:
            break
    end = dts.index(";", i) + 1
    return dts[:match.start()] + dts[end:]


def broken_dtb(name, label_regex):
    os.makedirs(DTS_DIR, exist_ok=True)
    good = os.path.join(DTS_DIR, "virt.dtb")
    subprocess.run(QEMU + ["-M",
                    f"virt,virtualization=on,gic-version=3,dumpdtb={good}",
                    "-cpu", "cortex-a53", "-smp", "4", "-m", "1G", "-nographic"],
                   check=True, capture_output=True, timeout=60)
    dts = subprocess.run(["dtc", "-q", "-I", "dtb", "-O", "dts", good], check=True,
                         capture_output=True, text=True).stdout
    out = os.path.join(DTS_DIR, name + ".dtb")
    subprocess.run(["dtc", "-q", "-I", "dts", "-O", "dtb", "-o", out], check=True,
                   input=remove_node(dts, label_regex), text=True)
    return out


def test_missing_gic_node_is_named():
    dtb = broken_dtb("no-gic", r"intc@8000000")
    with start_zvm("bad-dtb-gic", extra=["-dtb", dtb]) as zvm:
        zvm.expect(r"cannot boot: devicetree: .*GIC", 30)


def test_missing_timer_node_is_named():
    dtb = broken_dtb("no-timer", r"timer")
    with start_zvm("bad-dtb-timer", extra=["-dtb", dtb]) as zvm:
        zvm.expect(r"cannot boot: devicetree: .*timer", 30)
