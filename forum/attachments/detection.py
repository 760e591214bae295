"""What a file really is, from its bytes: never from its name or the Content-Type the browser sent.

`filetype` reads the magic numbers (PDF, PNG, JPEG, ZIP). DOCX, XLSX and ODT are all ZIP files:
they are told apart by their entries (read with zipfile, a capped number of them, and only the small
ODT `mimetype` entry is ever decompressed: a zip bomb is never expanded). CSV has no magic number:
UTF-8 text (a BOM allowed) without NUL bytes, under a .csv name.
"""
from __future__ import annotations

import codecs
import struct
import zipfile
from dataclasses import dataclass
from typing import BinaryIO

import filetype
from flask_babel import lazy_gettext as _l

HEAD_BYTES = 8192          # what filetype reads (its own cap)
MAX_ZIP_ENTRIES = 2000     # an Office file has tens; a listing longer than this is not one
ODT_MIMETYPE = b"application/vnd.oasis.opendocument.text"
CSV_CHUNK = 64 * 1024
EOCD_SEARCH = 22 + 65535     # the record and the longest comment it may have


@dataclass(frozen=True)
class Kind:
    content_type: str
    extension: str          # the extension the stored name ends with
    label: str              # shown to readers (not translated: these are format names)

    @property
    def is_image(self) -> bool:
        return self.content_type in ("image/png", "image/jpeg")


PDF = Kind("application/pdf", "pdf", "PDF")
PNG = Kind("image/png", "png", "PNG")
JPEG = Kind("image/jpeg", "jpg", "JPEG")
DOCX = Kind("application/vnd.openxmlformats-officedocument.wordprocessingml.document", "docx", "Word (DOCX)")
XLSX = Kind("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx", "Excel (XLSX)")
ODT = Kind("application/vnd.oasis.opendocument.text", "odt", "OpenDocument (ODT)")
CSV = Kind("text/csv", "csv", "CSV")
KINDS = {kind.content_type: kind for kind in (PDF, PNG, JPEG, DOCX, XLSX, ODT, CSV)}
# Extensions that name the same kind (a member's "photo.jpeg" keeps its spelling).
SYNONYMS = {"jpeg": JPEG, "jpg": JPEG}
ALLOWED_LABEL = "PDF, DOCX, ODT, XLSX, CSV, PNG, JPEG"


class RefusedFile(Exception):
    """The file is not one the forum takes; the message is for the member, in their language."""

    def __init__(self, message) -> None:
        super().__init__(message)  # lazy: made a string in the reader's language when shown
        self.message = message


class NotAllowed(RefusedFile):
    """Not one of the allowed types (a 415 in the API)."""


def not_allowed() -> RefusedFile:
    return NotAllowed(_l("This type of file is not accepted. Allowed: %(types)s.", types=ALLOWED_LABEL))


def detect(stream: BinaryIO, filename: str) -> Kind:
    """The kind of the seekable `stream` (left at its start), or RefusedFile."""
    stream.seek(0)
    head = stream.read(HEAD_BYTES)
    stream.seek(0)
    if not head:
        raise RefusedFile(_l("The file is empty."))
    guess = filetype.guess(head)
    mime = guess.mime if guess else None
    if mime == "application/pdf":
        return PDF
    if mime in ("image/png", "image/apng"):
        return PNG
    if mime == "image/jpeg":
        return JPEG
    if head.startswith(b"PK\x03\x04"):
        # filetype names some ZIP families from the first entries only; the entries decide.
        return _zip_kind(stream)
    # Text is text whatever a magic number says: "BMW,..." starts like a BMP, "ID3,..." like an MP3
    # (binary formats hold invalid UTF-8 or NUL bytes, which the text check refuses).
    if filename.lower().endswith(".csv") and _is_utf8_text(stream):
        return CSV
    raise not_allowed()


def _zip_entry_count(stream: BinaryIO) -> int | None:
    """The entry count the end-of-central-directory record states, read before zipfile builds one
    object per entry (a 10 MB listing of empty entries would be 200,000 of them)."""
    stream.seek(0, 2)
    size = stream.tell()
    tail_size = min(size, EOCD_SEARCH)
    stream.seek(size - tail_size)
    tail = stream.read(tail_size)
    at = tail.rfind(b"PK\x05\x06")
    if at < 0 or len(tail) < at + 22:
        return None
    return struct.unpack("<H", tail[at + 10:at + 12])[0]


def _zip_kind(stream: BinaryIO) -> Kind:
    count = _zip_entry_count(stream)
    stream.seek(0)
    if count is None or count > MAX_ZIP_ENTRIES:  # 0xFFFF (ZIP64) included: no Office file here needs it
        raise not_allowed()
    try:
        with zipfile.ZipFile(stream) as archive:
            infos = []
            for info in archive.infolist():  # the central directory, already read; only names are looked at
                infos.append(info)
                if len(infos) > MAX_ZIP_ENTRIES:
                    raise not_allowed()
            names = {info.filename for info in infos}
            by_name = {info.filename: info for info in infos}
            mimetype = by_name.get("mimetype")
            if mimetype is not None and mimetype.file_size <= 100 and mimetype.compress_size <= 100:
                # At most 100 bytes read, whatever the entry claims (a bomb stays a small read).
                with archive.open(mimetype) as entry:
                    if entry.read(100).strip() == ODT_MIMETYPE:
                        return ODT
            if "[Content_Types].xml" in names:
                if any(name.startswith("word/") for name in names):
                    return DOCX
                if any(name.startswith("xl/") for name in names):
                    return XLSX
    except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, RuntimeError, ValueError, EOFError):
        pass
    finally:
        stream.seek(0)
    raise not_allowed()


def _is_utf8_text(stream: BinaryIO) -> bool:
    """Every byte valid UTF-8 (read in chunks, so memory stays small), no NUL, some text at all."""
    decoder = codecs.getincrementaldecoder("utf-8-sig")()
    try:
        while chunk := stream.read(CSV_CHUNK):
            if b"\x00" in chunk:
                return False
            decoder.decode(chunk)
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return False
    finally:
        stream.seek(0)
    return True
