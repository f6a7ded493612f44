"""Atom feeds of everything published (issue 19, part 4): per district and site-wide, valid RFC 4287
read by feedparser and by ElementTree, entries with stable tag: ids and short plain-text summaries to
repost; withdrawn items leave, republished ones return with their new version; no child's data."""
from __future__ import annotations

import csv
import re
import xml.etree.ElementTree as ET
from datetime import datetime, timedelta

import feedparser
import pytest
import time_machine
from flask import url_for
from policy_data import document
from support import DEMO

from enroll.accounts.services import get_user
from enroll.districts.services import create_district
from enroll.extensions import db as _db
from enroll.feeds import services as feed_services
from enroll.policies import services as policies
from enroll.policies.models import PolicyDocument
from enroll.review import content
from enroll.review.withdrawal import republish_item
from enroll.zoning import consultations
from enroll.zoning import services as zoning

A = "{http://www.w3.org/2005/Atom}"
SUMMARY_LIMIT = 140


def fetch(client, path: str = "/d/990101/feed.atom"):
    response = client.get(path)
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "application/atom+xml; charset=utf-8"
    feed = feedparser.parse(response.get_data())
    assert not feed.bozo, feed.bozo_exception
    return response, feed


def tree(response) -> ET.Element:
    return ET.fromstring(response.get_data())


def entry_ids(feed) -> list[str]:
    return [e.id for e in feed.entries]


def path_of(app, url: str) -> str:
    base = app.config["BASE_URL"].rstrip("/")
    assert url.startswith(base + "/"), url
    return url[len(base):]


def publish_with_interpretation(editor, reviewer, code: str = "990101", **data) -> int:
    revision = policies.save_document(editor, code, document(**{"normative": True, **data}))
    interpretation = policies.save_interpretation(editor, revision.object_id, {
        "title": "《实施细则》政策解读", "form": "qa", "body": "<p>问：哪些孩子可以在本区入学？</p>"})
    content.submit_revision(editor, interpretation.id)
    content.submit_revision(editor, revision.id)
    content.approve_revision(reviewer, revision.id)  # the interpretation is published with it (三同步)
    return revision.object_id


def kinds_of(feed) -> list[str]:
    return [e.tags[0].term for e in feed.entries]


# --- the demo district: every kind, valid Atom --------------------------------------------------


def test_the_district_feed_is_valid_atom_with_every_required_element(demo):
    response, feed = fetch(demo.test_client())
    root = tree(response)
    assert root.tag == A + "feed"
    for name in ("id", "title", "updated", "author/" + A + "name"):
        assert (root.findtext(A + name) or "").strip(), name
    self_link = root.find(A + "link[@rel='self']")
    assert self_link.get("href") == demo.config["BASE_URL"].rstrip("/") + "/d/990101/feed.atom"
    entries = root.findall(A + "entry")
    assert 0 < len(entries) <= 50
    for entry in entries:
        for name in ("id", "title", "updated", "published", "summary", "author/" + A + "name"):
            assert (entry.findtext(A + name) or "").strip(), name
        assert entry.find(A + "summary").get("type") == "text"
        assert entry.find(A + "category").get("term")
        assert entry.find(A + "link[@rel='alternate']").get("href").startswith("http")
    assert feed.feed.updated == feed.entries[0].updated
    times = [e.updated_parsed for e in feed.entries]
    assert times == sorted(times, reverse=True)
    assert feed.entries[0].author == "青溪区教育局招生办公室"  # the bureau, as its published contact names it


def test_every_entry_links_to_a_public_page_that_exists(demo):
    client = demo.test_client()
    _, feed = fetch(client)
    for entry in feed.entries:
        assert client.get(path_of(demo, entry.link)).status_code == 200, entry.link


def test_every_published_kind_has_entries_whose_pages_exist(demo):
    """Beyond the newest 50: every kind the demo publishes is in the feed's source, and links to its page."""
    client = demo.test_client()
    with demo.test_request_context():
        found = feed_services.entries(demo.config["BASE_URL"], lambda endpoint, args: url_for(endpoint, **args),
                                      limit=10_000)
    kinds = {e.term for e in found}
    assert {"policy", "interpretation", "zoning", "timeline", "migrant", "district_contact", "admission_result",
            "lottery", "school_profile", "enrollment_plan"} <= kinds
    for term in kinds:
        entry = next(e for e in found if e.term == term)
        assert client.get(path_of(demo, entry.url)).status_code == 200, entry.url
        assert len(entry.summary) <= SUMMARY_LIMIT


def test_ids_are_tag_uris_unique_and_stable_across_requests(demo):
    client = demo.test_client()
    first, feed = fetch(client)
    second, again = fetch(client)
    ids = entry_ids(feed)
    assert len(ids) == len(set(ids))
    assert ids == entry_ids(again)
    assert first.get_data() == second.get_data()
    host = re.escape(re.sub(r"^https?://([^/:]+).*$", r"\1", demo.config["BASE_URL"]))
    assert all(re.fullmatch(rf"tag:{host},\d{{4}}:[a-z_]+/\d+/\d+", i) for i in ids), ids
    assert client.get("/d/990101/feed.atom", headers={"If-None-Match": first.headers["ETag"]}).status_code == 304


def test_summaries_are_short_plain_text_with_the_link(demo):
    _, feed = fetch(demo.test_client())
    for entry in feed.entries:
        text = entry.summary
        assert len(text) <= SUMMARY_LIMIT, text
        assert "<" not in text and ">" not in text and "\n" not in text
        assert text.startswith("青溪区发布") and text.endswith(entry.link)


def test_the_results_entries_hold_no_child_data(demo):
    response, feed = fetch(demo.test_client())
    results = [e for e in feed.entries if e.tags[0].term == "admission_result"]
    assert results
    body = response.get_data(as_text=True)
    with (DEMO / "results_list_2026.csv").open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    personal = {row[column] for row in rows for column in ("申请号", "姓名", "出生日期")}
    assert len(personal) > 10
    assert not [value for value in personal if value in body]
    assert not re.search(r"\S\*\S", body)  # no masked name either


def test_a_consultation_opened_then_its_adoption_report_are_entries_linking_to_its_page(demo):
    plan = zoning.import_plan(get_user("editor"), "990101", 2028, "primary", DEMO / "zones_primary_2027.geojson")
    item = consultations.propose_consultation(get_user("editor"), plan.id)
    content.approve_revision(get_user("reviewer"), content.open_revision(consultations.CONSULTATION, item.id).id)
    _, feed = fetch(demo.test_client())
    newest = feed.entries[0]
    assert newest.title.startswith("征求意见：2028 年小学划片方案")
    assert newest.link.endswith(f"/d/990101/consultations/{item.id}")
    assert newest.id.endswith(f":consultation/{item.id}/1")
    with time_machine.travel(item.closes_at + timedelta(minutes=1), tick=True):
        consultations.submit_report(get_user("editor"), item.id, "未收到意见。")
        content.approve_revision(get_user("reviewer"), content.open_revision(consultations.CONSULTATION, item.id).id)
        _, feed = fetch(demo.test_client())
    report, opened = feed.entries[:2]
    assert report.title == "意见采纳情况：2028 年小学划片方案" and report.tags[0].term == "consultation_report"
    assert report.link.endswith(f"/d/990101/consultations/{item.id}#report")
    assert opened.id == newest.id  # the opening stays, under the same id


def test_an_unknown_district_has_no_feed(demo):
    assert demo.test_client().get("/d/999999/feed.atom").status_code == 404


# --- head links -----------------------------------------------------------------------------------


def head_links(html: str) -> list[str]:
    head = html.split("</head>", 1)[0]
    return re.findall(r'<link rel="alternate" type="application/atom\+xml" title="[^"<>]+" href="([^"]+)">', head)


@pytest.mark.parametrize("path", ["/d/990101/", "/d/990101/policies/", "/d/990101/follow"])
def test_district_pages_advertise_their_feed_in_the_head(demo, path):
    response = demo.test_client().get(path)
    assert response.status_code == 200
    assert "/d/990101/feed.atom" in head_links(response.get_data(as_text=True))


def test_the_home_page_advertises_the_site_feed(demo):
    client = demo.test_client()
    links = head_links(client.get("/").get_data(as_text=True))
    assert "/feed.atom" in links
    fetch(client, links[links.index("/feed.atom")])


# --- publishing, withdrawing, republishing (a fresh database) -----------------------------------


def test_a_policy_published_appears_with_its_interpretation(client, editor, reviewer):
    doc_id = publish_with_interpretation(editor, reviewer)
    _, feed = fetch(client)
    by_kind = {e.tags[0].term: e for e in feed.entries}
    assert by_kind["policy"].title == "招生政策文件：青溪区2026年义务教育招生入学工作实施细则"
    assert by_kind["policy"].link.endswith(f"/d/990101/policies/{doc_id}")
    assert by_kind["interpretation"].title == "政策解读：《实施细则》政策解读"
    assert client.get(path_of(client.application, by_kind["interpretation"].link)).status_code == 200
    assert "青溪区教育局" == by_kind["policy"].author  # no published contact: the district's bureau
    assert "2026" in by_kind["policy"].summary


def test_a_withdrawn_policy_leaves_the_feed_with_its_interpretation(client, editor, reviewer):
    keep = publish_with_interpretation(editor, reviewer, title="保留的文件", doc_number="青教〔2026〕1号")
    gone = publish_with_interpretation(editor, reviewer, title="撤下的文件", doc_number="青教〔2026〕2号")
    before = entry_ids(fetch(client)[1])
    content.withdraw_item(reviewer, policies.POLICY, gone, "需要核对")
    after = fetch(client)[1]
    assert [e.title for e in after.entries if e.tags[0].term == "policy"] == ["招生政策文件：保留的文件"]
    assert len(after.entries) == len(before) - 2  # the document and its interpretation
    assert f"policy/{keep}/1" in " ".join(entry_ids(after))
    assert f"policy/{gone}/" not in " ".join(entry_ids(after))


def test_a_republished_policy_returns_with_its_new_version(client, editor, reviewer):
    doc_id = publish_with_interpretation(editor, reviewer)
    [old] = [i for i in entry_ids(fetch(client)[1]) if f":policy/{doc_id}/" in i]
    content.withdraw_item(reviewer, policies.POLICY, doc_id, "需要核对")
    draft = republish_item(editor, policies.POLICY, doc_id, "核对无误")
    interpretation = _db.session.get(PolicyDocument, doc_id).interpretation
    content.submit_revision(editor, content.open_revision(policies.INTERPRETATION, interpretation.id).id)
    content.submit_revision(editor, draft.id)
    content.approve_revision(reviewer, draft.id)
    _, feed = fetch(client)
    ids = entry_ids(feed)
    assert old.endswith("/1") and old not in ids  # the withdrawn version stays out
    assert any(i.endswith(f":policy/{doc_id}/{draft.number}") for i in ids)
    assert "interpretation" in kinds_of(feed)
    assert feed.entries[0].title.endswith(f"（第 {draft.number} 版）")


def test_the_site_feed_holds_every_district_and_a_district_feed_only_its_own(client, admin, editor, reviewer,
                                                                             make_user):
    create_district(admin, "990102", "白石区")
    publish_with_interpretation(editor, reviewer, title="青溪区文件")
    other_editor = make_user("editor2", "district_editor", "990102")
    other_reviewer = make_user("reviewer2", "district_reviewer", "990102")
    publish_with_interpretation(other_editor, other_reviewer, "990102", title="白石区文件")
    response, site = fetch(client, "/feed.atom")
    assert {e.title for e in site.entries if e.tags[0].term == "policy"} == {
        "招生政策文件：青溪区文件", "招生政策文件：白石区文件"}
    assert {e.author for e in site.entries} == {"青溪区教育局", "白石区教育局"}
    assert tree(response).find(A + "link[@rel='self']").get("href").endswith("/feed.atom")
    _, own = fetch(client, "/d/990102/feed.atom")
    assert {e.title for e in own.entries if e.tags[0].term == "policy"} == {"招生政策文件：白石区文件"}
    assert all(e.link.startswith(client.application.config["BASE_URL"].rstrip("/") + "/d/990102/")
               for e in own.entries)


def test_an_empty_feed_is_still_valid_atom(client, district):
    response, feed = fetch(client)
    assert feed.entries == [] and tree(response).findtext(A + "updated")
    datetime.fromisoformat(tree(response).findtext(A + "updated").replace("Z", "+00:00"))
