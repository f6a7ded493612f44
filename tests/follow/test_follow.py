"""Telling families (issue 17): follow an address (double opt-in), be told by e-mail when a consultation
opens or a plan is published that changes its school, unsubscribe in one click; the queue is sent
through a real SMTP server (aiosmtpd) and survives its outage. The Atom feeds are tested in tests/feeds."""
from __future__ import annotations

import email
import re
import socket
from urllib.parse import urlsplit

import pytest
import time_machine
from aiosmtpd.controller import Controller
from support import DEMO
from zoning_steps import publish

from enroll.accounts.services import get_user
from enroll.extensions import db as _db
from enroll.follow.models import Follow, MailMessage
from enroll.lookup.changes import diff_plans_full
from enroll.review import content
from enroll.zoning import consultations
from enroll.zoning import services as zoning
from enroll.zoning.models import ZoningPlan


class Inbox:
    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's hook name
        self.messages.append(email.message_from_bytes(envelope.content))
        return "250 OK"

    def bodies(self, to: str) -> list[str]:
        return [m.get_payload(decode=True).decode() for m in self.messages if m["To"] == to]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def smtp(demo):
    inbox, port = Inbox(), free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    demo.config.update(SMTP_HOST="127.0.0.1", SMTP_PORT=port, MAIL_FROM="zhaosheng@example.gov.cn")
    yield inbox
    controller.stop()


def send(app) -> str:
    result = app.test_cli_runner().invoke(args=["mail", "send"])
    return result.output


def link(body: str, kind: str) -> str:
    return re.search(rf"http://localhost/follow/{kind}/\S+", body).group(0).removeprefix("http://localhost")


def moving_address(year: int):
    """An address of the demo gazetteer that the 2027 rezoning, as a draft of ``year`` (each test its
    own: the demo is loaded once per module), moves to another school; the move; the draft."""
    plan = zoning.import_plan(get_user("editor"), "990101", year, "primary", DEMO / "zones_primary_2027.geojson")
    old = zoning.published_plan(plan.district_id, 2026, "primary")
    diff = diff_plans_full(old, _db.session.get(ZoningPlan, plan.id))  # against 2026: no later year is published
    move = next(m for m in diff.moves if m.before and m.after)
    return next(iter(move.places.values()))[0], move, plan


def test_follow_confirm_tell_and_unsubscribe(demo, smtp):
    address, move, plan = moving_address(2027)
    client = demo.test_client()
    for who, where in (("parent@example.com", address), ("other@example.com", "文澜路128号")):
        page = client.post("/d/990101/follow", data={"email": who, "address": where})
        assert page.status_code == 200 and "确认链接" in page.get_data(as_text=True)
    assert "0 queued, 2 sent" in send(demo)
    confirmation = smtp.bodies("parent@example.com")[0]
    assert address in confirmation and "follow/confirm/" in confirmation
    assert "parent@example.com" not in link(confirmation, "unsubscribe")  # the token names only a number
    assert client.get("/follow/confirm/forged.token").status_code == 400
    for who in ("parent@example.com", "other@example.com"):
        assert client.get(link(smtp.bodies(who)[0], "confirm")).status_code == 200

    # a consultation opens on the draft: only the follower whose school changes is told, with before → after
    item = consultations.propose_consultation(get_user("editor"), plan.id)
    content.approve_revision(get_user("reviewer"), content.open_revision(consultations.CONSULTATION, item.id).id)
    assert "1 queued, 1 sent" in send(demo)
    told = smtp.bodies("parent@example.com")[-1]
    assert move.before[0].name in told and move.after[0].name in told and "征求意见稿" in told
    assert len(smtp.bodies("other@example.com")) == 1  # only its confirmation
    assert "0 queued, 0 sent" in send(demo)  # told once

    # one click: the mail program posts to the List-Unsubscribe address, and the follow is gone
    message = smtp.messages[-1]
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    url = urlsplit(re.search(r"<([^>]+)>", message["List-Unsubscribe"]).group(1)).path
    assert client.post(url, data={"List-Unsubscribe": "One-Click"}).status_code == 200
    assert _db.session.query(Follow).filter_by(email="parent@example.com").count() == 0


def test_publication_tells_followers_and_an_smtp_outage_loses_nothing(demo, smtp):
    address, move, plan = moving_address(2029)
    _db.session.add(Follow(district_id=plan.district_id, email="family@example.com", address=address,
                           confirmed_at=plan.created_at))
    _db.session.commit()
    port = demo.config["SMTP_PORT"]
    demo.config["SMTP_PORT"] = free_port()  # nobody listens there: the server is down
    publish(get_user("editor"), get_user("reviewer"), plan.id)
    assert "0 sent" in send(demo)
    queued = _db.session.query(MailMessage).filter_by(to_addr="family@example.com").one()
    assert queued.sent_at is None and queued.attempts == 1 and "Connection" in queued.last_error
    demo.config["SMTP_PORT"] = port
    send(demo)
    assert smtp.bodies("family@example.com") == []  # not due yet: retried after 2 minutes
    with time_machine.travel(queued.next_attempt_at, tick=True):
        send(demo)
    [body] = smtp.bodies("family@example.com")
    assert "已发布" in body and move.after[0].name in body and "/d/990101/2029/primary/changes" in body


def test_follow_refuses_what_cannot_be_an_email(demo):
    page = demo.test_client().post("/d/990101/follow", data={"email": "not-an-address", "address": "学院路130号"})
    assert page.status_code == 422
    assert _db.session.query(MailMessage).filter_by(to_addr="not-an-address").count() == 0

