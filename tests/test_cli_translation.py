"""`flask translation install | list | detect | translate` (forum/cli/translation.py)."""
from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [p for p in (str(ROOT), str(ROOT / "tests")) if p not in sys.path]

from argos_model import build_tiny_argos_package  # noqa: E402

CACHE = Path(os.environ.get("TINY_ARGOS_CACHE", ROOT / ".cache" / "argos-test"))


@pytest.fixture(scope="module")
def tiny_package() -> Path:
    return build_tiny_argos_package(CACHE, "en", "es")


def make_app(tmp_path, apertium: bool = False):
    from forum import create_app

    return create_app({"TESTING": True, "SECRET_KEY": "t", "SQLALCHEMY_DATABASE_URI": "sqlite://",
                       "ARGOS_DATA_DIR": str(tmp_path / "argos"), "APERTIUM_ENABLED": apertium})


@pytest.fixture
def run(tmp_path):
    from forum.cli.translation import translation_cli

    def invoke(*args, input=None, apertium=False):
        app = make_app(tmp_path, apertium)
        return app.test_cli_runner().invoke(translation_cli, list(args), input=input)

    return invoke


def test_install_list_and_translate_with_argos(run, tiny_package):
    result = run("install", str(tiny_package))
    assert result.exit_code == 0, result.output
    assert "installed en->es en-es@0.1-tiny+" in result.output

    listing = run("list")
    assert listing.exit_code == 0
    assert "argos: available" in listing.output and "  en->es  en-es@0.1-tiny+" in listing.output
    assert "en->es: argos" in listing.output and "es->en: none" in listing.output

    result = run("translate", "--source", "en", "--target", "es", "Thank you for the help.")
    assert result.exit_code == 0
    assert result.output == "Gracias por la ayuda.\n"

    doc = "# Results\n\n- Run `make test` before you push.\n"
    result = run("translate", "-s", "en", "-t", "es", "-", input=doc)
    assert result.output == "# Resultados\n\n- Ejecuta `make test` antes de hacer push.\n"


def test_text_format_does_not_treat_markdown_as_structure(run, tiny_package):
    run("install", str(tiny_package))
    result = run("translate", "--source", "en", "--target", "es", "--format", "text", "Results")
    assert result.output == "Resultados\n"


def test_no_engine_for_the_pair_exits_2_with_a_clear_error(run):
    result = run("translate", "--source", "en", "--target", "es", "Hello")
    assert result.exit_code == 2
    assert "Error: no engine installed for en->es" in result.output
    assert "no Argos package installed" in result.output


@pytest.mark.parametrize("args", [["--source", "en", "--target", "en", "Hi"], ["--source", "fr", "--target", "es", "Hi"],
                                  ["--source", "en", "--target", "de", "Hi"]])
def test_unsupported_pair_exits_2(run, args):
    result = run("translate", *args)
    assert result.exit_code == 2 and "Error" in result.output


def test_bad_package_file_is_refused(run, tmp_path):
    bad = tmp_path / "bad.argosmodel"
    bad.write_bytes(b"not a zip")
    result = run("install", str(bad))
    assert result.exit_code == 1 and "not a zip archive" in result.output
    assert "argos: unavailable (no Argos package installed" in run("list").output


@pytest.mark.parametrize("text, code", [("Muito obrigado pela ajuda!", "pt"), ("¡Gracias!", "es"), ("Thx!", "en")])
def test_detect(run, text, code):
    result = run("detect", text)
    assert result.exit_code == 0 and result.output == f"{code}\n"


def test_detect_from_stdin_with_details_and_fallback(run):
    assert run("detect", "-", input="Vocês usaram sensores?").output == "pt\n"
    assert run("detect", "--fallback", "es", "Excelente iniciativa").output == "es\n"
    details = run("detect", "--details", "Hola, equipo").output.split()
    assert details[0] == "es" and details[2] == "reliable"


def test_apertium_through_the_cli(run):
    if shutil.which("apertium") is None:
        if os.environ.get("FORUM_REQUIRE_ALL_TESTS") == "1":
            pytest.fail("required in CI: Apertium is not installed")
        pytest.skip("Apertium is not installed")
    result = run("translate", "--source", "es", "--target", "pt", "El equipo usa `q=agua`.", apertium=True)
    assert result.exit_code == 0 and "equipe" in result.output and "`q=agua`" in result.output
    assert "apertium: available" in run("list", apertium=True).output
