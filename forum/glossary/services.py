"""Managing the glossary: validation (pages and API say the same), add/edit/delete with an audit
entry, and marking the translations a change touches as stale."""
from __future__ import annotations

import unicodedata
from dataclasses import dataclass

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import exists, or_, update
from sqlalchemy.exc import IntegrityError

from translation import pluralize

from .. import audit
from ..extensions import db
from ..models import FieldTranslation, GlossaryTerm, Post, PostTranslation, Thread, User, utcnow
from ..text import BIDI_CONTROLS, DISALLOWED_CHARACTERS, clean_text, is_single_line_text

KINDS = ("keep", "prefer")
TERM_MAX = 120
NOTE_MAX = 300
# Every translation runs the glossary's alternation over each text run: its cost grows with the
# number of terms, so the glossary is a curated list, not a dictionary.
TERMS_MAX = 2000

DUPLICATE = _l("This term is already in the glossary for this language pair.")
FULL = _l("The glossary is full (%(max)d terms). Delete terms that are no longer needed first.", max=TERMS_MAX)


class GlossaryError(Exception):
    """Invalid input: {field: message}; `duplicate` when the only problem is an existing entry."""

    def __init__(self, fields: dict, duplicate: bool = False) -> None:
        super().__init__(", ".join(fields))  # the field names: messages are lazy, translated when shown
        self.fields = fields
        self.duplicate = duplicate


@dataclass
class TermData:
    kind: str
    source_language: str
    target_language: str
    term: str
    translation: str | None = None
    term_plural: str | None = None
    translation_plural: str | None = None
    note: str | None = None


def _text_problem(value: str, max_length: int, *, needs_letter: bool = True):
    if len(value) > max_length:
        return _l("At most %(max)d characters.", max=max_length)
    if DISALLOWED_CHARACTERS.search(value) or BIDI_CONTROLS.search(value) or not is_single_line_text(value):
        return _l("Line breaks, control characters, invisible characters and characters that change the "
                  "writing direction are not allowed here.")
    if needs_letter and not any(unicodedata.category(ch).startswith("L") for ch in value):
        return _l("Use at least one letter.")
    return None


def validate(raw: dict) -> TermData:
    """Clean and check a term from a form or JSON (strings or None); raise GlossaryError."""
    languages = current_app.config["LANGUAGES"]
    problems: dict = {}

    def text(name: str) -> str | None:
        value = raw.get(name)
        if value is None:
            return None
        if not isinstance(value, str):
            problems[name] = _l("Must be a string.")
            return None
        return clean_text(value) or None

    kind = raw.get("kind")
    if kind not in KINDS:
        problems["kind"] = _l("Must be one of: %(choices)s.", choices=", ".join(KINDS))
    source, target = raw.get("source_language") or "", raw.get("target_language") or ""
    if kind == "keep":
        source = target = ""  # never translated, whatever the pair
    elif kind == "prefer":
        if source not in languages:
            problems["source_language"] = _l("Choose a language.")
        if target not in languages:
            problems["target_language"] = _l("Choose a language.")
        elif source == target:
            problems["target_language"] = _l("Choose a language other than the source language.")
    values = {name: text(name) for name in ("term", "translation", "term_plural", "translation_plural", "note")}
    if not values["term"] and "term" not in problems:
        problems["term"] = _l("This field is required.")
    for name in ("term", "translation", "term_plural", "translation_plural"):
        if values[name] and name not in problems:
            problem = _text_problem(values[name], TERM_MAX)
            if problem:
                problems[name] = problem
    if values["note"] and "note" not in problems:
        problem = _text_problem(values["note"], NOTE_MAX, needs_letter=False)
        if problem:
            problems["note"] = problem
    if kind == "prefer" and not values["translation"] and "translation" not in problems:
        problems["translation"] = _l("A preferred term needs its translation.")
    if kind == "keep":
        values["translation"] = values["translation_plural"] = None
    if problems:
        raise GlossaryError(problems)
    return TermData(kind, source, target, **values)  # type: ignore[arg-type]


def term_key(term: str) -> str:
    return term.casefold()[:TERM_MAX]


def snapshot(row: GlossaryTerm) -> dict:
    return {"kind": row.kind, "source_language": row.source_language, "target_language": row.target_language,
            "term": row.term, "term_plural": row.term_plural, "translation": row.translation,
            "translation_plural": row.translation_plural, "note": row.note}


def _duplicate(data: TermData, except_id: int | None = None) -> bool:
    query = db.select(GlossaryTerm.id).filter_by(kind=data.kind, source_language=data.source_language,
                                                 target_language=data.target_language, term_key=term_key(data.term))
    if except_id is not None:
        query = query.where(GlossaryTerm.id != except_id)
    return db.session.execute(query.limit(1)).first() is not None


def _assign(row: GlossaryTerm, data: TermData) -> None:
    for name, value in vars(data).items():
        setattr(row, name, value)
    row.term_key = term_key(data.term)
    row.updated_at = utcnow()


def _commit_or_duplicate(work) -> None:
    """Run the flushes and commit of a change; the unique constraint decides a race between two
    moderators adding the same term (the check before only gives the common case its message)."""
    try:
        work()
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        raise GlossaryError({"term": DUPLICATE}, duplicate=True) from None


def add(data: TermData, actor: User | None) -> GlossaryTerm:
    if _duplicate(data):
        raise GlossaryError({"term": DUPLICATE}, duplicate=True)
    if db.session.execute(db.select(db.func.count(GlossaryTerm.id))).scalar_one() >= TERMS_MAX:
        raise GlossaryError({"term": FULL})
    row = GlossaryTerm(created_by_id=actor.id if actor else None, created_at=utcnow())
    _assign(row, data)

    def work():
        db.session.add(row)
        db.session.flush()
        audit.record("glossary.add", "glossary_term", row.id, actor=actor, after=snapshot(row))
        mark_stale([snapshot(row)])

    _commit_or_duplicate(work)
    return row


def edit(row: GlossaryTerm, data: TermData, actor: User | None) -> GlossaryTerm:
    if _duplicate(data, except_id=row.id):
        raise GlossaryError({"term": DUPLICATE}, duplicate=True)
    before = snapshot(row)
    _assign(row, data)
    after = snapshot(row)
    if before == after:
        db.session.rollback()
        return row

    def work():
        db.session.flush()
        audit.record("glossary.edit", "glossary_term", row.id, actor=actor, before=before, after=after)
        mark_stale([before, after])

    _commit_or_duplicate(work)
    return row


def delete(row: GlossaryTerm, actor: User | None) -> None:
    before = snapshot(row)
    audit.record("glossary.delete", "glossary_term", row.id, actor=actor, before=before)
    mark_stale([before])
    db.session.delete(row)
    db.session.commit()


# --- stale translations -----------------------------------------------------------------------

def _forms(entry: dict, source: str) -> set[str]:
    """The written forms of an entry in a source language: the term and its plural."""
    term = entry["term"]
    forms = {term, entry.get("term_plural") or pluralize(term, source) or term}
    return {f for f in forms if f}


def _like(form: str) -> str:
    escaped = form.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def _variants(form: str) -> set[str]:
    # SQLite's lower() folds ASCII only: also look for the usual capitalisations of accented words.
    return {form, form.lower(), form.upper(), form[:1].upper() + form[1:]}


def _pairs(entry: dict) -> list[tuple[str, str]]:
    languages = current_app.config["LANGUAGES"]
    if entry["kind"] == "keep":
        return [(s, t) for s in languages for t in languages if s != t]
    return [(entry["source_language"], entry["target_language"])]


def mark_stale(entries: list[dict]) -> int:
    """Mark the translations whose source text contains a form of these entries (caller commits).

    A case-insensitive substring match: it may catch a longer word too ("data" in "database"),
    which only costs a retranslation giving the same text."""
    marked = 0
    for entry in entries:
        for source, target in _pairs(entry):
            forms = _forms(entry, source)
            patterns = [_like(v) for form in forms for v in _variants(form)]
            title_match = exists().where(Thread.first_post_id == Post.id,
                                         or_(*(Thread.title.ilike(p, escape="\\") for p in patterns)))
            ids = (db.select(PostTranslation.id).join(Post, Post.id == PostTranslation.post_id)
                   .where(PostTranslation.language == target, Post.language == source,
                          or_(*(Post.body.ilike(p, escape="\\") for p in patterns), title_match)))
            marked += db.session.execute(update(PostTranslation).where(PostTranslation.id.in_(ids))
                                         .values(stale=True).execution_options(synchronize_session=False)).rowcount
            marked += _mark_fields(forms, source, target)
    return marked


def _mark_fields(forms: set[str], source: str, target: str) -> int:
    """Short fields (a department, a library summary) into `target`: all of them, in one UPDATE.

    Their text lives in each feature's own tables (jobs.register_field), so matching the term
    would cost queries per field inside the moderator's request. Marking them all is bounded and
    cheap where it matters: `retranslate --stale` sends the engine only the runs whose text
    changed (the translation memory answers the rest), i.e. the ones holding the term."""
    return db.session.execute(
        update(FieldTranslation).where(FieldTranslation.language == target, FieldTranslation.stale.is_(False))
        .values(stale=True).execution_options(synchronize_session=False)).rowcount


# --- the starter glossary ---------------------------------------------------------------------

def load_starter() -> int:
    """Add the starter entries that are missing (idempotent); returns how many were added."""
    from .starter import STARTER

    added = 0
    for entry in STARTER:
        data = validate(entry)
        if _duplicate(data):
            continue
        row = GlossaryTerm(created_at=utcnow())
        _assign(row, data)
        db.session.add(row)
        db.session.flush()
        audit.record("glossary.add", "glossary_term", row.id, actor=None, reason="starter glossary",
                     after=snapshot(row))
        added += 1
    if added:
        mark_stale(list(STARTER))
    db.session.commit()
    return added


# --- reading ----------------------------------------------------------------------------------

PER_PAGE = 50
QUERY_MAX = 120


def listing(*, kind: str | None = None, source: str | None = None, target: str | None = None,
            q: str | None = None, page: int = 1):
    """A page of entries, by term. source/target: the entries that apply to translations from
    `source` (and into `target`), never-translate ones included; q: in the term or translation."""
    query = db.select(GlossaryTerm).order_by(GlossaryTerm.term_key, GlossaryTerm.id)
    if kind:
        query = query.where(GlossaryTerm.kind == kind)
    for column, language in ((GlossaryTerm.source_language, source), (GlossaryTerm.target_language, target)):
        if language:
            query = query.where(or_(GlossaryTerm.kind == "keep", column == language))
    if q:
        pattern = _like(q.casefold())
        query = query.where(or_(GlossaryTerm.term_key.like(pattern, escape="\\"),
                                GlossaryTerm.term_plural.ilike(pattern, escape="\\"),
                                GlossaryTerm.translation.ilike(pattern, escape="\\"),
                                GlossaryTerm.translation_plural.ilike(pattern, escape="\\")))
    return db.paginate(query, page=page, per_page=PER_PAGE, error_out=False)
