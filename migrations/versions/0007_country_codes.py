"""countries as ISO 3166-1 alpha-2 codes

City.country was free text ("Mexico", "México", "EE. UU."). Each value becomes a code, matched case-
and accent-insensitively against CLDR's names in English, Spanish and Portuguese and a few common
short forms (forum.countries.country_code); values that already are codes stay. What matches nothing
becomes "ZZ" (unknown) and is listed in a warning, for an operator to fix on the admin cities page.

Two rows may now name the same city: "Recife, Brazil" and "Recife, Brasil" are one city written twice.
Those are merged into the oldest row (members, invitations, job postings and library entries follow it),
since the unique (name, country) must hold. Rows that could not be matched are different cities as far
as anyone knows ("Springfield, Narnia" and "Springfield, Atlantis"): they are not merged; the later ones
keep their old country text in their name ("Springfield (Atlantis)") and are listed in the warning.

The downgrade turns codes back into English names ("ZZ" becomes "Unknown Region"): one name per code,
so it cannot collide.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-02 13:00:00.000000

"""
from __future__ import annotations

import logging

from alembic import op
import sqlalchemy as sa


revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None

log = logging.getLogger("alembic.runtime.migration")

UNKNOWN = "ZZ"
# The tables whose rows point at a city, as of this revision.
CITY_REFERENCES = ("users", "invites", "job_postings", "library_entries")
NAME_MAX = 120

cities = sa.table("cities", sa.column("id", sa.Integer), sa.column("name", sa.String),
                  sa.column("country", sa.String))


def _warn(message: str) -> None:
    # Both: the log for deployments that collect it, stdout for an operator at a terminal.
    log.warning(message)
    print(f"WARNING: {message}")


def plan(rows: list[tuple[int, str, str]]) -> tuple[dict[int, tuple[str, str]], dict[int, int], list[str]]:
    """From (id, name, country) rows, oldest first: the new (name, code) of each kept row, the rows merged
    into another (id -> kept id), and the values that matched no country. Pure, so it is tested alone."""
    from forum.countries import country_code

    new: dict[int, tuple[str, str]] = {}
    merged: dict[int, int] = {}
    unmatched: list[str] = []
    taken: dict[tuple[str, str], int] = {}
    for row_id, name, country in rows:
        code = country_code(country)
        if code is None:
            unmatched.append(f"{name}, {country} (city {row_id})")
            code = UNKNOWN
        if (name, code) in taken and code != UNKNOWN:
            merged[row_id] = taken[(name, code)]
            continue
        if (name, code) in taken:  # unknown countries: two cities, tell them apart by the old text
            suffix = f" ({country})"
            name = name[:NAME_MAX - len(suffix)] + suffix if len(suffix) < NAME_MAX else name
            n = 2
            while (name, code) in taken:
                tail = f" {n}"
                name, n = name[:NAME_MAX - len(tail)] + tail, n + 1
        taken[(name, code)] = row_id
        new[row_id] = (name, code)
    return new, merged, unmatched


def upgrade():
    bind = op.get_bind()
    rows = [tuple(r) for r in bind.execute(sa.select(cities.c.id, cities.c.name, cities.c.country)
                                           .order_by(cities.c.id))]
    new, merged, unmatched = plan(rows)
    for old_id, kept_id in merged.items():
        for table in CITY_REFERENCES:
            t = sa.table(table, sa.column("city_id", sa.Integer))
            bind.execute(t.update().where(t.c.city_id == old_id).values(city_id=kept_id))
        bind.execute(cities.delete().where(cities.c.id == old_id))
    # Through placeholders first: a new (name, code) may be another row's old pair for a moment.
    for row_id in new:
        bind.execute(cities.update().where(cities.c.id == row_id).values(country=f"#{row_id}"))
    for row_id, (name, code) in new.items():
        bind.execute(cities.update().where(cities.c.id == row_id).values(name=name, country=code))
    with op.batch_alter_table("cities", schema=None) as batch_op:
        batch_op.alter_column("country", existing_type=sa.String(length=80), type_=sa.String(length=2),
                              existing_nullable=False)
    if merged:
        _warn(f"0007: {len(merged)} cities written twice were merged: city ids "
              + ", ".join(f"{old} into {kept}" for old, kept in merged.items()))
    renamed = [f"{new[i][0]} (city {i})" for i, name, _c in rows if i in new and new[i][0] != name]
    if renamed:
        _warn("0007: cities renamed to tell apart cities of unknown countries: " + "; ".join(renamed))
    if unmatched:
        _warn(f"0007: {len(unmatched)} city countries matched no country and are now {UNKNOWN} "
              "(unknown); set them on the admin cities page: " + "; ".join(unmatched))


def downgrade():
    from babel import Locale

    names = Locale.parse("en").territories
    with op.batch_alter_table("cities", schema=None) as batch_op:
        batch_op.alter_column("country", existing_type=sa.String(length=2), type_=sa.String(length=80),
                              existing_nullable=False)
    bind = op.get_bind()
    for row_id, code in bind.execute(sa.select(cities.c.id, cities.c.country)).all():
        bind.execute(cities.update().where(cities.c.id == row_id).values(country=names.get(code, code)[:80]))
