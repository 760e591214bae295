"""`flask glossary load-starter`: the starter glossary of civic terms (idempotent)."""
from __future__ import annotations

import click
from flask.cli import AppGroup

from ..glossary import services

glossary_cli = AppGroup("glossary", help="The translation glossary.")


@glossary_cli.command("load-starter")
def load_starter():
    """Add the starter entries that are missing; running it again adds nothing twice."""
    added = services.load_starter()
    click.echo(f"Starter glossary: {added} entries added.")
