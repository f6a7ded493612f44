"""Translated, user-facing text for validation findings (the geo layer only gives codes and values).

No message quotes a library's exception or a technical detail: each names the file, the feature,
the field or the member of an archive in plain words and says what to do. Areas are written by
``core.text.format_area`` (km² or 公顷), never as square metres.
"""
from __future__ import annotations

import math

from flask_babel import format_decimal

from enroll.core.i18n import _, _l
from enroll.core.text import format_area

TITLES = {
    "unsafe_archive": _l("不安全的压缩包"),
    "unreadable": _l("文件无法读取"),
    "missing_crs": _l("缺少坐标系"),
    "invalid_geometry": _l("几何图形无效"),
    "geometry_repaired": _l("几何图形已自动修复"),
    "unknown_school": _l("学校不在本区名录中"),
    "duplicate_school": _l("学校重复划片"),
    "empty_school": _l("未填写学校"),
    "missing_school_field": _l("找不到学校字段"),
    "overlap": _l("片区重叠"),
    "too_complex": _l("片区交叠过多，无法在网页上核对"),
    "outside_district": _l("片区超出区界"),
    "gap": _l("区内未划片区域"),
    "school_outside_zone": _l("学校不在本校片区内"),
    "gcj02_suspected": _l("疑似 GCJ-02 坐标"),
    "legacy_datum": _l("旧坐标系（北京54/西安80）"),
    "unparsed_clause": _l("条款无法解析"),
    "ambiguous_clause": _l("条款不够明确"),
    "school_without_zone": _l("学校没有划片"),
}

ARCHIVE_REASONS = {
    "too_many_members": _l("文件数过多"),
    "too_large": _l("解压后过大"),
    "ratio": _l("压缩比异常（疑似压缩炸弹）"),
    "path_traversal": _l("文件路径越界"),
    "symlink": _l("包含符号链接"),
    "encrypted": _l("文件已加密"),
    "archive_too_large": _l("压缩包过大"),
}

# Why a file could not be read (``geo.findings.unreadable``'s reasons), each with what to do.
UNREADABLE = {
    "not_found": _l("文件 %(file)s 没有完整上传，请重新上传。"),
    "unknown_format": _l("无法识别文件 %(file)s 的格式。请上传 Shapefile 压缩包（.zip，含同名的 .shp、.shx、.dbf、.prj）、"
                         "GeoJSON、KML/KMZ 或 GeoPackage 文件。"),
    "missing_parts": _l("压缩包 %(file)s 中的 Shapefile 缺少 %(members)s 文件。请把同名的 .shp、.shx、.dbf、.prj 文件一起压缩后上传。"),
    "bad_shapefile": _l("%(file)s 中的 .shp 或 .shx 文件不是有效的 Shapefile，可能已损坏。请在 GIS 软件中重新导出。"),
    "bad_gpkg": _l("文件 %(file)s 不是有效的 GeoPackage，可能已损坏。请在 GIS 软件中重新导出。"),
    "no_layers": _l("GeoPackage 文件 %(file)s 中没有图层。"),
    "bad_json": _l("文件 %(file)s 不是有效的 GeoJSON：JSON 格式有误，文件可能不完整或已损坏。请重新导出。"),
    "not_geojson": _l("文件 %(file)s 是 JSON，但不是 GeoJSON（应为 FeatureCollection、Feature 或几何对象）。"),
    "no_features": _l("文件 %(file)s 中没有任何要素（片区）。"),
    "bad_coordinates": _l("文件 %(file)s 的坐标无法换算为经纬度，坐标系可能填错了。请检查 .prj 文件或上传时指定的坐标系。"),
    "several_datasets": _l("压缩包 %(file)s 中有多个数据集（%(members)s），请每次只上传一个。"),
    "no_dataset": _l("压缩包 %(file)s 中没有 .shp、.gpkg、.geojson 或 .kml 文件。"),
    "bad_zip": _l("文件 %(file)s 不是有效的 ZIP 压缩包，或已损坏。请重新压缩后上传。"),
    "xml_entities": _l("KML 文件 %(file)s 含有 XML 实体定义，为安全起见不予读取。请在 GIS 软件中重新导出。"),
    "bad_xml": _l("KML 文件 %(file)s 不是有效的 XML，可能不完整或已损坏。请重新导出。"),
    "corrupt": _l("文件 %(file)s 无法读取，可能已损坏或格式不受支持。请在 GIS 软件中重新导出为 Shapefile 压缩包或 GeoJSON 后上传。"),
}

# GEOS's reasons for an invalid polygon (``shapely.is_valid_reason``, before the "[x y]" location)
GEOMETRY_PROBLEMS = {
    "Self-intersection": _l("边界自相交"),
    "Ring Self-intersection": _l("环自相交"),
    "Too few points": _l("顶点太少，不成面"),
    "Hole lies outside shell": _l("内环（洞）在外环之外"),
    "Holes are nested": _l("内环（洞）互相嵌套"),
    "Interior is disconnected": _l("内部被内环分割成几块"),
    "Nested shells": _l("外环互相嵌套"),
    "Duplicate Rings": _l("有重复的环"),
    "Invalid Coordinate": _l("有无效的坐标（非数字）"),
    "Ring is not closed": _l("环没有闭合"),
    "missing": _l("要素没有几何图形"),
    "empty": _l("几何图形为空"),
}
GEOMETRY_TYPES = {"Point": _l("点"), "MultiPoint": _l("多点"), "LineString": _l("线"),
                  "MultiLineString": _l("多线"), "LinearRing": _l("线"), "GeometryCollection": _l("几何集合")}


def geometry_problem(params: dict) -> str:
    """What is wrong with a shape, in plain words (GEOS's English reason is never shown)."""
    reason = str(params.get("reason") or "")
    if reason == "not_polygonal":
        kind = params.get("geom_type") or ""
        return _("不是面（多边形），而是%(kind)s", kind=GEOMETRY_TYPES.get(kind, kind))
    for known, text in GEOMETRY_PROBLEMS.items():
        if reason.startswith(known):
            return str(text)
    return _("形状无法计算，坐标可能有误")


def about_km(km: float) -> str:
    """A distance of ``km`` kilometres to two significant digits, in the current locale ("11,000")."""
    if km <= 0:
        return format_decimal(0)
    rounded = round(km, 1 - math.floor(math.log10(km)))
    return format_decimal(rounded, format="#,##0" if rounded >= 10 else "#,##0.#")


def distance(metres: float | None) -> str:
    if metres is None:
        return "?"
    if metres >= 1000:
        return _("%(n)s 公里", n=format_decimal(metres / 1000, format="#,##0.#"))
    return _("%(n)s 米", n=format_decimal(metres, format="#,##0"))


def far_sentence(far: dict | None) -> str | None:
    """The warning put first when zones lie far from the district (``geo.validate.far_from_district``)."""
    if not far:
        return None
    km = about_km(far["distance_km"])
    if far["zones"] >= far["of"]:
        return _("上传的 %(n)s 个片区全部在本区以外，距本区约 %(km)s 公里：请检查坐标系（.prj 文件或上传时指定的坐标系），"
                 "或是否选错了文件。", n=far["zones"], km=km)
    return _("其中 %(n)s 个片区在本区以外，距本区约 %(km)s 公里：请检查这些片区的坐标。", n=far["zones"], km=km)


def _unreadable(p: dict) -> str:
    if p.get("reason") == "encoding":
        return _encoding(p)
    text = UNREADABLE.get(p.get("reason") or "", UNREADABLE["corrupt"])
    return str(text) % {"file": p.get("file", ""), "members": p.get("members", "")}


def _encoding(p: dict) -> str:
    tried = "、".join(p.get("tried") or [])
    if not p.get("member"):
        return _("文件 %(file)s 的文字编码无法识别（已尝试 %(tried)s）。请另存为 UTF-8 编码后上传。",
                 file=p.get("file", ""), tried=tried)
    if p.get("cpg"):
        first = _("%(file)s 中的 %(member)s 不是 %(cpg)s 文件声明的 %(tried)s 编码，无法读取。",
                  file=p.get("file", ""), member=p["member"], cpg=p["cpg"], tried=tried)
        if p.get("likely"):
            return first + _("其内容看起来是 %(likely)s 编码：请把 %(cpg)s 的内容改为 %(likely)s，或删除这个 .cpg 文件后重新压缩上传。",
                             likely=p["likely"], cpg=p["cpg"])
        return first + _("请在 GIS 软件中把属性表另存为 UTF-8 或 GBK 编码，并相应修改 %(cpg)s。", cpg=p["cpg"])
    return _("%(file)s 中的 %(member)s 的文字编码无法识别（已尝试 %(tried)s）。请在 GIS 软件中把属性表另存为 UTF-8 或 GBK 编码，"
             "或在压缩包中加入与 .shp 同名的 .cpg 文件，内容写明编码（UTF-8 或 GBK）。",
             file=p.get("file", ""), member=p["member"], tried=tried)


def _missing_crs(p: dict) -> str:
    if p.get("crs"):
        return _("文件 %(file)s 的坐标系“%(crs)s”无法识别。请在上传时填写 EPSG 代码，例如 EPSG:4549。",
                 file=p.get("file", ""), crs=p["crs"])
    if p.get("detail"):  # declared as lon/lat, but the numbers are not
        return _("文件 %(file)s 声明为经纬度坐标，但坐标值超出了经纬度的范围，多半是以米为单位的投影坐标。"
                 "请在上传时指定坐标系，例如 EPSG:4549。", file=p.get("file", ""))
    return _("文件 %(file)s 没有坐标系信息（缺少 .prj 或 SRS）。请在上传时指定坐标系，例如 EPSG:4549。",
             file=p.get("file", ""))


def _school_field(code: str, p: dict) -> str:
    available = "、".join(map(str, p.get("available") or [])) or _("（没有任何字段）")
    if code == "empty_school":
        return _("学校字段“%(field)s”为空，无法确定该片区的学校。", field=p.get("field") or "")
    if p.get("field"):
        return _("文件中没有您指定的学校字段“%(field)s”。文件中的字段有：%(available)s。请在“学校字段名”中填写其中之一。",
                 field=p["field"], available=available)
    return _("没有找到学校名称字段（自动识别查找的是 %(tried)s 等字段）。文件中的字段有：%(available)s。"
             "请在“学校字段名”中填写其中写有学校名称的一个。",
             tried="、".join(list(p.get("tried") or [])[:5]), available=available)


def _file_problem(code: str, p: dict) -> str | None:
    """Messages about the file as a whole (None for other codes)."""
    if p.get("max_mb") is not None:  # a file over ENROLL_MAX_ZONING_FILE_MB, refused before it is read
        return _("文件 %(file)s 大小为 %(size)s MB，超过了 %(max)s MB 的上限，未读取。请拆分文件或联系管理员调整上限。",
                 file=p.get("file", ""), size=p.get("size_mb", "?"), max=p["max_mb"])
    if code == "unsafe_archive":
        reason = ARCHIVE_REASONS.get(p.get("reason"), p.get("reason", ""))
        if not p.get("member"):
            return _("压缩包 %(file)s 被拒绝：%(reason)s。解压前已检查，未解压任何内容。",
                     file=p.get("file", ""), reason=reason)
        return _("压缩包 %(file)s 被拒绝：%(reason)s（%(member)s）。解压前已检查，未解压任何内容。",
                 file=p.get("file", ""), reason=reason, member=p.get("member", ""))
    if code == "unreadable":
        return _unreadable(p)
    if code == "missing_crs":
        return _missing_crs(p)
    if code in ("missing_school_field", "empty_school"):
        return _school_field(code, p)
    if code == "legacy_datum":
        return _("坐标系 %(crs)s 是旧坐标系，转换到 CGCS2000 可能有数十米误差。", crs=p.get("crs", ""))
    if code == "too_complex":
        return _("有 %(pairs)s 对片区彼此相邻或交叠，核对需比对约 %(work)s 百万个顶点，超过网页上传的上限 %(limit)s 百万："
                 "多半是选错了文件、图层重复导出或坐标系不对。确属如此规模的方案，请由管理员用命令 flask zones import 导入。",
                 pairs=p.get("pairs", "?"), work=round(p.get("work", 0) / 1e6), limit=round(p.get("limit", 0) / 1e6))
    if code == "gcj02_suspected":
        return _("图形整体偏移约 %(offset)s 米，疑似从商业地图描绘的 GCJ-02 坐标。若是，请勾选“GCJ-02 坐标”重新上传。",
                 offset=p.get("offset_m", "?"))
    return None


def _zone_problem(code: str, p: dict, school: str, qty) -> str | None:
    """Messages about one zone or school (None for other codes)."""
    if code == "invalid_geometry" and p.get("vertices"):
        return _("几何图形无效（%(detail)s），且有 %(vertices)s 个顶点（超过 %(limit)s 个不自动修复）：请在 GIS 软件中修复后重新上传。",
                 detail=geometry_problem(p), vertices=p["vertices"], limit=p["limit"])
    if code == "invalid_geometry":
        return _("几何图形无效，无法自动修复：%(detail)s。请在 GIS 软件中修复后重新上传。", detail=geometry_problem(p))
    if code == "geometry_repaired":
        return _("%(detail)s，已自动修复，面积变化 %(area)s。请核对。", detail=geometry_problem(p), area=format_area(qty))
    if code == "unknown_school":
        return _("“%(school)s”不在本区该学段的学校名录中。请先导入学校或更正名称。", school=school)
    if code == "duplicate_school":
        return _("“%(school)s”已在第 %(first)s 个要素中单独划片。", school=school, first=p.get("first_feature", "?"))
    if code == "overlap":
        return _("与第 %(other)s 个要素（%(other_school)s）重叠 %(area)s。",
                 other=p.get("other_feature", "?"), other_school=p.get("other_school") or "", area=format_area(qty))
    if code == "outside_district":
        return _("有 %(area)s 在区界之外。", area=format_area(qty))
    if code == "gap":
        return _("区内有 %(area)s 不属于任何片区。", area=format_area(qty))
    if code == "school_outside_zone":
        return _("“%(school)s”校址距本校片区 %(distance)s。", school=school, distance=distance(qty))
    if code == "school_without_zone":
        return _("公办学校“%(school)s”既没有划片文字，也没有片区。", school=school)
    if code == "unparsed_clause":
        return _("第 %(row)s 行第 %(line)s 条“%(text)s”无法解析（%(error)s），已保留原文，查询时不会使用。",
                 row=p.get("row", "?"), line=p.get("line", "?"), text=p.get("text", ""), error=p.get("error", ""))
    if code == "ambiguous_clause":
        return _("第 %(row)s 行第 %(line)s 条“%(text)s”只写了道路一侧或路段，门牌范围不明确；查询时会提示家长向教育局确认。",
                 row=p.get("row", "?"), line=p.get("line", "?"), text=p.get("text", ""))
    return None


def describe(finding: dict) -> str:
    """One sentence naming the problem and where it is, in the current locale."""
    code, p = finding["code"], finding.get("params") or {}
    return (_file_problem(code, p) or _zone_problem(code, p, finding.get("school") or "", finding.get("quantity"))
            or str(TITLES.get(code, code)))


def title(code: str) -> str:
    return str(TITLES.get(code, code))


def annotate(findings: list[dict]) -> list[dict]:
    """Findings with their translated ``title`` and ``message`` added."""
    return [dict(f, title=title(f["code"]), message=describe(f)) for f in findings]
