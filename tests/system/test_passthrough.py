"""Pass-through: a device window in the VM's stage-2 map, its SPI routed."""
import re

from systems import boot_system


def test_passthrough_region_and_interrupt_follow_the_vm():
    with boot_system("test-passthrough") as zvm:
        # Its virtio-mmio slot can master the bus: accepted as 'trusted;', and said.
        assert ("vm 1 'dev': pass-through 0xa003000-0xa003fff is trusted: a DMA-capable "
                "device there can write any memory (ZVM programs no SMMU)") in zvm.output
        info = zvm.run("zvm info dev")
        assert "pass-through: 0xa003000-0xa003fff" in info
        assert "pass-through interrupt: INTID 79" in info
        # 64 MiB of RAM in 2 MiB blocks plus the one 4 KiB device page.
        assert re.search(r"32 x 2 MiB, 1 x 4 KiB", info)
        assert re.search(r"^79\s+SPI\s+\d+\s+passthrough", zvm.run("irqs"), re.M)
        zvm.run("zvm stop dev")
        assert not re.search(r"^79\s", zvm.run("irqs"), re.M)
        zvm.run("zvm start dev")
        assert re.search(r"^79\s+SPI\s+\d+\s+passthrough", zvm.run("irqs"), re.M)
