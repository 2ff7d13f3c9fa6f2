"""Boots packed systems (ZVM + configs/<name>.dts + guest images)."""
from zvm import Zvm, system_image


def boot_system(name, cpu="cortex-a53", smp=4, mem="1G"):
    args = ["-M", "virt,virtualization=on,gic-version=3", "-cpu", cpu,
            "-smp", str(smp), "-m", mem, "-nographic", "-kernel", system_image(name)]
    return Zvm(args, f"{name}-{cpu}").boot()


def console_replay(zvm, vm, until, timeout=30):
    """Attaches to vm's console, waits for until, detaches; returns the text."""
    zvm.send(f"zvm console {vm}\r")
    start = zvm.expect(r"\[console of vm \d+ '" + vm + r"'", timeout).end()
    end = zvm.expect(until, timeout).end()
    text = zvm.output[start:end]
    zvm.send("\x1d")
    zvm.expect(r"\[back to ZVM\]", timeout)
    zvm.expect(r"zvm> ", timeout)
    return text
