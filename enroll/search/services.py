"""Site search: every published revision of every kind of content, and the schools, by words in
their titles and text. Chinese is matched as written (substrings, traditional folded to simplified);
results carry the reader's translation where one exists."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import and_, or_, select

from enroll.core.db import contains
from enroll.core.errors import BadRequest
from enroll.core.i18n import _l
from enroll.extensions import db
from enroll.geo.address import to_simplified
from enroll.review import content, states
from enroll.review.models import Revision
from enroll.schools.models import School
from enroll.zoning import public as zoning_public

MAX_QUERY = 100
LIMIT = 50
SNIPPET = 60  # characters either side of the first match


@dataclass
class Hit:
    kind: object          # a label: 招生政策文件, 学校 …
    title: str
    snippet: str
    endpoint: str
    args: dict
    published_at: datetime | None = None


def terms_of(query: str | None) -> list[str]:
    """:raises BadRequest: an empty or overlong query."""
    query = (query or "").strip()
    if not query:
        raise BadRequest(_l("请输入要搜索的内容。"))
    if len(query) > MAX_QUERY:
        raise BadRequest(_l("搜索内容过长（最多 %(n)d 个字）。", n=MAX_QUERY))
    return [t for t in to_simplified(query).lower().split() if t][:8]


def _snippet(text: str, terms: list[str]) -> str:
    at = min((i for i in (text.find(t) for t in terms) if i >= 0), default=0)
    start = max(0, at - SNIPPET)
    piece = " ".join(text[start:at + SNIPPET * 2].split())
    return ("…" if start else "") + piece + ("…" if at + SNIPPET * 2 < len(text) else "")


def _localized(data: dict, locale: str, key: str):
    return ((data.get("translations") or {}).get(locale) or {}).get(key)


def search(query: str | None, locale: str = "zh_Hans") -> list[Hit]:
    """Published content and schools matching every term of ``query``, newest first.

    :raises BadRequest: an empty or overlong query.
    """
    terms = terms_of(query)
    revisions = db.session.scalars(select(Revision).where(
        Revision.status == states.PUBLISHED,
        and_(*(contains(Revision.search_text, t) for t in terms))
    ).order_by(Revision.published_at.desc()).limit(LIMIT))
    hits = []
    for revision in revisions:
        kind = content.KINDS.get(revision.object_type)
        item = kind and db.session.get(kind.model, revision.object_id)
        if item is None or item.status != states.PUBLISHED or kind.public_endpoint is None:
            continue
        title = _localized(revision.data, locale, "title") or kind.title(item, revision.data)
        hits.append(Hit(kind.label, str(title), _snippet(revision.search_text or "", terms), kind.public_endpoint,
                        kind.public_args(item), revision.published_at))
    for text in zoning_public.search_texts(terms):
        title = _l("%(school)s：%(year)s 年划片范围", school=text.school.name, year=text.plan.year)
        hits.append(Hit(_l("划片范围"), str(title), _snippet(text.text, terms), "public.school",
                        {"school_id": text.school_id}, text.plan.published_at))
    for school in db.session.scalars(select(School).where(and_(*(
            or_(contains(School.name, t), contains(School.address, t))
            for t in terms))).order_by(School.name).limit(LIMIT)):
        hits.append(Hit(_l("学校"), school.name, school.address, "public.school", {"school_id": school.id}))
    return hits
