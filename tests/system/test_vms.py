"""Guest partitions under ZVM, driven through its shell like an operator does.

Boots build/system-test-vms.img (configs/test-vms.dts): bm1 and bm2 are the
bare-metal test guest (guests/baremetal) on cores 1 and 2, autostarted, with
recovery "restart" and "none"; rtos is the guest RTOS on core 3, not started.
The bare-metal guest prints "alive <ticks>" every 10 ticks of its virtual
timer and crashes on purpose on console input.

There is no sleep here: a VM's own console output is the clock.  "Did bm1
stand still?" is answered by reading bm1's console ring, letting bm2 print a
few more lines, and reading bm1's ring again.
"""
import json
import os
import re
import subprocess

import pytest

from top import top_round
from zvm import boot_system, guest_text, new_output, system_image

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SYSTEM = "test-vms"
ALIVE = re.compile(r"^alive (\d+)\n", re.M)
ROW = re.compile(r"^(\d+)\s+(\S+)\s+(\S+)\s+(\S+)\s+(\S+)\s+(\d+) MiB\s+(\S+)\s+(\d+)$", re.M)
BUILD_TIMEOUT = 600
SUITE_TIMEOUT = 60      # the RTOS suite takes about a second under ZVM
HEARTBEAT_MS = 1500     # bm1's heartbeat-timeout-ms in configs/test-vms.dts
TICK_MS = 10            # the bare-metal guest's tick
VM_IDS = {"bm1": 1, "bm2": 2, "rtos": 3}
RTOS_BENCHMARKS = {     # at least what tests/system/test_rtos_native.py expects
    "counter_read", "irq_latency", "irq_to_thread", "task_switch",
    "preemption", "sem_shuffle", "msg_latency", "mutex_lock_unlock",
    "mem_alloc_free", "irq_latency_load", "irq_latency_load_irq2",
}


@pytest.fixture(scope="module", autouse=True)
def built_system():
    """make SYSTEM=test-vms system: a no-op pack when nothing changed."""
    result = subprocess.run(["make", "--no-print-directory", f"SYSTEM={SYSTEM}", "system"],
                            cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            text=True, timeout=BUILD_TIMEOUT)
    assert result.returncode == 0, result.stdout[-3000:]
    assert os.path.exists(system_image(SYSTEM))


@pytest.fixture(params=["cortex-a53", "cortex-a76"])
def zvm(request):
    with boot_system(f"vms-{request.node.name}", SYSTEM, cpu=request.param) as machine:
        yield machine


# --- reading what the VMs printed -------------------------------------------
def up_line(vm_id):
    return f"baremetal guest: vm {vm_id} up\n"


def boot_mark(vm_id, name):
    """The line ZVM writes into a VM's console ring when it boots again."""
    return rf"\n\[ZVM: vm {vm_id} '{name}' boot \d+\]\n"


def alive(text):
    return [int(n) for n in ALIVE.findall(text)]


def this_boot(text, vm_id):
    """What the guest printed since it last booted."""
    return text.rsplit(up_line(vm_id), 1)[-1]


def assert_increasing(counts):
    assert counts == sorted(set(counts)), f"alive counts out of order: {counts}"


def more_lines(n):
    def until(new):
        return len(alive(new)) >= n
    until.__doc__ = f"{n} more alive line(s)"
    return until


def rebooted(vm_id, lines=1):
    """The guest printed its boot line again, then `lines` alive lines."""
    marker = up_line(vm_id)

    def until(new):
        return marker in new and len(alive(new.rsplit(marker, 1)[1])) >= lines
    until.__doc__ = f"a fresh boot of vm {vm_id} with {lines} alive line(s)"
    return until


def vm_list(zvm):
    rows = {}
    for m in ROW.finditer(zvm.run("zvm list")):
        rows[m[2]] = {"id": int(m[1]), "os": m[3], "state": m[4], "cores": m[5],
                      "mib": int(m[6]), "uptime": m[7], "restarts": int(m[8])}
    return rows


def vm_info(zvm, vm):
    out = zvm.run(f"zvm info {vm}")
    head = re.search(r"^vm (\d+) '(\S+)' \((\w+)\): (\w+) - (.*)$", out, re.M)
    s2 = re.search(r"stage-2 VMID (\d+): (\d+) x 1 GiB, (\d+) x 2 MiB, (\d+) x 4 KiB", out)
    img = re.search(r"recovery: (\w+); restarts (\d+), crashes (\d+), faults (\d+), "
                    r"aborts (\d+)", out)
    gic = re.search(r"vgic: (\d+) injected, (\d+) delivered, (\d+) outstanding, (\d+) lost", out)
    vcpu = re.search(r"vcpu0 on core (\d+): ([^,]+), traps (\d+) \(hvc (\d+), mmio (\d+), "
                     r"sysreg (\d+), irq (\d+)\), interrupts loaded (\d+) "
                     r"\(\+(\d+) timer fast path\)", out)
    assert head and s2 and img and gic and vcpu, out
    return {"id": int(head[1]), "state": head[4], "reason": head[5], "vmid": int(s2[1]),
            "blocks": (int(s2[2]), int(s2[3]), int(s2[4])), "recovery": img[1],
            "restarts": int(img[2]), "crashes": int(img[3]), "faults": int(img[4]),
            "aborts": int(img[5]),
            "injected": int(gic[1]), "delivered": int(gic[2]), "lost": int(gic[4]),
            "core": int(vcpu[1]), "power": vcpu[2], "hvc": int(vcpu[4]),
            "irq_traps": int(vcpu[7]), "timer_fast": int(vcpu[9])}


def stands_still(zvm, vm, witness, lines=2):
    """vm's console does not move while `witness` prints `lines` lines."""
    frozen = zvm.console(vm)
    zvm.watch(witness, more_lines(lines), zvm.console(witness))
    assert new_output(zvm.console(vm), frozen) == "", f"{vm} printed while it should not run"
    return frozen


# --- list, info, consoles ------------------------------------------------------
def test_list_shows_the_three_vms(zvm):
    rows = vm_list(zvm)
    assert set(rows) == {"bm1", "bm2", "rtos"}
    for name, (os_type, state, core) in {"bm1": ("baremetal", "running", "1"),
                                         "bm2": ("baremetal", "running", "2"),
                                         "rtos": ("rtos", "stopped", "3")}.items():
        row = rows[name]
        assert (row["id"], row["os"], row["state"], row["cores"], row["mib"],
                row["restarts"]) == (VM_IDS[name], os_type, state, core, 64, 0), row
    assert re.fullmatch(r"\d+:\d\d:\d\d", rows["bm1"]["uptime"])
    assert rows["rtos"]["uptime"] == "-"
    assert "usage: zvm list" in zvm.run("zvm list all")


def heartbeat_ms(zvm, vm):
    found = re.search(r"health: heartbeat timeout (\d+) ms", zvm.run(f"zvm info {vm}"))
    assert found
    return int(found[1])


def test_info_figures(zvm):
    seen = alive(zvm.watch("bm1", more_lines(3)))
    bm1, bm2, rtos = (vm_info(zvm, vm) for vm in ("bm1", "bm2", "rtos"))
    assert (bm1["state"], bm1["reason"], bm1["recovery"]) == ("running", "running", "restart")
    assert (bm2["recovery"], rtos["recovery"]) == ("none", "none")
    assert (rtos["state"], rtos["reason"], rtos["power"]) == ("stopped", "created", "off")
    # heartbeat-timeout-ms from configs/test-vms.dts, the default for rtos.
    assert [heartbeat_ms(zvm, vm) for vm in ("bm1", "bm2", "rtos")] == [1500, 2000, 500]
    # 64 MiB at a 2 MiB-aligned address: 32 blocks, no page tables below them.
    for info in (bm1, bm2, rtos):
        assert info["blocks"] == (0, 32, 0), info
        assert (info["restarts"], info["crashes"], info["faults"], info["lost"]) == (0, 0, 0, 0)
    assert len({bm1["vmid"], bm2["vmid"], rtos["vmid"]}) == 3
    assert (bm1["core"], bm2["core"], rtos["core"]) == (1, 2, 3)
    # Every tick the guest counted was a virtual-timer interrupt delivered.
    assert bm1["delivered"] >= seen[-1] and bm1["delivered"] <= bm1["injected"], bm1
    # Its timer interrupts take the vectors' fast path, never reaching C.
    assert bm1["timer_fast"] >= seen[-1] and bm1["power"] == "on"
    # The VM-id query plus a heartbeat per line.
    assert bm1["hvc"] >= 1 + len(seen), bm1
    assert (rtos["injected"], rtos["delivered"]) == (0, 0)
    assert vm_info(zvm, "2")["id"] == 2, "a VM is found by its id too"
    assert "no VM 'nosuch'; see 'zvm list'" in zvm.run("zvm info nosuch")
    assert "usage: zvm info <vm>" in zvm.run("zvm info")


@pytest.mark.parametrize("vm", ["bm1", "bm2"])
def test_console_replays_then_streams_and_ctrl_bracket_returns(zvm, vm):
    vm_id = VM_IDS[vm]
    first = zvm.watch(vm, more_lines(3))
    assert first.startswith(up_line(vm_id)), first
    assert_increasing(alive(first))
    # What was printed while nobody watched comes back from the ring.
    replay = zvm.console(vm)
    assert replay.startswith(up_line(vm_id)), replay
    assert alive(first)[:3] == alive(replay)[:3]
    later = alive(zvm.watch(vm, more_lines(3), replay))
    assert_increasing(alive(replay) + later)
    # Back at the prompt: the shell answers.
    assert "running" in vm_list(zvm)[vm]["state"]
    header = zvm.attach(vm)
    assert header.groups() == (str(vm_id), vm, "running")
    zvm.detach()
    assert "no VM 'bm9'; see 'zvm list'" in zvm.run("zvm console bm9")
    assert "usage: zvm console <vm>" in zvm.run("zvm console")


# --- lifecycle ------------------------------------------------------------------
PAUSE_ROUNDS = 20
STOP_ROUNDS = 10
RESTART_ROUNDS = 3


def test_pause_resume_many_times(zvm):
    zvm.watch("bm1", more_lines(1))
    for _ in range(PAUSE_ROUNDS):
        assert "vm 1 paused" in zvm.run("zvm pause bm1")
        assert vm_list(zvm)["bm1"]["state"] == "paused"
        frozen = stands_still(zvm, "bm1", witness="bm2")
        assert "vm 1 resumed" in zvm.run("zvm resume bm1")
        assert vm_list(zvm)["bm1"]["state"] == "running"
        resumed = zvm.watch("bm1", more_lines(1), frozen)
        assert up_line(1) not in resumed, "resume rebooted the guest"
        assert_increasing(alive(frozen) + alive(resumed))
    info = vm_info(zvm, "bm1")
    assert (info["state"], info["restarts"], info["crashes"], info["lost"]) == \
        ("running", 0, 0, 0)


def test_long_pause_is_not_a_missed_heartbeat(zvm):
    """A guest paused for longer than the heartbeat timeout is not a hung
    guest when it resumes (ZVM once restarted it at once)."""
    zvm.watch("bm1", more_lines(1))        # bm1 beats: the monitor watches it
    assert "vm 1 paused" in zvm.run("zvm pause bm1")
    frozen = zvm.console("bm1")
    zvm.watch("bm2", more_lines(2 * HEARTBEAT_MS // (10 * TICK_MS)), zvm.console("bm2"))
    assert "vm 1 resumed" in zvm.run("zvm resume bm1")
    # The monitor looks every 50 ms; give it many looks, by bm2's clock.
    zvm.watch("bm2", more_lines(4), zvm.console("bm2"))
    new = zvm.watch("bm1", more_lines(2), frozen)
    assert up_line(1) not in new, f"bm1 was restarted after its pause:\n{zvm.run('log')}"
    info = vm_info(zvm, "bm1")
    assert (info["state"], info["restarts"], info["crashes"]) == ("running", 0, 0), \
        zvm.run("log")


def test_stop_start_and_restart_many_times(zvm):
    zvm.watch("bm2", more_lines(1))
    for _ in range(STOP_ROUNDS):
        assert "vm 2 stopped" in zvm.run("zvm stop bm2")
        row = vm_list(zvm)["bm2"]
        assert (row["state"], row["uptime"]) == ("stopped", "-")
        info = vm_info(zvm, "bm2")
        assert (info["state"], info["reason"]) == ("stopped", "stopped by the operator")
        frozen = stands_still(zvm, "bm2", witness="bm1")
        assert "vm 2 started" in zvm.run("zvm start bm2")
        assert vm_list(zvm)["bm2"]["state"] == "running"
        zvm.watch("bm2", rebooted(2), frozen)
    for n in range(1, RESTART_ROUNDS + 1):
        before = zvm.console("bm2")
        assert "vm 2 restarted" in zvm.run("zvm restart bm2")
        zvm.watch("bm2", rebooted(2, lines=2), before)
        assert vm_list(zvm)["bm2"]["restarts"] == n
    # A paused VM can be stopped, or restarted, too.
    for command, done in (("zvm stop bm2", "vm 2 stopped"), ("zvm restart bm2", "vm 2 restarted")):
        assert "vm 2 paused" in zvm.run("zvm pause bm2")
        before = zvm.console("bm2")
        assert done in zvm.run(command), command
        if command == "zvm stop bm2":
            assert vm_list(zvm)["bm2"]["state"] == "stopped"
            assert "vm 2 started" in zvm.run("zvm start bm2")
        zvm.watch("bm2", rebooted(2), before)
        assert vm_list(zvm)["bm2"]["state"] == "running"
    assert vm_list(zvm)["bm2"]["restarts"] == RESTART_ROUNDS + 1
    # bm1 was never touched.
    info = vm_info(zvm, "bm1")
    assert (info["state"], info["restarts"], info["crashes"]) == ("running", 0, 0)
    assert vm_info(zvm, "bm2")["crashes"] == 0


def test_commands_that_do_not_apply_say_why(zvm):
    refusals = {
        "zvm stop rtos": "zvm stop: 'rtos' is stopped: nothing to stop",
        "zvm pause rtos": "zvm pause: 'rtos' is stopped: only a running VM can be paused",
        "zvm resume rtos": "zvm resume: 'rtos' is stopped: only a paused VM can be resumed",
        "zvm resume bm1": "zvm resume: 'bm1' is running: only a paused VM can be resumed",
        "zvm start bm1": "zvm start: 'bm1' is running: stop it first, or use restart",
        "zvm delete bm1": "zvm delete: 'bm1' is running: stop it first",
        "zvm restart rtos": "zvm restart: 'rtos' is stopped: nothing to restart; use start",
    }
    for command, message in refusals.items():
        assert message in zvm.run(command), command
    # bm2 has printed before it is frozen: its console replay is not empty.
    zvm.watch("bm2", more_lines(1))
    assert "vm 2 paused" in zvm.run("zvm pause bm2")
    assert "zvm pause: 'bm2' is paused: only a running VM can be paused" in \
        zvm.run("zvm pause bm2")
    assert "zvm start: 'bm2' is paused: stop it first, or use restart" in \
        zvm.run("zvm start bm2")
    assert "zvm delete: 'bm2' is paused: stop it first" in zvm.run("zvm delete bm2")
    for op in ("start", "stop", "pause", "resume", "restart", "delete", "info", "console"):
        assert "no VM 'nosuch'; see 'zvm list'" in zvm.run(f"zvm {op} nosuch"), op
        assert f"usage: zvm {op} <vm>" in zvm.run(f"zvm {op}"), op
        assert f"usage: zvm {op} <vm>" in zvm.run(f"zvm {op} bm1 bm2"), op
    # Nothing changed: bm2 is still paused, and resumes where it was.
    rows = vm_list(zvm)
    assert [rows[vm]["state"] for vm in ("bm1", "bm2", "rtos")] == \
        ["running", "paused", "stopped"]
    frozen = zvm.console("bm2")
    assert "vm 2 resumed" in zvm.run("zvm resume bm2")
    new = zvm.watch("bm2", more_lines(1), frozen)
    assert up_line(2) not in new
    assert_increasing(alive(frozen) + alive(new))


# --- zvm top: where each vCPU's core time goes (vmm/vcpu_time.h) --------------------
# A running vCPU's interval is all guest or ZVM (its WFI is not trapped:
# no idle share); the buckets and the interval come from the same counter,
# read a few instructions apart per VM.
WHOLE_INTERVAL = (99.0, 101.0)


def test_top_accounts_each_vcpus_whole_interval(zvm):
    assert "vm 2 paused" in zvm.run("zvm pause bm2")
    rows, out = top_round(zvm)
    assert "vm 2 resumed" in zvm.run("zvm resume bm2")
    state, guest, el2, idle, traps = rows["bm1"]
    assert state == "running" and guest > 50, out
    assert WHOLE_INTERVAL[0] <= guest + el2 <= WHOLE_INTERVAL[1] and idle is None, out
    # Paused, its core waits in ZVM's scheduler: no bucket runs, no trap.
    assert rows["bm2"] == ("paused", 0.0, 0.0, None, 0), out
    assert "rtos" not in rows or rows["rtos"][0] == "off", out   # stopped: no vCPU runs
    for bad in ("zvm top -d 5", "zvm top -n 0", "zvm top -n 101"):
        assert "zvm top: -d from 100 to 10000 ms, -n from 1 to 100" in zvm.run(bad), bad
    assert "usage: zvm top [-d <ms>] [-n <rounds>]" in zvm.run("zvm top -x 1")


# --- create and delete -------------------------------------------------------------
def test_create_needs_a_free_core_and_checks_its_arguments(zvm):
    no_core = ("zvm create: 1 vCPU(s) need 1 free core(s), only 0 free: "
               "ZVM keeps core 0 and each vCPU needs a core of its own")
    assert no_core in zvm.run("zvm create -t baremetal -c 1 -m 32 -n extra")
    usage = ("usage: zvm create -t rtos|linux|baremetal -c <vcpus> -m <MiB> [-n <name>] "
             "[-C <core,...>]")
    memory = "zvm create: memory must be an even number of MiB from 16 to 1024"
    bad = {
        "zvm create -t baremetal -c 0 -m 32": usage,
        "zvm create -t baremetal -c 1": usage,
        "zvm create -c 1 -m 32": usage,
        "zvm create -t baremetal -c 1 -m 32 -x 1": usage,
        "zvm create -t baremetal -c 1 -m": usage,
        "zvm create -t baremetal -c 1 -m 7": memory,
        "zvm create -t baremetal -c 1 -m 33": memory,
        "zvm create -t baremetal -c 1 -m 2048": memory,
        "zvm create -t windows -c 1 -m 32": "zvm create: unknown type 'windows' "
                                             "(rtos, linux or baremetal)",
    }
    for command, message in bad.items():
        assert message in zvm.run(command), command
    assert set(vm_list(zvm)) == {"bm1", "bm2", "rtos"}

    assert "vm 3 deleted" in zvm.run("zvm delete rtos")
    assert set(vm_list(zvm)) == {"bm1", "bm2"}
    assert "no VM 'rtos'" in zvm.run("zvm info rtos")
    assert "2 vCPU(s) need 2 free core(s), only 1 free" in \
        zvm.run("zvm create -t baremetal -c 2 -m 32 -n extra")
    assert "zvm create: a VM named 'bm1' exists already" in \
        zvm.run("zvm create -t baremetal -c 1 -m 32 -n bm1")
    # -C names the cores (bm1 and bm2 hold 1 and 2, core 3 is free now).
    chosen = {
        "-C 0": "zvm create: core 0 is ZVM's own",
        "-C 1": "zvm create: core 1 belongs to a VM",
        "-C 9": "zvm create: core 9 is not on this board",
        "-C 3,3": "zvm create: core 3 is named twice",
        "-c 2 -C 3": "zvm create: 2 vCPU(s) but 1 core(s) named: one core per vCPU",
        "-C 3x": "zvm create: cores '3x': core numbers separated by commas",
        "-C ,3": "zvm create: cores ',3': core numbers separated by commas",
    }
    for option, message in chosen.items():
        assert message in zvm.run(f"zvm create -t baremetal {option} -m 32 -n extra"), option
    assert "vm 3 'extra' created on core(s) 3; start it with 'zvm start extra'" in \
        zvm.run("zvm create -t baremetal -C 3 -m 32 -n extra")
    row = vm_list(zvm)["extra"]
    assert (row["id"], row["os"], row["state"], row["cores"], row["mib"]) == \
        (3, "baremetal", "stopped", "3", 32)
    info = vm_info(zvm, "extra")
    assert (info["blocks"], info["recovery"], info["reason"]) == ((0, 16, 0), "none", "created")
    assert no_core in zvm.run("zvm create -t baremetal -c 1 -m 32 -n more")

    assert "vm 3 started" in zvm.run("zvm start extra")
    new = zvm.watch("extra", more_lines(2))
    assert new.startswith(up_line(3)), new
    assert "zvm delete: 'extra' is running: stop it first" in zvm.run("zvm delete extra")
    assert "vm 3 stopped" in zvm.run("zvm stop extra")
    assert "vm 3 deleted" in zvm.run("zvm delete extra")
    # Its core and memory came back: another VM fits there again.
    assert "vm 3 'rtos1' created on core(s) 3" in zvm.run("zvm create -t rtos -c 1 -m 64")
    # The others never noticed.
    for vm in ("bm1", "bm2"):
        info = vm_info(zvm, vm)
        assert (info["state"], info["restarts"], info["crashes"]) == ("running", 0, 0)


# --- crash containment ----------------------------------------------------------------
# kind: (what the guest says, the reason ZVM gives)
CRASHES = {
    "w": ("crashing: write outside my memory",
          r"write of IPA 0x7000000000 outside its memory at PC 0x[0-9a-f]+"),
    "u": ("crashing: undefined instruction", r"missed its heartbeat for (?:1500|2000) ms"),
    "h": ("crashing: hang with interrupts masked", r"missed its heartbeat for (?:1500|2000) ms"),
    "s": ("crashing: interrupt storm", r"missed its heartbeat for (?:1500|2000) ms"),
}
# A guest's own power-off and reset are events, not crashes.
POWER_EVENTS = {
    "o": ("powering off", "powered off by the guest (PSCI SYSTEM_OFF)"),
    "r": ("resetting", "rebooted by the guest (PSCI SYSTEM_RESET)"),
}
# A bound, not a clock: a hang is seen two heartbeat timeouts after the
# last beat of a guest that runs; a loaded host stretches that.
CRASH_TIMEOUT = 30


def crash(zvm, vm, kind, restarts=None, also=None):
    """Crashes vm through its console and waits for ZVM to log it, and the
    restart that makes `restarts` if one is due (bm1), and the `also`
    pattern if given.  Returns the reason ZVM logged."""
    said, reason = CRASHES[kind]
    vm_id = VM_IDS[vm]
    crashed = re.compile(rf"vm {vm_id} '{vm}' crashed(?: on vCPU 0)?: ({reason})\n")
    if restarts is None and vm == "bm1":
        restarts = 1
    restarted = re.compile(rf"vm {vm_id} '{vm}' restarted \({restarts} restarts\)\n")
    also = re.compile(also) if also else None

    def done(raw):
        # ZVM's log lines may cut through the guest's: look at each apart.
        return (said + "\n" in guest_text(raw) and crashed.search(raw) and
                (not restarts or restarted.search(raw)) and (not also or also.search(raw)))

    begin = zvm.attach(vm).end()
    zvm.send(kind)
    raw = zvm.wait_console(begin, done, f"the crash of {vm} ({kind!r})", CRASH_TIMEOUT)
    zvm.detach()
    return crashed.search(raw)[1]


def check_bystander(zvm, vm, before, crashes=0):
    """vm printed on, in order, without a reboot, while the other crashed."""
    new = zvm.watch(vm, more_lines(2), before)
    assert up_line(VM_IDS[vm]) not in new, f"{vm} rebooted"
    counts, earlier = alive(new), alive(this_boot(before, VM_IDS[vm]))
    assert_increasing(earlier + counts)
    # "Throughout": the health monitor watched the bystander's heartbeat all
    # along (a beat with every line) and never found it missing.  Its tick
    # count is no clock: on a loaded host a vCPU thread misses timer ticks.
    info = vm_info(zvm, vm)
    assert (info["state"], info["crashes"], info["lost"]) == ("running", crashes, 0), info


@pytest.mark.parametrize("kind", list(CRASHES))
def test_crash_is_contained_and_recovered(zvm, kind):
    said = CRASHES[kind][0]
    zvm.watch("bm1", more_lines(1))
    zvm.watch("bm2", more_lines(1))

    # bm1, recovery "restart": back on its own from a pristine image.
    bm2_before, bm1_before = zvm.console("bm2"), zvm.console("bm1")
    reason = crash(zvm, "bm1", kind)
    assert re.search(rf"error vm 1 'bm1' crashed.*: {re.escape(reason)}$", zvm.run("log"), re.M)
    again = zvm.watch("bm1", rebooted(1, lines=1), bm1_before)
    # ZVM marks the new boot in the console ring, right before its first line.
    assert re.search(re.escape(said + "\n") + boot_mark(1, "bm1") + re.escape(up_line(1)),
                     again), again
    row = vm_list(zvm)["bm1"]
    assert (row["state"], row["restarts"]) == ("running", 1)
    info = vm_info(zvm, "bm1")
    assert (info["restarts"], info["crashes"], info["faults"]) == (1, 1, int(kind == "w"))
    check_bystander(zvm, "bm2", bm2_before)
    assert "ZVM" in zvm.run("version")

    # bm2, recovery "none": stays crashed until started.
    bm1_before, bm2_before = zvm.console("bm1"), zvm.console("bm2")
    reason = crash(zvm, "bm2", kind)
    # Long enough, by bm1's clock, for any wrong restart to show.
    zvm.watch("bm1", more_lines(3), zvm.console("bm1"))
    row = vm_list(zvm)["bm2"]
    assert (row["state"], row["uptime"], row["restarts"]) == ("crashed", "-", 0)
    info = vm_info(zvm, "bm2")
    assert (info["state"], info["reason"], info["crashes"]) == ("crashed", reason, 1)
    since = new_output(zvm.console("bm2"), bm2_before)
    assert since.endswith(said + "\n") and up_line(2) not in since, since
    assert "vm 2 started" in zvm.run("zvm start bm2")
    zvm.watch("bm2", rebooted(2), bm2_before)
    assert vm_list(zvm)["bm2"]["state"] == "running"
    assert re.search(rf"error vm 2 'bm2' crashed.*: {re.escape(reason)}$", zvm.run("log"), re.M)
    check_bystander(zvm, "bm1", bm1_before, crashes=1)
    assert vm_list(zvm)["bm1"]["restarts"] == 1


# The probe's accesses (guests/baremetal/main.c) and what each must give the
# guest: a synchronous external data abort (ESR_EL1 EC 0x25, IL, DFSC 0x10,
# WnR for the store) at the distributor address, the register not written.
BAD_WIDTH_ABORTS = [
    "abort: strb GICD_CTLR esr 0x96000050 far 0x8000000 register kept",
    "abort: ldr x GICD_CTLR esr 0x96000010 far 0x8000000 register kept",
    "abort: ldrh GICD_TYPER esr 0x96000010 far 0x8000004 register kept",
]


def test_bad_width_access_is_an_abort_for_the_guest(zvm):
    zvm.watch("bm2", more_lines(1))
    before = vm_info(zvm, "bm2")
    begin = zvm.attach("bm2").end()
    zvm.send("b")
    raw = zvm.wait_console(begin, lambda raw: "probe done\n" in guest_text(raw),
                           "the bad-width probe of bm2", CRASH_TIMEOUT)
    zvm.detach()
    said = guest_text(raw)
    for line in BAD_WIDTH_ABORTS:
        assert line + "\n" in said, said
    # It survives: no crash, no reboot, beating on; each abort counted once.
    witness = zvm.console("bm2")
    new = zvm.watch("bm2", more_lines(2), witness)
    assert up_line(2) not in new, new
    after = vm_info(zvm, "bm2")
    assert (after["state"], after["crashes"], after["faults"]) == ("running", 0, 0), after
    assert after["aborts"] == before["aborts"] + len(BAD_WIDTH_ABORTS), after


def power_event(zvm, vm, kind, logged):
    """The guest powers off or resets itself on console input; waits for
    ZVM's log line of it."""
    said, reason = POWER_EVENTS[kind]
    line = re.compile(rf"vm {VM_IDS[vm]} '{vm}' {re.escape(logged or reason)}\n")
    begin = zvm.attach(vm).end()
    zvm.send(kind)
    zvm.wait_console(begin, lambda raw: said + "\n" in guest_text(raw) and line.search(raw),
                     f"{vm} {reason}", CRASH_TIMEOUT)
    zvm.detach()


@pytest.mark.parametrize("vm", ["bm1", "bm2"])
def test_a_guest_power_off_is_a_stop_and_its_reset_a_reboot(zvm, vm):
    """Whatever the recovery policy (bm1 "restart", bm2 "none"): SYSTEM_OFF
    leaves the VM stopped, SYSTEM_RESET boots it again; neither is a crash."""
    other = "bm2" if vm == "bm1" else "bm1"
    zvm.watch(vm, more_lines(1))
    other_before = zvm.console(other)
    power_event(zvm, vm, "o", None)
    # Long enough, by the other's clock, for a wrong restart to show.
    zvm.watch(other, more_lines(3), zvm.console(other))
    info = vm_info(zvm, vm)
    assert (info["state"], info["reason"], info["crashes"], info["restarts"]) == \
        ("stopped", POWER_EVENTS["o"][1], 0, 0), info
    assert f"{vm}.vcpu0" not in zvm.run("threads")
    before = zvm.console(vm)
    assert f"vm {VM_IDS[vm]} started" in zvm.run(f"zvm start {vm}")
    zvm.watch(vm, rebooted(VM_IDS[vm]), before)

    before = zvm.console(vm)
    power_event(zvm, vm, "r", "rebooted by its guest")
    zvm.watch(vm, rebooted(VM_IDS[vm]), before)
    info = vm_info(zvm, vm)
    assert (info["state"], info["crashes"], info["restarts"]) == ("running", 0, 1), info
    check_bystander(zvm, other, other_before)


RESTART_LIMIT = 5         # RESTART_LIMIT in hypervisor/vmm/health.c (per 10 s)


def test_a_crash_loop_stops_at_the_restart_limit(zvm):
    for n in range(1, RESTART_LIMIT + 1):
        before = zvm.console("bm1")
        crash(zvm, "bm1", "w", restarts=n)
        # Booted and reading its console again before the next crash.
        zvm.watch("bm1", rebooted(1), before)
    assert vm_list(zvm)["bm1"]["restarts"] == RESTART_LIMIT
    reason = crash(zvm, "bm1", "w", restarts=0,
                   also=rf"vm 1 'bm1': {RESTART_LIMIT} crashes within 10 s; no more restarts")
    zvm.watch("bm2", more_lines(3), zvm.console("bm2"))
    row = vm_list(zvm)["bm1"]
    assert (row["state"], row["restarts"]) == ("crashed", RESTART_LIMIT)
    info = vm_info(zvm, "bm1")
    assert info["reason"] == reason + " (restart limit)", info
    assert info["crashes"] == RESTART_LIMIT + 1
    # The operator can still start it, and bm2 never noticed any of it.
    before = zvm.console("bm1")
    assert "vm 1 started" in zvm.run("zvm start bm1")
    zvm.watch("bm1", rebooted(1), before)
    check_bystander(zvm, "bm2", zvm.console("bm2"))


# --- the guest RTOS -------------------------------------------------------------------
def test_rtos_runs_its_suite_then_powers_off(zvm):
    bm1_before = zvm.console("bm1")
    done = re.compile(r'^\{"suite":"done","benchmarks":(\d+)\}\n', re.M)
    off = re.compile(r"vm 3 'rtos' powered off by the guest \(PSCI SYSTEM_OFF\)\n")
    for run in (1, 2):      # the second run proves a fresh copy of the image
        assert "vm 3 started" in zvm.run("zvm start rtos")
        begin = zvm.attach("rtos").end()
        # The summary and ZVM's log line of the power-off come in either order.
        raw = zvm.wait_console(begin, lambda raw: len(done.findall(guest_text(raw))) == run
                               and off.search(raw), f"run {run} of the RTOS suite",
                               SUITE_TIMEOUT)
        zvm.detach()
        text = guest_text(raw)
        assert text.count('{"rtos":"boot"') == run, text
        last = text.rsplit('{"rtos":"boot"', 1)[1]
        records = [json.loads(line) for line in re.findall(r'^\{"bench":.*\}$', last, re.M)]
        names = [r["bench"] for r in records]
        assert len(names) == len(set(names)), f"a benchmark reported twice: {names}"
        assert RTOS_BENCHMARKS <= set(names), names
        assert int(done.search(last)[1]) == len(names)
        for r in records:
            assert r["samples"] > 0 and 0 < r["min_ticks"] <= r["avg_ticks"] <= r["max_ticks"], r
        row = vm_list(zvm)["rtos"]
        assert (row["state"], row["uptime"]) == ("stopped", "-")
        info = vm_info(zvm, "rtos")
        assert (info["reason"], info["crashes"], info["lost"]) == \
            ("powered off by the guest (PSCI SYSTEM_OFF)", 0, 0)
        assert info["delivered"] > 0
    check_bystander(zvm, "bm1", bm1_before)
