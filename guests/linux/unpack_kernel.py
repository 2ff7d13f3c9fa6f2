#!/usr/bin/python3
"""Turns a Debian arm64 /boot/vmlinuz-* into the plain arm64 Image that
QEMU's -kernel and ZVM's loader boot.

Debian has shipped three shapes of arm64 vmlinuz over the years; this
handles each of them and refuses anything else:
  - the Image itself (bookworm: an EFI-stub Image, "MZ" then "ARM\\x64"),
  - a gzip stream of the Image (older releases),
  - an EFI zboot executable (CONFIG_EFI_ZBOOT): a small PE decompressor
    whose header names the compression and where the payload lies.

usage: unpack_kernel.py VMLINUZ IMAGE
"""
import bz2
import gzip
import lzma
import os
import shutil
import struct
import subprocess
import sys
import zlib

# Documentation/arch/arm64/booting.rst: the 64-byte Image header.
IMAGE_MAGIC = b"ARM\x64"
IMAGE_MAGIC_OFFSET = 56
IMAGE_HEADER_SIZE = 64

GZIP_MAGIC = b"\x1f\x8b"
GZIP_WBITS = 16 + zlib.MAX_WBITS   # zlib: expect a gzip header and trailer

# drivers/firmware/efi/libstub/zboot-header.S: "MZ", then "zimg", then the
# payload offset and size (little-endian u32) and the compression name.
ZBOOT_DOS_MAGIC = b"MZ"
ZBOOT_MAGIC = b"zimg"
ZBOOT_MAGIC_OFFSET = 4
ZBOOT_PAYLOAD_OFFSET = 8
ZBOOT_COMPRESSION_OFFSET = 24
ZBOOT_COMPRESSION_LEN = 32
# zboot compression names (Makefile.zboot) that Python cannot undo itself,
# and the Debian tool that can.
EXTERNAL_DECOMPRESSORS = {"zstd": "zstd", "zstd22": "zstd", "lz4": "lz4", "lzo": "lzop"}


def fail(message):
    print(f"unpack_kernel: {message}", file=sys.stderr)
    sys.exit(1)


def has_image_magic(data):
    end = IMAGE_MAGIC_OFFSET + len(IMAGE_MAGIC)
    return len(data) >= IMAGE_HEADER_SIZE and data[IMAGE_MAGIC_OFFSET:end] == IMAGE_MAGIC


def decompress_with_tool(tool, payload):
    """Compressions Python lacks (zstd, lz4, lzo) go through Debian's tools."""
    if shutil.which(tool) is None:
        fail(f"the kernel payload is {tool}-compressed; install Debian's {tool} package")
    result = subprocess.run([tool, "-d", "-c"], input=payload,
                            stdout=subprocess.PIPE, check=False)
    if result.returncode != 0:
        fail(f"{tool} could not decompress the kernel payload")
    return result.stdout


def gunzip_untrailed(payload):
    """zboot's payload size leaves out the gzip stream's last four bytes
    (the uncompressed size, which the EFI stub reads on its own), so the
    stream is inflated without insisting on its trailer."""
    inflater = zlib.decompressobj(GZIP_WBITS)
    return inflater.decompress(payload) + inflater.flush()


def decompress(kind, payload):
    if kind == "gzip":
        return gunzip_untrailed(payload)
    if kind in ("xz", "lzma"):
        return lzma.decompress(payload)
    if kind == "bzip2":
        return bz2.decompress(payload)
    if kind in EXTERNAL_DECOMPRESSORS:
        return decompress_with_tool(EXTERNAL_DECOMPRESSORS[kind], payload)
    fail(f"unknown kernel compression {kind!r}")
    return b""


def unpack_zboot(data):
    offset, size = struct.unpack_from("<II", data, ZBOOT_PAYLOAD_OFFSET)
    name = data[ZBOOT_COMPRESSION_OFFSET:ZBOOT_COMPRESSION_OFFSET + ZBOOT_COMPRESSION_LEN]
    kind = name.split(b"\0", 1)[0].decode("ascii", errors="replace")
    if offset + size > len(data):
        fail("EFI zboot payload runs past the end of the file")
    return decompress(kind, data[offset:offset + size])


def to_image(data):
    """Returns the plain Image and a word on what it was."""
    if has_image_magic(data):
        return data, "plain Image"
    if data.startswith(GZIP_MAGIC):
        return gzip.decompress(data), "gzip-compressed Image"
    magic_end = ZBOOT_MAGIC_OFFSET + len(ZBOOT_MAGIC)
    if data.startswith(ZBOOT_DOS_MAGIC) and data[ZBOOT_MAGIC_OFFSET:magic_end] == ZBOOT_MAGIC:
        return unpack_zboot(data), "EFI zboot"
    fail("not an arm64 Image, a gzip stream or an EFI zboot image")
    return b"", ""


def main(argv):
    if len(argv) != 3:
        fail("usage: unpack_kernel.py VMLINUZ IMAGE")
    with open(argv[1], "rb") as source:
        image, shape = to_image(source.read())
    if not has_image_magic(image):
        fail(f"{argv[1]} ({shape}) does not hold an arm64 Image: "
             f"no ARM\\x64 magic at offset {IMAGE_MAGIC_OFFSET}")
    partial = argv[2] + ".partial"
    with open(partial, "wb") as target:
        target.write(image)
    os.replace(partial, argv[2])
    print(f"unpack_kernel: {argv[1]} was a {shape}; wrote {argv[2]} ({len(image)} bytes)")


if __name__ == "__main__":
    main(sys.argv)
