"""Attacks on the audit log: members and moderators may not read it (403, nothing changes), nobody
writes it through a route, markup in a reason or a before/after value never runs in the admin's page,
and hostile filter values are inert (never a 500, never SQL)."""
from __future__ import annotations

import pytest

from forum.extensions import db
from forum.models import AuditEntry, City
from forum.tokens import create_token

from test_hostile_member import XSS, Api, db_state, no_script

IMG = '<img src=x onerror="alert(2)">'


@pytest.fixture
def moderator(make_user):
    return make_user(role="moderator", language="es", name="Moderadora")


def _rows(page: str) -> str:
    return page.split("<tbody>")[1].split("</tbody>")[0]


@pytest.mark.parametrize("role", ["member", "moderator"])
def test_members_and_moderators_cannot_read_the_log(client, auth, make_user, admin, role):
    from forum.audit import record

    user = make_user(role=role, language="es")
    record("user.suspend", "user", admin.id, actor=admin, reason="confidential")
    db.session.commit()
    api = Api(client, create_token(user, "attack")[1])
    before = db_state()
    response = api.get("/audit")
    assert response.status_code == 403 and "confidential" not in response.get_data(as_text=True)
    assert response.get_json()["error"]["code"] == "forbidden"
    for query in ("", "?actor=1", "?action=user.suspend&page=1"):
        assert api.get(f"/audit{query}").status_code == 403
    auth.login(user)
    page = client.get("/admin/audit")
    assert page.status_code == 403 and "confidential" not in page.get_data(as_text=True)
    assert 'href="/admin/audit"' not in client.get("/").get_data(as_text=True)  # no link in their nav
    for method in ("post", "put", "patch", "delete"):
        assert getattr(client, method)("/admin/audit").status_code in (403, 404, 405)
        assert api.client.open("/api/v1/audit", method=method.upper(),
                                            headers=api.headers).status_code in (403, 404, 405)
    assert db_state() == before


def test_markup_in_a_hide_reason_is_escaped_in_the_page(client, auth, admin, moderator, make_user, make_thread):
    author = make_user()
    thread = make_thread(author, replies=2)
    api = Api(client, create_token(moderator, "mod")[1])
    assert api.post(f"/posts/{thread.posts[1].id}/hide", json={"reason": XSS}).status_code == 200
    auth.login(moderator)
    client.post(f"/moderation/posts/{thread.posts[2].id}/hide", data={"reason": IMG})
    auth.logout()
    reasons = sorted(e.reason for e in db.session.execute(db.select(AuditEntry)).scalars())
    assert reasons == sorted([XSS, IMG])  # stored as written, escaped when shown
    auth.login(admin)
    page = client.get("/admin/audit").get_data(as_text=True)
    no_script(page)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in _rows(page) and "&lt;img src=x" in _rows(page)
    body = Api(client, create_token(admin, "admin")[1]).get("/audit")
    assert body.mimetype == "application/json" and {e["reason"] for e in body.get_json()["entries"]} == {XSS, IMG}


def test_markup_in_a_city_name_and_a_display_name_is_escaped(client, auth, admin, make_user, make_city):
    city = make_city("Quito", country="EC")
    auth.login(admin)
    response = client.post(f"/admin/cities/{city.id}", data={"name": f"Quito {XSS}", "country": "EC",
                                                              "default_language": "es"})
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(City, city.id).name == f"Quito {XSS}"
    villain = make_user(role="moderator", name=f"Evil {IMG}")
    from forum.audit import record

    record("thread.pin", "thread", 12345, actor=villain, before={"title": XSS}, after={"title": IMG})
    db.session.commit()
    page = client.get("/admin/audit").get_data(as_text=True)
    no_script(page)
    rows = _rows(page)
    assert "Quito &lt;script&gt;" in rows and "Evil &lt;img" in rows
    assert "<script>" not in rows and "<img" not in rows


@pytest.mark.parametrize("query", [
    "actor=1' OR '1'='1", "actor=%25", "actor=_", "actor=" + "9" * 5000, "actor=" + "x" * 10000,
    "actor=%00", "target_id=1;DROP TABLE audit_log", "target_id=" + "9" * 5000, "target_id=-1",
    "target_type=user' --", "action=post.hide' OR 1=1 --", "since=2026-13-45", "until=99999-01-01",
    "since=' OR 1=1", "page=99999999999999999999", "page=-1", "page=%D9%A3", "since=0001-01-01&until=9999-12-31",
])
def test_hostile_filters_are_inert_in_the_page(client, auth, admin, member, query):
    from forum.audit import record

    record("user.role", "user", member.id, actor=admin, before={"role": "member"}, after={"role": "moderator"})
    db.session.commit()
    before = db_state()
    auth.login(admin)
    response = client.get(f"/admin/audit?{query}")
    assert response.status_code == 200, query
    page = response.get_data(as_text=True)
    no_script(page)
    # A LIKE wildcard is a character, not a pattern: "%" and "_" match no name here.
    if query in ("actor=%25", "actor=_"):
        assert "<tbody>" not in page
    assert db_state() == before


@pytest.mark.parametrize("query", [
    "actor=1' OR '1'='1", "actor=%25", "target_id=1;DROP TABLE audit_log", "target_type=user' --",
    "action=post.hide' OR 1=1 --", "actor=" + "9" * 120, "since=2026-13-45", "until=99999-01-01",
    "page=99999999999999999999", "target_id=%D9%A3", "actor=%00", "since=%D9%A3%D9%A3%D9%A3%D9%A3-01-01",
])
def test_hostile_filters_are_inert_in_the_api(client, admin, member, query):
    from forum.audit import record

    record("user.role", "user", member.id, actor=admin)
    db.session.commit()
    before = db_state()
    response = Api(client, create_token(admin, "admin")[1]).get(f"/audit?{query}")
    assert response.status_code in (200, 422), (query, response.status_code)
    if response.status_code == 200:
        assert response.get_json()["entries"] == []  # none of these names anything
    before.pop("api_tokens"), (after := db_state()).pop("api_tokens")
    assert after == before
