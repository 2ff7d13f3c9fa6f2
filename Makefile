# ZVM: build, run, test and benchmark.
#   make run      boot ZVM in QEMU with its serial shell on this terminal
#   make test     format check, host unit tests, fuzzers briefly, both boards, make run's path, system tests
#   make fuzz     every libFuzzer target for longer, growing its kept corpus
#   make bench    boot-time benchmark; make bench-rt: real-time suite
# Missing Debian packages are installed by scripts/bootstrap.sh.

BOARD   ?= qemu-virt
CPU     ?= cortex-a53
SMP     ?= 4
MEM     ?= 1G
CROSS   ?= aarch64-linux-gnu-
PYTHON  ?= /usr/bin/python3
BUILD   := build
HOSTBUILD := $(BUILD)/host

CC      := $(CROSS)gcc
OBJCOPY := $(CROSS)objcopy
HOSTCC  ?= gcc
# No implicit NIC: the virt board's default is a PCI virtio-net that needs
# iPXE's option ROM, and ZVM drives no PCI device (tests/system/qemu_harness.py).
QEMU    := qemu-system-aarch64 -nic none

ZVM_ELF = $(BUILD)/zvm-$(BOARD).elf
ZVM_IMG = $(BUILD)/zvm-$(BOARD).bin
export BUILD PYTHON

# --- the hypervisor -----------------------------------------------------
ifeq ($(wildcard hypervisor/boards/$(BOARD).mk),)
$(error unknown BOARD '$(BOARD)'; boards: $(basename $(notdir $(wildcard hypervisor/boards/*.mk))))
endif
include hypervisor/boards/$(BOARD).mk
include mk/warnings.mk
ZVM_DIRS := hypervisor/arch/arm64 hypervisor/drivers hypervisor/kernel \
	hypervisor/vmm hypervisor/vgic hypervisor/vdev hypervisor/zshm hypervisor/net hypervisor/selftest hypervisor/agent lib
# asm-offsets.c is not linked: it generates asm-offsets.h for the .S files.
ASM_OFFSETS_SRC := hypervisor/arch/arm64/asm-offsets.c
ASM_OFFSETS_H := $(BUILD)/asm-offsets.h
ZVM_SRCS := $(filter-out $(ASM_OFFSETS_SRC),$(foreach d,$(ZVM_DIRS),$(wildcard $(d)/*.c $(d)/*.S))) \
	$(wildcard hypervisor/boards/$(BOARD).c)
ZVM_OBJS := $(patsubst %,$(BUILD)/zvm-$(BOARD)/%.o,$(ZVM_SRCS))

GIT_VERSION := $(shell git describe --always --dirty 2>/dev/null || echo unknown)
ZVM_CFLAGS := -std=c11 $(WARNINGS) -O2 -g -ffreestanding -nostdlib \
	-fno-builtin -fno-stack-protector -fno-pic -fno-pie -mgeneral-regs-only \
	-march=armv8-a -mstrict-align -fno-omit-frame-pointer -mno-outline-atomics \
	-Ihypervisor -Iinclude -I. -I$(BUILD) -MMD -MP
ZVM_LDFLAGS := -nostdlib -static -no-pie -Wl,--gc-sections -Wl,-T,hypervisor/arch/arm64/zvm.ld \
	-Wl,--build-id=none -Wl,-z,noexecstack -Wl,--no-warn-rwx-segments -Wl,--defsym=ZVM_LOAD_ADDR=$(ZVM_LOAD_ADDR)

.PHONY: all zvm zvmctl visualzvm visualzvm-build boards rtos system run run-smoke format format-check fuzz fuzz-smoke test unit-test unit-build portable-build \
	system-test bench bench-rt bench-time bench-virtio bench-zshm bootstrap clean FORCE

# Rewritten only when the version changes, so that only its users rebuild.
VERSION_H := $(BUILD)/version.h
$(VERSION_H): FORCE
	@mkdir -p $(BUILD)
	@echo '#define ZVM_VERSION "$(GIT_VERSION)"' > $@.tmp
	@cmp -s $@.tmp $@ || mv $@.tmp $@
	@rm -f $@.tmp

all: zvm rtos unit-build zvmctl visualzvm-build

zvm: $(ZVM_IMG)

bootstrap:
	@scripts/bootstrap.sh

$(BUILD)/zvm-$(BOARD)/%.c.o: %.c | bootstrap $(VERSION_H)
	@mkdir -p $(dir $@)
	@echo "  CC      $<"
	@$(CC) $(ZVM_CFLAGS) -c $< -o $@

# Each "->NAME value" marker of the compiled asm-offsets.c becomes a #define;
# rewritten only when an offset changes.
$(ASM_OFFSETS_H): $(ASM_OFFSETS_SRC) | bootstrap $(VERSION_H)
	@echo "  GEN     $@"
	@$(CC) $(ZVM_CFLAGS) -MT $@ -MF $@.d -S $< -o $@.s
	@{ echo '/* Generated from $< by make: do not edit. */'; \
	  echo '#ifndef ASM_OFFSETS_H'; echo '#define ASM_OFFSETS_H'; \
	  sed -n 's/^[[:space:]]*\.ascii[[:space:]]*"->\([A-Z0-9_]*\) \([0-9]*\)"/#define \1 \2/p' $@.s; \
	  echo '#endif'; } > $@.tmp
	@cmp -s $@.tmp $@ || mv $@.tmp $@
	@rm -f $@.tmp $@.s

$(BUILD)/zvm-$(BOARD)/%.S.o: %.S $(ASM_OFFSETS_H) | bootstrap
	@mkdir -p $(dir $@)
	@echo "  AS      $<"
	@$(CC) $(ZVM_CFLAGS) -D__ASSEMBLY__ -c $< -o $@

$(ZVM_ELF): $(ZVM_OBJS) hypervisor/arch/arm64/zvm.ld hypervisor/boards/$(BOARD).mk
	@echo "  LD      $@"
	@$(CC) $(ZVM_CFLAGS) $(ZVM_LDFLAGS) $(ZVM_OBJS) -o $@ -lgcc

$(ZVM_IMG): $(ZVM_ELF)
	@echo "  IMAGE   $@"
	@$(OBJCOPY) -O binary $< $@

# --- a system: ZVM + configuration + guest images, packed into one image ---
SYSTEM     ?= qemu-virt
SYSTEM_IMG  = $(BUILD)/system-$(SYSTEM).img
ZVMPACK    := $(BUILD)/tools/zvmpack
ZVMCTL     := $(BUILD)/tools/zvmctl
IMAGES     := $(BUILD)/images
BOARD_DTB   = $(BUILD)/board-virt-$(SMP)-$(MEM).dtb
# Guest images a configuration may name, and what builds each.
GUEST_FILES_baremetal.bin := $(BUILD)/baremetal/baremetal.bin
GUEST_FILES_rtos.bin      := $(BUILD)/rtos/rtos.bin
GUEST_FILES_linux-Image   := $(BUILD)/linux/Image
GUEST_FILES_linux-initrd  := $(BUILD)/linux/initramfs.cpio.gz
# A RAM disk's first contents (configs/test-virtio.dts, test_virtio_console).
GUEST_FILES_ramdisk-test.img := $(BUILD)/ramdisk-test.img
# The test guest is in every package: ZVM's built-in tests boot it (zvm test).
TEST_GUEST    = baremetal.bin
SYSTEM_GUESTS = $(sort $(TEST_GUEST) $(foreach f,rtos.bin linux-Image linux-initrd ramdisk-test.img,\
	$(if $(shell grep -q '"$(f)"' configs/$(SYSTEM).dts && echo y),$(f))))

# Its own Makefile knows what it is built from (portable.mk, headers): ask it.
$(ZVMPACK): FORCE | bootstrap
	@$(MAKE) --no-print-directory -C tools/zvmpack BUILD=$(abspath $(BUILD))

# zvmctl, the PC's command line for ZVM's agent (docs/protocol.md).
zvmctl: $(ZVMCTL)
$(ZVMCTL): FORCE | bootstrap
	@$(MAKE) --no-print-directory -C tools/zvmctl BUILD=$(abspath $(BUILD))

# visualzvm, the dashboard daemon, and the page it serves (docs/protocol.md).
visualzvm-build: FORCE | bootstrap
	@$(MAKE) --no-print-directory -C tools/visualzvm BUILD=$(abspath $(BUILD))

$(BOARD_DTB): | bootstrap
	@mkdir -p $(BUILD)
	$(QEMU) -M virt,virtualization=on,gic-version=3,dumpdtb=$@ \
		-cpu cortex-a53 -smp $(SMP) -m $(MEM) -nographic >/dev/null

# 1024 numbered 31-byte lines: a known checksum, under the 40 KiB the test writes at.
$(BUILD)/ramdisk-test.img: Makefile
	@mkdir -p $(BUILD)
	@i=0; while [ $$i -lt 1024 ]; do printf 'ZVM RAM disk image, line %05d\n' $$i; \
		i=$$((i + 1)); done >$@

$(BUILD)/baremetal/baremetal.bin: FORCE | bootstrap
	@$(MAKE) --no-print-directory -C guests/baremetal
$(BUILD)/rtos/rtos.bin: FORCE | bootstrap
	@$(MAKE) --no-print-directory -C guests/rtos
$(BUILD)/linux/Image $(BUILD)/linux/initramfs.cpio.gz: FORCE | bootstrap
	@$(MAKE) --no-print-directory -C guests/linux
# One guests/linux make at a time: two at once (make -j) unpacked the same
# kernel package into the same place together and one of them failed.
$(IMAGES)/linux-initrd: | $(IMAGES)/linux-Image

$(IMAGES)/%: FORCE
	@mkdir -p $(IMAGES)
	@$(MAKE) --no-print-directory $(GUEST_FILES_$*)
	@cp -u $(GUEST_FILES_$*) $@

system: $(SYSTEM_IMG)
$(BUILD)/system-%.img: $(ZVM_IMG) $(ZVMPACK) $(BOARD_DTB) configs/%.dts FORCE
	@$(MAKE) --no-print-directory SYSTEM=$* $(addprefix $(IMAGES)/,$(SYSTEM_GUESTS))
	@echo "  PACK    $@"
	@$(ZVMPACK) -q -z $(ZVM_IMG) -c configs/$*.dts -b $(BOARD_DTB) -I $(IMAGES) \
		-T $(TEST_GUEST) -o $@

# The board's disk: a virtio-mmio virtio-blk-device that ZVM drives itself
# and partitions among the VMs (virtio@<slot> with backing "disk").  Created
# once and kept: what the guests wrote and flushed is there at the next run.
DISK_IMG  ?= $(BUILD)/disk.img
DISK_SIZE := 64M
# QEMU's virtio-mmio is legacy (version 1) unless told; ZVM drives version 2.
QEMU_DISK_ARGS = -global virtio-mmio.force-legacy=false \
	-drive if=none,format=raw,file=$(DISK_IMG),id=board-disk \
	-device virtio-blk-device,drive=board-disk

$(DISK_IMG):
	@mkdir -p $(dir $@)
	truncate -s $(DISK_SIZE) $@

# The board's NIC: a virtio-mmio virtio-net-device on QEMU's user network
# (10.0.2.0/24, the host 10.0.2.2) that ZVM drives as its switch's uplink
# (docs/network.md).  The host reaches ZVM's agent at udp://127.0.0.1:$(AGENT_PORT)
# (forwarded on 127.0.0.1 only to ZVM's 10.0.2.15, port $(ZVM_AGENT_PORT)).
AGENT_PORT ?= 5555
ZVM_AGENT_PORT := 5555
QEMU_NIC_ARGS = -netdev user,id=board-net,net=10.0.2.0/24,hostfwd=udp:127.0.0.1:$(AGENT_PORT)-10.0.2.15:$(ZVM_AGENT_PORT) \
	-device virtio-net-device,netdev=board-net

QEMU_ARGS = -M virt,virtualization=on,gic-version=3 -cpu $(CPU) -smp $(SMP) -m $(MEM) \
	-nographic -kernel $(SYSTEM_IMG) $(QEMU_DISK_ARGS) $(QEMU_NIC_ARGS)

run: $(SYSTEM_IMG) | $(DISK_IMG)
	@echo "ZVM on QEMU virt ($(CPU), $(SMP) cores) with configs/$(SYSTEM).dts."
	@echo "Quit QEMU with Ctrl-A X; in 'zvm console <vm>', Ctrl-] returns to ZVM."
	$(QEMU) $(QEMU_ARGS)

# make run, with ZVM's console on a socket and the visualzvm daemon on it
# and on the agent's UDP forward: the dashboard at http://127.0.0.1:$(VZ_PORT)/
# (127.0.0.1 only).
VZ_PORT ?= 7580
visualzvm: $(SYSTEM_IMG) visualzvm-build | $(DISK_IMG)
	@echo "ZVM on QEMU virt ($(CPU), $(SMP) cores) with configs/$(SYSTEM).dts, and VisualZVM."
	@VZ_SOCK=$(abspath $(BUILD))/visualzvm/console.sock VZ_KEY=configs/$(SYSTEM).key \
	VZ_WEB=$(abspath $(BUILD))/visualzvm/web VZ_PORT=$(VZ_PORT) \
	VZ_DAEMON=$(abspath $(BUILD))/tools/visualzvm VZ_AGENT_PORT=$(AGENT_PORT) \
	scripts/visualzvm.sh $(QEMU) $(filter-out -nographic,$(QEMU_ARGS)) -display none

# make run's path, unattended: boot, check the shell and the VMs, quit with Ctrl-A X.
run-smoke: $(SYSTEM_IMG) | $(DISK_IMG)
	$(PYTHON) scripts/run_smoke.py $(MAKE) --no-print-directory run

# --- the guest RTOS ----------------------------------------------------------
rtos: | bootstrap
	$(MAKE) -C guests/rtos

# --- host unit tests (cmocka) -----------------------------------------------
# Each tests/unit/<name>.mk adds <name> to UNIT_TESTS and sets <name>_SRCS
# from the groups of portable sources in portable.mk.
include portable.mk
UNIT_TESTS :=
include $(wildcard tests/unit/*.mk)
HOST_CFLAGS := -std=c11 $(WARNINGS) -O1 -g -I. -Ihypervisor -Iinclude -DHOST_TEST \
	-fsanitize=address,undefined -fno-sanitize-recover=all
UNIT_BINS := $(patsubst %,$(HOSTBUILD)/%,$(UNIT_TESTS))

$(HOSTBUILD)/%: tests/unit/%.c | bootstrap
	@mkdir -p $(dir $@)
	$(HOSTCC) $(HOST_CFLAGS) -MMD -MP -MF $@.d $< $($*_SRCS) -o $@ -lcmocka

.SECONDEXPANSION:
$(UNIT_BINS): $$($$(notdir $$@)_SRCS)

# Every portable source builds for the host on its own, and a test links it.
PORTABLE_OBJS := $(patsubst %.c,$(HOSTBUILD)/portable/%.o,$(PORTABLE_SRCS))
PORTABLE_UNTESTED := $(filter-out $(foreach t,$(UNIT_TESTS),$($(t)_SRCS)),$(PORTABLE_SRCS))
ifneq ($(PORTABLE_UNTESTED),)
$(error portable.mk: no unit test links $(PORTABLE_UNTESTED))
endif

$(HOSTBUILD)/portable/%.o: %.c | bootstrap
	@mkdir -p $(dir $@)
	$(HOSTCC) $(HOST_CFLAGS) -MMD -MP -c $< -o $@

portable-build: $(PORTABLE_OBJS)

unit-build: portable-build $(UNIT_BINS)

unit-test: portable-build $(UNIT_BINS)
	@set -e; for t in $(UNIT_BINS); do echo "== $$t"; $$t; done
	$(MAKE) -C guests/rtos test-host

# --- system tests: boot QEMU and drive ZVM like a user ----------------------
system-test: $(ZVM_IMG) rtos $(ZVMCTL) visualzvm-build
	@$(MAKE) --no-print-directory SYSTEM=test-vms system
	$(PYTHON) -m pytest -q tests/system

# The RK3588 cannot run here, but its image must always build.
boards:
	$(MAKE) BOARD=qemu-virt zvm
	$(MAKE) BOARD=rk3588 zvm

test: bootstrap
	$(MAKE) format-check
	$(MAKE) unit-test
	$(MAKE) fuzz-smoke
	$(MAKE) boards
	$(MAKE) run-smoke
	$(MAKE) system-test

# --- fuzzing: clang's libFuzzer on the parsers guests and clients feed ------
# Each fuzz/<name>.mk adds <name> to FUZZ_TARGETS and sets <name>_SRCS;
# fuzz/<name>.c defines LLVMFuzzerTestOneInput, fuzz/corpus/<name>/ seeds it.
# make test runs every target for FUZZ_SMOKE_S seconds (new inputs go to
# build/, the kept corpus stays as it is); make fuzz runs each for FUZZ_S
# seconds and merges what it found into fuzz/corpus/<name>/.
FUZZ_TARGETS :=
include $(wildcard fuzz/*.mk)
FUZZ_CC      ?= clang
FUZZ_SMOKE_S ?= 10
FUZZ_S       ?= 300
FUZZ_CFLAGS  := -std=c11 $(WARNINGS) -O1 -g -I. -Ihypervisor -Iinclude -DHOST_TEST \
	-fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all
FUZZ_BINS    := $(patsubst %,$(BUILD)/fuzz/%,$(FUZZ_TARGETS))
FUZZ_RUN      = -artifact_prefix=$(BUILD)/fuzz/$$t- -timeout=10 -rss_limit_mb=2048 -max_len=16384 -print_final_stats=1

$(BUILD)/fuzz/%: fuzz/%.c $$($$*_SRCS) | bootstrap
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(FUZZ_CFLAGS) $< $($*_SRCS) -o $@

fuzz-smoke: $(FUZZ_BINS)
	@set -e; for t in $(FUZZ_TARGETS); do echo "== fuzz $$t ($(FUZZ_SMOKE_S) s)"; \
		mkdir -p $(BUILD)/fuzz/corpus/$$t fuzz/corpus/$$t; \
		$(BUILD)/fuzz/$$t -max_total_time=$(FUZZ_SMOKE_S) $(FUZZ_RUN) \
			$(BUILD)/fuzz/corpus/$$t fuzz/corpus/$$t >$(BUILD)/fuzz/$$t.log 2>&1 || \
			{ tail -40 $(BUILD)/fuzz/$$t.log; exit 1; }; tail -3 $(BUILD)/fuzz/$$t.log; done

fuzz: $(FUZZ_BINS)
	@set -e; for t in $(FUZZ_TARGETS); do echo "== fuzz $$t ($(FUZZ_S) s)"; \
		mkdir -p $(BUILD)/fuzz/corpus/$$t fuzz/corpus/$$t; \
		$(BUILD)/fuzz/$$t -max_total_time=$(FUZZ_S) $(FUZZ_RUN) \
			$(BUILD)/fuzz/corpus/$$t fuzz/corpus/$$t; \
		$(BUILD)/fuzz/$$t -merge=1 fuzz/corpus/$$t $(BUILD)/fuzz/corpus/$$t 2>&1 | tail -1; \
		done

# --- source format: .clang-format, checked by make test ---------------------
FORMAT_SRCS = $(shell git ls-files '*.c' '*.h' 2>/dev/null || find hypervisor lib include guests tools tests -name '*.[ch]')
format: | bootstrap
	clang-format -i $(FORMAT_SRCS)
format-check: | bootstrap
	@clang-format --dry-run --Werror $(FORMAT_SRCS) || \
		{ echo "format-check: run 'make format' (the style is .clang-format)"; exit 1; }

# --- benchmarks --------------------------------------------------------------
bench: $(ZVM_IMG)
	$(PYTHON) bench/boot_time.py --image $(ZVM_IMG) --out bench/results/boot_time.json

bench-rt: rtos
	$(PYTHON) bench/rt/run.py --out bench/results
	$(PYTHON) bench/vm/report.py --out bench/results

# Time base: time to sync and precision, two RTOS VMs (docs/timebase.md).
bench-time: rtos
	$(PYTHON) bench/timebase.py --out bench/results

# VirtIO: the Linux guest natively vs under ZVM (bench/virtio/run.py).
bench-virtio:
	$(PYTHON) bench/virtio/run.py --out bench/results

# Zshm: RTOS -> RTOS latency, round trip, throughput, barrier precision
# (docs/zshm.md).
bench-zshm: rtos
	$(PYTHON) bench/zshm.py --out bench/results

clean:
	rm -rf $(BUILD)
	$(MAKE) -C guests/rtos clean

-include $(ZVM_OBJS:.o=.d) $(ASM_OFFSETS_H).d $(UNIT_BINS:=.d) $(PORTABLE_OBJS:.o=.d)
