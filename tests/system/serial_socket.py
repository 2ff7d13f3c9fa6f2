"""ZVM with its console UART on a unix socket instead of stdio.

QEMU serves the socket (-chardev socket,server=on,wait=off); one client at
a time may be connected: this harness, to type at the shell like a user,
or a tool such as zvmctl (`--target serial:<path>`).  disconnect() hands
the line over, connect() takes it back.  Bytes ZVM sends while nobody is
connected are lost, as on an unplugged cable.
"""
import os
import select
import socket
import tempfile
import time

from zvm import Zvm, qemu_args

CONNECT_TIMEOUT = 30


def socket_serial_args(path):
    """QEMU options that put the first UART on a unix socket at path."""
    return ["-chardev", f"socket,id=console,path={path},server=on,wait=off",
            "-serial", "chardev:console", "-monitor", "none"]


class SocketZvm(Zvm):
    """A Zvm whose send()/expect() go over the console socket."""

    def __init__(self, image, name, hostfwd=(), **kwargs):
        """hostfwd: host forwards to the board's NIC (qemu_harness.nic_args)."""
        self.socket_dir = tempfile.mkdtemp(prefix="zvm-serial-")
        self.socket_path = os.path.join(self.socket_dir, "console.sock")
        super().__init__(qemu_args(image=image, extra=socket_serial_args(self.socket_path),
                                   **kwargs), name, hostfwd=hostfwd)
        self.sock = None

    def connect(self, timeout=CONNECT_TIMEOUT):
        """Connects to the console socket, waiting for QEMU to create it."""
        deadline = time.monotonic() + timeout
        while True:
            try:
                sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
                sock.connect(self.socket_path)
                self.sock = sock
                self._scan_from = len(self.output)
                return self
            except (FileNotFoundError, ConnectionRefusedError):
                sock.close()
                if self.proc.poll() is not None:
                    raise EOFError(f"{self.name}: QEMU exited ({self.proc.returncode})")
                if time.monotonic() > deadline:
                    raise TimeoutError(f"{self.name}: no console socket in {timeout}s")
                # QEMU's own output (stdout) is the only event to wait on.
                select.select([self.proc.stdout], [], [], 0.1)

    def disconnect(self):
        if self.sock:
            self.sock.close()
            self.sock = None

    def boot(self):
        self.start()
        self.connect()
        self.send("\r")  # the banner went out before we were connected
        self.expect(r"zvm> ")
        return self

    def kill(self):
        self.disconnect()
        super().kill()
        try:
            os.unlink(self.socket_path)
        except FileNotFoundError:
            pass
        os.rmdir(self.socket_dir)

    def send(self, text):
        data = text.encode("latin-1") if isinstance(text, str) else text
        self.sock.sendall(data)

    def _read(self, timeout):
        ready, _, _ = select.select([self.sock], [], [], max(timeout, 0))
        if not ready:
            return False
        data = self.sock.recv(65536)
        if not data:
            return False
        text = data.decode("utf-8", errors="replace").replace("\r", "")
        self.output += text
        self._log.write(text)
        self._log.flush()
        return True
