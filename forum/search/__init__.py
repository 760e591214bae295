"""Search across languages with the database's own full-text search.

text.py (words, folding, stems) -> documents.py (what is indexed, kept in step with every write)
-> engines.py (FTS5 or PostgreSQL text search behind one function) -> results.py (threads, snippets,
where it matched) -> routes.py (the page); the API's /search uses results.py too. The glossary is
also a thesaurus (thesaurus.py).
"""
from flask import Blueprint

bp = Blueprint("search", __name__)

from . import routes  # noqa: E402,F401
