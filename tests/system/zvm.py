"""Boots ZVM in QEMU and drives its shell like a user does."""
import os
import re

from qemu_harness import QemuMachine

BUILD = os.environ.get("BUILD", "build")
IMAGE = os.path.join(BUILD, "zvm-qemu-virt.bin")
PROMPT = r"zvm> "
BOOT_TIMEOUT = 30
COMMAND_TIMEOUT = 60


def qemu_args(cpu="cortex-a53", smp=4, mem="1G", virtualization=True, extra=()):
    machine = "virt,gic-version=3" + (",virtualization=on" if virtualization else "")
    return ["-M", machine, "-cpu", cpu, "-smp", str(smp), "-m", mem,
            "-nographic", "-kernel", IMAGE, *extra]


class Zvm(QemuMachine):
    """A booted ZVM: run() types a command and returns what it printed."""

    def boot(self):
        self.start()
        self.expect(PROMPT, BOOT_TIMEOUT)
        return self

    def run(self, command, timeout=COMMAND_TIMEOUT):
        self.send(command + "\r")
        match = self.expect(re.escape(command) + r"\n", timeout)
        begin = match.end()
        end = self.expect(PROMPT, timeout).start()
        return self.output[begin:end]


def boot_zvm(name, **kwargs):
    return Zvm(qemu_args(**kwargs), name).boot()


def start_zvm(name, **kwargs):
    """Starts QEMU without waiting for the prompt (for boots that must fail)."""
    return Zvm(qemu_args(**kwargs), name).start()
