"""The network in the default system (configs/qemu-virt.dts): Linux's eth0,
Debian's unmodified virtio_net on ZVM's virtio-net device, is a port of
ZVM's virtual switch, as are ZVM's own stack (10.0.2.15), the RTOS's
virtio-net (10.0.2.17, its own polled driver, guests/rtos/app/net.c) and
the board's NIC (QEMU's virtio-net-device on user networking, driven by
ZVM: the uplink).  Linux pings ZVM's stack through the switch, the host
(10.0.2.2) through the switch and the NIC, and the RTOS (VM to VM: the
switch's counters show the frames went between the two VMs, not to ZVM);
the RTOS gets its UDP echoes back from ZVM; ZVM's stack pings the host
too; a frame Linux sends with another MAC is dropped by the switch and
counted, on the port and in `zvm info`; ZVM's counters add up on both
sides.  On both CPU models."""
import re

import pytest

from test_linux_guest import booted, linux_shell
from test_linux_native import kernel_release  # noqa: F401 (fixture)

ZVM_IP = "10.0.2.15"
LINUX_IP = "10.0.2.16"
LINUX_MAC = "52:54:00:12:34:16"
RTOS_IP = "10.0.2.17"
RTOS_MAC = "52:54:00:12:34:17"
RTOS_NET_TIMEOUT = 300  # its benchmark suite runs first
SPOOFED_MAC = "52:54:00:66:66:66"
PINGS = 5
PING_TIMEOUT = 120


HOST_IP = "10.0.2.2"


@pytest.fixture(scope="module", params=["cortex-a53", "cortex-a76"])
def zvm(request, kernel_release):  # noqa: F811 (the fixture imported above)
    yield from booted("qemu-virt", f"network-{request.param}", cpu=request.param)


def ping(sh, ip, count=PINGS):
    """Packets received of `count` pings (busybox ping, 5 s per reply)."""
    return int(sh.run(f"ping -c {count} -W 5 {ip} | grep transmitted",
                      rf"{count} packets transmitted, (\d+) packets received.*",
                      timeout=PING_TIMEOUT))


def port_counters(zvm, name):
    """(in, out, spoofed) of the switch port called name, from `net`."""
    out = zvm.run("net")
    row = re.search(rf"^  port \d+ {name}: mac \S+, in (\d+) \(\d+ bytes\), out (\d+) "
                    rf"\(\d+ bytes\), spoofed (\d+), malformed \d+, undeliverable \d+$",
                    out, re.M)
    assert row, out
    return tuple(map(int, row.groups()))


def uplink_counters(zvm):
    """(in, out) of the uplink port and (rx, tx) of the board's NIC, from `net`."""
    out = zvm.run("net")
    port = re.search(r"^  port \d+ uplink: uplink, in (\d+) \(\d+ bytes\), out (\d+) ", out, re.M)
    nic = re.search(r"^board nic: virtio-net at 0x[0-9a-f]+, INTID \d+, rx (\d+) \(\d+ bytes\) "
                    r"errors 0, tx (\d+) \(\d+ bytes\) dropped \d+ errors 0, interrupts \d+, "
                    r"bogus used 0$", out, re.M)
    assert port and nic, out
    return tuple(map(int, port.groups())), tuple(map(int, nic.groups()))


def stack_echo_count(zvm):
    out = zvm.run("net")
    row = re.search(r"icmp echo (\d+),", out)
    assert row, out
    return int(row.group(1))


RTOS_NET_LINE = re.compile(r'^\{"rtos":"net","mac":"([0-9a-f:]+)","address":"([0-9./]+)",'
                           r'"device":"0x[0-9a-f]+"\}\r?$', re.M)
RTOS_ECHO_LINE = re.compile(r'^\{"rtos":"net","echo":"([0-9.]+)","sent":(\d+),"received":(\d+),'
                            r'"rtt_max_ns":(\d+)\}\r?$', re.M)


def rtos_net(zvm):
    """The RTOS's console once its network is up and its echo probe done."""
    def up(text):
        """the RTOS's network line and echo result"""
        return RTOS_NET_LINE.search(text) and RTOS_ECHO_LINE.search(text)
    return zvm.watch("rtos", up, timeout=RTOS_NET_TIMEOUT)


def virtio_interrupts(zvm, vm, slot):
    """The interrupts a VM's virtio device raised, from `zvm info`."""
    info = zvm.run(f"zvm info {vm}")
    row = re.search(rf"^  virtio@{slot}: net .* interrupts (\d+), ", info, re.M)
    assert row, info
    return int(row.group(1))


def test_the_rtos_is_on_the_switch_and_zvm_echoes_it(zvm):
    text = rtos_net(zvm)
    mac, address = RTOS_NET_LINE.search(text).groups()
    assert (mac, address) == (RTOS_MAC, RTOS_IP + "/24")
    peer, sent, received, _ = RTOS_ECHO_LINE.search(text).groups()
    assert peer == ZVM_IP and int(sent) == int(received) > 0
    # And the RTOS answers ZVM's pings (on the switch, never out the uplink).
    assert zvm_ping(zvm, RTOS_IP) == 3
    # Polled (a direct-irq VM): its driver asks for no interrupt, none is raised.
    assert virtio_interrupts(zvm, "rtos", 1) == 0


def test_linux_pings_the_rtos_vm_to_vm(zvm):
    rtos_net(zvm)
    rtos_in, rtos_out, _ = port_counters(zvm, "rtos")
    linux_in, linux_out, _ = port_counters(zvm, "linux")
    echoes = stack_echo_count(zvm)
    with linux_shell(zvm) as sh:
        assert ping(sh, RTOS_IP) == PINGS
        # The answers came from the RTOS: Linux learned its MAC by ARP.
        neigh = sh.run(f"grep '^{RTOS_IP} ' /proc/net/arp", rf"{RTOS_IP}\s+\S+\s+\S+\s+(\S+)\s.*")
        assert neigh == RTOS_MAC
    # Every request went from Linux's port to the RTOS's, every answer back;
    # ZVM's stack answered none of them.
    new_rtos_in, new_rtos_out, _ = port_counters(zvm, "rtos")
    new_linux_in, new_linux_out, _ = port_counters(zvm, "linux")
    assert new_linux_in >= linux_in + PINGS and new_rtos_out >= rtos_out + PINGS
    assert new_rtos_in >= rtos_in + PINGS and new_linux_out >= linux_out + PINGS
    assert stack_echo_count(zvm) == echoes
    assert virtio_interrupts(zvm, "rtos", 1) == 0


def test_linux_has_eth0_with_its_address(zvm):
    with linux_shell(zvm) as sh:
        assert sh.run("cat /sys/class/net/eth0/address", r"(\S+)") == LINUX_MAC
        assert sh.run("ip -4 addr show eth0 | grep inet", r"\s*inet (\S+) .*") == \
            LINUX_IP + "/24"
    assert f"ZVM Linux guest: eth0 {LINUX_IP}/24" in zvm.output


def test_linux_pings_zvms_own_stack(zvm):
    echoes = stack_echo_count(zvm)
    with linux_shell(zvm) as sh:
        assert ping(sh, ZVM_IP) == PINGS
        # The answers came from ZVM: Linux learned its MAC by ARP.
        neigh = sh.run(f"grep '^{ZVM_IP} ' /proc/net/arp", rf"{ZVM_IP}\s+\S+\s+\S+\s+(\S+)\s.*")
        assert neigh == "52:54:00:5a:56:4d"
    assert stack_echo_count(zvm) >= echoes + PINGS


def test_linux_pings_the_host_through_the_boards_nic(zvm):
    (port_in, port_out), (nic_rx, nic_tx) = uplink_counters(zvm)
    with linux_shell(zvm) as sh:
        assert ping(sh, HOST_IP) == PINGS
    (port_in2, port_out2), (nic_rx2, nic_tx2) = uplink_counters(zvm)
    # Every request went out through the NIC and every answer came in by it.
    assert port_out2 - port_out >= PINGS and nic_tx2 - nic_tx >= PINGS
    assert port_in2 - port_in >= PINGS and nic_rx2 - nic_rx >= PINGS
    assert nic_rx2 - nic_rx == port_in2 - port_in  # every frame received was switched


def zvm_ping(zvm, ip, count=3):
    """Answers of `net ping ip count` (ZVM's own stack), each line checked."""
    out = zvm.run(f"net ping {ip} {count}", timeout=60)
    lines = re.findall(rf"^reply from {re.escape(ip)}: seq (\d+) time (\d+) us$", out, re.M)
    total = re.search(rf"^{count} sent, (\d+) answered$", out, re.M)
    assert total, out
    assert int(total.group(1)) == len(lines), out
    return len(lines)


def test_zvms_own_stack_pings_the_host_and_linux(zvm):
    assert zvm_ping(zvm, HOST_IP) == 3  # ARP for the gateway first, then out the uplink
    assert zvm_ping(zvm, LINUX_IP) == 3  # on the switch, never out the uplink
    out = zvm.run("net")
    sent, answered = map(int, re.search(r"pings sent (\d+) answered (\d+)", out).groups())
    assert sent >= 6 and answered >= 6
    # Nobody answers an address nobody has: every request is counted unanswered.
    assert zvm_ping(zvm, "10.0.2.99", count=1) == 0


def test_a_spoofed_source_mac_is_dropped_and_counted(zvm):
    _, _, spoofed_before = port_counters(zvm, "linux")
    with linux_shell(zvm) as sh:
        # Linux now sends with a MAC that is not the VM's configured one:
        # the switch drops every such frame, so no ping gets through.
        sh.run(f"ip link set eth0 address {SPOOFED_MAC}; echo set=$?", r"set=(\d+)")
        try:
            assert ping(sh, ZVM_IP, count=2) == 0
        finally:
            sh.run(f"ip link set eth0 address {LINUX_MAC}; echo set=$?", r"set=(\d+)")
        # Back to its own address, it gets through again.
        assert ping(sh, ZVM_IP, count=2) == 2
    _, _, spoofed = port_counters(zvm, "linux")
    assert spoofed >= spoofed_before + 2
    info = zvm.run("zvm info linux")
    row = re.search(rf"^    mac {LINUX_MAC} on the virtual switch: tx packets (\d+) .*, "
                    r"spoofed (\d+), malformed \d+$", info, re.M)
    assert row, info
    assert int(row.group(2)) == spoofed


def test_zvm_info_counts_the_devices_traffic(zvm):
    info = zvm.run("zvm info linux")
    row = re.search(r"^  virtio@2: net \(VirtIO, virtio-mmio v2\), INTID 50, live "
                    r"\(status 0xf\): requests (\d+), bytes out (\d+) in (\d+), "
                    r"notifications (\d+), interrupts (\d+), errors 0 "
                    r"\(malformed rings 0\), resets \d+$", info, re.M)
    assert row, info
    requests, bytes_out, bytes_in, notifications, interrupts = map(int, row.groups())
    assert requests > 0 and notifications > 0 and interrupts > 0
    assert bytes_out > 0 and bytes_in > 0
    net = re.search(r"tx packets (\d+) bytes (\d+) errors 0, rx packets (\d+) bytes (\d+) "
                    r"errors 0 dropped \d+ \(no buffer\)", info)
    assert net, info
    tx_packets, tx_bytes, rx_packets, rx_bytes = map(int, net.groups())
    assert tx_bytes == bytes_out and rx_bytes == bytes_in
    # What the switch delivered to the port is what the device received.
    _, port_out, _ = port_counters(zvm, "linux")
    assert port_out >= rx_packets > 0
