"""Files sent with a request for information (the requester's identity document): checking an
upload, and storing it encrypted at rest.

A stored file is named by a random token, never by its content or display name; its bytes are
encrypted with Fernet (AES-128-CBC + HMAC-SHA256, so a changed or truncated file is detected, not
read as garbage). Keys come from ``ENROLL_REQUEST_FILES_KEY`` (comma-separated, the first encrypts,
all decrypt, so a key can be rotated in) or, when unset, are derived from the app's secret key.
No Flask here: keys, directory and size cap are arguments.
"""
from __future__ import annotations

import base64
import os
import re
import secrets
import struct
import zlib
from pathlib import Path

from cryptography.fernet import Fernet, MultiFernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from enroll.core.errors import Invalid, NotFound
from enroll.core.files import check_pdf, check_size, safe_filename, write_atomically
from enroll.core.i18n import _l

PDF = "application/pdf"
JPEG = "image/jpeg"
PNG = "image/png"

#: The extensions accepted, and the content type each stands for.
EXTENSIONS = {".pdf": PDF, ".jpg": JPEG, ".jpeg": JPEG, ".png": PNG}

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
JPEG_SOI = b"\xff\xd8\xff"
HKDF_INFO = b"enroll request files"

_TOKEN = re.compile(r"[0-9a-f]{32}")


# --- checking an upload ---------------------------------------------------------------------------


def check_upload(data: bytes, filename: str, max_bytes: int) -> str:
    """Check that an upload is a PDF, JPEG or PNG whose content agrees with its extension, and
    that it is whole; cheap structural checks only (no image is decoded).

    :returns: the content type, ``application/pdf``, ``image/jpeg`` or ``image/png``.
    :raises Invalid: naming the file (``detail["file"]``), with ``detail["code"]`` one of
        ``empty``, ``too_large``, ``bad_type`` (extension not accepted, or content of another
        kind), ``corrupt``, ``encrypted`` (a PDF with a password).
    """
    name = safe_filename(filename)
    check_size(data, name, max_bytes)
    claimed = EXTENSIONS.get(os.path.splitext((filename or "").strip().lower())[1])
    if claimed is None:
        raise Invalid(_l("文件 %(file)s 的类型不被接受，请上传 PDF、JPG 或 PNG 文件。", file=name),
                      code="bad_type", file=name)
    if _sniff(data) != claimed:
        raise Invalid(_l("文件 %(file)s 的内容与扩展名不符，请上传 PDF、JPG 或 PNG 文件。", file=name),
                      code="bad_type", file=name)
    if claimed == PDF:
        check_pdf(data, filename, max_bytes)
    elif not (_whole_png(data) if claimed == PNG else _whole_jpeg(data)):
        raise Invalid(_l("文件 %(file)s 已损坏，无法读取。", file=name), code="corrupt", file=name)
    return claimed


def _sniff(data: bytes) -> str | None:
    """The content type the first bytes announce, if one of ours."""
    if data.startswith(b"%PDF-"):
        return PDF
    if data.startswith(PNG_SIGNATURE):
        return PNG
    if data.startswith(JPEG_SOI):
        return JPEG
    return None


def _whole_png(data: bytes) -> bool:
    """A PNG's chunks, walked by their lengths: a valid IHDR first (its CRC checked), at least one
    IDAT, and IEND at the end; a truncated or padded file fails."""
    pos = len(PNG_SIGNATURE)
    first, seen_idat = True, False
    while pos + 12 <= len(data):
        length, kind = struct.unpack(">I4s", data[pos:pos + 8])
        end = pos + 12 + length
        if end > len(data):
            return False
        if first:
            body = data[pos + 8:pos + 8 + length]
            crc = struct.unpack(">I", data[pos + 8 + length:end])[0]
            if kind != b"IHDR" or length != 13 or zlib.crc32(kind + body) != crc:
                return False
            width, height = struct.unpack(">II", body[:8])
            if not (width and height):
                return False
            first = False
        seen_idat = seen_idat or kind == b"IDAT"
        if kind == b"IEND":
            return seen_idat and end == len(data)
        pos = end
    return False


# markers without a length: TEM, RST0–RST7 (SOI and EOI are handled separately)
_STANDALONE = {0x01, *range(0xD0, 0xD8)}
# start-of-frame markers: C0–CF except DHT (C4), JPG (C8), DAC (CC)
_SOF = set(range(0xC0, 0xD0)) - {0xC4, 0xC8, 0xCC}


def _whole_jpeg(data: bytes) -> bool:
    """A JPEG's segments, walked by their lengths from SOI to the first scan (SOS): a frame header
    (SOF) must come before it, and an EOI marker after it. Bytes after EOI (some phones append
    data there) are allowed; an EXIF thumbnail's own EOI lies before the scan, so does not count."""
    pos, seen_sof = 2, False
    while pos + 4 <= len(data):
        if data[pos] != 0xFF:
            return False
        marker = data[pos + 1]
        if marker == 0xFF:  # fill byte
            pos += 1
            continue
        if marker in _STANDALONE:
            pos += 2
            continue
        length = struct.unpack(">H", data[pos + 2:pos + 4])[0]
        if length < 2 or marker == 0xD9:
            return False
        seen_sof = seen_sof or marker in _SOF
        if marker == 0xDA:  # start of scan: entropy-coded data follows, up to EOI
            return seen_sof and data.rfind(b"\xff\xd9") >= pos + 2 + length
        pos += 2 + length
    return False


# --- storing encrypted ----------------------------------------------------------------------------


def file_keys(secret_key: str, configured: str) -> list[bytes]:
    """The Fernet keys for stored files: those ``configured`` (``ENROLL_REQUEST_FILES_KEY``,
    comma-separated, newest first) or else one derived from the app's ``secret_key`` with
    HKDF-SHA256, so a deployment works without extra setup yet can move to its own keys.

    Changing the secret key without configuring the derived key as an old one makes stored files
    unreadable: configure keys explicitly to rotate the secret key.

    :raises ValueError: for a configured value that is not a Fernet key (the message says which one
        and how to make one, never the value), or when there is neither a key nor a secret key.
    """
    parts = [part.strip() for part in (configured or "").split(",") if part.strip()]
    if not parts:
        if not secret_key:
            raise ValueError("ENROLL_REQUEST_FILES_KEY is not set and there is no SECRET_KEY to derive it from")
        hkdf = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=HKDF_INFO)
        return [base64.urlsafe_b64encode(hkdf.derive(secret_key.encode("utf-8")))]
    keys = []
    for number, part in enumerate(parts, start=1):
        try:
            Fernet(part)
        except ValueError:
            raise ValueError(
                f"ENROLL_REQUEST_FILES_KEY: key {number} of {len(parts)} is not a Fernet key "
                "(32 url-safe base64-encoded bytes); make one with: python -c "
                "'from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())'"
            ) from None
        keys.append(part.encode("ascii"))
    return keys


def _fernet(keys: list[bytes | str]) -> MultiFernet:
    if not keys:
        raise ValueError("no key to encrypt or decrypt request files with")
    return MultiFernet([Fernet(key) for key in keys])


def _path(token: str, directory: str | os.PathLike) -> Path:
    """The stored file's path; only 32 lowercase hex digits are a token, so a value taken from a
    URL or form can never name a file outside ``directory``."""
    if not isinstance(token, str) or not _TOKEN.fullmatch(token):
        raise NotFound(_l("附件不存在。"), code="not_found")
    return Path(directory) / token


def seal(data: bytes, keys: list[bytes | str], directory: str | os.PathLike) -> str:
    """Encrypt ``data`` with the first key and store it under ``directory/<token>``.

    Written atomically, readable by the owner only (:func:`enroll.core.files.write_atomically`).

    :returns: the token (32 hex digits) naming the stored file.
    """
    token = secrets.token_hex(16)
    write_atomically(_path(token, directory), _fernet(keys).encrypt(data))
    return token


def unseal(token: str, keys: list[bytes | str], directory: str | os.PathLike) -> bytes:
    """The plaintext of a stored file, decrypted with whichever of ``keys`` sealed it.

    :raises NotFound: for a malformed token or a file that is not (or no longer) stored.
    :raises cryptography.fernet.InvalidToken: when no key opens it, or it was altered: a
        configuration error (a key dropped too early) for the operator, not the user's.
    """
    path = _path(token, directory)
    try:
        sealed = path.read_bytes()
    except FileNotFoundError:
        raise NotFound(_l("附件不存在。"), code="not_found") from None
    return _fernet(keys).decrypt(sealed)


def discard(token: str, directory: str | os.PathLike) -> None:
    """Delete a stored file; one already gone is fine (the purge may run twice).

    :raises NotFound: for a malformed token, so nothing outside ``directory`` is ever touched.
    """
    _path(token, directory).unlink(missing_ok=True)
