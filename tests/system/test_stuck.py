"""A stop that cannot be proven says so: a direct-delivery guest that holds
its core's running priority at 0 (ICC_AP1R0_EL1, exceptions masked) cannot
be brought out of its guest, and ZVM then keeps the VM 'stuck', holding its
memory, VMID and core, instead of calling it stopped and freeing them."""
import re

import pytest

from systems import boot_system
from zvm import guest_text

STUCK_LOG = r"vm 1 'bm1' stuck: vCPU 0 on core 1 did not leave its guest within \d+ ms"


@pytest.mark.parametrize("cpu", ["cortex-a53", "cortex-a76"])
def test_an_unstoppable_guest_is_stuck_and_keeps_what_it_holds(cpu):
    with boot_system("test-stuck", cpu=cpu) as zvm:
        # ZVM's own log lines may cut through the guest's: read the guest's text.
        begin = zvm.attach("bm1").end()
        zvm.wait_console(begin, lambda raw: "baremetal guest: vm 1 up\n" in guest_text(raw),
                         "the guest's boot line", 60)
        begin = len(zvm.output)
        zvm.send("p")
        zvm.wait_console(begin, lambda raw: "running priority 0\n" in guest_text(raw),
                         "the guest holding running priority 0", 60)
        zvm.send("\x1d")
        zvm.expect(r"\[back to ZVM\]", 60)
        # The stop, by the operator (or the health monitor's crash verdict
        # first): either way the vCPU does not leave, and ZVM says so.
        answer = zvm.run("zvm stop bm1", timeout=120)
        assert "is stuck" in answer and "'zvm stop bm1' tries again" in answer, answer
        assert re.search(STUCK_LOG, zvm.output), zvm.tail()
        listing = zvm.run("zvm list")
        assert re.search(r"^1\s+bm1\s+baremetal\s+stuck\s+1\s", listing, re.M), listing
        assert "did not leave its guest" in zvm.run("zvm info bm1")
        # Nothing of it is freed or reused while its core may still run it.
        assert "is stuck" in zvm.run("zvm delete bm1")
        assert "is stuck" in zvm.run("zvm start bm1")
        assert re.search(r"^1\s+bm1\s+baremetal\s+stuck", zvm.run("zvm list"), re.M)
