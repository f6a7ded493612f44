"""Atom feeds of everything published (issue 19), per district and site-wide, for feed readers and
for reposting on government new media (WeChat, Weibo).

The feeds are built from the one review workflow, so every kind of content with a public page is
in them without a list of kinds here: each published version of an item (a ``Revision`` published,
now current or superseded since) is an entry, as long as the item is published now. A withdrawn
item's entries leave the feed; republished, it comes back with its new version. A consultation's
first version opens it, a later one publishes its adoption report: two entries, as before.

An entry's id is a tag URI (RFC 4151) of what never changes: the site's host, the year the version
was published, the kind, the item's number and the version's number. Nothing of a revision's data
but its title is read, so no list of children (``private_fields``) can reach a feed.
"""
from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from urllib.parse import urlsplit

from sqlalchemy import select

from enroll.core.i18n import _l
from enroll.districts.contacts import published_contact
from enroll.districts.services import get_district, list_districts
from enroll.extensions import db
from enroll.review import states
from enroll.review.kinds import KINDS, ContentKind
from enroll.review.models import Revision
from enroll.zoning.services import STAGE_LABELS

MAX_ENTRIES = 50
SUMMARY_CHARS = 140  # what a Weibo post holds
_BATCH = 200
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)

# the public page of an item: (endpoint, arguments) → its path, e.g. Flask's url_for
PathFor = Callable[[str, dict], str]


@dataclass(frozen=True)
class Entry:
    """One published version, as a feed shows it."""

    id: str
    title: str
    url: str
    published: datetime
    summary: str
    author: str
    term: str
    category: str


@dataclass(frozen=True)
class Feed:
    """A feed: its title, author, entries (newest first) and the time of the newest."""

    title: str
    author: str
    entries: list[Entry]
    updated: datetime


@dataclass(frozen=True)
class _Heading:
    title: str
    fragment: str = ""
    term: str = ""
    category: str = ""


def plain(text: str) -> str:
    """One line of text: no control characters (invalid in XML), runs of white space as one space."""
    return " ".join(_CONTROL.sub(" ", str(text or "")).split())


def tag_uri(base_url: str, published: datetime, specific: str) -> str:
    """``tag:<host>,<year>:<specific>`` (RFC 4151): the host of ``base_url`` owned that year."""
    host = (urlsplit(base_url).hostname or "localhost").lower()
    return f"tag:{host},{published.year}:{specific}"


def _utc(moment: datetime) -> datetime:
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def _consultation_heading(kind: ContentKind, item, revision: Revision) -> _Heading:
    """A consultation opened (its first version) or its adoption report published (a later one)."""
    plan = item.plan
    stage = STAGE_LABELS.get(plan.stage, plan.stage)
    if revision.data.get("report"):
        return _Heading(str(_l("意见采纳情况：%(year)s 年%(stage)s划片方案", year=plan.year, stage=stage)),
                        "#report", "consultation_report", str(_l("意见采纳情况")))
    end = item.closes_at.strftime("%Y-%m-%d") if item.closes_at else ""
    return _Heading(str(_l("征求意见：%(year)s 年%(stage)s划片方案（至 %(end)s）", year=plan.year, stage=stage,
                           end=end)))


# kinds whose versions mean different events; every other kind is headed by its own title
_HEADINGS: dict[str, Callable[[ContentKind, object, Revision], _Heading]] = {
    "consultation": _consultation_heading}


def _heading(kind: ContentKind, item, revision: Revision) -> _Heading:
    special = _HEADINGS.get(kind.name)
    if special is not None:
        heading = special(kind, item, revision)
    else:
        title = str(_l("%(kind)s：%(title)s", kind=str(kind.label), title=kind.title(item, revision.data)))
        if revision.number > 1:
            title += str(_l("（第 %(version)s 版）", version=revision.number))
        heading = _Heading(title)
    return _Heading(plain(heading.title), heading.fragment, heading.term or kind.name,
                    heading.category or str(kind.label))


def summary(district, item, heading: str, url: str) -> str:
    """Plain text of at most 140 characters to repost: what was published, for which district and
    year, then the link (left out only when the link alone would not fit)."""
    text = str(_l("%(district)s发布%(title)s", district=district.name, title=heading))
    year = getattr(item, "year", None)
    if year and str(year) not in text:
        text += str(_l("（%(year)s 年度）", year=year))
    text = plain(text)
    room = SUMMARY_CHARS - len(url) - 1
    if room < 20:
        return text if len(text) <= SUMMARY_CHARS else text[:SUMMARY_CHARS - 1] + "…"
    if len(text) > room:
        text = text[:room - 1] + "…"
    return f"{text} {url}"


class _Builder:
    """Entries of published versions, with the districts' bureau names looked up once each."""

    def __init__(self, base_url: str, path_for: PathFor):
        self.base_url, self.path_for = base_url.rstrip("/"), path_for
        self.authors: dict[int, str] = {}
        self.districts: dict[int, object] = {}

    def district(self, district_id: int):
        if not self.districts:
            self.districts = {d.id: d for d in list_districts()}
        return self.districts[district_id]

    def author(self, district_id: int) -> str:
        if district_id not in self.authors:
            self.authors[district_id] = bureau_name(self.district(district_id))
        return self.authors[district_id]

    def entry(self, kind: ContentKind, item, revision: Revision) -> Entry:
        heading = _heading(kind, item, revision)
        url = self.base_url + self.path_for(kind.public_endpoint, kind.public_args(item)) + heading.fragment
        published = _utc(revision.published_at)
        district = self.district(item.district_id)
        return Entry(id=tag_uri(self.base_url, published, f"{kind.name}/{item.id}/{revision.number}"),
                     title=heading.title, url=url, published=published,
                     summary=summary(district, item, heading.title, url), author=self.author(item.district_id),
                     term=heading.term, category=heading.category)


def bureau_name(district) -> str:
    """The district's bureau as its published contact names it, else ``<district>教育局``."""
    contact = published_contact(district.id)
    if contact is not None and plain(contact.office):
        return plain(contact.office)
    return str(_l("%(district)s教育局", district=district.name))


def _published_versions(district_id: int | None):
    """Every version ever published of a kind with a public page, newest first, in batches."""
    names = [name for name, kind in KINDS.items() if kind.public_endpoint and kind.public_args]
    query = select(Revision).where(
        Revision.object_type.in_(names), Revision.status.in_((states.PUBLISHED, states.SUPERSEDED)),
        Revision.published_at.is_not(None)).order_by(Revision.published_at.desc(), Revision.id.desc())
    if district_id is not None:
        query = query.where(Revision.district_id == district_id)
    offset = 0
    while True:
        batch = list(db.session.scalars(query.offset(offset).limit(_BATCH)))
        yield from batch
        if len(batch) < _BATCH:
            return
        offset += _BATCH


def entries(base_url: str, path_for: PathFor, district_id: int | None = None,
            limit: int = MAX_ENTRIES) -> list[Entry]:
    """The newest ``limit`` entries of a district (None: of every district), newest first.

    :param base_url: the site's address (``ENROLL_BASE_URL``): links and ids are made from it.
    :param path_for: the path of a public page from its endpoint and arguments.
    """
    builder, found = _Builder(base_url, path_for), []
    for revision in _published_versions(district_id):
        kind = KINDS[revision.object_type]
        item = db.session.get(kind.model, revision.object_id)
        if item is None or item.status != states.PUBLISHED:
            continue  # withdrawn: every version of it leaves the feed
        found.append(builder.entry(kind, item, revision))
        if len(found) >= limit:
            break
    return found


def district_feed(code: str, base_url: str, path_for: PathFor) -> Feed:
    """A district's feed. :raises NotFound: no such district."""
    district = get_district(code)
    found = entries(base_url, path_for, district.id)
    return Feed(str(_l("%(district)s 义务教育招生信息发布", district=district.name)), bureau_name(district),
                found, found[0].published if found else _utc(district.created_at))


def site_feed(base_url: str, path_for: PathFor, site_name: str, owner: str) -> Feed:
    """The feed of every district. :param owner: who runs the site (``ENROLL_SITE_OWNER``), may be empty."""
    found = entries(base_url, path_for)
    return Feed(str(_l("%(site)s：招生信息发布", site=site_name)), plain(owner) or site_name, found,
                found[0].published if found else _EPOCH)
