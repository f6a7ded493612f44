"""The district's negative list (负面清单): the information it does not publish of its own motion,
each entry with its 公开属性 — 依申请公开 (given to whoever asks) or 不予公开 (withheld, with the legal
reason) — written by the district's editors and approved by another person through the one review
workflow (``enroll.review.content``) before the public reads it.

An entry is ``{"item", "attribute", "reason", "basis", "translations": {"en": {"item", "basis"}}}``:
``reason`` is one of the withheld sub-reasons of the annual report's table
(``info_requests.codes.REASONS["withheld"]``, each with its article of the 条例) or empty, ``basis``
free text (the legal basis or the explanation). A withheld entry needs one of the two. The bureau
types the entries one per line: ``事项 | 公开属性 | 理由 | 英文事项 | 英文理由``, where 理由 may start
with a sub-reason (its code or its name) followed by ``：`` and the explanation.
"""
from __future__ import annotations

import re

from sqlalchemy import select

from enroll.core import fields
from enroll.core.context import Context
from enroll.core.errors import DomainError, Invalid
from enroll.core.i18n import _l, _n
from enroll.core.security import authorize
from enroll.districts.services import get_district
from enroll.extensions import db
from enroll.info_requests.codes import REASONS
from enroll.info_requests.models import NegativeList
from enroll.review import content, states

ON_REQUEST, WITHHELD = "on_request", "withheld"
ATTRIBUTES = {ON_REQUEST: _l("依申请公开"), WITHHELD: _l("不予公开")}
# what people type in the 公开属性 column
ATTRIBUTE_NAMES = {"on_request": ON_REQUEST, "依申请公开": ON_REQUEST, "依申请": ON_REQUEST,
                   "withheld": WITHHELD, "不予公开": WITHHELD, "不公开": WITHHELD}
WITHHELD_REASONS = REASONS["withheld"]  # code -> (name, article of the 条例)
COLUMNS = (_l("事项"), _l("公开属性"), _l("理由"), _l("英文事项"), _l("英文理由"))
FIELDS = {"intro": _l("说明"), "entries": _l("负面清单条目"), "translations": _l("译文")}
ENTRY_LABELS = {"item": _l("事项"), "attribute": _l("公开属性"), "reason": _l("不予公开理由"),
                "basis": _l("依据或说明"), "item_en": _l("英文事项"), "basis_en": _l("英文依据或说明")}
LIMITS = {"item": 200, "basis": 500, "intro": 2_000}
_SEPARATOR = re.compile(r"\s*[|｜]\s*")
_REASON_HEAD = re.compile(r"^([^：:]+)[：:]\s*(.*)$", re.DOTALL)


def _chinese(label) -> str:
    """The Chinese source text of a lazy label (what the edit form writes, in every language)."""
    return getattr(label, "_args", (str(label),))[0]


def _reason_code(text: str) -> str | None:
    """The sub-reason a cell names by its code, its Chinese name or its name in the reader's language."""
    text = text.strip()
    for code, (name, _article) in WITHHELD_REASONS.items():
        if text in (code, _chinese(name), str(name)):
            return code
    return None


def split_reason(cell: str) -> tuple[str, str]:
    """``(reason code, basis)`` of a 理由 cell: ``保护第三方合法权益：涉及学生个人信息`` names the
    sub-reason and explains it; a cell naming no sub-reason is all explanation."""
    code = _reason_code(cell)
    if code is not None:
        return code, ""
    head = _REASON_HEAD.match(cell)
    if head and (code := _reason_code(head[1])) is not None:
        return code, head[2].strip()
    return "", cell.strip()


def _entry(values: dict, where: int, errors: list) -> dict | None:
    """One entry checked and normalized; its problems appended to ``errors`` as (where, column, message)."""
    item = str(values.get("item") or "").strip()
    attribute = ATTRIBUTE_NAMES.get(str(values.get("attribute") or "").strip())
    reason, basis = str(values.get("reason") or "").strip(), str(values.get("basis") or "").strip()
    english = (values.get("translations") or {}).get("en") or {}
    item_en, basis_en = str(english.get("item") or "").strip(), str(english.get("basis") or "").strip()
    if not item:
        errors.append((where, str(COLUMNS[0]), _l("请填写事项（哪一类信息）。")))
    elif attribute is None:
        errors.append((where, str(COLUMNS[1]), _l("公开属性应为“依申请公开”或“不予公开”。")))
    elif reason and reason not in WITHHELD_REASONS:
        errors.append((where, str(COLUMNS[2]), _l("“%(reason)s”不是不予公开的理由之一。", reason=reason)))
    elif attribute == WITHHELD and not (reason or basis):
        errors.append((where, str(COLUMNS[2]), _l("不予公开的事项必须写明理由（法律依据）。")))
    elif reason and attribute != WITHHELD:
        errors.append((where, str(COLUMNS[2]), _l("只有不予公开的事项才有不予公开理由。")))
    elif max(len(item), len(item_en)) > LIMITS["item"] or max(len(basis), len(basis_en)) > LIMITS["basis"]:
        errors.append((where, "", _l("事项最多 %(item)d 个字，理由最多 %(basis)d 个字。", item=LIMITS["item"],
                                     basis=LIMITS["basis"])))
    else:
        entry = {"item": item, "attribute": attribute, "reason": reason, "basis": basis}
        given = {k: v for k, v in (("item", item_en), ("basis", basis_en)) if v}
        return {**entry, "translations": {"en": given}} if given else entry
    return None


def parse_entries(text: str) -> list[dict]:
    """Entries from text, one per line: ``事项 | 公开属性 | 理由 | 英文事项 | 英文理由`` (blank lines
    and a heading line skipped). :raises Invalid: with (line, column, message) for every bad line."""
    entries, errors = [], []
    for line, raw in enumerate((text or "").splitlines(), start=1):
        given = _SEPARATOR.split(raw.strip())
        cells = given + [""] * len(COLUMNS)
        if not any(cells) or (cells[0] in ("事项", "item") and cells[1] in ("公开属性", "attribute")):
            continue
        if len(given) > len(COLUMNS):  # a "|" inside a cell would cut it: say so rather than drop the rest
            errors.append((line, "", _l("每行最多 %(n)d 栏，用“|”分隔；事项和理由中不能有“|”。", n=len(COLUMNS))))
            continue
        reason, basis = split_reason(cells[2])
        entry = _entry({"item": cells[0], "attribute": cells[1], "reason": reason, "basis": basis,
                        "translations": {"en": {"item": cells[3], "basis": cells[4]}}}, line, errors)
        if entry is not None:
            entries.append(entry)
    _raise(errors)
    return entries


def _raise(errors: list) -> None:
    if errors:
        raise Invalid(_n("负面清单有 %(num)d 行有误，未保存。", len(errors)), errors=errors, field="entries")


def entries_to_text(entries: list[dict]) -> str:
    """The inverse of :func:`parse_entries`, for editing."""
    lines = []
    for e in entries:
        english = (e.get("translations") or {}).get("en") or {}
        reason = "：".join(p for p in (_chinese(WITHHELD_REASONS[e["reason"]][0]) if e.get("reason") else "",
                                      e.get("basis", "")) if p)
        cells = [e["item"], _chinese(ATTRIBUTES[e["attribute"]]), reason, english.get("item", ""), english.get("basis", "")]
        while cells and not cells[-1]:
            cells.pop()
        lines.append(" | ".join(cells))
    return "\n".join(lines)


def negative_list_data(data: dict) -> dict:
    """A negative-list revision's data, checked and normalized. ``entries`` is a list of entries or
    the text of :func:`parse_entries`. :raises Invalid: naming the field, or every bad line or entry."""
    given = data.get("entries")
    if isinstance(given, str):
        entries = parse_entries(given)
    else:
        errors = []
        entries = [e for n, v in enumerate(given or [], start=1) if (e := _entry(v if isinstance(v, dict) else {},
                                                                                    n, errors)) is not None]
        _raise(errors)
    if not entries:
        raise Invalid(_l("负面清单中没有任何条目。"), errors=[(1, str(COLUMNS[0]), _l("请至少填写一行。"))],
                      field="entries")
    intro = fields.text(data, "intro", FIELDS["intro"], limit=LIMITS["intro"])
    english = fields.text((data.get("translations") or {}).get("en") or {}, "intro", _l("英文说明"),
                          limit=LIMITS["intro"])
    return {"intro": intro, "entries": entries, "translations": {"en": {"intro": english}} if english else {}}


def present_entries(entries: list[dict]) -> list[dict]:
    """Entries as reviewers read them: one labelled row each, the English beside the Chinese."""
    label = {k: str(v) for k, v in ENTRY_LABELS.items()}
    rows = []
    for e in entries:
        english = (e.get("translations") or {}).get("en") or {}
        reason = WITHHELD_REASONS.get(e.get("reason") or "")
        rows.append({label["item"]: e["item"], label["attribute"]: str(ATTRIBUTES[e["attribute"]]),
                     label["reason"]: f"{reason[0]}（{reason[1]}）" if reason else "",
                     label["basis"]: e.get("basis", ""), label["item_en"]: english.get("item", ""),
                     label["basis_en"]: english.get("basis", "")})
    return rows


def _present(key: str, value):
    return present_entries(value) if key == "entries" else value


def _apply(negative: NegativeList, data: dict) -> None:
    negative.intro, negative.entries = data.get("intro", ""), data["entries"]
    negative.translations = data.get("translations") or {}


NEGATIVE_LIST = content.register(content.ContentKind(
    name="negative_list", model=NegativeList, permission="disclosure", label=_l("负面清单"), fields=FIELDS,
    apply=_apply, title=lambda item, data: _l("%(district)s政府信息公开负面清单", district=item.district.name),
    html_fields=(), present=_present,
    edit_endpoint="calendar_bureau.negative_list", edit_args=lambda item: {"code": item.district.code},
    public_endpoint="disclosure.negative_list", public_args=lambda item: {"code": item.district.code}))


def negative_list_of(district_id: int) -> NegativeList | None:
    return db.session.scalar(select(NegativeList).where(NegativeList.district_id == district_id))


def save_negative_list(actor, district_code: str, data: dict, *, note: str = "",
                       context: Context = Context()):
    """Write the district's negative-list draft. Commits. :returns: the revision.

    :raises Forbidden: without ``disclosure.edit`` in the district. :raises Invalid: a bad entry
        (every bad line named), a withheld entry without a reason, personal data in any entry.
    """
    district = get_district(district_code)
    authorize(actor, "disclosure.edit", district.id)
    clean = negative_list_data(data)
    negative = negative_list_of(district.id)
    if negative is None:
        negative = NegativeList(district_id=district.id, district=district)
        db.session.add(negative)
    try:
        revision = content.save_draft(actor, NEGATIVE_LIST, negative, clean, note, context=context)
    except DomainError:
        db.session.rollback()  # a refused first draft leaves no empty list behind
        raise
    db.session.commit()
    return revision


def current_data(actor, district_code: str) -> dict:
    """The edit form's starting values: the open draft, else what is published, else nothing;
    ``entries`` as the text the form edits."""
    district = get_district(district_code)
    authorize(actor, "disclosure.edit", district.id)
    revision = content.current_revision(NEGATIVE_LIST, negative_list_of(district.id))
    data = revision.data if revision else {}
    return {"intro": data.get("intro", ""), "entries": entries_to_text(data.get("entries") or []),
            "intro_en": ((data.get("translations") or {}).get("en") or {}).get("intro", "")}


def published_negative_list(district_id: int) -> NegativeList | None:
    negative = negative_list_of(district_id)
    return negative if negative is not None and negative.status == states.PUBLISHED else None


def public_negative_list(district_code: str):
    """``(district, the published list or None)`` for the public page. :raises NotFound: no such district."""
    district = get_district(district_code)
    return district, published_negative_list(district.id)


def reason_of(entry: dict):
    """``(sub-reason name, its article)`` of a withheld entry's sub-reason, or None."""
    return WITHHELD_REASONS.get(entry.get("reason") or "")

