"""`flask search reindex`: build the full-text index again from the posts (after a restore from an
old backup, or a change of stemming). Everything is kept in step on write; this is for repairs."""
from __future__ import annotations

import click
from flask.cli import AppGroup

from ..extensions import db
from ..models import Post
from ..search import documents

search_cli = AppGroup("search", help="The full-text search index.")


@search_cli.command("reindex")
def reindex():
    """Rewrite every post's search documents (originals and current translations)."""
    ids = db.session.execute(db.select(Post.id).order_by(Post.id)).scalars().all()
    written = 0
    with click.progressbar(range(0, len(ids), documents.CHUNK), label="Indexing posts") as chunks:
        for start in chunks:
            written += documents.refresh(ids[start:start + documents.CHUNK])
            db.session.commit()
    click.echo(f"Indexed {len(ids)} post(s): {written} document(s).")
