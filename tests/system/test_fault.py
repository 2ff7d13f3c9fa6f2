"""An unexpected exception is reported readably and stops only its core."""
import re

from zvm import boot_zvm


def test_fault_stops_only_that_core():
    with boot_zvm("fault", cpu="cortex-a53", smp=4) as zvm:
        out = zvm.run("debug fault 2")
        assert "unexpected exception on CPU 2 at EL2" in out
        assert "data abort, same EL: translation fault, level 1 on read" in out
        assert re.search(r"FAR 0000007f00000000", out)
        assert re.search(r"x30 [0-9a-f]{16}  sp  [0-9a-f]{16}", out)
        assert "CPU 2 stopped; the other cores carry on." in out
        cpus = zvm.run("cpus")
        states = dict(re.findall(r"^(\d+)\s+0x[0-9a-f]+\s+(\S+)", cpus, re.M))
        assert states == {"0": "online", "1": "online", "2": "STOPPED", "3": "online"}
        assert "3 of 4 CPUs online" in cpus
        # The rest of the machine still works: run tests on the surviving cores.
        assert "failed=0" in zvm.run("zvm test run ipi", timeout=120)


def test_fault_refuses_zvm_core_and_bad_cpu():
    with boot_zvm("fault-refuse", smp=2) as zvm:
        assert "CPU 0 runs ZVM itself" in zvm.run("debug fault 0")
        assert "CPU 5 is not online" in zvm.run("debug fault 5")
        assert "usage: debug fault <cpu>" in zvm.run("debug fault two")
