"""GET /admin/audit: the audit log for administrators, newest first, with filters. Read only: no
route edits or deletes an entry (and the database refuses it)."""
from __future__ import annotations

from flask import render_template, request
from flask_babel import gettext as _

from ..auth.caching import no_store
from ..forms_common import choices
from ..permissions import admin_required
from ..text import ascii_int
from . import bp, reading
from .forms import AuditFilterForm

FILTERS = ("action", "actor", "target_type", "target_id", "since", "until")


def _filter_form() -> tuple[AuditFilterForm, reading.Filters]:
    """The filters as asked; a value in error is shown so and ignored."""
    form = AuditFilterForm(formdata=request.args)
    form.action.choices = choices([("", _("Any action")), *((code, reading.describe(code))
                                                              for code in reading.known_actions())])
    form.target_type.choices = choices([("", _("Any target")), *reading.TARGET_TYPES.items()])
    form.validate()

    def good(field):
        return field.data if field.data not in (None, "") and not field.errors else None

    return form, reading.Filters(action=good(form.action), actor=good(form.actor),
                                 target_type=good(form.target_type), target_id=good(form.target_id),
                                 since=good(form.since), until=good(form.until))


@bp.route("/admin/audit")
@admin_required
@no_store  # who did what to whom: not for shared caches
def index():
    form, filters = _filter_form()
    page = ascii_int(request.args.get("page"))
    page = page if page is not None and 0 < page < 100_000 else 1
    pagination = reading.entries_page(filters, page)
    kept = {name: request.args[name] for name in FILTERS
            if request.args.get(name) and not getattr(form, name).errors}
    return render_template("audit/index.html", form=form, pagination=pagination, kept=kept,
                           links=reading.target_links(pagination.items), describe=reading.describe,
                           compact=reading.compact, target_types=reading.TARGET_TYPES)
