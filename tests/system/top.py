"""`zvm top`'s table, parsed (hypervisor/vmm/cmds_top.c).  A vCPU has the
shares its accounting keeps (vmm/vcpu_time.h): guest and ZVM for
list-register delivery, idle for direct delivery; the others print "-",
read here as None."""
import re

SHARE = r"(\d+\.\d|-)"
TOP_ROW = re.compile(rf"^(\d+)\s+(\S+)\s+(\d+)\s+(\d+)\s+(\w+)\s+{SHARE}\s+{SHARE}"
                     rf"\s+{SHARE}\s+(\d+)\s+(\d+)$", re.M)


def share(text):
    return None if text == "-" else float(text)


def top_round(zvm, command="zvm top -d 500 -n 2"):
    """The last round of `zvm top`: {vm: (state, guest, zvm, idle, traps/s)}
    for each VM's vCPU 0, and the whole output."""
    out = zvm.run(command)
    last = out.split("over ")[-1]
    return {m[2]: (m[5], share(m[6]), share(m[7]), share(m[8]), int(m[9]))
            for m in TOP_ROW.finditer(last) if m[3] == "0"}, out
