"""Host checks of the Linux guest recipe's own tools (guests/linux): the
kernel unpacker on every vmlinuz shape Debian has used, and the initramfs
writer against the newc format the kernel reads. Booting the real files is
test_linux_native.py's job."""
import gzip
import os
import shutil
import stat
import struct
import subprocess

import pytest

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
RECIPE = os.path.join(REPO, "guests", "linux")
PYTHON = "/usr/bin/python3"

IMAGE_MAGIC_OFFSET = 56          # Documentation/arch/arm64/booting.rst
NEWC_HEADER_LEN = 110            # "070701" + 13 fields of 8 hex digits
NEWC_ALIGN = 4
ZBOOT_PAYLOAD_AT = 0x100         # anywhere past the header will do


def fake_image(size=4096):
    """An arm64 Image header (branch, magic) followed by varied bytes."""
    body = bytearray(os.urandom(size))
    body[0:2] = b"MZ"
    body[IMAGE_MAGIC_OFFSET:IMAGE_MAGIC_OFFSET + 4] = b"ARM\x64"
    return bytes(body)


def zboot(image, kind, compressed, declared_size):
    """A minimal EFI zboot file, laid out as zboot-header.S lays it out."""
    header = bytearray(ZBOOT_PAYLOAD_AT)
    header[0:2] = b"MZ"
    header[4:8] = b"zimg"
    struct.pack_into("<II", header, 8, ZBOOT_PAYLOAD_AT, declared_size)
    header[24:24 + len(kind)] = kind.encode()
    return bytes(header) + compressed


def unpack(tmp_path, data):
    source = tmp_path / "vmlinuz"
    source.write_bytes(data)
    target = tmp_path / "Image"
    result = subprocess.run([PYTHON, os.path.join(RECIPE, "unpack_kernel.py"),
                             str(source), str(target)],
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    return result, target


def test_plain_image_is_taken_as_it_is(tmp_path):
    image = fake_image()
    result, target = unpack(tmp_path, image)
    assert result.returncode == 0, result.stdout
    assert "plain Image" in result.stdout
    assert target.read_bytes() == image


def test_gzip_image_is_inflated(tmp_path):
    image = fake_image()
    result, target = unpack(tmp_path, gzip.compress(image))
    assert result.returncode == 0, result.stdout
    assert target.read_bytes() == image


def test_zboot_gzip_payload_without_its_size_trailer(tmp_path):
    image = fake_image()
    stream = gzip.compress(image)
    # The header's size leaves out the stream's four-byte ISIZE trailer.
    result, target = unpack(tmp_path, zboot(image, "gzip", stream, len(stream) - 4))
    assert result.returncode == 0, result.stdout
    assert "EFI zboot" in result.stdout
    assert target.read_bytes() == image


@pytest.mark.skipif(shutil.which("zstd") is None, reason="Debian's zstd is not installed")
def test_zboot_zstd_payload(tmp_path):
    image = fake_image()
    stream = subprocess.run(["zstd", "-c", "-q"], input=image,
                            stdout=subprocess.PIPE, check=True).stdout
    result, target = unpack(tmp_path, zboot(image, "zstd22", stream, len(stream)))
    assert result.returncode == 0, result.stdout
    assert target.read_bytes() == image


@pytest.mark.parametrize("data", [b"\x7fELF" + bytes(200), gzip.compress(bytes(200))],
                         ids=["elf", "gzip-of-not-an-image"])
def test_anything_else_is_refused(tmp_path, data):
    result, target = unpack(tmp_path, data)
    assert result.returncode != 0
    assert "unpack_kernel:" in result.stdout
    assert not target.exists()


def parse_newc(blob):
    """Reads a newc archive back: {name: (mode, rdev, data)}, in order."""
    entries = {}
    at = 0
    while True:
        assert at % NEWC_ALIGN == 0
        assert blob[at:at + 6] == b"070701", f"bad magic at {at}"
        fields = [int(blob[at + 6 + 8 * i:at + 14 + 8 * i], 16) for i in range(13)]
        mode, uid, gid = fields[1], fields[2], fields[3]
        size, rdev, namesize = fields[6], (fields[9], fields[10]), fields[11]
        name_end = at + NEWC_HEADER_LEN + namesize
        name = blob[at + NEWC_HEADER_LEN:name_end - 1].decode()
        assert blob[name_end - 1] == 0
        data_at = name_end + (-name_end % NEWC_ALIGN)
        data = blob[data_at:data_at + size]
        at = data_at + size + (-size % NEWC_ALIGN)
        if name == "TRAILER!!!":
            assert at == len(blob)
            return entries
        assert (uid, gid) == (0, 0), name
        entries[name] = (mode, rdev, data)


def test_mkcpio_archive_reads_back(tmp_path):
    root = tmp_path / "root"
    (root / "bin").mkdir(parents=True)
    (root / "dev").mkdir()
    (root / "init").write_text("#!/bin/sh\n")
    (root / "init").chmod(0o755)
    (root / "bin" / "busybox").write_bytes(b"\x7fELF odd length")
    (root / "bin" / "sh").symlink_to("busybox")
    out = tmp_path / "initramfs.cpio.gz"
    subprocess.run([PYTHON, os.path.join(RECIPE, "mkcpio.py"), "--node",
                    "dev/console:c:5:1:600", str(root), str(out)], check=True)

    entries = parse_newc(gzip.decompress(out.read_bytes()))
    names = list(entries)
    assert sorted(names) == ["bin", "bin/busybox", "bin/sh", "dev", "dev/console", "init"]
    # The kernel creates each entry as it reads it: parents must come first.
    for name in names:
        parent = os.path.dirname(name)
        assert not parent or names.index(parent) < names.index(name), name
    mode, _, data = entries["init"]
    assert stat.S_ISREG(mode) and stat.S_IMODE(mode) == 0o755 and data == b"#!/bin/sh\n"
    assert entries["bin/busybox"][2] == b"\x7fELF odd length"
    mode, _, target = entries["bin/sh"]
    assert stat.S_ISLNK(mode) and target == b"busybox"
    assert stat.S_ISDIR(entries["dev"][0])
    mode, rdev, _ = entries["dev/console"]
    assert stat.S_ISCHR(mode) and stat.S_IMODE(mode) == 0o600 and rdev == (5, 1)


def test_mkcpio_is_reproducible(tmp_path):
    root = tmp_path / "root"
    root.mkdir()
    (root / "file").write_text("same\n")
    outputs = []
    for name in ("a.cpio.gz", "b.cpio.gz"):
        out = tmp_path / name
        subprocess.run([PYTHON, os.path.join(RECIPE, "mkcpio.py"), str(root), str(out)],
                       check=True)
        outputs.append(out.read_bytes())
        os.utime(root / "file", (1, 1))     # a different mtime must not matter
    assert outputs[0] == outputs[1]


def test_mkcpio_rejects_a_malformed_node(tmp_path):
    result = subprocess.run([PYTHON, os.path.join(RECIPE, "mkcpio.py"), "--node",
                             "dev/console:x:5:1:600", str(tmp_path), str(tmp_path / "o")],
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    assert result.returncode != 0
    assert "PATH:c|b:MAJOR:MINOR:MODE" in result.stdout
