#!/usr/bin/env bash
# Installs the Debian packages ZVM needs to build, run and test, on a Debian
# machine that has nothing but git and make.  Recommends are not installed,
# so every package a command needs is named here (gcc recommends libc6-dev,
# but the host unit tests need its headers).  QEMU gets no implicit NIC
# (Makefile: QEMU), so iPXE's ROMs are not needed.
# Idempotent: it only calls apt-get when something is missing.
set -euo pipefail

# package name -> a file that shows it is installed
declare -A NEEDS=(
	[gcc-aarch64-linux-gnu]=/usr/bin/aarch64-linux-gnu-gcc
	[binutils-aarch64-linux-gnu]=/usr/bin/aarch64-linux-gnu-objcopy
	[qemu-system-arm]=/usr/bin/qemu-system-aarch64
	[device-tree-compiler]=/usr/bin/dtc
	[libcmocka-dev]=/usr/include/cmocka.h
	[gcc]=/usr/bin/gcc
	[libc6-dev]=/usr/include/stdio.h
	[make]=/usr/bin/make
	[python3]=/usr/bin/python3
	[clang-format]=/usr/bin/clang-format
	[clang]=/usr/bin/clang
	[libclang-rt-14-dev]=/usr/lib/llvm-14/lib/clang/14.0.6/lib/linux/libclang_rt.fuzzer-x86_64.a
	[python3-pytest]=/usr/lib/python3/dist-packages/pytest/__init__.py
	# visualzvm: the daemon's libraries, the dashboard's build (npm ci) and
	# its test in headless Chromium (tests/system/test_dashboard.py)
	[libwebsockets-dev]=/usr/include/libwebsockets.h
	[libcjson-dev]=/usr/include/cjson/cJSON.h
	[pkg-config]=/usr/bin/pkg-config
	[npm]=/usr/bin/npm
	[chromium]=/usr/bin/chromium
	[chromium-driver]=/usr/bin/chromedriver
	[python3-selenium]=/usr/lib/python3/dist-packages/selenium/__init__.py
)

missing=()
for pkg in "${!NEEDS[@]}"; do
	[ -e "${NEEDS[$pkg]}" ] || missing+=("$pkg")
done
[ ${#missing[@]} -eq 0 ] && exit 0

echo "bootstrap: installing missing packages: ${missing[*]}"
if ! command -v apt-get >/dev/null 2>&1; then
	echo "bootstrap: apt-get is not available; install these packages by hand: ${missing[*]}" >&2
	exit 1
fi
SUDO=""
if [ "$(id -u)" -ne 0 ]; then
	if command -v sudo >/dev/null 2>&1; then
		SUDO="sudo"
	else
		echo "bootstrap: not root and no sudo; install as root: ${missing[*]}" >&2
		exit 1
	fi
fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update
$SUDO apt-get install -y --no-install-recommends "${missing[@]}"
