# QEMU virt: RAM at 0x40000000; QEMU loads an arm64 Image at RAM + text_offset.
ZVM_LOAD_ADDR := 0x40080000
