"""`zvm test run all` on make run's own system (configs/qemu-virt.dts), whose
guests hold every core: without consent the VM tests skip and say why; with
--borrow everything passes (no FAIL, no SKIP), on both CPU models, and the
VMs whose cores were borrowed run again afterwards.  On Cortex-A53 the run
is started from the shell; on Cortex-A76 from the PC, `zvmctl test run all
--borrow` over UDP through the board's NIC (a host forward on a free
127.0.0.1 port) with the system's development key."""
import json
import os
import re
import subprocess

import pytest

from qemu_harness import free_udp_port
from test_selftest import RESULT, SKIP, SUMMARY, GROUPS
from zvm import BUILD, REPO, Zvm, qemu_args, system_image

ZVMCTL = os.path.join(BUILD, "tools", "zvmctl")
KEY_FILE = os.path.join(REPO, "configs", "qemu-virt.key")
ZVM_IP, AGENT_PORT = "10.0.2.15", 5555  # configs/qemu-virt.dts: the default agent port
CALL_TIMEOUT_MS = 10000
SMP = 4  # qemu_args' default: ZVM's core and the three of the guests

RUN_TIMEOUT = 900
VMS_RUNNING = [re.compile(rf"^\d+\s+{name}\s+{os}\s+running", re.M)
               for name, os in (("rtos", "rtos"), ("linux", "linux"))]


def assert_vms_running(zvm):
    listing = zvm.run("zvm list")
    for vm in VMS_RUNNING:
        assert vm.search(listing), listing


@pytest.fixture(scope="module", params=["cortex-a53", "cortex-a76"])
def default_system(request):
    subprocess.run(["make", "--no-print-directory", "zvmctl"], cwd=REPO, check=True,
                   capture_output=True, timeout=300)
    agent = free_udp_port()
    with Zvm(qemu_args(image=system_image("qemu-virt"), cpu=request.param),
             f"qemu-virt-{request.param}", hostfwd=[("udp", agent, ZVM_IP, AGENT_PORT)]) as zvm:
        zvm.boot()
        zvm.agent_port = agent
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


def run_from_shell(zvm):
    """The verdicts and (total, passed, failed, skipped) of a shell run."""
    out = zvm.run("zvm test run all --borrow", timeout=RUN_TIMEOUT)
    results = {name: verdict for name, verdict, _, _ in RESULT.findall(out)}
    cores = {name: int(m[1]) for name, _, _, figures in RESULT.findall(out)
             for m in [re.search(r"\bcores=(\d+)", figures)] if m}
    return results, tuple(map(int, SUMMARY.search(out).groups())), cores


def run_from_zvmctl(zvm):
    """The same through zvmctl over UDP: it polls the run and prints the
    results as JSON."""
    proc = subprocess.run([ZVMCTL, "--target", f"udp://127.0.0.1:{zvm.agent_port}",
                           "--key-file", KEY_FILE, "--timeout", str(CALL_TIMEOUT_MS), "--json",
                           "test", "run", "all", "--borrow"],
                          capture_output=True, text=True, timeout=RUN_TIMEOUT)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr
    report = json.loads(proc.stdout)
    run = report["run"]
    results = {r["name"]: r["verdict"] for r in report["results"]}
    cores = {r["name"]: r["figures"]["cores"] for r in report["results"]
             if "cores" in r.get("figures", {})}
    return results, (run["total"], run["passed"], run["failed"], run["skipped"]), cores


def test_everything_passes_with_borrowed_cores(default_system):
    cpu, zvm = default_system
    listed = [l for l in zvm.run("zvm test list").splitlines() if "." in l]
    results, summary, cores = (run_from_shell if cpu == "cortex-a53" else run_from_zvmctl)(zvm)
    assert sorted(results) == sorted(listed)
    bad = {name: verdict for name, verdict in results.items() if verdict != "PASS"}
    assert not bad, bad
    assert summary == (len(listed), len(listed), 0, 0)
    # The kernel's cross-core tests had every core: the VMs lent theirs.
    assert cores and all(n == SMP for n in cores.values()), cores
    for group in GROUPS:
        assert any(name.startswith(group + ".") for name in listed), group
    # The VMs that lent their cores came back and run again.
    assert_vms_running(zvm)
    assert re.search(r"ztest: vm \d+ '\w+' has its cores back and runs again",
                     zvm.run("log"))
