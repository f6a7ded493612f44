"""Translated, user-facing text for validation findings (the geo layer only gives codes)."""
from __future__ import annotations

from enroll.core.i18n import _, _l

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


def describe(finding: dict) -> str:
    """One sentence naming the problem and where it is, in the current locale."""
    code, p = finding["code"], finding.get("params") or {}
    school, qty = finding.get("school") or "", finding.get("quantity")
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
        return _("文件 %(file)s 无法读取：%(detail)s", file=p.get("file", ""), detail=p.get("detail", ""))
    if code == "missing_crs":
        return _("文件 %(file)s 没有坐标系信息（缺少 .prj 或 SRS）。请在上传时指定坐标系，例如 EPSG:4549。",
                 file=p.get("file", ""))
    if code == "invalid_geometry" and p.get("vertices"):
        return _("几何图形无效（%(detail)s），且有 %(vertices)s 个顶点（超过 %(limit)s 个不自动修复）：请在 GIS 软件中修复后重新上传。",
                 detail=p.get("reason", ""), vertices=p["vertices"], limit=p["limit"])
    if code == "invalid_geometry":
        return _("几何图形无效，无法修复：%(detail)s", detail=p.get("reason") or p.get("detail", ""))
    if code == "geometry_repaired":
        return _("自相交等问题已自动修复（%(detail)s），面积变化 %(area)s 平方米。请核对。",
                 detail=p.get("reason", ""), area=qty)
    if code == "unknown_school":
        return _("“%(school)s”不在本区该学段的学校名录中。请先导入学校或更正名称。", school=school)
    if code == "duplicate_school":
        return _("“%(school)s”已在第 %(first)s 个要素中单独划片。", school=school, first=p.get("first_feature", "?"))
    if code == "empty_school":
        if p.get("field"):
            return _("学校字段“%(field)s”为空，无法确定该片区的学校。", field=p["field"])
        return _("学校字段为空，无法确定该片区的学校。")
    if code == "missing_school_field":
        return _("找不到学校字段“%(field)s”。文件中的字段：%(available)s。上传时可指定学校字段。",
                 field=p.get("field") or "", available="、".join(map(str, p.get("available") or [])))
    if code == "too_complex":
        return _("有 %(pairs)s 对片区彼此相邻或交叠，核对需比对约 %(work)s 百万个顶点，超过网页上传的上限 %(limit)s 百万："
                 "多半是选错了文件、图层重复导出或坐标系不对。确属如此规模的方案，请由管理员用命令 flask zones import 导入。",
                 pairs=p.get("pairs", "?"), work=round(p.get("work", 0) / 1e6), limit=round(p.get("limit", 0) / 1e6))
    if code == "overlap":
        return _("与第 %(other)s 个要素（%(other_school)s）重叠 %(area)s 平方米。",
                 other=p.get("other_feature", "?"), other_school=p.get("other_school", ""), area=qty)
    if code == "outside_district":
        return _("有 %(area)s 平方米在区界之外。", area=qty)
    if code == "gap":
        return _("区内有 %(area)s 平方米不属于任何片区。", area=qty)
    if code == "school_outside_zone":
        return _("“%(school)s”校址距本校片区 %(distance)s 米。", school=school, distance=qty)
    if code == "gcj02_suspected":
        return _("图形整体偏移约 %(offset)s 米，疑似从商业地图描绘的 GCJ-02 坐标。若是，请勾选“GCJ-02 坐标”重新上传。",
                 offset=p.get("offset_m", "?"))
    if code == "legacy_datum":
        return _("坐标系 %(crs)s 是旧坐标系，转换到 CGCS2000 可能有数十米误差。", crs=p.get("crs", ""))
    if code == "unparsed_clause":
        return _("第 %(row)s 行第 %(line)s 条“%(text)s”无法解析（%(error)s），已保留原文，查询时不会使用。",
                 row=p.get("row", "?"), line=p.get("line", "?"), text=p.get("text", ""), error=p.get("error", ""))
    if code == "ambiguous_clause":
        return _("第 %(row)s 行第 %(line)s 条“%(text)s”只写了道路一侧或路段，门牌范围不明确；查询时会提示家长向教育局确认。",
                 row=p.get("row", "?"), line=p.get("line", "?"), text=p.get("text", ""))
    return code


def title(code: str) -> str:
    return str(TITLES.get(code, code))


def annotate(findings: list[dict]) -> list[dict]:
    """Findings with their translated ``title`` and ``message`` added."""
    return [dict(f, title=title(f["code"]), message=describe(f)) for f in findings]
