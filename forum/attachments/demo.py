"""Demo content: a small generated PDF attached to a post (e.g. a job description's thread)."""
from __future__ import annotations

import hashlib
import io

from werkzeug.datastructures import FileStorage

from ..extensions import db
from ..models import Attachment, Post, User
from . import services

DEMO_FILENAME = "job-description.pdf"


def minimal_pdf(lines: list[str]) -> bytes:
    """A valid one-page PDF (Helvetica text, a correct cross-reference table), written by hand so
    the demo needs no PDF library. Text is kept to printable ASCII (the standard fonts' safe range)."""
    def escape(text: str) -> str:
        text = "".join(ch if 32 <= ord(ch) < 127 else "?" for ch in text)
        return text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")

    commands = ["BT", "/F1 14 Tf", "72 760 Td", "18 TL"]
    commands += [f"({escape(line)}) '" for line in lines]
    commands.append("ET")
    stream = "\n".join(commands).encode("ascii")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % number + body + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n" % (len(objects) + 1))
    out.write(b"0000000000 65535 f \n")
    for offset in offsets:
        out.write(b"%010d 00000 n \n" % offset)
    out.write(b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref))
    return out.getvalue()


DEMO_PDF_LINES = ["Job description (demo)", "", "Water loss analyst - Municipal Water Utility",
                  "Full time. Spanish or Portuguese and English.",
                  "Duties: leak detection programme, district metering, monthly reports.",
                  "This file was generated for the forum's demo data."]


def seed(post: Post, uploader: User | None = None) -> Attachment:
    """Attach the demo PDF to `post` (by its author unless `uploader` is given). Idempotent: a post
    that already has a file with these bytes keeps it, and nothing is added twice."""
    data = minimal_pdf(DEMO_PDF_LINES)
    digest = hashlib.sha256(data).hexdigest()
    existing = db.session.execute(
        db.select(Attachment).filter_by(post_id=post.id, sha256=digest)).scalar_one_or_none()
    if existing is not None:
        return existing
    upload = FileStorage(io.BytesIO(data), filename=DEMO_FILENAME, content_type="application/pdf")
    new = services.store([services.check(upload)], uploader or post.author)
    services.commit_changes(post, new)
    return new[0].row
