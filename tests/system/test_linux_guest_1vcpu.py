"""Debian's unmodified arm64 kernel as a 1-vCPU guest (configs/test-linux1.dts),
on both CPU models.

The 2-vCPU SMP case is test_linux_guest.py; this one shares its helpers.
"""
import pytest

from test_linux_guest import booted, linux_shell
from test_linux_native import kernel_release  # noqa: F401 (fixture)


@pytest.fixture(scope="module", params=["cortex-a53", "cortex-a76"])
def zvm(request, kernel_release):  # noqa: F811 (the fixture imported above)
    yield from booted("test-linux1", f"linux-guest-1vcpu-{request.param}", request.param)


def test_one_cpu_shell_answers(zvm, kernel_release):  # noqa: F811
    with linux_shell(zvm) as sh:
        assert sh.run("uname -m", r"(\w+)") == "aarch64"
        assert sh.run("uname -r", r"(\S+)") == kernel_release
        assert sh.run("grep -c processor /proc/cpuinfo", r"(\d+)") == "1"
        for n in range(5):
            assert sh.run(f"echo $(({n}*7))", r"(\d+)") == str(n * 7)


def test_a_long_pasted_line_arrives_whole(zvm):
    """More than the emulated UART's 32-byte FIFO at once: ZVM holds the rest
    back until the guest has room, as flow control would; nothing is lost."""
    word = "".join(chr(ord("a") + i % 26) for i in range(90))
    with linux_shell(zvm) as sh:
        assert sh.run(f"echo {word} | wc -c", r"\s*(\d+)", timeout=30) == "91"
