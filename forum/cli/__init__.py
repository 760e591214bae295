"""Command-line interface: `flask --app wsgi <group> <command>`."""
from flask import Flask


def register_commands(app: Flask) -> None:
    from .demo import demo_cli
    from .glossary import glossary_cli
    from .invites import invites_cli
    from .mail import mail_cli
    from .search import search_cli
    from .translation import translation_cli
    from .translation_jobs import COMMANDS as TRANSLATION_JOB_COMMANDS
    from .users import users_cli

    for command in TRANSLATION_JOB_COMMANDS:
        translation_cli.add_command(command)
    for group in (users_cli, invites_cli, demo_cli, translation_cli, glossary_cli, mail_cli, search_cli):
        app.cli.add_command(group)
