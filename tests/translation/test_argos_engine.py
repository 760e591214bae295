"""Real Argos translation on the tiny model built by tests/argos_model.py."""
import json
import sys
import threading
import zipfile
from pathlib import Path

import pytest

from argos_model import TINY_PAIRS
from translation import InMemoryMemory, PackageError, Translator, UnsupportedPair
from translation.engines.argos import ArgosEngine

pytestmark = pytest.mark.argos


def relabel(src: Path, out: Path, folder: str | None = None, **metadata) -> Path:
    """Copy an .argosmodel, overriding metadata.json fields (e.g. from_code, package_version)."""
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(out, "w") as zout:
        for item in zin.infolist():
            data = zin.read(item)
            name = item.filename
            if name.endswith("/metadata.json"):
                data = json.dumps({**json.loads(data), **metadata}).encode()
            if folder:
                name = folder + name[name.index("/"):]
            zout.writestr(name, data)
    return out


def test_real_argos_translation_with_the_network_blocked(argos_engine, no_network):
    doc = ("# Results\n\nThank you for the help. How did you reduce water leaks?\n\n"
           "- Run `make test` before you push.\n- It is **very** important.\n\n"
           "```\nThe water is safe.\n```\n\nRead the [guide](https://example.org/guide) first.\n")
    result = Translator([argos_engine]).translate(doc, "en", "es")
    assert result.text == ("# Resultados\n\nGracias por la ayuda. ¿Cómo redujeron las fugas de agua?\n\n"
                           "- Ejecuta `make test` antes de hacer push.\n- Es **muy** importante.\n\n"
                           "```\nThe water is safe.\n```\n\nLee primero la [guía](https://example.org/guide).\n")
    assert result.engine == "argos" and result.model_version.startswith("en-es@0.1-tiny+")
    assert no_network == []  # nothing even tried
    assert "argostranslate" not in sys.modules  # its import-time traps are never triggered


def test_every_trained_sentence_comes_back_exactly(argos_engine):
    sources = [en for en, _ in TINY_PAIRS]
    assert argos_engine.translate(sources, "en", "es") == [es for _, es in TINY_PAIRS]


def test_sentences_of_one_run_are_translated_separately(argos_engine):
    [out] = argos_engine.translate(["Thanks! Welcome to the forum.  Any questions?"], "en", "es")
    assert out == "¡Gracias! Bienvenidos al foro.  ¿Alguna pregunta?"


def test_underscores_survive(argos_engine):
    # argostranslate's decoder turns "_" into spaces; ours keeps them (and Markdown protects them anyway)
    result = Translator([argos_engine]).translate("We saved 20_000 liters a day.", "en", "es")
    assert "20_000" in result.text


def test_over_long_sentences_are_cut_instead_of_raising(tmp_path, tiny_argos_package):
    engine = ArgosEngine(tmp_path, max_tokens=6)
    engine.install(tiny_argos_package)
    long = " ".join(["the water is safe and clean"] * 120)  # ~700 pieces, past the 256 limit
    [out] = engine.translate([long], "en", "es")
    assert out and "⟦" not in out


def test_listing_reports_pairs_with_model_versions(argos_engine):
    [pair] = argos_engine.pairs()
    assert (pair.source, pair.target, pair.engine, pair.via) == ("en", "es", "argos", ())
    assert argos_engine.status().available


def test_empty_data_dir_means_unavailable_with_a_reason(tmp_path):
    engine = ArgosEngine(tmp_path / "nothing")
    status = engine.status()
    assert not status.available and "no Argos package installed" in status.reason
    with pytest.raises(UnsupportedPair):
        engine.translate(["Hello"], "en", "es")


def test_pivot_through_english_only_without_a_direct_package(tmp_path, tiny_argos_package, tiny_argos_package_es_en):
    engine = ArgosEngine(tmp_path)
    engine.install(tiny_argos_package)  # en->es
    # the es->en model stands in for a pt->en package
    engine.install(relabel(tiny_argos_package_es_en, tmp_path / "pt_en.argosmodel", from_code="pt", folder="pt_en"))
    pivot = {(p.source, p.target): p for p in engine.pairs()}[("pt", "es")]
    assert pivot.via == ("en",) and ">" in pivot.model_version
    assert engine.translate(["Gracias por la ayuda."], "pt", "es") == ["Gracias por la ayuda."]
    assert [p.path.name for p in engine.route("pt", "es")] == ["translate-pt_en", "translate-en_es"]
    # a direct package, once installed, is preferred over the pivot
    engine.install(relabel(tiny_argos_package, tmp_path / "pt_es.argosmodel", from_code="pt"))
    assert [p.path.name for p in engine.route("pt", "es")] == ["translate-pt_es"]


def test_reinstall_serves_the_new_model_in_the_same_process(tmp_path, tiny_argos_package, tiny_argos_package_es_en):
    engine = ArgosEngine(tmp_path)
    engine.install(tiny_argos_package)
    assert engine.translate(["Thank you for the help."], "en", "es") == ["Gracias por la ayuda."]
    old_version = engine.pairs()[0].model_version
    # a different model installed for the same pair (argostranslate keeps the old one cached)
    engine.install(relabel(tiny_argos_package_es_en, tmp_path / "other.argosmodel",
                           from_code="en", to_code="es", package_version="0.2"))
    assert engine.translate(["Gracias por la ayuda."], "en", "es") == ["Thank you for the help."]
    assert engine.pairs()[0].model_version != old_version and "@0.2+" in engine.pairs()[0].model_version
    assert len(list((tmp_path / "packages").iterdir())) == 1


def test_another_engine_instance_sees_packages_installed_by_the_cli(tmp_path, tiny_argos_package):
    worker = ArgosEngine(tmp_path)
    assert worker.pairs() == []
    ArgosEngine(tmp_path).install(tiny_argos_package)  # e.g. `flask translation install` in another process
    assert [(p.source, p.target) for p in worker.pairs()] == [("en", "es")]


def test_memory_skips_the_engine_for_known_runs(argos_engine):
    memory = InMemoryMemory()
    translator = Translator([argos_engine], memory=memory)
    translator.translate("Thank you for the help.\n\nWelcome to the forum.", "en", "es")
    again = translator.translate("Thank you for the help.\n\nSee you next week.", "en", "es")
    assert again.text == "Gracias por la ayuda.\n\nNos vemos la próxima semana."
    assert (again.runs_from_memory, again.runs_sent) == (1, 1)


def test_one_translator_shared_by_threads(argos_engine):
    argos_engine.warm_up()
    sources = [en for en, _ in TINY_PAIRS[:10]]
    expected = [es for _, es in TINY_PAIRS[:10]]
    failures = []

    def work():
        for _ in range(10):
            if argos_engine.translate(sources, "en", "es") != expected:
                failures.append(1)

    threads = [threading.Thread(target=work) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert failures == []


@pytest.mark.parametrize("layout, message", [
    ({"metadata.json": "{}", "model/model.bin": ""}, "outside the package folder"),
    ({"a/metadata.json": "{}", "b/metadata.json": "{}"}, "exactly one top-level folder"),
    ({"../evil/metadata.json": "{}"}, "unsafe path"),
    ({"pkg/README.md": "hi"}, "metadata.json missing"),
    ({"pkg/metadata.json": '{"from_code": "en", "to_code": "es"}'}, "model/model.bin missing"),
    ({"pkg/metadata.json": '{"from_code": "en"}', "pkg/model/model.bin": ""}, "from_code/to_code"),
])
def test_invalid_packages_are_rejected_and_change_nothing(tmp_path, argos_engine, layout, message):
    bad = tmp_path / "bad.argosmodel"
    with zipfile.ZipFile(bad, "w") as zf:
        for name, content in layout.items():
            zf.writestr(name, content)
    before = argos_engine.pairs()
    with pytest.raises(PackageError, match=message):
        argos_engine.install(bad)
    assert argos_engine.pairs() == before
    assert [p.name for p in argos_engine.packages_dir.iterdir()] == ["translate-en_es"]


def test_not_a_zip_is_rejected(tmp_path):
    path = tmp_path / "x.argosmodel"
    path.write_text("not a zip")
    with pytest.raises(PackageError, match="not a zip"):
        ArgosEngine(tmp_path / "d").install(path)


def test_the_built_package_is_a_valid_argos_package(tiny_argos_package):
    with zipfile.ZipFile(tiny_argos_package) as zf:
        names = zf.namelist()
        assert {n.split("/")[0] for n in names} == {"translate-en_es-tiny"}
        meta = json.loads(zf.read("translate-en_es-tiny/metadata.json"))
    assert (meta["from_code"], meta["to_code"], meta["type"]) == ("en", "es", "translate")
    assert "translate-en_es-tiny/model/model.bin" in names
    assert "translate-en_es-tiny/sentencepiece.model" in names
    assert not any("/stanza/" in n for n in names)  # a stanza/ folder makes argostranslate go online
    assert "translate-en_es-tiny/minisbd/en.onnx" in names  # sentence splitter, no download


STOCK_ARGOS = """
import socket, sys
def refuse(*args, **kwargs):
    raise OSError("network access attempted")
socket.socket.connect = refuse
socket.create_connection = refuse
socket.getaddrinfo = refuse
import argostranslate.package, argostranslate.translate
argostranslate.package.install_from_path(sys.argv[1])
print(argostranslate.translate.translate("Thank you for the help. Welcome to the forum!", "en", "es"))
"""


def test_stock_argostranslate_runs_the_package_offline(tmp_path, tiny_argos_package):
    """The package is a real Argos package: upstream argostranslate translates it with sockets
    blocked, thanks to the rule-based minisbd/ piece (else it downloads a MiniSBD model)."""
    import os
    import subprocess

    home = tmp_path / "home"
    env = {**os.environ, "HOME": str(home), "XDG_DATA_HOME": str(home / "data"),
           "XDG_CONFIG_HOME": str(home / "config"), "XDG_CACHE_HOME": str(home / "cache"),
           "ARGOS_PACKAGES_DIR": str(home / "packages"), "ARGOS_INTRA_THREADS": "1"}
    done = subprocess.run([sys.executable, "-c", STOCK_ARGOS, str(tiny_argos_package)], env=env,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip() == "Gracias por la ayuda. Bienvenidos al foro."
    assert not (home / "data" / "argos-translate" / "minisbd").exists() or \
        not any((home / "data" / "argos-translate" / "minisbd").iterdir())  # nothing was downloaded


def test_placeholders_travel_as_numbers_for_vocabularies_that_cannot_spell_them():
    from translation.engines.argos import _numbers_to_placeholders, _placeholders_to_numbers

    encoded = _placeholders_to_numbers("Run ⟦0⟧ before ⟦1⟧pushing⟦12⟧.")
    assert encoded == "Run 700 before 701pushing712."
    assert _numbers_to_placeholders("Ejecuta 700 antes de 701hacer push712.") == "Ejecuta ⟦0⟧ antes de ⟦1⟧hacer push⟦12⟧."
    # numbers the model made up that are not ours stay as they are
    assert _numbers_to_placeholders("1.700 7000 70") == "1.700 7000 70"


def test_the_tiny_model_spells_placeholders_itself(argos_engine):
    argos_engine.warm_up()
    [(_, _, spells)] = argos_engine._models.values()
    assert spells


def test_brazilian_portuguese_code_pb_serves_pt(tmp_path, tiny_argos_package):
    engine = ArgosEngine(tmp_path)
    engine.install(relabel(tiny_argos_package, tmp_path / "en_pb.argosmodel", to_code="pb"))
    assert [(p.source, p.target) for p in engine.pairs()] == [("en", "pt")]
    assert engine.translate(["Thanks!"], "en", "pt") == ["¡Gracias!"]  # (the tiny model speaks Spanish)


def test_a_paragraph_written_over_several_lines_is_translated_sentence_by_sentence(argos_engine):
    doc = "> Thank you for the help.\n> Welcome to the forum. It is **very**\n> important.\n"
    out = Translator([argos_engine]).translate(doc, "en", "es").text
    # one run for the whole quote; the breaks, with their "> ", stay between the sentences
    assert out.startswith("> Gracias por la ayuda.\n> Bienvenidos al foro.")
    assert out.count("\n> ") == 2 and out.endswith("\n")


def test_placeholders_are_numbered_per_sentence_for_the_model(argos_engine):
    # the run is "It is ⟦0⟧very⟦1⟧ important. Run ⟦2⟧ before you push."; the model sees
    # the second sentence as "Run ⟦0⟧ before you push.", as in its training data
    doc = "It is **very** important. Run `make test` before you push."
    out = Translator([argos_engine]).translate(doc, "en", "es").text
    assert out == "Es **muy** importante. Ejecuta `make test` antes de hacer push."
