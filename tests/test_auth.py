from datetime import timedelta

import pytest

from forum.extensions import db
from forum.models import Invite, Role, User, utcnow


@pytest.fixture
def invite(app, make_city, admin):
    from forum.invites import create_invite

    city = make_city("Curitiba", "BR", "pt")
    invite, link = create_invite("New.Person@Curitiba.example.org", city, Role.MODERATOR, admin)
    return invite, link.split("/invite/")[1]


def _accept(client, token, **overrides):
    data = {"display_name": "Marina", "password": "a long enough password", "confirm": "a long enough password",
            "language": "pt"}
    data.update(overrides)
    return client.post(f"/invite/{token}", data=data)


def test_invite_page_defaults_to_the_city_language(client, invite):
    _invite, token = invite
    page = client.get(f"/invite/{token}").get_data(as_text=True)
    assert "new.person@curitiba.example.org" in page
    assert '<option selected value="pt">' in page


def test_accepting_an_invite_creates_the_member_with_its_role_and_city(client, invite):
    inv, token = invite
    response = _accept(client, token)
    assert response.status_code == 302
    user = db.session.execute(db.select(User).filter_by(email="new.person@curitiba.example.org")).scalar_one()
    assert user.role is Role.MODERATOR and user.city.name == "Curitiba" and user.language == "pt"
    assert user.check_password("a long enough password")
    db.session.expire_all()
    assert inv.used_at is not None and inv.used_by_id == user.id
    # Logged in straight away.
    assert "Marina" in client.get("/").get_data(as_text=True)


def test_an_invite_works_once(client, invite):
    _inv, token = invite
    _accept(client, token)
    client.post("/logout")
    again = _accept(client, token, display_name="Intruder")
    assert again.status_code == 410
    assert db.session.execute(db.select(db.func.count(User.id)).filter_by(display_name="Intruder")).scalar() == 0


def test_an_expired_invite_is_refused(client, invite):
    inv, token = invite
    inv.expires_at = utcnow() - timedelta(minutes=1)
    db.session.commit()
    assert client.get(f"/invite/{token}").status_code == 410
    assert _accept(client, token).status_code == 410
    assert db.session.execute(db.select(User).filter_by(email=inv.email)).scalar_one_or_none() is None


def test_an_unknown_invite_token_is_refused(client):
    response = client.get("/invite/not-a-token")
    assert response.status_code == 410
    assert "no longer valid" in response.get_data(as_text=True)


def test_the_invite_token_is_not_stored(invite):
    inv, token = invite
    assert token not in inv.token_hash and inv.token_hash == Invite.hash_token(token)


def test_short_password_and_mismatch_are_explained(client, invite):
    _inv, token = invite
    page = _accept(client, token, password="short", confirm="other").get_data(as_text=True)
    assert "at least 12 characters" in page
    page = _accept(client, token, confirm="a different long password").get_data(as_text=True)
    assert "do not match" in page
    assert db.session.execute(db.select(db.func.count(User.id))).scalar() == 1  # only the admin


def test_login_and_logout(client, auth, member):
    response = auth.login(member)
    assert response.status_code == 302
    assert member.display_name in client.get("/").get_data(as_text=True)
    auth.logout()
    assert member.display_name not in client.get("/").get_data(as_text=True)


def test_wrong_password_is_refused_with_a_message(client, auth, member):
    response = auth.login(member, password="wrong password!!")
    assert response.status_code == 200
    assert "Wrong email or password." in response.get_data(as_text=True)


def test_login_email_is_case_insensitive(client, member, password):
    response = client.post("/login", data={"email": member.email.upper(), "password": password})
    assert response.status_code == 302


def test_suspended_member_cannot_log_in(client, auth, make_user):
    user = make_user(suspended=True)
    response = auth.login(user)
    assert response.status_code == 200
    assert "suspended" in response.get_data(as_text=True)
    assert client.get("/profile").status_code == 302  # still anonymous


def test_suspending_ends_an_open_session(client, auth, member):
    auth.login(member)
    member.suspended = True
    db.session.commit()
    assert client.get("/profile").status_code == 302


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example/x", "/\\evil.example", "javascript:alert(1)"])
def test_next_never_leaves_the_site(client, member, target, password):
    response = client.post(f"/login?next={target}", data={"email": member.email, "password": password})
    assert response.headers["Location"] == "/"


def test_next_keeps_a_local_path(client, member, password):
    response = client.post("/login?next=/c/jobs", data={"email": member.email, "password": password})
    assert response.headers["Location"] == "/c/jobs"


def test_login_starts_a_new_session(client, member, password):
    with client.session_transaction() as session:
        session["planted"] = "by an attacker"
    client.post("/login", data={"email": member.email, "password": password})
    with client.session_transaction() as session:
        assert "planted" not in session


def test_profile_updates_name_and_language(client, auth, member):
    auth.login(member)
    response = client.post("/profile", data={"profile-display_name": "Ana M.", "profile-language": "pt",
                                             "profile-submit": "1"})
    assert response.status_code == 302
    db.session.expire_all()
    assert member.display_name == "Ana M." and member.language == "pt"


def test_password_change_needs_the_current_password(client, auth, member, password):
    auth.login(member)
    data = {"password-current_password": "not my password", "password-password": "a brand new password",
            "password-confirm": "a brand new password", "password-submit": "1"}
    page = client.post("/profile", data=data).get_data(as_text=True)
    assert "current password is wrong" in page
    data["password-current_password"] = password
    assert client.post("/profile", data=data).status_code == 302
    db.session.expire_all()
    assert member.check_password("a brand new password")


def test_passwords_are_hashed_with_scrypt(member, password):
    assert member.password_hash.startswith("scrypt:") and password not in member.password_hash
