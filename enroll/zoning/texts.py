"""The official 划片 text of each school: import from a CSV file or paste into the scope's draft,
merged so that only the schools named change, and the warnings about clauses it holds."""
from __future__ import annotations

from dataclasses import dataclass

from enroll.core.context import Context
from enroll.core.errors import DomainError, Invalid
from enroll.core.i18n import _l, _n
from enroll.core.security import authorize
from enroll.core.text import read_csv
from enroll.districts.services import get_district
from enroll.extensions import db
from enroll.geo.rules import parse_rules
from enroll.review import content
from enroll.review.publishable import personal_data_in, where_in
from enroll.schools.services import schools_of
from enroll.zoning.models import ZoneRule, ZoneText, ZoningPlan
from enroll.zoning.services import check_scope, draft_plan, save_plan, zoning_of

CSV_STAGES = {"primary": "小学", "junior": "初中"}  # the 学段 column's words, in files and downloads
STAGE_WORDS = {**{word: stage for stage, word in CSV_STAGES.items()}, **{stage: stage for stage in CSV_STAGES}}
COLUMNS = {"school": ("学校", "学校名称", "school"), "stage": ("学段", "stage"),
           "text": ("划片范围", "招生范围", "施教区范围", "text")}
COLUMN_LABELS = {"school": _l("学校"), "stage": _l("学段"), "text": _l("划片范围")}
MAX_TEXT = 10_000  # characters of one school's text


@dataclass(frozen=True)
class TextRow:
    """One school's text as given in a file or paste, with the line it starts on."""

    line: int
    stage: str
    school: object
    text: str


@dataclass(frozen=True)
class TextImport:
    """What an import did to one stage's draft."""

    plan: ZoningPlan
    updated: int    # schools whose text is new or changed
    unchanged: int  # schools given with the same text as before
    removed: int    # schools that lost their text (an empty cell, or not in a replace-all file)


def _columns(header: list[str], errors: list) -> dict[str, int]:
    names = {alias.lower(): key for key, aliases in COLUMNS.items() for alias in aliases}
    found: dict[str, int] = {}
    for index, cell in enumerate(header):
        key = names.get(cell.replace(" ", "").lower())
        if key is not None and key not in found:
            found[key] = index
    missing = [str(COLUMN_LABELS[k]) for k in ("school", "stage", "text") if k not in found]
    if missing:
        errors.append((1, "、".join(missing), _l("缺少列：%(columns)s（第一行应为“学校,学段,划片范围”）。",
                                                columns="、".join(missing))))
    return found


def read_texts(raw: bytes, filename: str, district) -> list[TextRow]:
    """The rows of a 学校,学段,划片范围 CSV, checked.

    :raises Invalid: with ``errors`` (line, column, message) for every bad row; nothing is written.
    """
    table = read_csv(raw, filename)
    errors: list = []
    columns = _columns(table.header, errors)
    if errors:
        raise Invalid(_l("%(file)s 的表头不对，未导入任何划片文字。", file=filename), errors=errors)
    schools = {stage: {s.name: s for s in schools_of(district.id, stage)} for stage in ("primary", "junior")}
    rows, seen = [], {}
    for line, cells in table.numbered():
        if len(cells) > len(table.header):
            errors.append((line, str(len(table.header) + 1), _l(
                "这一行比表头多出 %(n)d 列（划片范围中的逗号请用中文逗号，或给整段文字加英文双引号）。",
                n=len(cells) - len(table.header))))
            continue
        cell = {key: (cells[i] if i < len(cells) else "").strip() for key, i in columns.items()}
        stage = STAGE_WORDS.get(cell["stage"])
        if stage is None:
            errors.append((line, str(COLUMN_LABELS["stage"]), _l("学段必须是“小学”或“初中”，而不是“%(value)s”。",
                                                                value=cell["stage"][:20])))
            continue
        school = schools[stage].get(cell["school"])
        if school is None:
            errors.append((line, str(COLUMN_LABELS["school"]),
                           _l("“%(school)s”不在本区该学段的学校名录中。", school=cell["school"][:100])))
            continue
        if len(cell["text"]) > MAX_TEXT:
            errors.append((line, str(COLUMN_LABELS["text"]), _l("划片范围有 %(n)d 字，超过 %(max)d 字的上限。",
                                                               n=len(cell["text"]), max=MAX_TEXT)))
            continue
        found = personal_data_in(cell["text"])
        if found is not None:
            errors.append((line, str(COLUMN_LABELS["text"]), _l(
                "%(where)s公开的内容中不得出现身份证号、手机号或个人电子邮件，请删除后再导入。",
                where=where_in(COLUMN_LABELS["text"], found))))
            continue
        if (stage, school.id) in seen:
            errors.append((line, str(COLUMN_LABELS["school"]), _l("“%(school)s”在第 %(first)d 行已经出现过。",
                                                                 school=school.name, first=seen[stage, school.id])))
            continue
        seen[stage, school.id] = line
        rows.append(TextRow(line, stage, school, "\n".join(cell["text"].splitlines())))
    if errors:
        raise Invalid(_n("%(file)s 有 %(num)d 处错误，未导入任何划片文字。", len(errors), file=filename), errors=errors)
    if not rows:
        raise Invalid(_l("%(file)s 中没有划片文字。", file=filename), errors=[(2, "", _l("表头下面没有任何学校。"))])
    return rows


def _drop(plan: ZoningPlan, school_id: int) -> None:
    plan.texts = [t for t in plan.texts if t.school_id != school_id]
    _drop_rules(plan, school_id)


def _drop_rules(plan: ZoningPlan, school_id: int) -> None:
    plan.rules = [r for r in plan.rules if r.school_id != school_id]


def _add_rules(plan: ZoningPlan, row: TextRow) -> None:
    for clause in parse_rules(row.text):
        plan.rules.append(ZoneRule(school_id=row.school.id, school=row.school, line=clause.line, source_row=row.line,
                                   text=clause.text, kind=clause.kind, clause=clause.to_dict()))


def merge_texts(plan: ZoningPlan, rows: list[TextRow], replace_all: bool = False) -> tuple[int, int, int]:
    """Put the given schools' texts into the plan; every other school's text stays as it was, unless
    ``replace_all``, when schools not given lose theirs. An empty text removes that school's text.

    :returns: (updated, unchanged, removed) school counts.
    """
    existing = {t.school_id: t for t in plan.texts}
    given = {row.school.id for row in rows}
    updated = unchanged = removed = 0
    next_position = max((t.position for t in plan.texts), default=0) + 1
    for row in rows:
        old = existing.get(row.school.id)
        if old is not None and old.text == row.text:
            unchanged += 1
            continue
        if not row.text:
            if old is not None:
                _drop(plan, row.school.id)
                removed += 1
            continue
        if old is None:  # a school new to the text goes after the others
            plan.texts.append(ZoneText(school_id=row.school.id, school=row.school, position=next_position,
                                       text=row.text, source_row=row.line))
            next_position += 1
        else:  # changed in place: one text per school and plan
            old.text, old.source_row = row.text, row.line
            _drop_rules(plan, row.school.id)
        _add_rules(plan, row)
        updated += 1
    if replace_all:
        for school_id in set(existing) - given:
            _drop(plan, school_id)
            removed += 1
    return updated, unchanged, removed


def import_texts(actor, district_code: str, year: int, raw: bytes, *, filename: str, replace_all: bool = False,
                 note: str = "", context: Context = Context()) -> list[TextImport]:
    """Put the 划片 text of the schools in a 学校,学段,划片范围 CSV into each stage's draft. Commits.

    Each stage's draft starts as a copy of what is published (text and polygons) when there is
    none. Only the schools in the file change; ``replace_all`` replaces the whole text (schools
    not in the file lose theirs, and the result says how many).

    :raises Invalid: with ``errors`` (line, column, message); nothing is written then.
    :raises Conflict: while a version of a stage is in review.
    """
    district = get_district(district_code)
    authorize(actor, "zoning.edit", district.id)
    check_scope(year, "primary")
    rows = read_texts(raw, filename, district)

    def write() -> list[TextImport]:
        done = []
        for stage in dict.fromkeys(row.stage for row in rows):
            item = zoning_of(district, year, stage, create=True)
            plan = draft_plan(actor, item)
            updated, unchanged, removed = merge_texts(plan, [r for r in rows if r.stage == stage], replace_all)
            if not (updated or removed) and plan.revision_id is None:  # changes nothing: no new draft
                db.session.expunge(plan)
                if item.plan is None:
                    raise Invalid(_l("%(file)s 没有改变任何学校的划片文字。", file=filename))
                plan = item.plan
            else:
                save_plan(actor, item, plan, "import_texts", note, context, file=filename[:255], updated=updated,
                          removed=removed, replace_all=replace_all)
            done.append(TextImport(plan, updated, unchanged, removed))
        return done

    try:  # a race with another editor's first edit or save of the scope is a conflict, not a 500
        return content.commit_or_conflict(write)
    except DomainError:
        db.session.rollback()  # a stage in review: nothing of the other stages is kept either
        raise
