"""Writing audit entries (reading them is routes.py)."""
from __future__ import annotations

import json
from typing import Any

from .. import visibility
from ..extensions import db
from ..models import AuditEntry, User

REASON_MAX = 500


def _json(value: Any) -> str | None:
    if value is None:
        return None
    return json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)


def record(action: str, target_type: str, target_id: int | None, *, actor: User | None = None,
           reason: str | None = None, before: Any = None, after: Any = None) -> AuditEntry:
    """Add one entry for an action about to be committed (the caller commits).

    `action` is "<noun>.<verb>" ("post.hide", "user.role", "glossary.add"); `before`/`after` are
    JSON-able values (dicts of the fields that changed). The actor defaults to who is reading
    now (the page's member or the API token's owner); None outside a request (a command).
    """
    if actor is None:
        actor = visibility.reader()
    entry = AuditEntry(action=action, target_type=target_type, target_id=target_id,
                       actor_id=actor.id if actor is not None else None,
                       reason=(reason or "").strip()[:REASON_MAX] or None,
                       before=_json(before), after=_json(after))
    db.session.add(entry)
    return entry
