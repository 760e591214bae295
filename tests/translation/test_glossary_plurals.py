"""Plurals and case in the glossary library: a term and its plural both match, a plural source
becomes the plural translation, and the pattern stays an alternation of literals (linear)."""
import time

import pytest

from translation import Glossary, Term, pluralize
from translation.markdown import Span, segment_markdown
from translation.placeholders import Run


def filled(text, glossary, source="en", target="es"):
    out = []
    for part in segment_markdown(text):
        if isinstance(part, Span):
            run = Run.from_pieces(glossary.apply(part.pieces, source, target))
            out.append(run.fill(run.text))
    return out


@pytest.mark.parametrize("term, language, plural", [
    ("dashboard", "en", "dashboards"), ("box", "en", "boxes"), ("policy", "en", "policies"),
    ("day", "en", "days"), ("address", "en", "addresses"), ("job description", "en", "job descriptions"),
    ("potholes", "en", None), ("open data", "en", None),
    ("tablero", "es", "tableros"), ("ciudad", "es", "ciudades"), ("luz", "es", "luces"),
    ("descripción de puesto", "es", "descripciones de puesto"), ("almacén", "es", "almacenes"),
    ("crisis", "es", None),
    ("painel", "pt", "paineis"), ("descrição de cargo", "pt", "descrições de cargo"), ("margem", "pt", "margens"),
    ("buraco", "pt", "buracos"), ("canal", "pt", "canais"),
    ("SEMÁFORO", "es", "SEMÁFOROS"), ("POLICY", "en", "POLICIES"), ("x", "de", None),
])
def test_simple_plural_rules(term, language, plural):
    assert pluralize(term, language) == plural


def test_a_term_and_its_derived_plural_both_match_and_map_to_the_plural_translation():
    g = Glossary(terms=[Term("dashboard", "tablero", source="en", target="es"),
                        Term("job description", "descripción de puesto", source="en", target="es")])
    assert filled("One dashboard, two dashboards, three job descriptions.", g) == [
        "One tablero, two tableros, three descripciones de puesto."]


def test_case_follows_the_source_in_singular_and_plural():
    g = Glossary(terms=[Term("dashboard", "tablero", source="en", target="es")])
    assert filled("Dashboards\n\nDASHBOARDS\n\nthe Dashboard", g) == ["Tableros", "TABLEROS", "the Tablero"]


def test_explicit_plurals_win_over_derived_ones():
    g = Glossary(terms=[Term("painel", "tablero", term_plural="painéis", source="pt", target="es"),
                        Term("dashboard", "painel", translation_plural="painéis", source="en", target="pt")])
    assert filled("Os painéis e o painel", g, "pt", "es") == ["Os tableros e o tablero"]
    assert filled("The dashboards", g, "en", "pt") == ["The painéis"]


def test_keep_terms_apply_to_every_pair_with_their_plural_kept_as_written():
    g = Glossary(terms=[Term("Bus Rapid Transit"), Term("SUS", term_plural="SUSes")])
    assert filled("Our Bus Rapid Transits and the SUSes", g, "en", "pt") == ["Our Bus Rapid Transits and the SUSes"]
    [run] = [Run.from_pieces(g.apply(p.pieces, "es", "en")) for p in segment_markdown("El SUS") if isinstance(p, Span)]
    assert run.text == "El ⟦0⟧"


def test_city_names_get_no_plural():
    g = Glossary(keep=["Lima"])
    [run] = [Run.from_pieces(g.apply(p.pieces, "es", "en")) for p in segment_markdown("Limas y Lima")
             if isinstance(p, Span)]
    assert run.text == "Limas y ⟦0⟧"


def test_a_written_term_is_never_shadowed_by_another_terms_derived_plural():
    # "datos" is its own entry; the derived plural of "dato" must not replace it.
    g = Glossary(terms=[Term("datos", "data", source="es", target="en"), Term("dato", "datum", source="es", target="en")])
    assert filled("datos y dato", g, "es", "en") == ["data y datum"]


@pytest.mark.parametrize("term", [".*", "(", "a" * 120, "[a-z]+", "\\d"])
def test_terms_are_literals_and_matching_stays_linear(term):
    g = Glossary(terms=[Term(term, "X", source="en", target="es"), Term("a" * 60, "Y", source="en", target="es")])
    assert filled("nothing here", g) == ["nothing here"]
    text = "a" * 50_000 + " (" + " .*"
    start = time.perf_counter()
    g.apply([text], "en", "es")
    assert time.perf_counter() - start < 2
