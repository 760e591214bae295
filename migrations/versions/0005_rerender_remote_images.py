"""posts stored before remote images became links are rendered again

Post HTML is rendered once, on write. Posts and translations written before images from
other hosts were turned into links still hold <img src="https://elsewhere/...">: the CSP
keeps browsers from loading them, but the API hands that HTML to any client. Render those
rows again with today's renderer (only rows holding an image; data only, no schema change).

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-02 07:30:00.000000

"""
from alembic import op
import sqlalchemy as sa


revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None

BATCH = 500


def upgrade():
    from forum.rendering import render_markdown

    bind = op.get_bind()
    for table in ("posts", "post_translations"):
        rows = sa.table(table, sa.column("id", sa.Integer), sa.column("body", sa.Text),
                        sa.column("body_html", sa.Text))
        last = 0
        while True:
            batch = bind.execute(
                sa.select(rows.c.id, rows.c.body).where(rows.c.id > last, rows.c.body_html.like("%<img%"))
                .order_by(rows.c.id).limit(BATCH)).all()
            if not batch:
                break
            for row_id, body in batch:
                bind.execute(rows.update().where(rows.c.id == row_id).values(body_html=render_markdown(body)))
            last = batch[-1][0]


def downgrade():
    pass  # the old HTML is not kept; the new rendering is a safe one for the old code too
