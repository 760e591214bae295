from __future__ import annotations

import click
from flask.cli import AppGroup

from ..config import LANGUAGES
from ..countries import country_code
from ..extensions import db
from ..forms_common import PASSWORD_MIN_LENGTH
from ..models import City, Role, User

users_cli = AppGroup("users", help="Manage members.")


def country_option(value: str, param_hint: str = "--country") -> str:
    """A code ("BR") or a name in English, Spanish or Portuguese ("Brasil"): the code it means."""
    code = country_code(value)
    if code is None:
        raise click.BadParameter(f"{value!r} is not a country: give its ISO 3166 code (such as MX, BR, US) "
                                 "or its name in English, Spanish or Portuguese", param_hint=param_hint)
    return code


def get_or_create_city(name: str, country: str, language: str) -> City:
    """`country`: an ISO 3166-1 code."""
    city = db.session.execute(db.select(City).filter_by(name=name, country=country)).scalar_one_or_none()
    if city is None:
        city = City(name=name, country=country, default_language=language)
        db.session.add(city)
        db.session.flush()
    return city


@users_cli.command("create")
@click.option("--email", required=True)
@click.option("--password", required=True, help=f"At least {PASSWORD_MIN_LENGTH} characters.")
@click.option("--name", "display_name", required=True, help="Display name.")
@click.option("--city", required=True, help="City name; created if it does not exist.")
@click.option("--country", required=True, help="ISO 3166 code (MX) or name (Mexico, México).")
@click.option("--role", type=click.Choice([r.value for r in Role]), default=Role.MEMBER.value, show_default=True)
@click.option("--language", type=click.Choice(LANGUAGES), default="en", show_default=True)
def create_user(email, password, display_name, city, country, role, language):
    """Create a member directly (the first administrator, for instance)."""
    email = email.strip().lower()
    if "@" not in email or len(email) > 254:
        raise click.BadParameter("not an email address", param_hint="--email")
    country = country_option(country)
    if len(password) < PASSWORD_MIN_LENGTH:
        raise click.BadParameter(f"must have at least {PASSWORD_MIN_LENGTH} characters", param_hint="--password")
    if not display_name.strip() or len(display_name) > 80:
        raise click.BadParameter("must have 1 to 80 characters", param_hint="--name")
    if db.session.execute(db.select(User.id).filter_by(email=email)).first():
        raise click.ClickException(f"a member with the email {email} already exists")
    user = User(email=email, display_name=display_name.strip(), role=Role(role), language=language,
                city=get_or_create_city(city.strip(), country, language))
    user.set_password(password)
    db.session.add(user)
    db.session.commit()
    click.echo(f"Created {role} {email} ({user.city}).")


@users_cli.command("token")
@click.argument("email")
@click.option("--name", default="command line", show_default=True, help="A label to tell tokens apart.")
def create_api_token(email, name):
    """Create a personal API token for EMAIL; the token is printed alone on the last line."""
    from ..tokens import create_token

    user = db.session.execute(db.select(User).filter_by(email=email.strip().lower())).scalar_one_or_none()
    if user is None:
        raise click.ClickException(f"no member with the email {email}")
    if user.suspended:
        raise click.ClickException(f"{email} is suspended")
    _row, token = create_token(user, name[:80])
    click.echo(f"API token for {user.email} (shown once; store it safely):")
    click.echo(token)
