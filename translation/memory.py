"""Translation memory: translated runs keyed by engine, model version, pair and text hash.

The pipeline asks the memory before the engine, so re-translating a document after a
one-paragraph edit sends only that paragraph. The forum implements the same protocol on
its database; InMemoryMemory is for the library, tests and one-off CLI runs.
"""
from __future__ import annotations

import hashlib
import threading
from dataclasses import dataclass
from typing import Mapping, Protocol, Sequence


@dataclass(frozen=True)
class MemoryKey:
    engine: str
    model_version: str
    source: str
    target: str
    text_hash: str  # sha256 hex of the run text (placeholders included)


def text_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


class TranslationMemory(Protocol):
    def get_many(self, keys: Sequence[MemoryKey]) -> Mapping[MemoryKey, str]:
        """Return the stored translations for the keys that have one."""
        ...

    def put_many(self, items: Mapping[MemoryKey, str]) -> None: ...


class InMemoryMemory:
    def __init__(self) -> None:
        self._data: dict[MemoryKey, str] = {}
        self._lock = threading.Lock()

    def get_many(self, keys: Sequence[MemoryKey]) -> dict[MemoryKey, str]:
        with self._lock:
            return {k: self._data[k] for k in keys if k in self._data}

    def put_many(self, items: Mapping[MemoryKey, str]) -> None:
        with self._lock:
            self._data.update(items)

    def __len__(self) -> int:
        return len(self._data)
