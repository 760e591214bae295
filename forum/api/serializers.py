"""Shapes of the API's JSON (documented in openapi.py)."""
from __future__ import annotations

from ..models import Attachment, Category, Post, User
from ..threads import reading
from ..threads.categories import NAMES
from ..urls import external_url


def iso(value) -> str | None:
    return value.isoformat() + "Z" if value else None


def author(user: User) -> dict:
    # "city": "Monterrey, México" in the reader's language; "country": the ISO 3166-1 code.
    return {"id": user.id, "display_name": user.display_name, "city": str(user.city), "country": user.city.country,
            "url": external_url("api.get_member", user_id=user.id)}


def category(cat: Category, thread_count: int | None = None) -> dict:
    data = {"id": cat.id, "slug": cat.slug, "kind": cat.kind.value, "name": str(NAMES[cat.kind])}
    if thread_count is not None:
        data["thread_count"] = thread_count
    return data


def thread_summary(item: reading.ThreadTitle, language: str) -> dict:
    thread = item.thread
    return {
        "id": thread.id,
        "category": thread.category.slug,
        "title": item.title,
        "title_language": language if item.translated else thread.language,
        "original_language": thread.language,
        "author": author(thread.author),
        "reply_count": thread.reply_count,
        "accepted_post_id": item.accepted_post_id,  # null: none, or the accepted post is deleted or hidden
        "created_at": iso(thread.created_at),
        "last_activity_at": iso(thread.last_activity_at),
        "url": external_url("api.get_thread", thread_id=thread.id),
        "pinned": thread.pinned_at is not None,
        "locked": thread.locked_at is not None,
    }


def attachment(row: Attachment) -> dict:
    return {"id": row.id, "filename": row.filename, "content_type": row.content_type, "size": row.size,
            "url": external_url("attachments.download", attachment_id=row.id, filename=row.filename)}


def post(view: reading.PostView, language: str) -> dict:
    p: Post = view.post
    data = {
        "id": p.id,
        "thread_id": p.thread_id,
        "author": author(p.author),
        "created_at": iso(p.created_at),
        "edited_at": iso(p.edited_at),
        "revision": p.revision,
        "deleted": p.is_deleted,
        "hidden": p.is_hidden,  # only moderators ever get a hidden post
        "original_language": p.language,
        "language": None, "status": None, "engine": None, "model_version": None,
        "body": None, "body_html": None,
        "reviewed_by": None,
        "no_machine_translation": p.no_machine_translation,
        "original_url": external_url("api.get_original", post_id=p.id),
        "attachments": [],
    }
    if p.is_deleted:
        return data  # nothing of a deleted post's text leaves the server
    machine = view.state == reading.MACHINE
    translated = view.translated  # machine, or reviewed: a person's correction
    data.update({
        "language": language if translated else p.language,
        "status": view.state,
        "engine": view.translation.engine if machine else None,
        "model_version": view.translation.model_version if machine else None,
        "body": view.translated_body if translated else p.body,
        "body_html": view.translated_html if translated else p.body_html,
        "reviewed_by": reviewer(view.correction.corrector) if view.state == reading.REVIEWED else None,
        "attachments": [attachment(row) for row in view.attachments],
    })
    return data


def reviewer(user: User) -> dict:
    return {"id": user.id, "display_name": user.display_name, "url": external_url("api.get_member", user_id=user.id)}
