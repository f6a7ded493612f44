"""Which districts a typed address is looked for in, and in what order."""
from enroll.lookup.index import DistrictInfo, LookupIndex
from enroll.lookup.services import _districts_to_try

EAST = DistrictInfo(1, "990101", "青溪区", "", None)
WEST = DistrictInfo(2, "990102", "西湖区", "", None)
CITY = LookupIndex((EAST, WEST), {1: (), 2: ()}, names={1: frozenset({"学院路"}), 2: frozenset({"文三路", "翠苑新村"})})


def codes(text: str) -> list[str]:
    return [d.code for d in _districts_to_try(CITY, text, None)]


def test_an_address_naming_its_district_is_looked_for_there_alone():
    assert codes("西湖区学院路1号") == ["990102"]
    assert codes("某某市青溪区文三路1号") == ["990101"]


def test_districts_whose_clauses_name_the_road_or_estate_come_first():
    assert codes("文三路12号") == ["990102", "990101"]
    assert codes("翠苑新村5幢") == ["990102", "990101"]
    assert codes("学院路12号") == ["990101", "990102"]
    assert codes("无名路3号") == ["990101", "990102"]  # nobody's clause: every district, in code order


def test_a_district_named_inside_a_place_name_does_not_narrow_the_search():
    assert codes("文三路西湖区教育局宿舍") == ["990102", "990101"]


def test_a_point_is_only_tried_in_districts_whose_zones_reach_it():
    city = LookupIndex((EAST, WEST), {1: (), 2: ()}, reach={1: (120.0, 30.0, 120.1, 30.1), 2: None})
    assert city.may_reach(1, 120.05, 30.05) and not city.may_reach(1, 120.2, 30.05)
    assert city.may_reach(2, 0.0, 0.0)  # extent unknown (zones in PostGIS): always tried


def test_a_point_far_from_every_zone_is_outside(client, editor, reviewer):
    import zoning_steps as steps
    from support import DEMO

    from enroll.zoning import services as zoning

    plan = zoning.import_plan(editor, "990101", 2026, "primary", DEMO / "zones_primary.zip")
    steps.submit_plan(editor, plan.id)
    steps.approve_plan(reviewer, plan.id)
    inside = client.get("/api/v1/lookup", query_string={"lon": "120.2032", "lat": "30.2571"}).get_json()
    far = client.get("/api/v1/lookup", query_string={"lon": "121.5", "lat": "31.2"}).get_json()
    assert inside["matches"] and far["matches"] == []
    assert [c["code"] for c in far["caveats"]] == ["outside_district"]
