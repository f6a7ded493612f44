"""The site's topic pages, found by the words parents use for them.

A parent who types 随迁子女, 划片 or "when do I register" wants the page about it, not every
document that mentions the word; those pages are listed first, for each district that has
published one (or for the district the query names).
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Callable

from enroll.core.i18n import PerLocale, _l
from enroll.districts.services import list_districts
from enroll.migrant import services as migrant
from enroll.results import lotteries
from enroll.results import services as results
from enroll.search.words import folded
from enroll.timeline import services as timeline
from enroll.zoning.services import STAGE_LABELS, published_scopes


@dataclass(frozen=True)
class Link:
    title: object          # a lazy string, formatted with district/year/stage
    endpoint: str
    args: dict
    stage: str | None = None


@dataclass(frozen=True)
class Topic:
    key: str
    description: object    # what the page holds, shown as the hit's snippet
    words: tuple[str, ...]  # folded (simplified, lower case); Chinese matched inside the query, English as words
    links: Callable[[object], list[Link]]  # a district's pages of this topic, newest first


def _name(item) -> PerLocale:
    """A district's or school's name in the reader's language where the bureau gave one."""
    names = {locale: (values or {}).get("name") for locale, values in (getattr(item, "translations", None) or {}).items()}
    return PerLocale({"zh_Hans": item.name, **{k: v for k, v in names.items() if v}})


def _zoning(district) -> list[Link]:
    scopes = published_scopes(district.id)
    latest = scopes[0][0] if scopes else None
    return [Link(_l("%(district)s %(year)s 年%(stage)s划片范围", district=_name(district), year=year,
                    stage=STAGE_LABELS.get(stage, stage)), "zoning.zoning_map", {"code": district.code, "year": year, "stage": stage}, stage)
            for year, stage in scopes if year == latest]


def _migrant(district) -> list[Link]:
    scopes = migrant.published_scopes(district.id)
    latest = scopes[0][0] if scopes else None
    return [Link(_l("%(district)s %(year)s 年%(stage)s随迁子女入学：条件、材料和自查", district=_name(district), year=year,
                    stage=STAGE_LABELS.get(stage, stage)), "migrant.page", {"code": district.code, "year": year, "stage": stage}, stage)
            for year, stage in scopes if year == latest]


def _timeline(district) -> list[Link]:
    return [Link(_l("%(district)s %(year)s 年招生日程", district=_name(district), year=year), "timeline.page",
                 {"code": district.code, "year": year}) for year in timeline.published_years(district.id)[:1]]


def _results(district) -> list[Link]:
    return [Link(_l("%(district)s %(year)s 年各校录取结果", district=_name(district), year=year), "results.district",
                 {"code": district.code, "year": year}) for year in results.published_years(district.id)[:1]]


def _lotteries(district) -> list[Link]:
    found = lotteries.published_lotteries_of_district(district.id)
    latest = max((lottery.year for lottery in found), default=None)
    return [Link(_l("%(year)s 年 %(school)s 摇号", year=lottery.year, school=_name(lottery.school)), "results.lottery",
                 {"lottery_id": lottery.id}) for lottery in found if lottery.year == latest][:5]


def _always(title, endpoint: str) -> Callable[[object], list[Link]]:
    return lambda district: [Link(_l(title, district=_name(district)), endpoint, {"code": district.code})]


def _lookup(district) -> list[Link]:
    return [Link(_l("按地址查询 %(district)s 的对口学校", district=_name(district)), "lookup.page", {"district": district.code})]


TOPICS = (
    Topic("lookup", _l("输入家庭住址或在地图上点选，查看对口的学校和依据。"),
          ("对口学校", "哪所学校", "哪个学校", "上哪", "地址", "住址", "查询学校", "address", "lookup", "which"), _lookup),
    Topic("zoning", _l("每所公办学校的划片范围：地图和教育局公布的原文。"),
          ("划片", "学区", "施教区", "招生范围", "片区", "对口", "zoning", "zone", "zones", "catchment"), _zoning),
    Topic("migrant", _l("随迁子女（非本地户籍）入学的条件、所需材料和在线自查。"),
          ("随迁", "外来务工", "进城务工", "流动人口", "非户籍", "非本地户籍", "外地户籍", "居住证", "自查", "材料",
           "migrant", "migrants", "non-local", "self-check", "documents"), _migrant),
    Topic("timeline", _l("报名、审核、录取各步骤的日期和办理地点。"),
          ("日程", "时间", "报名", "什么时候", "截止", "几号", "timeline", "schedule", "dates", "deadline", "when",
           "register", "registration"), _timeline),
    Topic("results", _l("各校各类别的报名人数、招生计划和录取人数。"),
          ("录取", "结果", "公示", "名单", "results", "admitted", "admission"), _results),
    Topic("policies", _l("本区的招生政策文件和政策解读。"),
          ("政策", "细则", "文件", "办法", "解读", "policy", "policies", "rules", "regulations"),
          _always("%(district)s 招生政策文件与政策解读", "policies.index")),
    Topic("lotteries", _l("民办学校电脑随机录取（摇号）的结果和核验。"),
          ("摇号", "派位", "随机录取", "lottery", "lotteries", "draw"), _lotteries),
    Topic("consultations", _l("划片方案草案、与现行方案相比的变化和公众意见。"),
          ("征求意见", "草案", "意见", "调整", "consultation", "comment", "comments", "draft"),
          _always("%(district)s 划片方案征求意见", "consultations.index")),
    Topic("follow", _l("某个地址的划片发生变化时，用电子邮件通知您。"),
          ("关注", "订阅", "提醒", "通知我", "follow", "subscribe", "notify", "alert"),
          _always("%(district)s 关注地址的划片变化", "follow.page")),
)


STAGE_WORDS = {"primary": ("小学", "primary", "elementary"), "junior": ("初中", "junior", "middle")}


def _stages_named_in(query: str) -> set[str]:
    """The stages the query names (小学 / 初中), or every stage when it names none."""
    named = {stage for stage, words in STAGE_WORDS.items() if any(w in query for w in words)}
    return named or {None, *STAGE_WORDS, "nine_year"}


def _named_in(query: str, districts: list) -> list:
    """The districts the query names (青溪区, 青溪 or Qingxi), else all of them."""
    def named(d) -> bool:
        english = str(_name(d).texts.get("en") or "").lower().removesuffix(" district").strip()
        return bool((d.name and (d.name in query or (len(d.name) > 2 and d.name[:-1] in query)))
                    or (english and english in query))

    named = [d for d in districts if named(d)]
    return named or districts


def matching_topics(query: str) -> list[tuple[Topic, list[Link]]]:
    """The topics the query asks about, each with its pages in the districts concerned."""
    text = folded(query)
    english = set(re.findall(r"[a-z][a-z\-]*", text))
    wanted = [t for t in TOPICS if any((w in english) if w.isascii() else (w in text) for w in t.words)]
    if not wanted:
        return []
    districts, stages = _named_in(text, list_districts()), _stages_named_in(text)
    found = [(topic, [link for d in districts for link in topic.links(d) if link.stage in stages or link.stage is None])
             for topic in wanted]
    return [(topic, links) for topic, links in found if links]
