"""What a lookup says when it cannot simply answer: how a 多校划片 zone's schools take a child, the
road a parent probably meant ("did you mean"), the nearest known door numbers, and that an
address lies in no district of this site.
"""
from __future__ import annotations

import difflib
import re

from sqlalchemy import select, union

from enroll.core.i18n import PerLocale, _l
from enroll.extensions import db
from enroll.geo.address import normalize, parse_address
from enroll.lookup import gazetteer
from enroll.lookup.answers import Caveat, LookupResult, Match
from enroll.lookup.models import Address
from enroll.zoning.services import STAGE_LABELS

SIMILAR = 0.6  # difflib ratio: 学苑路 ~ 学院路 is 0.67; two names sharing only 路 are 0.5 or less
_ADMIN = re.compile(r"^(?:[\u4e00-\u9fff]{2,8}?市)?([\u4e00-\u9fff]{2,8}?(?:县|旗|(?<![小社园景校厂矿片营])区))")


def _deletions(name: str) -> set[str]:
    """The name and the name less any one character: two names within one typo share one of these."""
    return {name} | {name[:i] + name[i + 1:] for i in range(len(name))}


class NameIndex:
    """Place names by their one-character deletions (the symmetric-deletion trick): the candidates
    for a typo are found with a few dictionary reads, not by comparing with every name."""

    def __init__(self, names):
        self.by_key: dict[str, set[str]] = {}
        for name in names:
            if name and len(name) >= 2:
                for key in _deletions(name):
                    self.by_key.setdefault(key, set()).add(name)

    def similar(self, name: str | None, limit: int = 3) -> list[str]:
        """Known names one or two typos from ``name``, most similar first; none when ``name`` is known."""
        if not name or name in self.by_key.get(name, ()):
            return []
        found = {n for key in _deletions(name) for n in self.by_key.get(key, ())} - {name}
        scored = sorted(((difflib.SequenceMatcher(None, name, n).ratio(), n) for n in found), reverse=True)
        return [n for ratio, n in scored if ratio >= SIMILAR][:limit]


def district_names(district_id: int) -> set[str]:
    """A district's road, estate and village names in its gazetteer (normalized, as stored)."""
    return set(db.session.scalars(union(*(
        select(column).where(Address.district_id == district_id, column.is_not(None)).distinct()
        for column in (Address.road, Address.estate, Address.village)))))


def named_district(normalized: str) -> str | None:
    """The county-level unit an address starts with (海淀区, 某某县), after any city: None if none."""
    m = _ADMIN.match(normalized)
    return m.group(1) if m else None


def several_schools(result: LookupResult, stage: str, matches: list[Match]) -> None:
    """多校划片: say which schools share the address and how the district places a child among them
    (its own words, published with its contact details), else where to ask."""
    district = result.district  # a DistrictInfo; the district itself when staff test a draft
    placement = PerLocale(dict(getattr(district, "placement", ())))
    phone = getattr(district, "consult_phone", None) or district.phone
    how = placement if placement else _l("具体如何在这几所学校之间安排入学，请见本区招生政策文件，或致电教育局 %(phone)s 咨询。",
                                         phone=phone or _l("（见区县页面）"))
    result.add_caveat("multi_school", _l("%(stage)s：该地址由 %(schools)s 共同招生（多校划片）。%(how)s",
                                         stage=STAGE_LABELS.get(stage, stage),
                                         schools="、".join(dict.fromkeys(m.school_name for m in matches)), how=how))


def outside_site(cat, text: str) -> LookupResult | None:
    """An address that names a county-level district this site does not cover (海淀区…)."""
    named = named_district(normalize(text))
    if named is None or any(named in d.name or d.name in named for d in cat.districts):
        return None
    result = LookupResult(normalized=normalize(text))
    result.caveats.append(Caveat("outside_site", _l(
        "本站没有%(district)s的划片信息（本站包括：%(covered)s）。请向该地教育局咨询。",
        district=named, covered="、".join(d.name for d in cat.districts) or "—")))
    return result


def not_found(cat, tried: list[LookupResult], text: str) -> LookupResult:
    """No school found: name the nearest known numbers on that road, or the names the parent
    probably meant (a typo), and how to ask the bureau."""
    for result in tried:
        parts = parse_address(text, gazetteer.district_prefixes(result.district))
        near = gazetteer.nearest_numbers(result.district, parts.road, parts.lane or parts.number) if parts.road else []
        if near or len(tried) == 1:
            break
    else:
        result, near, parts = LookupResult(normalized=normalize(text)), [], None
    phone = (result.district.consult_phone if result.district is not None else "") or _l("（见区县页面）")
    if near:
        message = _l("没有找到这个地址。%(road)s已知的相近门牌：%(numbers)s。如地址无误，请致电教育局 %(phone)s 咨询。",
                     road=parts.road, numbers="、".join(f"{n}号" for n in near), phone=phone)
    else:
        message = _l("没有找到这个地址，请检查路名、门牌号或小区名；如地址无误，请致电教育局 %(phone)s 咨询。", phone=phone)
        result.suggestions = _suggestions(cat, tried, text)
    result.caveats.append(Caveat("address_not_found", message))
    return result


def _suggestions(cat, tried: list[LookupResult], text: str) -> list[str]:
    """The address with its road, estate or village replaced by a known name one typo away."""
    found: list[str] = []
    for result in tried:
        parts = parse_address(text, gazetteer.district_prefixes(result.district))
        name = parts.road or parts.estate or parts.village
        for known in cat.similar_names(result.district.id, name) if name else ():
            suggestion = parts.normalized.replace(name, known, 1)
            if suggestion not in found:
                found.append(suggestion)
    return found[:3]
