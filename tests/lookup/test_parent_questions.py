"""What parents ask first: an address box where they land, and each caveat of an answer said once."""
from __future__ import annotations

import pytest

from enroll.extensions import db
from enroll.lookup import services
from enroll.lookup.index import current
from enroll.lookup.models import Address


def test_near_boundary_in_both_stages_is_said_once(demo):
    cat = current()

    def near_in_every_plan(address) -> bool:
        plans = cat.plans[address.district_id]
        return len(plans) > 1 and all(
            services._zone_matches(cat.of(info), address.point.x, address.point.y)[1] for info in plans)

    address = next(a for a in db.session.query(Address).order_by(Address.id) if near_in_every_plan(a))
    answer = services.lookup_address(address.address)
    assert {m.stage for m in answer.matches} == {"primary", "junior"}
    assert [c.code for c in answer.caveats].count("near_boundary") == 1


def test_home_and_district_pages_ask_for_an_address(demo):
    client = demo.test_client()
    for path, district in (("/", None), ("/d/990101/", "990101")):
        html = client.get(path).get_data(as_text=True)
        assert 'id="home-q" name="q"' in html and 'action="/lookup"' in html
        assert ('name="district" value="990101"' in html) == (district is not None)
    answer = client.get("/lookup?q=文澜路128号&district=990101").get_data(as_text=True)
    assert "文澜" in answer and "依据" in answer


WEST_SCHOOLS = "name,stage,kind,address,lon,lat,phone\n西湖区文三小学,primary,public,西湖区文三路10号,120.1,30.2,\n"
WEST_RULES = "学校,学段,划片范围\n西湖区文三小学,小学,文三路1-99号\n"


@pytest.fixture
def two_districts(app, admin, district, editor, reviewer, make_user, tmp_path):
    """青溪区 (the demo's text) and 西湖区 beside it, each with a published primary plan."""
    import zoning_steps as steps
    from support import DEMO

    from enroll.districts.services import create_district
    from enroll.schools.services import import_schools

    create_district(admin, "990102", "西湖区")
    (tmp_path / "west.csv").write_text(WEST_SCHOOLS, encoding="utf-8")
    import_schools(admin, "990102", tmp_path / "west.csv")
    (tmp_path / "west_rules.csv").write_text(WEST_RULES, encoding="utf-8")
    west_editor, west_reviewer = make_user("ed2", editor.role, "990102"), make_user("rv2", reviewer.role, "990102")
    for actor, code, path in ((editor, "990101", DEMO / "rules_primary.csv"),
                              (west_editor, "990102", tmp_path / "west_rules.csv")):
        [plan] = steps.import_rules(actor, code, 2026, path)
        steps.publish(actor, reviewer if code == "990101" else west_reviewer, plan.id)


def codes(result) -> list[str]:
    return [c.code for c in result.caveats]


def test_an_address_of_another_district_on_the_site_is_answered_there(two_districts):
    result = services.lookup_address("文三路12号", district_code="990101")
    assert result.district.code == "990102" and [m.school_name for m in result.matches] == ["西湖区文三小学"]
    assert codes(result) == ["other_district"] and "西湖区" in str(result.caveats[0].message)


def test_an_address_of_a_district_not_on_the_site_is_said_to_be_outside(two_districts):
    result = services.lookup_address("海淀区中关村大街27号", district_code="990101")
    assert result.matches == [] and codes(result) == ["outside_site"]
    message = str(result.caveats[0].message)
    assert "海淀区" in message and "青溪区" in message and "西湖区" in message


def test_a_typo_in_a_road_name_gets_did_you_mean_suggestions(two_districts):
    result = services.lookup_address("学苑路130号", district_code="990101")
    assert result.matches == [] and "address_not_found" in codes(result)
    assert result.suggestions[0] == "学院路130号"
    assert [m.school_name for m in services.lookup_address(result.suggestions[0]).matches]  # the suggestion answers
    assert services.lookup_address("无此名称路130号", district_code="990101").suggestions == []


def test_the_lookup_page_links_the_suggestion(app, two_districts):
    html = app.test_client().get("/lookup?q=学苑路130号&district=990101").get_data(as_text=True)
    assert "学院路130号" in html and "/lookup?q=%E5%AD%A6%E9%99%A2%E8%B7%AF130%E5%8F%B7" in html


def test_a_multi_school_answer_says_how_the_district_places_a_child(two_districts, editor, reviewer):
    from enroll.districts import contacts
    from enroll.review import content

    before = services.lookup_address("学院路130号", district_code="990101")
    assert "致电教育局" in str(next(c for c in before.caveats if c.code == "multi_school").message)
    revision = contacts.save_contact(editor, "990101", {
        "office": "招生办", "address": "青溪区文澜路1号", "phone": "0000-86000000", "hours": "工作日 9:00-17:00",
        "placement": "多校划片区域内的适龄儿童，由区教育局按登记顺序电脑派位。"})
    content.submit_revision(editor, revision.id)
    content.approve_revision(reviewer, revision.id)
    after = services.lookup_address("学院路130号", district_code="990101")
    [shared] = [c for c in after.caveats if c.code == "multi_school"]
    assert "按登记顺序电脑派位" in str(shared.message) and "青溪区文澜小学" in str(shared.message)
