"""Where attachment bytes live: one small interface, a local folder by default.

Names on disk are random (secrets.token_hex), never the member's file name, and the folder is
outside the web root (the instance folder): files are only served by the attachments route,
which checks who may read them.
"""
from __future__ import annotations

import os
import secrets
import tempfile
from pathlib import Path
from typing import BinaryIO, Protocol

from flask import current_app

CHUNK = 1024 * 1024


class TooLarge(Exception):
    """The stream holds more bytes than the caller allowed; nothing was kept."""


class Storage(Protocol):
    def save(self, stream: BinaryIO, max_bytes: int) -> str: ...
    def open(self, key: str) -> BinaryIO: ...
    def delete(self, key: str) -> None: ...


class LocalStorage:
    def __init__(self, folder: str | os.PathLike) -> None:
        self.folder = Path(folder)

    def _path(self, key: str) -> Path:
        # Keys are ours (hex), but a key from a row is still checked before it names a path.
        if not key or not all(c in "0123456789abcdef" for c in key):
            raise FileNotFoundError(key)
        return self.folder / key

    def save(self, stream: BinaryIO, max_bytes: int) -> str:
        """Copy `stream` into a temporary file in the same folder, then rename it into place: a
        reader never sees half a file, and a failure leaves nothing behind."""
        self.folder.mkdir(parents=True, exist_ok=True)
        key = secrets.token_hex(16)
        fd, temp = tempfile.mkstemp(dir=self.folder, prefix=".upload-")
        try:
            with os.fdopen(fd, "wb") as out:
                written = 0
                while chunk := stream.read(CHUNK):
                    written += len(chunk)
                    if written > max_bytes:
                        raise TooLarge(written)
                    out.write(chunk)
                out.flush()
                os.fsync(out.fileno())
            os.replace(temp, self._path(key))
        except BaseException:
            _remove(temp)
            raise
        return key

    def open(self, key: str) -> BinaryIO:
        return open(self._path(key), "rb")

    def delete(self, key: str) -> None:
        try:
            _remove(self._path(key))
        except FileNotFoundError:
            pass


def _remove(path) -> None:
    try:
        os.unlink(path)
    except FileNotFoundError:
        pass


def get_storage() -> Storage:
    """The app's storage: ATTACHMENT_STORAGE (an object with save/open/delete) if set, else the folder."""
    custom = current_app.config.get("ATTACHMENT_STORAGE")
    return custom if custom is not None else LocalStorage(current_app.config["ATTACHMENT_FOLDER"])
