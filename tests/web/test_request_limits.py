"""Request bodies are limited by who sends them, before anything reads them (core.web.EnrollRequest):
small for anyone not signed in, a staff upload's own limit only after sign-in."""
from __future__ import annotations

import io
import os
import shutil
import socket
import subprocess
import sys
import time

import pytest

from support import ROOT

BIG = 44 * 1024 * 1024  # the attacker's body: under ENROLL_MAX_UPLOAD_MB, so it used to be read and parsed


def multipart(size: int, name: str = "document") -> bytes:
    return (f'--B\r\nContent-Disposition: form-data; name="{name}"; filename="x.json"\r\n'
            'Content-Type: application/json\r\n\r\n').encode() + b" " * size + b"\r\n--B--\r\n"


def test_a_large_anonymous_post_is_refused_at_once(client):
    started = time.perf_counter()
    response = client.post("/lotteries/verify", data=multipart(BIG), content_type="multipart/form-data; boundary=B")
    assert response.status_code == 413
    assert time.perf_counter() - started < 1.0
    assert "过大" in response.get_data(as_text=True)


def test_anonymous_forms_take_small_bodies_only(client):
    response = client.post("/login", data={"username": "x" * 100_000, "password": "p"})
    assert response.status_code == 413


def test_a_lottery_document_can_still_be_verified_by_anyone(demo):
    """Re-checking a draw uploads its JSON document (at most about 1 MB for the longest list)."""
    client = demo.test_client()
    document = client.get("/lotteries/1.json").get_data()
    padded = document[:-1] + b', "padding": "' + b"x" * 1_500_000 + b'"}'
    response = client.post("/lotteries/verify", data={"document": (io.BytesIO(padded), "lottery-1.json")},
                           content_type="multipart/form-data")
    assert response.status_code == 200
    assert "验证通过" in response.get_data(as_text=True) or "一致" in response.get_data(as_text=True)


def test_a_staff_upload_is_refused_before_sign_in_and_taken_after(client, login, editor):
    body = {"year": "2026", "stage": "primary", "file": (io.BytesIO(b"x" * 5_000_000), "big.zip")}
    anonymous = client.post("/bureau/d/990101/upload", data=dict(body), content_type="multipart/form-data")
    assert anonymous.status_code == 413
    body["file"] = (io.BytesIO(b"x" * 5_000_000), "big.zip")
    signed_in = login(editor).post("/bureau/d/990101/upload", data=body, content_type="multipart/form-data")
    assert signed_in.status_code == 422  # read, and reported as not a zoning file


def test_a_body_without_length_is_cut_at_the_limit(client):
    """A chunked body has no Content-Length: reading stops at the limit (the server marks the stream
    as terminated, as gunicorn and werkzeug's server do)."""
    response = client.post("/login", input_stream=io.BytesIO(b"username=" + b"x" * 200_000),
                           content_type="application/x-www-form-urlencoded",
                           environ_overrides={"wsgi.input_terminated": True})
    assert response.status_code == 413


NAMELESS = b'--B\r\nContent-Disposition: form-data\r\n\r\nvalue\r\n--B\r\nContent-Disposition: form-data; ' \
           b'filename="x.json"\r\n\r\n{}\r\n'


@pytest.mark.parametrize("url", ["/login", "/lotteries/verify", "/d/990101/2026/migrant/primary"])
def test_a_multipart_part_without_a_name_is_ignored(app, client, url):
    app.config["WTF_CSRF_ENABLED"] = True  # the CSRF check looked at every part's name
    response = client.post(url, data=NAMELESS + b"--B--\r\n", content_type="multipart/form-data; boundary=B")
    # no CSRF token: refused as a bad request, never a 500 (the self-check, which checks its own token,
    # has no published requirement in this empty app: 404)
    assert response.status_code == (404 if "migrant" in url else 400)


def test_a_form_with_a_nameless_part_still_works(client, editor):
    from support import PASSWORD

    body = NAMELESS + (f'--B\r\nContent-Disposition: form-data; name="username"\r\n\r\neditor\r\n'
                       f'--B\r\nContent-Disposition: form-data; name="password"\r\n\r\n{PASSWORD}\r\n--B--\r\n').encode()
    response = client.post("/login", data=body, content_type="multipart/form-data; boundary=B")
    assert response.status_code == 302


@pytest.fixture
def server(tmp_path, sqlite_template):
    """gunicorn with one sync worker, as in production (the lookup index warmed first)."""
    shutil.copy(sqlite_template, tmp_path / "enroll.sqlite3")
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    env = dict(os.environ, ENROLL_ENV="development", ENROLL_MAP_TILES="none",
               ENROLL_DATABASE_URL=f"sqlite:///{tmp_path / 'enroll.sqlite3'}")
    process = subprocess.Popen([sys.executable, "-m", "gunicorn", "-w", "1", "-b", f"127.0.0.1:{port}", "wsgi:app"],
                               cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 30
        while ping(port, timeout=0.5) is None:
            assert process.poll() is None and time.monotonic() < deadline, "gunicorn did not start"
            time.sleep(0.1)
        yield port
    finally:
        process.terminate()
        process.wait(timeout=10)


def ping(port: int, timeout: float) -> bytes | None:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=timeout) as conn:
            conn.sendall(b"GET /api/v1/ping HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
            return conn.recv(100)
    except OSError:
        return None


def test_a_real_server_answers_413_before_the_body_and_stays_free(server):
    """The announced 44 MB are never waited for: 413 comes back while the client has sent nothing of
    the body, and the only worker answers the next request soon after, though the attacker's
    connection stays open (gunicorn lingers at most 2 s for the client to close, then closes)."""
    with socket.create_connection(("127.0.0.1", server), timeout=5) as attacker:
        attacker.sendall(b"POST /lotteries/verify HTTP/1.1\r\nHost: localhost\r\n"
                         b"Content-Type: multipart/form-data; boundary=B\r\n"
                         + f"Content-Length: {BIG}\r\n\r\n".encode())
        started = time.perf_counter()
        assert attacker.recv(100).startswith(b"HTTP/1.1 413")
        assert time.perf_counter() - started < 2.0
        started = time.perf_counter()
        assert (ping(server, timeout=5) or b"").startswith(b"HTTP/1.1 200")
        assert time.perf_counter() - started < 4.0
