"""The demo district (青溪区, fictional): what ``make run`` shows. See gis_data/README.md."""
from __future__ import annotations

import csv
import json
import os
import time
from collections import Counter, defaultdict
from datetime import UTC, datetime, timedelta

from flask import current_app
from sqlalchemy import select

from enroll.accounts import services as accounts
from enroll.accounts.models import User
from enroll.config import ROOT
from enroll.core.clock import local_today
from enroll.core.context import Context
from enroll.disclosure import negative_list
from enroll.disclosure import services as disclosure
from enroll.districts import contacts
from enroll.districts import services as districts
from enroll.districts.models import District
from enroll.extensions import db
from enroll.info_requests import annual, handling
from enroll.info_requests import services as info_requests
from enroll.lookup import gazetteer
from enroll.migrant import services as migrant
from enroll.policies import services as policies
from enroll.results import lotteries
from enroll.results import services as results
from enroll.review import content
from enroll.schools import profiles as school_profiles
from enroll.schools import services as schools
from enroll.timeline import services as timeline
from enroll.zoning import services as zoning
from enroll.zoning import texts as zoning_texts

DEMO = ROOT / "gis_data" / "demo"
CODE = "990101"
YEAR = 2026
CONTEXT = Context(channel="cli")
USERS = (("admin", "city_admin", None), ("editor", "district_editor", CODE), ("reviewer", "district_reviewer", CODE))


def _replace_2025_rules(users) -> None:
    """The 2025 rules, abolished, name the 2026 rules as their replacement (a second reviewed version)."""
    documents = {d.title: d for d in policies.published_documents(districts.get_district(CODE).id)}
    old, new = documents["青溪区2025年义务教育招生入学工作实施细则"], documents["青溪区2026年义务教育招生入学工作实施细则"]
    data = dict(content.published_revision(policies.POLICY, old.id).data, replaced_by=new.id)
    revision = policies.save_document(users["editor"], CODE, data, document_id=old.id, note="注明替代文件",
                                      context=CONTEXT)
    content.submit_revision(users["editor"], revision.id, context=CONTEXT)
    content.approve_revision(users["reviewer"], revision.id, context=CONTEXT)


def _post_results(users, check_key: bytes) -> str:
    """Publish every school's 2024–2026 results, 文澜小学's 2026 list and 育才外国语小学's drawn lottery.

    The list and the lottery stay public for 30 days from the day the demo is loaded.
    """
    district_id = districts.get_district(CODE).id
    by_name = {s.name: s for s in schools.schools_of(district_id)}
    grouped = defaultdict(list)
    with (DEMO / "results.csv").open(encoding="utf-8") as fh:
        for line, row in enumerate(csv.DictReader(fh), start=2):
            grouped[row["学校"], int(row["年度"])].append((line, {
                "route": row["途径"], "applicants": row["报名人数"], "places": row["计划数"],
                "admitted": row["录取人数"], "note": row["说明"]}))
    until = local_today() + timedelta(days=30)
    revisions = []
    for (name, year), rows in grouped.items():
        school = by_name[name]
        author = users["school"] if school.id == users["school"].school_id else users["editor"]
        list_file = None
        if name == "青溪区文澜小学" and year == YEAR:
            list_file = results.Upload((DEMO / "results_list_2026.csv").read_bytes(), "results_list_2026.csv")
        revisions.append((author, results.save_result(
            author, school.id, year, {"routes": rows, "notes": "", "list_public": True,
                                      "notice_until": (local_today() + timedelta(days=7)).isoformat(),
                                      "public_until": until.isoformat()},
            check_key=check_key, list_file=list_file, context=CONTEXT)))
    for author, revision in revisions:
        content.submit_revision(author, revision.id, context=CONTEXT)
        content.approve_revision(users["reviewer"], revision.id, context=CONTEXT)
    # a real draw, seconds after its commitment (a real one is announced ENROLL_LOTTERY_NOTICE_HOURS ahead)
    draw_at = datetime.now(UTC) + timedelta(seconds=3)
    revision = lotteries.save_lottery(
        users["editor"], by_name["青溪区育才外国语小学（民办）"].id, YEAR,
        {"places": 150, "draw_at": draw_at, "public_until": until.isoformat()},
        applicants_file=results.Upload((DEMO / "lottery_applicants_2026.csv").read_bytes(),
                                       "lottery_applicants_2026.csv"), min_notice=timedelta(0), context=CONTEXT)
    content.submit_revision(users["editor"], revision.id, context=CONTEXT)
    content.approve_revision(users["reviewer"], revision.id, context=CONTEXT)
    time.sleep(max(0.0, (draw_at - datetime.now(UTC)).total_seconds()) + 0.1)
    drawn = lotteries.draw(users["editor"], revision.object_id, context=CONTEXT)
    content.approve_revision(users["reviewer"], drawn.id, context=CONTEXT)
    return f"{len(revisions)} admission results, 1 lottery"


CONTACT = {  # a made-up office: the demo district is fictional
    "office": "青溪区教育局招生办公室", "address": "江城市青溪区文澜路1号 教育局一楼招生窗口",
    "phone": "0000-86000000、0000-86000001", "hours": "工作日 9:00—12:00，13:30—17:00（6月1日至7月31日周六上午也开放）",
    "email": "zsb@example.org", "complaint_phone": "0000-86000099",
    "notes": "招生期间可在工作时间拨打咨询电话，或到窗口当面咨询；请带好户口簿和房产证明复印件。",
    "placement": "多校划片区域的适龄儿童，在片区内任选一所学校登记；登记人数超过招生计划的学校，由区教育局组织电脑随机派位，"
                 "未派入的儿童统筹安排到片区内其他有空余学位的学校。",
    "translations": {"en": {
        "office": "Admissions Office, Qingxi District Education Bureau",
        "address": "Ground floor admissions desk, 1 Wenlan Road, Qingxi District, Jiangcheng",
        "hours": "Working days 9:00–12:00 and 13:30–17:00 (also Saturday mornings from 1 June to 31 July)",
        "notes": "During admissions, call during office hours or ask at the desk; bring copies of your household "
                 "register and proof of home ownership.",
        "placement": "A child living in a zone shared by several schools registers for any one of them; where a school "
                     "has more applicants than places, the bureau draws places by computer lottery and places the other "
                     "children at the zone's schools that still have places."}},
}
NEGATIVE_LIST = {  # 负面清单: what the demo bureau does not publish of its own motion, and why
    "intro": "本清单以外的义务教育招生信息均主动公开。依申请公开的信息，可通过政府信息公开申请获取。",
    "entries": [
        {"item": "学生及家长的个人信息（报名表、户籍和房产证明材料）", "attribute": "withheld", "reason": "third_party",
         "basis": "涉及个人隐私，公开会损害第三方合法权益",
         "translations": {"en": {"item": "Personal data of pupils and parents (applications, residence and housing "
                                         "documents)", "basis": "Private information; disclosure would harm third parties"}}},
        {"item": "招生工作会议讨论记录和内部请示报告", "attribute": "withheld", "reason": "deliberative", "basis": "",
         "translations": {"en": {"item": "Minutes of admissions meetings and internal reports"}}},
        {"item": "学位预测和生源摸底测算数据", "attribute": "on_request", "reason": "",
         "basis": "可依申请提供汇总数据",
         "translations": {"en": {"item": "Forecasts of places and school-age children",
                                 "basis": "Aggregate figures are provided on request"}}},
    ],
    "translations": {"en": {"intro": "All other information on compulsory-education admissions is published. "
                                     "Information disclosed on request can be asked for with a request for "
                                     "government information."}},
}


# requests for information (fictional requesters): received, then (day, decision, sub-reason, reply) or None (open)
REQUESTS = (
    ("2025-12-29", "mail", "示例申请人甲", "2025年青溪区小学招生录取工作总结", ("2026-01-12", "disclosed", "", "现将所申请信息随本答复书提供。")),
    ("2026-03-02", "mail", "示例律师事务所", "青溪区2026年学区划分方案的专家论证意见", ("2026-03-24", "partial", "", "论证意见全文提供，其中专家个人联系方式已作区分处理。")),
    ("2026-04-28", "in_person", "示例申请人乙", "某学校2025年录取学生的家庭住址名单", ("2026-05-20", "withheld", "third_party", "所申请信息涉及第三方个人隐私，不予公开。")),
    ("2026-06-15", "mail", "示例申请人丙", "全市义务教育经费预算明细", ("2026-06-30", "unavailable", "not_held", "本机关不掌握该信息，建议向市财政局咨询。")),
)


def _answer_requests(users) -> str:
    """A few requests (decided, one still open) and the 2026 annual report built from them, published."""
    for received, channel, name, description, decided in REQUESTS:
        found = info_requests.enter_request(users["editor"], CODE, {
            "requester_name": name, "requester_kind": "legal" if "事务所" in name else "person",
            "contact": "（演示数据）", "description": description, "delivery": "paper"}, received, channel,
            context=CONTEXT)
        day, decision, reason, reply = decided
        handling.decide(users["editor"], found.id, decision, reason, reply, day=day, context=CONTEXT)
    info_requests.enter_request(users["editor"], CODE, {
        "requester_name": "示例申请人丁", "contact": "（演示数据）", "description": "青溪区2027年初中学区调整的征求意见汇总",
        "delivery": "email"}, (local_today() - timedelta(days=3)).isoformat(), "mail", context=CONTEXT)
    revision = annual.submit_report(users["editor"], CODE, YEAR, {
        "overview": "本年度本局依法主动公开义务教育招生政策、划片方案、招生计划和录取结果，受理并按期答复政府信息公开申请。",
        "problems": "部分学校概况公开不及时。下一年度将按信息公开目录逐项督促。", "other": "本年度未收取信息处理费。"},
        context=CONTEXT)
    content.approve_revision(users["reviewer"], revision.id, context=CONTEXT)
    return f"{len(REQUESTS) + 1} requests for information, the {YEAR} annual report"


def load_demo(check_key: bytes | None = None) -> str:
    """Create the demo users, district, schools; publish its 2026 zoning, policies, school
    profiles, timeline, migrant rules and the 2024–2026 admission results with a drawn lottery.

    Demo users share the password in ``ENROLL_DEMO_PASSWORD`` (default ``demo-lantern-river``), for a
    local demonstration only.

    :param check_key: the key of the birth-date digests (default: the app's ``RESULTS_KEY``).
    """
    if db.session.scalar(select(District.id).where(District.code == CODE)) is not None:
        return "demo district already loaded"
    password = os.environ.get("ENROLL_DEMO_PASSWORD", "demo-lantern-river")
    existing = {u.username: u for u in db.session.scalars(select(User))}
    admin = existing.get("admin")
    if admin is None:
        admin = accounts.create_user(None, "admin", "city_admin", password, context=CONTEXT)
    disclosure.import_calendar_file(admin, ROOT / "gis_data" / "calendar" / "cn_2026.csv", context=CONTEXT)
    districts.create_district(admin, CODE, "青溪区", boundary_path=DEMO / "boundary.geojson",
                              phone="0000-86000000", address="江城市青溪区文澜路1号 教育局招生办", context=CONTEXT)
    users = {"admin": admin}
    for name, role, district in USERS[1:]:
        users[name] = existing.get(name) or accounts.create_user(
            admin, name, role, password, district_code=district, context=CONTEXT)
    schools.import_schools(users["editor"], CODE, DEMO / "schools.csv", context=CONTEXT)
    district_id = districts.get_district(CODE).id
    first_primary = next(s for s in schools.schools_of(district_id, "primary") if s.kind == "public")
    for name, role, school_id in (("school", "school_editor", first_primary.id), ("auditor", "auditor", None)):
        users[name] = existing.get(name) or accounts.create_user(
            admin, name, role, password, district_code=CODE if school_id else None, school_id=school_id,
            context=CONTEXT)
    published = []
    for stage in zoning.ZONING_STAGES:
        rules = DEMO / f"rules_{stage}.csv"
        zoning.import_plan(users["editor"], CODE, YEAR, stage, DEMO / f"zones_{stage}.zip", context=CONTEXT)
        plan = zoning_texts.import_texts(users["editor"], CODE, YEAR, rules.read_bytes(), filename=rules.name,
                                         context=CONTEXT)[0].plan
        content.submit_revision(users["editor"], plan.revision_id, context=CONTEXT)
        content.approve_revision(users["reviewer"], plan.revision_id, context=CONTEXT)
        published.append(f"{stage}: {len(plan.zones)} zones, {len(plan.rules)} clauses")
    revisions = policies.import_documents(users["editor"], CODE, DEMO / "policies.json", context=CONTEXT)
    revisions += school_profiles.import_feeders(users["editor"], CODE, DEMO / "feeders.csv", context=CONTEXT)
    revisions += school_profiles.import_enrollment_plans(users["editor"], CODE, DEMO / "enrollment_plans.csv",
                                                         context=CONTEXT)
    revisions.append(timeline.import_timeline(users["editor"], CODE, YEAR, DEMO / "timeline_2026.csv", context=CONTEXT))
    for stage, rules in json.loads((DEMO / "migrant_2026.json").read_text(encoding="utf-8")).items():
        revisions.append(migrant.save_requirement(users["editor"], CODE, YEAR, stage, rules, context=CONTEXT))
    revisions.append(contacts.save_contact(users["editor"], CODE, CONTACT, context=CONTEXT))
    revisions.append(negative_list.save_negative_list(users["editor"], CODE, NEGATIVE_LIST, context=CONTEXT))
    for revision in revisions:
        content.submit_revision(users["editor"], revision.id, context=CONTEXT)
    for revision in revisions:
        if revision.object_type != "interpretation":  # interpretations are published with their documents
            content.approve_revision(users["reviewer"], revision.id, context=CONTEXT)
    _replace_2025_rules(users)
    kinds = Counter(r.object_type for r in revisions)
    published.append(f"{kinds['policy']} policy documents, {kinds['school_profile']} school profiles, "
                     f"{kinds['enrollment_plan']} enrollment plans")
    count = gazetteer.import_addresses(users["editor"], CODE, DEMO / "addresses.csv", context=CONTEXT)
    published.append(f"{count} addresses")
    published.append(_post_results(users, check_key or current_app.config["RESULTS_KEY"].encode()))
    published.append(_answer_requests(users))
    return ("demo district 990101 青溪区 loaded; users admin/editor/reviewer/school/auditor; "
            + "; ".join(published))
