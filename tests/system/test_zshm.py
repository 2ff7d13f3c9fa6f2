"""Zshm channels between guests, driven through ZVM's shell.

Boots build/system-test-zshm.img (configs/test-zshm.dts): bma and bmb, the
bare-metal test guest (guests/baremetal, zshm_test.c), share channel "ab"
both ways; "outsider" is no member.  Each guest opens the channel at boot
and acts on console keys: z sends a stream of 100 000 messages, y receives
and checks one, f fills the ring, e empties it, k rings channel 0's
doorbell, x writes into the peer's (read-only) section.  No sleeps: the
guests' console lines and `zvm zshm` are the events waited on.
"""
import os
import re
import subprocess

import pytest

from zvm import boot_system, guest_text, system_image

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SYSTEM = "test-zshm"
BUILD_TIMEOUT = 600
STREAM_TIMEOUT = 600    # 100 000 messages each way of a loaded host's TCG
EVENT_TIMEOUT = 60
STREAM = 100000
MSG_HEADER, MSG_MAX = 8, 112  # zshm_test.c, include/zvm/zshm.h
RING_SLOTS = 256              # (64 KiB - 2 KiB) / 128-byte slots, a power of two
SENT = re.compile(r"zshm: sent (\d+) messages, checksum (0x[0-9a-f]+), full (\d+)\n")
RECEIVED = re.compile(r"zshm: received (\d+) messages, checksum (0x[0-9a-f]+), bad (\d+), "
                      r"stale (\d+), doorbells (\d+)\n")


@pytest.fixture(scope="module", autouse=True)
def built_system():
    result = subprocess.run(["make", "--no-print-directory", f"SYSTEM={SYSTEM}", "system"],
                            cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            text=True, timeout=BUILD_TIMEOUT)
    assert result.returncode == 0, result.stdout[-3000:]
    assert os.path.exists(system_image(SYSTEM))


def boot(name, cpu="cortex-a53"):
    machine = boot_system(f"zshm-{name}-{cpu}", SYSTEM, cpu=cpu)
    for vm in ("bma", "bmb"):
        wait_for(machine, vm, r"zshm: member \d of channel 0, epoch 1, doorbell\n")
    return machine


def press(zvm, vm, key):
    """Types key on vm's console and detaches (the guest works on)."""
    begin = zvm.attach(vm).end()
    zvm.send(key)
    zvm.detach(begin)


def wait_for(zvm, vm, pattern, timeout=EVENT_TIMEOUT, after=0):
    """Attaches to vm's console until pattern is printed (its after-th
    occurrence counting from 0); detaches and returns the match."""
    regex = re.compile(pattern)
    begin = zvm.attach(vm).end()
    raw = zvm.wait_console(begin, lambda r: len(regex.findall(guest_text(r))) > after,
                           f"{pattern!r} from {vm}", timeout)
    zvm.detach()
    return list(regex.finditer(guest_text(raw)))[after]


def channel(zvm):
    """`zvm zshm` of channel ab, as numbers."""
    out = zvm.run("zvm zshm")
    head = re.search(r"doorbells (\d+) \(peers rung (\d+), polling peers (\d+)\), refused "
                     r"non-member calls (\d+)", out)
    members = {m[1]: m for m in re.finditer(
        r"member \d (\w+)\s+writer\+reader (up|down) epoch (\d+): sent (\d+) messages, "
        r"(\d+) bytes, full (\d+); received (\d+); rang (\d+)", out)}
    rings = {(r[1], r[2]): r for r in re.finditer(
        r"ring (\w+) -> (\w+): (\d+) slots, published (\d+), pending (\d+), "
        r"last latency (\d+) ticks(.*)", out)}
    assert head and len(members) == 2 and len(rings) == 2, out
    return out, head, members, rings


def stream_bytes(count):
    return sum(MSG_HEADER + seq % (MSG_MAX - MSG_HEADER + 1) for seq in range(count))


@pytest.mark.parametrize("cpu", ["cortex-a53", "cortex-a76"])
def test_stream_of_100000_messages_arrives_whole_and_in_order(cpu):
    with boot("stream", cpu) as zvm:
        press(zvm, "bmb", "y")
        press(zvm, "bma", "z")
        sent = wait_for(zvm, "bma", SENT.pattern, STREAM_TIMEOUT)
        got = wait_for(zvm, "bmb", RECEIVED.pattern, STREAM_TIMEOUT)
        assert int(sent[1]) == STREAM and int(got[1]) == STREAM
        assert got[2] == sent[2], (sent[0], got[0])      # the same checksum
        assert (int(got[3]), int(got[4])) == (0, 0), got[0]  # none bad, none stale
        out, head, members, rings = channel(zvm)
        a, b = members["bma"], members["bmb"]
        assert (int(a[4]), int(a[5])) == (STREAM, stream_bytes(STREAM)), out
        assert int(b[7]) == STREAM, out
        ring = rings[("bma", "bmb")]
        assert (int(ring[3]), int(ring[4]), int(ring[5])) == (RING_SLOTS, STREAM, 0), out
        assert int(ring[6]) > 0 and "broken" not in ring[7], out
        # The reader slept when the ring ran dry and was rung awake; the
        # writer rang only when asked, far fewer times than it sent.
        assert int(head[1]) > 0 and int(head[2]) == int(head[1]), out
        assert int(a[8]) + int(b[8]) == int(head[1]) + int(head[3]), out
        assert int(a[8]) < STREAM // 10, out
        assert int(head[4]) == 0, out


def test_a_reader_that_stops_reading_leaves_the_writer_full_and_nothing_lost():
    with boot("full") as zvm:
        press(zvm, "bma", "f")
        wait_for(zvm, "bma", rf"zshm: full after {RING_SLOTS} messages\n")
        out, _, members, rings = channel(zvm)
        assert int(rings[("bma", "bmb")][5]) == RING_SLOTS, out
        assert int(members["bma"][6]) >= 1, out       # the refused send, counted
        press(zvm, "bma", "f")                        # still full: nothing sent
        wait_for(zvm, "bma", r"zshm: full after 0 messages\n")
        press(zvm, "bmb", "e")
        wait_for(zvm, "bmb", rf"zshm: drained {RING_SLOTS} messages, bad 0\n")
        out, _, members, rings = channel(zvm)
        assert int(rings[("bma", "bmb")][5]) == 0, out
        assert int(members["bma"][6]) >= 2, out


def test_a_reader_restarted_mid_stream_is_noticed_and_the_stream_reset():
    with boot("restart") as zvm:
        press(zvm, "bmb", "y")
        press(zvm, "bma", "z")
        wait_for(zvm, "bmb", r"zshm: received 20000\n", STREAM_TIMEOUT)
        assert "restarted" in zvm.run("zvm restart bmb")
        wait_for(zvm, "bmb", r"zshm: member 1 of channel 0, epoch 2, doorbell\n")
        wait_for(zvm, "bma", r"zshm: peer restarted \(epoch 2\): stream reset\n",
                 STREAM_TIMEOUT)
        press(zvm, "bmb", "y")
        sent = wait_for(zvm, "bma", SENT.pattern, STREAM_TIMEOUT)
        got = wait_for(zvm, "bmb", RECEIVED.pattern, STREAM_TIMEOUT)
        assert int(got[1]) == STREAM and got[2] == sent[2], (sent[0], got[0])
        assert int(got[3]) == 0, got[0]                # what it took is whole
        out, _, members, _ = channel(zvm)
        assert members["bmb"][2] == "up" and members["bmb"][3] == "2", out


def test_a_non_member_ringing_a_doorbell_is_refused_and_counted():
    with boot("outsider") as zvm:
        press(zvm, "outsider", "k")
        wait_for(zvm, "outsider", r"zshm: notify channel 0 -> -4\n")
        press(zvm, "outsider", "k")
        wait_for(zvm, "outsider", r"zshm: notify channel 0 -> -4\n", after=1)
        out, head, _, _ = channel(zvm)
        assert int(head[4]) == 2 and int(head[1]) == 0, out
        press(zvm, "bma", "k")                         # a member is heard
        wait_for(zvm, "bma", r"zshm: notify channel 0 -> 1\n")
        out, head, _, _ = channel(zvm)
        assert (int(head[1]), int(head[2]), int(head[4])) == (1, 1, 2), out


# bma (member 0) stores to the state word of bmb's section (member 1, at
# 0x10000000 + 64 KiB; the word at offset 8): a data abort from EL1, WnR,
# DFSC 0x10 (docs/hypercalls.md), given to bma (abort-policy "inject").
READ_ONLY_ABORT = ("abort: zshm write into the peer's section esr 0x96000050 far 0x10010008 "
                   "register kept\n")


def test_a_write_into_a_read_only_section_faults_that_guest_only():
    with boot("readonly") as zvm:
        press(zvm, "bma", "x")
        wait_for(zvm, "bma", re.escape(READ_ONLY_ABORT))
        info = zvm.run("zvm info bma")
        assert re.search(r"permission 1\b", info), info
        listing = zvm.run("zvm list")
        for vm in ("bma", "bmb"):
            assert re.search(rf"^\d+\s+{vm}\s+baremetal\s+running", listing, re.M), listing
        # The peer's section is as it was, and the peer works on.
        out, _, members, _ = channel(zvm)
        assert members["bmb"][2] == "up", out
        press(zvm, "bmb", "f")
        wait_for(zvm, "bmb", rf"zshm: full after {RING_SLOTS} messages\n")
