"""Reading the library: entries whose thread may be shown, with titles and summaries in a language
(the page) or in every language (the export), in a fixed small number of queries."""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import aliased, contains_eager, joinedload

from ..countries import country_name, is_country_code
from ..extensions import db
from ..jobs import field_hash
from ..models import (City, FieldTranslation, LibraryEntry, LibraryTopic, Post, PostTranslation, Thread,
                      TranslationCorrection)
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


def _current_titles(post_ids: list[int], firsts: dict[int, Post],
                    language: str | None = None) -> dict[tuple[int, str], str]:
    """{(post id, language): title} for the current translated titles of these first posts: a
    person's corrected title before the machine's; none for a post kept untranslated by its author."""
    if not post_ids:
        return {}
    wanted = [i for i in post_ids if not firsts[i].no_machine_translation]
    if not wanted:
        return {}
    found: dict[tuple[int, str], str] = {}
    for model in (PostTranslation, TranslationCorrection):  # the correction, read last, wins
        query = db.select(model).where(model.post_id.in_(wanted))
        if language is not None:
            query = query.where(model.language == language)
        for row in db.session.execute(query).scalars():
            if row.title and row.revision == firsts[row.post_id].revision:
                found[(row.post_id, row.language)] = row.title
    return found


def _titles(threads: list[Thread], firsts: dict[int, Post], language: str) -> dict[int, ThreadTitle]:
    """Titles in `language` where a current translation exists (the title travels with the first post)."""
    titles = _current_titles([t.first_post_id for t in threads if t.language != language], firsts, language)
    result = {}
    for thread in threads:
        title = titles.get((thread.first_post_id, language))
        result[thread.id] = ThreadTitle(thread, title or thread.title, title is not None)
    return result


def export_rows(languages: tuple[str, ...]) -> list[tuple[LibraryEntry, dict[str, str | None], dict[str, str | None]]]:
    """Every visible entry with its title and summary in each language: the original in its own language,
    the stored translation where it is current, else None. Oldest promotion first (a stable order)."""
    rows = _entries()
    rows.sort(key=lambda row: (row[0].promoted_at, row[0].id))
    ids = [post.id for _entry, post in rows]
    post_titles = _current_titles(ids, {post.id: post for _entry, post in rows})
    field_rows: dict[tuple[int, str], FieldTranslation] = {}
    if ids:
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
                titles[language] = post_titles.get((post.id, language))
            if language == entry.summary_language:
                summaries[language] = entry.summary
            else:
                row = field_rows.get((post.id, language))
                summaries[language] = row.text if row is not None and row.source_hash == digest else None
        result.append((entry, titles, summaries))
    return result

