"""Wake the embedded horse from any process: a datagram on a Linux abstract Unix socket.

The address is derived from the database URL, so every web worker and command working on
one database reaches the same horse (the active one binds it; which horse is active is
decided by a lock file, since anyone on the machine could bind an abstract address). A
wake-up is a hint only: a lost one delays a job until the next poll, never loses it.
"""
from __future__ import annotations

import hashlib
import socket
import sys


def address_hash(database_url: str) -> str:
    return hashlib.sha256(database_url.encode()).hexdigest()[:24]


def address(database_url: str) -> str:
    return "\0city-forum-translation-" + address_hash(database_url)


def wake(database_url: str) -> bool:
    """Send a wake-up; False when no horse listens (it will poll, or start on a request)."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM) as sock:
            sock.setblocking(False)
            sock.sendto(b"w", address(database_url))
        return True
    except OSError:  # nobody bound (ECONNREFUSED / ENOENT) or the queue is full: it is awake anyway
        return False


class Listener:
    """The active horse's end. `bind()` is False when another process holds the address."""

    def __init__(self, database_url: str) -> None:
        self._address = address(database_url)
        self._sock: socket.socket | None = None

    def bind(self) -> bool:
        if not sys.platform.startswith("linux"):
            return True  # no abstract sockets: poll only
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        try:
            sock.bind(self._address)
        except OSError:
            sock.close()
            return False
        sock.setblocking(False)
        self._sock = sock
        return True

    def fileno(self) -> int | None:
        return self._sock.fileno() if self._sock is not None else None

    def drain(self) -> None:
        """Read every pending wake-up: several count as one."""
        while self._sock is not None:
            try:
                self._sock.recv(16)
            except BlockingIOError:
                return

    def close(self) -> None:
        if self._sock is not None:
            self._sock.close()
            self._sock = None
