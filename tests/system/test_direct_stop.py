"""A direct-delivery guest is stopped whatever it does with its CPU
interface (issue 12).  The guest owns the physical Group 1 interface of
its core; ZVM keeps Group 0 FIQs for itself, squeezes the guest's
priorities below them, traps its WFI, and, for the one thing the GIC lets
no hypervisor trap (an ICC_AP1R0_EL1 write that holds the running priority
at 0x00), takes its stage-2 map away so that its next fetch comes to EL2.
Each case is one boot of the same VM: after each, `zvm stop` reports it
stopped, `zvm list` says so, and the next `zvm start` boots it again."""
import re

import pytest

from systems import boot_system
from top import top_round
from zvm import guest_text

UP = "baremetal guest: vm 1 up\n"
# key, the guest's line once it holds its core, whether only a revoked map stops it
CASES = [
    ("C", "spinning on the counter, nothing masked\n", False),
    ("M", "holding off every interrupt: PMR 0, both groups off, DAIF masked\n", False),
    ("T", "acknowledged interrupt 27 at priority 0, never ending it\n", False),
    ("W", "holding off every interrupt: running priority 0, in WFI\n", False),
    ("p", "holding off every interrupt: running priority 0\n", True),
]
# The guest's idle share while it waits for a key between its timer's
# ticks, and while it spins on the counter.
IDLE_WAITING, IDLE_SPINNING = 50.0, 1.0
SPIN_SAMPLE_MS = 100  # zvm top's shortest: inside the 500 ms heartbeat timeout
REVOKED_LOG = r"vm 1 'bm1': vCPU 0 on core 1 did not leave when asked; stage-2 map revoked"


def this_boot(raw, boot):
    """The guest's text of its boot-th boot (ZVM marks each from the second)."""
    text = guest_text(raw)
    if boot == 1:
        return text
    at = text.rfind(f"[ZVM: vm 1 'bm1' boot {boot}]")
    return None if at < 0 else text[at:]


def hold_core(zvm, boot, key, line):
    begin = zvm.attach("bm1").end()
    zvm.wait_console(begin, lambda raw: UP in (this_boot(raw, boot) or ""),
                     f"boot {boot}'s first line", 60)
    zvm.detach()
    if boot == 1:
        assert_idle_share(zvm, lambda idle: idle >= IDLE_WAITING, "waiting in WFI")
    begin = zvm.attach("bm1").end()
    zvm.send(key)
    zvm.wait_console(begin, lambda raw: line in (this_boot(raw, boot) or ""),
                     f"the guest's line {line!r}", 60)
    zvm.detach()


def assert_idle_share(zvm, holds, doing, command="zvm top -d 500 -n 2",
                      states=("running",)):
    """Direct delivery's only bucket is its trapped WFI (vmm/vcpu_time.h)."""
    rows, out = top_round(zvm, command)
    state, guest, el2, idle, _ = rows["bm1"]
    assert state in states and guest is None and el2 is None, out
    assert holds(idle), (doing, out)


def assert_spinning_is_not_idle(zvm, boot):
    """A guest that spins never enters the WFI ZVM traps: no idle share.  It
    beats no heartbeat meanwhile either, so it may be crashed by the end of
    the interval (its idle bucket closed with it)."""
    assert "error" not in zvm.run("zvm start bm1", timeout=60).lower()
    hold_core(zvm, boot, *CASES[0][:2])
    assert_idle_share(zvm, lambda idle: idle <= IDLE_SPINNING, "spinning",
                      f"zvm top -d {SPIN_SAMPLE_MS} -n 1", ("running", "crashed"))
    zvm.run("zvm stop bm1", timeout=120)


@pytest.mark.parametrize("cpu", ["cortex-a53", "cortex-a76"])
def test_a_direct_guest_is_stopped_whatever_it_does_to_its_cpu_interface(cpu):
    with boot_system("test-direct-stop", cpu=cpu) as zvm:
        revoked = 0
        for boot, (key, line, needs_revoke) in enumerate(CASES, start=1):
            if boot > 1:
                answer = zvm.run("zvm start bm1", timeout=60)
                assert "error" not in answer.lower(), answer
            hold_core(zvm, boot, key, line)
            log_before = len(zvm.output)
            answer = zvm.run("zvm stop bm1", timeout=120)
            assert "stuck" not in answer and "error" not in answer.lower(), (key, answer)
            listing = zvm.run("zvm list")
            assert re.search(r"^1\s+bm1\s+baremetal\s+stopped\s", listing, re.M), (key, listing)
            revoked += needs_revoke
            info = zvm.run("zvm info bm1")
            assert f"stops by revoked map {revoked}\n" in info, (key, info)
            assert bool(re.search(REVOKED_LOG, zvm.output[log_before:])) == needs_revoke, key
        assert_spinning_is_not_idle(zvm, len(CASES) + 1)
        # ZVM still has the core: its IPIs and threads run there.
        out = zvm.run("zvm test run ipi", timeout=120)
        assert "failed=0" in out, out
