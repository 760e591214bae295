"""What the forum does with the translation guardrails' verdict (translation/guardrails.py).

The pipeline already retried suspect runs with another engine. A job whose final text still
holds a suspect run stores it anyway (a rough translation beats none), with the reason, and
puts the post in the moderation queue: a Flag with no reporter, reason "translation", for
that language. TranslationJob.suspect_reason records both outcomes, so `flask translation
status` and the moderators' translations page can tell them apart by its first word:
"review: ..." (kept, flagged) or "fallback <engine>: ..." (another engine fixed it).
"""
from __future__ import annotations

from .extensions import db
from .models import Flag, FlagReason

REVIEW = "review"
FALLBACK = "fallback"
_REASON_CHARS = 200  # TranslationJob.suspect_reason and PostTranslation.suspect_reason
_NOTE_CHARS = 500    # Flag.note


def _cap(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[:limit - 1] + "…"


def kept_reasons(*results) -> str | None:
    """Why the stored text is suspect (the runs no engine did better), or None."""
    reasons = list(dict.fromkeys(r for result in results if result is not None for r in result.suspect))
    return _cap("; ".join(reasons), _REASON_CHARS) if reasons else None


def job_reason(*results) -> str | None:
    """The job's suspect_reason: "review: ..." when suspect runs were kept, else
    "fallback <engines>: ..." when another engine redid them, else None."""
    kept = kept_reasons(*results)
    if kept:
        return _cap(f"{REVIEW}: {kept}", _REASON_CHARS)
    done = [r for result in results if result is not None for r in result.fallback]
    if not done:
        return None
    engines = dict.fromkeys(e for result in results if result is not None for e in result.engines[1:])
    return _cap(f"{FALLBACK} {'+'.join(engines)}: {'; '.join(dict.fromkeys(done))}", _REASON_CHARS)


def flag_for_review(post_id: int, language: str, note: str) -> Flag | None:
    """Put the post in the moderation queue for this language, unless the guardrails already
    have an open flag there (one is enough; the moderator sees the current translation)."""
    existing = db.session.execute(db.select(Flag.id).where(
        Flag.post_id == post_id, Flag.reporter_id.is_(None), Flag.reason == FlagReason.TRANSLATION,
        Flag.language == language, Flag.resolved_at.is_(None)).limit(1)).scalar_one_or_none()
    if existing is not None:
        return None
    flag = Flag(post_id=post_id, reporter_id=None, reason=FlagReason.TRANSLATION, language=language,
                note=_cap(note, _NOTE_CHARS))
    db.session.add(flag)
    return flag
