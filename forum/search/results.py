"""A search as the searcher reads it: threads ranked by their best matching post, each with up to
three posts shown in the searcher's language, a highlighted snippet, and where it matched (its
original, or a translation in another language)."""
from __future__ import annotations

from dataclasses import dataclass, field

from markupsafe import Markup, escape

from ..extensions import db
from ..models import Post, Thread
from ..threads.reading import Pager, PostView, ThreadTitle, post_views, thread_titles
from . import engines, thesaurus
from .query import Query, parse
from .text import LANGUAGES, WORD, fold, plain_text, stem, words

POSTS_PER_THREAD = 3
SNIPPET_CHARS = 240
SNIPPET_READ = 20_000  # a snippet is looked for in the first this many characters of a post


@dataclass
class Match:
    view: PostView
    snippet: Markup
    language: str   # the language of the document that matched
    source: str     # "original" | "machine" | "reviewed"

    @property
    def through_other_text(self) -> bool:
        """It matched in a text other than the one shown (another language, or the original while
        the translation is shown): the result says where."""
        return self.language != self.shown_language

    @property
    def shown_language(self) -> str:
        return self.view.translation_language if self.view.translated and not self.view.originals_first \
            else self.view.post.language


@dataclass
class ThreadResult:
    title: ThreadTitle
    matches: list[Match]


@dataclass
class Results(Pager):
    query: Query
    threads: list[ThreadResult] = field(default_factory=list)
    total: int = 0          # threads found (among the best CANDIDATES documents)
    page: int = 1
    per_page: int = 10
    expanded: dict = field(default_factory=dict)  # glossary expansions used: word -> [(language, form)]


def search(text: str, language: str, where=(), page: int = 1, per_page: int = 10) -> Results:
    query = parse(text)
    if not query:
        return Results(query, page=page, per_page=per_page)
    expanded = thesaurus.expansions([c[0] for c in query.include if len(c) == 1])
    hits = engines.matches(query, expanded, where)
    by_thread: dict[int, list[engines.Hit]] = {}
    for hit in hits:  # best first: a thread ranks by its best post
        posts = by_thread.setdefault(hit.thread_id, [])
        if len(posts) < POSTS_PER_THREAD and all(h.post_id != hit.post_id for h in posts):
            posts.append(hit)
    results = Results(query, total=len(by_thread), page=page, per_page=per_page, expanded=expanded)
    chosen = list(by_thread.items())[(page - 1) * per_page:page * per_page]
    if not chosen:
        return results
    post_ids = [h.post_id for _, thread_hits in chosen for h in thread_hits]
    views = {v.post.id: v for v in post_views(db.select(Post).where(Post.id.in_(post_ids)), language)}
    titles = {t.thread.id: t for t in thread_titles(
        db.select(Thread).where(Thread.id.in_([thread_id for thread_id, _ in chosen])), language)}
    stems = _highlight_stems(query, expanded)
    for thread_id, thread_hits in chosen:
        if thread_id not in titles:
            continue
        found = [Match(views[h.post_id], Markup(""), h.language, h.source)
                 for h in thread_hits if h.post_id in views]
        for match in found:
            match.snippet = snippet(_shown_text(match.view), match.shown_language, stems)
        if found:
            results.threads.append(ThreadResult(titles[thread_id], found))
    return results


SIMILAR = 5
SIMILAR_WORDS = 8


def similar_threads(title: str, language: str, limit: int = SIMILAR) -> list[ThreadTitle]:
    """Threads whose title or first post share words with a title being written, in any language
    (through translations and the glossary), in the writer's language: "has another city asked?"."""
    from ..models import SearchDocument
    from .text import STOP_WORDS

    found = [c for c in parse(title).include if len(c) == 1 and c[0] not in STOP_WORDS][:SIMILAR_WORDS]
    if not found:
        return []
    query = Query(tuple(found), ())
    expanded = thesaurus.expansions([c[0] for c in found])
    hits = engines.matches(query, expanded, [SearchDocument.post_id == Thread.first_post_id], limit=50,
                           every_word=False)
    order = list(dict.fromkeys(h.thread_id for h in hits))[:limit]
    if not order:
        return []
    titles = {t.thread.id: t for t in thread_titles(db.select(Thread).where(Thread.id.in_(order)), language)}
    return [titles[i] for i in order if i in titles]


def _shown_text(view: PostView) -> str:
    html = view.body_html
    return plain_text(html[:4 * SNIPPET_READ])[:SNIPPET_READ]


def _highlight_stems(query: Query, expanded) -> set[str]:
    """Stems, in every language, of the words to find and of their glossary translations."""
    forms = [word for clause in query.include for word in clause]
    forms += [form for alternatives in expanded.values() for _, form in alternatives]
    return {stem(w, language) for form in forms for w in words(form) for language in LANGUAGES}


def snippet(text: str, language: str, stems: set[str]) -> Markup:
    """Up to SNIPPET_CHARS around the first matching word, escaped, then matching words in <mark>."""
    heads = {s[:3] for s in stems}  # a cheap test first: a stem keeps its word's first letters
    spans = [m.span() for m in WORD.finditer(text)
             if fold(m.group())[:3] in heads and stem(m.group(), language) in stems]
    start = 0
    if spans:
        start = max(0, spans[0][0] - SNIPPET_CHARS // 3)
        space = text.rfind(" ", 0, start)
        start = space + 1 if start and space >= 0 and start - space < 30 else start
    end = min(len(text), start + SNIPPET_CHARS)
    parts, at = [], start
    for begin, finish in spans:
        if begin < start or finish > end:
            continue
        parts.append(escape(text[at:begin]))
        parts.append(Markup("<mark>%s</mark>") % text[begin:finish])
        at = finish
    parts.append(escape(text[at:end]))
    prefix = "…" if start > 0 else ""
    suffix = "…" if end < len(text) else ""
    return Markup(prefix) + Markup("").join(parts) + Markup(suffix)
