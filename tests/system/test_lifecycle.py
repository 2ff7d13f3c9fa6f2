"""Every state ZVM reports is true, on the shipped default system
(configs/qemu-virt.dts: the RTOS with direct delivery on core 1, SMP Linux
on cores 2-3), driven through the shell like an operator does.

One boot serves the whole module, so the tests run in this order and each
leaves the system as the next expects it: the RTOS is stopped and started
again, Linux reboots, panics and powers itself off, core 1 is stopped on
purpose (the RTOS's VM dies with it), then VMs are deleted and created.
Every wait is on console output or ZVM's log, with generous bounds.
"""
import itertools
import re
import time

import pytest

from test_linux_guest import BOOT_TIMEOUT, linux_shell, system_image, vm_row
from test_linux_native import kernel_release  # noqa: F401 (fixture)
from zvm import Zvm, qemu_args

RTOS_BOOT = '{"rtos":"boot"'
RTOS_IDLE = re.compile(r'\{"rtos":"idle"\}')
EVENT_TIMEOUT = 60
PENDING_KEYS = 1024     # PENDING_BYTES in hypervisor/vmm/vm_console.c
ASK_AGAIN = 5           # seconds between questions to a booting Linux


@pytest.fixture(scope="module")
def zvm(kernel_release):  # noqa: F811 (the fixture imported above)
    with Zvm(qemu_args(image=system_image()), "lifecycle") as machine:
        machine.boot()
        yield machine


def info(zvm, vm):
    """(state, reason, restarts, crashes, vcpu0's state, vcpu0's traps)."""
    out = zvm.run(f"zvm info {vm}")
    head = re.search(r"^vm \d+ '\S+' \(\w+\): (\w+) - (.*)$", out, re.M)
    counts = re.search(r"restarts (\d+), crashes (\d+)", out)
    vcpu = re.search(r"vcpu0 on core \d+: ([^,]+), traps (\d+)", out)
    assert head and counts and vcpu, out
    return (head[1], head[2], int(counts[1]), int(counts[2]), vcpu[1], int(vcpu[2]))


def rtos_booted(new):
    """the RTOS booted and idles"""
    return RTOS_BOOT in new and RTOS_IDLE.search(new.rsplit(RTOS_BOOT, 1)[-1])


def rtos_idles(new):
    """the RTOS idles"""
    return RTOS_IDLE.search(new)


def wait_log(zvm, pattern, timeout=EVENT_TIMEOUT):
    """Waits for one of ZVM's log lines (they print on the shell's terminal)."""
    return zvm.expect(pattern, timeout)


def wait_until(zvm, command, done, timeout=EVENT_TIMEOUT):
    """Runs command until done(its output); the health monitor acts within
    its period, the bound is for a loaded host."""
    deadline = time.monotonic() + timeout
    while True:
        out = zvm.run(command)
        if done(out):
            return out
        assert time.monotonic() < deadline, f"{command}: still\n{out}"


def test_stop_and_restart_the_direct_delivery_rtos(zvm):
    """A stop of the direct-delivery RTOS once timed out (ZVM's IPIs, Group 0
    FIQs on its core, were never forwarded) and was reported as done."""
    zvm.watch("rtos", rtos_idles)
    out = zvm.run("zvm stop rtos")
    assert "vm 1 stopped" in out and "did not" not in out, out
    assert "vm1.vcpu0" not in zvm.run("threads")
    state, reason, _, crashes, vcpu, _ = info(zvm, "rtos")
    assert (state, reason, crashes, vcpu) == ("stopped", "stopped by the operator", 0, "off")
    before = zvm.console("rtos")
    assert "vm 1 started" in zvm.run("zvm start rtos")
    zvm.watch("rtos", rtos_booted, before)
    before = zvm.console("rtos")
    out = zvm.run("zvm restart rtos")
    assert "vm 1 restarted" in out and "did not" not in out, out
    zvm.watch("rtos", rtos_booted, before)
    threads = zvm.run("threads")
    assert threads.count("vm1.vcpu0") == 1, threads
    state, _, restarts, crashes, vcpu, traps = info(zvm, "rtos")
    assert (state, restarts, crashes, vcpu) == ("running", 1, 0, "on") and traps > 0
    assert "stuck" not in zvm.run("log")


MARKERS = itertools.count(2001)


def linux_answers(zvm, timeout=BOOT_TIMEOUT):
    """Waits until a Linux shell answers on the console: keys typed while
    it boots may be lost, so ask again every few seconds.  An answer no
    earlier question got is live output, never the replay."""
    zvm.attach("linux")
    deadline = time.monotonic() + timeout
    try:
        while True:
            marker = next(MARKERS)
            zvm.send(f"echo up=$(({marker}-1+1))\r")
            try:
                zvm.expect(rf"^up={marker}\n", ASK_AGAIN)
                return
            except TimeoutError:
                assert time.monotonic() < deadline, "the Linux shell never answered"
    finally:
        zvm.detach()


def linux_command(zvm, command, *logged, boots=True):
    """Types a command into the Linux shell that ends this boot, waits
    (still attached: ZVM's log prints there too) for each logged line and,
    if the guest boots again, for its new shell."""
    with linux_shell(zvm):
        zvm.send(command + "\r")
        for pattern in logged:
            wait_log(zvm, pattern)
    if boots:
        linux_answers(zvm)


def test_keys_typed_to_a_paused_vm_are_never_dropped_silently(zvm):
    assert "vm 1 paused" in zvm.run("zvm pause rtos")
    zvm.attach("rtos")
    zvm.send("x" * (3 * PENDING_KEYS))
    zvm.expect(r"\[zvm: 'rtos' is paused and not reading its console: 1024 typed keys "
               r"wait, more are dropped\]", EVENT_TIMEOUT)
    zvm.detach()
    assert "vm 1 resumed" in zvm.run("zvm resume rtos")


def test_linux_reboot_is_a_reboot(zvm):
    assert vm_row(zvm, "linux") == ("running", 0)
    linux_command(zvm, "reboot -f", r"vm 2 'linux' rebooted by the guest \(PSCI SYSTEM_RESET\)",
                  r"vm 2 'linux' rebooted by its guest")
    state, _, restarts, crashes, vcpu, _ = info(zvm, "linux")
    assert (state, restarts, crashes, vcpu) == ("running", 1, 0, "on")


def test_a_console_replay_asks_the_terminal_nothing(zvm):
    """Busybox asks for the cursor position (ESC [ 6 n) at every prompt; a
    replay of that, after a reboot, typed the terminal's answer into the new
    boot.  Live output keeps it; the replay does not."""
    replay = zvm.console("linux")
    assert "linux# " in replay and "ZVM Linux guest up" in replay, replay[-500:]
    assert "\x1b[6n" not in replay
    with linux_shell(zvm):
        zvm.send("echo live\r")
        zvm.expect(r"linux# \x1b\[6n", EVENT_TIMEOUT)


def test_a_linux_panic_is_a_crash(zvm):
    """Linux under ZVM resets at once after a panic, as a warm reset
    (SYSTEM_RESET2): a crash, so the recovery policy ("restart") applies."""
    linux_command(zvm, "echo c > /proc/sysrq-trigger",
                  r"vm 2 'linux' crashed on vCPU \d: kernel panic",
                  r"vm 2 'linux' restarted \(2 restarts\)")
    state, _, restarts, crashes, _, _ = info(zvm, "linux")
    assert (state, restarts, crashes) == ("running", 2, 1)
    assert "Kernel panic - not syncing" in zvm.output


def test_linux_power_off_leaves_it_stopped(zvm):
    linux_command(zvm, "poweroff -f",
                  r"vm 2 'linux' powered off by the guest \(PSCI SYSTEM_OFF\)", boots=False)
    # Its vCPU threads are reaped: the state is the whole truth.
    wait_until(zvm, "threads", lambda out: "vm2.vcpu" not in out)
    state, reason, restarts, crashes, vcpu, _ = info(zvm, "linux")
    assert (state, restarts, crashes, vcpu) == ("stopped", 2, 1, "off")
    assert reason == "powered off by the guest (PSCI SYSTEM_OFF)"
    assert vm_row(zvm, "linux") == ("stopped", 2)


def test_zvm_shutdown_asks_the_guest_to_power_off(zvm):
    """Like `xl shutdown`: Linux powers itself off (serial SysRq 'o'); a
    guest that takes no request is refused with what to do instead."""
    out = zvm.run("zvm shutdown rtos")
    assert "zvm shutdown: 'rtos' (rtos) takes no shutdown request; 'zvm stop rtos' " \
        "stops it at once" in out, out
    assert "zvm shutdown: 'linux' is stopped: only a running VM can shut down" in \
        zvm.run("zvm shutdown linux")
    assert "vm 2 started" in zvm.run("zvm start linux")
    linux_answers(zvm)
    out = zvm.run("zvm shutdown linux", timeout=EVENT_TIMEOUT)
    assert "vm 2 shut down" in out, out
    state, reason, _, crashes, vcpu, _ = info(zvm, "linux")
    assert (state, reason, crashes, vcpu) == \
        ("stopped", "powered off by the guest (PSCI SYSTEM_OFF)", 1, "off")
    assert "vm2.vcpu" not in zvm.run("threads")


def test_a_dead_core_is_a_crash_of_its_vm(zvm):
    out = zvm.run("debug fault 1")
    assert "CPU 1 did not come back from the fault: stopped" in out, out
    wait_until(zvm, "zvm info rtos", lambda out: "crashed - core 1 of vCPU 0 stopped" in out)
    state, reason, _, crashes, vcpu, _ = info(zvm, "rtos")
    assert (state, crashes, vcpu) == ("crashed", 1, "core stopped"), reason
    # Its recovery policy cannot bring it back there, and says so.
    assert "the VM cannot run there" in zvm.run("zvm start rtos")
    assert "the VM cannot run there" in zvm.run("zvm restart rtos")
    assert info(zvm, "rtos")[0] == "crashed"
    assert "vm 1 stopped" in zvm.run("zvm stop rtos")
    assert "vm 1 deleted" in zvm.run("zvm delete rtos")
    # No VM may be made on the stopped core (Linux keeps cores 2-3).
    out = zvm.run("zvm create -t rtos -c 1 -m 64")
    assert "need 1 free core(s), only 0 free" in out, out


def test_deleted_vms_give_their_memory_back(zvm):
    """Configured VMs' RAM is reserved at boot; deleted, it joins what
    `zvm create` can use, and a size that does not fit says what would."""
    assert "vm 2 deleted" in zvm.run("zvm delete linux")
    out = zvm.run("zvm create -t rtos -c 1 -m 1024")
    largest = re.search(r"not enough free memory for rtos1 \(1024 MiB\): the largest that "
                        r"fits now is (\d+) MiB", out)
    assert largest, out
    fits = int(largest[1])
    assert fits >= 512, out     # the 320 MiB of both configured VMs came back
    out = zvm.run(f"zvm create -t rtos -c 1 -m {fits} -n big")
    assert "'big' created on core(s) 2" in out, out
    assert "deleted" in zvm.run("zvm delete big")
    # 300 MiB is no power of two: it takes 300 MiB (and its stage-2
    # tables), not 512.
    before = free_pages(zvm)
    out = zvm.run("zvm create -t rtos -c 1 -m 300 -n mid")
    assert "'mid' created on core(s) 2" in out, out
    taken = before - free_pages(zvm)
    assert 300 * PAGES_PER_MIB <= taken <= 300 * PAGES_PER_MIB + STAGE2_TABLES_MAX, taken
    assert "started" in zvm.run("zvm start mid")
    assert info(zvm, "mid")[0] == "running"


PAGES_PER_MIB = 256
STAGE2_TABLES_MAX = 8


def free_pages(zvm):
    pages = re.search(r"^pages +(\d+) free of \d+", zvm.run("mem"), re.M)
    assert pages
    return int(pages[1])


def test_names_that_read_as_ids_or_split_are_refused(zvm):
    for name in ("3", "2x", "a.b", "-x"):
        out = zvm.run(f"zvm create -t rtos -c 1 -m 16 -n {name}")
        assert f"zvm create: VM name '{name}': use a letter, then letters, digits" in out, out
    assert "no VM" in zvm.run("zvm info 3")
