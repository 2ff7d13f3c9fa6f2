#!/usr/bin/env bash
# Builds the Linux guest's files from Debian arm64 packages, fetched with
# apt-get download when missing (no network beyond Debian's archive):
#   OUT/Image               the kernel of linux-image-<version>-arm64
#   OUT/initramfs.cpio.gz   busybox-static + our ./init + the kernel's VirtIO
#                           modules (from the same kernel package), as newc
#   OUT/versions.txt        which packages they came from
#
# usage: fetch.sh [debs|kernel|initramfs|all] [OUT]     (default: all build/linux)
#
# Idempotent: .debs already in OUT/debs are used as they are (no network),
# and every output is written aside and renamed, so an interrupted run
# leaves nothing half-made behind. When apt cannot provide a package (no
# archive access, no arm64 lists, not root to add them) the message starts
# with the marker below, which the system tests look for to skip cleanly.
set -euo pipefail

APT_UNAVAILABLE="linux-guest: APT UNAVAILABLE:"
HERE=$(cd "$(dirname "$0")" && pwd)
PHASE=${1:-all}
OUT=$(realpath -m "${2:-$HERE/../../build/linux}")
DEBS=$OUT/debs
PKGS=$OUT/pkgs
PYTHON=/usr/bin/python3
ARCH=arm64
KERNEL_META=linux-image-arm64
BUSYBOX=busybox-static
# The arm64 Image header (Documentation/arch/arm64/booting.rst).
IMAGE_MAGIC_OFFSET=56
IMAGE_MAGIC=41524d64            # "ARM\x64"
# The VirtIO drivers Debian builds as modules, in load order (dependencies
# first); CONFIG_VIRTIO and the rings are built in.  init loads them.
VIRTIO_MODULES="net/core/failover drivers/net/net_failover drivers/virtio/virtio_mmio
	drivers/char/virtio_console drivers/block/virtio_blk drivers/net/virtio_net"
# The console the kernel opens for /init before devtmpfs is mounted
# (Documentation/admin-guide/devices.txt: char 5:1).
CONSOLE_NODE=dev/console:c:5:1:600

say() { echo "linux-guest: $*"; }
die() { echo "linux-guest: error: $*" >&2; exit 1; }
die_apt() { echo "$APT_UNAVAILABLE $*" >&2; exit 1; }

# The newest .deb in OUT/debs whose name matches a glob, or nothing.
find_deb() {
	find "$DEBS" -maxdepth 1 -name "$1" -printf '%f\n' 2>/dev/null |
		sort -V | tail -n 1 | sed "s|^|$DEBS/|"
}
kernel_deb() { find_deb "linux-image-[0-9]*-${ARCH}_*_${ARCH}.deb"; }
busybox_deb() { find_deb "${BUSYBOX}_*_${ARCH}.deb"; }

have_sudo() { command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; }
can_be_root() { [ "$(id -u)" -eq 0 ] || have_sudo; }

# Runs a command as root: directly, through password-less sudo, or not at all.
as_root() {
	if [ "$(id -u)" -eq 0 ]; then
		"$@"
	elif have_sudo; then
		sudo -n "$@"
	else
		die_apt "'$*' needs root; run it as root, then run this again"
	fi
}

apt_update() {
	say "apt-get update (to learn the $ARCH packages)"
	as_root apt-get update || die_apt "apt-get update failed: no access to the Debian archive?"
}

# dpkg must know arm64 and apt must have its package lists.
ensure_arch() {
	command -v apt-get >/dev/null 2>&1 || die_apt "apt-get is not available here"
	if ! dpkg --print-foreign-architectures | grep -qx "$ARCH"; then
		can_be_root || die_apt "dpkg does not know the $ARCH architecture;" \
			"as root run: dpkg --add-architecture $ARCH && apt-get update"
		say "adding the $ARCH architecture to dpkg"
		as_root dpkg --add-architecture "$ARCH" ||
			die_apt "dpkg --add-architecture $ARCH failed"
		apt_update
	elif ! apt-cache show "$BUSYBOX:$ARCH" >/dev/null 2>&1; then
		apt_update
	fi
	apt-cache show "$BUSYBOX:$ARCH" >/dev/null 2>&1 ||
		die_apt "apt knows no $BUSYBOX:$ARCH even after apt-get update"
}

# linux-image-arm64 is a metapackage: the kernel is the package it depends on.
resolve_kernel_package() {
	local package
	package=$(apt-cache depends "$KERNEL_META:$ARCH" 2>/dev/null |
		sed -n "s/^ *|\?Depends: \(linux-image-[0-9][^:]*-$ARCH\)\(:$ARCH\)\?\$/\1/p" |
		head -n 1)
	[ -n "$package" ] || die_apt "cannot resolve the kernel package $KERNEL_META:$ARCH depends on"
	echo "$package"
}

# apt-get download into a scratch directory, then move: no partial .debs.
download() {
	local scratch=$DEBS/partial
	rm -rf "$scratch"
	mkdir -p "$scratch"
	say "downloading $1:$ARCH"
	if ! (cd "$scratch" && apt-get download "$1:$ARCH"); then
		rm -rf "$scratch"
		die_apt "apt-get download $1:$ARCH failed"
	fi
	mv "$scratch"/*.deb "$DEBS"/
	rmdir "$scratch"
}

phase_debs() {
	mkdir -p "$DEBS"
	if [ -n "$(kernel_deb)" ] && [ -n "$(busybox_deb)" ]; then
		return
	fi
	ensure_arch
	if [ -z "$(kernel_deb)" ]; then
		local kernel_package
		kernel_package=$(resolve_kernel_package)
		download "$kernel_package"
	fi
	[ -n "$(busybox_deb)" ] || download "$BUSYBOX"
	if [ -z "$(kernel_deb)" ] || [ -z "$(busybox_deb)" ]; then
		die_apt "apt-get download did not leave the expected .debs in $DEBS"
	fi
}

deb_field() { dpkg-deb -f "$1" "$2"; }

record_version() {
	local file=$OUT/versions.txt
	touch "$file"
	sed -i "/^$1 /d" "$file"
	echo "$1 $2" >>"$file"
}

# Only /boot of the kernel package is needed here: of the modules (over
# 300 MB unpacked) the initramfs takes the VirtIO ones (install_modules).
phase_kernel() {
	local deb vmlinuz
	deb=$(kernel_deb)
	[ -n "$deb" ] || die "no kernel .deb in $DEBS (run: $0 debs)"
	rm -rf "$PKGS/kernel"
	mkdir -p "$PKGS/kernel"
	dpkg-deb --fsys-tarfile "$deb" |
		tar -x -C "$PKGS/kernel" --wildcards './boot/vmlinuz-*' './boot/config-*' ||
		die "cannot unpack /boot of $deb"
	vmlinuz=$(find "$PKGS/kernel/boot" -name 'vmlinuz-*' | head -n 1)
	[ -n "$vmlinuz" ] || die "$deb holds no /boot/vmlinuz-*"
	"$PYTHON" "$HERE/unpack_kernel.py" "$vmlinuz" "$OUT/Image.new"
	[ "$(od -An -tx1 -j $IMAGE_MAGIC_OFFSET -N 4 "$OUT/Image.new" | tr -d ' \n')" = "$IMAGE_MAGIC" ] ||
		die "$OUT/Image.new has no arm64 Image magic at offset $IMAGE_MAGIC_OFFSET"
	cp "$PKGS/kernel/boot/config-"* "$OUT/config"
	mv "$OUT/Image.new" "$OUT/Image"
	record_version kernel "$(deb_field "$deb" Package) $(deb_field "$deb" Version) release ${vmlinuz##*/vmlinuz-}"
	say "kernel: $OUT/Image ($(stat -c %s "$OUT/Image") bytes) from ${deb##*/}"
}

# Our busybox must be a static aarch64 program: there is no libc in the root.
check_busybox() {
	local readelf=aarch64-linux-gnu-readelf
	command -v "$readelf" >/dev/null 2>&1 || readelf=readelf
	"$readelf" -h "$1" | grep -q 'Machine:.*AArch64' || die "$1 is not an AArch64 program"
	if "$readelf" -l "$1" | grep -q INTERP; then
		die "$1 is dynamically linked; the initramfs has no libc"
	fi
}

# The kernel package's VirtIO modules into root/lib/modules, flat, with
# the list init loads them in.
install_modules() {
	local root=$1 deb release m patterns=()
	deb=$(kernel_deb)
	[ -n "$deb" ] || die "no kernel .deb in $DEBS (run: $0 debs)"
	release=$(deb_field "$deb" Package | sed 's/^linux-image-//')
	for m in $VIRTIO_MODULES; do
		patterns+=("./lib/modules/$release/kernel/$m.ko")
	done
	rm -rf "$PKGS/modules"
	mkdir -p "$PKGS/modules" "$root/lib/modules"
	dpkg-deb --fsys-tarfile "$deb" | tar -x -C "$PKGS/modules" "${patterns[@]}" ||
		die "cannot unpack the VirtIO modules of $deb"
	: >"$root/lib/modules/load-order"
	for m in $VIRTIO_MODULES; do
		install -m 0644 "$PKGS/modules/lib/modules/$release/kernel/$m.ko" "$root/lib/modules/"
		echo "${m##*/}" >>"$root/lib/modules/load-order"
	done
}

phase_initramfs() {
	local deb root=$OUT/rootfs
	deb=$(busybox_deb)
	[ -n "$deb" ] || die "no $BUSYBOX .deb in $DEBS (run: $0 debs)"
	rm -rf "$PKGS/busybox" "$root"
	dpkg-deb -x "$deb" "$PKGS/busybox" || die "cannot unpack $deb"
	check_busybox "$PKGS/busybox/bin/busybox"
	mkdir -p "$root"/{bin,sbin,usr/bin,usr/sbin,dev,proc,sys,tmp,root,etc}
	install -m 0755 "$PKGS/busybox/bin/busybox" "$root/bin/busybox"
	install -m 0755 "$HERE/init" "$root/init"
	# The ptp_kvm clock tool (Makefile: PTPSYNC=...), when it was built.
	if [ -n "${PTPSYNC:-}" ]; then
		install -m 0755 "$PTPSYNC" "$root/bin/ptpsync"
	fi
	# The Zshm endpoint (Makefile: ZSHM=...), when it was built.
	if [ -n "${ZSHM:-}" ]; then
		install -m 0755 "$ZSHM" "$root/bin/zshm"
	fi
	# The VirtIO benchmark's tool (Makefile: VBENCH=..., bench/virtio).
	if [ -n "${VBENCH:-}" ]; then
		install -m 0755 "$VBENCH" "$root/bin/vbench"
	fi
	install_modules "$root"
	"$PYTHON" "$HERE/mkcpio.py" --node "$CONSOLE_NODE" "$root" "$OUT/initramfs.cpio.gz.new"
	mv "$OUT/initramfs.cpio.gz.new" "$OUT/initramfs.cpio.gz"
	record_version busybox "$(deb_field "$deb" Package) $(deb_field "$deb" Version)"
	say "initramfs: $OUT/initramfs.cpio.gz ($(stat -c %s "$OUT/initramfs.cpio.gz") bytes) from ${deb##*/}"
}

mkdir -p "$OUT"
case "$PHASE" in
debs) phase_debs ;;
kernel) phase_debs && phase_kernel ;;
initramfs) phase_debs && phase_initramfs ;;
all) phase_debs && phase_kernel && phase_initramfs ;;
*) die "unknown phase '$PHASE' (want debs, kernel, initramfs or all)" ;;
esac
