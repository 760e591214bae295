"""Who may read the forum: one rule for every page, so a new page is for members unless listed here.

FORUM_PUBLIC_READ off (the default for this network of officials): a visitor who is not logged in
sees the landing page at "/", the login, password-reset and invitation pages and the stylesheet, and is sent to the
login (and back afterwards) from anything else. On: reading is public, writing still needs a login.
"""
from __future__ import annotations

from flask import Flask, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

# What a visitor needs to become a member, to get back in ("forgot your password?"), or to draw the
# pages that say so. The unsubscribe link (forum/mail/routes.py) works without a login, the mail
# client's one-click POST too.
PUBLIC_ENDPOINTS = frozenset({"static", "auth.login", "auth.accept_invite", "auth.forgot_password",
                              "auth.reset_password", "mail.unsubscribe"})
LANDING_ENDPOINT = "threads.index"
# The API has its own rule: a bearer token on every endpoint but its OpenAPI document.
OWN_RULE_BLUEPRINTS = frozenset({"api"})


def members_only():
    if current_app.config.get("FORUM_PUBLIC_READ") or current_user.is_authenticated:
        return None
    endpoint = request.endpoint
    if endpoint is None:  # no such URL or method: the 404/405 page says nothing about the forum
        return None
    if endpoint in PUBLIC_ENDPOINTS or request.blueprint in OWN_RULE_BLUEPRINTS:
        return None
    if endpoint == LANDING_ENDPOINT:
        return render_template("landing.html")
    flash(_("Please log in to see this page."), "info")
    # Back to the page after logging in; a form posted anonymously has no page to return to.
    target = request.full_path.rstrip("?") if request.method in ("GET", "HEAD") else None
    return redirect(url_for("auth.login", next=target))


def register_access_rule(app: Flask) -> None:
    app.before_request(members_only)
