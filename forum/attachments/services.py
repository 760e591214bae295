"""Checking, storing and removing attachments, and who may read or change them.

A new attachment is stored (file first, atomically) before its post's transaction and added as a
row inside it; if the commit fails, the new files are removed. A removed attachment loses its row
in the transaction and its file only once that has committed. forum/threads/services.py calls the
three steps (apply, discard, committed) of these changes around its commit.
"""
from __future__ import annotations

import hashlib
import unicodedata
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import BinaryIO, Iterable, Iterator

from flask import current_app
from flask_babel import format_decimal, gettext as _, lazy_gettext as _l
from werkzeug.datastructures import FileStorage

from .. import visibility
from ..audit import record
from ..extensions import db
from ..models import Attachment, Post, User
from ..text import BIDI_CONTROLS, DISALLOWED_CHARACTERS
from .detection import KINDS, SYNONYMS, Kind, RefusedFile, detect
from .storage import get_storage

FILENAME_MAX = 120
HASH_CHUNK = 1024 * 1024


class TooBig(RefusedFile):
    """Larger than ATTACHMENT_MAX_BYTES (a 413 in the API)."""


class TooMany(RefusedFile):
    """More than ATTACHMENTS_PER_POST on one post (a 422 in the API)."""


def max_bytes() -> int:
    return int(current_app.config["ATTACHMENT_MAX_BYTES"])


def per_post() -> int:
    return int(current_app.config["ATTACHMENTS_PER_POST"])


def human_size(size: int) -> str:
    """1,234 bytes -> "1.2 KB", in the reader's number format (Babel)."""
    if size < 1024:
        return _("%(size)s bytes", size=format_decimal(size))
    for unit in ("KB", "MB", "GB"):
        size /= 1024
        if size < 1024 or unit == "GB":
            return f"{format_decimal(size, format='#,##0.#')}\u00a0{unit}"
    raise AssertionError("unreachable")


def too_big_message():
    return _l("A file can be at most %(size)s.", size=human_size(max_bytes()))


def too_many_message():
    return _l("A post can have at most %(count)d attachments.", count=per_post())


# Characters a file name loses: controls, format characters (bidi overrides, zero-width ones),
# separators of lines, and what Windows or a shell would read specially.
_NOT_IN_A_NAME = frozenset({"Cc", "Cf", "Cs", "Zl", "Zp", "Co", "Cn"})
_SPECIAL = frozenset('<>:"/\\|?*')


def clean_filename(raw: str | None, kind: Kind) -> str:
    """The member's name for the file, safe to show and to send back: path parts, control, format
    and bidi characters gone, length capped, and an extension that matches the detected type."""
    name = (raw or "")[:1000].replace("\\", "/").rsplit("/", 1)[-1]
    name = unicodedata.normalize("NFC", name)
    name = DISALLOWED_CHARACTERS.sub("", BIDI_CONTROLS.sub("", name))
    name = "".join(" " if ch.isspace() else ch for ch in name
                   if unicodedata.category(ch) not in _NOT_IN_A_NAME and ch not in _SPECIAL)
    name = " ".join(name.split()).strip(" .")
    stem, dot, extension = name.rpartition(".")
    if not dot:
        stem, extension = name, ""
    extension = extension.lower()
    if extension != kind.extension and SYNONYMS.get(extension) is not kind:
        # Another type's extension (or none): the detected type's own one; a wrong one is dropped,
        # so "report.exe" that is a PDF becomes "report.pdf", never "report.exe.pdf".
        if not dot or len(extension) > 5 or not extension.isalnum():
            stem = name
        extension = kind.extension
    stem = stem.strip(" .")[:FILENAME_MAX - len(extension) - 1].rstrip(" .") or "attachment"
    return f"{stem}.{extension}"


@dataclass
class CheckedFile:
    """An upload whose type and size are known: ready to store."""

    stream: BinaryIO
    kind: Kind
    filename: str
    size: int
    sha256: str


def check(upload: FileStorage) -> CheckedFile:
    """Type from the bytes, size within the limit; RefusedFile (with the member's message) otherwise."""
    stream = upload.stream
    stream.seek(0, 2)
    size = stream.tell()
    stream.seek(0)
    if size > max_bytes():
        raise TooBig(too_big_message())
    kind = detect(stream, upload.filename or "")
    digest = hashlib.sha256()
    while chunk := stream.read(HASH_CHUNK):
        digest.update(chunk)
    stream.seek(0)
    return CheckedFile(stream, kind, clean_filename(upload.filename, kind), size, digest.hexdigest())


@dataclass
class NewAttachment:
    """A file stored and not yet committed: the row is added with the post, the file removed if that fails."""

    key: str
    file: CheckedFile
    uploader_id: int
    row: Attachment | None = field(default=None)

    def apply(self, post: Post) -> None:
        self.row = Attachment(post=post, uploader_id=self.uploader_id, storage_key=self.key,
                              filename=self.file.filename, content_type=self.file.kind.content_type,
                              size=self.file.size, sha256=self.file.sha256)
        db.session.add(self.row)

    def discard(self) -> None:
        get_storage().delete(self.key)

    def committed(self) -> None:
        pass


@dataclass
class Removal:
    """An attachment taken off its post: the row goes in the transaction, the file after it."""

    attachment: Attachment

    def apply(self, post: Post) -> None:
        db.session.delete(self.attachment)

    def discard(self) -> None:
        pass

    def committed(self) -> None:
        get_storage().delete(self.attachment.storage_key)


def store(files: Iterable[CheckedFile], uploader: User) -> list[NewAttachment]:
    """Save each checked file; if one fails (a full disk, an I/O error), the ones saved before it
    are removed and the error goes on: nothing is left of the upload."""
    storage, stored = get_storage(), []
    try:
        for checked in files:
            stored.append(NewAttachment(storage.save(checked.stream, max_bytes()), checked, uploader.id))
    except BaseException:
        for new in stored:
            new.discard()
        raise
    return stored


@contextmanager
def uploads(checked: Iterable[CheckedFile], uploader: User, removed: Iterable[Attachment] = ()) -> Iterator[list]:
    """The changes for a post's write: `checked` files stored now (before the post's transaction
    begins, so no lock is held while bytes are written), `removed` attachments taken off. Whatever
    fails inside the block (a flush, an edit conflict, the commit) takes the new files with it."""
    new = store(checked, uploader)
    changes = [*new, *(Removal(row) for row in removed)]
    try:
        yield changes
    except BaseException:
        discard(changes)  # harmless when the service already did (a missing file is no error)
        raise


def commit_changes(post: Post, changes: list) -> None:
    """Apply attachment changes to `post` and commit them (alone, or with whatever the session holds)."""
    for change in changes:
        change.apply(post)
    try:
        db.session.commit()
    except BaseException:
        db.session.rollback()
        discard(changes)
        raise
    for change in changes:
        change.committed()


def discard(changes: Iterable) -> None:
    for change in changes:
        change.discard()


def of_post(post_id: int) -> list[Attachment]:
    return list(db.session.execute(
        db.select(Attachment).filter_by(post_id=post_id).order_by(Attachment.id)).scalars())


def for_posts(post_ids: Iterable[int]) -> dict[int, list[Attachment]]:
    """The attachments of many posts in one query."""
    ids = list(set(post_ids))
    result: dict[int, list[Attachment]] = {}
    if not ids:
        return result
    for row in db.session.execute(
            db.select(Attachment).where(Attachment.post_id.in_(ids)).order_by(Attachment.id)).scalars():
        result.setdefault(row.post_id, []).append(row)
    return result


def may_read(post: Post, user) -> bool:
    """A post's files follow the post: never a deleted one's; a hidden one's (or one in a hidden
    thread) for moderators only: the one visibility rule decides (forum/visibility.py)."""
    from .. import visibility

    if post.is_deleted:
        return False
    reader = user if user is not None and user.is_authenticated else None
    return visibility.post_is_visible(post, reader)


def may_change(post: Post, user) -> bool:
    """The author, or a moderator, of a post that is still there and that they may see."""
    return not post.is_deleted and (post.author_id == user.id or user.is_moderator) and may_read(post, user)


def add_to_post(post: Post, uploader: User, upload: FileStorage) -> Attachment:
    """One file added to an existing post (the API): checked, stored, committed, or nothing at all."""
    if len(of_post(post.id)) >= per_post():
        raise TooMany(too_many_message())
    new = store([check(upload)], uploader)
    commit_changes(post, new)
    return new[0].row


def remove(attachment: Attachment) -> None:
    remover = visibility.reader()
    if remover is not None and remover.id != attachment.post.author_id:  # a moderator's removal: audited
        record("attachment.remove", "post", attachment.post_id, actor=remover,
               before={"attachment_id": attachment.id, "filename": attachment.filename})
    commit_changes(attachment.post, [Removal(attachment)])


def kind_of(attachment: Attachment) -> Kind | None:
    return KINDS.get(attachment.content_type)
