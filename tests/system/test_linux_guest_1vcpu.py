"""Debian's unmodified arm64 kernel as a 1-vCPU guest (configs/test-linux1.dts).

The 2-vCPU SMP case is test_linux_guest.py; this one shares its helpers.
"""
import os
import subprocess

import pytest

from test_linux_guest import BUILD, MAKE_TIMEOUT, REPO, linux_shell
from test_linux_native import kernel_release  # noqa: F401 (fixture)
from zvm import Zvm, qemu_args

SYSTEM = "test-linux1"


@pytest.fixture(scope="module")
def zvm(kernel_release):  # noqa: F811 (the fixture imported above)
    result = subprocess.run(
        ["make", "--no-print-directory", f"BUILD={BUILD}", f"SYSTEM={SYSTEM}", "system"],
        cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
        timeout=MAKE_TIMEOUT, check=False)
    if result.returncode != 0:
        pytest.fail(f"make SYSTEM={SYSTEM} system failed:\n" + result.stdout[-4000:])
    image = os.path.join(REPO, BUILD, f"system-{SYSTEM}.img")
    with Zvm(qemu_args(image=image), "linux-guest-1vcpu") as machine:
        machine.boot()
        yield machine


def test_one_cpu_shell_answers(zvm, kernel_release):  # noqa: F811
    with linux_shell(zvm) as sh:
        assert sh.run("uname -m", r"(\w+)") == "aarch64"
        assert sh.run("uname -r", r"(\S+)") == kernel_release
        assert sh.run("grep -c processor /proc/cpuinfo", r"(\d+)") == "1"
        for n in range(5):
            assert sh.run(f"echo $(({n}*7))", r"(\d+)") == str(n * 7)
