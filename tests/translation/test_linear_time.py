"""Everything that reads user text runs in time linear in it (issue 14).

Python's re backtracks: a nested quantifier, or a pattern retried from every character of
a long run, turns one small post into minutes of CPU while holding the GIL. Each check
times a function on a hostile input against the same function on an ordinary post of the
same length, in the same run, so a loaded machine slows both alike: the bound is a ratio
(plus slack for timer noise), never an absolute time. A call far over its bound is stopped
by an alarm (re checks for signals while matching), so a regression fails fast, not hangs.
"""
from __future__ import annotations

import gc
import random
import signal
import threading
import time
from typing import Callable

import pytest

from translation import translate_document
from translation.detect import RAW_LIMIT, detect_language, strip_non_prose
from translation.engines.argos import _edges, _localize
from translation.engines.base import EngineStatus, PairInfo
from translation.glossary import Glossary
from translation.markdown import assemble, runs_of, segment_markdown, segment_text
from translation.placeholders import TOKEN_RE, Run, normalize, token
from translation.sentences import split_sentences

SIZE = 50_000  # the forum's BODY_MAX (forum/threads/forms.py; not imported: no Flask here)
RATIO, SLACK = 25, 0.05  # hostile time <= RATIO x ordinary time + SLACK seconds

_PARAGRAPHS = [
    "# Fugas de agua en Curitiba\n\n",
    "Hola equipo, ¿cómo redujeron las fugas de agua? Vimos que el **programa** de sensores "
    "acústicos bajó de 20.000 a 2.000 fugas por día, según el informe de la Dra. Silva.\n"
    "La idea es replicar el piloto en otras ciudades, con apoyo de @ana_rj y la "
    "[guía oficial](https://example.org/guia_(v2) \"Guía\").\n\n",
    "- Ejecuten `make test` antes de subir cambios\n- Lean el _manual_ de operación\n"
    "  - y la sección 3.2 sobre presión\n\n",
    "> How did you find the leaks? We used acoustic loggers on every main, e.g. in the\n"
    "> north district, and wrote to ops@example.org for the data.\n\n",
    "| Ciudad | Fugas por día |\n|---|--:|\n| Curitiba | 2.000 |\n| Recife | 3.500 |\n\n",
    "Muito obrigado pela ajuda! Vocês usaram sensores acústicos para achar os vazamentos? "
    "Vejam também https://example.com/api?query=water_leaks e #agua.\n\n",
    "```python\nfor main in mains:\n    print(main.pressure)\n```\n\n",
]


def ordinary_post(size: int) -> str:
    """A post as members write them (prose, Markdown, code), ``size`` characters long."""
    rng = random.Random(size)
    parts, length = [], 0
    while length < size:
        part = rng.choice(_PARAGRAPHS)
        parts.append(part)
        length += len(part)
    return "".join(parts)[:size]


class _TooSlow(BaseException):  # not an Exception: no "except Exception" in the code swallows it
    pass


def _call(fn: Callable[[object], object], arg: object, budget: float) -> tuple[object, float]:
    """``fn(arg)`` and the seconds it took; raises _TooSlow once ``budget`` seconds have passed."""
    alarm = threading.current_thread() is threading.main_thread()
    if alarm:
        def stop(signum, frame):
            raise _TooSlow

        previous = signal.signal(signal.SIGALRM, stop)
        signal.setitimer(signal.ITIMER_REAL, budget)
    # The collector stays out of the measurement: late in a long run, one full collection of a large
    # heap can take longer than a whole ordinary call, and fail a linear function for a pause not its own.
    collecting = gc.isenabled()
    gc.disable()
    try:
        start = time.perf_counter()
        result = fn(arg)
        return result, time.perf_counter() - start
    finally:
        if collecting:
            gc.enable()
        if alarm:
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, previous)


def _time(fn: Callable[[object], object], arg: object, budget: float) -> float:
    return _call(fn, arg, budget)[1]


_ordinary: dict[tuple, tuple[float, float]] = {}  # (fn, prepare, length in KB): (seconds, preparing)


def assert_linear(name: str, fn: Callable[[object], object], hostile: str,
                  prepare: Callable[[str], object] = lambda text: text) -> None:
    """``fn`` on ``hostile`` is within RATIO of ``fn`` on an ordinary post as long (best of 3)."""
    key = (fn, prepare, round(len(hostile) / 1000))
    if key not in _ordinary:
        ordinary, preparing = _call(prepare, ordinary_post(len(hostile)), 60)
        _ordinary[key] = min(_time(fn, ordinary, 60) for _ in range(3)), preparing
    seconds, preparing = _ordinary[key]
    try:  # what prepares the input (the segmenter, for the placeholder code) is bounded too
        arg = _call(prepare, hostile, 4 * (RATIO * preparing + SLACK))[0]
    except _TooSlow:
        pytest.fail(f"preparing the input of {name} still running on {_describe(hostile)}")
    bound = RATIO * seconds + SLACK
    taken = []
    for _ in range(3):
        try:
            taken.append(_time(fn, arg, 4 * bound))
        except _TooSlow:
            pytest.fail(f"{name} still running after {4 * bound:.2f}s on {_describe(hostile)} "
                        f"(an ordinary post as long: {seconds:.4f}s)")
        if taken[-1] <= bound:
            return
    pytest.fail(f"{name} took {min(taken):.3f}s on {_describe(hostile)}, over {bound:.3f}s "
                f"({RATIO}x an ordinary post as long, {seconds:.4f}s, + {SLACK}s)")


def _describe(text: str) -> str:
    return f"{len(text):,} characters {text[:40]!r}..."


def _placeholders(pieces: list) -> None:
    """Run.from_pieces, then Run.fill with engines that keep, drop or reorder the placeholders."""
    for p in pieces:
        run = Run.from_pieces(p)
        run.fill(run.text)
        run.fill(TOKEN_RE.sub("", run.text))
        run.fill(" ".join(reversed(run.text.split(" "))))


def _pieces(text: str) -> list:
    return [span.pieces for span in runs_of(segment_markdown(text))]


# --- today's inputs ------------------------------------------------------------------------
class _Identity:
    name = "identity"

    def status(self):
        return EngineStatus(self.name, True)

    def pairs(self):
        return [PairInfo("es", "en", self.name, "1")]

    def translate(self, texts, source, target):
        return list(texts)


def _translate(text: str) -> None:
    assert translate_document(text, "es", "en", engines=[_Identity()]).text == text


@pytest.mark.parametrize("ticks", [100, 1_000, SIZE - 5])
def test_a_run_of_backticks_after_a_word_is_fast(ticks):
    # "Hola " + 60 backticks took over 30 s: the code-span pattern backtracked exponentially
    post = "Hola " + "`" * ticks
    assert_linear("segment_markdown", segment_markdown, post)
    assert_linear("translate_document", _translate, post)


@pytest.mark.parametrize("body", [
    "Hola " + "`" * (SIZE - 5),                # inline-code strip: cubic (50 K: ~28 min)
    "Hola " + "`" * 8_000,                     # 7.5 s
    "Hola " + "`" * 16_000,                    # 57 s
    ("`a " * SIZE)[:SIZE],
    ("palabra " * SIZE)[:SIZE],
    "a" * SIZE,                                # e-mail and code-like patterns at each letter
    ("`Hola` equipo, " * SIZE)[:SIZE],
    ("](" * SIZE)[:SIZE],
    ("<" * SIZE)[:SIZE],
], ids=["backticks", "hola-8k", "hola-16k", "tick-words", "words", "long-word", "mixed", "link-openers", "angles"])
def test_detection_of_a_50k_body_is_fast(body):
    assert_linear("detect_language", detect_language, body)
    assert_linear("strip_non_prose", strip_non_prose, body)


def test_detection_reads_a_capped_prefix():
    prose = "Muito obrigado pela ajuda, vocês são demais. " * 70  # 3,220 characters
    english = "Thank you all for the help with the water leaks. " * 2_000
    assert detect_language(prose + english).language == "pt"  # what comes first decides
    # nothing but numbers in the prefix: the prose after it is not read
    assert detect_language("1 " * (RAW_LIMIT // 2) + prose, fallback="es").language == "es"


# --- generated hostile inputs --------------------------------------------------------------
UNITS = ["`", "*", "_", "~", "[", "]", "(", ")", "<", ">", "!", "#", "|", "\\", "&", "@", ".", "-", ":", "/",
         "=", " ", "\t", "](", "<!--", "<a ", "www.", "a@", "http://", "&#", "⟦", "⟧", "⟦1⟧", "a", "a.", "a-",
         "a_", "a1", "1a", "1.", "-1", "A. ", "! ", "¿", "` ", "``a", "](x \"", "]]((", "\U000f0001"]


def _shapes(unit: str, size: int = SIZE) -> dict[str, str]:
    def repeat(prefix: str, suffix: str) -> str:
        return prefix + unit * ((size - len(prefix) - len(suffix)) // len(unit)) + suffix

    return {
        "alone": repeat("", ""),                                 # a line (or block) of nothing else
        "in a sentence": repeat("Hola ", " fin"),                  # inline, with words around
        "on every line": ("Hola " + unit + "\n") * (size // (len(unit) + 6)),  # one paragraph, soft breaks
        "in a heading": repeat("# Hola ", " fin"),
        "after a table row": repeat("a | b\n", " fin"),          # the next line is tried as an alignment row
    }


@pytest.mark.parametrize("unit", UNITS)
def test_markdown_segmenter_is_linear(unit):
    for shape, text in _shapes(unit).items():
        # headings and table rows only change how runs of spaces and markers are read
        if shape in ("in a heading", "after a table row") and unit not in (" ", "\t", "#", "|", "-", ":", ">"):
            continue
        assert_linear(f"segment_markdown ({shape})", segment_markdown, text)


@pytest.mark.parametrize("unit", UNITS)
def test_text_segmenter_is_linear(unit):
    for shape in ("alone", "in a sentence"):
        assert_linear(f"segment_text ({shape})", segment_text, _shapes(unit)[shape])


# what the placeholder code sees: many tokens, many soft breaks, long runs of spaces
@pytest.mark.parametrize("unit", ["`", "*", "](", "<!--", "⟦", "⟦1⟧", " ", "\t", "a", "a_", "1.", "A. ", "\U000f0001"])
def test_placeholders_are_linear(unit):
    for shape in ("in a sentence", "on every line"):
        assert_linear(f"Run.from_pieces and Run.fill ({shape})", _placeholders, _shapes(unit)[shape], prepare=_pieces)


GLOSSARY = Glossary(keep=["Curitiba", "SABESP", "open data"],
                    preferred={("es", "en"): {"datos abiertos": "open data", "agua": "water"}})


def _glossary(pieces: list) -> None:
    for p in pieces:
        GLOSSARY.apply(p, "es", "en")


@pytest.mark.parametrize("unit", ["a", "á", " ", "agua ", "datos abiertos ", "Curitiba", "SABESP_"])
def test_glossary_is_linear(unit):
    for shape in ("in a sentence", "on every line"):
        assert_linear(f"Glossary.apply ({shape})", _glossary, _shapes(unit)[shape], prepare=_pieces)


@pytest.mark.parametrize("unit", UNITS)
def test_sentence_splitter_is_linear(unit):
    for shape in ("alone", "in a sentence"):
        assert_linear(f"split_sentences ({shape})", split_sentences, _shapes(unit)[shape])


@pytest.mark.parametrize("unit", UNITS)
def test_detection_is_linear(unit):
    for shape in ("alone", "in a sentence", "on every line"):
        text = _shapes(unit)[shape]
        assert_linear(f"strip_non_prose ({shape})", strip_non_prose, text)
        assert_linear(f"detect_language ({shape})", detect_language, text)


def _nested_lists(size: int) -> str:
    lines, depth = [], 0
    while sum(map(len, lines)) < size:
        lines.append("  " * depth + "- Hola equipo\n")
        depth += 1
    return "".join(lines)


DOCUMENTS = {
    "deep quote": ">" * (SIZE - 5) + " Hola",
    "quotes deepening": "".join("> " * k + "Hola\n" for k in range(220)),
    "nested lists": _nested_lists(SIZE),
    "nested brackets": "[" * (SIZE // 2 - 2) + "Hola" + "]" * (SIZE // 2 - 2),
    "nested links": "[Hola](" * (SIZE // 7),
    "nested emphasis": "*_" * (SIZE // 4) + "Hola" + "_*" * (SIZE // 4 - 2),
    "long word": "Hola " + "á" * (SIZE - 5),
    "long word then @": "Hola " + "a" * (SIZE - 10) + "@b fin",
    "long line": ("palabra " * SIZE)[:SIZE],
    "long number": "Hola " + "1." * (SIZE // 2 - 3),
    "many paragraphs": "Hola\n\n" * (SIZE // 6),
    "blank lines of spaces": (" " * 98 + "\n") * (SIZE // 99),
    "fence then lines": "```" + "`" * 20_000 + "\n" + "a\n" * 14_000,
    "soft breaks around code": "x " + "`\n" * (SIZE // 2 - 1),
    "spaces inside a paragraph": "Hola" + " " * (SIZE - 20) + "fin\nmás",
    "many comments": "Hola " + "<!-- a " * (SIZE // 7),
    "many autolinks": "Hola " + "<a@" * (SIZE // 3 - 2),
    "abbreviations": "Hola " + "A. b. " * (SIZE // 6 - 1),
}


@pytest.mark.parametrize("name", DOCUMENTS)
def test_nested_and_long_documents_are_linear(name):
    text = DOCUMENTS[name]
    assert_linear("segment_markdown", segment_markdown, text)
    assert_linear("segment_text", segment_text, text)
    assert_linear("Run.from_pieces and Run.fill", _placeholders, text, prepare=_pieces)
    assert_linear("split_sentences", split_sentences, text)
    assert_linear("detect_language", detect_language, text)


def assert_grows_linearly(fn: Callable[[int], object], n: int) -> None:
    """Four times the input, at most 8x the time (best of 3): quadratic would be 16x."""
    small = min(_time(fn, n, 60) for _ in range(3))
    bound = 8 * small + SLACK
    taken = []
    for _ in range(3):
        try:
            taken.append(_time(fn, 4 * n, 4 * bound))
        except _TooSlow:
            pytest.fail(f"{fn.__name__}: {n:,} took {small:.3f}s, {4 * n:,} still running after {4 * bound:.2f}s")
        if taken[-1] <= bound:
            return
    pytest.fail(f"{fn.__name__}: {n:,} took {small:.3f}s, {4 * n:,} {min(taken):.3f}s (over {bound:.3f}s)")


def test_normalize_is_linear_whatever_the_engine_did_to_the_tokens():
    def reversed_duplicated_spaced(n):
        normalize(" ".join(f"⟦ {i} ⟧ x ⟦{i}⟧" for i in reversed(range(n))) + " ⟦ ⟧" * n, n)

    def shuffled(n):
        ids = list(range(n))
        random.Random(n).shuffle(ids)
        normalize(" y ".join(token(i) for i in ids), n, skip=set(range(0, n, 3)))

    assert_grows_linearly(reversed_duplicated_spaced, 2_000)
    assert_grows_linearly(shuffled, 2_000)


def test_argos_sentence_edges_are_linear():
    def edges(n):
        _edges("⟦1⟧ " * n + "Hola" + " " * n + "a" + " ⟦2⟧" * n)
        _localize(" ".join(token(i % 5000) for i in range(n)))

    assert_grows_linearly(edges, 5_000)


@pytest.mark.parametrize("text", [
    "Hola " + "`" * 1_000, DOCUMENTS["soft breaks around code"], DOCUMENTS["spaces inside a paragraph"],
    _shapes("⟦1⟧")["on every line"], _shapes("a_")["on every line"],
], ids=["backticks", "soft breaks around code", "spaces inside a paragraph", "tokens on every line", "snake on every line"])
def test_hostile_documents_still_round_trip_exactly(text):
    # more than 9,999 placeholders in one run: five-digit tokens, one marker per soft break
    def round_trip(text):
        parts = [Run.from_pieces(p.pieces) if not isinstance(p, str) else p for p in segment_markdown(text)]
        runs = [p for p in parts if isinstance(p, Run)]
        assert assemble(parts, [r.text for r in runs]) == text
        dropped = assemble(parts, [TOKEN_RE.sub("", r.text) for r in runs])  # every line stays a line
        assert len(dropped.splitlines()) == len(text.splitlines()) and "⟦" not in dropped.replace("⟦1⟧", "")

    try:
        _time(round_trip, text, 30)
    except _TooSlow:
        pytest.fail("still running after 30 s")
