#!/usr/bin/python3
"""Instructions per function from a QEMU execution trace.

QEMU's `-d exec,nochain,in_asm -D <log>` writes every translation block once
("IN:" and its instructions) and a "Trace <cpu>: ... [.../<pc>/...]" line
every time one runs (nochain: every block's execution is logged).  This
counts the instructions each run block holds and attributes them to the
ELF symbol that contains the block's first address (blocks end at branches,
so they rarely span two functions).  Under -icount shift=0 an instruction is
a nanosecond of virtual time: this is where the time goes.

  bench/trace_profile.py --elf build/zvm-qemu-virt.elf --log trace.log \
      [--cpu 1] [--from-pc 0x...] [--until-pc 0x...] [--top 40]

--from-pc / --until-pc limit the count to the window between the first
execution of one block and the next execution of another (for example one
sample of a benchmark).  Addresses outside the ELF's symbols are counted
as "<outside>" (the guest, or code run with the MMU off at other addresses).
"""
import argparse
import bisect
import re
import subprocess
import sys
from collections import Counter

TRACE_RE = re.compile(r"^Trace (\d+): \S+ \[[0-9a-f]+/([0-9a-f]+)/")
INSN_RE = re.compile(r"^0x([0-9a-f]+):\s+[0-9a-f]{8}\s")


def load_symbols(elf):
    out = subprocess.run(["aarch64-linux-gnu-nm", "-n", elf], check=True,
                         capture_output=True, text=True).stdout
    addrs, names = [], []
    for line in out.splitlines():
        parts = line.split()
        if len(parts) == 3 and parts[1] in "tTwW":
            addrs.append(int(parts[0], 16))
            names.append(parts[2])
    return addrs, names


def symbol(addrs, names, pc):
    i = bisect.bisect_right(addrs, pc) - 1
    return names[i] if i >= 0 else "<outside>"


def profile(log, cpu, from_pc, until_pc):
    """({pc: instructions}, Counter of block runs per pc) over the window."""
    sizes, runs = {}, Counter()
    current, counting = None, from_pc is None
    with open(log, errors="replace") as f:
        for line in f:
            if line.startswith("IN:"):
                current = None
                continue
            m = INSN_RE.match(line)
            if m:
                pc = int(m.group(1), 16)
                if current is None:
                    current, sizes[pc] = pc, 0
                sizes[current] += 1
                continue
            m = TRACE_RE.match(line)
            if not m or (cpu is not None and int(m.group(1)) != cpu):
                continue
            pc = int(m.group(2), 16)
            if not counting:
                counting = pc == from_pc
            elif until_pc is not None and pc == until_pc:
                break
            if counting:
                runs[pc] += 1
    return sizes, runs


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--elf", required=True)
    parser.add_argument("--log", required=True)
    parser.add_argument("--cpu", type=int)
    parser.add_argument("--from-pc", type=lambda s: int(s, 0))
    parser.add_argument("--until-pc", type=lambda s: int(s, 0))
    parser.add_argument("--top", type=int, default=40)
    args = parser.parse_args()
    addrs, names = load_symbols(args.elf)
    sizes, runs = profile(args.log, args.cpu, args.from_pc, args.until_pc)
    per_symbol = Counter()
    for pc, n in runs.items():
        per_symbol[symbol(addrs, names, pc)] += n * sizes.get(pc, 0)
    total = sum(per_symbol.values())
    print(f"{total} instructions")
    for name, n in per_symbol.most_common(args.top):
        print(f"{n:12d} {100.0 * n / total if total else 0:6.2f}%  {name}")
    if any(pc not in sizes for pc in runs):
        sys.stderr.write("warning: blocks run without their translation in the log\n")


if __name__ == "__main__":
    main()
