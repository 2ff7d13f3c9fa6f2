"""Interrupt semantics as a guest sees them (issue 12), with list registers
(bm1) and with direct delivery (bm2), both bare-metal guests:
- a self-IPI sent with IRQs masked shows in GICR_ISPENDR0 and is then
  delivered (direct delivery used to lose it in the register model and
  report the model's pending state);
- with its timer PPI disabled, a due timer is pending; once the timer is
  turned off it is not, and enabling the PPI delivers nothing stale (the
  timer's interrupt is a level, not an edge latch).
"""
import pytest

from systems import boot_system

CHECKS = {
    "i": r"self ipi: pending (\d) delivered (\d)",
    "t": r"timer level: due (\d) off (\d) stale (\d)",
}


def run_checks(zvm, vm):
    zvm.send(f"zvm console {vm}\r")
    zvm.expect(r"alive \d+", 60)
    seen = {}
    for key, pattern in CHECKS.items():
        zvm.send(key)
        seen[key] = zvm.expect(pattern, 60).groups()
    zvm.send("\x1d")
    zvm.expect(r"\[back to ZVM\]", 60)
    return seen


@pytest.mark.parametrize("cpu", ["cortex-a53", "cortex-a76"])
def test_self_ipi_and_timer_level_in_both_delivery_modes(cpu):
    with boot_system("test-irq", cpu=cpu) as zvm:
        for vm in ("bm1", "bm2"):
            seen = run_checks(zvm, vm)
            assert seen["i"] == ("1", "1"), (vm, seen)
            assert seen["t"] == ("1", "0", "0"), (vm, seen)
        # Both still alive after it, the timer re-armed.
        for vm in ("bm1", "bm2"):
            zvm.send(f"zvm console {vm}\r")
            zvm.expect(r"alive \d+", 60)
            zvm.send("\x1d")
            zvm.expect(r"\[back to ZVM\]", 60)
