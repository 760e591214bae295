from __future__ import annotations

import click
from flask.cli import AppGroup

from ..config import LANGUAGES
from ..extensions import db
from ..invites import create_invite, email_language, resend_invite, revoke_invites
from ..models import City, Invite, Role, User
from .users import country_option

invites_cli = AppGroup("invites", help="Invite people to the network.")


@invites_cli.command("create")
@click.option("--email", required=True)
@click.option("--city", required=True, help="Name of an existing city.")
@click.option("--country", default=None,
              help="ISO 3166 code (MX) or name (Mexico, México); only needed when two cities share a name.")
@click.option("--role", type=click.Choice([r.value for r in Role]), default=Role.MEMBER.value, show_default=True)
@click.option("--language", type=click.Choice(LANGUAGES), default=None,
              help="The invitation email's language. Default: the city's default language.")
def create(email, city, country, role, language):
    """Create a single-use invitation, queue its email and print its link (on the last line)."""
    email = email.strip().lower()
    if "@" not in email or len(email) > 254:
        raise click.BadParameter("not an email address", param_hint="--email")
    query = db.select(City).filter_by(name=city.strip())
    if country:
        query = query.filter_by(country=country_option(country))
    cities = db.session.execute(query).scalars().all()
    if not cities:
        raise click.ClickException(f"no city named {city!r}; an administrator adds it first")
    if len(cities) > 1:
        raise click.ClickException(f"several cities are named {city!r}; add --country")
    if db.session.execute(db.select(User.id).filter_by(email=email)).first():
        raise click.ClickException(f"a member with the email {email} already exists")
    invite, link = create_invite(email, cities[0], Role(role), language=language)
    click.echo(f"Invitation email queued to {email} (language: {email_language(invite)}). Its link, which works once:")
    click.echo(link)


@invites_cli.command("resend")
@click.argument("email")
def resend(email):
    """Send the newest unused invitation to EMAIL again, with a new link (the old one stops working)."""
    email = email.strip().lower()
    invite_id = db.session.execute(
        db.select(Invite.id).where(Invite.email == email, Invite.used_at.is_(None), Invite.revoked_at.is_(None))
        .order_by(Invite.created_at.desc(), Invite.id.desc()).limit(1)).scalar_one_or_none()
    if invite_id is None:
        raise click.ClickException(f"no unused invitation to {email}")
    if db.session.execute(db.select(User.id).filter_by(email=email)).first():
        raise click.ClickException(f"a member with the email {email} already exists")
    sent = resend_invite(invite_id)
    if sent is None:
        raise click.ClickException(f"the invitation to {email} was used or revoked meanwhile")
    invite, link = sent
    click.echo(f"Invitation email queued again to {email} (language: {email_language(invite)}). Its new link:")
    click.echo(link)


@invites_cli.command("revoke")
@click.argument("email")
def revoke(email):
    """Revoke every unused invitation to EMAIL: their links stop working."""
    email = email.strip().lower()
    count = revoke_invites(Invite.email == email)
    if not count:
        raise click.ClickException(f"no unused invitation to {email}")
    click.echo(f"Revoked {count} invitation{'s' if count != 1 else ''} to {email}.")
