"""The built-in tests pass on the ZVM shell, on both CPU models."""
import re

import pytest

from systems import boot_system
from zvm import boot_zvm

RESULT = re.compile(r"^ZTEST (\S+) (PASS|FAIL|SKIP) time_us=(\d+)(.*)$", re.M)
SUMMARY = re.compile(r"^ZTEST SUMMARY total=(\d+) passed=(\d+) failed=(\d+) skipped=(\d+)",
                     re.M)
GROUPS = ["sched", "timer", "ipi", "alloc", "sync", "shell", "lifecycle", "recovery", "irq",
          "perf", "virtio", "zshm"]
# Every test of these groups boots the bare-metal test guest; sched has VM tests too.
VM_GROUPS = ("lifecycle.", "recovery.", "irq.", "perf.", "virtio.", "zshm.")
SCHED_VM_TESTS = {"sched.vm_isolation", "sched.vcpus_stay_on_their_cores",
                  "sched.zvm_core_responsive_in_guest_storm"}
SKIP = re.compile(r'^ZTEST (\S+) SKIP time_us=\d+ reason="([^"]*)"$', re.M)


def run_all(zvm):
    listed = [l for l in zvm.run("zvm test list").splitlines() if "." in l]
    out = zvm.run("zvm test run all", timeout=300)
    results = {name: verdict for name, verdict, _, _ in RESULT.findall(out)}
    assert sorted(results) == sorted(listed)
    failed = [l for l in out.splitlines() if " FAIL " in l]
    assert not failed, "\n".join(failed)
    total, passed, nfailed, skipped = map(int, SUMMARY.search(out).groups())
    assert (total, nfailed) == (len(listed), 0)
    assert passed + skipped == total
    for group in GROUPS:
        assert any(name.startswith(group + ".") for name in listed), group
    return results, out


@pytest.mark.parametrize("cpu", ["cortex-a53", "cortex-a76"])
def test_zvm_alone_passes_and_skips_only_the_vm_tests(cpu):
    with boot_zvm(f"selftest-{cpu}", cpu=cpu, smp=4) as zvm:
        results, out = run_all(zvm)
        skipped = sorted(n for n, v in results.items() if v == "SKIP")
        vm_tests = sorted(n for n in results if n.startswith(VM_GROUPS) or n in SCHED_VM_TESTS)
        assert skipped == vm_tests, skipped
        # ZVM alone has no system package, so no test guest: the reason says so.
        for name, reason in SKIP.findall(out):
            assert reason.startswith("needs baremetal.bin in the system package"), (name, reason)


@pytest.mark.parametrize("cpu", ["cortex-a53", "cortex-a76"])
def test_everything_passes_with_vms_around(cpu):
    with boot_system("test-selftest", cpu=cpu) as zvm:
        results, _ = run_all(zvm)
        assert all(v == "PASS" for v in results.values()), results
        # The configured VM kept running through it all.
        assert re.search(r"^1\s+bm1\s+baremetal\s+running", zvm.run("zvm list"), re.M)


def test_unknown_test_selector_is_reported():
    with boot_zvm("selftest-unknown") as zvm:
        assert "no test matches 'nosuch'; see 'zvm test list'" in zvm.run("zvm test run nosuch")
