"""A TCP relay that counts the bytes a server sends, as they go over the wire.

The browser connects to the relay, the relay to the server; everything is passed on unchanged and
the bytes from the server are counted per connection, named by its first request line (Streamlit's
websocket is the ``GET /_stcore/stream`` connection). Unlike the browser's own websocket events, which show
each message after the browser has decompressed it, this counts what really crossed the
connection: HTTP and websocket framing included, after permessage-deflate compression.
"""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager


class Relay:
    """Listens on 127.0.0.1 (``port``) and relays each connection to ``127.0.0.1:target``."""

    def __init__(self, target: int) -> None:
        self.target = target
        self._lock = threading.Lock()
        self._requests: dict[int, str] = {}  # connection -> its first request line
        self._from_server: dict[int, int] = {}  # connection -> bytes the server sent on it
        self._listener = socket.create_server(("127.0.0.1", 0))
        self.port = self._listener.getsockname()[1]
        threading.Thread(target=self._accept, daemon=True).start()

    def from_server(self, path: str = "") -> int:
        """Bytes the server has sent so far on the connections whose first request names ``path``."""
        with self._lock:
            return sum(n for c, n in self._from_server.items() if path in self._requests.get(c, ""))

    def _accept(self) -> None:
        while True:
            try:
                client, _ = self._listener.accept()
            except OSError:  # closed
                return
            server = socket.create_connection(("127.0.0.1", self.target))
            threading.Thread(target=self._pipe, args=(client, server, client.fileno(), False), daemon=True).start()
            threading.Thread(target=self._pipe, args=(server, client, client.fileno(), True), daemon=True).start()

    def _pipe(self, source: socket.socket, sink: socket.socket, connection: int, from_server: bool) -> None:
        try:
            while chunk := source.recv(65536):
                sink.sendall(chunk)
                with self._lock:
                    if from_server:
                        self._from_server[connection] = self._from_server.get(connection, 0) + len(chunk)
                    else:
                        self._requests.setdefault(connection, chunk.split(b"\r\n", 1)[0].decode("latin-1"))
        except OSError:
            pass
        finally:
            for s in (source, sink):
                try:
                    s.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass

    def close(self) -> None:
        self._listener.close()


@contextmanager
def relay(target: int) -> Iterator[Relay]:
    """A :class:`Relay` to ``127.0.0.1:target`` for the duration of the block."""
    r = Relay(target)
    try:
        yield r
    finally:
        r.close()
