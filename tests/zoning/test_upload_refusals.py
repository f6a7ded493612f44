"""A zoning upload with errors leaves nothing but its audit event: its report comes back on the
upload page, a summary first (counts per kind, zones far from the district), each kind a page at a
time; every message in plain words with areas in km² or 公顷; the forms keep their input on 409/422."""
from __future__ import annotations

import io
import json
import math
import re
import zipfile

import numpy as np
import pyproj
import shapely
from babel.numbers import format_decimal
from sqlalchemy import func, select
import zoning_steps as steps
from support import DATA, DEMO

from enroll.review.models import AuditEvent, Revision
from enroll.zoning import services as zoning
from enroll.zoning.models import Zoning, ZoningPlan

GOOD = DEMO / "zones_primary.zip"
BOUNDARY = shapely.geometry.shape(json.loads((DEMO / "boundary.geojson").read_text())["features"][0]["geometry"])


def upload(client, data: bytes, filename: str, **fields):
    form = {"year": "2026", "stage": "primary", **fields, "file": (io.BytesIO(data), filename)}
    return client.post("/bureau/d/990101/upload", data=form, content_type="multipart/form-data")


def rows(db, model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def refusals(db) -> list[AuditEvent]:
    return list(db.session.scalars(select(AuditEvent).where(AuditEvent.action == "zoning.import_refused")
                                   .order_by(AuditEvent.id)))


def far_zones(count: int, lon: float = -74.0, lat: float = 40.7) -> bytes:
    """``count`` 500 m squares in a grid around (lon, lat), each naming a school the district lacks."""
    side = math.ceil(math.sqrt(count))
    features = []
    for i in range(count):
        x, y = lon + (i % side) * 0.006, lat + (i // side) * 0.0045
        features.append({"type": "Feature", "properties": {"学校名称": f"第 {i + 1} 学区小学"},
                         "geometry": shapely.geometry.mapping(shapely.box(x, y, x + 0.006, y + 0.0045))})
    return json.dumps({"type": "FeatureCollection", "features": features}).encode()


def test_a_refused_upload_leaves_no_plan_no_revision_and_no_version_number(db, login, editor):
    client = login(editor)
    for attempt in range(3):  # each failure took a version number before
        response = upload(client, b'{"type": "FeatureCollection", "features": [', f"zones{attempt}.geojson")
        page = response.get_data(as_text=True)
        assert response.status_code == 422 and 'id="upload-refused"' in page and f"zones{attempt}.geojson" in page
        assert "JSON 格式有误" in page and "Expecting" not in page  # plain words, not the parser's
    assert (rows(db, ZoningPlan), rows(db, Revision), rows(db, Zoning)) == (0, 0, 0)

    first = refusals(db)[0]  # kept in the audit log: the file and its counts per finding code
    assert (first.object_type, first.object_id) == ("zoning_scope", "990101/2026/primary")
    assert first.detail["file"] == "zones0.geojson" and first.detail["codes"] == {"unreadable": 1}
    assert first.detail["errors"] == 1 and len(refusals(db)) == 3

    good = upload(client, GOOD.read_bytes(), "青溪区小学划片.zip")
    assert good.status_code == 302
    plan = db.session.get(ZoningPlan, int(good.headers["Location"].rstrip("/").split("/")[-1]))
    assert plan.version == 1 and plan.status == "draft"


def test_a_refused_upload_changes_nothing_published_and_the_next_draft_is_the_next_version(
        db, client, login, editor, reviewer):
    published = steps.publish(editor, reviewer, zoning.import_plan(editor, "990101", 2026, "primary", GOOD).id)
    before = client.get("/d/990101/2026/primary/zones.geojson").get_json()
    bureau = login(editor)
    assert upload(bureau, far_zones(4), "far.geojson").status_code == 422
    assert client.get("/d/990101/2026/primary/zones.geojson").get_json() == before
    assert zoning.published_plan(published.district_id, 2026, "primary").id == published.id
    assert rows(db, Revision) == 1

    draft = zoning.import_plan(editor, "990101", 2026, "primary", GOOD)
    assert (published.version, draft.version) == (1, 2)


def test_warnings_only_still_make_a_draft(db, login, editor):
    response = upload(login(editor), GOOD.read_bytes(), "z.zip")
    assert response.status_code == 302 and rows(db, ZoningPlan) == 1 and refusals(db) == []


def expected_km(zones: bytes) -> str:
    """The median distance of the zones from the district, measured apart from the code under test:
    from each zone's corners to every vertex of the boundary on the ellipsoid, to two digits."""
    geod = pyproj.Geod(ellps="WGS84")
    bx, by = shapely.get_coordinates(BOUNDARY).T
    distances = []
    for feature in json.loads(zones)["features"]:
        corners = shapely.get_coordinates(shapely.geometry.shape(feature["geometry"]))
        distances.append(min(geod.inv(np.full(bx.size, x), np.full(by.size, y), bx, by)[2].min() for x, y in corners))
    km = float(np.median(distances)) / 1000
    return format_decimal(round(km, 1 - math.floor(math.log10(km))), format="#,##0", locale="zh_Hans_CN")


def test_a_report_of_hundreds_of_far_away_zones_starts_with_a_summary_and_stays_small(db, login, editor):
    """Zones on another continent (New York, for a district near Hangzhou): one error each of two
    kinds, 600 in all; the page says how far they are and how many of each, and lists 100 of each."""
    zones = far_zones(300)
    response = upload(login(editor), zones, "nyc.geojson")
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert len(response.data) < 100_000  # 100 rows of each kind: about 50 KB; all 628 findings listed: 170 KB

    far = re.search(r'id="report-far">([^<]*)<', page).group(1)
    assert f"上传的 300 个片区全部在本区以外，距本区约 {expected_km(zones)} 公里" in far and "坐标系" in far
    assert page.index('id="report-far"') < page.index('id="report-counts"') < page.index('class="report"')
    counts = re.search(r'id="report-counts">(.*?)</table>', page, re.S).group(1)
    assert re.search(r"片区超出区界</a> <code>outside_district</code></td><td>300<", counts)
    assert re.search(r"学校不在本区名录中</a> <code>unknown_school</code></td><td>300<", counts)
    assert "600 个错误" in page
    for code in ("outside_district", "unknown_school"):
        group = re.search(rf'<details id="findings-{code}".*?</details>', page, re.S).group(0)
        assert group.count('<tr class="error">') == 100 and "另有 200 条同类问题" in group
    assert "平方米" not in page and re.search(r"有 [\d.]+ 公顷 在区界之外", page)

    [event] = refusals(db)  # the same counts in the audit log, the district's uncovered schools' warnings too
    codes = event.detail["codes"]
    assert (codes["outside_district"], codes["unknown_school"], event.detail["errors"]) == (300, 300, 600)
    assert set(codes) == set(re.findall(r"<code>(\w+)</code>", counts)) and event.detail["far"]["zones"] == 300
    for code, count in codes.items():
        assert re.search(rf"<code>{code}</code></td><td>{count}<", counts)


def test_a_saved_plan_s_findings_are_paged_with_links_that_need_no_script(login, editor):
    """250 clauses the grammar cannot read (warnings: the draft is saved): 100 a page."""
    cell = "\n".join(f"{n}号" for n in range(1, 251))
    [plan] = [r.plan for r in steps.texts.import_texts(
        editor, "990101", 2026, f'学校,学段,划片范围\n青溪区文澜小学,小学,"{cell}"\n'.encode(), filename="p.csv")]
    client = login(editor)
    page = client.get(f"/bureau/plans/{plan.id}").get_data(as_text=True)
    assert "条款无法解析：第 1–100 条，共 250 条" in page
    link = re.search(r'href="([^"]*code=unparsed_clause[^"]*page=2[^"]*)" rel="next"', page).group(1)
    second = client.get(link.replace("&amp;", "&")).get_data(as_text=True)
    assert "条款无法解析：第 101–200 条，共 250 条" in second and "第 2 页，共 3 页" in second
    assert "“101号”" in second and "“100号”" not in second


def test_a_paste_refused_with_409_keeps_the_text(login, editor):
    [plan] = steps.import_rules(editor, "990101", 2026, DEMO / "rules_primary.csv")
    steps.submit_plan(editor, plan.id)  # in review: no draft can change now
    pasted = "学校,学段,划片范围\n青溪区东湖小学,小学,东湖路全段（新）\n"
    response = login(editor).post("/bureau/d/990101/rules", data={"year": "2026", "text": pasted, "note": "改东湖路"})
    page = response.get_data(as_text=True)
    assert response.status_code == 409 and 'id="problems"' in page and "正在审核中" in page
    assert "青溪区东湖小学,小学,东湖路全段（新）\n</textarea>" in page and 'value="改东湖路"' in page


def test_a_paste_refused_with_422_keeps_the_text(login, editor):
    pasted = "学校,学段,划片范围\n没有这所学校,小学,东湖路全段\n"
    response = login(editor).post("/bureau/d/990101/rules", data={"year": "2026", "text": pasted})
    page = response.get_data(as_text=True)
    assert response.status_code == 422 and "没有这所学校,小学,东湖路全段\n</textarea>" in page


def test_an_upload_refused_with_409_keeps_the_other_fields(login, editor):
    plan = zoning.import_plan(editor, "990101", 2026, "primary", GOOD)
    steps.submit_plan(editor, plan.id)
    response = upload(login(editor), GOOD.read_bytes(), "z.zip", year="2026", note="新片区", school_field="学校名称")
    page = response.get_data(as_text=True)
    assert response.status_code == 409 and 'id="upload-problem"' in page and "正在审核中" in page
    assert 'value="新片区"' in page and 'value="学校名称"' in page and 'value="2026"' in page


def members_of(path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def zipped(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def test_a_gbk_table_declared_utf8_is_refused_naming_the_member_the_encodings_and_the_fix(db, login, editor):
    """A real zipped Shapefile whose .dbf is GBK, with a .cpg saying UTF-8 (as some tools write)."""
    members = members_of(DATA / "geo" / "clean_gbk_nocpg.zip")
    members["划片.cpg"] = b"UTF-8"
    response = upload(login(editor), zipped(members), "西湖区划片.zip")
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    message = re.search(r"<td>([^<]*划片\.dbf[^<]*)</td>", page).group(1)
    assert "西湖区划片.zip 中的 划片.dbf 不是 划片.cpg 文件声明的 UTF-8 编码" in message
    assert "看起来是 GBK 编码" in message and "删除这个 .cpg 文件" in message
    assert "codec" not in page and "decode" not in page and "0x" not in page
    assert rows(db, ZoningPlan) == 0


def test_a_missing_school_field_names_what_was_asked_and_the_fields_the_file_has(login, editor):
    data = json.dumps({"type": "FeatureCollection", "features": [{"type": "Feature", "properties": {
        "编号": 1, "XQMC": "青溪区文澜小学"}, "geometry": shapely.geometry.mapping(shapely.box(120.15, 30.25, 120.16, 30.26))}]})
    client = login(editor)
    page = upload(client, data.encode(), "z.geojson").get_data(as_text=True)
    assert "没有找到学校名称字段" in page and "学校名称、学校" in page and "XQMC、编号" in page
    asked = upload(client, data.encode(), "z.geojson", school_field="学校名").get_data(as_text=True)
    assert "文件中没有您指定的学校字段“学校名”。文件中的字段有：XQMC、编号" in asked
    assert "“”" not in page + asked
