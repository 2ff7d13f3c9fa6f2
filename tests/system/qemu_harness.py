"""Boots QEMU with its serial port on stdio and talks to it like a user.

Every wait is bounded and keyed on output, never on sleeping; QEMU is always
killed by its PID (with icount and sleep=off it may ignore SIGTERM).
"""
import ctypes
import os
import re
import select
import signal
import subprocess
import time

BUILD = os.environ.get("BUILD", "build")
LOG_DIR = os.path.join(BUILD, "system-logs")

# Every QEMU the tests and benchmarks start.  No implicit NIC: the virt
# board's default is a PCI virtio-net whose option ROM (efi-virtio.rom, from
# ipxe-qemu) a fresh machine lacks, and ZVM drives no PCI device; a NIC is
# always given explicitly, as a virtio-mmio device.
QEMU = ["qemu-system-aarch64", "-nic", "none"]

# The board's disk (ZVM drives it; VMs get partitions of it): a virtio-mmio
# virtio-blk-device on a raw image, as `make run` gives build/disk.img.  A
# machine gets a fresh sparse image of its own unless it names one to keep
# (a test of what survives a reboot boots twice on the same file).
DISK_DIR = os.path.join(BUILD, "system-disks")
DISK_BYTES = 64 << 20


def disk_args(path):
    # QEMU's virtio-mmio is legacy (version 1) unless told; ZVM drives version 2.
    return ["-global", "virtio-mmio.force-legacy=false", "-drive", f"if=none,format=raw,file={path},id=board-disk",
            "-device", "virtio-blk-device,drive=board-disk"]


# The board's NIC (ZVM drives it; it is the virtual switch's uplink): a
# virtio-mmio virtio-net-device on QEMU's user network, 10.0.2.0/24 with the
# host at 10.0.2.2.  Every machine gets one; it forwards nothing from the
# host unless asked (hostfwd), and then on 127.0.0.1 only.
def nic_args(hostfwd=()):
    """hostfwd: (proto, host_port, guest_ip, guest_port) tuples."""
    forwards = "".join(f",hostfwd={proto}:127.0.0.1:{hport}-{gip}:{gport}"
                       for proto, hport, gip, gport in hostfwd)
    return ["-global", "virtio-mmio.force-legacy=false",
            "-netdev", f"user,id=board-net,net=10.0.2.0/24{forwards}",
            "-device", "virtio-net-device,netdev=board-net"]


def free_udp_port():
    """A UDP port on 127.0.0.1 that nobody holds right now (the kernel picks
    it), for a host forward: tests run beside other QEMUs, never a fixed one."""
    import socket
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


PR_SET_PDEATHSIG = 1  # linux/prctl.h


def die_with_parent():
    """In the child before exec: SIGKILL when the test process dies, however
    it dies (a `timeout`, a crash), so that no QEMU outlives its test."""
    ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)


def fresh_disk(path, size=DISK_BYTES):
    """An all-zero sparse image at path (replacing what was there)."""
    os.makedirs(os.path.dirname(path) or ".", exist_ok=True)
    with open(path, "wb") as f:
        f.truncate(size)
    return path


class QemuMachine:
    """QEMU with args; or, given command, a program that starts QEMU itself
    (`make run`): it runs in a process group of its own, killed as one."""

    def __init__(self, args, name="qemu", command=None, disk="fresh", nic=True, hostfwd=()):
        """disk: "fresh" (a new image of its own at each start), a path (kept
        as it is), or None (no disk).  nic: the board's NIC, with hostfwd
        (see nic_args).  Neither is used with command."""
        self.args = list(args)
        self.disk = disk if not command else None
        self.nic = nic and not command
        self.hostfwd = tuple(hostfwd)
        self.command = list(command) if command else QEMU + self.args
        self.name = name
        self.output = ""
        self._scan_from = 0
        self.proc = None
        self._log = None

    # -- life cycle ---------------------------------------------------------
    def start(self):
        if self.proc:
            return self     # started already: never a second QEMU behind our back
        os.makedirs(LOG_DIR, exist_ok=True)
        self._log = open(os.path.join(LOG_DIR, self.name + ".log"), "w")
        command = self.command
        if self.disk == "fresh":
            command = command + disk_args(fresh_disk(os.path.join(DISK_DIR, self.name + ".img")))
        elif self.disk:
            command = command + disk_args(self.disk)
        if self.nic:
            command = command + nic_args(self.hostfwd)
        self.proc = subprocess.Popen(
            command, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT, bufsize=0, start_new_session=True,
            preexec_fn=die_with_parent)
        return self

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.kill()
        return False

    def kill(self):
        if self.proc and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait()
        if self._log:
            self._log.close()
            self._log = None

    def wait_exit(self, timeout):
        """Waits for QEMU to exit by itself, reading its output meanwhile."""
        deadline = time.monotonic() + timeout
        while self.proc.poll() is None:
            if time.monotonic() > deadline:
                raise TimeoutError(f"{self.name}: QEMU still running after "
                                   f"{timeout}s\n{self.tail()}")
            self._read(min(0.5, deadline - time.monotonic()))
        self._read(0)
        return self.proc.returncode

    # -- talking ------------------------------------------------------------
    def send(self, text):
        self.proc.stdin.write(text.encode())
        self.proc.stdin.flush()

    def expect(self, pattern, timeout=30):
        """Waits for pattern in output not yet matched; returns the match."""
        regex = re.compile(pattern, re.MULTILINE)
        deadline = time.monotonic() + timeout
        while True:
            match = regex.search(self.output, self._scan_from)
            if match:
                self._scan_from = match.end()
                return match
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise TimeoutError(f"{self.name}: no {pattern!r} within "
                                   f"{timeout}s\n{self.tail()}")
            if not self._read(min(remaining, 1.0)) and self.proc.poll() is not None:
                self._read(0)
                if not regex.search(self.output, self._scan_from):
                    raise EOFError(f"{self.name}: QEMU exited "
                                   f"({self.proc.returncode}) before "
                                   f"{pattern!r}\n{self.tail()}")

    def since_mark(self):
        """Output that arrived after the last successful expect()."""
        return self.output[self._scan_from:]

    def tail(self, chars=3000):
        return "---- last output ----\n" + self.output[-chars:]

    def _read(self, timeout):
        ready, _, _ = select.select([self.proc.stdout], [], [], max(timeout, 0))
        if not ready:
            return False
        data = os.read(self.proc.stdout.fileno(), 65536)
        if not data:
            return False
        text = data.decode("utf-8", errors="replace").replace("\r", "")
        self.output += text
        self._log.write(text)
        self._log.flush()
        return True
