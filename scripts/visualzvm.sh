#!/usr/bin/env bash
# make visualzvm: ZVM in QEMU with the board's NIC (the Makefile's host
# forward to the agent on udp://127.0.0.1:VZ_AGENT_PORT) and its console
# UART on a unix socket; the visualzvm daemon makes its calls over UDP and
# holds the socket for the console; the dashboard's URL printed.  Ctrl-C
# ends both (QEMU by its PID, with SIGKILL: icount ignores SIGTERM).  The
# daemon may die or be restarted by hand; ZVM runs on.
#   scripts/visualzvm.sh <qemu command...>
#   (env: VZ_SOCK VZ_KEY VZ_WEB VZ_PORT VZ_DAEMON VZ_AGENT_PORT)
set -euo pipefail
: "${VZ_SOCK:?}" "${VZ_KEY:?}" "${VZ_WEB:?}" "${VZ_PORT:?}" "${VZ_DAEMON:?}" "${VZ_AGENT_PORT:?}"

mkdir -p "$(dirname "$VZ_SOCK")"
rm -f "$VZ_SOCK"
"$@" -chardev "socket,id=console,path=$VZ_SOCK,server=on,wait=off" \
	-serial chardev:console -monitor none >/dev/null &
qemu=$!
daemon=""
cleanup() {
	[ -n "$daemon" ] && kill "$daemon" 2>/dev/null || true
	kill -9 "$qemu" 2>/dev/null || true
	rm -f "$VZ_SOCK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

for _ in $(seq 1 300); do
	[ -S "$VZ_SOCK" ] && break
	kill -0 "$qemu" 2>/dev/null || { echo "visualzvm: QEMU exited" >&2; exit 1; }
	sleep 0.1
done
echo "ZVM runs in QEMU (pid $qemu), its console on $VZ_SOCK."
args=(--target "udp://127.0.0.1:$VZ_AGENT_PORT" --console "serial:$VZ_SOCK"
	--key-file "$VZ_KEY" --web "$VZ_WEB" --port "$VZ_PORT")
"$VZ_DAEMON" "${args[@]}" &
daemon=$!
echo "Open http://127.0.0.1:$VZ_PORT/ (Ctrl-C here stops ZVM and the daemon)."
echo "Restart the daemon alone: $VZ_DAEMON ${args[*]}"
echo "(or on the serial line alone, the fallback: --target serial:$VZ_SOCK)"
wait "$qemu"
