"""The interface catalogs (forum/translations/, Flask-Babel) are complete and in step with the source.

A developer who adds a _() / _l() string without translating it gets a failing test naming the string.
To refresh the catalogs after adding strings (then translate the new entries in each .po file):

    .venv/bin/pybabel extract -F babel.cfg -k _l -k lazy_gettext -o forum/translations/messages.pot .
    .venv/bin/pybabel update -N --ignore-obsolete -i forum/translations/messages.pot -d forum/translations
"""
from __future__ import annotations

import gettext
import io
import re
import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parent.parent
TRANSLATIONS = ROOT / "forum" / "translations"
TEMPLATE = TRANSLATIONS / "messages.pot"
LANGUAGES = ("en", "es", "pt")  # forum.config.LANGUAGES
REFRESH = ("run `pybabel extract -F babel.cfg -k _l -k lazy_gettext -o forum/translations/messages.pot .` "
           "and `pybabel update -N --ignore-obsolete -i forum/translations/messages.pot -d forum/translations`, "
           "then translate the new entries")

# %(name)s, %(count)d, %(value).2f ... ; "%%" is a literal percent sign, not a placeholder.
PLACEHOLDER = re.compile(r"%\((\w+)\)[#0 +-]*\d*(?:\.\d+)?[diouxXeEfFgGcrsa]")


def _read(path: Path, locale: str | None = None) -> Catalog:
    with path.open("rb") as f:
        return read_po(f, locale=locale)


def _catalog(lang: str) -> Catalog:
    path = TRANSLATIONS / lang / "LC_MESSAGES" / "messages.po"
    assert path.is_file(), f"missing catalog {path.relative_to(ROOT)}"
    return _read(path, lang)


def _messages(catalog: Catalog):
    return [m for m in catalog if m.id]  # skip the header entry


def _key(message) -> tuple:
    msgid = message.id[0] if isinstance(message.id, (list, tuple)) else message.id
    return (message.context, msgid)


def _label(message) -> str:
    return repr(message.id[0] if isinstance(message.id, (list, tuple)) else message.id)


def _placeholders(text: str) -> set[str]:
    return set(PLACEHOLDER.findall(text))


@pytest.fixture(scope="module")
def fresh_extraction(tmp_path_factory) -> Catalog:
    """What `pybabel extract` finds in the source right now (the same command as `make extract-catalogs`)."""
    out = tmp_path_factory.mktemp("catalogs") / "messages.pot"
    pybabel = Path(sys.executable).with_name("pybabel")
    command = [str(pybabel)] if pybabel.exists() else [sys.executable, "-m", "babel.messages.frontend"]
    subprocess.run(
        [*command, "-q", "extract", "-F", "babel.cfg", "-k", "_l", "-k", "lazy_gettext", "-o", str(out), "."],
        cwd=ROOT, check=True, capture_output=True, timeout=60,
    )
    return _read(out)


def test_every_language_has_a_catalog():
    found = {p.name for p in TRANSLATIONS.iterdir() if (p / "LC_MESSAGES" / "messages.po").is_file()}
    assert found == set(LANGUAGES)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_catalog_is_complete(lang):
    catalog = _catalog(lang)
    assert not catalog.fuzzy, f"{lang}: the catalog header is marked fuzzy"
    untranslated, fuzzy = [], []
    for message in _messages(catalog):
        strings = message.string if message.pluralizable else (message.string,)
        if message.pluralizable and len(strings) != catalog.num_plurals:
            untranslated.append(_label(message))
        elif not all(strings):
            untranslated.append(_label(message))
        if message.fuzzy:
            fuzzy.append(_label(message))
    assert not untranslated, f"{lang}: untranslated entries: {untranslated}"
    assert not fuzzy, f"{lang}: fuzzy entries (check the translation, then remove the flag): {fuzzy}"
    obsolete = [_label(m) for m in catalog.obsolete.values()]
    assert not obsolete, f"{lang}: obsolete entries (delete them or use update --ignore-obsolete): {obsolete}"


@pytest.mark.parametrize("lang", LANGUAGES)
def test_placeholders_are_kept(lang):
    catalog = _catalog(lang)
    problems = []
    for message, errors in catalog.check():  # babel's checkers: python-format and number of plural forms
        problems += [f"{_label(message)}: {error}" for error in errors]
    for message in _messages(catalog):
        if message.pluralizable:
            expected = _placeholders(message.id[0]) | _placeholders(message.id[1])
            forms = [s for s in message.string if s]
            # Every form must name only known placeholders; the plural forms keep all of them (%(num)d ...).
            for form in forms:
                if not _placeholders(form) <= expected:
                    problems.append(f"{_label(message)}: unknown placeholder in {form!r}")
            if forms and _placeholders(forms[-1]) != _placeholders(message.id[1]):
                problems.append(f"{_label(message)}: placeholders differ in {forms[-1]!r}")
        elif message.string and _placeholders(message.string) != _placeholders(message.id):
            problems.append(f"{_label(message)}: placeholders differ in {message.string!r}")
    assert not problems, f"{lang}: " + "; ".join(problems)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_catalog_compiles_and_translates(lang):
    """Compiled in memory (the .mo files are build output), the catalog answers gettext and ngettext."""
    catalog = _catalog(lang)
    buffer = io.BytesIO()
    write_mo(buffer, catalog)
    buffer.seek(0)
    translations = gettext.GNUTranslations(buffer)
    for message in _messages(catalog):
        if not message.pluralizable:
            assert translations.gettext(message.id) == message.string
        else:  # all three languages have two forms: singular for 1 (and 0 in pt), plural for 2 and more
            singular, plural = message.id
            assert translations.ngettext(singular, plural, 1) == message.string[0]
            assert translations.ngettext(singular, plural, 2) == message.string[1]


def test_portuguese_uses_the_brazilian_plural_rule():
    """Most Portuguese-speaking members are in Brazil: 0 and 1 take the singular (pt_BR, CLDR)."""
    catalog = _catalog("pt")
    assert catalog.num_plurals == 2
    assert catalog.plural_expr.replace(" ", "") == "(n>1)"


def test_template_is_up_to_date_with_the_source(fresh_extraction):
    template = _read(TEMPLATE)
    in_source = {_key(m): _label(m) for m in _messages(fresh_extraction)}
    in_template = {_key(m): _label(m) for m in _messages(template)}
    missing = sorted(in_source[k] for k in in_source.keys() - in_template.keys())
    stale = sorted(in_template[k] for k in in_template.keys() - in_source.keys())
    assert not missing, f"strings missing from messages.pot: {missing}; {REFRESH}"
    assert not stale, f"strings in messages.pot no longer in the source: {stale}; {REFRESH}"


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_source_string_is_translated(lang, fresh_extraction):
    catalog = _catalog(lang)
    translated = {
        _key(m) for m in _messages(catalog)
        if not m.fuzzy and all(m.string if m.pluralizable else (m.string,))
    }
    missing = sorted(_label(m) for m in _messages(fresh_extraction) if _key(m) not in translated)
    assert not missing, f"{lang}: strings in the source without a translation: {missing}; {REFRESH}"
