from __future__ import annotations

import click
from flask.cli import AppGroup

from ..extensions import db
from ..invites import create_invite, revoke_invites
from ..models import City, Invite, Role, User
from .users import country_option

invites_cli = AppGroup("invites", help="Invite people to the network.")


@invites_cli.command("create")
@click.option("--email", required=True)
@click.option("--city", required=True, help="Name of an existing city.")
@click.option("--country", default=None,
              help="ISO 3166 code (MX) or name (Mexico, México); only needed when two cities share a name.")
@click.option("--role", type=click.Choice([r.value for r in Role]), default=Role.MEMBER.value, show_default=True)
def create(email, city, country, role):
    """Create a single-use invitation and print its link."""
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
    _invite, link = create_invite(email, cities[0], Role(role))
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
