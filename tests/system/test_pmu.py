"""The PMU does not count ZVM (issue 12): a guest that sets the EL2 filter
bit (PMEVTYPER0_EL0.NSH) counts the same instructions across 100 null
hypercalls as one that counts EL1 only, and a VM sees only the counters
its configuration gives it (pmu-counters, MDCR_EL2.HPMN).

Boots configs/test-hostile.dts under -icount (QEMU counts retired
instructions only then): 'inj' has every counter of the core, 'crash' has
pmu-counters = <1>.  Cortex-A53 has the ARMv8.0 PMU (no HPMD: the filter
is forced by ZVM's emulation), Cortex-A76 a v8.1+ one.
"""
import re

import pytest

from zvm import boot_system, guest_text

ICOUNT = ["-icount", "shift=0,align=off,sleep=off"]
WAIT = 120
LINE = re.compile(r"pmu: counters (\d+), el1 only (\d+), el2 included (\d+)\n")
HYPERCALLS = 100
# The two runs differ only in the filter bit: the same instructions at EL1.
SLACK = 8


def probe(zvm, vm):
    begin = zvm.attach(vm).end()
    zvm.send("P")
    raw = zvm.wait_console(begin, lambda raw: LINE.search(guest_text(raw)), "the pmu line", WAIT)
    zvm.detach()
    found = LINE.search(guest_text(raw))
    return int(found[1]), int(found[2]), int(found[3])


@pytest.mark.parametrize("cpu", ["cortex-a53", "cortex-a76"])
def test_a_guest_counts_none_of_zvms_instructions(cpu):
    with boot_system(f"pmu-{cpu}", "test-hostile", cpu=cpu, extra=ICOUNT) as zvm:
        counters, el1, el2 = probe(zvm, "inj")
        assert counters >= 1
        # The loop itself: at least a few instructions per hypercall at EL1.
        assert el1 >= 3 * HYPERCALLS, (el1, el2)
        assert abs(el2 - el1) <= SLACK, (el1, el2)
        # Only the counter it was configured with.
        counters, el1, el2 = probe(zvm, "crash")
        assert counters == 1
        assert abs(el2 - el1) <= SLACK, (el1, el2)
