"""The glossary as a multilingual thesaurus: a query word that is a glossary term (or a term's
preferred translation) in any language also finds its translations in the others.

Entries "prefer" link a term in one language to its translation in another (en "leak" -> es
"fuga", en "leak" -> pt "vazamento"); the linked forms make one group, so "fugas" finds "leak" and
"vazamento" too. Words are compared by Snowball stem in each entry's own language, so plurals and
accents do not matter. The glossary is small (hundreds of entries): read once per search.
"""
from __future__ import annotations

from ..extensions import db
from ..models import GlossaryTerm
from .text import fold, stem, words

MAX_ALTERNATIVES = 6  # per query word: what one word may add to a query


def _key(form: str, language: str) -> tuple[str, ...]:
    return tuple(stem(w, language) for w in words(form))


def expansions(query_words: list[str]) -> dict[str, list[tuple[str, str]]]:
    """For each query word that the glossary knows: [(language, form), ...] of its other forms."""
    rows = db.session.execute(
        db.select(GlossaryTerm.source_language, GlossaryTerm.term, GlossaryTerm.term_plural,
                  GlossaryTerm.target_language, GlossaryTerm.translation, GlossaryTerm.translation_plural)
        .where(GlossaryTerm.kind == "prefer", GlossaryTerm.translation.is_not(None))).all()
    if not rows or not query_words:
        return {}
    # Union-find over (language, stem key): every entry joins its term and its translation.
    parent: dict[tuple, tuple] = {}

    def find(node):
        parent.setdefault(node, node)
        while parent[node] != node:
            parent[node] = parent[parent[node]]
            node = parent[node]
        return node

    forms: dict[tuple, tuple[str, str]] = {}
    for source, term, term_plural, target, translation, translation_plural in rows:
        nodes = []
        for language, form in ((source, term), (source, term_plural), (target, translation),
                               (target, translation_plural)):
            if form and _key(form, language):
                node = (language, _key(form, language))
                forms.setdefault(node, (language, form))
                nodes.append(node)
        for node in nodes[1:]:
            parent[find(node)] = find(nodes[0])
    groups: dict[tuple, list[tuple]] = {}
    for node in forms:
        groups.setdefault(find(node), []).append(node)
    found: dict[str, list[tuple[str, str]]] = {}
    for word in query_words:
        for language in ("en", "es", "pt"):
            node = (language, (stem(word, language),))
            if node in forms:
                others = [forms[n] for n in groups[find(node)] if n[1] != node[1] and fold(forms[n][1]) != word]
                found[word] = sorted(set(others))[:MAX_ALTERNATIVES]
                break
    return {word: alts for word, alts in found.items() if alts}
