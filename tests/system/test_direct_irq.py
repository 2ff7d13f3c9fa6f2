"""Direct interrupt delivery: a real-time guest takes its interrupts itself.

configs/test-direct.dts runs the guest RTOS with direct-irq on core 1 (its
benchmark suite, then PSCI SYSTEM_OFF) next to a bare-metal VM on core 2
whose interrupts go through ZVM's list registers.
"""
import json
import re

import pytest

from systems import boot_system, console_replay

BENCHMARKS = {"counter_read", "irq_latency", "irq_to_thread", "task_switch", "preemption",
              "sem_shuffle", "msg_latency", "mutex_lock_unlock", "mem_alloc_free",
              "irq_latency_load", "irq_latency_load_irq2"}


@pytest.mark.parametrize("cpu", ["cortex-a53", "cortex-a76"])
def test_direct_guest_runs_its_suite_and_zvm_keeps_control(cpu):
    with boot_system("test-direct", cpu=cpu) as zvm:
        zvm.expect(r"vm 1 'rtos' powered off by the guest", 120)
        info = zvm.run("zvm info rtos")
        assert "interrupts delivered directly" in info
        # The guest acknowledged its interrupts itself: ZVM never loaded one.
        assert re.search(r"vcpu0 on core 1: .*interrupts loaded 0", info)
        text = console_replay(zvm, "rtos", r'\{"suite":"done","benchmarks":\d+\}')
        lines = [json.loads(l) for l in text.splitlines() if l.startswith('{"bench"')]
        seen = {l["bench"] for l in lines}
        assert BENCHMARKS <= seen
        for l in lines:
            assert 0 < l["min_ticks"] <= l["avg_ticks"] <= l["max_ticks"], l
        # The list-register VM kept running meanwhile.
        assert "interrupts through list registers" in zvm.run("zvm info bm1")
        alive = console_replay(zvm, "bm1", r"alive \d+\n")
        assert "baremetal guest: vm 2 up" in alive
        # ZVM still reaches the core the direct guest had: IPIs and threads there.
        out = zvm.run("zvm test run ipi", timeout=120)
        assert "failed=0" in out and "cores=2" in out
