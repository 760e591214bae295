"""Apertium: runs where its Debian packages are installed; CI (FORUM_REQUIRE_ALL_TESTS=1) requires them."""
import subprocess

import pytest

from translation import NoEngineAvailable, Translator
from translation.engines.apertium import ApertiumEngine

pytestmark = pytest.mark.apertium


def test_english_to_spanish_keeps_code_urls_and_mentions(apertium_engine):
    doc = "# Water leaks\n\nRun `q=water` and ask @ana_rj about https://example.org/water today.\n"
    result = Translator([apertium_engine]).translate(doc, "en", "es")
    assert result.engine == "apertium" and result.model_version.startswith("eng-spa@")
    assert result.text.startswith("# ")
    assert "`q=water`" in result.text and "@ana_rj" in result.text and "https://example.org/water" in result.text
    assert "agua" in result.text.lower()


def test_portuguese_is_brazilian(apertium_engine):
    [out] = apertium_engine.translate(["El equipo usa el tren y el autobús."], "es", "pt")
    assert "equipe" in out and "trem" in out and "ônibus" in out
    assert "equipa" not in out and "comboio" not in out  # European Portuguese (the default es-pt mode)


def test_english_portuguese_goes_through_spanish(apertium_engine):
    pairs = {(p.source, p.target): p for p in apertium_engine.pairs()}
    assert pairs[("en", "pt")].via == ("es",) and pairs[("pt", "en")].via == ("es",)
    assert pairs[("es", "pt")].via == ()
    [out] = apertium_engine.translate(["The water is good."], "en", "pt")
    assert "água" in out.lower()


def test_one_subprocess_per_mode_per_document(apertium_engine, monkeypatch):
    calls = []
    real_run = subprocess.run

    def counting_run(args, *a, **kw):
        calls.append(args)
        return real_run(args, *a, **kw)

    monkeypatch.setattr(subprocess, "run", counting_run)
    texts = ["Thank you for the help.", "The water is good.", "See you next week.", "Any questions?", "Results"]
    out = apertium_engine.translate(texts, "en", "pt")
    assert len(out) == 5 and all(out)
    assert [c[-1] for c in calls] == ["eng-spa", "es-pt_BR"]


def test_placeholders_and_special_characters_survive(apertium_engine):
    out = apertium_engine.translate(["Run ⟦0⟧ before you push.", "Tom & Jerry <3 the city", "Ask ⟦0⟧ for ⟦1⟧data⟦2⟧."],
                                    "en", "es")
    assert "⟦0⟧" in out[0]
    assert "&" in out[1] and "<3" in out[1]
    assert all(f"⟦{i}⟧" in out[2] for i in range(3))


def test_markdown_document_round_trip_structure(apertium_engine):
    doc = ("## Resultados\n\n| Ciudad | Fugas |\n|---|--:|\n| Lima | 1.200 |\n\n"
           "```sql\nSELECT * FROM agua;\n```\n\n- Gracias por la ayuda.\n- Nos vemos la próxima semana.\n")
    out = Translator([apertium_engine]).translate(doc, "es", "pt").text
    assert out.startswith("## ")
    assert "|---|--:|\n" in out and "| 1.200 |" in out
    assert "```sql\nSELECT * FROM agua;\n```" in out
    assert out.count("\n- ") == 2


def test_missing_binary_means_unavailable_with_a_clear_reason():
    engine = ApertiumEngine(binary="apertium-not-installed-here")
    status = engine.status()
    assert not status.available and "not found on PATH" in status.reason and "apertium-eng-spa" in status.reason
    assert engine.pairs() == []
    with pytest.raises(NoEngineAvailable, match="apertium: 'apertium-not-installed-here' not found"):
        Translator([engine]).translate("Hello", "en", "es")


def test_control_characters_are_protected_from_the_engine(apertium_engine):
    # Apertium silently drops NUL and ESC; they are protected spans, so they come back
    out = Translator([apertium_engine]).translate("Hello\x00 world \x1b[31m", "en", "es").text
    assert "\x00" in out and "\x1b" in out


def test_no_double_spaces_where_apertium_dropped_a_word(apertium_engine):
    [out] = apertium_engine.translate(["How did you cut leaks?"], "en", "pt")
    assert "  " not in out
    [kept] = apertium_engine.translate(["Two  spaces  here"], "en", "es")
    assert "  " in kept  # the author's own spacing is left alone
