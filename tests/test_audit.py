"""The audit log: every moderation and administration action writes exactly one entry (who, what, on
what, why, before/after) in the same transaction, a no-op writes none; admins read and filter it in
the page and the API; nobody can change or delete an entry (the database refuses it)."""
from __future__ import annotations

import json
from datetime import timedelta

import pytest
import sqlalchemy as sa
from sqlalchemy.exc import DBAPIError

from forum.extensions import db
from forum.models import AuditEntry, Invite, LibraryTopic, Post, Thread, utcnow
from testkit import MemberApi


Api = MemberApi


@pytest.fixture
def moderator(make_user):
    return make_user(role="moderator", language="en", name="Mo Derator")


def entries(action: str | None = None) -> list[AuditEntry]:
    db.session.expire_all()
    query = db.select(AuditEntry).order_by(AuditEntry.id)
    if action:
        query = query.where(AuditEntry.action == action)
    return list(db.session.execute(query).scalars())


def only(action: str) -> AuditEntry:
    """The one entry of the log, which must be `action`."""
    found = entries()
    assert [e.action for e in found] == [action], [e.action for e in found]
    return found[0]


def load(text):
    return json.loads(text) if text is not None else None


def assert_entry(entry, actor, target_type, target_id, before=None, after=None, reason=None):
    assert (entry.actor_id, entry.target_type, entry.target_id) == (actor.id if actor else None, target_type,
                                                                     target_id)
    assert (load(entry.before), load(entry.after), entry.reason) == (before, after, reason)
    assert entry.created_at is not None


# ---------------------------------------------------------------- moderation: pages and API

def test_pin_and_lock_are_recorded_once_and_repeats_record_nothing(client, auth, moderator, member, make_thread):
    thread = make_thread(member)
    auth.login(moderator)
    for verb in ("pin", "pin", "unpin", "unpin", "lock", "lock", "unlock", "unlock"):  # each second one: a no-op
        assert client.post(f"/moderation/threads/{thread.id}/{verb}").status_code == 302
    found = entries()
    assert [e.action for e in found] == ["thread.pin", "thread.unpin", "thread.lock", "thread.unlock"]
    for entry in found:
        assert_entry(entry, moderator, "thread", thread.id)


def test_api_pin_lock_move_hide_go_through_the_same_records(client, moderator, member, make_thread):
    thread = make_thread(member, replies=1)
    reply = thread.posts[1]
    api = Api(client, moderator)
    assert api.post(f"/threads/{thread.id}/pin").status_code == 200
    assert api.post(f"/threads/{thread.id}/pin").status_code == 200  # no-op
    assert api.delete(f"/threads/{thread.id}/lock").status_code == 200  # not locked: no-op
    assert api.post(f"/threads/{thread.id}/move", json={"category": "general"}).status_code == 200
    assert api.post(f"/threads/{thread.id}/move", json={"category": "general"}).status_code == 200  # no-op
    assert api.post(f"/posts/{reply.id}/hide", json={"reason": "  Spam link  "}).status_code == 200
    assert api.post(f"/posts/{reply.id}/hide").status_code == 200  # hidden already
    assert api.delete(f"/posts/{reply.id}/hide").status_code == 200
    assert api.delete(f"/posts/{reply.id}/hide").status_code == 200  # visible already
    pin, move, hide, restore = entries()
    assert_entry(pin, moderator, "thread", thread.id)
    assert_entry(move, moderator, "thread", thread.id, {"category": "questions"}, {"category": "general"})
    assert_entry(hide, moderator, "post", reply.id, reason="Spam link")
    assert_entry(restore, moderator, "post", reply.id)
    assert [pin.action, move.action, hide.action, restore.action] == [
        "thread.pin", "thread.move", "post.hide", "post.restore"]


def test_api_hide_reason_is_checked_and_a_bad_one_changes_nothing(client, moderator, member, make_thread):
    thread = make_thread(member, replies=1)
    reply = thread.posts[1]
    api = Api(client, moderator)
    assert api.post(f"/posts/{reply.id}/hide", json={"reason": "x" * 501}).status_code == 422
    assert api.post(f"/posts/{reply.id}/hide", json={"why": "no"}).status_code == 422
    assert api.post(f"/posts/{reply.id}/hide", data="reason", content_type="text/plain").status_code == 415
    db.session.expire_all()
    assert db.session.get(Post, reply.id).hidden_at is None and entries() == []


def test_page_hide_with_a_reason_move_and_restore(client, auth, moderator, member, make_thread):
    thread = make_thread(member, replies=1)
    reply = thread.posts[1]
    auth.login(moderator)
    page = client.get(f"/t/{thread.id}").get_data(as_text=True)
    assert 'name="reason"' in page
    assert client.post(f"/moderation/posts/{reply.id}/hide", data={"reason": "x" * 501}).status_code == 302
    assert entries() == [] and db.session.get(Post, reply.id).hidden_at is None  # too long: nothing hidden
    client.post(f"/moderation/posts/{reply.id}/hide", data={"reason": "Personal data"})
    assert_entry(only("post.hide"), moderator, "post", reply.id, reason="Personal data")
    client.post(f"/moderation/posts/{reply.id}/hide", data={"reason": "again"})
    client.post(f"/moderation/posts/{reply.id}/restore")
    client.post(f"/moderation/threads/{thread.id}/move", data={"category": "general"})
    assert [e.action for e in entries()] == ["post.hide", "post.restore", "thread.move"]
    assert load(entries("thread.move")[0].after) == {"category": "general"}


# ---------------------------------------------------------------- deletion, accepted answers

def test_moderator_deleting_someone_elses_post_and_its_undo_are_recorded(client, auth, moderator, member,
                                                                         make_thread):
    thread = make_thread(member, replies=2)
    own, other = thread.posts[1], thread.posts[2]
    auth.login(member)
    client.post(f"/p/{own.id}/delete")
    client.post(f"/p/{own.id}/restore")  # the author's own deletion and undo: not moderation
    assert entries() == []
    auth.logout()
    auth.login(moderator)
    client.post(f"/p/{other.id}/delete")
    assert_entry(only("post.delete"), moderator, "post", other.id)
    client.post(f"/p/{other.id}/restore")
    assert_entry(entries("post.undelete")[0], moderator, "post", other.id, {"deleted_by_id": moderator.id})
    api = Api(client, moderator)
    assert api.delete(f"/posts/{other.id}").status_code == 204
    assert api.post(f"/posts/{other.id}/restore").status_code == 200
    assert [e.action for e in entries()] == ["post.delete", "post.undelete", "post.delete", "post.undelete"]


def test_a_moderator_choosing_someone_elses_answer_is_recorded_the_asker_is_not(client, auth, moderator, member,
                                                                               make_thread):
    thread = make_thread(member, replies=2)
    first, second = thread.posts[1].id, thread.posts[2].id
    auth.login(member)
    client.post(f"/t/{thread.id}/accept", data={"post_id": str(first)})
    assert entries() == []
    auth.logout()
    auth.login(moderator)
    client.post(f"/t/{thread.id}/accept", data={"post_id": str(second)})
    client.post(f"/t/{thread.id}/accept", data={"post_id": str(second)})  # already: nothing
    assert_entry(only("question.accept"), moderator, "thread", thread.id, {"accepted_post_id": first},
                 {"accepted_post_id": second})
    assert Api(client, moderator).delete(f"/posts/{second}/accept").status_code == 200
    assert_entry(entries("question.clear")[0], moderator, "thread", thread.id, {"accepted_post_id": second},
                 {"accepted_post_id": None})
    assert len(entries()) == 2


# ---------------------------------------------------------------- library

def test_library_promote_edit_remove(client, auth, moderator, member, make_thread, make_city):
    thread = make_thread(member)
    auth.login(moderator)
    form = {"summary": "Leaks fixed with sensors.", "language": "en", "topic": "water", "city": ""}
    assert client.post(f"/t/{thread.id}/library", data=form).status_code == 302
    promote = only("library.promote")
    assert_entry(promote, moderator, "thread", thread.id, after={
        "summary": "Leaks fixed with sensors.", "summary_language": "en", "topic": "water", "city_id": None})
    client.post(f"/t/{thread.id}/library", data=form)  # saved unchanged: no action
    assert len(entries()) == 1
    client.post(f"/t/{thread.id}/library", data={**form, "topic": LibraryTopic.MOBILITY.value})
    assert_entry(entries("library.edit")[0], moderator, "thread", thread.id, {"topic": "water"},
                 {"topic": "mobility"})
    client.post(f"/t/{thread.id}/library/remove", data={})
    removed = entries("library.remove")[0]
    assert removed.actor_id == moderator.id and load(removed.before)["topic"] == "mobility"
    assert len(entries()) == 3


# ---------------------------------------------------------------- administration

def test_role_change_suspension_and_unsuspension(client, auth, admin, member):
    auth.login(admin)
    client.post(f"/admin/members/{member.id}", data={"role": "member", "status": "active"})  # unchanged
    assert entries() == []
    client.post(f"/admin/members/{member.id}", data={"role": "moderator", "status": "suspended"})
    role, suspend = entries()
    assert role.action == "user.role" and suspend.action == "user.suspend"
    assert_entry(role, admin, "user", member.id, {"role": "member"}, {"role": "moderator"})
    assert_entry(suspend, admin, "user", member.id)
    client.post(f"/admin/members/{member.id}", data={"role": "moderator", "status": "active"})
    assert_entry(entries()[-1], admin, "user", member.id)
    assert [e.action for e in entries()] == ["user.role", "user.suspend", "user.unsuspend"]


def test_refused_self_demotion_records_nothing(client, auth, admin):
    auth.login(admin)
    client.post(f"/admin/members/{admin.id}", data={"role": "member", "status": "active"})
    assert entries() == []


def test_city_create_and_edit(client, auth, admin):
    auth.login(admin)
    client.post("/admin/cities", data={"name": "Recife", "country": "BR", "default_language": "pt"})
    created = only("city.create")
    assert_entry(created, admin, "city", created.target_id,
                 after={"name": "Recife", "country": "BR", "default_language": "pt"})
    client.post(f"/admin/cities/{created.target_id}", data={"name": "Recife", "country": "BR",
                                                            "default_language": "pt"})  # unchanged
    assert len(entries()) == 1
    client.post(f"/admin/cities/{created.target_id}", data={"name": "Recife", "country": "BR",
                                                            "default_language": "en"})
    assert_entry(entries("city.edit")[0], admin, "city", created.target_id, {"default_language": "pt"},
                 {"default_language": "en"})


def test_invitations_from_the_page_and_the_command_line(client, auth, admin, make_city, runner):
    city = make_city("Halifax", country="CA", language="en")
    auth.login(admin)
    client.post("/admin/invites", data={"email": "a@halifax.example.org", "city": city.id, "role": "member"})
    created = only("invite.create")
    invite = db.session.execute(db.select(Invite)).scalar_one()
    assert_entry(created, admin, "invite", invite.id, after={"email": "a@halifax.example.org", "role": "member",
                                                               "city": "Halifax", "city_id": city.id})
    client.post(f"/admin/invites/{invite.id}/revoke", data={})
    client.post(f"/admin/invites/{invite.id}/revoke", data={})  # already revoked: nothing
    assert_entry(entries("invite.revoke")[0], admin, "invite", invite.id, {"email": "a@halifax.example.org"})
    assert len(entries()) == 2

    result = runner.invoke(args=["invites", "create", "--email", "b@halifax.example.org", "--city", "Halifax"])
    assert result.exit_code == 0, result.output
    result = runner.invoke(args=["invites", "revoke", "b@halifax.example.org"])
    assert result.exit_code == 0, result.output
    by_command = entries()[2:]
    assert [e.action for e in by_command] == ["invite.create", "invite.revoke"]
    assert all(e.actor_id is None for e in by_command)


def test_the_entry_commits_with_its_action_or_not_at_all(app, moderator, member, make_thread):
    """A failing commit loses the action and its entry together."""
    from forum.moderation import services

    thread = make_thread(member)
    with app.test_request_context():
        thread = db.session.get(Thread, thread.id)
        original = db.session.commit

        def failing_commit():
            raise RuntimeError("disk full")

        db.session.commit = failing_commit
        try:
            with pytest.raises(RuntimeError):
                services.set_pinned(thread, True)
        finally:
            db.session.commit = original
        db.session.rollback()
    assert entries() == [] and db.session.get(Thread, thread.id).pinned_at is None


# ---------------------------------------------------------------- append-only

@pytest.mark.parametrize("statement", [
    lambda: sa.update(AuditEntry).values(reason="rewritten"),
    lambda: sa.delete(AuditEntry),
])
def test_the_database_refuses_to_change_or_delete_an_entry(app, admin, member, statement):
    from forum.audit import record

    record("user.role", "user", member.id, actor=admin, before={"role": "member"}, after={"role": "admin"})
    db.session.commit()
    with pytest.raises(DBAPIError, match="append-only"):
        db.session.execute(statement())
        db.session.commit()
    db.session.rollback()
    entry = db.session.execute(db.select(AuditEntry)).scalar_one()
    entry.reason = "rewritten through the ORM"
    with pytest.raises(DBAPIError, match="append-only"):
        db.session.commit()
    db.session.rollback()
    db.session.delete(db.session.execute(db.select(AuditEntry)).scalar_one())
    with pytest.raises(DBAPIError, match="append-only"):
        db.session.commit()
    db.session.rollback()
    assert [(e.reason, load(e.after)) for e in entries()] == [(None, {"role": "admin"})]


def test_no_route_writes_the_log(client, auth, admin):
    auth.login(admin)
    api = Api(client, admin)
    for method in ("post", "put", "patch", "delete"):
        assert getattr(client, method)("/admin/audit").status_code in (404, 405)
        assert getattr(client, method)("/admin/audit/1").status_code in (404, 405)
        assert getattr(api, method)("/audit").status_code in (404, 405)
        assert getattr(api, method)("/audit/1").status_code in (404, 405)


# ---------------------------------------------------------------- reading: page and API

@pytest.fixture
def logged(app, admin, moderator, member, make_thread):
    """A small log: a moderator hid a post, an admin changed a role, a command created an invite."""
    from forum.audit import record

    thread = make_thread(member, replies=1)
    record("post.hide", "post", thread.posts[1].id, actor=moderator, reason="Spam")
    record("user.role", "user", member.id, actor=admin, before={"role": "member"}, after={"role": "moderator"})
    record("invite.create", "invite", 999, after={"email": "x@y.org"})
    record("glossary.rename", "glossary", 7, actor=moderator)  # a code the forum has no words for
    db.session.commit()
    old = AuditEntry(action="thread.pin", target_type="thread", target_id=thread.id, actor_id=moderator.id,
                     created_at=utcnow() - timedelta(days=40))
    db.session.add(old)
    db.session.commit()
    return thread


def test_admin_page_lists_newest_first_with_descriptions_links_and_values(client, auth, admin, member, moderator,
                                                                          logged):
    auth.login(admin)
    response = client.get("/admin/audit")
    assert response.status_code == 200 and response.headers["Cache-Control"] == "no-store"
    page = response.get_data(as_text=True)
    rows = page.split("<tbody>")[1]
    assert rows.index("glossary.rename") < rows.index("created an invitation") < rows.index("changed the role") \
        < rows.index("hid a post") < rows.index("pinned a thread")
    assert f'href="/u/{moderator.id}"' in rows and f'href="/u/{member.id}"' in rows  # who; the role's target
    assert f'href="/p/{logged.posts[1].id}"' in rows  # a post that exists is linked
    assert "Invitation #999" in rows and "(gone)" in rows  # an invitation that does not exist is not
    assert "Spam" in rows and "a command" in rows
    assert "{&#34;role&#34;: &#34;member&#34;}" in rows and "{&#34;role&#34;: &#34;moderator&#34;}" in rows
    assert 'href="/admin/audit"' in page  # the admin nav
    for language in ("es", "pt"):  # (the catalogs get the new strings after the merge)
        response = client.get(f"/admin/audit?lang={language}")
        assert response.status_code == 200 and f'<html lang="{language}">' in response.get_data(as_text=True)


def test_admin_page_filters(client, auth, admin, member, moderator, logged):
    auth.login(admin)

    def rows(query: str) -> str:
        page = client.get(f"/admin/audit?{query}").get_data(as_text=True)
        return page.split("<tbody>")[1].split("</tbody>")[0] if "<tbody>" in page else ""

    assert "hid a post" in rows("action=post.hide") and "changed the role" not in rows("action=post.hide")
    assert "glossary.rename" in rows("action=glossary.rename")  # stored codes are choices too
    by_name = rows("actor=ada")
    assert "changed the role" in by_name and "hid a post" not in by_name
    by_id = rows(f"actor={moderator.id}")
    assert "hid a post" in by_id and "changed the role" not in by_id
    assert "changed the role" in rows(f"target_type=user&target_id={member.id}")
    assert "hid a post" not in rows(f"target_type=user&target_id={member.id}")
    today = utcnow().date()
    recent = rows(f"since={(today - timedelta(days=1)).isoformat()}")
    assert "hid a post" in recent and "pinned a thread" not in recent
    old = rows(f"until={(today - timedelta(days=30)).isoformat()}")
    assert "pinned a thread" in old and "hid a post" not in old
    assert rows("actor=nobody-like-this") == ""


def test_admin_page_paginates(client, auth, admin, member):
    from forum.audit import record

    for _ in range(55):
        record("user.suspend", "user", member.id, actor=admin)
    db.session.commit()
    auth.login(admin)
    first = client.get("/admin/audit?action=user.suspend").get_data(as_text=True)
    assert first.split("<tbody>")[1].count("suspended a member") == 50 and "Page 1 of 2" in first
    assert 'href="/admin/audit?page=2&amp;action=user.suspend"' in first  # the filter is kept
    second = client.get("/admin/audit?action=user.suspend&page=2").get_data(as_text=True)
    assert second.split("<tbody>")[1].count("suspended a member") == 5


def test_api_lists_and_filters(client, admin, member, moderator, logged):
    api = Api(client, admin)
    data = api.get("/audit").get_json()
    assert data["total"] == 5 and data["page"] == 1 and data["pages"] == 1 and data["language"] == "en"
    assert [e["action"] for e in data["entries"]] == ["glossary.rename", "invite.create", "user.role",
                                                      "post.hide", "thread.pin"]
    role = data["entries"][2]
    assert role["description"] == "changed the role" and role["actor"]["id"] == admin.id
    assert (role["target_type"], role["target_id"], role["before"], role["after"]) == (
        "user", member.id, {"role": "member"}, {"role": "moderator"})
    assert data["entries"][1]["actor"] is None and data["entries"][0]["description"] == "glossary.rename"

    def actions(query):
        response = api.get(f"/audit?{query}")
        assert response.status_code == 200, response.get_json()
        return [e["action"] for e in response.get_json()["entries"]]

    assert actions("action=post.hide") == ["post.hide"]
    assert actions(f"actor={moderator.id}") == ["glossary.rename", "post.hide", "thread.pin"]
    assert actions("actor=Ada") == ["user.role"]
    assert actions(f"target_type=thread&target_id={logged.id}") == ["thread.pin"]
    today = utcnow().date()
    assert "thread.pin" not in actions(f"since={today.isoformat()}")
    assert actions(f"until={(today - timedelta(days=30)).isoformat()}") == ["thread.pin"]
    assert actions("action=&actor=&target_type=&target_id=&since=&until=&page=") != []
    assert actions("page=2") == []


@pytest.mark.parametrize("query", ["since=2026-02-30", "since=yesterday", "until=20260101", "target_id=0",
                                   "target_id=abc", f"target_id={2**31}", "page=0", "actor=" + "x" * 121,
                                   "action=%00", "target_type=a%0Ab%00", "lang=xx", "until=9999-99-99"])
def test_api_refuses_bad_filters_with_422(client, admin, query):
    response = Api(client, admin).get(f"/audit?{query}")
    assert response.status_code == 422, (query, response.get_json())


def test_api_last_day(client, admin):
    assert Api(client, admin).get("/audit?until=9999-12-31&since=0001-01-01").status_code == 200


def test_moderator_and_member_get_403(client, auth, moderator, member):
    for user in (moderator, member):
        assert Api(client, user).get("/audit").status_code == 403
        auth.login(user)
        assert client.get("/admin/audit").status_code == 403
        auth.logout()
    assert client.get("/admin/audit").status_code in (302, 401)
    assert client.get("/api/v1/audit").status_code == 401


def test_user_model_has_no_audit_leak_in_member_api(client, member, admin):
    """A member's profile in the API says nothing of the log."""
    from forum.audit import record

    record("user.suspend", "user", member.id, actor=admin, reason="secret reason")
    db.session.commit()
    body = Api(client, member).get(f"/members/{member.id}").get_data(as_text=True)
    assert "secret reason" not in body


def test_a_moderator_editing_someone_elses_post_or_removing_their_file_is_recorded(client, auth, moderator, member,
                                                                                   make_thread):
    from test_attachments import attachment_rows, file, pdf_bytes, png_bytes, reply_with

    thread = make_thread(member)
    auth.login(member)
    reply_with(client, thread, file("a.pdf", pdf_bytes()), file("b <i>x</i>.png", png_bytes()))
    first, second = attachment_rows()
    second_id, second_name = second.id, second.filename
    reply = db.session.get(Post, first.post_id)
    client.post(f"/p/{reply.id}/edit", data={"body": "My own edit", "language": "en"})
    client.post(f"/attachments/{first.id}/delete")  # the author's own: not moderation
    assert entries() == []
    auth.logout()
    auth.login(moderator)
    assert client.post(f"/p/{reply.id}/edit", data={"body": "Edited by a moderator", "language": "en"}
                       ).status_code == 302
    assert_entry(only("post.edit"), moderator, "post", reply.id, {"revision": 2}, {"revision": 3})
    assert Api(client, moderator).delete(f"/attachments/{second_id}").status_code == 204
    assert_entry(entries("attachment.remove")[0], moderator, "post", reply.id,
                 {"attachment_id": second_id, "filename": second_name})
    assert len(entries()) == 2
