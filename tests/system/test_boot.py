"""ZVM boots at EL2 on both CPU models and any core count from 1 to 8."""
import re

import pytest

from zvm import boot_zvm, start_zvm

CPU_MODELS = {"cortex-a53": ("Cortex-A53", "no"), "cortex-a76": ("Cortex-A76", "yes")}


@pytest.mark.parametrize("cpu", sorted(CPU_MODELS))
@pytest.mark.parametrize("smp", [1, 2, 4, 8])
def test_every_core_online_at_el2(cpu, smp):
    model, vhe = CPU_MODELS[cpu]
    with boot_zvm(f"boot-{cpu}-{smp}", cpu=cpu, smp=smp) as zvm:
        out = zvm.run("cpus")
        rows = re.findall(r"^(\d+)\s+0x([0-9a-f]+)\s+(\S+)\s+(EL\d)\s+(\S+)\s+(yes|no)\s",
                          out, re.M)
        assert [int(r[0]) for r in rows] == list(range(smp))
        for _, _, state, el, name, has_vhe in rows:
            assert (state, el, name, has_vhe) == ("online", "EL2", model, vhe)
        assert f"{smp} of {smp} CPUs online" in out


def test_boot_log_and_banner():
    with boot_zvm("boot-log") as zvm:
        assert re.search(r"ZVM \S+ .*starting on qemu-virt", zvm.output)
        assert "4 of 4 CPUs online" in zvm.run("log")
        assert "board qemu-virt" in zvm.run("version")


def test_entered_below_el2_is_refused_clearly():
    with start_zvm("boot-el1", virtualization=False) as zvm:
        zvm.expect(r"cannot boot: entered below EL2.*virtualization=on", 30)
