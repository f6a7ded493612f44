"""Checking uploaded PDFs, cleaning their names and storing them content-addressed."""
from __future__ import annotations

import hashlib
import io
import logging

import pytest
from pypdf import PdfWriter
from support import make_app, raw_pdf

from enroll.core.errors import Invalid, NotFound
from enroll.core.files import (
    MAX_ATTACHMENT_BYTES,
    check_pdf,
    open_stored,
    safe_filename,
    store_file,
)


def make_pdf(pages: int = 1, user_password: str | None = None, owner_password: str | None = None) -> bytes:
    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(width=595, height=842)
    if user_password is not None:
        writer.encrypt(user_password, owner_password)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


CATALOG = b"<< /Type /Catalog /Pages 2 0 R >>"


def invalid_code(data: bytes, filename: str = "招生简章.pdf", **kwargs) -> str:
    with pytest.raises(Invalid) as caught:
        check_pdf(data, filename, **kwargs)
    return caught.value.detail["code"]


@pytest.fixture(autouse=True)
def _quiet_pypdf(caplog):
    """pypdf logs each repair it attempts on the damaged files below."""
    caplog.set_level(logging.CRITICAL, logger="pypdf")


@pytest.fixture(scope="module")
def app_context():
    with make_app("sqlite://").app_context():
        yield


# --- check_pdf ------------------------------------------------------------------------------


@pytest.mark.parametrize("pages", [1, 3])
def test_valid_pdf_returns_page_count(pages):
    assert check_pdf(make_pdf(pages), "招生简章.pdf") == pages


def test_extension_is_case_insensitive():
    assert check_pdf(make_pdf(), "SCAN.PDF") == 1


def test_pdf_with_only_an_owner_password_is_accepted():
    assert check_pdf(make_pdf(2, user_password="", owner_password="owner"), "a.pdf") == 2


def test_default_cap_is_20_mib():
    assert MAX_ATTACHMENT_BYTES == 20 * 1024 * 1024


def test_empty_file():
    assert invalid_code(b"") == "empty"


def test_too_large():
    assert invalid_code(make_pdf(), max_bytes=100) == "too_large"


def test_exactly_at_the_cap_is_allowed():
    data = make_pdf()
    assert check_pdf(data, "a.pdf", max_bytes=len(data)) == 1


@pytest.mark.parametrize("filename", ["招生简章.docx", "a.pdf.exe", "pdf", "", "a.pdf\x00.exe"])
def test_name_must_end_in_pdf(filename):
    assert invalid_code(make_pdf(), filename) == "bad_extension"


@pytest.mark.parametrize("data", [
    b"PK\x03\x04 this is really a docx",
    b"\x89PNG\r\n\x1a\n" + b"\x00" * 64,
    b"  %PDF-1.7 leading junk",
    "<html>不是 PDF</html>".encode(),
])
def test_non_pdf_renamed_to_pdf(data):
    assert invalid_code(data) == "not_pdf"


def test_encrypted_pdf():
    assert invalid_code(make_pdf(user_password="pw")) == "encrypted"


@pytest.mark.parametrize("data", [
    b"%PDF-",
    b"%PDF-1.7\n" + b"garbage " * 500,
    b"%PDF-1.4\n" + bytes(range(256)) * 40,
    make_pdf()[:60],
    make_pdf()[: len(make_pdf()) // 2],
    make_pdf(user_password="pw")[:300],
    raw_pdf(b"<< /Type /Catalog >>"),
    raw_pdf(CATALOG, b"<< /Type /Pages /Kids [] /Count 0 >>"),
    raw_pdf(CATALOG, b"<< /Type /Pages /Kids [] /Count 99999999 >>"),
    raw_pdf(CATALOG, b"<< /Type /Pages /Kids [2 0 R 3 0 R] /Count 2 >>",
            b"<< /Type /Pages /Kids [2 0 R] /Count 1 >>"),
    raw_pdf(CATALOG, b"[" * 50_000 + b"]" * 50_000),
    raw_pdf(CATALOG, *(b"<< /Type /Pages /Kids [%d 0 R] /Count 1 >>" % (n + 3) for n in range(2000)),
            b"<< /Type /Page >>"),
], ids=["magic-only", "garbage", "binary", "truncated-header", "truncated-half", "truncated-encrypted",
        "no-pages", "zero-pages", "lying-count", "cyclic-tree", "deep-array", "deep-tree"])
def test_corrupt_pdf(data):
    assert invalid_code(data) == "corrupt"


def test_hand_written_pdf_is_readable():
    page = b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>"
    assert check_pdf(raw_pdf(CATALOG, b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>", page), "a.pdf") == 1


def test_detail_names_the_file():
    with pytest.raises(Invalid) as caught:
        check_pdf(b"", "../../etc/招生简章.pdf")
    assert caught.value.detail["file"] == "招生简章.pdf"


@pytest.mark.parametrize(("data", "max_bytes", "expected"), [
    (b"", MAX_ATTACHMENT_BYTES, "文件 招生简章.pdf 是空的。"),
    (b"%PDF-" + b"x" * 2 * 1024 * 1024, 1024 * 1024, "文件 招生简章.pdf 超过了 1 MB 的大小上限。"),
    (b"%PDF-" + b"x" * 100, 1536 * 1024, "文件 招生简章.pdf 已损坏，无法读取。"),
    (b"PK\x03\x04", MAX_ATTACHMENT_BYTES, "文件 招生简章.pdf 不是 PDF。"),
], ids=["empty", "too-large", "corrupt", "not-pdf"])
def test_messages_name_the_file(app_context, data, max_bytes, expected):
    with pytest.raises(Invalid) as caught:
        check_pdf(data, "招生简章.pdf", max_bytes=max_bytes)
    assert str(caught.value.message) == expected


def test_cap_in_message_may_be_fractional(app_context):
    with pytest.raises(Invalid) as caught:
        check_pdf(b"%PDF-" + b"x" * 2 * 1024 * 1024, "a.pdf", max_bytes=1536 * 1024)
    assert "1.5 MB" in str(caught.value.message)


def test_encrypted_message_explains_why(app_context):
    with pytest.raises(Invalid) as caught:
        check_pdf(make_pdf(user_password="pw"), "a.pdf")
    assert "密码" in str(caught.value.message)


# --- safe_filename --------------------------------------------------------------------------


@pytest.mark.parametrize(("name", "expected"), [
    ("2025年青溪区义务教育招生简章.pdf", "2025年青溪区义务教育招生简章.pdf"),
    ("C:\\Users\\张三\\Desktop\\报名表.pdf", "报名表.pdf"),
    ("../../etc/passwd", "passwd"),
    ("/var/www/附件 一.pdf", "附件 一.pdf"),
    ("a\r\nContent-Type: text\x00.pdf", "a Content-Type_ text.pdf"),
    ("evil\u202egpj.pdf", "evilgpj.pdf"),
    ('a"b<c>d|e?f*.pdf', "a_b_c_d_e_f_.pdf"),
    ("  多   空格\t.pdf  ", "多 空格 .pdf"),
    ("..", "attachment.pdf"),
    ("", "attachment.pdf"),
    ("/", "attachment.pdf"),
    ("\x00\x01\x1f", "attachment.pdf"),
])
def test_safe_filename(name, expected):
    assert safe_filename(name) == expected


def test_long_name_keeps_its_extension():
    name = safe_filename("招" * 300 + ".pdf")
    assert len(name) == 120
    assert name.endswith("招.pdf")


def test_long_name_without_extension_is_cut():
    assert safe_filename("a" * 300) == "a" * 120


def test_safe_filename_is_idempotent():
    for name in ["a\r\n\u202e\"b.pdf", "招" * 300 + ".pdf", " . a . "]:
        assert safe_filename(safe_filename(name)) == safe_filename(name)


# --- store_file / open_stored ---------------------------------------------------------------


def test_store_file_is_content_addressed(tmp_path):
    data = make_pdf()
    digest = store_file(data, tmp_path / "files")
    assert digest == hashlib.sha256(data).hexdigest()
    assert (tmp_path / "files" / digest[:2] / digest).read_bytes() == data


def test_store_file_is_idempotent(tmp_path):
    data = b"same bytes"
    assert store_file(data, tmp_path) == store_file(data, tmp_path)
    assert [p.name for p in tmp_path.rglob("*") if p.is_file()] == [hashlib.sha256(data).hexdigest()]


def test_store_file_leaves_no_temporary_files(tmp_path):
    store_file(b"one", tmp_path)
    store_file(b"two", tmp_path)
    assert not [p for p in tmp_path.rglob(".tmp-*")]


def test_open_stored_returns_the_path(tmp_path):
    digest = store_file(b"content", tmp_path)
    assert open_stored(tmp_path, digest).read_bytes() == b"content"


@pytest.mark.parametrize("name", [
    "", "../etc/passwd", "A" * 64, "0" * 63, "0" * 65, "g" * 64, "0" * 64 + "\n",
    "../" + "0" * 61, "０" * 64, None,
])
def test_open_stored_refuses_bad_names(tmp_path, name):
    with pytest.raises(NotFound):
        open_stored(tmp_path, name)


def test_open_stored_missing_file(tmp_path):
    with pytest.raises(NotFound) as caught:
        open_stored(tmp_path, hashlib.sha256(b"never stored").hexdigest())
    assert caught.value.detail["code"] == "not_found"


def test_open_stored_refuses_uppercase_of_a_stored_file(tmp_path):
    digest = store_file(b"content", tmp_path)
    with pytest.raises(NotFound):
        open_stored(tmp_path, digest.upper())
