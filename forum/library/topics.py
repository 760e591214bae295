"""Names of the library's topics, in the reader's language, in the order the library page shows them."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

from ..models import LibraryTopic

TOPIC_NAMES = {
    LibraryTopic.WATER: _l("Water"),
    LibraryTopic.MOBILITY: _l("Mobility"),
    LibraryTopic.HOUSING: _l("Housing"),
    LibraryTopic.OPEN_DATA: _l("Open data"),
    LibraryTopic.BUDGETING: _l("Budgeting"),
    LibraryTopic.PROCUREMENT: _l("Procurement"),
    LibraryTopic.CLIMATE: _l("Climate and resilience"),
    LibraryTopic.DIGITAL_SERVICES: _l("Digital services"),
    LibraryTopic.OTHER: _l("Other"),
}


def topic_from_value(value: str | None) -> LibraryTopic | None:
    """The topic a URL or form names ("water"), or None for anything else."""
    try:
        return LibraryTopic(value) if value else None
    except ValueError:
        return None
