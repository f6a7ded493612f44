"""Timelines: the season's steps as text lines (pasted from a spreadsheet) → a reviewed schedule,
"what happens next", and iCalendar."""
from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from sqlalchemy import select

from enroll.core import fields
from enroll.core.context import Context
from enroll.core.errors import Invalid, NotFound
from enroll.core.i18n import _l, _n
from enroll.core.ics import IcsEvent, timeline_ics
from enroll.core.security import authorize
from enroll.core.text import decode_upload
from enroll.districts.services import get_district
from enroll.extensions import db
from enroll.review import content, states
from enroll.timeline.models import Timeline

STAGES = {"": "all", "全部": "all", "all": "all", "小学": "primary", "primary": "primary", "初中": "junior",
          "junior": "junior"}
COLUMNS = ("开始", "结束", "事项", "学段", "地点", "英文事项", "英文地点")
STAGE_NAMES = {"all": "", "primary": "小学", "junior": "初中"}
# how reviewers read a step (``present``): the English beside the Chinese it translates
STEP_LABELS = {"start": _l("开始"), "end": _l("结束"), "title": _l("事项"), "stage": _l("学段"),
               "where": _l("地点或办理方式"), "title_en": _l("英文事项"), "where_en": _l("英文地点或办理方式")}


def with_english(values: dict, english: dict) -> dict:
    """``values`` with their non-empty English (``english``: field → text) as ``translations["en"]``,
    the shape ``core.web.localized`` reads; nothing is added when there is no English."""
    given = {k: v for k, v in english.items() if v}
    return dict(values, translations={"en": given}) if given else values


def translation(item: dict, field: str, locale: str = "en") -> str:
    """The translation of ``field`` in a step, document or rules mapping, or ''."""
    return ((item.get("translations") or {}).get(locale) or {}).get(field, "")


def in_language(item: dict, field: str, locale: str) -> str:
    """``field`` of ``item`` in ``locale`` where it is translated, else the Chinese (for files,
    which carry no per-field language mark; pages use ``core.web.localized``)."""
    return translation(item, field, locale) or item.get(field, "")


def _date_cell(value: str, column: int, line: int, errors: list) -> str | None:
    try:
        return fields.iso_date({"d": value}, "d", COLUMNS[column], required=True)
    except Invalid as exc:
        errors.append((line, COLUMNS[column], exc.message))
        return None


def parse_steps(text: str) -> list[dict]:
    """Steps from CSV text, one per line: 开始,结束,事项[,学段[,地点或办理方式[,英文事项[,英文地点]]]] (a
    header line is optional). The English, where given, is kept as the step's ``translations["en"]``.

    :raises Invalid: with ``errors`` (line, column, message) for every bad line.
    """
    steps, errors = [], []
    for line, row in enumerate(csv.reader(io.StringIO(text)), start=1):
        cells = [c.strip() for c in row] + [""] * len(COLUMNS)
        if not any(cells) or (line == 1 and cells[0] in ("开始", "start")):
            continue
        start = _date_cell(cells[0], 0, line, errors)
        end = _date_cell(cells[1], 1, line, errors) if cells[1] else start  # one-day step
        if start is None or end is None:
            continue
        if end < start:
            errors.append((line, COLUMNS[1], _l("结束日期早于开始日期。")))
        elif not cells[2]:
            errors.append((line, COLUMNS[2], _l("请填写事项。")))
        elif cells[3] not in STAGES:
            errors.append((line, COLUMNS[3], _l("学段应为“小学”“初中”或留空（全部）。")))
        else:
            steps.append(with_english(
                {"start": start, "end": end, "title": cells[2][:200], "stage": STAGES[cells[3]], "where": cells[4][:200]},
                {"title": cells[5][:200], "where": cells[6][:200]}))
    if errors:
        raise Invalid(_n("日程有 %(num)d 行有误，未保存。", len(errors)), errors=errors)
    if not steps:
        raise Invalid(_l("日程中没有任何事项。"), errors=[(1, COLUMNS[2], _l("请至少填写一行。"))])
    return sorted(steps, key=lambda s: (s["start"], s["end"]))


def steps_to_text(steps: list[dict]) -> str:
    """The inverse of :func:`parse_steps`, for editing."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(COLUMNS)
    for s in steps:
        writer.writerow([s["start"], s["end"], s["title"], STAGE_NAMES.get(s["stage"], ""), s.get("where", ""),
                         translation(s, "title"), translation(s, "where")])
    return out.getvalue()


def present_steps(steps: list[dict]) -> list[dict]:
    """Steps as reviewers read them: one labelled row each, the English beside the Chinese."""
    label = {k: str(v) for k, v in STEP_LABELS.items()}
    return [{label["start"]: s["start"], label["end"]: s["end"], label["title"]: s["title"],
             label["stage"]: STAGE_NAMES.get(s["stage"], ""), label["where"]: s.get("where", ""),
             label["title_en"]: translation(s, "title"), label["where_en"]: translation(s, "where")} for s in steps]


def _present(key: str, value):
    return present_steps(value) if key == "steps" else value


def _apply(timeline: Timeline, data: dict) -> None:
    timeline.steps = data["steps"]


TIMELINE = content.register(content.ContentKind(
    name="timeline", model=Timeline, permission="timeline", label=_l("招生日程"),
    fields={"steps": _l("日程事项")}, apply=_apply, title=lambda item, data: _l("%(district)s %(year)s 年招生日程", district=item.district.name, year=item.year),
    html_fields=(), present=_present, edit_endpoint="timeline_bureau.edit",
    edit_args=lambda item: {"code": item.district.code, "year": item.year},
    public_endpoint="timeline.page", public_args=lambda item: {"code": item.district.code, "year": item.year}))


def timeline_of(district_id: int, year: int) -> Timeline | None:
    return db.session.scalar(select(Timeline).where(Timeline.district_id == district_id, Timeline.year == year))


def save_timeline(actor, district_code: str, year: int, text: str, *, note: str = "", context: Context = Context()):
    """Write the draft timeline of a district and year from CSV text. Commits. :returns: the revision."""
    district = get_district(district_code)
    authorize(actor, "timeline.edit", district.id)
    year = fields.year({"year": year}, required=True)
    steps = parse_steps(text)
    timeline = timeline_of(district.id, year)
    if timeline is None:
        timeline = Timeline(district_id=district.id, year=year, district=district)
        db.session.add(timeline)
    revision = content.save_draft(actor, TIMELINE, timeline, {"steps": steps}, note, context=context)
    db.session.commit()
    return revision


def import_timeline(actor, district_code: str, year: int, path, *, context: Context = Context()):
    return save_timeline(actor, district_code, year, decode_upload(Path(path).read_bytes()), context=context)


def current_text(actor, district_code: str, year: int) -> str:
    """The edit form's starting text: the open draft, else what is published, else a header line."""
    district = get_district(district_code)
    authorize(actor, "timeline.edit", district.id)
    timeline = timeline_of(district.id, year)
    revision = content.current_revision(TIMELINE, timeline)
    return steps_to_text(revision.data["steps"]) if revision else ",".join(COLUMNS) + "\n"


# -------------------------------------------------------------------------------- public reads


def published_timeline(district_code: str, year: int) -> Timeline:
    """:raises NotFound: unless that year's timeline is published."""
    timeline = timeline_of(get_district(district_code).id, year)
    if timeline is None or timeline.status != states.PUBLISHED:
        raise NotFound(_l("该年度的招生日程尚未发布。"))
    return timeline


def published_years(district_id: int) -> list[int]:
    return list(db.session.scalars(select(Timeline.year).where(
        Timeline.district_id == district_id, Timeline.status == states.PUBLISHED).order_by(Timeline.year.desc())))


@dataclass
class Upcoming:
    now: list[dict]    # steps under way today
    next: list[dict]   # the next steps that start after today (all on the same first date)
    timeline: Timeline


def upcoming(district_id: int, today: date) -> Upcoming | None:
    """"What happens next" from the newest published timeline that still has steps to come."""
    timelines = db.session.scalars(select(Timeline).where(
        Timeline.district_id == district_id, Timeline.status == states.PUBLISHED).order_by(Timeline.year.desc()))
    iso = today.isoformat()
    for timeline in timelines:
        now = [s for s in timeline.steps if s["start"] <= iso <= s["end"]]
        later = [s for s in timeline.steps if s["start"] > iso]
        first = min((s["start"] for s in later), default=None)
        if now or later:
            return Upcoming(now, [s for s in later if s["start"] == first], timeline)
    return None


def ics(timeline: Timeline, url: str, locale: str = "zh_Hans") -> bytes:
    """The timeline as an iCalendar file of all-day events, in ``locale`` where the steps are
    translated (else in Chinese, step by step)."""
    events = [IcsEvent(uid=f"timeline-{timeline.id}-{i}-{s['start']}@enroll", title=in_language(s, "title", locale),
                       start=date.fromisoformat(s["start"]), end=date.fromisoformat(s["end"]),
                       location=in_language(s, "where", locale), url=url, updated=timeline.published_at)
              for i, s in enumerate(timeline.steps)]
    district = timeline.district
    name = ((getattr(district, "translations", None) or {}).get(locale) or {}).get("name") or district.name
    return timeline_ics(str(_l("%(district)s %(year)s 年招生日程", district=name, year=timeline.year)), events,
                        stamp=timeline.published_at)
