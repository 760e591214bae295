"""The guardrails: loops, truncations and lost placeholders are suspect; normal translations are not."""
import time

import pytest

from translation import InMemoryMemory, PairInfo, EngineStatus, Translator
from translation.guardrails import MAX_REPEATS, check_run
from translation.memory import MemoryKey, text_hash

PAIRS = [(s, t) for s in ("en", "es", "pt") for t in ("en", "es", "pt") if s != t]

# (source language, source run, target language, a good translation): realistic forum runs,
# short ones included, that must never be flagged
NORMAL = [
    ("en", "The city council approved the new budget for public transport on Monday.", "es",
     "El ayuntamiento aprobó el nuevo presupuesto para el transporte público el lunes."),
    ("en", "We publish the open data portal every quarter; it includes bus stops, budgets and air quality.", "pt",
     "Publicamos o portal de dados abertos a cada trimestre; inclui pontos de ônibus, orçamentos e qualidade do ar."),
    ("es", "Los estudiantes matriculados en el programa recibirán un certificado al final del curso.", "en",
     "Students enrolled in the programme will receive a certificate at the end of the course."),
    ("es", "Tenemos 3 opciones: A, B y C.", "pt", "Temos 3 opções: A, B e C."),
    ("pt", "As inscrições encerram em 15 de março de 2026 às 17h.", "en", "Registration closes on 15 March 2026 at 5 pm."),
    ("pt", "A prefeitura aprovou o orçamento participativo depois de três audiências públicas.", "es",
     "El ayuntamiento aprobó el presupuesto participativo después de tres audiencias públicas."),
    ("en", "Run ⟦0⟧ before you push, then open ⟦1⟧the dashboard⟦2⟧.", "es",
     "Ejecuta ⟦0⟧ antes de subir y luego abre ⟦1⟧el panel⟦2⟧."),
    ("en", "1. Budget 2. Procurement 3. Climate", "es", "1. Presupuesto 2. Contratación 3. Clima"),
    ("en", "OK", "es", "De acuerdo"),
    ("es", "Sí.", "en", "Yes."),
    ("pt", "Obrigado!", "es", "¡Gracias!"),
    ("en", "Thanks!", "pt", "Obrigado!"),
    ("es", "No, no, no: el plazo es el viernes.", "en", "No, no, no: the deadline is Friday."),
    ("en", "Ha ha ha ha ha, that is exactly what happened to us.", "es",
     "Ja ja ja ja ja, eso es exactamente lo que nos pasó."),
    ("en", "Use `SELECT count(*) FROM stops WHERE city_id = 42` to check.", "pt",
     "Use `SELECT count(*) FROM stops WHERE city_id = 42` para verificar."),
    ("es", "El 0 0 0 0 del formulario es un error de la plantilla.", "pt",
     "O 0 0 0 0 do formulário é um erro do modelo."),
    ("en", "Water ⟦0⟧ data ⟦1⟧ for every district.", "es", "Datos de agua para cada distrito."),
]


@pytest.mark.parametrize("source,text,target,output", NORMAL)
def test_normal_translations_are_not_suspect(source, text, target, output):
    soft = (0, 1) if "Water" in text else ()  # soft line breaks may move or vanish: not suspect
    assert check_run(text, output, source, target, soft=soft) is None


@pytest.mark.parametrize("source,target", PAIRS)
def test_an_identical_copy_is_fine_in_every_pair(source, target):
    text = "Porto Alegre, Medellín and Montevideo share their data on climate, budgets and buses."
    assert check_run(text, text, source, target) is None
    assert check_run("OK", "OK", source, target) is None


def test_a_word_loop_is_suspect():
    reason = check_run("Students enrolled in the programme will get a certificate.",
                       "Los estudiantes matriculados " + "matriculados " * 6, "en", "es")
    assert reason == "repetition: 'matriculados' x7"


def test_an_ngram_loop_is_suspect_and_named_from_its_first_word():
    reason = check_run("We need the data for the city and for the people who live in it.",
                       "Necesitamos los datos " + "de la ciudad, " * 5, "en", "es")
    assert reason == "repetition: 'de la ciudad' x5"


def test_repeats_up_to_the_threshold_or_as_in_the_source_are_fine():
    assert MAX_REPEATS == 3
    assert check_run("Very, very, very good.", "Muy, muy, muy bueno.", "en", "es") is None
    assert check_run("Go go go go go!", "¡Vamos vamos vamos vamos vamos!", "en", "es") is None
    assert check_run("Go go go go go!", "¡Vamos " + "vamos " * 7 + "!", "en", "es") == "repetition: 'vamos' x8"


def test_a_short_run_that_loops_is_suspect():
    assert check_run("Sí.", "Yes yes yes yes yes", "es", "en") == "repetition: 'yes' x5"


def test_a_truncated_sentence_is_suspect():
    source = "The city council approved the new budget for public transport on Monday after a long debate."
    assert check_run(source, "El ayuntamiento aprobó el nuevo", "en", "es") == "length ratio 0.35"
    assert check_run(source, "", "en", "es") == "empty output"


def test_a_medium_run_has_a_looser_band():
    source = "Registration closes on Friday."  # 27 characters without spaces
    assert check_run(source, "Cierra.", "en", "es") == "length ratio 0.26"
    assert check_run(source, "La inscripción cierra.", "en", "es") is None  # 0.78


def test_a_short_run_only_fails_on_absurd_growth():
    assert check_run("OK", "Muy bien, de acuerdo", "en", "es") is None
    rambling = "Está bien, lo revisaremos mañana con el equipo de datos abiertos del ayuntamiento."
    assert check_run("OK", rambling, "en", "es") == "length ratio 35.00"


def test_a_lost_placeholder_is_suspect_even_though_fill_would_hide_it():
    from translation.placeholders import Run

    run = Run("Run ⟦0⟧ before you push.", ("`make test`",))
    output = "Ejecuta antes de subir."
    assert run.fill(output) == "Ejecuta antes de subir.`make test`"  # re-appended silently
    assert check_run(run.text, output, "en", "es") == "placeholder lost: ⟦0⟧"
    # spacing inside the token is tolerated (fill accepts it too), and order does not matter
    assert check_run("See ⟦0⟧docs⟦1⟧ now.", "Mira ahora ⟦ 1 ⟧ ⟦0⟧docs", "en", "es") is None


def test_a_lost_soft_break_is_not_suspect():
    text = "A paragraph written ⟦0⟧ over two lines, with ⟦1⟧code⟦2⟧ in it."
    assert check_run(text, "Un párrafo escrito en dos líneas, con ⟦1⟧code⟦2⟧ dentro.", "en", "es", soft=(0,)) is None
    assert check_run(text, "Un párrafo escrito en dos líneas, con code dentro.", "en", "es",
                     soft=(0,)) == "placeholder lost: ⟦1⟧ ⟦2⟧"


def test_the_check_is_linear_on_huge_runs():
    source = "word " * 10_000
    started = time.perf_counter()
    assert check_run(source, "palabra " * 10_000, "en", "es") is None  # as often as in the source
    check_run("x" * 50_000, "y ⟦" * 50_000, "en", "es")
    check_run("a b " * 20_000, "a b c " * 20_000, "en", "es")
    assert time.perf_counter() - started < 2


# --- in the pipeline ---------------------------------------------------------------------------

class Engine:
    def __init__(self, name, transform, pairs=(("en", "es"),)):
        self.name, self.transform, self._pairs = name, transform, pairs
        self.calls: list[list[str]] = []

    def status(self):
        return EngineStatus(self.name, True)

    def pairs(self):
        return [PairInfo(s, t, self.name, "1") for s, t in self._pairs]

    def translate(self, texts, source, target):
        self.calls.append(list(texts))
        return [self.transform(t) for t in texts]


def looping(t):
    return t if "loop" not in t else "matriculados " * 8


def good(t):
    return f"bueno: {t}"


DOC = "A normal paragraph about buses.\n\nThis one will loop, sadly, in the first engine.\n"


def test_a_suspect_run_is_redone_by_the_next_engine():
    first, second, memory = Engine("argos", looping), Engine("apertium", good), InMemoryMemory()
    result = Translator([first, second], memory=memory).translate(DOC, "en", "es")
    assert result.text == ("A normal paragraph about buses.\n\n"
                           "bueno: This one will loop, sadly, in the first engine.\n")
    assert second.calls == [["This one will loop, sadly, in the first engine."]]  # only the suspect run
    assert (result.suspect, result.fallback) == ((), ("repetition: 'matriculados' x8",))
    assert (result.engine, result.engines, result.model_version) == ("argos+apertium", ("argos", "apertium"), "1")
    # the memory holds the clean outputs only: the first engine's good run, the second's redo
    assert len(memory) == 2
    assert not memory.get_many([MemoryKey("argos", "1", "en", "es",
                                          text_hash("This one will loop, sadly, in the first engine."))])


def test_without_a_fallback_the_suspect_run_is_kept_reported_and_not_remembered():
    first, memory = Engine("argos", looping), InMemoryMemory()
    translator = Translator([first], memory=memory)
    result = translator.translate(DOC, "en", "es")
    assert "matriculados matriculados" in result.text
    assert result.suspect == ("repetition: 'matriculados' x8",) and result.fallback == ()
    assert result.engine == "argos" and len(memory) == 1
    again = translator.translate(DOC, "en", "es")  # a retry asks the engine again for the suspect run
    assert first.calls[-1] == ["This one will loop, sadly, in the first engine."]
    assert again.runs_from_memory == 1 and again.suspect == result.suspect


def test_when_the_fallback_is_suspect_too_the_first_output_is_kept():
    first = Engine("argos", looping)
    second = Engine("apertium", lambda t: "sí " * 9 if "loop" in t else t)
    result = Translator([first, second]).translate(DOC, "en", "es")
    assert "matriculados matriculados" in result.text and "sí sí" not in result.text
    assert result.suspect == ("repetition: 'matriculados' x8",) and result.engine == "argos"


def test_fallbacks_are_tried_in_order_until_one_is_clean():
    first, second = Engine("argos", looping), Engine("apertium", lambda t: "sí " * 9 if "loop" in t else t)
    third = Engine("other", good)
    result = Translator([first, second, third]).translate(DOC, "en", "es")
    assert "bueno: This one will loop" in result.text and len(third.calls) == 1
    assert result.engine == "argos+other" and result.fallback == ("repetition: 'matriculados' x8",)


def test_a_failing_fallback_keeps_the_first_output():
    def explode(_):
        raise RuntimeError("apertium crashed")

    result = Translator([Engine("argos", looping), Engine("apertium", explode)]).translate(DOC, "en", "es")
    assert result.suspect == ("repetition: 'matriculados' x8",) and result.engine == "argos"


def test_a_suspect_memory_entry_is_asked_again():
    memory = InMemoryMemory()
    run = "This one will loop, sadly, in the first engine."
    memory.put_many({MemoryKey("argos", "1", "en", "es", text_hash(run)): "bucle " * 6})  # from before a fix
    first, second = Engine("argos", lambda t: f"fixed: {t}"), Engine("apertium", good)
    result = Translator([first, second], memory=memory).translate(DOC, "en", "es")
    assert first.calls == [["A normal paragraph about buses.", run]] and second.calls == []
    assert f"fixed: {run}" in result.text and result.suspect == result.fallback == ()
    # still looping: the second engine redoes it
    result = Translator([Engine("argos", looping), second], memory=InMemoryMemory()).translate(DOC, "en", "es")
    assert f"bueno: {run}" in result.text and result.fallback == ("repetition: 'matriculados' x8",)


def test_routes_lists_each_engine_once_best_first():
    direct = Engine("apertium", good)
    pivot = Engine("argos", good)
    pivot.pairs = lambda: [PairInfo("en", "es", "argos", "1", via=("pt",))]
    translator = Translator([pivot, direct])
    assert [e.name for e, _ in translator.routes("en", "es")] == ["apertium", "argos"]
    assert translator.route("en", "es")[0] is direct


def test_apertium_never_flags_normal_forum_sentences(apertium_engine):
    sentences = {
        "en": ["The city council approved the new budget for public transport on Monday.",
               "Does anyone know how to export the bus stops dataset as CSV?",
               "We have three options: a new portal, a shared repository or both.",
               "- Open the dashboard\n- Choose your district\n- Click on *Export*",
               "Registration closes on 15 March 2026 at 17:00.", "OK", "Thanks!",
               "Run `make test` before you push, then open [the docs](https://example.org/docs)."],
        "es": ["El ayuntamiento aprobó el nuevo presupuesto para el transporte público el lunes.",
               "¿Alguien sabe cómo exportar el conjunto de datos de paradas en CSV?",
               "Los estudiantes matriculados en el programa recibirán un certificado.",
               "1. Presupuesto\n2. Contratación\n3. Clima", "Sí.", "Gracias.",
               "Ejecuta `make test` antes de subir y mira [la guía](https://example.org/guia)."],
        "pt": ["A prefeitura aprovou o novo orçamento para o transporte público na segunda-feira.",
               "Alguém sabe como exportar o conjunto de dados de pontos de ônibus em CSV?",
               "As inscrições encerram em 15 de março de 2026 às 17h.",
               "- Abra o painel\n- Escolha o seu bairro", "Sim.", "Obrigado!",
               "Execute `make test` antes de enviar e veja [o guia](https://example.org/guia)."],
    }
    translator = Translator([apertium_engine])
    for source, texts in sentences.items():
        for target in ("en", "es", "pt"):
            if target == source:
                continue
            for text in texts:
                result = translator.translate(text, source, target)
                assert result.suspect == () and result.fallback == (), (source, target, text, result.text)


POSTS = {
"en": """Hello everyone,

Our city launched a **participatory budgeting** pilot in 2024. About 1,200 residents voted online and 340 in person.

We used [Decidim](https://decidim.org) for the platform and `PostgreSQL 15` for the data.

1. Collect proposals (6 weeks)
2. Technical review (4 weeks)
3. Vote (2 weeks)

> The hardest part was explaining the rules to people who had never voted on a budget.

Has anyone integrated the results with their procurement system? We are looking at options for Q3 2026.

Thanks in advance!

P.S. The slides from the 12 May meeting are attached.""",
"es": """Hola a todos:

Nuestra ciudad publicó el portal de datos abiertos el 3 de febrero de 2025 con 85 conjuntos de datos.

Los más descargados son:

- Paradas de autobús (CSV, 2 MB)
- Presupuesto municipal 2025
- Calidad del aire por estación

El código está en [GitHub](https://github.com/ciudad/portal) y usamos `CKAN 2.10`.

¿Cómo gestionan ustedes las licencias? Nosotros usamos CC BY 4.0, pero algunos departamentos piden algo más restrictivo.

Saludos desde Medellín.""",
"pt": """Bom dia!

A prefeitura de Porto Alegre aprovou o plano de adaptação climática em 14 de março de 2025, depois de 18 meses de consultas.

O plano tem três eixos:

1. Drenagem urbana
2. Arborização
3. Alertas de enchente

> Sem dados abertos, nada disso teria sido possível.

Alguém já usou o `QGIS` para mapear ilhas de calor? Podemos compartilhar nossos scripts.

Abraços,
Equipe de Dados""",
}


def test_apertium_never_flags_whole_forum_posts(apertium_engine):
    translator = Translator([apertium_engine])
    for source, post in POSTS.items():
        for target in POSTS:
            if target != source:
                result = translator.translate(post, source, target)
                assert result.suspect == (), (source, target, result.suspect, result.text)


def test_tokens_apertium_dates_broke_are_repaired():
    from translation.engines.apertium import repair_tokens

    assert repair_tokens("cierra el ⟦0⟧ de ⟦marzo de 1⟧ en ⟦2⟧.") == "cierra el ⟦0⟧ de marzo de ⟦1⟧ en ⟦2⟧."
    assert repair_tokens("It closes on ⟦0⟧ March 1 ⟦⟧.") == "It closes on ⟦0⟧ March ⟦1⟧."
    assert repair_tokens("Send it before 1 ⟦April⟧ .") == "Send it before ⟦1⟧ April ."
    untouched = "Ejecuta ⟦0⟧ antes de las 17:00 del día 12 ⟦1⟧docs⟦2⟧."
    assert repair_tokens(untouched) == untouched
