"""A real TCP proxy on 127.0.0.1 that loses responses: the fault injector of the sync tests.

It forwards bytes both ways. Told to, it watches requests for a marker (``GET
/sync/v1/pull``) and cuts the connection once the server has sent ``after`` bytes of the
answer to such a request: the server has done its work and committed, and the client
never hears the (whole) answer.
"""

from __future__ import annotations

import contextlib
import socket
import threading
from dataclasses import dataclass, field


@dataclass
class Fault:
    marker: bytes
    after: int
    times: int
    skip: int = 0
    cut: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def take(self) -> bool:
        with self.lock:
            if self.skip > 0:
                self.skip -= 1
                return False
            if self.cut >= self.times:
                return False
            self.cut += 1
            return True


@dataclass
class _Conn:
    armed: int | None = None  # bytes of the current answer still allowed, when armed


class Proxy:
    def __init__(self, target_port: int) -> None:
        self.target = ("127.0.0.1", target_port)
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.listener.settimeout(0.2)
        self.port = self.listener.getsockname()[1]
        self.fault: Fault | None = None
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._accept, daemon=True)
        self._thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def cut(self, marker: str, after: int = 0, times: int = 1, skip: int = 0) -> Fault:
        """Cut the answer to ``times`` requests containing ``marker`` (after letting ``skip``
        of them through) once ``after`` bytes of it went by."""
        self.fault = Fault(marker.encode(), after, times, skip)
        return self.fault

    def heal(self) -> None:
        self.fault = None

    def close(self) -> None:
        self._stop.set()
        self._thread.join(2)
        self.listener.close()

    def _accept(self) -> None:
        while not self._stop.is_set():
            try:
                client, _ = self.listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            try:
                server = socket.create_connection(self.target, timeout=10)
            except OSError:
                client.close()
                continue
            state = _Conn()
            threading.Thread(
                target=self._upstream, args=(client, server, state), daemon=True
            ).start()
            threading.Thread(
                target=self._downstream, args=(server, client, state), daemon=True
            ).start()

    def _upstream(self, src: socket.socket, dst: socket.socket, state: _Conn) -> None:
        try:
            while data := src.recv(65536):
                fault = self.fault
                if fault is not None and fault.marker in data and fault.take():
                    state.armed = fault.after
                dst.sendall(data)
        except OSError:
            pass
        finally:
            _close(src, dst)

    def _downstream(self, src: socket.socket, dst: socket.socket, state: _Conn) -> None:
        try:
            while data := src.recv(65536):
                if state.armed is not None:
                    if len(data) >= state.armed:
                        dst.sendall(data[: state.armed])
                        break
                    state.armed -= len(data)
                dst.sendall(data)
        except OSError:
            pass
        finally:
            _close(src, dst)


def _close(*socks: socket.socket) -> None:
    for sock in socks:
        with contextlib.suppress(OSError):
            sock.shutdown(socket.SHUT_RDWR)
        sock.close()
