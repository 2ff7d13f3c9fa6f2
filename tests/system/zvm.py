"""Boots ZVM in QEMU and drives its shell like a user does."""
import os
import re
import subprocess
import time

from qemu_harness import QemuMachine

BUILD = os.environ.get("BUILD", "build")
IMAGE = os.path.join(BUILD, "zvm-qemu-virt.bin")
PROMPT = r"zvm> "
BOOT_TIMEOUT = 30
COMMAND_TIMEOUT = 60

# zvm console <vm> replays what the VM printed (its console ring), then
# streams live output until Ctrl-].  ZVM's own log lines may land in the
# middle of a VM's output while attached; guest_text() takes them out.
CONSOLE_HEADER = r"\[console of vm (\d+) '([^']*)' \((\w+)\); Ctrl-\] returns to ZVM\]\n"
DETACH_KEY = "\x1d"
BACK_TO_ZVM = r"\n\[back to ZVM\]\n"
LOG_LINE = re.compile(r"\[ *\d+\.\d{6}\] cpu\d+ (?:error|warn|info|debug): [^\n]*\n")
ANCHOR_MIN = 160


def qemu_args(cpu="cortex-a53", smp=4, mem="1G", virtualization=True, extra=(),
              image=IMAGE):
    machine = "virt,gic-version=3" + (",virtualization=on" if virtualization else "")
    return ["-M", machine, "-cpu", cpu, "-smp", str(smp), "-m", mem,
            "-nographic", "-kernel", image, *extra]


REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
MAKE_TIMEOUT = 600


def system_image(system):
    """make SYSTEM=<system> system: packs ZVM, configs/<system>.dts and the
    guests (cheap when up to date, so the image is never older than the
    tree); returns the image's path."""
    result = subprocess.run(
        ["make", "--no-print-directory", f"BUILD={BUILD}", f"SYSTEM={system}", "system"],
        cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
        timeout=MAKE_TIMEOUT, check=False)
    if result.returncode != 0:
        raise RuntimeError(f"make SYSTEM={system} system failed:\n" + result.stdout[-4000:])
    return os.path.join(REPO, BUILD, f"system-{system}.img")


class Zvm(QemuMachine):
    """A booted ZVM: run() types a command and returns what it printed."""

    def boot(self):
        self.start()
        try:
            self.expect(PROMPT, BOOT_TIMEOUT)
        except BaseException:
            self.kill()  # no `with` holds it yet: nobody else would
            raise
        return self

    def run(self, command, timeout=COMMAND_TIMEOUT):
        self.send(command + "\r")
        begin = self._expect_echo(command, timeout)
        end = self.expect(PROMPT, timeout).start()
        return self.output[begin:end]

    def _expect_echo(self, command, timeout):
        """Waits for the shell's echo of command and its line end, which a
        log line from another core may split (ZVM logs at once, as Linux's
        printk does, whatever the user is typing); returns where the echo ends."""
        deadline = time.monotonic() + timeout
        while (end := echo_end(self.output, self._scan_from, command)) is None:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise TimeoutError(f"{self.name}: no echo of {command!r} within "
                                   f"{timeout}s\n{self.tail()}")
            if not self._read(min(remaining, 1.0)) and self.proc.poll() is not None:
                raise EOFError(f"{self.name}: QEMU exited before the echo of "
                               f"{command!r}\n{self.tail()}")
        self._scan_from = end
        return end

    # -- VM consoles ---------------------------------------------------------
    def attach(self, vm, timeout=COMMAND_TIMEOUT):
        """Types `zvm console <vm>`; returns the header's match (id, name, state)."""
        self.send(f"zvm console {vm}\r")
        return self.expect(CONSOLE_HEADER, timeout)

    def detach(self, begin=None, timeout=COMMAND_TIMEOUT):
        """Ctrl-]; returns the raw console output from `begin` (default: the
        end of the last expect()) up to ZVM's "[back to ZVM]"."""
        if begin is None:
            begin = self._scan_from
        self.send(DETACH_KEY)
        back = self.expect(BACK_TO_ZVM, timeout)
        self.expect(PROMPT, timeout)
        return self.output[begin:back.start()]

    def console(self, vm, timeout=COMMAND_TIMEOUT):
        """The replay of a VM's console ring, which must not be empty.

        Detaching once the first replayed line is out is safe: ZVM drains
        the whole replay before it reads the next key."""
        begin = self.attach(vm, timeout).end()
        self.expect(r"\n", timeout)
        return guest_text(self.detach(begin, timeout))

    def wait_console(self, begin, until, what, timeout=COMMAND_TIMEOUT):
        """While attached: waits until until(raw) is true for the raw output
        from `begin` on; returns that output."""
        deadline = time.monotonic() + timeout
        while not until(self.output[begin:]):
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise TimeoutError(f"{self.name}: no {what} within {timeout}s\n"
                                   f"{self.tail()}")
            if not self._read(min(remaining, 1.0)) and self.proc.poll() is not None:
                raise EOFError(f"{self.name}: QEMU exited before {what}\n{self.tail()}")
        self._scan_from = len(self.output)
        return self.output[begin:]

    def watch(self, vm, until, before="", timeout=COMMAND_TIMEOUT):
        """Attaches to vm's console and waits until until(new) is true, where
        new is what the VM printed after `before` (an earlier console() of
        it; "" for all of it).  Detaches and returns new."""
        def seen(raw):
            new = new_output(guest_text(raw), before)
            return new is not None and until(new)

        begin = self.attach(vm, timeout).end()
        what = (f"{getattr(until, '__doc__', None) or until} on the console of {vm} "
                f"after {anchor_of(before)[-80:]!r}")
        raw = self.wait_console(begin, seen, what, timeout)
        self.detach(timeout=timeout)
        return new_output(guest_text(raw), before)

def boot_zvm(name, **kwargs):
    return Zvm(qemu_args(**kwargs), name).boot()


def start_zvm(name, **kwargs):
    """Starts QEMU without waiting for the prompt (for boots that must fail)."""
    return Zvm(qemu_args(**kwargs), name).start()


def boot_system(name, system="test-vms", **kwargs):
    """Boots the packed system image of configs/<system>.dts."""
    return Zvm(qemu_args(image=system_image(system), **kwargs), name).boot()


def guest_text(raw):
    """What a VM printed, without ZVM's log lines mixed into it."""
    return LOG_LINE.sub("", raw)


def echo_end(raw, start, command):
    """Where `command` and a line end first appear in raw[start:] once ZVM's
    log lines are taken out; that end as an index of raw, or None."""
    kept, where = [], []          # the text without log lines; each kept part's raw start
    pos = start
    for log in LOG_LINE.finditer(raw, start):
        kept.append(raw[pos:log.start()])
        where.append(pos)
        pos = log.end()
    kept.append(raw[pos:])
    where.append(pos)
    text = "".join(kept)
    found = text.find(command + "\n")
    if found < 0:
        return None
    end = found + len(command) + 1
    for part, raw_start in zip(kept, where):
        if end <= len(part):
            return raw_start + end
        end -= len(part)
    return None


def anchor_of(before):
    """The shortest tail of `before` (at least ANCHOR_MIN characters) that
    occurs only once in it: where a later replay of the same ring resumes."""
    n = min(len(before), ANCHOR_MIN)
    while n < len(before) and before.find(before[-n:]) != len(before) - n:
        n = min(len(before), n * 2)
    return before[len(before) - n:]


def new_output(text, before):
    """What `text` (a later replay of a console) holds beyond `before` (an
    earlier one), or None while the point where `before` ended is not seen."""
    anchor = anchor_of(before)
    pos = text.find(anchor)
    return None if pos < 0 else text[pos + len(anchor):]
