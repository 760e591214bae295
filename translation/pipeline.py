"""The translation pipeline: segment -> glossary -> memory -> one engine call -> guardrails -> re-assemble.

The guardrails (translation/guardrails.py) check every run the engine returned; a suspect run
is sent to the next engine serving the pair and that output kept if it is clean. A run still
suspect keeps the first engine's output and is reported on the result. Suspect runs never go
into the memory, so a later retry (or a new model) redoes them.
"""
from __future__ import annotations

import logging
import os
from dataclasses import dataclass
from typing import Callable, Iterable, Sequence

from translation.engines.base import Engine, EngineStatus, PairInfo
from translation.errors import EngineError, NoEngineAvailable, TranslationError, UnsupportedPair
from translation.glossary import Glossary
from translation.guardrails import check_run
from translation.markdown import Span, assemble, segment_markdown, segment_text
from translation.memory import MemoryKey, TranslationMemory, text_hash
from translation.placeholders import Run

log = logging.getLogger(__name__)

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
    # The guardrails. `suspect`: why each run kept in the text looked wrong (no other engine did
    # better): the text needs a human look. `fallback`: why runs were redone by another engine
    # (the text holds that engine's clean output). `engine` is then "first+other" (e.g.
    # "argos+apertium"); model_version stays the first engine's (the pair's model, for --stale).
    suspect: tuple[str, ...] = ()
    fallback: tuple[str, ...] = ()
    engines: tuple[str, ...] = ()  # the engines whose output is in the text, the first one first


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
        return self.routes(source, target)[0]

    def routes(self, source: str, target: str) -> list[tuple[Engine, PairInfo]]:
        """Every engine serving the pair, best first (one entry per engine): route() takes
        the first, the guardrails retry a suspect run with the next ones."""
        check_pair(source, target)
        candidates = []
        for order, engine in enumerate(self.engines):
            for info in engine.pairs():
                if info.source == source and info.target == target:
                    candidates.append((len(info.via), order, engine, info))
        if not candidates:
            reasons = [f"{s.name}: {s.reason}" for s in self.statuses() if not s.available]
            raise NoEngineAvailable(source, target, reasons)
        candidates.sort(key=lambda c: (c[0], c[1]))
        out: list[tuple[Engine, PairInfo]] = []
        for _, _, engine, info in candidates:
            if all(engine is not seen for seen, _ in out):
                out.append((engine, info))
        return out

    def can_translate(self, source: str, target: str) -> bool:
        try:
            self.route(source, target)
        except TranslationError:
            return False
        return True

    def translate(self, text: str, source: str, target: str, *, format: str = "markdown",
                  memory: TranslationMemory | None = None, glossary: Glossary | None = None) -> TranslationResult:
        (engine, info), *fallbacks = self.routes(source, target)
        return translate_with(engine, info, text, format=format,
                              memory=memory if memory is not None else self.memory,
                              glossary=glossary if glossary is not None else self.glossary,
                              fallbacks=fallbacks)


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
                   memory: TranslationMemory | None = None, glossary: Glossary | None = None,
                   fallbacks: Sequence[tuple[Engine, PairInfo]] = ()) -> TranslationResult:
    """Translate with this engine; runs the guardrails find suspect are retried with the
    fallbacks in order (other engines serving the same pair)."""
    source, target = info.source, info.target
    parts = segment(text, format)
    runs: list[str | Run] = []
    for part in parts:
        if isinstance(part, Span):
            pieces = glossary.apply(part.pieces, source, target) if glossary else part.pieces
            runs.append(Run.from_pieces(pieces))
        else:
            runs.append(part)
    soft: dict[str, tuple[int, ...]] = {}
    for r in runs:
        if isinstance(r, Run):
            soft.setdefault(r.text, tuple(i for i, _ in r.soft))
    texts = [r.text for r in runs if isinstance(r, Run)]
    distinct = list(soft)

    def check(t: str, output: str) -> str | None:
        return check_run(t, output, source, target, soft=soft[t])

    def clean(t: str, output: str) -> bool:
        return check(t, output) is None

    # a remembered run that fails the check (stored before the guardrails, or before an engine
    # fix) is asked again rather than served
    final, missing = _translate_runs(engine, info, distinct, memory, clean)
    suspect = {t: reason for t in distinct if (reason := check(t, final[t])) is not None}
    if memory is not None:
        memory.put_many({_key(info, t): final[t] for t in missing if t not in suspect})
    fixed: dict[str, str] = {}
    used = [info.engine]
    for other, other_info in fallbacks:
        if not suspect:
            break
        try:
            outputs, sent = _translate_runs(other, other_info, list(suspect), memory, clean)
        except Exception as exc:  # the fallback failing must not lose the first engine's work
            log.warning("fallback engine %s failed: %r", other_info.engine, exc)
            continue
        better = {t: o for t, o in outputs.items() if check(t, o) is None}
        if memory is not None:
            memory.put_many({_key(other_info, t): o for t, o in better.items() if t in sent})
        for t, o in better.items():
            final[t] = o
            fixed[t] = suspect.pop(t)
        if better and other_info.engine not in used:
            used.append(other_info.engine)

    translated = assemble(runs, [final[t] for t in texts])
    sent_set = set(missing)
    return TranslationResult(
        text=translated, source=source, target=target, engine="+".join(used), model_version=info.model_version,
        runs_total=len(texts), runs_from_memory=sum(1 for t in texts if t not in sent_set), runs_sent=len(missing),
        suspect=tuple(suspect.values()), fallback=tuple(fixed.values()), engines=tuple(used))


def _key(info: PairInfo, text: str) -> MemoryKey:
    return MemoryKey(info.engine, info.model_version, info.source, info.target, text_hash(text))


def _translate_runs(engine: Engine, info: PairInfo, texts: list[str], memory: TranslationMemory | None,
                    accept: Callable[[str, str], bool]) -> tuple[dict[str, str], list[str]]:
    """Outputs for distinct runs, from the memory (the entries `accept` takes) or one engine
    call; and the runs sent. Nothing is stored: the caller stores what passed the guardrails."""
    source, target = info.source, info.target
    known: dict[str, str] = {}
    if memory is not None and texts:
        keys = {t: _key(info, t) for t in texts}
        found = memory.get_many(list(keys.values()))
        known = {t: found[k] for t, k in keys.items() if k in found and accept(t, found[k])}
    missing = [t for t in texts if t not in known]
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
        # kept as the engine wrote them: Run.fill restores placeholders whatever they look like
        known.update({t: str(o) for t, o in zip(missing, outputs)})
    return known, missing


def translate_document(text: str, source: str, target: str, *, format: str = "markdown",
                       engines: Iterable[Engine] | Translator, memory: TranslationMemory | None = None,
                       glossary: Glossary | None = None) -> TranslationResult:
    translator = engines if isinstance(engines, Translator) else Translator(list(engines))
    return translator.translate(text, source, target, format=format, memory=memory, glossary=glossary)
