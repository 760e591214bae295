"""The mail pages: unsubscribing from a link in an email (no login), and the admins' view of the outbox."""
from __future__ import annotations

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from sqlalchemy import func

from ..audit import record
from ..auth.caching import no_store
from ..extensions import csrf, db
from ..models import Email, EmailFrequency, EmailStatus, User
from ..permissions import admin_required
from . import bp, outbox
from .forms import RetryFailedForm, UnsubscribeForm
from .unsubscribe import member_for

FAILED_SHOWN = 50
ERROR_CHARS = 200
STATUS_NAMES = {EmailStatus.PENDING: _l("Pending"), EmailStatus.SENDING: _l("Sending"), EmailStatus.SENT: _l("Sent"),
                EmailStatus.FAILED: _l("Failed"), EmailStatus.CANCELLED: _l("Cancelled")}
ONE_CLICK = ("List-Unsubscribe", "One-Click")  # RFC 8058's body, from a mail client's button


def _page_language(user: User | None) -> str:
    """The member's language (the page answers a link in their email), unless they picked one here."""
    languages = current_app.config["LANGUAGES"]
    requested = request.args.get("lang")
    if requested in languages:
        return requested
    if user is not None and user.language in languages:
        return user.language
    return request.accept_languages.best_match(languages) or current_app.config["BABEL_DEFAULT_LOCALE"]


def _turn_off(user: User) -> None:
    """Idempotent: a second click (or a mail client's retry) changes nothing more."""
    if user.email_frequency != EmailFrequency.NONE:
        user.email_frequency = EmailFrequency.NONE
        db.session.commit()


# CSRF: the one-click POST comes from a mail client (or its provider's server) with no session and no
# form token; what it proves is the signed token in the URL, which only the email's reader has. That
# case alone is let through; the page's own button is a FlaskForm, which checks its CSRF token itself.
@bp.route("/unsubscribe/<token>", methods=["GET", "POST"])
@csrf.exempt
@no_store  # the link's token is in the page (the form's action)
def unsubscribe(token: str):
    user = member_for(token)
    with force_locale(_page_language(user)):
        if user is None:
            return render_template("mail/unsubscribe_invalid.html"), 404
        if request.method == "POST":
            if request.form.get(ONE_CLICK[0]) == ONE_CLICK[1]:
                _turn_off(user)
                return render_template("mail/unsubscribe.html", member=user, form=None, done=True)
            form = UnsubscribeForm()
            if not form.validate_on_submit():
                return render_template("errors/error.html", code=400, message=_(
                    "Your form expired or did not come from this site. Please reload the page and try again.")), 400
            _turn_off(user)
            flash(_("You will no longer get emails about notifications."), "success")
            return redirect(url_for("mail.unsubscribe", token=token))
        return render_template("mail/unsubscribe.html", member=user, form=UnsubscribeForm(),
                               done=user.email_frequency == EmailFrequency.NONE)


@bp.route("/admin/mail")
@admin_required
@no_store  # recipients' addresses
def outbox_status():
    """Counts per status and the recent failures. Never payloads: some hold secret links."""
    counts = dict(db.session.execute(db.select(Email.status, func.count(Email.id)).group_by(Email.status)).all())
    failed = db.session.execute(
        db.select(Email.id, Email.kind, Email.to_address, Email.attempts, Email.last_error, Email.created_at)
        .where(Email.status == EmailStatus.FAILED).order_by(Email.created_at.desc(), Email.id.desc())
        .limit(FAILED_SHOWN)).all()
    rows = [(row, _truncated(row.last_error)) for row in failed]
    return render_template("mail/admin.html", counts=[(STATUS_NAMES[status], counts.get(status, 0), status.value)
                                                         for status in EmailStatus],
                           failed=rows, form=RetryFailedForm())


@bp.post("/admin/mail/retry")
@admin_required
def retry_failed():
    form = RetryFailedForm()
    if not form.validate_on_submit():
        abort(400)
    count = outbox.retry_failed()
    if count:
        record("mail.retry_failed", "email", None, after={"count": count})
        db.session.commit()
    flash(ngettext("%(num)d failed email will be sent again.", "%(num)d failed emails will be sent again.", count)
          if count else _("No failed email to retry."), "success")
    return redirect(url_for("mail.outbox_status"))


def _truncated(text: str | None) -> str:
    text = text or ""
    return text if len(text) <= ERROR_CHARS else text[:ERROR_CHARS - 1] + "…"
