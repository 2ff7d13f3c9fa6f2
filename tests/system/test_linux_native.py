"""Boots the Linux guest (the unmodified Debian arm64 kernel and our busybox
initramfs, guests/linux) natively on QEMU, without ZVM, and talks to its
shell: this is the reference the same files must match under ZVM.

The files are built here through guests/linux/Makefile, which downloads the
Debian packages when missing. The tests skip only when that build says apt
cannot provide the packages (no access to the archive); any other build
failure fails them."""
import os
import re
import subprocess

import pytest

from qemu_harness import QemuMachine

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BUILD = os.environ.get("BUILD", "build")
OUT = os.path.join(REPO, BUILD, "linux")
IMAGE = os.path.join(OUT, "Image")
INITRAMFS = os.path.join(OUT, "initramfs.cpio.gz")
VERSIONS = os.path.join(OUT, "versions.txt")
# guests/linux/fetch.sh starts every "apt cannot provide it" error with this.
APT_UNAVAILABLE = "linux-guest: APT UNAVAILABLE:"
BUILD_TIMEOUT = 900     # a first build downloads about 60 MB
BOOT_TIMEOUT = 120      # a couple of seconds on a quiet host; generous on CI
SHELL_TIMEOUT = 20
CMDLINE = "console=ttyAMA0 earlycon panic=-1"
PROMPT = r"^linux# "


@pytest.fixture(scope="module")
def kernel_release():
    """Builds the guest's files (a no-op when up to date) and returns the
    kernel release they came from, as recorded by fetch.sh."""
    try:
        result = subprocess.run(
            ["make", "-C", os.path.join(REPO, "guests", "linux"), f"BUILD={BUILD}"],
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
            timeout=BUILD_TIMEOUT, check=False)
    except subprocess.TimeoutExpired:
        pytest.fail(f"building the Linux guest took over {BUILD_TIMEOUT}s")
    if result.returncode != 0:
        reasons = [line for line in result.stdout.splitlines()
                   if line.startswith(APT_UNAVAILABLE)]
        if reasons:
            pytest.skip("Linux guest not buildable: " + reasons[-1])
        pytest.fail("building the Linux guest failed:\n" + result.stdout[-4000:])
    assert os.path.exists(IMAGE) and os.path.exists(INITRAMFS)
    with open(VERSIONS) as versions:
        match = re.search(r"^kernel \S+ \S+ release (\S+)$", versions.read(), re.MULTILINE)
    assert match, f"{VERSIONS} does not name the kernel release"
    return match.group(1)


def qemu_args(cpu, vcpus, machine="virt,gic-version=3"):
    return ["-M", machine, "-cpu", cpu, "-smp", str(vcpus), "-m", "512M",
            "-nographic", "-kernel", IMAGE, "-initrd", INITRAMFS,
            "-append", CMDLINE]


def run(vm, command, answer):
    """Types a command at the prompt; returns the first line matching answer."""
    vm.send(command + "\n")
    line = vm.expect(answer, SHELL_TIMEOUT).group(1)
    vm.expect(PROMPT, SHELL_TIMEOUT)
    return line


def boot_to_prompt(vm, kernel_release, vcpus):
    # The banner and the CPU count come from our /init (guests/linux/init).
    assert vm.expect(r"ZVM Linux guest up: (\S+)\n", BOOT_TIMEOUT).group(1) == kernel_release
    assert int(vm.expect(r"^cpus: (\d+)\n", SHELL_TIMEOUT).group(1)) == vcpus
    vm.expect(PROMPT, SHELL_TIMEOUT)


@pytest.mark.parametrize("cpu", ["cortex-a53", "cortex-a76"])
@pytest.mark.parametrize("vcpus", [1, 2])
def test_linux_boots_to_shell_native(kernel_release, cpu, vcpus):
    with QemuMachine(qemu_args(cpu, vcpus), name=f"linux-native-{cpu}-{vcpus}") as vm:
        boot_to_prompt(vm, kernel_release, vcpus)
        assert run(vm, "uname -m", r"^(\S+)\n") == "aarch64"
        assert int(run(vm, "cat /proc/cpuinfo | grep -c processor", r"^(\d+)\n")) == vcpus
        output = vm.output
    assert "Kernel panic" not in output
    assert f"SMP: Total of {vcpus} processors activated" in output


def test_linux_boots_at_el2_native(kernel_release):
    """With virtualization=on QEMU starts Linux at EL2, as ZVM itself is
    started; the Debian kernel must take that too (it keeps EL2 for KVM)."""
    args = qemu_args("cortex-a76", 2, machine="virt,gic-version=3,virtualization=on")
    with QemuMachine(args, name="linux-native-el2") as vm:
        boot_to_prompt(vm, kernel_release, 2)
        assert run(vm, "uname -r", r"^(\S+)\n") == kernel_release
        output = vm.output
    assert "CPU: All CPU(s) started at EL2" in output
