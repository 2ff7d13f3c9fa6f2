"""Boots the guest RTOS natively on QEMU (no hypervisor) and checks that its
real-time benchmark suite reports every benchmark, with sane figures, and
then powers the machine off through PSCI."""
import json
import os
import re

import pytest

from qemu_harness import QemuMachine

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
IMAGE = os.path.join(REPO, os.environ.get("BUILD", "build"), "rtos", "rtos.bin")
SAMPLES = 1000          # BENCH_SAMPLES in guests/rtos/app/bench.h
EXPECTED = {
    "counter_read", "irq_latency", "irq_to_thread", "task_switch",
    "preemption", "sem_shuffle", "msg_latency", "mutex_lock_unlock",
    "mem_alloc_free", "irq_latency_load", "irq_latency_load_irq2",
    # bench_vm.c: natively, hvc is answered by the RTOS's own EL2 stub.
    "hvc_null", "gicd_read",
}
SUITE_TIMEOUT = 60
BOOT_TIMEOUT = 20


def qemu_args(cpu):
    return ["-M", "virt,virtualization=on,gic-version=3",
            "-cpu", f"{cpu},cntfrq=1000000000",
            "-icount", "shift=0,align=off,sleep=off",
            "-m", "128M", "-nographic", "-kernel", IMAGE]


@pytest.mark.parametrize("cpu", ["cortex-a53", "cortex-a76"])
def test_rtos_benchmark_suite_native(cpu):
    assert os.path.exists(IMAGE), "build the RTOS first (make rtos)"
    with QemuMachine(qemu_args(cpu), name=f"rtos-native-{cpu}") as vm:
        boot = json.loads(vm.expect(r'^\{"rtos":"boot".*\}$', BOOT_TIMEOUT).group(0))
        # QEMU enters at EL2 with virtualization=on: the RTOS drops to EL1.
        assert boot["el"] == 1
        assert boot["vtimer"] == 27 and boot["ptimer"] == 30
        assert boot["psci"] == "smc"
        done = vm.expect(r'^\{"suite":"done","benchmarks":(\d+)\}', SUITE_TIMEOUT)
        # PSCI SYSTEM_OFF ends QEMU by itself.
        assert vm.wait_exit(BOOT_TIMEOUT) == 0
        output = vm.output

    assert '"panic"' not in output
    records = [json.loads(line) for line in
               re.findall(r'^\{"bench":.*\}$', output, re.MULTILINE)]
    names = [r["bench"] for r in records]
    assert len(names) == len(set(names)), "a benchmark reported twice"
    assert set(names) == EXPECTED
    assert int(done.group(1)) == len(EXPECTED)
    for r in records:
        name = r["bench"]
        assert r["samples"] == SAMPLES, name
        assert 0 < r["min_ticks"] <= r["avg_ticks"] <= r["max_ticks"], name
        assert 0 < r["min_ns"] <= r["avg_ns"] <= r["max_ns"], name
        # cntfrq is 1 GHz: one tick is one nanosecond.
        assert r["min_ns"] == r["min_ticks"] and r["max_ns"] == r["max_ticks"], name
        # Nothing here should take anywhere near the 10 us timer period.
        assert r["max_ticks"] < 10000, name
