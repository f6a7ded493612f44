"""Attachments of policy documents: checking uploaded PDFs, naming and storing them.

Files are stored content-addressed (by SHA-256), so the same PDF uploaded twice is stored once
and a stored file never changes under its name; the display name lives in the database.
"""
from __future__ import annotations

import hashlib
import io
import os
import re
import tempfile
import unicodedata
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pypdf import PdfReader

from enroll.core.errors import Invalid, NotFound
from enroll.core.i18n import _l

MIB = 1024 * 1024
#: Upper bound for one attachment; a scanned enrollment brochure rarely exceeds a few MB.
MAX_ATTACHMENT_BYTES = 20 * MIB

PDF_MAGIC = b"%PDF-"
FALLBACK_FILENAME = "attachment.pdf"
MAX_FILENAME_CHARS = 120

_SHA256_HEX = re.compile(r"[0-9a-f]{64}")


def check_pdf(data: bytes, filename: str, max_bytes: int = MAX_ATTACHMENT_BYTES) -> int:
    """Check that an upload is a PDF that parents can open, and count its pages.

    The checks run from cheap to expensive; the PDF is parsed leniently (``strict=False``) and
    no page is rendered, so hostile input costs at most one pass over ``max_bytes``.

    An encrypted PDF is refused unless it opens with the empty user password (files that only
    restrict printing or copying open in every viewer without a prompt).

    :param data: the uploaded bytes.
    :param filename: the name given by the browser, used for the extension check and messages.
    :param max_bytes: size cap, :data:`MAX_ATTACHMENT_BYTES` by default.
    :returns: the number of pages (at least 1).
    :raises Invalid: with ``detail["code"]`` one of ``empty``, ``too_large``, ``bad_extension``,
        ``not_pdf``, ``corrupt``, ``encrypted``; ``detail["file"]`` is the display name.
    """
    name = safe_filename(filename)
    check_size(data, name, max_bytes)
    if not (filename or "").strip().lower().endswith(".pdf"):
        raise Invalid(_l("文件 %(file)s 的扩展名不是 .pdf。", file=name),
                      code="bad_extension", file=name)
    if not data.startswith(PDF_MAGIC):
        raise Invalid(_l("文件 %(file)s 不是 PDF。", file=name), code="not_pdf", file=name)
    return _count_pages(data, name)


def check_size(data: bytes, name: str, max_bytes: int) -> None:
    """:raises Invalid: ``empty`` or ``too_large`` (naming the file and the limit in MB)."""
    if not data:
        raise Invalid(_l("文件 %(file)s 是空的。", file=name), code="empty", file=name)
    if len(data) > max_bytes:
        max_mb = f"{max_bytes / MIB:g}"
        raise Invalid(_l("文件 %(file)s 超过了 %(max)s MB 的大小上限。", file=name, max=max_mb),
                      code="too_large", file=name, max_bytes=max_bytes)


def _count_pages(data: bytes, name: str) -> int:
    """The page count of a PDF known to start with ``%PDF-``; see :func:`check_pdf`."""
    from pypdf import PdfReader  # on use, not at every start of the app and CLI

    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        locked = reader.is_encrypted and not _opens_without_password(reader)
        pages = 0 if locked else len(reader.pages)
    except Exception as exc:  # pypdf raises many types on damaged input
        raise _corrupt(name) from exc
    if locked:
        raise Invalid(_l("文件 %(file)s 设置了密码，家长无法打开，请上传未加密的版本。", file=name),
                      code="encrypted", file=name)
    if pages < 1:
        raise _corrupt(name)
    return pages


def pdf_text(data: bytes, filename: str) -> list[str]:
    """The text of each page of a PDF :func:`check_pdf` accepted: what a reader can select and copy
    (a scanned page without a text layer has none).

    :raises Invalid: ``detail["code"] == "unreadable"`` naming the page whose text cannot be read.
    """
    from pypdf import PdfReader

    name = safe_filename(filename)
    reader = PdfReader(io.BytesIO(data), strict=False)
    if reader.is_encrypted:
        reader.decrypt("")  # check_pdf let only files through that open without a password
    pages = []
    for number, page in enumerate(reader.pages, start=1):
        try:
            pages.append(page.extract_text() or "")
        except Exception as exc:  # pypdf raises many types on damaged fonts and streams
            raise Invalid(_l("无法读取文件 %(file)s 第 %(page)d 页的文字，因而无法检查其中有无个人信息。", file=name,
                             page=number), code="unreadable", file=name, page=number) from exc
    return pages


def _corrupt(name: str) -> Invalid:
    return Invalid(_l("文件 %(file)s 已损坏，无法读取。", file=name), code="corrupt", file=name)


def _opens_without_password(reader: PdfReader) -> bool:
    """Whether an encrypted PDF opens with the empty user password, as viewers try first."""
    from pypdf import PasswordType

    try:
        return reader.decrypt("") != PasswordType.NOT_DECRYPTED
    except Exception:  # noqa: BLE001 - unsupported algorithm, damaged encryption dictionary
        return False


_WINDOWS_RESERVED = re.compile(r'[<>:"|?*]')


def safe_filename(name: str) -> str:
    """A display name for an uploaded file, safe to store and to send in Content-Disposition.

    Keeps Chinese (and any other printable) characters; drops directory parts (``/`` and
    ``\\``), control and format characters (e.g. the right-to-left override used to disguise
    extensions); turns runs of whitespace into one space and characters Windows refuses in
    file names (``<>:"|?*``) into ``_``; trims spaces and dots at both ends; shortens the name
    to :data:`MAX_FILENAME_CHARS` characters keeping its extension.

    :returns: the cleaned name, or ``"attachment.pdf"`` if nothing is left.
    """
    name = unicodedata.normalize("NFC", name or "")
    name = re.split(r"[/\\]", name)[-1]
    name = " ".join(name.split())
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] not in "CZ" or ch == " ")
    name = _WINDOWS_RESERVED.sub("_", name).strip(" .")
    if len(name) > MAX_FILENAME_CHARS:
        stem, dot, ext = name.rpartition(".")
        if dot and stem and len(ext) <= 10:
            name = stem[:MAX_FILENAME_CHARS - len(ext) - 1].rstrip(" .") + "." + ext
        else:
            name = name[:MAX_FILENAME_CHARS].rstrip(" .")
    return name or FALLBACK_FILENAME


def store_file(data: bytes, directory: Path) -> str:
    """Store ``data`` under ``directory/<sha256[:2]>/<sha256>`` and return the SHA-256 (hex).

    The file is written to a temporary file beside its final place and moved there with
    :func:`os.replace`, so readers never see half a file, and concurrent uploads of the same
    content simply replace one complete copy with another. Storing existing content again
    writes nothing.
    """
    digest = hashlib.sha256(data).hexdigest()
    target = Path(directory) / digest[:2] / digest
    if not target.is_file():
        write_atomically(target, data)
    return digest


def write_atomically(target: Path, data: bytes) -> None:
    """Write ``data`` to ``target`` through a temporary file beside it (readable by the owner only,
    synced) moved into place with :func:`os.replace`: readers never see half a file."""
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(dir=target.parent, prefix=".tmp-")
    try:
        with os.fdopen(fd, "wb") as tmp:
            tmp.write(data)
            tmp.flush()
            os.fsync(tmp.fileno())
        os.replace(tmp_name, target)
    except BaseException:
        Path(tmp_name).unlink(missing_ok=True)
        raise


def open_stored(directory: Path, sha256: str) -> Path:
    """The path of a stored file, e.g. to hand to ``send_file``.

    Only 64 lowercase hex digits are accepted as a name, so the value (often taken from a URL)
    can never walk out of ``directory``.

    :raises NotFound: for any other value, or when no such file is stored.
    """
    if not isinstance(sha256, str) or not _SHA256_HEX.fullmatch(sha256):
        raise NotFound(_l("附件不存在。"), code="not_found")
    path = Path(directory) / sha256[:2] / sha256
    if not path.is_file():
        raise NotFound(_l("附件不存在。"), code="not_found")
    return path
