"""Zshm between guest RTOS VMs: the RTOS's library (guests/rtos/zshm/).

Boots build/system-test-zshm-rtos.img (configs/test-zshm-rtos.dts): rtosa
sends a stream of 100 000 checksummed messages to rtosb over channel "ab"
(both take doorbells) and another to rtosc over "ac" (direct-irq: no
doorbell reaches it, it polls), both at once, from the moment each reader
is up.  The roles come from the VMs' bootargs (guests/rtos/app/zshm_app.h)
and start at boot; the readers' and the writer's JSON lines and `zvm zshm`
are the events waited on, no sleeps.
"""
import json
import re

import pytest

from zvm import boot_system

SYSTEM = "test-zshm-rtos"
STREAM = 100000
STREAM_TIMEOUT = 600   # 2 x 100 000 messages on a loaded host's TCG
MSG_HEADER, MSG_MAX = 8, 112  # guests/rtos/app/zshm_app.c, include/zvm/zshm.h
LINE = re.compile(r'\{"zshm":"(open|sent|received)",[^\n]*\}')


def lines(text, kind, channel):
    return [json.loads(m.group(0)) for m in LINE.finditer(text)
            if m.group(1) == kind and json.loads(m.group(0))["channel"] == channel]


def wait_line(zvm, vm, kind, channel, timeout=STREAM_TIMEOUT):
    def seen(text):
        "a line"
        return lines(text, kind, channel)
    seen.__doc__ = f"{kind} on {channel}"
    return lines(zvm.watch(vm, seen, timeout=timeout), kind, channel)[-1]


def stream_bytes(count):
    return sum(MSG_HEADER + seq % (MSG_MAX - MSG_HEADER + 1) for seq in range(count))


def rings(out):
    return {(r[1], r[2]): r for r in re.finditer(
        r"ring (\w+) -> (\w+): (\d+) slots, published (\d+), pending (\d+), "
        r"last latency (\d+) ticks(.*)", out)}


@pytest.mark.parametrize("cpu", ["cortex-a53", "cortex-a76"])
def test_rtos_streams_100000_messages_to_a_doorbell_reader_and_a_polling_reader(cpu):
    with boot_system(f"zshm-rtos-{cpu}", SYSTEM, cpu=cpu) as zvm:
        opened = {vm: wait_line(zvm, vm, "open", ch, 60)
                  for vm, ch in (("rtosb", "ab"), ("rtosc", "ac"))}
        assert opened["rtosb"]["doorbell"] is True, opened
        assert opened["rtosc"]["doorbell"] is False, opened   # direct-irq: polls
        for ch, reader in (("ab", "rtosb"), ("ac", "rtosc")):
            sent = wait_line(zvm, "rtosa", "sent", ch)
            got = wait_line(zvm, reader, "received", ch)
            assert sent["messages"] == STREAM and got["messages"] == STREAM, (sent, got)
            assert got["checksum"] == sent["checksum"], (sent, got)
            assert (got["bad"], got["stale"]) == (0, 0), got
            if reader == "rtosb":
                # It slept on its doorbell and was rung awake.
                assert got["doorbells"] > 0 and got["polls"] == 0, got
            else:
                assert got["doorbells"] == 0 and got["polls"] > 0, got
        out = zvm.run("zvm zshm")
        for ch, reader in (("ab", "rtosb"), ("ac", "rtosc")):
            ring = rings(out)[("rtosa", reader)]
            assert (int(ring[4]), int(ring[5])) == (STREAM, 0), out
            assert "broken" not in ring[7], out
        writer = re.findall(rf"member 0 rtosa\s+writer\s+up epoch 1: sent {STREAM} messages, "
                            rf"{stream_bytes(STREAM)} bytes, full (\d+); received 0; rang (\d+)",
                            out)
        assert len(writer) == 2, out                      # on ab and on ac
        # rtosb asked to be rung only when it ran dry: far fewer rings than
        # messages.  rtosc polls without asking: nobody rings it.
        (_, rang_b), (_, rang_c) = writer
        assert 0 < int(rang_b) < STREAM // 10 and int(rang_c) == 0, out
        assert re.search(r"1 ac: [^\n]*\n\s+doorbells \d+ \(peers rung \d+, polling peers 0\)",
                         out), out
