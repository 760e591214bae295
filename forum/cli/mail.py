"""`flask mail send-pending | status`: the email outbox (and the daily digests) from the command line."""
from __future__ import annotations

import click
from flask.cli import AppGroup
from sqlalchemy import func

from ..extensions import db
from ..mail import outbox
from ..models import Email

mail_cli = AppGroup("mail", help="The email outbox.")


@mail_cli.command("send-pending")
def send_pending():
    """Queue the daily digests that are due and send the emails that are due now (what the worker does each round)."""
    click.echo(f"Handled {outbox.send_round(limit=None)} email(s).")


@mail_cli.command("status")
def status():
    """How many emails are in each state."""
    rows = db.session.execute(db.select(Email.status, func.count(Email.id)).group_by(Email.status)).all()
    for state, count in sorted(rows, key=lambda row: row[0].value):
        click.echo(f"{state.value}: {count}")
    if not rows:
        click.echo("The outbox is empty.")
