# The host-portable sources: C files compiled into ZVM and also on the host,
# for the unit tests (tests/unit/*.mk) and tools/zvmpack, and some into the
# guest RTOS.  They use no EL2 instruction, no lock and no allocator of
# ZVM's, so the same file answers the same way everywhere.  Named here once,
# in groups that each build on their own; the users name groups, not files.
#
# Paths are relative to the repository root (a Makefile elsewhere prefixes
# its way there).  A group may name a file twice: link $(sort <group>).

# lib/: the error type, devicetree reader and writer, formatting,
# checksums, rings.
PORTABLE_FORMAT := lib/format.c
PORTABLE_ZERROR := lib/zerror.c $(PORTABLE_FORMAT)
PORTABLE_FDT := lib/fdt.c lib/fdt_path.c lib/fdt_prop.c lib/fdt_search.c
PORTABLE_FDT_WRITE := lib/fdt_write.c lib/fdt_write_prop.c $(PORTABLE_FDT)
PORTABLE_CRC32 := lib/crc32.c
PORTABLE_SPSC_RING := lib/spsc_ring.c
PORTABLE_TIMEBASE := lib/timebase.c
# Zshm channels: the layout's geometry and a member's endpoint.
PORTABLE_ZSHM := lib/zshm_layout.c lib/zshm_ring.c
# The management protocol (docs/protocol.md): SHA-256 and HMAC, JSON, the
# datagrams, their serial frames, the server's replay window and pipeline.
PORTABLE_SHA256 := lib/sha256.c lib/hmac_sha256.c
PORTABLE_JSON := lib/json_parse.c lib/json_read.c lib/json_write.c
PORTABLE_RPC := lib/rpc_datagram.c lib/rpc_serial.c lib/rpc_request.c lib/rpc_session.c \
	lib/rpc_server.c $(PORTABLE_SHA256) $(PORTABLE_JSON)

# The board from its devicetree, the system configuration and its checks,
# the system package, the guest's devicetree.
PORTABLE_BOARD_DT := hypervisor/kernel/board_dt.c hypervisor/kernel/board_dt_dev.c \
	$(PORTABLE_FDT) $(PORTABLE_ZERROR)
PORTABLE_VM_CONFIG := hypervisor/vmm/vm_config.c hypervisor/vmm/vm_config_vm.c \
	hypervisor/vmm/vm_config_virtio.c hypervisor/vmm/vm_config_net.c hypervisor/vmm/vm_config_zshm.c \
	hypervisor/vmm/vm_config_check.c $(PORTABLE_BOARD_DT)
PORTABLE_PACKAGE := hypervisor/vmm/package.c hypervisor/vmm/package_build.c \
	$(PORTABLE_CRC32) $(PORTABLE_ZERROR)
PORTABLE_GUEST_DT := $(sort hypervisor/vmm/guest_dt.c $(PORTABLE_FDT_WRITE) \
	$(PORTABLE_BOARD_DT))

# The vGIC register model and pending queues (not the list-register half).
PORTABLE_VGIC := hypervisor/vgic/vgic.c hypervisor/vgic/vgic_queue.c \
	hypervisor/vgic/vgic_regs.c hypervisor/vgic/vgic_dist.c hypervisor/vgic/vgic_redist.c \
	hypervisor/vgic/vgic_timer.c

# Kernel pieces with a pure core: allocators, log ring, command layer,
# line editor, stage-2 tables, ESR decoding, VMIDs, emulated UART, console ring.
PORTABLE_HEAP := hypervisor/kernel/heap.c
PORTABLE_PAGE_ALLOC := hypervisor/kernel/page_alloc.c
PORTABLE_LOGRING := hypervisor/kernel/logring.c
PORTABLE_CMD := hypervisor/kernel/cmd.c hypervisor/kernel/cmd_words.c \
	hypervisor/kernel/cmd_parse.c hypervisor/kernel/cmd_check.c \
	hypervisor/kernel/cmd_complete.c hypervisor/kernel/cmd_help.c $(PORTABLE_FORMAT)
PORTABLE_LINEEDIT := hypervisor/kernel/lineedit.c hypervisor/kernel/lineedit_history.c \
	hypervisor/kernel/lineedit_complete.c $(PORTABLE_FORMAT)
PORTABLE_STAGE2 := hypervisor/arch/arm64/stage2.c hypervisor/arch/arm64/stage2_unmap.c \
	hypervisor/arch/arm64/stage2_revoke.c
PORTABLE_ESR := hypervisor/arch/arm64/esr.c $(PORTABLE_FORMAT)
# Emulated MMIO: the abort decoder and region table; exception entry to EL1.
PORTABLE_MMIO := hypervisor/vmm/mmio.c hypervisor/vmm/guest_fault.c $(PORTABLE_FORMAT)
PORTABLE_GUEST_EXCEPTION := hypervisor/arch/arm64/guest_exception.c
PORTABLE_VMID := hypervisor/vmm/vmid.c
PORTABLE_HEARTBEAT := hypervisor/vmm/heartbeat.c
PORTABLE_VUART := hypervisor/vdev/vuart.c
PORTABLE_CONSOLE_RING := hypervisor/vdev/console_ring.c
PORTABLE_TERM_QUERY := hypervisor/vdev/term_query.c
# VirtIO: the split virtqueue walker, the virtio-mmio transport.
PORTABLE_VIRTQ := hypervisor/vdev/virtq.c $(PORTABLE_ZERROR)
PORTABLE_VIRTIO_MMIO := hypervisor/vdev/virtio_mmio.c $(PORTABLE_VIRTQ)
PORTABLE_VIRTIO_CONSOLE := hypervisor/vdev/virtio_console.c $(PORTABLE_VIRTIO_MMIO)
PORTABLE_VIRTIO_BLK := hypervisor/vdev/virtio_blk.c $(PORTABLE_VIRTIO_MMIO)
# ZVM as the driver of a board's virtio-mmio device (the board disk and NIC).
PORTABLE_VIRTIO_DRV := hypervisor/drivers/virtio_drv.c $(PORTABLE_ZERROR)
PORTABLE_VIRTIO_NET := hypervisor/vdev/virtio_net.c $(PORTABLE_VIRTIO_MMIO)
PORTABLE_VIRTIO_NETDRV := hypervisor/drivers/virtio_netdrv.c $(PORTABLE_VIRTIO_DRV)
# Networking: the virtual switch, ZVM's own ARP/IPv4/ICMP/UDP stack.
PORTABLE_VSWITCH := hypervisor/net/vswitch.c $(PORTABLE_ZERROR)
PORTABLE_NETSTACK := hypervisor/net/netstack.c hypervisor/net/netstack_arp.c \
	hypervisor/net/netstack_udp.c $(PORTABLE_ZERROR)

# What tools/zvmpack shares with ZVM: the validator and the package format.
PORTABLE_ZVMPACK := $(sort $(PORTABLE_VM_CONFIG) $(PORTABLE_PACKAGE))

# Every portable source once: the top Makefile compiles each of them for the
# host on its own (portable-build) and checks that a unit test uses it.
PORTABLE_SRCS := $(sort $(PORTABLE_FDT_WRITE) $(PORTABLE_ZERROR) $(PORTABLE_CRC32) \
	$(PORTABLE_SPSC_RING) $(PORTABLE_TIMEBASE) $(PORTABLE_ZSHM) $(PORTABLE_RPC) $(PORTABLE_VM_CONFIG) $(PORTABLE_PACKAGE) $(PORTABLE_GUEST_DT) \
	$(PORTABLE_VGIC) $(PORTABLE_HEAP) $(PORTABLE_PAGE_ALLOC) $(PORTABLE_LOGRING) \
	$(PORTABLE_CMD) $(PORTABLE_LINEEDIT) $(PORTABLE_STAGE2) $(PORTABLE_ESR) \
	$(PORTABLE_MMIO) $(PORTABLE_GUEST_EXCEPTION) $(PORTABLE_VMID) $(PORTABLE_HEARTBEAT) $(PORTABLE_VUART) $(PORTABLE_CONSOLE_RING) $(PORTABLE_TERM_QUERY) \
	$(PORTABLE_VIRTIO_CONSOLE) $(PORTABLE_VIRTIO_BLK) $(PORTABLE_VIRTIO_DRV) \
	$(PORTABLE_VIRTIO_NET) $(PORTABLE_VIRTIO_NETDRV) $(PORTABLE_VSWITCH) $(PORTABLE_NETSTACK))
