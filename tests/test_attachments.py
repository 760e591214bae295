"""Attachments on posts: types read from the bytes, atomic storage, safe downloads, access that
follows the post, the API, and nothing left behind when something fails."""
from __future__ import annotations

import io
import struct
import zipfile
import zlib
from pathlib import Path

import pytest

from forum.attachments import services
from forum.attachments.demo import minimal_pdf
from forum.attachments.detection import CSV, DOCX, JPEG, ODT, PDF, PNG, XLSX
from forum.extensions import db
from forum.models import Attachment, Post, utcnow

# ---- tiny real files -------------------------------------------------------------------------


def png_bytes() -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(b"\x00\xff\x00\x00")) + chunk(b"IEND", b""))


def jpeg_bytes() -> bytes:
    # SOI, a JFIF APP0 segment, EOI: what the magic number and any viewer's sniffing look at.
    return b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00\xff\xd9"


def pdf_bytes() -> bytes:
    return minimal_pdf(["Hello"])


def zip_bytes(entries: dict[str, bytes], stored_first: str | None = None) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        if stored_first:
            archive.writestr(zipfile.ZipInfo(stored_first), entries.pop(stored_first), zipfile.ZIP_STORED)
        for name, data in entries.items():
            archive.writestr(name, data)
    return out.getvalue()


def docx_bytes() -> bytes:
    return zip_bytes({"[Content_Types].xml": b"<Types/>", "_rels/.rels": b"<Relationships/>",
                      "word/document.xml": b"<w:document/>"})


def xlsx_bytes() -> bytes:
    return zip_bytes({"[Content_Types].xml": b"<Types/>", "_rels/.rels": b"<Relationships/>",
                      "xl/workbook.xml": b"<workbook/>"})


def odt_bytes() -> bytes:
    return zip_bytes({"mimetype": b"application/vnd.oasis.opendocument.text", "content.xml": b"<office/>",
                      "META-INF/manifest.xml": b"<manifest/>"}, stored_first="mimetype")


def csv_bytes() -> bytes:
    return "\ufeffcidade,perdas\nSão Paulo,20000\nRosario,2000\n".encode()


ALLOWED = [("plan.pdf", pdf_bytes, PDF), ("photo.png", png_bytes, PNG), ("photo.jpeg", jpeg_bytes, JPEG),
           ("job.docx", docx_bytes, DOCX), ("budget.xlsx", xlsx_bytes, XLSX), ("minutes.odt", odt_bytes, ODT),
           ("losses.csv", csv_bytes, CSV)]
REFUSED = [
    ("report.pdf", b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 200),      # a Windows .exe
    ("page.pdf", b"<!DOCTYPE html><html><script>alert(1)</script></html>"),                     # HTML
    ("logo.png", b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'),   # SVG
    ("job.docx", zip_bytes({"readme.txt": b"just a zip"})),                                      # a plain zip
    ("page.csv", b"a,b\n\x00\x01,2\n"),                                                        # NUL: not text
    ("table.csv", b"a,b\n\xff\xfe,2\n"),                                                       # not UTF-8
    ("empty.pdf", b""),
]


# ---- helpers ---------------------------------------------------------------------------------


def files_on_disk(app) -> list[Path]:
    """Everything in the attachment folder, temporary files included."""
    folder = Path(app.config["ATTACHMENT_FOLDER"])
    return sorted(folder.iterdir()) if folder.exists() else []


def attachment_rows() -> list[Attachment]:
    db.session.expire_all()
    return list(db.session.execute(db.select(Attachment).order_by(Attachment.id)).scalars())


def reply_with(client, thread, *files, body="See the file."):
    data = {"body": body, "language": "en",
            "attachments": [(io.BytesIO(data), name, content_type) for name, data, content_type in files]}
    return client.post(f"/t/{thread.id}/reply", data=data, content_type="multipart/form-data")


def fetch(client, url: str):
    """GET a download, read it and close it (send_file's stream is closed when the response is)."""
    response = client.get(url)
    response.get_data()
    response.close()
    return response


def file(name: str, data: bytes, content_type: str = "application/octet-stream"):
    return name, data, content_type


@pytest.fixture
def api_for():
    from forum.tokens import create_token

    def make(user):
        _row, token = create_token(user, "test")
        return {"Authorization": f"Bearer {token}"}

    return make


def api_upload(client, headers, post_id: int, name: str, data: bytes, content_type="application/octet-stream"):
    return client.post(f"/api/v1/posts/{post_id}/attachments", headers=headers,
                       data={"file": (io.BytesIO(data), name, content_type)}, content_type="multipart/form-data")


# ---- types -----------------------------------------------------------------------------------


@pytest.mark.parametrize("name,make,kind", ALLOWED, ids=[k.extension for _n, _m, k in ALLOWED])
def test_each_allowed_type_is_accepted(app, client, auth, member, make_thread, name, make, kind):
    thread = make_thread(member)
    auth.login(member)
    # The browser's Content-Type is whatever it likes; the bytes decide.
    data = make()  # once: a zip's entries carry the time they were written
    response = reply_with(client, thread, file(name, data, "text/html"))
    assert response.status_code == 302, response.get_data(as_text=True)
    [row] = attachment_rows()
    assert row.content_type == kind.content_type and row.filename == name and row.size == len(data)
    assert row.uploader_id == member.id and row.post.thread_id == thread.id and row.post_id != thread.first_post_id
    [stored] = files_on_disk(app)
    assert stored.name == row.storage_key and name not in stored.name  # a random name, not the member's
    assert stored.read_bytes() == data


@pytest.mark.parametrize("name,data", REFUSED, ids=["exe", "html", "svg", "zip", "nul-csv", "latin1-csv", "empty"])
def test_other_files_are_refused_with_a_message_and_nothing_is_stored(app, client, auth, member, make_thread,
                                                                      name, data):
    thread = make_thread(member)
    auth.login(member)
    response = reply_with(client, thread, file(name, data, "application/pdf"))
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert name in page and ("not accepted" in page or "empty" in page)
    assert attachment_rows() == [] and files_on_disk(app) == []
    assert db.session.execute(db.select(db.func.count(Post.id))).scalar() == 1  # the reply was not published


def test_the_refusal_is_in_the_members_language(app, client, auth, make_user, make_thread):
    member = make_user(language="es")
    thread = make_thread(member)
    auth.login(member)
    page = client.get(f"/t/{thread.id}?lang=es")  # the interface language sticks to the session or preference
    assert page.status_code == 200
    response = client.post(f"/t/{thread.id}/reply?lang=es", data={
        "body": "Mira", "language": "es", "attachments": [(io.BytesIO(b"MZ" + b"\x00" * 64), "x.pdf")]},
        content_type="multipart/form-data")
    assert response.status_code == 400
    from flask_babel import force_locale, gettext

    with force_locale("es"):
        expected = gettext("This type of file is not accepted. Allowed: %(types)s.", types="PDF")
    # Until the catalogs are translated the Spanish text may equal the English one: check it is the
    # string the Spanish catalog gives, whatever it is today.
    assert expected.split("%")[0].split(":")[0] in response.get_data(as_text=True)


def test_a_csv_whose_first_bytes_look_like_a_magic_number_is_still_csv(app):
    from werkzeug.datastructures import FileStorage

    for text in (b"BMW,3\n", b"ID3,4\n", b"OggS,1\n"):
        assert services.check(FileStorage(io.BytesIO(text), filename="cars.csv")).kind is CSV


def test_a_pdf_name_on_png_bytes_is_stored_as_png(app, client, auth, member, make_thread):
    thread = make_thread(member)
    auth.login(member)
    assert reply_with(client, thread, file("scan.pdf", png_bytes(), "application/pdf")).status_code == 302
    [row] = attachment_rows()
    assert row.content_type == "image/png" and row.filename == "scan.png"
    response = fetch(client, f"/attachments/{row.id}/{row.filename}")
    assert response.mimetype == "image/png"


def test_zip_entries_are_read_with_caps_and_never_expanded(app):
    from werkzeug.datastructures import FileStorage

    from forum.attachments.detection import MAX_ZIP_ENTRIES, RefusedFile

    # An ODT whose mimetype entry claims to be huge is not read (it would be a bomb's first entry).
    bomb = io.BytesIO()
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("mimetype", b"application/vnd.oasis.opendocument.text" + b" " * 50_000_000)
    assert len(bomb.getvalue()) < 100_000
    with pytest.raises(RefusedFile):
        services.check(FileStorage(io.BytesIO(bomb.getvalue()), filename="bomb.odt"))
    # A DOCX is recognized by its entries' names alone: a 50 MB entry inside costs nothing.
    docx = zip_bytes({"[Content_Types].xml": b"<Types/>", "word/document.xml": b"\x00" * 50_000_000})
    assert services.check(FileStorage(io.BytesIO(docx), filename="big.docx")).kind is DOCX
    # Too many entries: refused from the end record, before zipfile lists them.
    many = zip_bytes({f"f{i}": b"" for i in range(MAX_ZIP_ENTRIES + 1)})
    with pytest.raises(RefusedFile):
        services.check(FileStorage(io.BytesIO(many), filename="many.docx"))


@pytest.mark.parametrize("raw,kind,expected", [
    ("../../etc/passwd.pdf", PDF, "passwd.pdf"),
    ("C:\\Users\\ana\\Informe final.pdf", PDF, "Informe final.pdf"),
    ("invoice\u202efdp.exe", PDF, "invoicefdp.pdf"),          # a bidi override and a wrong extension
    ("photo.JPEG", JPEG, "photo.jpeg"),
    ("report.exe", PDF, "report.pdf"),
    ("Relatório v1.2 final", PDF, "Relatório v1.2 final.pdf"),
    ("", CSV, "attachment.csv"),
    ("...", PNG, "attachment.png"),
    ("a\x00b\x1fc\u200b.csv", CSV, "abc.csv"),
    ("x" * 500 + ".pdf", PDF, "x" * 116 + ".pdf"),
])
def test_file_names_are_cleaned(raw, kind, expected):
    assert services.clean_filename(raw, kind) == expected


# ---- size ------------------------------------------------------------------------------------


def test_a_file_over_the_limit_is_refused_and_nothing_is_stored(app, client, auth, member, make_thread):
    app.config["ATTACHMENT_MAX_BYTES"] = 2000
    thread = make_thread(member)
    auth.login(member)
    big = pdf_bytes() + b"%" * 3000
    response = reply_with(client, thread, file("big.pdf", big))
    assert response.status_code == 400 and "at most" in response.get_data(as_text=True)
    assert attachment_rows() == [] and files_on_disk(app) == []


def test_a_huge_upload_is_a_clear_413_page(app, client, auth, member, make_thread):
    app.config.update(ATTACHMENT_MAX_BYTES=1000, ATTACHMENTS_PER_POST=2)  # the request limit: 2 kB + 1 MiB
    thread = make_thread(member)
    auth.login(member)
    response = reply_with(client, thread, file("huge.pdf", pdf_bytes() + b"%" * (2 * 1024 * 1024)))
    response.request.environ["wsgi.input"].close()  # the test client's spooled body, left open when refused
    assert response.status_code == 413
    page = response.get_data(as_text=True)
    assert "too large" in page and "at most 2 files" in page
    assert attachment_rows() == [] and files_on_disk(app) == []
    assert db.session.execute(db.select(db.func.count(Post.id))).scalar() == 1


def test_other_pages_keep_the_small_request_limit(app, client, auth, member):
    response = client.post("/login", data={"email": "x" * (2 * 1024 * 1024), "password": "x"})
    assert response.status_code == 413 and "too large" in response.get_data(as_text=True)
    response = client.post("/api/v1/threads", data=b"{" * (2 * 1024 * 1024), content_type="application/json")
    assert response.status_code in (401, 413)
    auth.login(member)
    # An upload page takes large bodies only with files (multipart), and even then no large text field.
    response = client.post("/c/questions/new", data={"title": "T", "body": "z" * 2_000_000, "language": "en"})
    assert response.status_code == 413
    response = client.post("/c/questions/new", data={"title": "T", "body": "z" * 2_000_000, "language": "en",
                                                     "attachments": [(io.BytesIO(pdf_bytes()), "a.pdf")]},
                           content_type="multipart/form-data")
    response.request.environ["wsgi.input"].close()
    assert response.status_code == 413
    assert attachment_rows() == [] and files_on_disk(app) == []


def test_too_many_files_on_one_post(app, client, auth, member, make_thread):
    app.config["ATTACHMENTS_PER_POST"] = 2
    thread = make_thread(member)
    auth.login(member)
    response = reply_with(client, thread, *(file(f"p{i}.png", png_bytes()) for i in range(3)))
    assert response.status_code == 400 and "at most 2 attachments" in response.get_data(as_text=True)
    assert attachment_rows() == [] and files_on_disk(app) == []


# ---- downloads -------------------------------------------------------------------------------


def test_download_headers(app, client, auth, member, make_thread):
    thread = make_thread(member)
    auth.login(member)
    reply_with(client, thread, file("Relatório água.pdf", pdf_bytes(), "text/html"), file("map.png", png_bytes()))
    pdf, png = attachment_rows()
    response = fetch(client, f"/attachments/{pdf.id}/{pdf.filename}")
    assert response.status_code == 200 and response.data == pdf_bytes()
    assert response.mimetype == "application/pdf"  # the detected type, never the uploaded one
    disposition = response.headers["Content-Disposition"]
    assert disposition.startswith("attachment;") and "filename*=UTF-8''Relat%C3%B3rio%20%C3%A1gua.pdf" in disposition
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in response.headers["Content-Security-Policy"]
    assert "private" in response.headers["Cache-Control"]
    # Images may be shown in the page; a PDF asked for inline still downloads.
    assert fetch(client, f"/attachments/{png.id}/map.png?inline=1").headers["Content-Disposition"].startswith("inline")
    assert fetch(client, f"/attachments/{pdf.id}/x.pdf?inline=1").headers["Content-Disposition"].startswith("attachment")
    assert client.get("/attachments/999999/x.pdf").status_code == 404


def test_the_thread_page_lists_attachments_with_thumbnails(app, client, auth, member, make_thread):
    thread = make_thread(member)
    auth.login(member)
    reply_with(client, thread, file("plan.pdf", pdf_bytes()), file("map.png", png_bytes()))
    pdf, png = attachment_rows()
    page = client.get(f"/t/{thread.id}").get_data(as_text=True)
    assert f'href="/attachments/{pdf.id}/plan.pdf"' in page and "PDF" in page
    assert f'src="/attachments/{png.id}/map.png?inline=1"' in page
    with app.test_request_context():
        assert services.human_size(pdf.size) in page
    assert 'enctype="multipart/form-data"' in page


def test_a_hidden_or_deleted_posts_files_are_not_found(app, client, auth, member, make_user, make_thread):
    moderator = make_user(role="moderator")
    thread = make_thread(member)
    auth.login(member)
    reply_with(client, thread, file("plan.pdf", pdf_bytes()))
    [row] = attachment_rows()
    url = f"/attachments/{row.id}/plan.pdf"
    row.post.hidden_at, row.post.hidden_by_id = utcnow(), moderator.id
    db.session.commit()
    assert fetch(client, url).status_code == 404                      # the author, a member, too
    assert "plan.pdf" not in client.get(f"/t/{thread.id}").get_data(as_text=True)
    auth.logout()
    assert fetch(client, url).status_code == 404                      # a visitor
    auth.login(moderator)
    assert fetch(client, url).status_code == 200                      # moderators still see hidden posts' files
    row.post.hidden_at = None
    row.post.deleted_at = utcnow()
    db.session.commit()
    assert fetch(client, url).status_code == 404
    auth.logout()
    auth.login(member)
    assert fetch(client, url).status_code == 404


def test_a_private_forum_asks_for_a_login(app, client, auth, member, make_thread):
    thread = make_thread(member)
    auth.login(member)
    reply_with(client, thread, file("plan.pdf", pdf_bytes()))
    [row] = attachment_rows()
    auth.logout()
    app.config["FORUM_PUBLIC_READ"] = False
    response = fetch(client, f"/attachments/{row.id}/plan.pdf")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


# ---- permissions -----------------------------------------------------------------------------


def test_another_member_cannot_add_to_or_remove_from_my_post(app, client, auth, member, make_user, make_thread,
                                                              api_for):
    other = make_user()
    thread = make_thread(member)
    post = thread.posts[0]
    auth.login(member)
    reply_with(client, thread, file("plan.pdf", pdf_bytes()))
    [row] = attachment_rows()
    before = files_on_disk(app)
    headers = api_for(other)
    response = api_upload(client, headers, post.id, "x.png", png_bytes())
    assert response.status_code == 403 and response.get_json()["error"]["code"] == "forbidden"
    assert client.delete(f"/api/v1/attachments/{row.id}", headers=headers).status_code == 403
    auth.logout()
    auth.login(other)
    assert client.post(f"/attachments/{row.id}/delete").status_code == 403
    assert client.post(f"/p/{row.post_id}/edit", data={"body": "mine now", "language": "en", "remove_attachments": [
        str(row.id)]}, content_type="multipart/form-data").status_code == 403
    assert [r.id for r in attachment_rows()] == [row.id] and files_on_disk(app) == before


def test_author_and_moderator_remove_attachments(app, client, auth, member, make_user, make_thread, api_for):
    moderator = make_user(role="moderator")
    thread = make_thread(member)
    auth.login(member)
    reply_with(client, thread, file("a.pdf", pdf_bytes()), file("b.png", png_bytes()))
    first, second = attachment_rows()
    assert client.post(f"/attachments/{first.id}/delete").status_code == 302
    assert [r.id for r in attachment_rows()] == [second.id]
    assert [p.name for p in files_on_disk(app)] == [second.storage_key]
    response = client.delete(f"/api/v1/attachments/{second.id}", headers=api_for(moderator))
    assert response.status_code == 204
    assert attachment_rows() == [] and files_on_disk(app) == []


def test_editing_adds_and_removes_attachments(app, client, auth, member, make_thread):
    thread = make_thread(member)
    auth.login(member)
    reply_with(client, thread, file("old.pdf", pdf_bytes()))
    [old] = attachment_rows()
    post_id = old.post_id
    form = client.get(f"/p/{old.post_id}/edit").get_data(as_text=True)
    assert 'type="checkbox"' in form and "old.pdf" in form and 'enctype="multipart/form-data"' in form
    response = client.post(f"/p/{old.post_id}/edit", data={
        "body": "Updated, with a new file.", "language": "en", "remove_attachments": [str(old.id)],
        "attachments": [(io.BytesIO(csv_bytes()), "new.csv")]}, content_type="multipart/form-data")
    assert response.status_code == 302
    [new] = attachment_rows()
    assert new.filename == "new.csv" and new.post_id == post_id
    assert [p.name for p in files_on_disk(app)] == [new.storage_key]
    assert db.session.get(Post, post_id).revision == 2


# ---- failures --------------------------------------------------------------------------------


def test_a_failure_halfway_through_an_upload_leaves_no_row_and_no_file(app, client, auth, member, make_thread,
                                                                       monkeypatch):
    import forum.attachments.storage as storage

    app.config["PROPAGATE_EXCEPTIONS"] = False
    thread = make_thread(member)
    auth.login(member)
    calls = []

    def fsync_that_fails_the_second_time(fd):
        calls.append(fd)
        if len(calls) == 2:
            raise OSError(28, "No space left on device")

    monkeypatch.setattr(storage.os, "fsync", fsync_that_fails_the_second_time)
    response = reply_with(client, thread, file("a.pdf", pdf_bytes()), file("b.png", png_bytes()))
    assert response.status_code == 500 and "Nothing was changed" in response.get_data(as_text=True)
    assert len(calls) == 2
    assert attachment_rows() == [] and files_on_disk(app) == []  # the first file and the second's temp file gone
    assert db.session.execute(db.select(db.func.count(Post.id))).scalar() == 1


def test_a_failed_commit_removes_the_new_files(app, client, auth, member, make_thread, monkeypatch):
    app.config["PROPAGATE_EXCEPTIONS"] = False
    thread = make_thread(member)
    auth.login(member)
    real_commit = db.session.commit

    def failing_commit():
        raise RuntimeError("the database went away")

    monkeypatch.setattr(db.session, "commit", failing_commit)
    response = reply_with(client, thread, file("a.pdf", pdf_bytes()), file("b.png", png_bytes()))
    monkeypatch.setattr(db.session, "commit", real_commit)
    assert response.status_code == 500
    assert attachment_rows() == [] and files_on_disk(app) == []
    assert db.session.execute(db.select(db.func.count(Post.id))).scalar() == 1


def test_an_edit_conflict_keeps_no_new_file(app, client, auth, member, make_thread):
    thread = make_thread(member)
    auth.login(member)
    post = thread.posts[0]
    response = client.post(f"/p/{post.id}/edit", data={
        "title": "T", "body": "New text", "language": "en", "revision": "7",
        "attachments": [(io.BytesIO(pdf_bytes()), "a.pdf")]}, content_type="multipart/form-data")
    assert response.status_code == 409
    assert attachment_rows() == [] and files_on_disk(app) == []


# ---- API -------------------------------------------------------------------------------------


def test_api_upload_and_the_posts_attachments(app, client, member, make_thread, api_for):
    thread = make_thread(member)
    post = thread.posts[0]
    headers = api_for(member)
    response = api_upload(client, headers, post.id, "../plan.pdf", pdf_bytes(), "text/html")
    assert response.status_code == 201, response.get_json()
    data = response.get_json()
    [row] = attachment_rows()
    assert data == {"id": row.id, "filename": "plan.pdf", "content_type": "application/pdf",
                    "size": len(pdf_bytes()), "url": f"http://forum.test/attachments/{row.id}/plan.pdf"}
    assert response.headers["Location"] == data["url"]
    posts = client.get(f"/api/v1/threads/{thread.id}", headers=headers).get_json()["posts"]
    assert posts[0]["attachments"] == [data]


def test_api_upload_errors(app, client, member, make_thread, api_for):
    app.config.update(ATTACHMENT_MAX_BYTES=2000, ATTACHMENTS_PER_POST=1)
    thread = make_thread(member)
    post = thread.posts[0]
    headers = api_for(member)

    def error(response, status):
        assert response.status_code == status, response.get_data(as_text=True)
        body = response.get_json()["error"]
        assert body["message"]
        return body

    assert error(api_upload(client, headers, post.id, "x.pdf", b"MZ" + b"\x00" * 100), 415)["code"] == \
        "unsupported_media_type"
    assert "at most" in error(api_upload(client, headers, post.id, "x.pdf", pdf_bytes() + b"%" * 3000), 413)["message"]
    assert error(api_upload(client, headers, post.id, "x.pdf", b""), 422)["fields"]["file"]
    response = client.post(f"/api/v1/posts/{post.id}/attachments", headers=headers, json={"file": "x"})
    error(response, 415)
    response = client.post(f"/api/v1/posts/{post.id}/attachments", headers=headers, data={"other": "x"},
                           content_type="multipart/form-data")
    assert "file" in error(response, 422)["fields"]
    assert attachment_rows() == [] and files_on_disk(app) == []
    assert api_upload(client, headers, post.id, "a.png", png_bytes()).status_code == 201
    assert "at most 1" in error(api_upload(client, headers, post.id, "b.png", png_bytes()), 422)["fields"]["file"]
    assert len(attachment_rows()) == 1
    error(api_upload(client, headers, 999999, "b.png", png_bytes()), 404)
    error(client.delete("/api/v1/attachments/999999", headers=headers), 404)


def test_api_hides_a_deleted_posts_attachments(app, client, member, make_thread, api_for):
    thread = make_thread(member, replies=1)
    reply = thread.posts[1]
    headers = api_for(member)
    assert api_upload(client, headers, reply.id, "a.png", png_bytes()).status_code == 201
    [row] = attachment_rows()
    row.post.deleted_at = utcnow()
    db.session.commit()
    posts = client.get(f"/api/v1/threads/{thread.id}", headers=headers).get_json()["posts"]
    assert posts[1]["deleted"] and posts[1]["attachments"] == []
    assert client.delete(f"/api/v1/attachments/{row.id}", headers=headers).status_code == 404
    assert api_upload(client, headers, reply.id, "b.png", png_bytes()).status_code == 404
    assert len(attachment_rows()) == 1


# ---- demo ------------------------------------------------------------------------------------


def test_demo_seed_attaches_a_pdf_once(app, member, make_thread):
    from forum.attachments import demo

    post = make_thread(member).posts[0]
    first = demo.seed(post)
    second = demo.seed(post)
    assert first.id == second.id and first.content_type == "application/pdf"
    [row] = attachment_rows()
    assert row.filename == "job-description.pdf"
    assert len(files_on_disk(app)) == 1
    assert files_on_disk(app)[0].read_bytes().startswith(b"%PDF-1.4")


def test_a_replys_files_in_a_thread_whose_first_post_is_hidden_are_not_found(app, client, auth, member, make_user,
                                                                              make_thread):
    """Found by the hostile review: the reply itself is not hidden, its thread is."""
    moderator = make_user(role="moderator")
    other = make_user()
    thread = make_thread(member)
    auth.login(member)
    reply_with(client, thread, file("map.png", png_bytes()))
    [row] = attachment_rows()
    url = f"/attachments/{row.id}/map.png"
    first = db.session.get(Post, thread.first_post_id)
    first.hidden_at, first.hidden_by_id = utcnow(), moderator.id
    db.session.commit()
    assert fetch(client, url).status_code == 404
    assert fetch(client, url + "?inline=1").status_code == 404
    assert client.post(f"/attachments/{row.id}/delete").status_code in (403, 404)
    auth.logout()
    assert fetch(client, url).status_code == 404
    auth.login(other)
    assert fetch(client, url).status_code == 404
    auth.logout()
    auth.login(moderator)
    assert fetch(client, url).status_code == 200
    assert db.session.get(Attachment, row.id) is not None
