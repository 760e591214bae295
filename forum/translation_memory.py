"""The translation library's memory protocol, stored in the forum's database."""
from __future__ import annotations

from typing import Mapping, Sequence

from sqlalchemy import and_, or_
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from translation import MemoryKey

from .extensions import db
from .models import TranslationMemoryEntry as Entry

_KEY_COLUMNS = ["engine", "model_version", "source_language", "target_language", "text_hash"]


def dialect_insert(model):
    """INSERT with ON CONFLICT support for the dialect in use (SQLite or PostgreSQL)."""
    return (pg_insert if db.engine.dialect.name == "postgresql" else sqlite_insert)(model)


class DatabaseMemory:
    def get_many(self, keys: Sequence[MemoryKey]) -> dict[MemoryKey, str]:
        if not keys:
            return {}
        conditions = [and_(Entry.engine == k.engine, Entry.model_version == k.model_version,
                           Entry.source_language == k.source, Entry.target_language == k.target,
                           Entry.text_hash == k.text_hash) for k in keys]
        rows = db.session.execute(db.select(Entry).where(or_(*conditions))).scalars()
        return {MemoryKey(r.engine, r.model_version, r.source_language, r.target_language, r.text_hash):
                r.translation for r in rows}

    def put_many(self, items: Mapping[MemoryKey, str]) -> None:
        if not items:
            return
        rows = [{"engine": k.engine, "model_version": k.model_version, "source_language": k.source,
                 "target_language": k.target, "text_hash": k.text_hash, "translation": text}
                for k, text in items.items()]
        # Two workers may translate the same run at once: the first one stored wins.
        db.session.execute(dialect_insert(Entry).values(rows).on_conflict_do_nothing(index_elements=_KEY_COLUMNS))
        # Commit at once: an open write transaction would hold SQLite's lock while the
        # engine goes on (the thread title is translated after the body).
        db.session.commit()
