"""`zvm test run all` on make run's own system (configs/qemu-virt.dts), whose
guests hold every core: without consent the VM tests skip and say why; with
--borrow everything passes (no FAIL, no SKIP), on both CPU models, and the
VMs whose cores were borrowed run again afterwards."""
import re

import pytest

from systems import boot_system
from test_selftest import RESULT, SKIP, SUMMARY, GROUPS

RUN_TIMEOUT = 900
VMS_RUNNING = [re.compile(rf"^\d+\s+{name}\s+{os}\s+running", re.M)
               for name, os in (("rtos", "rtos"), ("linux", "linux"))]


def assert_vms_running(zvm):
    listing = zvm.run("zvm list")
    for vm in VMS_RUNNING:
        assert vm.search(listing), listing


@pytest.fixture(scope="module", params=["cortex-a53", "cortex-a76"])
def default_system(request):
    with boot_system("qemu-virt", cpu=request.param) as zvm:
        yield request.param, zvm


def test_without_consent_vm_tests_skip_and_say_why(default_system):
    cpu, zvm = default_system
    if cpu != "cortex-a53":
        pytest.skip("the refusal is the same on every CPU model; checked once")
    out = zvm.run("zvm test run lifecycle.repeated", timeout=RUN_TIMEOUT)
    [(name, reason)] = SKIP.findall(out)
    assert name == "lifecycle.repeated"
    assert reason.startswith("needs 1 free cores, 0 are free"), reason
    assert "--borrow" in reason
    assert_vms_running(zvm)


def test_everything_passes_with_borrowed_cores(default_system):
    _, zvm = default_system
    listed = [l for l in zvm.run("zvm test list").splitlines() if "." in l]
    out = zvm.run("zvm test run all --borrow", timeout=RUN_TIMEOUT)
    results = {name: verdict for name, verdict, _, _ in RESULT.findall(out)}
    assert sorted(results) == sorted(listed)
    bad = [l for l in out.splitlines() if re.match(r"ZTEST \S+ (FAIL|SKIP) ", l)]
    assert not bad, "\n".join(bad)
    total, passed, failed, skipped = map(int, SUMMARY.search(out).groups())
    assert (total, passed, failed, skipped) == (len(listed), len(listed), 0, 0)
    for group in GROUPS:
        assert any(name.startswith(group + ".") for name in listed), group
    # The VMs that lent their cores came back and run again.
    assert_vms_running(zvm)
    assert re.search(r"ztest: vm \d+ '\w+' has its cores back and runs again",
                     zvm.run("log"))
