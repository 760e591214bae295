"""Command-line interface: `flask --app wsgi <group> <command>`."""
from flask import Flask


def register_commands(app: Flask) -> None:
    from .demo import demo_cli
    from .invites import invites_cli
    translation_cli = None  # TEMP
    from .users import users_cli

    for group in filter(None, (users_cli, invites_cli, demo_cli, translation_cli)):
        app.cli.add_command(group)
