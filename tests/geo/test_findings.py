"""Finding serialisation, ordering, and the purity of the enroll.geo package."""

from __future__ import annotations

import ast
import json
from pathlib import Path

from enroll.geo.findings import ERROR, WARNING, Finding, sort_findings

GEO_DIR = Path(__file__).resolve().parents[2] / "enroll" / "geo"
ALLOWED_ROOTS = {"shapely", "pyproj", "pyogrio", "numpy", "defusedxml", "charset_normalizer", "lark", "opencc"}


def test_finding_round_trip():
    finding = Finding(
        "overlap", ERROR, feature=3, school="第三小学", location=(120.1, 30.2), quantity=12.3, unit="m2",
        params={"other_feature": 2, "other_school": "第二小学"},
    )
    data = json.loads(json.dumps(finding.to_dict(), ensure_ascii=False))
    assert data["location"] == [120.1, 30.2]
    assert Finding.from_dict(data) == finding
    assert Finding.from_dict({**data, "future_key": 1}) == finding


def test_finding_defaults():
    finding = Finding.from_dict({"code": "gap", "severity": WARNING})
    assert finding.params == {} and finding.location is None and not finding.is_error


def test_sort_errors_first_then_feature():
    items = [
        Finding("gap", WARNING),
        Finding("overlap", ERROR, feature=5),
        Finding("geometry_repaired", WARNING, feature=1),
        Finding("missing_school_field", ERROR),
        Finding("empty_school", ERROR, feature=2),
    ]
    ordered = [(f.code, f.feature) for f in sort_findings(items)]
    assert ordered == [
        ("missing_school_field", None), ("empty_school", 2), ("overlap", 5), ("gap", None), ("geometry_repaired", 1),
    ]


def test_geo_package_imports_only_the_allowed_stack():
    stdlib = __import__("sys").stdlib_module_names
    offenders = []
    for path in sorted(GEO_DIR.glob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                roots = [alias.name.split(".")[0] for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                roots = [] if node.level else [(node.module or "").split(".")[0]]
            else:
                continue
            offenders += [f"{path.name}: {r}" for r in roots if r not in stdlib and r not in ALLOWED_ROOTS | {"__future__"}]
    assert offenders == []
