"""English beside the Chinese in a timeline: typed by the bureau in two more columns, reviewed with
the steps, shown to English readers step by step, and Chinese (marked zh-Hans) where a step has none."""
from __future__ import annotations

from icalendar import Calendar

from web_review import page_as, publish_over_the_web
from enroll.timeline import services

TEXT = ("开始,结束,事项,学段,地点,英文事项,英文地点\n"
        "2026-05-10,2026-05-20,网上报名,,江城市义务教育入学服务平台,Online registration,Jiangcheng enrollment platform\n"
        "2026-06-01,2026-06-10,资格审核,小学,报名学校,Eligibility review\n"
        "2026-07-01,,公布录取结果,,本网站\n")


def published_over_the_web(app, editor, reviewer) -> None:
    review = publish_over_the_web(app, editor, reviewer, "/bureau/d/990101/timeline/2026", {"text": TEXT})
    # the reviewer reads each step's English beside its Chinese, in labelled columns
    assert "英文事项" in review and "Online registration" in review and "Jiangcheng enrollment platform" in review
    assert "Eligibility review" in review


def test_the_english_columns_are_kept_with_their_step_and_edited_again_as_text(editor):
    steps = services.parse_steps(TEXT)
    assert steps[0]["translations"] == {"en": {"title": "Online registration",
                                               "where": "Jiangcheng enrollment platform"}}
    assert steps[1]["translations"] == {"en": {"title": "Eligibility review"}}
    assert "translations" not in steps[2]  # no English: nothing stored for it
    assert services.parse_steps(services.steps_to_text(steps)) == steps


def test_the_bureau_form_shows_the_english_columns_again(app, editor, reviewer):
    published_over_the_web(app, editor, reviewer)
    form = page_as(app, editor, "/bureau/d/990101/timeline/2026")
    assert "开始,结束,事项,学段,地点,英文事项,英文地点" in form
    assert "网上报名,,江城市义务教育入学服务平台,Online registration,Jiangcheng enrollment platform" in form


def test_english_readers_read_the_english_and_chinese_marked_where_there_is_none(app, client, editor, reviewer):
    published_over_the_web(app, editor, reviewer)
    page = client.get("/d/990101/2026/timeline?lang=en").get_data(as_text=True)
    assert '<td lang="en">Online registration</td>' in page and '<td lang="en">Eligibility review</td>' in page
    assert '<td lang="zh-Hans">公布录取结果</td>' in page and '<td lang="zh-Hans">报名学校</td>' in page
    assert "网上报名" not in page
    assert page.count('class="note chinese-only"') == 1  # said once, for the whole page
    assert "timeline.ics?lang=en" in page  # the calendar file in English too


def test_chinese_readers_read_the_chinese(app, client, editor, reviewer):
    published_over_the_web(app, editor, reviewer)
    page = client.get("/d/990101/2026/timeline?lang=zh_Hans").get_data(as_text=True)
    assert '<td lang="zh-Hans">网上报名</td>' in page and "Online registration" not in page
    assert "chinese-only" not in page and "timeline.ics?lang" not in page


def test_the_calendar_file_speaks_the_readers_language_step_by_step(app, client, editor, reviewer):
    published_over_the_web(app, editor, reviewer)

    def summaries(url):
        return {str(e["SUMMARY"]): str(e.get("LOCATION", "")) for e in
                Calendar.from_ical(client.get(url).data).walk("VEVENT")}

    english = summaries("/d/990101/2026/timeline.ics?lang=en")
    assert english == {"Online registration": "Jiangcheng enrollment platform", "Eligibility review": "报名学校",
                       "公布录取结果": "本网站"}
    assert set(summaries("/d/990101/2026/timeline.ics?lang=zh_Hans")) == {"网上报名", "资格审核", "公布录取结果"}
