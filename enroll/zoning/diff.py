"""What changed in the 划片 text between two plan versions, school by school and clause by clause."""
from __future__ import annotations

import difflib
from dataclasses import dataclass, field

from enroll.zoning.models import ZoningPlan


@dataclass
class SchoolDiff:
    """One school's changes: clauses added, removed and changed (before, after), whether its words
    changed where its clauses did not (punctuation, numbering: ``reworded``), and whether it has
    text or a zone before and after."""

    school_id: int
    school: str
    added: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    changed: list[tuple[str, str]] = field(default_factory=list)
    had_text: bool = False
    has_text: bool = False
    had_zone: bool = False
    has_zone: bool = False
    reworded: bool = False

    @property
    def left_without(self) -> bool:
        """The school had text or a zone and is left with neither (``school_without_zone``)."""
        return (self.had_text or self.had_zone) and not (self.has_text or self.has_zone)

    @property
    def any(self) -> bool:
        return bool(self.added or self.removed or self.changed or self.reworded or self.had_text != self.has_text
                    or self.had_zone != self.has_zone)


def _clauses(plan: ZoningPlan | None) -> dict[int, tuple[str, list[str]]]:
    """school id → (name, its clauses' texts in source order)."""
    out: dict[int, tuple[str, list[str]]] = {}
    for rule in sorted(plan.rules, key=lambda r: (r.school_id, r.line, r.id)) if plan else []:
        out.setdefault(rule.school_id, (rule.school.name, []))[1].append(rule.text.strip())
    return out


def _words(plan: ZoningPlan | None) -> dict[int, str]:
    return {t.school_id: t.text for t in plan.texts} if plan else {}


def _zoned(plan: ZoningPlan | None) -> dict[int, str]:
    return {s.id: s.name for z in plan.zones for s in z.schools} if plan else {}


def diff_plans(before: ZoningPlan | None, after: ZoningPlan) -> list[SchoolDiff]:
    """The schools whose text or zone presence differs, in the order of the newer plan's text."""
    old, new = _clauses(before), _clauses(after)
    old_words, new_words = _words(before), _words(after)
    old_zoned, new_zoned = _zoned(before), _zoned(after)
    names = {**{k: v[0] for k, v in old.items()}, **old_zoned, **new_zoned, **{k: v[0] for k, v in new.items()}}
    diffs = []
    for school_id in list(dict.fromkeys([*new, *old, *new_zoned, *old_zoned])):
        a, b = old.get(school_id, ("", []))[1], new.get(school_id, ("", []))[1]
        diff = SchoolDiff(school_id, names[school_id], had_text=bool(a), has_text=bool(b),
                          had_zone=school_id in old_zoned, has_zone=school_id in new_zoned)
        for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
            if tag == "equal":
                continue
            paired = min(i2 - i1, j2 - j1) if tag == "replace" else 0
            diff.changed += list(zip(a[i1:i1 + paired], b[j1:j1 + paired]))
            diff.removed += a[i1 + paired:i2]
            diff.added += b[j1 + paired:j2]
        diff.reworded = (not (diff.added or diff.removed or diff.changed) and school_id in old_words
                         and school_id in new_words and old_words[school_id] != new_words[school_id])
        if diff.any:
            diffs.append(diff)
    return diffs
