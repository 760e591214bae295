import pytest

from forum.extensions import db
from forum.models import City, Invite, Role, User


@pytest.mark.parametrize("url", ["/admin/cities", "/admin/invites", "/admin/members"])
def test_admin_pages_are_for_admins_only(client, auth, make_user, url):
    assert client.get(url).status_code == 302  # anonymous: to the login page
    for role in ("member", "moderator"):
        auth.login(make_user(role=role))
        assert client.get(url).status_code == 403
        assert client.post(url, data={"name": "X", "country": "Y", "email": "a@b.org"}).status_code in (403, 405)
        auth.logout()
    assert db.session.execute(db.select(db.func.count(Invite.id))).scalar() == 0


def test_admin_adds_a_city(client, auth, admin):
    auth.login(admin)
    response = client.post("/admin/cities", data={"name": "Recife", "country": "BR", "default_language": "pt"})
    assert response.status_code == 302
    city = db.session.execute(db.select(City).filter_by(name="Recife")).scalar_one()
    assert city.country == "BR" and city.default_language == "pt"
    again = client.post("/admin/cities", data={"name": "Recife", "country": "BR", "default_language": "pt"})
    assert "already in the network" in again.get_data(as_text=True)


def test_admin_invites_someone_and_sees_the_link_once(client, auth, admin, make_city):
    city = make_city("Medellín", "CO", "es")
    auth.login(admin)
    page = client.post("/admin/invites", data={"email": "Andres@Medellin.example.org", "city": city.id,
                                               "role": "moderator"}).get_data(as_text=True)
    invite = db.session.execute(db.select(Invite)).scalar_one()
    assert invite.email == "andres@medellin.example.org" and invite.role is Role.MODERATOR
    assert invite.city_id == city.id and invite.created_by_id == admin.id
    assert 'id="invite-link">http://forum.test/invite/' in page  # SERVER_BASE_URL, never the Host header
    listing = client.get("/admin/invites").get_data(as_text=True)
    assert "andres@medellin.example.org" in listing and "/invite/" not in listing


def test_invite_form_rejects_bad_email_and_unknown_city(client, auth, admin, make_city):
    city = make_city()
    auth.login(admin)
    page = client.post("/admin/invites", data={"email": "not-an-email", "city": city.id, "role": "member"})
    assert "valid email" in page.get_data(as_text=True)
    page = client.post("/admin/invites", data={"email": "a@b.org", "city": 9999, "role": "member"})
    assert "Not a valid choice" in page.get_data(as_text=True)
    page = client.post("/admin/invites", data={"email": "a@b.org", "city": city.id, "role": "superuser"})
    assert "Not a valid choice" in page.get_data(as_text=True)
    assert db.session.execute(db.select(db.func.count(Invite.id))).scalar() == 0


def test_no_invite_for_an_existing_member(client, auth, admin, member):
    auth.login(admin)
    page = client.post("/admin/invites", data={"email": member.email, "city": member.city_id, "role": "member"})
    assert "already exists" in page.get_data(as_text=True)


def test_admin_suspends_and_promotes_a_member(client, auth, admin, member):
    auth.login(admin)
    client.post(f"/admin/members/{member.id}", data={"role": "moderator", "status": "suspended"})
    db.session.expire_all()
    assert member.suspended and member.role is Role.MODERATOR


def test_admin_cannot_lock_themselves_out(client, auth, admin):
    auth.login(admin)
    page = client.post(f"/admin/members/{admin.id}", data={"role": "member", "status": "active"})
    assert "cannot remove your own" in page.get_data(as_text=True)
    db.session.expire_all()
    assert admin.role is Role.ADMIN


def test_member_page_for_unknown_id_is_404(client, auth, admin):
    auth.login(admin)
    assert client.get("/admin/members/999").status_code == 404


def test_members_list_shows_roles(client, auth, admin, member):
    auth.login(admin)
    page = client.get("/admin/members").get_data(as_text=True)
    assert member.display_name in page and "Administrator" in page
    assert db.session.execute(db.select(db.func.count(User.id))).scalar() == 2
