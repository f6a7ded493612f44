"""A requester's identity document: which uploads are accepted, and storing them encrypted."""
from __future__ import annotations

import io
import logging

import pytest
from cryptography.fernet import Fernet, InvalidToken
from PIL import Image
from pypdf import PdfWriter

from enroll.core.errors import Invalid, NotFound
from enroll.info_requests.files import check_upload, discard, file_keys, seal, unseal

CAP = 5 * 1024 * 1024


def png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (40, 30), (200, 30, 30)).save(out, "PNG")
    return out.getvalue()


def jpeg(progressive: bool = False) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (40, 30), (30, 30, 200)).save(out, "JPEG", progressive=progressive)
    return out.getvalue()


def with_thumbnail(photo: bytes) -> bytes:
    """``photo`` with an APP1 (EXIF) segment holding a whole little JPEG, as phone photos carry."""
    thumb = jpeg()
    segment = b"\xff\xe1" + (len(thumb) + 8).to_bytes(2, "big") + b"Exif\x00\x00" + thumb
    return photo[:2] + segment + photo[2:]


def pdf() -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def refusal(data: bytes, filename: str, max_bytes: int = CAP) -> Invalid:
    with pytest.raises(Invalid) as caught:
        check_upload(data, filename, max_bytes)
    return caught.value


@pytest.fixture(autouse=True)
def _quiet_pypdf(caplog):
    caplog.set_level(logging.CRITICAL, logger="pypdf")


# --- check_upload ---------------------------------------------------------------------------------


@pytest.mark.parametrize(("make", "filename", "content_type"), [
    (pdf, "身份证.pdf", "application/pdf"),
    (png, "身份证.PNG", "image/png"),
    (jpeg, "身份证.jpg", "image/jpeg"),
    (jpeg, "身份证.jpeg", "image/jpeg"),
    (lambda: jpeg(progressive=True), "scan.jpg", "image/jpeg"),
    (lambda: with_thumbnail(jpeg()), "phone.jpg", "image/jpeg"),
    (lambda: jpeg() + b"\x00" * 64, "trailer.jpg", "image/jpeg"),
])
def test_accepted_uploads_give_their_content_type(make, filename, content_type):
    assert check_upload(make(), filename, CAP) == content_type


@pytest.mark.parametrize(("data", "filename", "code"), [
    (b"", "身份证.png", "empty"),
    (png() + b"\x00" * 200, "身份证.png", "too_large"),
    (png(), "身份证.gif", "bad_type"),
    (png(), "身份证", "bad_type"),
    (b"<!DOCTYPE html><html><body>hi</body></html>", "身份证.pdf", "bad_type"),
    (b"MZ\x90\x00\x03\x00\x00\x00\x04\x00" + b"\x00" * 200, "身份证.jpg", "bad_type"),
    (png(), "身份证.jpg", "bad_type"),
    (jpeg(), "身份证.pdf", "bad_type"),
    (png()[:60], "身份证.png", "corrupt"),
    (png()[:-12], "身份证.png", "corrupt"),
    (jpeg()[:-40], "身份证.jpg", "corrupt"),
    (with_thumbnail(jpeg())[:-40], "身份证.jpg", "corrupt"),
    (b"\xff\xd8\xff\xd9", "身份证.jpg", "corrupt"),
    (pdf()[:30], "身份证.pdf", "corrupt"),
], ids=["empty", "too_large", "gif", "no_extension", "html_as_pdf", "exe_as_jpg", "png_as_jpg",
        "jpg_as_pdf", "png_cut_in_header", "png_without_end", "jpeg_without_end",
        "jpeg_thumbnail_only_end", "jpeg_markers_only", "pdf_cut"])
def test_each_refusal_gives_its_code_and_names_the_file(data, filename, code):
    limit = len(png()) + 100 if code == "too_large" else CAP
    error = refusal(data, filename, limit)
    assert error.detail["code"] == code
    assert error.detail["file"] == filename
    assert filename in str(error.message)


def test_png_with_a_damaged_header_is_corrupt():
    data = bytearray(png())
    data[17] ^= 0xFF  # inside IHDR: its CRC no longer matches
    assert refusal(bytes(data), "a.png").detail["code"] == "corrupt"


def test_a_pdf_goes_through_the_pdf_checks():
    locked = io.BytesIO()
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    writer.encrypt("secret")
    writer.write(locked)
    assert refusal(locked.getvalue(), "身份证.pdf").detail["code"] == "encrypted"


def test_the_message_names_the_cleaned_file_name():
    error = refusal(b"", "../../证件\u202egpj.exe.png")
    assert error.detail["file"] == "证件gpj.exe.png"
    assert "证件gpj.exe.png" in str(error.message)
    assert "/" not in str(error.message)


# --- seal, unseal, discard -----------------------------------------------------------------------


@pytest.fixture
def key() -> bytes:
    return Fernet.generate_key()


def test_round_trip(tmp_path, key):
    data = png()
    token = seal(data, [key], tmp_path)
    assert unseal(token, [key], tmp_path) == data
    assert [p.name for p in tmp_path.iterdir()] == [token]


def test_the_file_on_disk_is_not_the_plaintext(tmp_path, key):
    secret = "110101200001011234 张三 身份证".encode() * 20
    token = seal(secret, [key], tmp_path)
    on_disk = (tmp_path / token).read_bytes()
    assert b"110101200001011234" not in on_disk
    assert "张三".encode() not in on_disk
    assert (tmp_path / token).stat().st_mode & 0o077 == 0  # owner only


def test_a_wrong_key_cannot_read(tmp_path, key):
    token = seal(b"identity", [key], tmp_path)
    with pytest.raises(InvalidToken):
        unseal(token, [Fernet.generate_key()], tmp_path)


def test_rotation_old_key_second_still_reads_and_new_files_use_the_new_key(tmp_path, key):
    old_token = seal(b"before rotation", [key], tmp_path)
    new = Fernet.generate_key()
    assert unseal(old_token, [new, key], tmp_path) == b"before rotation"
    new_token = seal(b"after rotation", [new, key], tmp_path)
    assert unseal(new_token, [new], tmp_path) == b"after rotation"
    with pytest.raises(InvalidToken):
        unseal(new_token, [key], tmp_path)


def test_tokens_are_random(tmp_path, key):
    assert seal(b"x", [key], tmp_path) != seal(b"x", [key], tmp_path)


def test_discard_deletes_and_a_missing_file_is_fine(tmp_path, key):
    token = seal(b"identity", [key], tmp_path)
    discard(token, tmp_path)
    discard(token, tmp_path)
    assert list(tmp_path.iterdir()) == []
    with pytest.raises(NotFound):
        unseal(token, [key], tmp_path)


@pytest.mark.parametrize("token", ["../secret", "../" + "a" * 29, "/etc/passwd", "A" * 32, "a" * 31,
                                   "a" * 32 + "/", "", None])
def test_a_token_cannot_walk_out_of_the_directory(tmp_path, key, token):
    store = tmp_path / "store"
    store.mkdir()
    outside = tmp_path / "secret"
    outside.write_bytes(Fernet(key).encrypt(b"outside"))
    with pytest.raises(NotFound):
        unseal(token, [key], store)
    with pytest.raises(NotFound):
        discard(token, store)
    assert outside.exists()


# --- file_keys ------------------------------------------------------------------------------------


def test_configured_keys_are_used_in_order(key):
    other = Fernet.generate_key()
    assert file_keys("app-secret", f" {key.decode()} , {other.decode()},") == [key, other]


def test_without_configured_keys_one_is_derived_from_the_secret_key(tmp_path):
    keys = file_keys("app-secret", "")
    assert keys == file_keys("app-secret", "")
    assert keys != file_keys("another-secret", "")
    token = seal(b"identity", keys, tmp_path)
    assert unseal(token, file_keys("app-secret", ""), tmp_path) == b"identity"


def test_a_malformed_key_is_named_without_showing_it(key):
    with pytest.raises(ValueError, match="key 2 of 2 is not a Fernet key") as caught:
        file_keys("app-secret", f"{key.decode()},not-a-key-at-all")
    assert "not-a-key-at-all" not in str(caught.value)


def test_no_key_and_no_secret_is_an_error():
    with pytest.raises(ValueError, match="ENROLL_REQUEST_FILES_KEY"):
        file_keys("", "")
