"""zvmctl against ZVM in QEMU over the serial fallback (docs/protocol.md).

Boots build/system-test-vms.img (configs/test-vms.dts, which carries the
test mgmt-key of tests/system/zvmctl-test.key) with its console UART on a
unix socket.  The harness and zvmctl take turns on that one line: zvmctl
lists, inspects, stops and starts VMs; forged, replayed and malformed
requests are refused and counted by ZVM; and the human shell keeps
working on the same UART, frames and all.
"""
import hashlib
import hmac
import json
import os
import re
import subprocess

import pytest

from serial_socket import SocketZvm
from zvm import BUILD
from systems import system_image

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
ZVMCTL = os.path.join(BUILD, "tools", "zvmctl")
KEY_FILE = os.path.join(REPO, "tests", "system", "zvmctl-test.key")
CALL_TIMEOUT_MS = 10000  # per attempt; zvmctl makes three
RUN_TIMEOUT = 120
EXIT_OK, EXIT_REFUSED, EXIT_USAGE, EXIT_LINK, EXIT_AUTH, EXIT_PROTOCOL = range(6)


@pytest.fixture(scope="module")
def zvm():
    subprocess.run(["make", "--no-print-directory", "zvmctl"], cwd=REPO, check=True,
                   capture_output=True, timeout=300)
    machine = SocketZvm(system_image("test-vms"), "zvmctl-serial")
    with machine:
        machine.boot()
        # The autostarted VMs are up once the shell says so.
        wait_shell(machine, "zvm list", lambda out: re.search(r"bm2\s+\S+\s+running", out))
        machine.disconnect()
        yield machine


def wait_shell(machine, command, done, attempts=60):
    """Runs command at the shell until done(output); each run waits on its prompt."""
    for _ in range(attempts):
        out = machine.run(command)
        if done(out):
            return out
    raise AssertionError(f"{command!r} never showed what was wanted:\n{out}")


def zvmctl(machine, *args, key_file=KEY_FILE, client_id=None, seq=None, json_out=True):
    cmd = [ZVMCTL, "--target", "serial:" + machine.socket_path, "--key-file", key_file,
           "--timeout", str(CALL_TIMEOUT_MS)]
    if client_id is not None:
        cmd += ["--client-id", str(client_id)]
    if seq is not None:
        cmd += ["--seq", str(seq)]
    if json_out:
        cmd.append("--json")
    proc = subprocess.run(cmd + list(args), capture_output=True, text=True,
                          timeout=RUN_TIMEOUT)
    return proc


def result(machine, *args, **kwargs):
    proc = zvmctl(machine, *args, **kwargs)
    assert proc.returncode == EXIT_OK, proc.stderr
    return json.loads(proc.stdout)


def agent_counters(machine):
    return result(machine, "agent")


def test_list_and_info_are_structured(zvm):
    vms = {vm["name"]: vm for vm in result(zvm, "list")["vms"]}
    assert set(vms) == {"bm1", "bm2", "rtos"}
    assert vms["bm1"]["id"] == 1 and vms["bm1"]["cores"] == [1]
    assert vms["bm1"]["state"] == "running" and vms["bm1"]["os"] == "baremetal"
    assert vms["rtos"]["state"] == "stopped" and vms["rtos"]["uptime_s"] is None
    assert vms["bm2"]["memory_mib"] == 64
    info = result(zvm, "info", "bm1")
    assert info["name"] == "bm1" and info["recovery"] == "restart"
    assert info["image"] == "baremetal.bin"
    assert [d["kind"] for d in info["devices"]] == ["pl011"]
    assert info["devices"][0]["mode"] == "emulated"
    vcpu = info["vcpus"][0]
    assert vcpu["core"] == 1 and vcpu["state"] == "on" and vcpu["traps"] > 0
    assert result(zvm, "info", "2")["name"] == "bm2"  # by id too
    table = zvmctl(zvm, "list", json_out=False)
    assert table.returncode == EXIT_OK and table.stdout.startswith("ID  NAME")
    assert re.search(r"^1\s+bm1\s+baremetal\s+running\s+1\s+64 MiB", table.stdout, re.M)
    proc = zvmctl(zvm, "info", "nosuchvm")
    assert proc.returncode == EXIT_REFUSED and "no VM 'nosuchvm'" in proc.stderr


def test_stop_and_start_a_vm(zvm):
    assert result(zvm, "stop", "bm2")["state"] == "stopped"
    listed = {vm["name"]: vm["state"] for vm in result(zvm, "list")["vms"]}
    assert listed["bm2"] == "stopped" and listed["bm1"] == "running"
    proc = zvmctl(zvm, "stop", "bm2")  # the registry's own refusal
    assert proc.returncode == EXIT_REFUSED and "nothing to stop" in proc.stderr
    started = result(zvm, "start", "bm2")
    assert started["state"] == "running" and started["cores"] == [2]
    assert result(zvm, "info", "bm2")["vcpus"][0]["state"] == "on"
    texts = [r["text"] for r in result(zvm, "log", "-n", "64")["records"]]
    stopped = [i for i, t in enumerate(texts) if "'bm2' stopped" in t]
    assert stopped, texts
    assert any("'bm2' started" in t for t in texts[stopped[-1]:]), texts


def bm1_vcpu(metrics):
    return next(vm for vm in metrics["vms"] if vm["name"] == "bm1")["vcpus"][0]


def test_metrics_count_what_the_guests_do(zvm):
    first = result(zvm, "metrics")
    assert first["time_ns"] > 0 and bm1_vcpu(first)["core"] == 1
    assert {vm["name"]: vm["state"] for vm in first["vms"]}["rtos"] == "stopped"
    # bm1 prints on its emulated UART all the time: its MMIO traps grow
    # (each round trip is the clock; a loaded host may need a few).
    for _ in range(50):
        later = result(zvm, "metrics")
        if bm1_vcpu(later)["mmio"] > bm1_vcpu(first)["mmio"]:
            break
    assert bm1_vcpu(later)["mmio"] > bm1_vcpu(first)["mmio"]
    assert later["time_ns"] > first["time_ns"]


def test_refused_requests_are_counted_and_never_acted_on(zvm, tmp_path):
    wrong = tmp_path / "wrong.key"
    wrong.write_text("key = " + "ab" * 32 + "\n")
    before = agent_counters(zvm)
    # Forged: another key.  Its stop must not happen.
    proc = zvmctl(zvm, "stop", "bm1", key_file=str(wrong))
    assert proc.returncode == EXIT_AUTH, proc.stderr
    # Replayed: a sequence number at or below the client's last, unless it
    # is the very same request again (answered from the cache, not rerun).
    client = 4242
    assert result(zvm, "list", client_id=client, seq=1000)["vms"]
    again = zvmctl(zvm, "list", client_id=client, seq=1000)
    assert again.returncode == EXIT_OK
    for seq, args in ((1000, ("stop", "bm1")), (999, ("list",))):
        proc = zvmctl(zvm, *args, client_id=client, seq=seq)
        assert proc.returncode == EXIT_AUTH and "replayed" in proc.stderr, proc.stderr
    # Malformed: params that are not JSON, and an unknown param.
    proc = zvmctl(zvm, "call", "zvm.list", "{not json")
    assert proc.returncode == EXIT_PROTOCOL and "not strict JSON" in proc.stderr
    proc = zvmctl(zvm, "call", "zvm.info", '{"vm":"bm1","force":true}')
    assert proc.returncode == EXIT_USAGE and "unknown param 'force'" in proc.stderr
    after = agent_counters(zvm)
    # zvmctl resends a request whose reply is late (a loaded host): each
    # resend is counted again, so these are lower bounds, except malformed,
    # whose resends are retries answered from the cache.
    assert after["unauthenticated"] - before["unauthenticated"] >= 1
    assert after["replayed"] - before["replayed"] >= 2
    assert after["retried"] - before["retried"] >= 1
    assert after["malformed"] - before["malformed"] == 1
    states = {vm["name"]: vm["state"] for vm in result(zvm, "list")["vms"]}
    assert states["bm1"] == "running"  # neither the forged nor the replayed stop ran


def test_the_human_shell_shares_the_line(zvm):
    result(zvm, "list")  # framed mode was just used
    zvm.connect()
    try:
        # A frame that is no datagram, typed in the middle of a command:
        # taken out of the line, counted, and the command still runs.
        zvm.send("zvm li\x1e0123zz\rst\r")
        zvm.expect(r"ID  NAME\s+OS\s+STATE")
        zvm.expect(r"zvm> ")
        out = zvm.run("zvm agent")
        assert re.search(r"bad serial frames [1-9]", out), out
        assert "refused: unauthenticated" in out
        assert "bm1" in zvm.run("zvm list")
        assert "zvm list" in zvm.run("help")
    finally:
        zvm.disconnect()
    # And zvmctl once more after the human.
    assert result(zvm, "info", "bm1")["state"] == "running"


def test_test_methods(zvm):
    tests = result(zvm, "test", "list")["tests"]
    assert {"group": "alloc", "name": "page_orders"} in tests
    status = result(zvm, "test", "status")
    assert status["state"] in ("none", "done")
    proc = zvmctl(zvm, "test", "run", "nosuchgroup")
    assert proc.returncode == EXIT_REFUSED and "no test matches" in proc.stderr
    done = result(zvm, "test", "run", "alloc.page_orders")
    assert done["run"]["state"] == "finished" and done["run"]["passed"] == 1
    assert [r["name"] for r in done["results"]] == ["alloc.page_orders"]
    assert result(zvm, "test", "status")["state"] == "done"
    # Nothing to cancel once it is done (a cancel that lands is the dashboard's test).
    proc = zvmctl(zvm, "test", "cancel")
    assert proc.returncode == EXIT_REFUSED and "no test run is in progress" in proc.stderr


def test_a_metrics_stream_at_the_chosen_rate(zvm):
    proc = zvmctl(zvm, "events", "--metrics-ms", "250", "--count", "3", "--wait-ms", "30000")
    assert proc.returncode == EXIT_OK, proc.stderr
    events = [json.loads(line) for line in proc.stdout.splitlines()]
    assert len(events) == 3
    assert all(e["method"] == "event.metrics" for e in events)
    times = [e["params"]["time_ns"] for e in events]
    # ZVM's own clock: at least the chosen period apart (it may be later
    # on a loaded host, never sooner).
    assert all(b - a >= 250_000_000 for a, b in zip(times, times[1:])), times
    assert {vm["name"] for vm in events[-1]["params"]["vms"]} == {"bm1", "bm2", "rtos"}


def read_key():
    with open(KEY_FILE) as f:
        for line in f:
            name, _, value = line.partition("=")
            if name.strip() == "key":
                return bytes.fromhex(value.strip())
    raise AssertionError("no key in " + KEY_FILE)


def decode_event(hex_frame, key):
    """An event datagram (docs/protocol.md), its HMAC checked: its JSON body."""
    d = bytes.fromhex(hex_frame)
    assert d[:3] == b"ZR\x01" and d[3] == 3, d[:4]
    fragment, fragments, length = (int.from_bytes(d[i:i + 2], "big") for i in (16, 18, 20))
    assert (fragment, fragments) == (0, 1)
    body = d[56:56 + length]
    assert hmac.compare_digest(d[24:56], hmac.new(key, d[:24] + body, hashlib.sha256).digest())
    return json.loads(body)


def next_vm_event(zvm, key):
    """The next event.vm frame on the line; the log's event.log lines about
    the same change may come before it."""
    while True:
        event = decode_event(zvm.expect("\x1e([0-9a-f]+)\n").group(1), key)
        if event["method"] == "event.vm":
            return event
        assert event["method"] == "event.log", event


def test_vm_state_changes_are_events(zvm):
    assert result(zvm, "call", "events.subscribe", "{}")["subscribed"]
    key = read_key()
    zvm.connect()
    try:
        zvm.send("zvm stop bm2\r")
        event = next_vm_event(zvm, key)
        assert event["params"]["name"] == "bm2"
        assert (event["params"]["previous"], event["params"]["state"]) == ("running", "stopped")
        # The shell's prompt may come before or after the event's frame:
        # the next command is typed without waiting for it.
        zvm.send("zvm start bm2\r")
        event = next_vm_event(zvm, key)
        assert (event["params"]["previous"], event["params"]["state"]) == ("stopped", "running")
        assert re.search(r"bm2\s+\S+\s+running", zvm.run("zvm list"))
    finally:
        zvm.disconnect()
    assert result(zvm, "call", "events.unsubscribe") == {"subscribed": False}


def request_frame(key, client, seq, body, forge=False):
    """A request datagram (docs/protocol.md) as a serial frame."""
    header = (b"ZR\x01\x01" + client.to_bytes(4, "big") + seq.to_bytes(8, "big") +
              (0).to_bytes(2, "big") + (1).to_bytes(2, "big") +
              len(body).to_bytes(2, "big") + b"\x00\x00")
    mac = hmac.new(key, header + body, hashlib.sha256).digest()
    if forge:
        mac = bytes(b ^ 0x55 for b in mac)
    return b"\x1e" + (header + mac + body).hex().encode() + b"\n"


def test_a_flood_of_forged_and_oversized_frames_starves_nothing(zvm):
    key = read_key()
    before = agent_counters(zvm)
    body = b'{"jsonrpc":"2.0","id":1,"method":"zvm.stop","params":{"vm":"bm1"}}'
    forged = b"".join(request_frame(key, 77, 1 + i, body, forge=True) for i in range(200))
    oversized = b"\x1e" + b"ab" * 3000 + b"\n"
    good = request_frame(key, 78, 1, b'{"jsonrpc":"2.0","id":1,"method":"zvm.list"}')
    zvm.connect()
    try:
        zvm.send(forged + oversized)
        # The good request after the flood: resent until answered (a retry
        # gets the cached reply), so its answer means the flood is through.
        for _ in range(10):
            zvm.send(good)
            try:
                zvm.expect("\x1e(5a5201020000004e0000000000000001[0-9a-f]+)\n", timeout=10)
                break
            except TimeoutError:
                continue
        else:
            raise AssertionError("the request after the flood was never answered")
        assert "zvm list" in zvm.run("help")  # the shell answers too
    finally:
        zvm.disconnect()
    after = agent_counters(zvm)
    refused = after["unauthenticated"] - before["unauthenticated"]
    lost = (after["dropped"] - before["dropped"]) + (after["serial_bad"] - before["serial_bad"])
    assert refused > 0 and refused <= 200
    assert after["serial_bad"] > before["serial_bad"]  # the oversized frame at least
    assert after["executed"] - before["executed"] == 2  # the good one and the counter read
    states = {vm["name"]: vm["state"] for vm in result(zvm, "list")["vms"]}
    assert states["bm1"] == "running", (refused, lost)
    print(f"flood: {refused} refused, {lost} dropped or broken in transit")


def test_top_from_two_metrics_samples(zvm):
    """zvmctl top: a running list-register vCPU's interval is all guest or
    ZVM, and it has no idle share (the buckets and time_ns are ZVM's
    counter, read within a reply)."""
    [vcpu] = [v for v in result(zvm, "top", "-d", "500")["vcpus"] if v["vm"] == "bm1"]
    assert vcpu["state"] == "running" and vcpu["core"] == 1, vcpu
    assert 98.0 <= vcpu["guest_pct"] + vcpu["zvm_pct"] <= 102.0, vcpu
    assert vcpu["idle_pct"] is None, vcpu
    assert vcpu["traps_per_s"] > 0 and vcpu["irqs_per_s"] > 0, vcpu   # its timer ticks
    human = zvmctl(zvm, "top", "-d", "200", "-n", "2", json_out=False)
    assert human.returncode == EXIT_OK and human.stdout.count("over ") == 2, human.stdout
    assert re.search(r"^1\s+bm1\s+0\s+1\s+running\s+\d+\.\d\s+\d+\.\d\s+-\s", human.stdout,
                     re.M), human.stdout
    proc = zvmctl(zvm, "top", "-d", "5")
    assert proc.returncode == EXIT_USAGE and "-d from 100 to 10000 ms" in proc.stderr


def test_the_whole_lifecycle_through_zvmctl(zvm):
    """Runs last: it deletes rtos to free core 3 for a VM it creates."""
    proc = zvmctl(zvm, "create", "-t", "rtos", "-c", "1", "-m", "64")
    assert proc.returncode == EXIT_REFUSED and "free core" in proc.stderr, proc.stderr
    rtos_id = result(zvm, "info", "rtos")["id"]
    assert result(zvm, "delete", "rtos") == {"deleted": rtos_id}
    proc = zvmctl(zvm, "create", "-t", "rtos", "-m", "64", "-n", "extra", "-C", "0")
    assert proc.returncode == EXIT_REFUSED and "core 0 is ZVM's own" in proc.stderr, proc.stderr
    made = result(zvm, "create", "-t", "rtos", "-m", "64", "-n", "extra", "-C", "3")
    assert (made["name"], made["state"], made["cores"]) == ("extra", "stopped", [3])
    assert result(zvm, "start", "extra")["state"] == "running"
    assert result(zvm, "pause", "extra")["state"] == "paused"
    assert result(zvm, "resume", "extra")["state"] == "running"
    assert result(zvm, "restart", "extra")["state"] == "running"
    proc = zvmctl(zvm, "delete", "extra")
    assert proc.returncode == EXIT_REFUSED, proc.stderr  # a running VM is not deleted
    assert result(zvm, "stop", "extra")["state"] == "stopped"
    assert result(zvm, "delete", "extra") == {"deleted": made["id"]}
    assert "extra" not in {vm["name"] for vm in result(zvm, "list")["vms"]}
