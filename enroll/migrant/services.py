"""Requirements for migrant children (随迁子女) per district, year and stage, and the parents'
self-check: from a few answers and an address, the route that applies, the schools that may be
assigned and a personal document checklist. Nothing a parent enters is stored or logged."""
from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import select

from enroll.core import fields
from enroll.core.context import Context
from enroll.core.errors import BadRequest, Invalid, NotFound
from enroll.core.i18n import _l, _n
from enroll.core.security import authorize
from enroll.districts.services import get_district
from enroll.extensions import db
from enroll.lookup.services import lookup_address
from enroll.migrant.models import MigrantRequirement
from enroll.review import content, states
from enroll.zoning.services import STAGE_LABELS
from enroll.timeline.services import parse_steps, present_steps, steps_to_text, translation, with_english

STAGES = ("primary", "junior")
HOUSING = ("own", "registered_lease", "unregistered_lease", "other")  # 自有住房 登记备案的租赁 未登记租赁 其他
FIELDS = {"permit_required": _l("须持居住证"), "insurance_months": _l("社会保险最少缴纳月数"),
          "housing": _l("认可的住所"), "documents": _l("所需材料"), "alternatives": _l("可替代的材料"),
          "steps": _l("办理步骤"), "office": _l("受理和咨询"), "translations": _l("译文")}
# what an English reader reads of the rules as a whole (documents and steps carry their own)
TRANSLATED = {"alternatives": _l("英文：可替代的材料"), "office": _l("英文：受理和咨询")}
DOCUMENT_LABELS = {"name": _l("材料名称"), "note": _l("说明"), "name_en": _l("英文名称"), "note_en": _l("英文说明")}
ENGLISH_MARK = "|"  # 名称：说明 | Name: note


def _name_and_note(text: str, limit: int) -> tuple[str, str]:
    name, _, note = text.replace("：", ":").partition(":")
    return name.strip()[:limit], note.strip()[:500]


def parse_documents(text: str) -> list[dict]:
    """Documents from text lines ``名称：说明`` (说明 optional), each with its optional English after a
    ``|``: ``户口簿：原件 | Household register: the original``. :raises Invalid: when there are none."""
    documents = []
    for line in (text or "").replace("｜", ENGLISH_MARK).splitlines():
        chinese, _, english = line.partition(ENGLISH_MARK)
        name, note = _name_and_note(chinese, 100)
        if name:
            name_en, note_en = _name_and_note(english, 200)
            documents.append(with_english({"name": name, "note": note}, {"name": name_en, "note": note_en}))
    if not documents:
        raise Invalid(_l("请至少列出一项所需材料。"), field="documents")
    return documents


def _document_line(d: dict) -> str:
    chinese = f"{d['name']}：{d['note']}" if d["note"] else d["name"]
    name_en, note_en = translation(d, "name"), translation(d, "note")
    if not (name_en or note_en):
        return chinese
    return f"{chinese} {ENGLISH_MARK} {name_en}: {note_en}" if note_en else f"{chinese} {ENGLISH_MARK} {name_en}"


def documents_to_text(documents: list[dict]) -> str:
    return "\n".join(_document_line(d) for d in documents)


def _english(data: dict) -> dict:
    """The rules' own English (``data["translations"]["en"]``: alternatives, office), checked."""
    given = {f"en_{k}": v for k, v in ((data.get("translations") or {}).get("en") or {}).items()}
    return {key: fields.text(given, f"en_{key}", label, limit=5000) for key, label in TRANSLATED.items()}


def _present(key: str, value):
    """Documents and steps as reviewers read them: labelled tables, the English beside the Chinese."""
    if key == "steps":
        return present_steps(value)
    if key == "documents":
        label = {k: str(v) for k, v in DOCUMENT_LABELS.items()}
        return [{label["name"]: d["name"], label["note"]: d["note"], label["name_en"]: translation(d, "name"),
                 label["note_en"]: translation(d, "note")} for d in value]
    return value


def requirement_data(data: dict) -> dict:
    """A requirement revision's data from the form's values, checked. :raises Invalid: naming the field."""
    housing = [h for h in data.get("housing") or [] if h in HOUSING]
    if not housing:
        raise Invalid(_l("请至少选择一种认可的住所。"), field="housing")
    steps = data.get("steps") or []
    checked = {
        "permit_required": bool(data.get("permit_required")),
        "insurance_months": fields.count(data, "insurance_months", FIELDS["insurance_months"], required=True,
                                         limit=120),
        "housing": housing,
        "documents": data["documents"] if isinstance(data.get("documents"), list) else parse_documents(
            data.get("documents")),
        "alternatives": fields.text(data, "alternatives", FIELDS["alternatives"], limit=5000),
        "steps": steps if isinstance(steps, list) else parse_steps(steps),
        "office": fields.text(data, "office", FIELDS["office"], required=True, limit=1000),
    }
    return with_english(checked, _english(data))  # no key at all without English: no empty diff


def _apply(item: MigrantRequirement, data: dict) -> None:
    item.rules = data


REQUIREMENT = content.register(content.ContentKind(
    name="migrant", model=MigrantRequirement, permission="migrant", label=_l("随迁子女入学要求"), fields=FIELDS,
    apply=_apply, title=lambda item, data: _l("%(district)s %(year)s 年%(stage)s随迁子女入学", district=item.district.name,
                                 year=item.year, stage=STAGE_LABELS.get(item.stage, item.stage)), html_fields=(),
    present=_present,
    edit_endpoint="migrant_bureau.edit",
    edit_args=lambda item: {"code": item.district.code, "year": item.year, "stage": item.stage},
    public_endpoint="migrant.page",
    public_args=lambda item: {"code": item.district.code, "year": item.year, "stage": item.stage}))


def _check_stage(stage: str) -> str:
    if stage not in STAGES:
        raise NotFound(_l("学段必须是 primary（小学）或 junior（初中）。"))
    return stage


def requirement_of(district_id: int, year: int, stage: str) -> MigrantRequirement | None:
    return db.session.scalar(select(MigrantRequirement).where(
        MigrantRequirement.district_id == district_id, MigrantRequirement.year == year,
        MigrantRequirement.stage == stage))


def save_requirement(actor, district_code: str, year: int, stage: str, data: dict, *, note: str = "",
                     context: Context = Context()):
    """Write the draft requirements of a district, year and stage. Commits. :returns: the revision."""
    district = get_district(district_code)
    authorize(actor, "migrant.edit", district.id)
    year, stage = fields.year({"year": year}, required=True), _check_stage(stage)
    checked = requirement_data(data)
    item = requirement_of(district.id, year, stage)
    if item is None:
        item = MigrantRequirement(district_id=district.id, year=year, stage=stage, district=district)
        db.session.add(item)
    revision = content.save_draft(actor, REQUIREMENT, item, checked, note, context=context)
    db.session.commit()
    return revision


def current_data(actor, district_code: str, year: int, stage: str) -> dict:
    """The edit form's starting values: the open draft, else what is published, else sensible defaults."""
    district = get_district(district_code)
    authorize(actor, "migrant.edit", district.id)
    item = requirement_of(district.id, year, _check_stage(stage))
    revision = content.current_revision(REQUIREMENT, item)
    if revision is None:
        return {"permit_required": True, "insurance_months": 12, "housing": ["own", "registered_lease"],
                "documents": [], "alternatives": "", "steps": [], "office": district.address or ""}
    return dict(revision.data)


def as_form_text(data: dict) -> dict:
    """The list fields as the text the form edits."""
    return dict(data, documents=documents_to_text(data.get("documents") or []),
                steps=steps_to_text(data["steps"]) if data.get("steps") else "")


def published_requirement(district_code: str, year: int, stage: str) -> MigrantRequirement:
    """:raises NotFound: unless published."""
    item = requirement_of(get_district(district_code).id, year, _check_stage(stage))
    if item is None or item.status != states.PUBLISHED:
        raise NotFound(_l("该年度该学段的随迁子女入学要求尚未发布。"))
    return item


def published_scopes(district_id: int) -> list[tuple[int, str]]:
    rows = db.session.execute(select(MigrantRequirement.year, MigrantRequirement.stage).where(
        MigrantRequirement.district_id == district_id, MigrantRequirement.status == states.PUBLISHED
    ).order_by(MigrantRequirement.year.desc(), MigrantRequirement.stage)).all()
    return [(r.year, r.stage) for r in rows]


# ------------------------------------------------------------------------------ the self-check


@dataclass(frozen=True)
class Answers:
    """What a parent tells the self-check. Never stored."""

    has_permit: bool
    insurance_months: int
    housing: str
    address: str = ""


@dataclass
class CheckResult:
    eligible: bool
    route: object                                  # a translated sentence naming the route
    missing: list = field(default_factory=list)    # translated reasons a condition is not met
    checklist: list = field(default_factory=list)  # [{name, note}] to bring
    schools: list = field(default_factory=list)    # [(school name, basis text)] from the address
    caveats: list = field(default_factory=list)    # lookup caveats (messages)


def answers_from(form: dict) -> Answers:
    """:raises BadRequest: answers that cannot be read."""
    months = str(form.get("insurance_months") or "0").strip()
    if not (months.isascii() and months.isdigit()) or int(months) > 600:
        raise BadRequest(_l("社会保险缴纳月数应是 0 到 600 之间的整数。"))
    housing = form.get("housing") or ""
    if housing not in HOUSING:
        raise BadRequest(_l("请选择住所情况。"))
    return Answers(has_permit=form.get("has_permit") == "yes", insurance_months=int(months), housing=housing,
                   address=(form.get("address") or "").strip()[:200])


def self_check(item: MigrantRequirement, answers: Answers, *, locator: str = "memory") -> CheckResult:
    """The route that applies to these answers under the published rules, the schools the address
    is zoned for (those that may be assigned) and the documents to bring."""
    rules = item.rules
    missing = []
    if rules["permit_required"] and not answers.has_permit:
        missing.append(_l("需要本地居住证。"))
    if answers.insurance_months < rules["insurance_months"]:
        missing.append(_n("监护人需在本区连续缴纳社会保险满 %(num)d 个月（您填写了 %(have)d 个月）。",
                          rules["insurance_months"], have=answers.insurance_months))
    if answers.housing not in rules["housing"]:
        missing.append(_l("住所情况不在认可范围内。"))
    route = _l("符合随迁子女入学条件：由区教育局统筹安排到公办学校就读，一般安排到住所所在片区的学校。") if not missing \
        else _l("暂不符合全部条件：请准备可替代的材料，或到受理窗口咨询能否统筹安排。")
    result = CheckResult(eligible=not missing, route=route, missing=missing, checklist=list(rules["documents"]))
    if answers.address:
        try:
            found = lookup_address(answers.address, district_code=item.district.code, year=item.year,
                                   stage=item.stage, locator=locator)
        except BadRequest as exc:
            result.caveats = [exc.message]
        else:
            result.schools = [(m.school_name, m.text) for m in found.matches]
            result.caveats = [c.message for c in found.caveats]
    return result
