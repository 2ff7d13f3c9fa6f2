"""zvmctl against ZVM's agent over UDP (docs/protocol.md, "UDP transport").

Boots build/system-test-vms.img (configs/test-vms.dts: the test mgmt-key
and ZVM at 10.0.2.15 with the agent on UDP 5555) with the board's NIC on
QEMU's user network and two host forwards on 127.0.0.1, each on a port the
kernel picked free for this run: one to the agent, one to ZVM's UDP echo
service (port 7).  Through the board's NIC, the virtual switch and ZVM's
own stack: an echo from the host, zvmctl's list, info, stop and start, a
metrics event stream back to its subscriber, a request under another key
refused and counted, and a flood of forged and
malformed datagrams that leaves the agent, the shell and the VMs serving.
On both CPU models; no Linux, so the module stays quick."""
import json
import os
import re
import select
import socket
import subprocess
import time

import pytest

from qemu_harness import free_udp_port
from test_zvmctl import (EXIT_AUTH, EXIT_OK, EXIT_REFUSED, KEY_FILE, REPO, RUN_TIMEOUT, ZVMCTL,
                         read_key, request_frame, wait_shell)
from zvm import Zvm, qemu_args, system_image

ZVM_IP = "10.0.2.15"
AGENT_PORT = 5555   # configs/test-vms.dts, /zvm/network agent-port
ECHO_PORT = 7       # RFC 862, served by ZVM's stack
CALL_TIMEOUT_MS = 5000
ECHO_ATTEMPTS = 10
FLOOD = 300
EVENT_TIMEOUT = 120


class UdpZvm(Zvm):
    def __init__(self, cpu):
        self.agent = free_udp_port()
        self.echo = free_udp_port()
        super().__init__(qemu_args(image=system_image("test-vms"), cpu=cpu), f"zvmctl-udp-{cpu}",
                         hostfwd=[("udp", self.agent, ZVM_IP, AGENT_PORT),
                                  ("udp", self.echo, ZVM_IP, ECHO_PORT)])


@pytest.fixture(scope="module", params=["cortex-a53", "cortex-a76"])
def zvm(request):
    subprocess.run(["make", "--no-print-directory", "zvmctl"], cwd=REPO, check=True,
                   capture_output=True, timeout=300)
    with UdpZvm(request.param) as machine:
        machine.boot()
        wait_shell(machine, "zvm list", lambda out: re.search(r"bm2\s+\S+\s+running", out))
        yield machine


def zvmctl(machine, *args, key_file=KEY_FILE):
    cmd = [ZVMCTL, "--target", f"udp://127.0.0.1:{machine.agent}", "--key-file", key_file,
           "--timeout", str(CALL_TIMEOUT_MS), "--json"]
    return subprocess.run(cmd + list(args), capture_output=True, text=True, timeout=RUN_TIMEOUT)


def result(machine, *args):
    proc = zvmctl(machine, *args)
    assert proc.returncode == EXIT_OK, proc.stderr
    return json.loads(proc.stdout)


def test_udp_echo_from_the_host(zvm):
    payload = os.urandom(600)
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.connect(("127.0.0.1", zvm.echo))
        s.settimeout(5)
        # UDP may lose the first while QEMU's user network resolves ZVM's
        # MAC: resend until the echo (each wait is the socket's timeout).
        for _ in range(ECHO_ATTEMPTS):
            s.send(payload)
            try:
                assert s.recv(2048) == payload
                break
            except socket.timeout:
                continue
        else:
            raise AssertionError("no echo from ZVM's stack")
    assert re.search(r"udp rx [1-9]\d* tx [1-9]", zvm.run("net"))


def test_list_info_stop_start_over_udp(zvm):
    vms = {vm["name"]: vm for vm in result(zvm, "list")["vms"]}
    assert set(vms) == {"bm1", "bm2", "rtos"} and vms["bm1"]["state"] == "running"
    info = result(zvm, "info", "bm1")
    assert info["name"] == "bm1" and info["vcpus"][0]["core"] == 1
    assert result(zvm, "stop", "bm2")["state"] == "stopped"
    proc = zvmctl(zvm, "stop", "bm2")
    assert proc.returncode == EXIT_REFUSED and "nothing to stop" in proc.stderr
    assert result(zvm, "start", "bm2")["state"] == "running"
    agent = result(zvm, "agent")
    assert agent["udp_port"] == AGENT_PORT and agent["udp_received"] >= 5


def test_metrics_events_come_back_to_the_subscriber(zvm):
    proc = zvmctl(zvm, "events", "--metrics-ms", "250", "--count", "3", "--wait-ms", "30000")
    assert proc.returncode == EXIT_OK, proc.stderr
    events = [json.loads(line) for line in proc.stdout.splitlines()]
    assert len(events) == 3 and all(e["method"] == "event.metrics" for e in events)
    times = [e["params"]["time_ns"] for e in events]
    assert times == sorted(times) and len(set(times)) == 3


def next_event(proc, deadline):
    """The next JSON line zvmctl events prints, or an assertion at deadline."""
    ready, _, _ = select.select([proc.stdout], [], [], max(0, deadline - time.monotonic()))
    assert ready, "no event in time"
    line = proc.stdout.readline()
    assert line, proc.stderr.read()
    return json.loads(line)


def subscribe(zvm):
    """zvmctl events running, once its first metrics event says it is
    subscribed (nothing that happens after can be missed); and the deadline
    for what it should see."""
    cmd = [ZVMCTL, "--target", f"udp://127.0.0.1:{zvm.agent}", "--key-file", KEY_FILE,
           "--timeout", str(CALL_TIMEOUT_MS), "events", "--metrics-ms", "250",
           "--wait-ms", "60000"]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + EVENT_TIMEOUT
    try:
        while next_event(proc, deadline)["method"] != "event.metrics":
            pass
    except BaseException:
        proc.kill()
        proc.wait()
        raise
    return proc, deadline


def test_a_test_run_is_followed_live_through_events(zvm):
    """event.test_run when the agent first sees the run (in whatever state:
    a short run may be over by then) and when it has ended, event.test for
    each result between, in order; the subscriber's first metrics event
    says it is subscribed, so nothing of the run can come before it."""
    proc, deadline = subscribe(zvm)
    try:
        out = zvm.run("zvm test run shell", timeout=EVENT_TIMEOUT)
        names = re.findall(r"^ZTEST (shell\.\S+) PASS ", out, re.M)
        events = []
        while not (len(events) > 1 and events[-1]["method"] == "event.test_run"):
            e = next_event(proc, deadline)
            if e["method"].startswith("event.test"):
                events.append(e)
    finally:
        proc.kill()
        proc.wait()
    begin, results, end = events[0], events[1:-1], events[-1]
    assert begin["method"] == "event.test_run"
    assert begin["params"]["selector"] == "shell"
    assert [e["params"]["result"]["name"] for e in results] == names
    assert all(e["method"] == "event.test" and e["params"]["result"]["verdict"] == "PASS"
               for e in results)
    assert end["params"]["state"] == "finished"
    assert (end["params"]["total"], end["params"]["passed"]) == (len(names), len(names))
    assert end["params"]["number"] == begin["params"]["number"]


def test_log_lines_are_events(zvm):
    """A VM stopped from the shell: its log line reaches the subscriber."""
    proc, deadline = subscribe(zvm)
    try:
        zvm.run("zvm stop bm2")
        while True:
            e = next_event(proc, deadline)
            if e["method"] == "event.log" and "'bm2' stopped" in e["params"]["text"]:
                break
    finally:
        proc.kill()
        proc.wait()
        zvm.run("zvm start bm2")
    assert e["params"]["level"] == "info" and e["params"]["seq"] > 0


def test_a_request_under_another_key_is_refused_and_counted(zvm, tmp_path):
    wrong = tmp_path / "wrong.key"
    wrong.write_text("key = " + "cd" * 32 + "\n")
    before = result(zvm, "agent")
    proc = zvmctl(zvm, "stop", "bm1", key_file=str(wrong))
    assert proc.returncode == EXIT_AUTH, proc.stderr
    after = result(zvm, "agent")
    assert after["unauthenticated"] > before["unauthenticated"]
    assert {vm["name"]: vm["state"] for vm in result(zvm, "list")["vms"]}["bm1"] == "running"


def test_a_flood_of_forged_and_malformed_datagrams_starves_nothing(zvm):
    key = read_key()
    before = result(zvm, "agent")
    body = b'{"jsonrpc":"2.0","id":1,"method":"zvm.stop","params":{"vm":"bm1"}}'
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.connect(("127.0.0.1", zvm.agent))
        for i in range(FLOOD):
            frame = request_frame(key, 91, 1 + i, body, forge=True)
            s.send(bytes.fromhex(frame[1:-1].decode()))  # the datagram inside the frame
            s.send(b"x" * (7 if i % 2 else 1400))       # no protocol datagram at all
    # The agent still answers (zvmctl resends until it does), so does the shell.
    after = result(zvm, "agent")
    assert "zvm list" in zvm.run("help")
    refused = after["unauthenticated"] - before["unauthenticated"]
    bad = after["udp_bad"] - before["udp_bad"]
    dropped = after["dropped"] - before["dropped"]
    assert 0 < refused <= FLOOD and 0 < bad <= FLOOD
    assert after["executed"] - before["executed"] == 1  # the counter read, nothing of the flood
    states = {vm["name"]: vm["state"] for vm in result(zvm, "list")["vms"]}
    assert states["bm1"] == "running"
    print(f"udp flood of {FLOOD} forged + {FLOOD} malformed: {refused} refused, "
          f"{bad} counted bad, {dropped} dropped at the inbox")
