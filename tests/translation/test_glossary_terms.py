from translation import Glossary, Translator
from translation.markdown import Span, segment_markdown
from translation.placeholders import Run


class Echo:
    """Fake engine: prefixes every run, records what it was sent."""

    name = "echo"

    def __init__(self):
        self.sent: list[list[str]] = []

    def status(self):
        from translation import EngineStatus
        return EngineStatus(self.name, True)

    def pairs(self):
        from translation import PairInfo
        return [PairInfo(s, t, self.name, "1") for s in ("en", "es", "pt") for t in ("en", "es", "pt") if s != t]

    def translate(self, texts, source, target):
        self.sent.append(list(texts))
        return [f"T:{t}" for t in texts]


def runs(text, glossary, source="en", target="es"):
    return [Run.from_pieces(glossary.apply(p.pieces, source, target)) for p in segment_markdown(text)
            if isinstance(p, Span)]


def test_do_not_translate_terms_become_placeholders():
    g = Glossary(keep=["Curitiba", "SABESP"])
    [run] = runs("Curitiba and SABESP cut leaks", g)
    assert run.text == "⟦0⟧ and ⟦1⟧ cut leaks"
    assert run.fill("⟦0⟧ y ⟦1⟧ redujeron fugas") == "Curitiba y SABESP redujeron fugas"


def test_capitalised_terms_match_only_their_spelling_and_whole_words():
    g = Glossary(keep=["Lima"])
    [run] = runs("Lima sells lima beans in Limassol", g)
    assert run.text == "⟦0⟧ sells lima beans in Limassol"


def test_preferred_translations_follow_the_source_casing():
    g = Glossary(preferred={("en", "es"): {"open data": "datos abiertos", "dashboard": "tablero"}})
    [a, b, c] = runs("Open data rocks\n\nOPEN DATA\n\nthe dashboard and the Dashboard", g)
    assert a.fill(a.text) == "Datos abiertos rocks"
    assert b.fill(b.text) == "DATOS ABIERTOS"
    assert c.fill(c.text) == "the tablero and the Tablero"


def test_preferred_translations_are_per_pair():
    g = Glossary(preferred={("en", "es"): {"dashboard": "tablero"}})
    [run] = runs("the dashboard", g, "en", "pt")
    assert run.text == "the dashboard"


def test_longest_term_wins():
    g = Glossary(keep=["Rio"], preferred={("en", "pt"): {"rio de janeiro city hall": "Prefeitura do Rio"}})
    [run] = runs("Rio de Janeiro City Hall and Rio", g, "en", "pt")
    assert run.fill(run.text) == "Prefeitura do Rio and Rio"


def test_glossary_terms_never_reach_the_engine():
    engine = Echo()
    g = Glossary(keep=["Curitiba"], preferred={("en", "es"): {"water utility": "empresa de agua"}})
    result = Translator([engine], glossary=g).translate("The water utility of Curitiba", "en", "es")
    assert engine.sent == [["The ⟦0⟧ of ⟦1⟧"]]
    assert result.text == "T:The empresa de agua of Curitiba"


def test_terms_inside_protected_code_are_left_alone():
    g = Glossary(preferred={("en", "es"): {"dashboard": "tablero"}})
    engine = Echo()
    out = Translator([engine], glossary=g).translate("Open `dashboard` now", "en", "es").text
    assert out == "T:Open `dashboard` now"
