"""tools/zvmpack: packs the default systems, and refuses each kind of mistake.

The package is read back here with Python's struct and zlib, independently of
the C reader, following docs/configuration.md.
"""
import os
import struct
import subprocess
import zlib

import pytest
from qemu_harness import QEMU

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
CONFIGS = os.path.join(ROOT, "configs")
RK3588_BOARD = os.path.join(ROOT, "tests", "unit", "fixtures", "rk3588.dts")

IMAGE_MAGIC = b"ARM\x64"
TEXT_OFFSET = 0x80000
FAKE_ZVM_FILE = 0x1800      # bytes of code and data in the fake ZVM
FAKE_ZVM_IMAGE = 0x5000     # image_size: file + .bss
ALIGN = 4096
HEADER = struct.Struct("<8sIIIIQIIQ16s")
ENTRY = struct.Struct("<IIQQ40s")
KIND_CONFIG, KIND_IMAGE, KIND_INITRD = 1, 2, 3
MIB = 1 << 20


def align_up(v, a):
    return (v + a - 1) // a * a


@pytest.fixture(scope="module")
def work(tmp_path_factory):
    """The tool built into a private directory, the boards, a fake ZVM, images."""
    d = tmp_path_factory.mktemp("zvmpack")
    subprocess.run(["make", "-s", "-C", os.path.join(ROOT, "tools", "zvmpack"),
                    f"BUILD={d}"], check=True, timeout=300)
    board = d / "qemu-virt.dtb"
    subprocess.run(QEMU + ["-M",
                    f"virt,virtualization=on,gic-version=3,dumpdtb={board}",
                    "-cpu", "cortex-a53", "-smp", "4", "-m", "1G", "-nographic"],
                   check=True, capture_output=True, timeout=60)
    header = struct.pack("<IIQQQQQQ4sI", 0x14000000, 0, TEXT_OFFSET,
                         FAKE_ZVM_IMAGE, 0xa, 0, 0, 0, IMAGE_MAGIC, 0)
    zvm = d / "zvm.bin"
    zvm.write_bytes(header + bytes((i * 13) & 0xff for i in range(FAKE_ZVM_FILE - 64)))
    images = d / "images"
    images.mkdir()
    sizes = {"rtos.bin": 70000, "linux-Image": 3 * MIB + 17, "linux-initrd": 12345,
             "baremetal.bin": 4096}
    for name, size in sizes.items():
        (images / name).write_bytes(os.urandom(size))
    return {"dir": d, "tool": str(d / "tools" / "zvmpack"), "board": str(board),
            "zvm": str(zvm), "images": str(images)}


def run_pack(work, config, out=None, board=None, zvm=None, images=None, extra=()):
    out = out or str(work["dir"] / "out.img")
    return subprocess.run([work["tool"], "-z", zvm or work["zvm"], "-c", config,
                           "-b", board or work["board"], "-I", images or work["images"],
                           "-o", out, *extra], capture_output=True, text=True, timeout=60)


def read_package(path):
    """Header fields, entries and the whole file, checked against the format."""
    data = open(path, "rb").read()
    assert data[56:60] == IMAGE_MAGIC
    image_size = struct.unpack_from("<Q", data, 16)[0]
    start = align_up(FAKE_ZVM_IMAGE, ALIGN)
    (magic, version, hsize, esize, count, psize, tcrc, flags, ioff,
     reserved) = HEADER.unpack_from(data, start)
    assert (magic, version, hsize, esize, flags) == (b"ZVMPACK\0", 1, 64, 64, 0)
    assert reserved == bytes(16) and ioff == start
    assert image_size == start + psize == len(data)
    table = bytearray(data[start:start + 64 + 64 * count])
    table[32:36] = bytes(4)
    assert zlib.crc32(table) == tcrc
    entries, prev_end = [], 64 + 64 * count
    for i in range(count):
        kind, crc, off, size, name = ENTRY.unpack_from(data, start + 64 + 64 * i)
        assert off % ALIGN == 0 and off >= prev_end and off + size <= psize
        payload = data[start + off:start + off + size]
        assert zlib.crc32(payload) == crc
        entries.append((kind, name.rstrip(b"\0").decode(), payload))
        prev_end = off + size
    return data, start, entries


def test_default_system_is_packed(work):
    result = run_pack(work, os.path.join(CONFIGS, "qemu-virt.dts"))
    assert result.returncode == 0, result.stderr
    assert "vm linux" in result.stdout and "(placed)" in result.stdout
    data, start, entries = read_package(work["dir"] / "out.img")
    zvm = open(work["zvm"], "rb").read()
    # ZVM itself is unchanged but for image_size, then zeros up to the package.
    assert data[:16] == zvm[:16] and data[24:len(zvm)] == zvm[24:]
    assert data[len(zvm):start] == bytes(start - len(zvm))
    assert [(k, n) for k, n, _ in entries] == [
        (KIND_CONFIG, "config.dtb"), (KIND_IMAGE, "rtos.bin"),
        (KIND_IMAGE, "linux-Image"), (KIND_INITRD, "linux-initrd")]
    for _, name, payload in entries[1:]:
        assert payload == open(os.path.join(work["images"], name), "rb").read()
    # The embedded configuration is the compiled config.
    dts = subprocess.run(["dtc", "-q", "-I", "dtb", "-O", "dts"], input=entries[0][2],
                         capture_output=True, check=True).stdout.decode()
    assert 'compatible = "zvm,system-v1";' in dts and "linux-initrd" in dts


def test_compiled_config_is_accepted(work, tmp_path):
    dtb = tmp_path / "qemu-virt.dtb"
    subprocess.run(["dtc", "-q", "-I", "dts", "-O", "dtb", "-o", str(dtb),
                    os.path.join(CONFIGS, "qemu-virt.dts")], check=True)
    result = run_pack(work, str(dtb), out=str(tmp_path / "a.img"))
    assert result.returncode == 0, result.stderr
    read_package(tmp_path / "a.img")


def test_rk3588_system_is_packed(work, tmp_path):
    result = run_pack(work, os.path.join(CONFIGS, "rk3588.dts"), board=RK3588_BOARD,
                      out=str(tmp_path / "rk.img"))
    assert result.returncode == 0, result.stderr
    _, _, entries = read_package(tmp_path / "rk.img")
    assert "baremetal.bin" in [n for _, n, _ in entries]


def bad_config(tmp_path, edits):
    text = open(os.path.join(CONFIGS, "qemu-virt.dts")).read()
    for old, new in edits:
        assert old in text, old
        text = text.replace(old, new, 1)
    path = tmp_path / "bad.dts"
    path.write_text(text)
    return str(path)


BAD_CONFIGS = [
    ("overlapping memory", [("cpus = <2 3>;", "cpus = <2 3>; host-address = <0x0 0x52000000>;")],
     "vm 'linux': host memory 0x52000000-0x61ffffff overlaps vm 'rtos' (0x50000000-0x53ffffff)"),
    ("core twice", [("cpus = <2 3>;", "cpus = <1 3>;")],
     "vm 'linux': cpu 1 is already given to vm 'rtos'"),
    ("ZVM's core", [("cpus = <1>;", "cpus = <0>;")],
     "vm 'rtos': cpu 0 is ZVM's own core (zvm-cpu)"),
    ("missing core", [("cpus = <2 3>;", "cpus = <2 4>;")],
     "vm 'linux': cpu 4 does not exist (the board has 4 cores: 0-3)"),
    # rtos's properties end with its recovery (its virtio@1 follows).
    ("interrupt twice", [("recovery = \"restart\";\n",
                          "recovery = \"restart\";\n"
                          "passthrough@a003000 { reg = <0x0 0x0a003000 0x0 0x1000>; interrupts = <40>; };\n"
                          "passthrough@a002000 { reg = <0x0 0x0a002000 0x0 0x1000>; interrupts = <40>; };\n")],
     "vm 'rtos' passthrough@a002000: SPI 40 is given twice"),
    ("unknown property", [("autostart;", "autostrat;")],
     "vm 'rtos': unknown property 'autostrat'"),
    ("missing image property", [('image = "rtos.bin";', "")],
     "vm 'rtos': missing required property 'image'"),
    ("bad os-type", [('os-type = "rtos";', 'os-type = "vxworks";')],
     "vm 'rtos': os-type \"vxworks\" is not one of rtos, linux, baremetal"),
    ("bad recovery", [('recovery = "restart";', 'recovery = "reboot";')],
     "vm 'rtos': recovery \"reboot\" is not one of none, restart, pause"),
    ("zero vCPUs", [("cpus = <1>;", "cpus;")], "vm 'rtos': zero vCPUs: 'cpus' is empty"),
    ("memory not 2 MiB aligned", [("0x0 0x04000000>;", "0x0 0x04001000>;")],
     "vm 'rtos': 'memory' <0x40000000 0x4001000> is not 2 MiB aligned"),
    ("zero memory", [("0x0 0x04000000>;", "0x0 0x00000000>;")],
     "vm 'rtos': 'memory' has size 0"),
]


@pytest.mark.parametrize("what,edits,message", BAD_CONFIGS, ids=[c[0] for c in BAD_CONFIGS])
def test_bad_config_is_refused(work, tmp_path, what, edits, message):
    config = bad_config(tmp_path, edits)
    out = tmp_path / "never.img"
    result = run_pack(work, config, out=str(out))
    assert result.returncode != 0, what
    assert result.stderr.strip() == f"zvmpack: {config}: config: {message}"
    assert not out.exists() and not os.path.exists(str(out) + ".tmp")


def test_image_larger_than_memory(work, tmp_path):
    images = tmp_path / "images"
    images.mkdir()
    for name in ("linux-Image", "linux-initrd"):
        os.link(os.path.join(work["images"], name), images / name)
    (images / "rtos.bin").write_bytes(bytes(64 * MIB + 1))
    config = os.path.join(CONFIGS, "qemu-virt.dts")
    result = run_pack(work, config, images=str(images))
    assert result.returncode != 0
    assert result.stderr.strip() == (
        f"zvmpack: {config}: config: vm 'rtos': image 'rtos.bin' (67108865 bytes) "
        "is larger than its memory (67108864 bytes)")


def test_package_larger_than_zvm_memory(work, tmp_path):
    config = bad_config(tmp_path, [("0x0 0x40000000 0x0 0x10000000>", "0x0 0x40000000 0x0 0x00200000>"),
                                   ("0x0 0x50000000>", "0x0 0x40200000>")])
    result = run_pack(work, config)
    assert result.returncode != 0
    assert result.stderr.strip() == (
        f"zvmpack: {config}: ZVM and its package need 4 MiB from the load base "
        "(text_offset included), zvm-memory has 2 MiB")


def test_test_guest_is_packed_though_no_vm_uses_it(work, tmp_path):
    out = tmp_path / "t.img"
    result = run_pack(work, os.path.join(CONFIGS, "qemu-virt.dts"), out=str(out),
                      extra=["-T", "baremetal.bin"])
    assert result.returncode == 0, result.stderr
    _, _, entries = read_package(out)
    assert [(k, n) for k, n, _ in entries][-1] == (KIND_IMAGE, "baremetal.bin")
    assert entries[-1][2] == open(os.path.join(work["images"], "baremetal.bin"), "rb").read()


def test_missing_test_guest(work, tmp_path):
    result = run_pack(work, os.path.join(CONFIGS, "qemu-virt.dts"),
                      out=str(tmp_path / "t.img"), extra=["-T", "nosuch.bin"])
    assert result.returncode != 0
    assert result.stderr.strip() == (
        f"zvmpack: {work['images']}/nosuch.bin: No such file or directory "
        "(image of the built-in tests; set the image directory with -I)")


def test_missing_image_file(work, tmp_path):
    result = run_pack(work, os.path.join(CONFIGS, "qemu-virt.dts"), images=str(tmp_path))
    assert result.returncode != 0
    assert result.stderr.strip() == (
        f"zvmpack: {tmp_path}/rtos.bin: No such file or directory "
        "(image of vm 'rtos'; set the image directory with -I)")


def test_config_for_another_board(work):
    config = os.path.join(CONFIGS, "rk3588.dts")
    result = run_pack(work, config)
    assert result.returncode != 0
    assert result.stderr.strip() == (
        f"zvmpack: {config}: config: vm 'rtos': cpu 4 does not exist "
        "(the board has 4 cores: 0-3)")


def test_dtc_syntax_error(work, tmp_path):
    config = tmp_path / "broken.dts"
    config.write_text("/dts-v1/;\n/ { zvm { zvm-cpu = <0> };\n")
    result = run_pack(work, str(config))
    assert result.returncode != 0
    assert f"zvmpack: {config}: dtc could not compile it (see above)" in result.stderr
    assert "syntax error" in result.stderr       # dtc's own line-numbered report


def test_not_an_arm64_image(work, tmp_path):
    junk = tmp_path / "zvm.bin"
    junk.write_bytes(bytes(4096))
    result = run_pack(work, os.path.join(CONFIGS, "qemu-virt.dts"), zvm=str(junk))
    assert result.returncode != 0
    assert result.stderr.strip() == (
        f"zvmpack: {junk}: not an arm64 Image (no \"ARM\\x64\" magic at byte 56)")


def test_already_packed_image(work, tmp_path):
    first = tmp_path / "first.img"
    assert run_pack(work, os.path.join(CONFIGS, "qemu-virt.dts"), out=str(first)).returncode == 0
    result = run_pack(work, os.path.join(CONFIGS, "qemu-virt.dts"), zvm=str(first),
                      out=str(tmp_path / "second.img"))
    assert result.returncode != 0
    assert result.stderr.strip() == (
        f"zvmpack: {first}: already carries a package: give the plain ZVM image")


def test_board_that_is_not_a_devicetree(work, tmp_path):
    board = tmp_path / "board.dtb"
    board.write_bytes(b"\xd0\x0d\xfe\xed" + bytes(60))
    result = run_pack(work, os.path.join(CONFIGS, "qemu-virt.dts"), board=str(board))
    assert result.returncode != 0
    assert result.stderr.startswith(f"zvmpack: {board}: devicetree: ")


def test_usage_errors(work):
    result = subprocess.run([work["tool"], "-z", work["zvm"]], capture_output=True,
                            text=True, timeout=30)
    assert result.returncode == 2 and "usage: zvmpack" in result.stderr
