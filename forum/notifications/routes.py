"""/notifications: the member's notifications, newest first; opening one marks it read.

Only the owner sees or marks a notification: another member's id is a 404, as if it did not exist.
Both writes are POST with the CSRF token.
"""
from __future__ import annotations

from flask import abort, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required

from ..extensions import db
from ..models import FlagResolution
from ..text import ascii_int
from ..threads.reading import reader_language
from . import bp, services
from .forms import ReadForm
from .reading import notification_views, target_of

PER_PAGE = 25
RESOLUTION_NAMES = {FlagResolution.DISMISSED.value: _l("no action was needed"),
                    FlagResolution.HIDDEN.value: _l("the post was hidden"),
                    FlagResolution.CORRECTED.value: _l("the translation was corrected")}


def _page_arg() -> int:
    page = ascii_int(request.args.get("page"))
    return page if page is not None and 0 < page < 100_000 else 1


def _checked(form: ReadForm) -> None:
    if not form.validate_on_submit():
        abort(400)


@bp.route("/notifications")
@login_required
def index():
    page = services.page_of(current_user, _page_arg(), PER_PAGE)
    return render_template("notifications/index.html", page=page,
                           views=notification_views(page.items, reader_language()),
                           form=ReadForm(), resolution_names=RESOLUTION_NAMES)


@bp.post("/notifications/<int:notification_id>/read")
@login_required
def read(notification_id: int):
    _checked(ReadForm())
    notification = services.own(current_user, notification_id) if notification_id < 2**31 else None
    if notification is None:
        abort(404)
    services.mark_read(current_user, [notification.id])
    endpoint, values = target_of(notification)
    db.session.commit()
    return redirect(url_for(endpoint, **values))


@bp.post("/notifications/read-all")
@login_required
def read_all():
    _checked(ReadForm())
    count = services.mark_read(current_user)
    db.session.commit()
    if count:
        flash(_("All notifications are marked read."), "success")
    return redirect(url_for("notifications.index"))


@bp.app_template_global()
def unread_notification_count() -> int:
    """The header's number for the member reading (one COUNT, once per request); 0 for visitors."""
    if not current_user.is_authenticated:
        return 0
    if "unread_notification_count" not in g:
        g.unread_notification_count = services.unread_count(current_user)
    return g.unread_notification_count
