"""Hostile guests (issue 12): accesses with nothing behind them and the
VM's abort-policy, and registers a previous VM of the same core leaves.

Boots build/system-test-hostile.img (configs/test-hostile.dts): 'inj' is
the bare-metal guest with the default abort-policy ("inject"), 'crash' the
same with abort-policy "crash"; core 3 is free for the VMs the test creates (zvm create takes the free one).
Keys of the bare-metal guest (guests/baremetal/main.c): R reads outside its
memory, F fetches from there, L makes an LDP to the distributor (no
syndrome: ZVM cannot emulate it); m sets markers in its registers, n shows
which registers differ from their reset value now, d which did at boot.
"""
import re

import pytest

from zvm import boot_system, guest_text

SYSTEM = "test-hostile"
WAIT = 60   # bounds, not clocks: a loaded host is slow

# What each probe must give a guest under "inject": a synchronous external
# abort from EL1 (EC 0x25 data, 0x21 fetch; IL; DFSC/IFSC 0x10) at the
# address it used, the destination register not written.
INJECTED = {
    "R": "abort: read outside esr 0x96000010 far 0x7000000000 register kept",
    "F": "abort: fetch outside esr 0x86000010 far 0x7000000000 register kept",
    "L": "abort: ldp GICD_CTLR esr 0x96000010 far 0x8000000 register kept",
}
# What ZVM says when the same crashes a VM with abort-policy "crash".
CRASHED = {
    "R": r"read of IPA 0x7000000000 outside its memory at PC 0x[0-9a-f]+",
    "F": r"instruction fetch of IPA 0x7000000000 outside its memory at PC 0x7000000000",
    "L": (r"unemulatable read of IPA 0x8000000 \(ISV=0: pair, writeback, exclusive or "
          r"SIMD/FP\) at PC 0x[0-9a-f]+"),
}
FAULTS = re.compile(r"faults: outside (\d+), permission (\d+), unemulatable (\d+); "
                    r"abort policy (\w+)")
# The registers the issue found holding a previous VM's values, by the
# guest's names (guests/baremetal/regs.c), each given a marker by 'm'.
MARKED = ["tpidr_el0", "tpidrro_el0", "tpidr_el1", "contextidr_el1", "mair_el1", "tcr_el1",
          "ttbr0_el1", "ttbr1_el1", "par_el1", "sp_el0", "csselr_el1", "cntkctl_el1",
          "cntp_ctl_el0", "cntp_cval_el0", "pmcr_el0", "pmcntenset_el0", "pmuserenr_el0",
          "pmselr_el0", "pmccfiltr_el0", "pmccntr_el0", "mdscr_el1", "dbgbvr0_el1",
          "dbgbcr0_el1", "dbgwvr0_el1", "dbgwcr0_el1", "oslsr_el1", "fpcr/fpsr"] + \
         [f"q{n}" for n in range(32)]


@pytest.fixture(scope="module", params=["cortex-a53", "cortex-a76"])
def zvm(request):
    with boot_system(f"hostile-{request.param}", SYSTEM, cpu=request.param) as machine:
        yield machine


def up_line(vm_id):
    return f"baremetal guest: vm {vm_id} up\n"


def key(zvm, vm, k, until, what):
    """Types k to vm's console; waits until until(raw) (raw: what came
    since attaching, ZVM's log lines included); returns raw."""
    begin = zvm.attach(vm).end()
    zvm.send(k)
    raw = zvm.wait_console(begin, until, what, WAIT)
    zvm.detach()
    return raw


def this_boot_has(vm_id, pattern):
    """until(): pattern in what the guest printed since it last booted."""
    def until(raw):
        text = guest_text(raw)
        return up_line(vm_id) in text and re.search(pattern, text.rsplit(up_line(vm_id), 1)[1])
    return until


def since_boot(raw, vm_id):
    return guest_text(raw).rsplit(up_line(vm_id), 1)[1]


def faults(zvm, vm):
    found = FAULTS.search(zvm.run(f"zvm info {vm}"))
    assert found
    return int(found[1]), int(found[2]), int(found[3]), found[4]


def aborts(zvm, vm):
    return int(re.search(r"aborts (\d+)", zvm.run(f"zvm info {vm}"))[1])


def test_inject_gives_the_guest_aborts_it_handles(zvm):
    assert faults(zvm, "inj") == (0, 0, 0, "inject")
    before = aborts(zvm, "inj")
    for k, line in INJECTED.items():
        raw = key(zvm, "inj", k, this_boot_has(1, re.escape(line) + "\n"), f"the {k} probe")
        said = since_boot(raw, 1)
        assert line + "\n" in said, said
    # It goes on: beating, printing, not crashed; each fault counted once.
    raw = key(zvm, "inj", "", this_boot_has(1, r"(?s)ldp GICD_CTLR.*alive \d+\n"), "alive")
    assert "crashed" not in zvm.run("zvm list")
    assert faults(zvm, "inj") == (2, 0, 1, "inject")
    assert aborts(zvm, "inj") == before + 3
    log = zvm.run("log")
    for reason in CRASHED.values():
        assert re.search(rf"vm 1 'inj': {reason}: abort injected \(fault \d\)$", log, re.M), log


DEBUG_LINE = re.compile(r"debug osdlr=(\S+) mdrar=(\S+) oslk=(\S+) traps=(\S+) "
                        r"own-watch-esr=0x([0-9a-f]+)\n")


def test_breakpoints_and_watchpoints_cannot_reach_zvm(zvm):
    """Key 'D' (guests/baremetal/debug.c): a watchpoint over every address
    below 2 GiB (ZVM's RAM included) and a breakpoint on ZVM's load address,
    both matching at EL2 only, debug exceptions enabled, 1000 traps into ZVM:
    nothing fires at EL2 and ZVM serves every trap.  The guest's own EL1
    watchpoint fires at EL1 (EC 0x35).  The OS Double Lock and the debug ROM
    address are ZVM's: zero whatever is written;
    the OS Lock is the guest's."""
    raw = key(zvm, "inj", "D", this_boot_has(1, DEBUG_LINE.pattern), "the debug probe")
    found = DEBUG_LINE.search(since_boot(raw, 1))
    osdlr, mdrar, oslk, traps, esr = found.groups()
    assert (osdlr, mdrar, oslk) == ("0x0", "0x0", "0x0"), found[0]
    assert traps == hex(1000), found[0]
    assert int(esr, 16) >> 26 == 0x35, found[0]
    # It goes on, and so does ZVM.
    key(zvm, "inj", "", this_boot_has(1, r"(?s)debug osdlr.*alive \d+\n"), "alive after it")
    assert re.search(r"^1\s+inj\s+baremetal\s+running\s", zvm.run("zvm list"), re.M)


def test_crash_policy_crashes_the_vm_with_a_true_reason(zvm):
    assert faults(zvm, "crash")[3] == "crash"
    for n, (k, reason) in enumerate(CRASHED.items(), 1):
        crashed = re.compile(rf"vm 2 'crash' crashed on vCPU 0: {reason}\n")
        key(zvm, "crash", k, lambda raw: crashed.search(raw), f"the crash of the {k} probe")
        assert re.search(r"^2\s+crash\s+baremetal\s+crashed\s", zvm.run("zvm list"), re.M)
        assert re.search(rf"crashed - {reason}$", zvm.run("zvm info crash"), re.M)
        assert "vm 2 started" in zvm.run("zvm start crash")
        key(zvm, "crash", "", this_boot_has(2, r"alive \d+\n"), "the new boot")
    assert faults(zvm, "crash") == (2, 0, 1, "crash")
    # The neighbour never noticed.
    assert re.search(r"^1\s+inj\s+baremetal\s+running\s", zvm.run("zvm list"), re.M)


def differ(raw, vm_id, title):
    line = re.search(rf"^{title}:(?: (clean)| differ (.*))\n", since_boot(raw, vm_id), re.M)
    assert line, raw
    return set() if line[1] else set(line[2].split())


def leak_check(zvm, vm, vm_id):
    raw = key(zvm, vm, "d", this_boot_has(vm_id, r"registers at boot:.*\n"), "the boot check")
    return differ(raw, vm_id, "registers at boot")


def set_markers(zvm, vm, vm_id):
    key(zvm, vm, "m", this_boot_has(vm_id, r"markers set\n"), "the markers")
    raw = key(zvm, vm, "n", this_boot_has(vm_id, r"registers now:.*\n"), "the check now")
    # The check sees them: every marked register differs from its reset value.
    now = differ(raw, vm_id, "registers now")
    assert set(MARKED) <= now, sorted(set(MARKED) - now)


def test_a_new_vm_finds_no_register_of_the_previous_one(zvm):
    out = zvm.run("zvm create -t baremetal -c 1 -m 32 -n old")
    vm_id = int(re.search(r"vm (\d+) 'old' created", out)[1])
    assert f"vm {vm_id} started" in zvm.run("zvm start old")
    assert leak_check(zvm, "old", vm_id) == set()
    set_markers(zvm, "old", vm_id)
    assert f"vm {vm_id} stopped" in zvm.run("zvm stop old")
    assert f"vm {vm_id} deleted" in zvm.run("zvm delete old")

    out = zvm.run("zvm create -t baremetal -c 1 -m 32 -n new")
    vm_id = int(re.search(r"vm (\d+) 'new' created", out)[1])
    assert f"vm {vm_id} started" in zvm.run("zvm start new")
    assert leak_check(zvm, "new", vm_id) == set()

    # A restart of the same VM is a new boot too.
    set_markers(zvm, "new", vm_id)
    assert f"vm {vm_id} restarted" in zvm.run("zvm restart new")
    assert leak_check(zvm, "new", vm_id) == set()
    assert "deleted" in zvm.run("zvm stop new") + zvm.run("zvm delete new")
