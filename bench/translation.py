"""Pipeline overhead vs raw engine calls on the same runs.

    python -m bench.translation [--docs 40] [--argos-data-dir DIR] [--no-apertium] [--no-tiny-argos]

For each engine the same generated forum posts (varied Markdown, 0.5-4 kB each, every
sentence different so nothing is served twice) are translated twice:

- raw: ``engine.translate(runs)`` on the runs the segmenter produced (one call per document);
- pipeline: ``Translator.translate`` with a fresh in-memory translation memory, timed as a
  whole, with the engine's own time measured inside it.

Pipeline overhead = pipeline time - engine time inside it (segmentation, glossary, memory
look-ups and stores, placeholder restoration, re-assembly). It is reported relative to
engine time and in absolute ms per kB of Markdown. A null engine (returns its input)
measures the absolute cost alone. The tiny Argos test model is far faster than a real one,
so its percentage is not a fair yardstick; real Argos models cost ~100x more per sentence.
"""
from __future__ import annotations

import argparse
import random
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Sequence

from translation import InMemoryMemory, PairInfo, Translator
from translation.engines.base import EngineStatus
from translation.markdown import Span, segment_markdown
from translation.placeholders import Run

ROOT = Path(__file__).resolve().parent.parent

CITIES = ["Curitiba", "Lima", "Bogotá", "Recife", "Quito", "Toronto", "Monterrey", "Rosario", "Cusco", "Denver"]
SUBJECTS = ["The water utility", "Our team", "The city council", "The transit agency", "The mayor's office",
            "The open data group", "Our engineers", "The budget office", "The parks department", "The pilot project"]
VERBS = ["reduced", "measured", "published", "replaced", "mapped", "audited", "funded", "tested", "shared", "tracked"]
OBJECTS = ["water leaks", "bus delays", "the old pipes", "energy use", "the new sensors", "street lights",
           "the job description", "citizen reports", "the maintenance backlog", "traffic data"]
TAILS = ["last year", "in six months", "with a small team", "after the pilot", "before the rainy season",
         "using open source tools", "with help from the university", "in every district", "at night", "on weekends"]


def sentence(rng: random.Random, n: int) -> str:
    return (f"{rng.choice(SUBJECTS)} in {rng.choice(CITIES)} {rng.choice(VERBS)} {rng.choice(OBJECTS)} "
            f"{rng.choice(TAILS)} (case {n}).")


def document(rng: random.Random, doc_id: int) -> str:
    """A forum post: headings, paragraphs with inline code/links/mentions, lists, code, a table."""
    counter = iter(range(doc_id * 1000, doc_id * 1000 + 1000))
    blocks = [f"## {rng.choice(OBJECTS).capitalize()} in {rng.choice(CITIES)}"]
    for _ in range(rng.randint(2, 8)):
        kind = rng.random()
        if kind < 0.45:
            words = " ".join(sentence(rng, next(counter)) for _ in range(rng.randint(1, 3)))
            blocks.append(words.replace(" the ", " the **main** ", 1)
                          + f" See [the report](https://example.org/r/{doc_id}) or ask @ana_{doc_id}, "
                          f"we ran `make audit-{doc_id}` and saved {rng.randint(1, 99)},{rng.randint(100, 999)} liters.")
        elif kind < 0.7:
            blocks.append("\n".join(f"{i}. {sentence(rng, next(counter))}" for i in range(1, rng.randint(3, 6))))
        elif kind < 0.85:
            blocks.append("```python\n" + "\n".join(f"leaks_{i} = measure(district={i})" for i in range(4)) + "\n```")
        else:
            rows = "\n".join(f"| {rng.choice(CITIES)} | {rng.randint(100, 9999):,} | {rng.choice(TAILS)} |"
                             for _ in range(3))
            blocks.append("| City | Leaks per day | Notes |\n|:--|--:|:--|\n" + rows)
    return "\n\n".join(blocks) + "\n"


class Timed:
    """Wraps an engine and accumulates the time spent inside translate()."""

    def __init__(self, engine) -> None:
        self.engine = engine
        self.name = engine.name
        self.seconds = 0.0
        self.calls = 0

    def status(self) -> EngineStatus:
        return self.engine.status()

    def pairs(self) -> list[PairInfo]:
        return self.engine.pairs()

    def translate(self, texts: Sequence[str], source: str, target: str) -> list[str]:
        start = time.perf_counter()
        try:
            return self.engine.translate(texts, source, target)
        finally:
            self.seconds += time.perf_counter() - start
            self.calls += 1


class NullEngine:
    name = "null"

    def status(self) -> EngineStatus:
        return EngineStatus(self.name, True)

    def pairs(self) -> list[PairInfo]:
        return [PairInfo("en", "es", self.name, "0")]

    def translate(self, texts: Sequence[str], source: str, target: str) -> list[str]:
        return list(texts)


def runs_of(doc: str) -> list[str]:
    return list(dict.fromkeys(Run.from_pieces(p.pieces).text for p in segment_markdown(doc) if isinstance(p, Span)))


def measure(engine, docs: list[str], source: str = "en", target: str = "es", repeat: int = 3) -> dict[str, float]:
    kb = sum(len(d.encode()) for d in docs) / 1024
    runs = [runs_of(d) for d in docs]
    engine.translate(runs[0][:1], source, target)  # warm up (model load, page cache)
    raw = []
    for _ in range(repeat):
        start = time.perf_counter()
        for doc_runs in runs:
            engine.translate(doc_runs, source, target)
        raw.append(time.perf_counter() - start)
    totals, inside, overhead = [], [], []
    for _ in range(repeat):
        timed = Timed(engine)
        translator = Translator([timed])
        start = time.perf_counter()
        for doc in docs:
            translator.translate(doc, source, target, memory=InMemoryMemory())
        total = time.perf_counter() - start
        totals.append(total)
        inside.append(timed.seconds)
        overhead.append(total - timed.seconds)
        assert timed.calls == len([r for r in runs if r]), "one engine call per document"
    best = min(range(repeat), key=lambda i: overhead[i])  # the pass least disturbed by other processes
    return {
        "kb": kb,
        "runs": sum(len(r) for r in runs),
        "raw_s": statistics.median(raw),
        "pipeline_s": totals[best],
        "engine_in_pipeline_s": inside[best],
        "overhead_s": overhead[best],
        "overhead_pct": 100 * overhead[best] / inside[best] if inside[best] > 0 else float("nan"),
        "overhead_ms_per_kb": 1000 * overhead[best] / kb,
    }


def tiny_argos_engine(workdir: Path):
    sys.path.insert(0, str(ROOT / "tests"))
    from argos_model import build_tiny_argos_package

    from translation.engines.argos import ArgosEngine

    package = build_tiny_argos_package(ROOT / ".cache" / "argos-test", "en", "es")
    engine = ArgosEngine(workdir / "argos")
    engine.install(package)
    return engine


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=40)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--argos-data-dir", help="benchmark the real Argos models installed here")
    parser.add_argument("--no-apertium", action="store_true")
    parser.add_argument("--no-tiny-argos", action="store_true")
    args = parser.parse_args(argv)

    rng = random.Random(42)
    docs = [document(rng, i) for i in range(args.docs)]
    engines: list[tuple[str, object]] = [("null engine (pipeline cost only)", NullEngine())]
    workdir = Path(tempfile.mkdtemp(prefix="bench-translation-"))
    try:
        if not args.no_apertium:
            from translation.engines.apertium import ApertiumEngine

            apertium = ApertiumEngine()
            if apertium.status().available:
                engines.append(("Apertium eng-spa", apertium))
            else:
                print(f"(skipping Apertium: {apertium.status().reason})")
        if not args.no_tiny_argos:
            engines.append(("Argos, tiny test model (not a fair yardstick)", tiny_argos_engine(workdir)))
        if args.argos_data_dir:
            from translation.engines.argos import ArgosEngine

            engines.append((f"Argos, models in {args.argos_data_dir}", ArgosEngine(args.argos_data_dir)))

        kb = sum(len(d.encode()) for d in docs) / 1024
        print(f"{len(docs)} generated posts, {kb:.1f} kB of Markdown, en->es, best of {args.repeat} for overhead\n")
        print("| engine | runs | raw engine calls, median (s) | pipeline (s) | engine inside pipeline (s) "
              "| pipeline overhead (s) | overhead / engine | overhead per kB |")
        print("|---|--:|--:|--:|--:|--:|--:|--:|")
        for label, engine in engines:
            r = measure(engine, docs, repeat=args.repeat)
            pct = "n/a" if label.startswith("null") else f"{r['overhead_pct']:.2f} %"
            print(f"| {label} | {r['runs']} | {r['raw_s']:.3f} | {r['pipeline_s']:.3f} | {r['engine_in_pipeline_s']:.3f} "
                  f"| {r['overhead_s']:.4f} | {pct} | {r['overhead_ms_per_kb']:.3f} ms |")
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
