"""full-text search

search_documents: each post's original and current translations as plain text, and the database's
own full-text index over them. SQLite: an FTS5 table (search_fts, rowid = the document's id) of
Snowball stems, unicode61 with remove_diacritics 2. PostgreSQL: a stored tsvector column (`vector`,
the english/spanish/portuguese configuration of the document's language, over unaccent; titles
weighted A) with a GIN index. Existing posts are indexed here. posts.deleted_at and posts.hidden_at
get indexes: every read path leaves those few posts out.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-08 01:20:00

"""
from alembic import op
import sqlalchemy as sa


revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None

# Immutable wrappers: unaccent() and a language -> configuration choice must be IMMUTABLE to be
# used in a stored generated column (PostgreSQL's documented pattern for unaccent in indexes).
POSTGRES_FUNCTIONS = """
CREATE EXTENSION IF NOT EXISTS unaccent;
CREATE FUNCTION forum_unaccent(text) RETURNS text
    LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
    AS $$ SELECT public.unaccent('public.unaccent'::regdictionary, $1) $$;
CREATE FUNCTION forum_search_config(text) RETURNS regconfig
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    AS $$ SELECT CASE $1 WHEN 'es' THEN 'pg_catalog.spanish'::regconfig
                         WHEN 'pt' THEN 'pg_catalog.portuguese'::regconfig
                         ELSE 'pg_catalog.english'::regconfig END $$;
CREATE FUNCTION forum_search_vector(language text, title text, body text) RETURNS tsvector
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    AS $$ SELECT setweight(to_tsvector(forum_search_config(language), forum_unaccent(coalesce(title, ''))), 'A')
              || setweight(to_tsvector(forum_search_config(language), forum_unaccent(body)), 'D') $$;
"""


def upgrade():
    op.create_table('search_documents',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('post_id', sa.Integer(), nullable=False),
    sa.Column('thread_id', sa.Integer(), nullable=False),
    sa.Column('language', sa.String(length=2), nullable=False),
    sa.Column('source', sa.String(length=10), nullable=False),
    sa.Column('title', sa.Text(), nullable=True),
    sa.Column('body', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['post_id'], ['posts.id'], name=op.f('fk_search_documents_post_id_posts')),
    sa.ForeignKeyConstraint(['thread_id'], ['threads.id'], name=op.f('fk_search_documents_thread_id_threads')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_search_documents')),
    sa.UniqueConstraint('post_id', 'language', name='uq_search_documents_post_language')
    )
    with op.batch_alter_table('search_documents', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_search_documents_thread_id'), ['thread_id'], unique=False)
    # The few deleted or hidden posts, which every read path and search leaves out, without a table scan.
    with op.batch_alter_table('posts', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_posts_deleted_at'), ['deleted_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_posts_hidden_at'), ['hidden_at'], unique=False)

    bind = op.get_bind()
    if bind.dialect.name == "postgresql":
        op.execute(POSTGRES_FUNCTIONS)
        op.execute("ALTER TABLE search_documents ADD COLUMN vector tsvector "
                   "GENERATED ALWAYS AS (forum_search_vector(language, title, body)) STORED")
        op.execute("CREATE INDEX ix_search_documents_vector ON search_documents USING gin (vector)")
    else:
        op.execute("CREATE VIRTUAL TABLE search_fts USING fts5("
                   "title, body, tokenize = 'unicode61 remove_diacritics 2')")

    from forum.search.documents import refresh

    post_ids = bind.execute(sa.text("SELECT id FROM posts ORDER BY id")).scalars().all()
    refresh(post_ids, bind)


def downgrade():
    bind = op.get_bind()
    if bind.dialect.name == "postgresql":
        op.execute("DROP INDEX ix_search_documents_vector")
        op.execute("ALTER TABLE search_documents DROP COLUMN vector")
        op.execute("DROP FUNCTION forum_search_vector(text, text, text)")
        op.execute("DROP FUNCTION forum_search_config(text)")
        op.execute("DROP FUNCTION forum_unaccent(text)")
    else:
        op.execute("DROP TABLE search_fts")
    with op.batch_alter_table('posts', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_posts_hidden_at'))
        batch_op.drop_index(batch_op.f('ix_posts_deleted_at'))
    with op.batch_alter_table('search_documents', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_search_documents_thread_id'))
    op.drop_table('search_documents')
