"""Content saved, submitted and approved through the bureau's web pages, as staff do it."""
from __future__ import annotations

from support import PASSWORD


def sign_in(client, user) -> None:
    assert client.post("/login", data={"username": user.username, "password": PASSWORD}).status_code == 302


def publish_over_the_web(app, editor, reviewer, edit_url: str, form: dict) -> str:
    """The editor saves ``form`` on ``edit_url`` and submits the draft; the reviewer opens it and
    approves it. :returns: the review page the reviewer read before approving."""
    client = app.test_client()
    sign_in(client, editor)
    saved = client.post(edit_url, data=form)
    assert saved.status_code == 302, saved.get_data(as_text=True)
    revision_id = int(saved.headers["Location"].rstrip("/").rsplit("/", 1)[1])
    assert client.post(f"/bureau/revisions/{revision_id}/submit").status_code == 302
    client.post("/logout")
    sign_in(client, reviewer)
    review = client.get(f"/bureau/revisions/{revision_id}").get_data(as_text=True)
    assert client.post(f"/bureau/revisions/{revision_id}/approve").status_code == 302
    return review


def page_as(app, user, url: str) -> str:
    """``url`` as ``user`` reads it, signed in on a client of its own."""
    client = app.test_client()
    sign_in(client, user)
    return client.get(url).get_data(as_text=True)
