#!/usr/bin/python3
"""`make run`, unattended: the command a user types, driven like a user.

usage: run_smoke.py <command that runs ZVM in QEMU on stdio...>

Waits for ZVM's prompt, checks that every autostart VM of the default
system is running and that the shell answers, then quits QEMU with Ctrl-A X
and checks it exited by itself.  Every wait is bounded and keyed on output.
"""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "tests", "system"))
from qemu_harness import QemuMachine, free_udp_port  # noqa: E402

BOOT_TIMEOUT_S = 180        # generous: a loaded 2-core machine, a cold build
COMMAND_TIMEOUT_S = 60
EXIT_TIMEOUT_S = 30
PROMPT = r"zvm> "
QEMU_QUIT = "\x01x"         # -nographic's mux: Ctrl-A X
DEFAULT_VMS = ("rtos", "linux")


def vm_states(listing):
    """{name: state} from `zvm list`'s table (ID NAME OS STATE ...)."""
    states = {}
    for line in listing.splitlines():
        fields = line.split()
        if len(fields) >= 4 and fields[0].isdigit():
            states[fields[1]] = fields[3]
    return states


def main(command):
    # make run forwards a host UDP port to ZVM's agent (5555 by default):
    # other QEMUs may run beside this one, so it gets one nobody holds.
    command = command + [f"AGENT_PORT={free_udp_port()}"]
    with QemuMachine([], "run-smoke", command=command).start() as machine:
        for vm in DEFAULT_VMS:      # started in this order, before the prompt
            machine.expect(rf"vm \d+ '{vm}' started", BOOT_TIMEOUT_S)
        machine.expect(PROMPT, BOOT_TIMEOUT_S)
        machine.send("zvm list\r")
        listing = machine.expect(r"zvm list\n((?:.*\n)*?)" + PROMPT, COMMAND_TIMEOUT_S)
        states = vm_states(listing.group(1))
        wrong = {vm: states.get(vm, "missing") for vm in DEFAULT_VMS
                 if states.get(vm) != "running"}
        if wrong:
            sys.exit(f"run-smoke: VMs not running: {wrong}\n{listing.group(1)}")
        machine.send(QEMU_QUIT)
        code = machine.wait_exit(EXIT_TIMEOUT_S)
        if code != 0:
            sys.exit(f"run-smoke: `{' '.join(command)}` exited with {code}")
    print(f"run-smoke: prompt, {', '.join(DEFAULT_VMS)} running, Ctrl-A X quit QEMU")


if __name__ == "__main__":
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    main(sys.argv[1:])
