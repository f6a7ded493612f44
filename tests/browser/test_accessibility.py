"""Every public page passes axe-core's WCAG 2.1 A and AA rules in Chromium, in each language."""
from __future__ import annotations

from pathlib import Path

import pytest

pytestmark = pytest.mark.browser
AXE = (Path(__file__).parent / "vendor" / "axe.min.js").read_text(encoding="utf-8")
PAGES = ["/", "/d/990101/", "/d/990101/2026/primary/", "/d/990101/2026/junior/", "/schools/1", "/login",
         "/lookup", "/lookup?q=文澜路128号", "/lookup?q=不存在路5号",
         # policies of the demo: 1 is the abolished 2025 rules, 2 the normative 2026 rules with their interpretation
         "/d/990101/policies/", "/d/990101/policies/1", "/d/990101/policies/2", "/d/990101/policies/2/interpretation",
         "/d/990101/policies/2/history",
         "/schools/31", "/d/990101/2026/timeline", "/d/990101/2026/migrant/primary",
         "/d/990101/2026/disclosure", "/d/990101/negative-list", "/d/990101/requests/new", "/d/990101/reports/2026", "/search?q=实施细则", "/search?q=随迁子女入学需要什么材料", "/history/timeline/1",
         "/lookup?q=学苑路130号",  # did you mean
         # results: the district table with its chart, 文澜小学 with its list and own-result form, the lottery
         "/d/990101/2026/results", "/schools/1/results/2026", "/lotteries/1", "/lotteries/verify",
         "/audit/heads", "/d/990101/follow", "/d/990101/consultations/",
         "/data", "/d/990101/data",
         "/ogcapi", "/ogcapi/conformance", "/ogcapi/collections", "/ogcapi/collections/zones-990101-2026-primary",
         "/ogcapi/collections/zones-990101-2026-primary/items", "/ogcapi/collections/schools/items/1"]  # a junior school with its profile, plan and feeder primaries


def axe_violations(page) -> list[dict]:
    page.evaluate(AXE)  # by the test's hand, not an inline <script> the page's policy would refuse
    return page.evaluate("""async () => {
        const result = await axe.run(document, {runOnly: {type: 'tag',
            values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}});
        return result.violations.map(v => ({id: v.id, impact: v.impact,
            nodes: v.nodes.slice(0, 3).map(n => n.target.join(' '))}));
    }""")


@pytest.mark.parametrize("lang", ["zh_Hans", "zh_Hant", "en"])
@pytest.mark.parametrize("path", PAGES)
def test_public_page_has_no_axe_violations(live_server, page, path, lang):
    page.goto(f"{live_server}{path}{'&' if '?' in path else '?'}lang={lang}")
    if path.endswith(("/primary/", "/junior/")):  # the zoning maps
        page.wait_for_selector(".folium-map[data-zones-drawn]", timeout=15000)
    assert axe_violations(page) == []
