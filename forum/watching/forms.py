"""The watch form: one select of levels, on a thread page and on a category page."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectField, SubmitField

from ..forms_common import choices
from ..models import WatchLevel

PREFIX = "watch"  # field names watch-level, watch-submit: no clash with the page's other forms
REGULAR = "regular"  # no row: the level the API and the form call "regular" / "Normal"
LEVELS = (WatchLevel.WATCHING.value, WatchLevel.TRACKING.value, REGULAR, WatchLevel.MUTED.value)
LEVEL_NAMES = {
    WatchLevel.WATCHING.value: _l("Watching: notified of every reply"),
    WatchLevel.TRACKING.value: _l("Tracking: unread count only"),
    REGULAR: _l("Normal: unread count once you have read it"),
    WatchLevel.MUTED.value: _l("Muted: no unread count, no notifications"),
}
SHORT_NAMES = {
    WatchLevel.WATCHING.value: _l("Watching"),
    WatchLevel.TRACKING.value: _l("Tracking"),
    REGULAR: _l("Normal"),
    WatchLevel.MUTED.value: _l("Muted"),
}


def level_value(level: WatchLevel | None) -> str:
    return level.value if level is not None else REGULAR


def parse_level(value: str) -> WatchLevel | None:
    """A checked level value as the services take it (None: regular)."""
    return None if value == REGULAR else WatchLevel(value)


class WatchForm(FlaskForm):
    # SelectField refuses any value not among the choices ("Not a valid choice").
    level = SelectField(_l("Watch level"), choices=lambda: choices((v, LEVEL_NAMES[v]) for v in LEVELS))
    submit = SubmitField(_l("Save"))
