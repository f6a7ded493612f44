"""Site search: what parents type, answered.

- An address (a road and a door number, an estate and a building, a village and a group) is not
  searched for: the page sends it to the lookup, which says which school serves it.
- Topic words (随迁子女, 划片, 报名时间, "lottery" …) find the topic pages first (``topics``).
- Then every published revision of every kind of content, the published 划片 texts and the
  schools, by the query's meaningful words (``words``: jieba segmentation, traditional folded to
  simplified, stop words dropped). Every word must appear; a query of three or more words that
  finds nothing so is answered by the items missing one word only. Hits are ranked by where the
  words appear (title above text) and then by date; each shows a snippet of human text in the
  reader's language, never the codes stored beside it.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import and_, or_, select

from enroll.core.db import contains
from enroll.core.errors import BadRequest
from enroll.core.html import html_to_text
from enroll.core.i18n import _l
from enroll.extensions import db
from enroll.geo.address import parse_address
from enroll.review import content, states
from enroll.review.models import Revision
from enroll.schools.models import School
from enroll.search import topics
from enroll.search.words import folded, query_words
from enroll.zoning import public as zoning_public

MAX_QUERY = 100
LIMIT = 50
CANDIDATES = 300  # published revisions looked at for one query, newest first
SNIPPET = 60      # characters either side of the first match
CODE = re.compile(r"^[a-z0-9_.:/\-]*$")  # stored codes and dates (in_zone, junior, 2026-05-10): not text


@dataclass
class Hit:
    kind: object          # a label: 招生政策文件, 学校 …
    title: str
    snippet: str
    endpoint: str
    args: dict
    published_at: datetime | None = None
    score: int = 0


@dataclass
class Answer:
    """What a search finds: an address to look up, or topic pages and hits."""

    query: str
    address: str | None = None
    topics: list[Hit] = field(default_factory=list)
    hits: list[Hit] = field(default_factory=list)
    partial: bool = False  # the hits miss one of the query's words

    @property
    def count(self) -> int:
        return len(self.topics) + len(self.hits)


def check_query(query: str | None) -> str:
    """:raises BadRequest: an empty or overlong query."""
    query = (query or "").strip()
    if not query:
        raise BadRequest(_l("请输入要搜索的内容。"))
    if len(query) > MAX_QUERY:
        raise BadRequest(_l("搜索内容过长（最多 %(n)d 个字）。", n=MAX_QUERY))
    return query


def is_address(query: str) -> bool:
    """A door, not a topic: a road with a number, an estate with a building, a village with a group."""
    parts = parse_address(query)
    return bool((parts.road and (parts.number is not None or parts.lane is not None))
                or (parts.estate and parts.building is not None) or (parts.village and parts.group is not None))


def _snippet(text: str, words: list[str]) -> str:
    flat = " ".join(text.split())
    lowered = folded(flat)  # the same length: whitespace already collapsed, simplification is per character
    at = min((i for i in (lowered.find(w) for w in words) if i >= 0), default=0)
    start = max(0, at - SNIPPET)
    return ("…" if start else "") + flat[start:at + SNIPPET * 2] + ("…" if at + SNIPPET * 2 < len(flat) else "")


def _localized(data: dict, locale: str, key: str):
    return ((data.get("translations") or {}).get(locale) or {}).get(key)


def human_text(kind, data: dict, locale: str) -> str:
    """A revision's text as readers see it, but its title: the reader's translation first, then the
    Chinese; HTML reduced to text; no private field, no code, no other language's translation."""
    parts: list[str] = []

    def walk(key, value):
        if isinstance(value, str):
            text = html_to_text(value) if key in kind.html_fields else value
            if not CODE.match(text.strip().lower()):
                parts.append(text)
        elif isinstance(value, dict):
            for k, v in value.items():
                if k not in kind.source_fields:  # the Markdown an HTML field was written as
                    walk(k, v)
        elif isinstance(value, list):
            for v in value:
                walk(key, v)

    for key, value in ((data.get("translations") or {}).get(locale) or {}).items():
        if key not in ("title", *kind.source_fields):  # the title is shown as the hit's title
            walk(key, value)
    for key, value in data.items():
        if key not in (*kind.private_fields, *kind.source_fields, "translations", "title"):
            walk(key, value)
    return "\n".join(parts)


def _score(title: str, text: str, words: list[str], query: str) -> int:
    """Title words weigh three times text words; the whole query written as one phrase adds more."""
    title, text = folded(title), folded(text)
    score = sum(3 * (w in title) + (w in text) for w in words)
    phrase = "".join(folded(query).split())
    return score + (5 if len(words) > 1 and phrase in "".join(title.split()) else 0)


def _revisions(condition) -> list[Revision]:
    return list(db.session.scalars(select(Revision).where(Revision.status == states.PUBLISHED, condition)
                                   .order_by(Revision.published_at.desc()).limit(CANDIDATES)))


def _content_hits(words: list[str], query: str, locale: str, need: int) -> list[Hit]:
    hits = []
    candidates = _revisions(and_(*(contains(Revision.search_text, w) for w in words))) if need == len(words) else \
        _revisions(or_(*(contains(Revision.search_text, w) for w in words)))
    for revision in candidates:
        kind = content.KINDS.get(revision.object_type)
        item = kind and db.session.get(kind.model, revision.object_id)
        if item is None or item.status != states.PUBLISHED or kind.public_endpoint is None:
            continue
        title = str(_localized(revision.data, locale, "title") or kind.title(item, revision.data))
        text = human_text(kind, revision.data, locale)
        both = folded(title + "\n" + text)
        if sum(w in both for w in words) < need:
            continue  # the words were only in codes or in private fields
        hits.append(Hit(kind.label, title, _snippet(text, words), kind.public_endpoint, kind.public_args(item),
                        revision.published_at, _score(title, text, words, query)))
    return hits


def _zoning_hits(words: list[str], query: str) -> list[Hit]:
    hits = []
    for text in zoning_public.search_texts(words):
        title = str(_l("%(school)s：%(year)s 年划片范围", school=text.school.name, year=text.plan.year))
        hits.append(Hit(_l("划片范围"), title, _snippet(text.text, words), "public.school",
                        {"school_id": text.school_id}, text.plan.published_at, _score(title, text.text, words, query)))
    return hits


def _school_hits(words: list[str], query: str) -> list[Hit]:
    schools = db.session.scalars(select(School).where(and_(*(
        or_(contains(School.name, w), contains(School.address, w)) for w in words))).order_by(School.name).limit(LIMIT))
    return [Hit(_l("学校"), school.name, school.address, "public.school", {"school_id": school.id}, None,
                _score(school.name, school.address, words, query) + 1) for school in schools]


def _ranked(hits: list[Hit]) -> list[Hit]:
    return sorted(hits, key=lambda h: (-h.score, -(h.published_at.timestamp() if h.published_at else 0)))[:LIMIT]


def search(query: str | None, locale: str = "zh_Hans") -> Answer:
    """What the site holds for ``query``: see the module's docstring.

    :raises BadRequest: an empty or overlong query.
    """
    query = check_query(query)
    if is_address(query):
        return Answer(query, address=query)
    answer = Answer(query, topics=[Hit(_l("栏目"), str(link.title), str(topic.description), link.endpoint, link.args)
                                   for topic, links in topics.matching_topics(query) for link in links])
    words = query_words(query)
    if not words:
        return answer
    answer.hits = _ranked(_content_hits(words, query, locale, len(words)) + _zoning_hits(words, query)
                          + _school_hits(words, query))
    if not answer.hits and len(words) >= 3:
        answer.hits, answer.partial = _ranked(_content_hits(words, query, locale, len(words) - 1)), True
    return answer
