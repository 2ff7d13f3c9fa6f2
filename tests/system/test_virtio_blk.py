"""virtio-blk: Debian's unmodified virtio_blk driver on ZVM's disks.

The default system (configs/qemu-virt.dts) gives Linux /dev/vda, a partition
of the board's disk that ZVM drives itself (QEMU's virtio-blk-device on an
image file): data written and flushed (fsync: a VIRTIO_BLK_T_FLUSH) reads
back with the same checksum after the VM restarts and after ZVM reboots
(QEMU started again on the same image), and the rest of the board's disk
stays as it was; `zvm info` counts what happened.  On both CPU models.  The
RAM disk and the read-only partition (configs/test-virtio.dts) are tested,
on both CPU models, in test_virtio_console.py's boots of that system."""
import os
import re

import pytest

from qemu_harness import DISK_DIR, fresh_disk
from test_linux_guest import PROMPT, Shell, system_image
from test_linux_native import kernel_release  # noqa: F401 (fixture)
from zvm import Zvm, qemu_args

BOOT_TIMEOUT = 180
IO_TIMEOUT = 120
# configs/qemu-virt.dts: linux's virtio@1 is bytes [0, 32 MiB) of the board disk.
PARTITION_BYTES = 32 << 20
BLOCK = 4096
BLOCKS = 64         # 256 KiB of random data
SEEK = 100          # in blocks: somewhere inside, not at the start
MARKERS = iter(range(5001, 6000))


def shell_after_boot(zvm, boot):
    """Attached to linux's console once its boot number `boot` has a shell."""
    zvm.attach("linux")
    if boot > 1:
        zvm.expect(rf"\[ZVM: vm \d+ 'linux' boot {boot}\]", BOOT_TIMEOUT)
    zvm.expect(r"ZVM Linux guest up", BOOT_TIMEOUT)
    zvm.expect(PROMPT, BOOT_TIMEOUT)
    shell = Shell(zvm)
    marker = next(MARKERS)
    assert shell.run(f"echo ready=$(({marker}-1+1))", rf"ready=({marker})") == str(marker)
    return shell


def md5_of(shell, dev, seek=SEEK, blocks=BLOCKS):
    return shell.run(f"dd if={dev} bs={BLOCK} skip={seek} count={blocks} 2>/dev/null | md5sum",
                     r"([0-9a-f]{32})  -", IO_TIMEOUT)


def write_random(shell, dev, seek=SEEK, blocks=BLOCKS):
    """Random blocks written to dev with fsync; returns their md5."""
    digest = shell.run(f"dd if=/dev/urandom of=/tmp/r bs={BLOCK} count={blocks} 2>/dev/null;"
                       "md5sum /tmp/r", r"([0-9a-f]{32})  /tmp/r")
    status = shell.run(f"dd if=/tmp/r of={dev} bs={BLOCK} seek={seek} conv=fsync 2>/dev/null;"
                       "echo written=$?", r"written=(\d+)", IO_TIMEOUT)
    assert status == "0"
    return digest


def disk_counters(zvm, slot):
    """{name: value} of `zvm info linux`'s disk line for virtio@<slot>."""
    out = zvm.run("zvm info linux")
    block = re.search(rf"virtio@{slot:x}: blk .*\n    disk: ([^\n]*)", out)
    assert block, out
    line = block.group(1)
    counts = {name: int(value) for name, value in
              re.findall(r"\b(reads|writes|flushes|unsupported|malformed) (\d+)", line)}
    counts["io errors"] = int(re.search(r"io errors (\d+)", line).group(1))
    counts["line"] = line
    return counts


@pytest.fixture
def disk_image():
    path = os.path.join(DISK_DIR, "virtio-blk-persist.img")
    fresh_disk(path)
    with open(path, "r+b") as f:      # outside the partition: must stay untouched
        f.seek(PARTITION_BYTES)
        f.write(b"ZVM-OUTSIDE-THE-PARTITION" * 100)
    yield path
    os.unlink(path)


@pytest.mark.parametrize("cpu", ["cortex-a53", "cortex-a76"])
def test_flushed_data_survives_vm_restart_and_zvm_reboot(kernel_release, disk_image,  # noqa: F811
                                                          cpu):
    image = system_image("qemu-virt")
    with Zvm(qemu_args(image=image, cpu=cpu), f"virtio-blk-persist-1-{cpu}",
             disk=disk_image) as zvm:
        zvm.boot()
        shell = shell_after_boot(zvm, 1)
        sectors = int(shell.run("cat /sys/block/vda/size", r"(\d+)"))
        assert sectors * 512 == PARTITION_BYTES
        assert shell.run("cat /sys/block/vda/ro", r"(\d)") == "0"
        digest = write_random(shell, "/dev/vda")
        zvm.detach()
        counts = disk_counters(zvm, 1)
        assert counts["writes"] > 0 and counts["flushes"] > 0, counts["line"]
        assert "io errors 0" in counts["line"] and "malformed 0" in counts["line"]

        out = zvm.run("zvm restart linux")
        assert "restarted" in out, out
        shell = shell_after_boot(zvm, 2)
        assert md5_of(shell, "/dev/vda") == digest
        # Past the partition's end: the kernel's own limit, ZVM's next.
        assert shell.run(f"dd if=/dev/vda bs=512 skip={PARTITION_BYTES // 512} count=1 "
                         "2>/dev/null | wc -c", r"\s*(\d+)") == "0"
        zvm.detach()

    # ZVM reboots: QEMU again, on the same image.
    with Zvm(qemu_args(image=image, cpu=cpu), f"virtio-blk-persist-2-{cpu}",
             disk=disk_image) as zvm:
        zvm.boot()
        shell = shell_after_boot(zvm, 1)
        assert md5_of(shell, "/dev/vda") == digest
        zvm.detach()
    with open(disk_image, "rb") as f:
        f.seek(PARTITION_BYTES)
        assert f.read(25 * 100) == b"ZVM-OUTSIDE-THE-PARTITION" * 100
