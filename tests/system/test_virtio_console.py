"""The virtio console (configs/test-virtio.dts): Debian's unmodified kernel
loads virtio_mmio and virtio_console from its own package, finds ZVM's
virtio-mmio device in the devicetree ZVM generated, and its shell runs on
hvc0, through the same console ring and `zvm console` as the UART.  The
same boots carry the system's disks (virtio_blk): /dev/vda a RAM disk that
reads back what was written, /dev/vdb a read-only partition of the board's
disk that refuses writes (test_virtio_blk.py has the persistence); the RAM
disk starts with an image from the system package.  Both CPU
models."""
import hashlib
import os
import re

import pytest

from test_linux_guest import booted, linux_shell
from test_linux_native import kernel_release  # noqa: F401 (fixture)
from test_virtio_blk import disk_counters, md5_of, write_random
from zvm import BUILD, REPO

# configs/test-virtio.dts: virtio@0, QEMU virt's slot 0 interrupt (SPI 16).
VIRTIO_INTID = 48
VIRTIO_ID_CONSOLE = "0x0003"
COMMANDS = 20


@pytest.fixture(scope="module", params=["cortex-a53", "cortex-a76"])
def zvm(request, kernel_release):  # noqa: F811 (the fixture imported above)
    yield from booted("test-virtio", f"virtio-console-{request.param}", request.param)


def virtio_irq_counts(zvm):
    """(injected, delivered) of the device's SPI from `zvm irqs linux`."""
    out = zvm.run("zvm irqs linux")
    row = re.search(rf"^{VIRTIO_INTID}\s+\d+\s+(\d+)\s+(\d+)\s", out, re.M)
    return (int(row.group(1)), int(row.group(2))) if row else (0, 0)


def test_the_shell_runs_on_hvc0(zvm):
    with linux_shell(zvm) as sh:
        assert sh.run("tty", r"(\S+)") == "/dev/hvc0"
        assert sh.run("cat /sys/bus/virtio/devices/virtio0/device", r"(\S+)") == \
            VIRTIO_ID_CONSOLE
        # The devicetree node ZVM wrote: compatible and dma-coherent.
        assert sh.run("tr -d '\\000' </proc/device-tree/virtio_mmio@a000000/compatible;echo",
                      r"(\S+)") == "virtio,mmio"
        assert sh.run("ls /proc/device-tree/virtio_mmio@a000000/dma-coherent",
                      r"(\S+)").endswith("dma-coherent")
        # The modern transport, with the ring features ZVM offers accepted.
        features = sh.run("cat /sys/bus/virtio/devices/virtio0/features", r"([01]+)")
        assert features[28] == "1" and features[29] == "1" and features[32] == "1"
    assert "ZVM Linux guest: shell on hvc0" in zvm.output


def test_every_command_is_answered_through_virtio(zvm):
    """Input reaches the receive queue, output leaves by the transmit queue:
    each answer needs both, and the device's interrupt."""
    injected_before, _ = virtio_irq_counts(zvm)
    with linux_shell(zvm) as sh:
        for i in range(COMMANDS):
            assert sh.run(f"echo v{i}x7=$(({i}*7))", rf"v{i}x7=(\d+)") == str(i * 7)
        word = "".join(chr(ord("a") + i % 26) for i in range(300))
        assert sh.run(f"echo {word} | wc -c", r"\s*(\d+)", timeout=30) == "301"
    injected, delivered = virtio_irq_counts(zvm)
    assert injected > injected_before
    assert delivered > 0


def test_zvm_info_lists_the_device_and_its_counters(zvm):
    with linux_shell(zvm) as sh:
        assert sh.run("echo i=$((2+2))", r"i=(\d+)") == "4"
    out = zvm.run("zvm info linux")
    assert re.search(r"^  uart@9000000: PL011 \(emulated\), INTID 33$", out, re.M), out
    row = re.search(r"^  virtio@0: console \(VirtIO, virtio-mmio v2\), INTID 48, live "
                    r"\(status 0xf\): requests (\d+), bytes out (\d+) in (\d+), "
                    r"notifications (\d+), interrupts (\d+), errors 0 "
                    r"\(malformed rings 0\), resets \d+$", out, re.M)
    assert row, out
    requests, out_bytes, in_bytes, notifications, interrupts = map(int, row.groups())
    # Every typed byte went in; the answers came out; each was notified.
    assert in_bytes >= len("echo i=$((2+2))\r")
    assert out_bytes > in_bytes
    assert requests > 0 and notifications > 0 and interrupts > 0


RAM_DISK_IMAGE = os.path.join(REPO, BUILD, "ramdisk-test.img")


def test_ram_disk_starts_with_its_package_image(zvm):
    """configs/test-virtio.dts: vda's image (make's build/ramdisk-test.img)
    was packed by zvmpack and copied in by ZVM; the rest of the disk is zero."""
    with open(RAM_DISK_IMAGE, "rb") as f:
        image = f.read()
    assert 0 < len(image) < 10 * 4096  # below what the next test writes
    with linux_shell(zvm) as sh:
        got = sh.run(f"head -c {len(image)} /dev/vda | md5sum", r"([0-9a-f]{32})  -")
        assert got == hashlib.md5(image).hexdigest()
        after = sh.run("dd if=/dev/vda bs=4096 skip=64 count=16 2>/dev/null | md5sum",
                       r"([0-9a-f]{32})  -")
        assert after == hashlib.md5(bytes(16 * 4096)).hexdigest()


def test_ram_disk_reads_back_and_read_only_disk_refuses(zvm):
    """configs/test-virtio.dts: vda a 4 MiB RAM disk, vdb a read-only 1 MiB partition."""
    with linux_shell(zvm) as sh:
        assert sh.run("cat /sys/block/vda/size", r"(\d+)") == str(4 << 11)
        assert sh.run("cat /sys/block/vdb/size", r"(\d+)") == str(1 << 11)
        assert sh.run("cat /sys/block/vdb/ro", r"(\d)") == "1"
        digest = write_random(sh, "/dev/vda", seek=10, blocks=32)
        sh.run("echo 3 > /proc/sys/vm/drop_caches; echo dropped", r"(dropped)")
        assert md5_of(sh, "/dev/vda", seek=10, blocks=32) == digest
        # The read-only disk: the write is refused, the data stays zero.
        assert sh.run("dd if=/dev/urandom of=/dev/vdb bs=4096 count=1 conv=fsync "
                      "2>/dev/null; echo refused=$?", r"refused=(\d+)") != "0"
        zero = sh.run("dd if=/dev/zero bs=4096 count=1 2>/dev/null | md5sum",
                      r"([0-9a-f]{32})  -")
        assert md5_of(sh, "/dev/vdb", seek=0, blocks=1) == zero
    ram = disk_counters(zvm, 1)
    assert ram["writes"] > 0 and ram["reads"] > 0 and ram["flushes"] > 0, ram["line"]
    assert "RAM disk of 4096 KiB" in ram["line"]
    ro = disk_counters(zvm, 2)
    assert "read-only" in ro["line"] and ro["writes"] == 0, ro["line"]
