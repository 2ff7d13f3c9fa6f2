"""Runs the guest RTOS's benchmark suite as a VM under ZVM and returns what
the VM printed.

The packed system image (configs/<system>.dts, `make SYSTEM=<system> SMP=2
system`) autostarts one VM named `rtos`.  The suite runs, the RTOS powers
its VM off, and ZVM logs
    vm 1 'rtos' powered off by the guest (PSCI SYSTEM_OFF)
at its shell (anything else that ends the VM is logged as "vm 1 'rtos'
crashed on vCPU 0: <why>", and the run fails with it).  Then `zvm console rtos` replays the VM's console ring (16 KiB,
far more than the suite prints), and Ctrl-] returns to the shell.

Nothing is typed before the power-off, so the guest's figures never depend
on when the host happens to send a key.  Every wait is bounded; QEMU is
killed with SIGKILL by PID (under icount it may ignore SIGTERM).
"""
import codecs
import os
import re
import select
import signal
import subprocess
import time

PROMPT = "zvm> "
VM_NAME = "rtos"
POWERED_OFF = "powered off by the guest (PSCI SYSTEM_OFF)"
END_RE = re.compile(r"vm (\d+) '" + VM_NAME + r"' (?:crashed on vCPU \d+: ([^\n]*)\n|"
                    + re.escape(POWERED_OFF) + ")")
CONSOLE_HEADER_RE = re.compile(r"\[console of vm \d+ '" + VM_NAME +
                               r"' \((\w+)\); Ctrl-\] returns to ZVM\]\n")
BACK_TO_ZVM = "[back to ZVM]"
DETACH_KEY = b"\x1d"                    # Ctrl-]
BANNER_RE = re.compile(r"^ZVM [^\r\n]*", re.MULTILINE)
# ZVM's own log lines may land in the middle of a VM's console output.
LOG_LINE_RE = re.compile(r"\[ *\d+\.\d{6}\] cpu\d+ (?:error|warn|info|debug): [^\n]*\n")


class ZvmSession:
    """One QEMU running ZVM, its serial port on our pipes."""

    def __init__(self, args, timeout):
        self.deadline = time.monotonic() + timeout
        self.timeout = timeout
        self.out = ""          # the serial output so far, without "\r"
        self.decoder = codecs.getincrementaldecoder("utf-8")(errors="replace")
        self.scan_from = 0
        self.proc = subprocess.Popen(args, stdin=subprocess.PIPE,
                                     stdout=subprocess.PIPE,
                                     stderr=subprocess.STDOUT)

    def close(self):
        if self.proc.poll() is None:
            os.kill(self.proc.pid, signal.SIGKILL)
        self.proc.wait()

    def send(self, data):
        self.proc.stdin.write(data)
        self.proc.stdin.flush()

    def expect(self, pattern):
        """Waits (within the session's deadline) for pattern, a compiled
        regex or a plain string, after the last match; returns the match."""
        regex = pattern if hasattr(pattern, "search") else re.compile(re.escape(pattern))
        while True:
            match = regex.search(self.out, self.scan_from)
            if match:
                self.scan_from = match.end()
                return match
            remaining = self.deadline - time.monotonic()
            if remaining <= 0:
                raise TimeoutError(f"no {regex.pattern!r} within {self.timeout}s:\n"
                                   + self.out[-2000:])
            ready, _, _ = select.select([self.proc.stdout], [], [], min(remaining, 1.0))
            if ready:
                data = os.read(self.proc.stdout.fileno(), 65536)
                if not data:
                    raise EOFError("QEMU exited:\n" + self.out[-2000:])
                # Dropping every "\r" also drops one of a "\r\n" that a
                # read split in two.
                self.out += self.decoder.decode(data).replace("\r", "")
            elif self.proc.poll() is not None:
                raise EOFError("QEMU exited:\n" + self.out[-2000:])


def run_suite(args, timeout):
    """Boots ZVM with args, waits for the rtos VM's power-off, replays its
    console; returns (ZVM's banner, what the VM printed)."""
    session = ZvmSession(args, timeout)
    try:
        session.expect(PROMPT)
        banner = BANNER_RE.search(session.out)
        over = session.expect(END_RE)
        if over.group(2) is not None and over.group(2) != POWERED_OFF:
            raise RuntimeError(f"vm '{VM_NAME}' crashed: {over.group(2)}\n"
                               + session.out[-2000:])
        session.send(f"zvm console {VM_NAME}\r".encode())
        begin = session.expect(CONSOLE_HEADER_RE).end()
        # The replay is drained before ZVM reads the next key, so once the
        # summary line is out Ctrl-] cannot cut it short.
        session.expect(re.compile(r'^\{"suite":"done"[^\n]*\n', re.MULTILINE))
        session.send(DETACH_KEY)
        end = session.expect(BACK_TO_ZVM).start()
        text = LOG_LINE_RE.sub("", session.out[begin:end])
    finally:
        session.close()
    return (banner.group(0) if banner else "unknown"), text
