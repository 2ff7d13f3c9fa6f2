"""Pass-through of a DMA-capable device without an SMMU (issue 12): refused
unless the operator marks it 'trusted;', by zvmpack and again by ZVM at
boot (a package built against another board's devicetree); accepted and
logged when trusted (test_passthrough.py boots that one)."""
import os
import re
import subprocess

from qemu_harness import QEMU
from zvm import BUILD, REPO, Zvm, qemu_args, system_image

CONFIG = os.path.join(REPO, "configs", "test-passthrough.dts")
# The virtio-mmio slots in the pass-through page (0x200 bytes each).
DMA_NODES = [f"virtio_mmio@a003{slot:x}00" for slot in range(0, 16, 2)]
REFUSAL = ("vm 'dev': pass-through 0xa003000-0xa003fff holds a "
           "DMA-capable device (virtio,mmio) that could write any memory: mark its node "
           "'trusted;' to accept that (ZVM programs no SMMU)")


def untrusted_config(tmp_path):
    text = open(CONFIG).read()
    assert "\t\t\t\t\ttrusted;" in text
    path = tmp_path / "untrusted.dts"
    path.write_text(re.sub(r"\n\t+trusted;[^\n]*", "", text))
    return str(path)


def board_dtb(tmp_path, without=()):
    """QEMU virt's devicetree, as the packer reads it; without: node names
    dropped (a board that does not say the devices are there)."""
    dtb = tmp_path / "board.dtb"
    subprocess.run(QEMU + ["-M", f"virt,virtualization=on,gic-version=3,dumpdtb={dtb}",
                           "-cpu", "cortex-a53", "-smp", "4", "-m", "1G", "-nographic"],
                   check=True, capture_output=True, timeout=60)
    if not without:
        return str(dtb)
    dts = subprocess.run(["dtc", "-q", "-I", "dtb", "-O", "dts", str(dtb)], check=True,
                         capture_output=True, text=True).stdout
    for name in without:
        start = dts.index(f"\t{name} {{")
        end = dts.index("\n\t};\n", start) + len("\n\t};\n")
        dts = dts[:start] + dts[end:]
    out = tmp_path / "board-without.dtb"
    subprocess.run(["dtc", "-q", "-I", "dts", "-O", "dtb", "-o", str(out)], check=True,
                   input=dts, text=True)
    return str(out)


def pack(config, board, out):
    system_image("test-passthrough")  # ZVM, zvmpack and the guest, up to date
    return subprocess.run(
        [os.path.join(REPO, BUILD, "tools", "zvmpack"), "-q",
         "-z", os.path.join(REPO, BUILD, "zvm-qemu-virt.bin"), "-c", config, "-b", board,
         "-I", os.path.join(REPO, BUILD, "images"), "-T", "baremetal.bin", "-o", out],
        capture_output=True, text=True, timeout=60)


def test_zvmpack_refuses_an_untrusted_dma_device(tmp_path):
    config = untrusted_config(tmp_path)
    out = tmp_path / "never.img"
    result = pack(config, board_dtb(tmp_path), str(out))
    assert result.returncode != 0
    assert result.stderr.strip() == f"zvmpack: {config}: config: {REFUSAL}"
    assert not out.exists()


def test_zvm_refuses_it_at_boot_on_the_board_that_has_it(tmp_path):
    # Packed against a board devicetree without the device, it passes the
    # packer; the board ZVM boots on has it, and ZVM checks again.
    image = tmp_path / "untrusted.img"
    result = pack(untrusted_config(tmp_path), board_dtb(tmp_path, DMA_NODES), str(image))
    assert result.returncode == 0, result.stderr
    with Zvm(qemu_args(image=str(image)), "untrusted-dma").boot() as zvm:
        # (the log line is cut at its limit: "; starting no VMs" may be lost)
        assert f"error: configuration: config: {REFUSAL}" in zvm.output, zvm.tail()
        assert "dev" not in zvm.run("zvm list")
