"""Real announcement forms answer lookups from a text-only plan: named places, carve-outs between
schools, the more specific clause, a side of a road with a stretch and a 四至 area decided from the
gazetteer's points, and a caveat where the points cannot decide."""
from __future__ import annotations

import pytest
import zoning_steps as steps
from support import both_databases

from enroll.lookup.gazetteer import import_addresses
from enroll.lookup.services import lookup_address
from enroll.zoning import texts

TEXT = """学校,学段,划片范围
青溪区文澜小学,小学,雁城路（1-70号除外）；电缆厂
青溪区崇文小学,小学,雁城路1-70号
青溪区实验小学,小学,和平西路南侧（解放路至振兴路）
青溪区第一小学,小学,东至胜利路，西至光明路，南至幸福路，北至团结路
青溪区第二小学,小学,长宁路811弄-827号
"""


def _gazetteer(tmp_path):
    rows = ["address,lon,lat"]
    for i in range(13):  # an east-west road: odd numbers on its north side, even on its south side
        lon = 120.17 + i * 0.005
        rows += [f"和平西路{2 * i + 1}号,{lon:.4f},30.2302", f"和平西路{2 * i + 2}号,{lon + 0.001:.4f},30.2298"]
    for name, lon in (("解放路", 120.18), ("振兴路", 120.22), ("胜利路", 120.21), ("光明路", 120.19)):
        lats = (30.222, 30.226, 30.234, 30.238) if name in ("解放路", "振兴路") else (30.205, 30.21, 30.215, 30.225)
        rows += [f"{name}{n}号,{lon},{lat}" for n, lat in enumerate(lats, 1)]
    for name, lat in (("幸福路", 30.21), ("团结路", 30.22)):
        rows += [f"{name}{n}号,{120.18 + n * 0.01},{lat}" for n in range(1, 4)]
    rows += ["青年路5号,120.2,30.215", "青年路99号,120.23,30.215"]
    path = tmp_path / "gazetteer.csv"
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    return path


@pytest.fixture
def published(editor, reviewer, tmp_path):
    [result] = texts.import_texts(editor, "990101", 2026, TEXT.encode(), filename="t.csv")
    steps.publish(editor, reviewer, result.plan.id)
    import_addresses(editor, "990101", _gazetteer(tmp_path))
    return result.plan


def answer(address: str) -> tuple[set[str], set[str]]:
    result = lookup_address(address, district_code="990101")
    return {m.school_name for m in result.matches}, {c.code for c in result.caveats}


@both_databases
@pytest.mark.parametrize(("address", "schools"), [
    ("雁城路50号", {"青溪区崇文小学"}),            # carved out of one school's road, given to another
    ("雁城路71号", {"青溪区文澜小学"}),
    ("电缆厂宿舍3幢", {"青溪区文澜小学"}),          # a named place, named inside the address
    ("和平西路12号", {"青溪区实验小学"}),            # south side, between the two crossing roads
    ("和平西路13号", set()),                        # north side
    ("和平西路26号", set()),                        # south side, beyond 振兴路
    ("青年路5号", {"青溪区第一小学"}),               # inside the 四至
    ("青年路99号", set()),                          # outside it
])
def test_announcement_forms_answer_as_the_text_says(published, address, schools):
    assert answer(address)[0] == schools


def test_a_side_of_a_road_without_points_to_decide_answers_with_a_caveat(published):
    schools, caveats = answer("和平西路90号")  # no such door in the gazetteer: no point
    assert schools == {"青溪区实验小学"} and "ambiguous_rule" in caveats


def test_a_mixed_unit_range_answers_with_a_caveat(published):
    schools, caveats = answer("长宁路815弄")
    assert schools == {"青溪区第二小学"} and "ambiguous_rule" in caveats


def test_the_gazetteer_is_parsed_again_after_an_upgrade(app, editor, tmp_path, db):
    """An upgrade may normalize addresses differently (3村民小组 is now 3组): renormalize re-parses."""
    from enroll.lookup.models import Address
    from enroll.lookup.gazetteer import renormalize_addresses

    path = tmp_path / "g.csv"
    path.write_text("address,lon,lat\n红星村3村民小组12号,120.2,30.23\n文澜路1号,120.2,30.231\n", encoding="utf-8")
    import_addresses(editor, "990101", path)
    db.session.execute(db.update(Address).where(Address.address.like("红星村%")).values(normalized="stale",
                                                                                      group_no=None))
    db.session.commit()
    assert renormalize_addresses(editor, "990101") == 1
    row = db.session.scalar(db.select(Address).where(Address.address.like("红星村%")))
    assert (row.normalized, row.village, row.group_no) == ("红星村3组12号", "红星村", 3)
    assert renormalize_addresses(editor, "990101") == 0
