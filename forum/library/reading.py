"""Reading the library: entries whose thread may be shown, with titles and summaries in a language
(the page) or in every language (the export), in a fixed small number of queries."""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import aliased, contains_eager, joinedload

from ..countries import country_name, is_country_code
from ..extensions import db
from ..jobs import field_hash
from ..models import City, FieldTranslation, LibraryEntry, LibraryTopic, Post, PostTranslation, Thread
from ..threads.reading import FieldText, ThreadTitle, field_texts, newest_activity
from .services import FIELD


def _visible(query, first, include_hidden: bool = False):
    """Hidden or deleted content never leaves through the library: a thread whose first post is deleted
    (or hidden, except for moderators, who see it marked) is left out."""
    query = query.where(first.deleted_at.is_(None))
    return query if include_hidden else query.where(first.hidden_at.is_(None))


def _entries(topic: LibraryTopic | None = None, include_hidden: bool = False) -> list[tuple[LibraryEntry, Post]]:
    first = aliased(Post)
    query = (db.select(LibraryEntry, first)
             .join(LibraryEntry.thread).join(first, first.id == Thread.first_post_id)
             .options(contains_eager(LibraryEntry.thread), joinedload(LibraryEntry.city)))
    if topic is not None:
        query = query.where(LibraryEntry.topic == topic)
    query = _visible(query, first, include_hidden).order_by(*newest_activity(), LibraryEntry.id)
    return [(entry, post) for entry, post in db.session.execute(query).all()]


def city_label(city: City | None, language: str | None = None) -> str:
    """"Curitiba, Brazil": the country by its name in the reader's language when stored as a code."""
    if city is None:
        return ""
    country = country_name(city.country, language) if is_country_code(city.country) else city.country
    return f"{city.name}, {country}"


def country_code(entry: LibraryEntry) -> str | None:
    return entry.city.country if entry.city is not None and is_country_code(entry.city.country) else None


@dataclass
class EntryView:
    entry: LibraryEntry
    title: ThreadTitle
    summary: FieldText
    hidden: bool


def entry_views(language: str, topic: LibraryTopic | None = None, include_hidden: bool = False) -> list[EntryView]:
    """The library page's entries in `language`, newest activity first."""
    rows = _entries(topic, include_hidden)
    if not rows:
        return []
    titles = _titles([entry.thread for entry, _post in rows], {post.id: post for _entry, post in rows}, language)
    summaries = field_texts(FIELD, {post.id: (entry.summary, entry.summary_language) for entry, post in rows},
                            language)
    return [EntryView(entry, titles[entry.thread_id], summaries[post.id], post.hidden_at is not None)
            for entry, post in rows]


def entry_view(thread: Thread, language: str, include_hidden: bool = False) -> EntryView | None:
    """The thread's library entry for its page's badge, or None."""
    first = aliased(Post)
    row = db.session.execute(_visible(
        db.select(LibraryEntry, first).join(first, first.id == thread.first_post_id)
        .where(LibraryEntry.thread_id == thread.id), first, include_hidden)).first()
    if row is None:
        return None
    entry, post = row
    summary = field_texts(FIELD, {post.id: (entry.summary, entry.summary_language)}, language)[post.id]
    return EntryView(entry, _titles([thread], {post.id: post}, language)[thread.id], summary,
                     post.hidden_at is not None)


def _titles(threads: list[Thread], firsts: dict[int, Post], language: str) -> dict[int, ThreadTitle]:
    """Titles in `language` where a current translation exists (the title travels with the first post)."""
    ids = [t.first_post_id for t in threads if t.language != language]
    translated = {}
    if ids:
        translated = {row.post_id: row for row in db.session.execute(db.select(PostTranslation).where(
            PostTranslation.language == language, PostTranslation.post_id.in_(ids))).scalars()}
    result = {}
    for thread in threads:
        row = translated.get(thread.first_post_id)
        usable = bool(row is not None and row.title and row.revision == firsts[thread.first_post_id].revision)
        result[thread.id] = ThreadTitle(thread, row.title if usable else thread.title, usable)
    return result


def export_rows(languages: tuple[str, ...]) -> list[tuple[LibraryEntry, dict[str, str | None], dict[str, str | None]]]:
    """Every visible entry with its title and summary in each language: the original in its own language,
    the stored translation where it is current, else None. Oldest promotion first (a stable order)."""
    rows = _entries()
    rows.sort(key=lambda row: (row[0].promoted_at, row[0].id))
    ids = [post.id for _entry, post in rows]
    post_rows: dict[tuple[int, str], PostTranslation] = {}
    field_rows: dict[tuple[int, str], FieldTranslation] = {}
    if ids:
        for row in db.session.execute(db.select(PostTranslation).where(PostTranslation.post_id.in_(ids))).scalars():
            post_rows[(row.post_id, row.language)] = row
        for row in db.session.execute(db.select(FieldTranslation).where(
                FieldTranslation.field == FIELD, FieldTranslation.post_id.in_(ids))).scalars():
            field_rows[(row.post_id, row.language)] = row
    result = []
    for entry, post in rows:
        thread, digest = entry.thread, field_hash(entry.summary)
        titles, summaries = {}, {}
        for language in languages:
            if language == thread.language:
                titles[language] = thread.title
            else:
                row = post_rows.get((post.id, language))
                titles[language] = row.title if row is not None and row.title and row.revision == post.revision \
                    else None
            if language == entry.summary_language:
                summaries[language] = entry.summary
            else:
                row = field_rows.get((post.id, language))
                summaries[language] = row.text if row is not None and row.source_hash == digest else None
        result.append((entry, titles, summaries))
    return result

