"""The one small protocol every engine implements.

An engine translates a batch of plain-text runs from one language to another in one call
(one call per document and pair), and reports the pairs it can serve with a model version.
Runs may contain placeholder tokens ``⟦n⟧`` (see translation/placeholders.py); an engine
should pass them through, but the pipeline restores them even if it does not.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol, Sequence, runtime_checkable


@dataclass(frozen=True)
class PairInfo:
    source: str
    target: str
    engine: str
    model_version: str
    via: tuple[str, ...] = ()  # pivot languages, e.g. ("en",) or ("es",)


@dataclass(frozen=True)
class EngineStatus:
    name: str
    available: bool
    reason: str = ""  # why it is unavailable (an English developer message, not UI text)


@runtime_checkable
class Engine(Protocol):
    name: str

    def status(self) -> EngineStatus: ...

    def pairs(self) -> list[PairInfo]: ...

    def translate(self, texts: Sequence[str], source: str, target: str) -> list[str]:
        """Translate every text; return exactly one output per input, in order."""
        ...


def find_pair(engine: Engine, source: str, target: str) -> PairInfo | None:
    for info in engine.pairs():
        if info.source == source and info.target == target:
            return info
    return None
