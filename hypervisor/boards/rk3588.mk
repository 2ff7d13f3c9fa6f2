# RK3588: DRAM starts at 0; BL31 and OP-TEE sit in the first MiBs, so U-Boot
# loads ZVM with `booti` at kernel_addr_r = 0x00400000 (2 MiB aligned), which
# puts the image at 0x00400000 + text_offset.
ZVM_LOAD_ADDR := 0x00480000
