import subprocess
import sys
from pathlib import Path

import pytest

from translation import (
    EngineError,
    EngineStatus,
    InMemoryMemory,
    NoEngineAvailable,
    PairInfo,
    Translator,
    UnsupportedPair,
    translate_document,
)

ROOT = Path(__file__).resolve().parents[2]


class FakeEngine:
    def __init__(self, name="fake", version="1", pairs=(("en", "es"),), via=(), transform=None, available=True):
        self.name, self.version, self._pairs, self.via = name, version, pairs, via
        self.calls: list[list[str]] = []
        self.transform = transform or (lambda t: f"<{t}>")
        self.available = available

    def status(self):
        return EngineStatus(self.name, self.available, "" if self.available else "nothing installed")

    def pairs(self):
        return [PairInfo(s, t, self.name, self.version, self.via) for s, t in self._pairs] if self.available else []

    def translate(self, texts, source, target):
        self.calls.append(list(texts))
        return [self.transform(t) for t in texts]


DOC = """# Title

First paragraph with `code`.

Second paragraph, see [docs](https://x.org).

- item one
- item two
"""


def test_one_engine_call_per_document():
    engine = FakeEngine()
    result = Translator([engine]).translate(DOC, "en", "es")
    assert len(engine.calls) == 1 and len(engine.calls[0]) == 5
    assert result.text.startswith("# <Title>\n\n<First paragraph with `code`.>")
    assert "[docs](https://x.org)" in result.text
    assert (result.engine, result.model_version, result.runs_total, result.runs_sent) == ("fake", "1", 5, 5)


def test_after_a_one_paragraph_edit_only_that_paragraph_is_sent():
    engine, memory = FakeEngine(), InMemoryMemory()
    translator = Translator([engine], memory=memory)
    translator.translate(DOC, "en", "es")
    edited = DOC.replace("Second paragraph", "Second paragraph, edited")
    result = translator.translate(edited, "en", "es")
    assert engine.calls[-1] == ["Second paragraph, edited, see ⟦0⟧docs⟦1⟧."]
    assert (result.runs_total, result.runs_from_memory, result.runs_sent) == (5, 4, 1)
    assert "<Second paragraph, edited, see [docs](https://x.org).>" in result.text
    # nothing changed: no engine call at all
    translator.translate(edited, "en", "es")
    assert len(engine.calls) == 2


def test_memory_is_keyed_by_engine_model_version_and_pair():
    memory = InMemoryMemory()
    Translator([FakeEngine(version="1", pairs=(("en", "es"), ("en", "pt")))], memory=memory).translate("Hello", "en", "es")
    newer = FakeEngine(version="2", pairs=(("en", "es"), ("en", "pt")))
    Translator([newer], memory=memory).translate("Hello", "en", "es")
    Translator([newer], memory=memory).translate("Hello", "en", "pt")
    assert newer.calls == [["Hello"], ["Hello"]]
    assert len(memory) == 3


def test_memory_hit_still_uses_the_current_placeholder_values():
    engine, memory = FakeEngine(), InMemoryMemory()
    translator = Translator([engine], memory=memory)
    translator.translate("Run `make a` now", "en", "es")
    result = translator.translate("Run `make b` now", "en", "es")
    assert len(engine.calls) == 1 and result.text == "<Run `make b` now>"


def test_duplicate_runs_are_sent_once():
    engine = FakeEngine()
    Translator([engine]).translate("Thanks!\n\nThanks!\n\nThanks!", "en", "es")
    assert engine.calls == [["Thanks!"]]


@pytest.mark.parametrize("source, target", [("en", "en"), ("fr", "es"), ("en", "de"), ("", "es")])
def test_unsupported_pairs(source, target):
    with pytest.raises(UnsupportedPair):
        Translator([FakeEngine()]).translate("Hi", source, target)


def test_no_engine_for_a_supported_pair_explains_why():
    translator = Translator([FakeEngine(pairs=(("en", "es"),)), FakeEngine("down", available=False)])
    with pytest.raises(NoEngineAvailable) as info:
        translator.translate("Olá", "pt", "es")
    assert "down: nothing installed" in str(info.value)
    assert not translator.can_translate("pt", "es") and translator.can_translate("en", "es")


def test_direct_engine_beats_pivot_and_order_breaks_ties():
    argos_pivot = FakeEngine("argos", pairs=(("pt", "es"),), via=("en",))
    apertium = FakeEngine("apertium", pairs=(("pt", "es"),))
    argos_direct = FakeEngine("argos2", pairs=(("pt", "es"),))
    assert Translator([argos_pivot, apertium]).route("pt", "es")[0] is apertium
    assert Translator([argos_direct, apertium]).route("pt", "es")[0] is argos_direct


def test_engine_failures_become_engine_errors():
    def boom(text):
        raise RuntimeError("segfault-ish")

    with pytest.raises(EngineError):
        Translator([FakeEngine(transform=boom)]).translate("Hello", "en", "es")

    class Short(FakeEngine):
        def translate(self, texts, source, target):
            return []

    with pytest.raises(EngineError):
        Translator([Short()]).translate("Hello\n\nWorld", "en", "es")


def test_an_engine_that_mangles_placeholders_cannot_break_structure():
    engine = FakeEngine(transform=lambda t: "⟦9⟧ " + t.replace("⟦0⟧", "").replace("⟦1⟧", "⟦1⟧⟦1⟧").upper())
    out = Translator([engine]).translate("Read the [guide](https://x.org/a_b) and run `make`.", "en", "es").text
    assert out.count("](https://x.org/a_b)") == 1 and out.count("[") == 1 and "`make`" in out
    assert out.index("[") < out.index("](")
    assert "⟦" not in out


def test_empty_document_calls_no_engine():
    engine = FakeEngine()
    assert Translator([engine]).translate("", "en", "es").text == ""
    assert Translator([engine]).translate("```\ncode\n```\n", "en", "es").text == "```\ncode\n```\n"
    assert engine.calls == []


def test_translate_document_shortcut_and_text_format():
    result = translate_document("# Not a heading\nline two", "en", "es", format="text", engines=[FakeEngine()])
    assert result.text == "<# Not a heading>\n<line two>"
    with pytest.raises(ValueError):
        translate_document("x", "en", "es", format="html", engines=[FakeEngine()])


def test_importing_translation_loads_no_engine_library():
    code = ("import sys, translation; heavy = [m for m in ('argostranslate', 'ctranslate2', 'torch', 'sentencepiece',"
            " 'py3langid', 'flask') if m in sys.modules]; print(heavy)")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


def test_library_never_imports_flask():
    sources = "\n".join(p.read_text() for p in (ROOT / "translation").rglob("*.py"))
    assert "import flask" not in sources.lower() and "from flask" not in sources.lower()


def test_a_model_removed_after_routing_means_no_engine_not_a_crash():
    class Vanishing(FakeEngine):
        def translate(self, texts, source, target):
            raise UnsupportedPair(source, target, "package removed")

    with pytest.raises(NoEngineAvailable, match="package removed"):
        Translator([Vanishing()]).translate("Hello", "en", "es")
