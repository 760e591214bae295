"""The starter glossary against Apertium's real output: for each entry, the checked sentence is
still translated wrongly without the glossary (as recorded in forum/glossary/starter.py), and the
forum's glossary, loaded from the starter, fixes it."""
from __future__ import annotations

import shutil

import pytest

from forum.glossary.starter import STARTER
from testkit import skip_or_fail

pytestmark = pytest.mark.apertium


@pytest.fixture
def database_url(request, tmp_path) -> str:
    # Apertium is the slow part here: one database is enough (the loader has its tests on both).
    path = tmp_path / "forum.db"
    shutil.copyfile(request.getfixturevalue("sqlite_template"), path)
    return f"sqlite:///{path}"


@pytest.fixture
def apertium():
    from translation.engines.apertium import ApertiumEngine

    if shutil.which("apertium") is None:
        skip_or_fail("Apertium is not installed (apt-get install apertium apertium-eng-spa apertium-es-pt)")
    engine = ApertiumEngine()
    if len(engine.pairs()) < 6:
        skip_or_fail(f"Apertium language data missing: {engine.status().reason}")
    return engine


def test_every_starter_entry_fixes_what_apertium_gets_wrong(app, apertium):
    from translation import Translator

    from forum.glossary import forum_glossary, services

    services.load_starter()
    glossary = forum_glossary()
    translator = Translator([apertium])
    problems = []
    for entry in STARTER:
        sentence, wrong, wanted = entry["check"]
        pair = (entry["source_language"], entry["target_language"])
        plain = translator.translate(sentence, *pair, format="text").text
        fixed = translator.translate(sentence, *pair, format="text", glossary=glossary).text
        # Apertium marks unknown words with "*" (the engine strips the marks).
        if plain != wrong.replace("*", ""):
            problems.append(f"{pair} {sentence!r}: Apertium now says {plain!r}, not {wrong!r}: check the entry")
        if wanted in plain:
            problems.append(f"{pair} {sentence!r}: Apertium already says {wanted!r}: the entry is not needed")
        if wanted not in fixed:
            problems.append(f"{pair} {sentence!r}: with the glossary {fixed!r} lacks {wanted!r}")
    assert not problems, "\n".join(problems)


def test_each_starter_entry_is_valid_and_unique(app):
    from forum.glossary import services

    keys = set()
    for entry in STARTER:
        data = services.validate(entry)
        key = (data.kind, data.source_language, data.target_language, services.term_key(data.term))
        assert key not in keys, key
        keys.add(key)
