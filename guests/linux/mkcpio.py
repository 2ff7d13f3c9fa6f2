#!/usr/bin/python3
"""Writes a directory tree as the cpio "newc" archive the Linux kernel
unpacks as its initramfs (Documentation/driver-api/early-userspace/
buffer-format.rst), gzip-compressed when the output name ends in .gz.

Everything is owned by root and stamped with one fixed time, so the same
tree always gives the same bytes and no root privilege is needed to build
it. Device nodes, which an unprivileged build cannot create on disk, are
added from the command line.

usage: mkcpio.py [--node PATH:c|b:MAJOR:MINOR:MODE]... ROOTDIR OUTPUT
"""
import argparse
import gzip
import os
import stat
import sys

NEWC_MAGIC = b"070701"
NEWC_FIELDS = 13            # after the magic: 13 fields of 8 hex digits
NEWC_ALIGN = 4              # header+name and file data are padded to 4 bytes
TRAILER_NAME = "TRAILER!!!"
ROOT_UID = 0
ROOT_GID = 0
# One fixed time for every entry: reproducible archives (SOURCE_DATE_EPOCH wins).
DEFAULT_MTIME = 0
GZIP_LEVEL = 9


class Entry:
    """One archive member: its path inside the archive, mode, and data."""

    def __init__(self, name, mode, data=b"", rdev=(0, 0), nlink=1):
        self.name = name
        self.mode = mode
        self.data = data
        self.rdev = rdev
        self.nlink = nlink


def pad(length):
    return b"\0" * (-length % NEWC_ALIGN)


def encode(entry, ino, mtime):
    name = entry.name.encode() + b"\0"
    fields = (ino, entry.mode, ROOT_UID, ROOT_GID, entry.nlink, mtime,
              len(entry.data), 0, 0, entry.rdev[0], entry.rdev[1],
              len(name), 0)
    assert len(fields) == NEWC_FIELDS
    header = NEWC_MAGIC + b"".join(b"%08X" % field for field in fields)
    head = header + name
    return head + pad(len(head)) + entry.data + pad(len(entry.data))


def walk(root):
    """The tree under root, parents before children, in a stable order."""
    entries = []
    for directory, subdirs, files in os.walk(root):
        subdirs.sort()
        relative = os.path.relpath(directory, root)
        if relative != ".":
            entries.append(entry_for(os.path.join(root, relative), relative))
        for name in sorted(files):
            entries.append(entry_for(os.path.join(directory, name),
                                     os.path.normpath(os.path.join(relative, name))))
        # os.walk lists symlinks to directories among the directories.
        for name in subdirs:
            path = os.path.join(directory, name)
            if os.path.islink(path):
                entries.append(entry_for(path, os.path.normpath(os.path.join(relative, name))))
    return entries


def entry_for(path, name):
    info = os.lstat(path)
    permissions = stat.S_IMODE(info.st_mode)
    if stat.S_ISLNK(info.st_mode):
        return Entry(name, stat.S_IFLNK | 0o777, os.readlink(path).encode())
    if stat.S_ISDIR(info.st_mode):
        return Entry(name, stat.S_IFDIR | permissions, nlink=2)
    if stat.S_ISREG(info.st_mode):
        with open(path, "rb") as source:
            return Entry(name, stat.S_IFREG | permissions, source.read())
    raise ValueError(f"{path}: only files, directories and symlinks are archived; "
                     "add device nodes with --node")


def parse_node(spec):
    """PATH:c|b:MAJOR:MINOR:MODE, e.g. dev/console:c:5:1:600."""
    try:
        path, kind, major, minor, mode = spec.split(":")
        type_bits = {"c": stat.S_IFCHR, "b": stat.S_IFBLK}[kind]
        return Entry(path.strip("/"), type_bits | int(mode, 8),
                     rdev=(int(major), int(minor)))
    except (ValueError, KeyError):
        raise argparse.ArgumentTypeError(
            f"bad --node {spec!r}: want PATH:c|b:MAJOR:MINOR:MODE") from None


def archive(entries, mtime):
    blob = bytearray()
    for ino, entry in enumerate(entries, start=1):
        blob += encode(entry, ino, mtime)
    blob += encode(Entry(TRAILER_NAME, 0), 0, 0)
    return bytes(blob)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--node", action="append", type=parse_node, default=[],
                        help="add a device node PATH:c|b:MAJOR:MINOR:MODE")
    parser.add_argument("root", help="directory whose contents become /")
    parser.add_argument("output", help="archive to write (.gz: gzip-compressed)")
    args = parser.parse_args()
    if not os.path.isdir(args.root):
        parser.error(f"{args.root} is not a directory")

    mtime = int(os.environ.get("SOURCE_DATE_EPOCH", DEFAULT_MTIME))
    try:
        blob = archive(walk(args.root) + args.node, mtime)
    except ValueError as error:
        print(f"mkcpio: {error}", file=sys.stderr)
        return 1
    if args.output.endswith(".gz"):
        blob = gzip.compress(blob, compresslevel=GZIP_LEVEL, mtime=mtime)
    partial = args.output + ".partial"
    with open(partial, "wb") as target:
        target.write(blob)
    os.replace(partial, args.output)
    return 0


if __name__ == "__main__":
    sys.exit(main())
