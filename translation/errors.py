"""Exceptions raised by the translation library (never UI strings: callers translate them)."""
from __future__ import annotations


class TranslationError(Exception):
    """Base class of every error this library raises."""


class UnsupportedPair(TranslationError):
    """The language pair is outside en/es/pt or source equals target."""

    def __init__(self, source: str, target: str, reason: str = "") -> None:
        self.source, self.target = source, target
        super().__init__(f"unsupported language pair {source}->{target}" + (f": {reason}" if reason else ""))


class NoEngineAvailable(TranslationError):
    """A supported pair with no installed engine (jobs for it should wait)."""

    def __init__(self, source: str, target: str, reasons: list[str] | None = None) -> None:
        self.source, self.target = source, target
        self.reasons = list(reasons or [])
        detail = "; ".join(self.reasons)
        super().__init__(f"no engine installed for {source}->{target}" + (f" ({detail})" if detail else ""))


class EngineError(TranslationError):
    """An engine failed while translating (bad model, crashed subprocess, timeout...)."""


class PackageError(TranslationError):
    """An .argosmodel file is not a valid Argos package."""
