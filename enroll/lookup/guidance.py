"""What a lookup says when it cannot simply answer: the road a parent probably meant ("did you
mean"), and the district an address belongs to when it is not the one asked or not on this site.
"""
from __future__ import annotations

import difflib
import re

from sqlalchemy import select, union

from enroll.extensions import db
from enroll.lookup.models import Address

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
