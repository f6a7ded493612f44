"""What parents ask first: an address box where they land, and each caveat of an answer said once."""
from __future__ import annotations

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
