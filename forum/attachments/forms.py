"""The attachment fields of the thread, reply and edit forms."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf.file import MultipleFileField
from wtforms import SelectMultipleField
from wtforms.validators import ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from . import services
from .detection import ALLOWED_LABEL, KINDS, RefusedFile

# A hint for the browser's file picker; the bytes decide on the server.
ACCEPT = ",".join([".jpeg", *(f".{kind.extension}" for kind in KINDS.values())])


class AttachmentsField(MultipleFileField):
    """Files for a post: each one's type checked from its bytes and its size capped while the form
    validates; `checked` then holds them, ready for services.store. `kept` (set by the edit page)
    counts the attachments the post keeps, for the per-post limit."""

    kept = 0

    def __init__(self, label=None, **kwargs):
        kwargs.setdefault("description", _l("Optional. %(types)s; up to %(count)s files of at most %(size)s each.",
                                            types=ALLOWED_LABEL, count=_Lazy(services.per_post),
                                            size=_Lazy(lambda: services.human_size(services.max_bytes()))))
        kwargs.setdefault("render_kw", {"accept": ACCEPT})
        super().__init__(label or _l("Attachments"), **kwargs)
        self.checked: list[services.CheckedFile] = []

    def pre_validate(self, form) -> None:
        files = [f for f in (self.data or []) if f]
        if self.kept + len(files) > services.per_post():
            raise ValidationError(str(services.too_many_message()))
        checked = []
        for upload in files:
            try:
                checked.append(services.check(upload))
            except RefusedFile as refused:  # one message per refused file (validate() counts them)
                self.errors.append(f"{_display_name(upload.filename)}: {refused.message}")
        self.checked = [] if self.errors else checked


def _display_name(name: str | None) -> str:
    return (name or "").replace("\\", "/").rsplit("/", 1)[-1][:80] or str(_l("file"))


class _Lazy:
    """A value read when the description is drawn (the app's config), not at import."""

    def __init__(self, get) -> None:
        self.get = get

    def __str__(self) -> str:
        return str(self.get())

class RemoveAttachmentsField(SelectMultipleField):
    """Checkboxes, one per attachment of the post being edited (choices set by the page)."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()

    def __init__(self, label=None, **kwargs):
        super().__init__(label or _l("Remove attachments"), coerce=int, validate_choice=True, **kwargs)

