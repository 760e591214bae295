"""The translation pipeline: segment -> glossary -> memory -> one engine call -> re-assemble."""
from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Iterable, Sequence

from translation.engines.base import Engine, EngineStatus, PairInfo
from translation.errors import EngineError, NoEngineAvailable, TranslationError, UnsupportedPair
from translation.glossary import Glossary
from translation.markdown import Span, assemble, segment_markdown, segment_text
from translation.memory import MemoryKey, TranslationMemory, text_hash
from translation.placeholders import Run

SUPPORTED_LANGUAGES = ("en", "es", "pt")
FORMATS = ("markdown", "text")


@dataclass(frozen=True)
class TranslationResult:
    text: str
    source: str
    target: str
    engine: str
    model_version: str
    runs_total: int         # translatable runs in the document
    runs_from_memory: int   # of those, answered by the translation memory
    runs_sent: int          # distinct runs sent to the engine (0 or 1 engine call)


class Translator:
    """Engines in preference order, plus an optional memory and glossary.

    Per pair, a direct engine beats a pivoting one; among equals, the earlier engine wins
    (Argos before Apertium). Thread-safe: a worker can share one instance.
    """

    def __init__(self, engines: Sequence[Engine], *, memory: TranslationMemory | None = None,
                 glossary: Glossary | None = None) -> None:
        self.engines = list(engines)
        self.memory = memory
        self.glossary = glossary

    @classmethod
    def from_config(cls, argos_data_dir: str | os.PathLike[str] | None = None, apertium_enabled: bool = True, *,
                    memory: TranslationMemory | None = None, glossary: Glossary | None = None,
                    argos_inter_threads: int = 1, apertium_binary: str = "apertium") -> "Translator":
        from translation.engines.apertium import ApertiumEngine
        from translation.engines.argos import ArgosEngine

        engines: list[Engine] = []
        if argos_data_dir is not None:
            engines.append(ArgosEngine(argos_data_dir, inter_threads=argos_inter_threads))
        if apertium_enabled:
            engines.append(ApertiumEngine(apertium_binary))
        return cls(engines, memory=memory, glossary=glossary)

    def statuses(self) -> list[EngineStatus]:
        return [engine.status() for engine in self.engines]

    def pairs(self) -> list[PairInfo]:
        """Every pair every engine serves (several rows for a pair served twice)."""
        return [info for engine in self.engines for info in engine.pairs()]

    def route(self, source: str, target: str) -> tuple[Engine, PairInfo]:
        check_pair(source, target)
        candidates = []
        for order, engine in enumerate(self.engines):
            for info in engine.pairs():
                if info.source == source and info.target == target:
                    candidates.append((len(info.via), order, engine, info))
        if not candidates:
            reasons = [f"{s.name}: {s.reason}" for s in self.statuses() if not s.available]
            raise NoEngineAvailable(source, target, reasons)
        _, _, engine, info = min(candidates, key=lambda c: (c[0], c[1]))
        return engine, info

    def can_translate(self, source: str, target: str) -> bool:
        try:
            self.route(source, target)
        except TranslationError:
            return False
        return True

    def translate(self, text: str, source: str, target: str, *, format: str = "markdown",
                  memory: TranslationMemory | None = None, glossary: Glossary | None = None) -> TranslationResult:
        engine, info = self.route(source, target)
        return translate_with(engine, info, text, format=format,
                              memory=memory if memory is not None else self.memory,
                              glossary=glossary if glossary is not None else self.glossary)


def check_pair(source: str, target: str) -> None:
    for code in (source, target):
        if code not in SUPPORTED_LANGUAGES:
            raise UnsupportedPair(source, target, f"{code!r} is not one of {', '.join(SUPPORTED_LANGUAGES)}")
    if source == target:
        raise UnsupportedPair(source, target, "source and target are the same language")


def segment(text: str, format: str = "markdown") -> list[str | Span]:
    if format == "markdown":
        return segment_markdown(text)
    if format == "text":
        return segment_text(text)
    raise ValueError(f"format must be one of {FORMATS}, not {format!r}")


def translate_with(engine: Engine, info: PairInfo, text: str, *, format: str = "markdown",
                   memory: TranslationMemory | None = None, glossary: Glossary | None = None) -> TranslationResult:
    source, target = info.source, info.target
    parts = segment(text, format)
    runs: list[str | Run] = []
    for part in parts:
        if isinstance(part, Span):
            pieces = glossary.apply(part.pieces, source, target) if glossary else part.pieces
            runs.append(Run.from_pieces(pieces))
        else:
            runs.append(part)
    texts = [r.text for r in runs if isinstance(r, Run)]
    keys = {t: MemoryKey(info.engine, info.model_version, source, target, text_hash(t)) for t in texts}

    known: dict[str, str] = {}
    if memory is not None and keys:
        found = memory.get_many(list(dict.fromkeys(keys.values())))
        known = {t: found[k] for t, k in keys.items() if k in found}
    missing = [t for t in dict.fromkeys(texts) if t not in known]
    if missing:
        try:
            outputs = engine.translate(missing, source, target)
        except UnsupportedPair as exc:  # the model went away since routing (uninstalled meanwhile)
            raise NoEngineAvailable(source, target, [f"{info.engine}: {exc}"]) from exc
        except TranslationError:
            raise
        except Exception as exc:  # an engine bug must not escape as a bare exception
            raise EngineError(f"{info.engine} failed: {exc!r}") from exc
        if len(outputs) != len(missing):
            raise EngineError(f"{info.engine} returned {len(outputs)} results for {len(missing)} runs")
        # stored as the engine wrote them: Run.fill restores placeholders whatever they look like
        fresh = {t: str(o) for t, o in zip(missing, outputs)}
        known.update(fresh)
        if memory is not None:
            memory.put_many({keys[t]: o for t, o in fresh.items()})

    translated = assemble(runs, [known[t] for t in texts])
    sent = set(missing)
    return TranslationResult(
        text=translated, source=source, target=target, engine=info.engine, model_version=info.model_version,
        runs_total=len(texts), runs_from_memory=sum(1 for t in texts if t not in sent), runs_sent=len(missing))


def translate_document(text: str, source: str, target: str, *, format: str = "markdown",
                       engines: Iterable[Engine] | Translator, memory: TranslationMemory | None = None,
                       glossary: Glossary | None = None) -> TranslationResult:
    translator = engines if isinstance(engines, Translator) else Translator(list(engines))
    return translator.translate(text, source, target, format=format, memory=memory, glossary=glossary)
