"""Every gazetteer address of the demo gets the school its 划片 text gives, with the clause as basis."""
from __future__ import annotations

import csv

import pytest
from support import DEMO

from enroll.geo.address import parse_address
from enroll.geo.rules import clause_matches, parse_rules
from enroll.lookup.services import lookup_address

STAGES = {"primary": "小学", "junior": "初中"}


def rule_schools(stage: str) -> dict[str, list]:
    with (DEMO / f"rules_{stage}.csv").open(encoding="utf-8-sig") as fh:
        return {row["学校"]: parse_rules(row["划片范围"]) for row in csv.DictReader(fh)}


@pytest.fixture(scope="module")
def addresses():
    with (DEMO / "addresses.csv").open(encoding="utf-8") as fh:
        return [row["address"] for row in csv.DictReader(fh)]


def test_every_gazetteer_address_gets_the_schools_its_rules_name(demo, addresses):
    expected = {stage: rule_schools(stage) for stage in STAGES}
    wrong = []
    for address in addresses:
        result = lookup_address(address, district_code="990101")
        got = {(m.stage, m.school_name) for m in result.matches}
        parts = parse_address(address, ("青溪区",))
        want = {(stage, school) for stage, schools in expected.items()
                for school, clauses in schools.items() if any(clause_matches(c, parts) for c in clauses)}
        if got != want or any(m.basis != "rule" for m in result.matches):
            wrong.append((address, sorted(got), sorted(want)))
    assert len(addresses) >= 20000 and wrong[:5] == []


def test_the_answer_quotes_the_clause_and_its_plan(demo):
    result = lookup_address("青溪区学院路130号", district_code="990101")
    primary = [m for m in result.matches if m.stage == "primary"]
    assert {m.school_name for m in primary} == {"青溪区文澜小学", "青溪区崇文小学"}  # the multi-school zone
    assert all("122-160号（双号）" in m.text and m.plan.year == 2026 and m.line == 2 for m in primary)
    assert [c.code for c in result.caveats] == ["multi_school"]
    assert "电脑随机派位" in str(result.caveats[0].message)  # the district's own placement rules


@pytest.mark.parametrize("query", ["學院路130號", "学院路１３０号", "江城市青溪区学院路一百三十号", " 学院路 130 号 "])
def test_variants_of_the_same_address_get_the_same_answer(demo, query):
    reference = {(m.stage, m.school_id) for m in lookup_address("学院路130号").matches}
    assert {(m.stage, m.school_id) for m in lookup_address(query).matches} == reference
