"""Admission results: posted by a school from real CSV files, reviewed by a second person, shown
to the public with masked names, and refused line by line when the file is wrong."""
from __future__ import annotations

import pytest

from results_data import raw, upload
from support import both_databases
from enroll.core.errors import Conflict, Forbidden, Invalid
from enroll.results import services, tables
from enroll.review import content


def lines(exc) -> list[tuple]:
    return [(line, column, str(message)) for line, column, message in exc.detail["errors"]]


@both_databases
def test_a_school_posts_results_and_the_public_sees_them_only_after_review(client, save, school_editor, reviewer,
                                                                           public_school):
    revision = save()
    assert client.get(f"/schools/{public_school.id}/results/2026").status_code == 404  # a draft is not public
    content.submit_revision(school_editor, revision.id)
    with pytest.raises(Forbidden):
        content.approve_revision(school_editor, revision.id)  # a school never publishes itself
    content.approve_revision(reviewer, revision.id)
    page = client.get(f"/schools/{public_school.id}/results/2026").get_data(as_text=True)
    assert "随迁子女" in page and "2.13" in page  # 64 applicants for 30 places
    assert "张*明" in page and "欧阳**" in page and "买**·艾*" in page
    for secret in ("张小明", "欧阳娜娜", "2019-03-05", "李四"):
        assert secret not in page
    district = client.get("/d/990101/2026/results").get_data(as_text=True)
    assert public_school.name in district and "234" in district  # 152+64+6+12 applicants


def test_gbk_and_utf8_files_give_the_same_result(save):
    assert save(routes="routes_gbk.csv", list_file=None).data["routes"] == save(list_file=None).data["routes"]


def test_names_are_masked_and_birth_dates_never_stored(save, key):
    revision = save()
    names = [e["name"] for e in revision.data["list"]]
    assert names == ["张*明", "欧阳**", "李*", "买**·艾*"]
    stored = str(revision.data)
    assert "2019-03-05" not in stored and "小明" not in stored
    assert revision.data["list"][0]["_check"] == tables.check_digest(key, "Q2026-0001", "2019-03-05")


@pytest.mark.parametrize("text, expected", [
    ("途径,报名人数,计划数,录取人数\n片区内,abc,10,5\n", [(2, "报名人数", "“abc”不是 0 到 100000 之间的整数。")]),
    ("途径,报名人数,计划数,录取人数\n片区内,10,10,12\n", [(2, "录取人数", "录取人数（12）多于报名人数（10）。")]),
    ("途径,报名人数,计划数,录取人数\n片区内,20,10,12\n",
     [(2, "录取人数", "录取人数（12）超过计划数（10），请在“说明”中写明原因。")]),
    ("途径,报名人数,计划数,录取人数\n片区内,20,10,10\n户籍,3,3,3\n", [(3, "途径", "招生途径“片区内户籍/房产”与第 2 行重复。")]),
    ("途径,报名人数,计划数,录取人数\n特长生,3,3,3\n", None),
    ("途径,报名人数,计划数\n片区内,3,3\n", [(1, "录取人数", "缺少必需的列“录取人数”。")]),
    ("途径,报名人数,计划数,录取人数,家长电话\n片区内,3,3,3,13812345678\n", None),
])
def test_bad_aggregates_are_reported_by_line_and_column(save, text, expected):
    with pytest.raises(Invalid) as info:
        save(routes=raw("bad.csv", text), list_file=None)
    assert "bad.csv" in str(info.value.message)
    found = lines(info.value)
    if expected is not None:
        assert found == expected
    else:
        assert found and all(line in (1, 2) for line, _, _ in found)


def test_a_note_allows_more_admitted_than_places(save):
    revision = save(routes=raw("ok.csv", "途径,报名人数,计划数,录取人数,说明\n统筹,20,10,12,扩班两个\n"), list_file=None)
    assert revision.data["routes"] == [{"route": "coordinated", "applicants": 20, "places": 10, "admitted": 12,
                                        "note": "扩班两个"}]


@pytest.mark.parametrize("text, expected", [
    ("申请号,姓名,结果\nA1,张三,录取\nA1,李四,录取\n", (3, "申请号", "申请号 A1 与第 2 行重复。")),
    ("申请号,姓名,结果\nA1,张三,通过\n", (2, "结果", "结果应为“录取”“候补”或“未录取”，不是“通过”。")),
    ("申请号,姓名,结果,身份证\nA1,张三,录取,11010520120304201X\n", (2, "身份证", None)),
    ("申请号,姓名,结果,备注\nA1,张三,录取,家长 13812345678\n", (2, "备注", None)),
    ("申请号,姓名,结果\nA1,zhang@example.cn,录取\n", (2, "姓名", None)),
    ("申请号,姓名,结果,途径\nA1,张三,录取,直升\n", (2, "途径", "招生途径“对口直升”不在本校的录取结果中。")),
    ("申请号,姓名,结果,途径\nA1,张三,录取,插班\n", (2, "途径", None)),
    ("申请号,姓名,结果\nA1," + "张" * 41 + ",录取\n", (2, "姓名", "姓名最多 40 个字。")),
    ("申请号,姓名,结果\nA1,王" + "㍿" * 10 + ",录取\n", (2, "姓名", "姓名最多 40 个字。")),  # 41 once normalised
    ("申请号,姓名,结果\nq1,张三,录取\nQ1,李四,录取\n", (3, "申请号", "申请号 Q1 与第 2 行重复。")),
    # the file's own line numbers, past blank lines and a cell broken over two lines
    ("申请号,姓名,结果\n\n\nA1,张三,通过\n", (4, "结果", "结果应为“录取”“候补”或“未录取”，不是“通过”。")),
    ('申请号,姓名,结果\nA1,"张\n三",录取\nA2,李四,通过\n', (4, "结果", "结果应为“录取”“候补”或“未录取”，不是“通过”。")),
    ("申请号,姓名,结果\nA1,张三,录取\n\nA3,身份证110101201501011233A,录取\n", (4, "姓名", None)),
    ("申请号,姓名,结果,出生日期\nA1,张三,录取,2019-02-30\n", (2, "出生日期", "2019 年 2 月没有 30 日。")),
])
def test_bad_lists_are_reported_by_line_and_column(save, text, expected):
    with pytest.raises(Invalid) as info:
        save(list_file=raw("名单.csv", text))
    line, column, message = lines(info.value)[0]
    assert (line, column) == expected[:2]
    if expected[2]:
        assert message == expected[2]
    elif column == "途径":
        assert "未知的招生途径“插班”" in message
    else:
        assert "不得出现身份证号、手机号或电子邮件" in message


def test_a_list_may_not_admit_more_children_on_a_route_than_its_aggregate(save):
    rows = "".join(f"A{i},张三,随迁子女,录取\n" for i in range(31))
    with pytest.raises(Invalid) as info:
        save(list_file=raw("l.csv", "申请号,姓名,途径,结果\n" + rows))
    assert lines(info.value) == [(32, "途径", "名单中“随迁子女”的录取人数多于录取结果中的 30 人。")]


@pytest.mark.parametrize("raw_bytes, code", [
    (b"", "empty"), (b"PK\x03\x04\x14\x00\x06\x00", "not_csv"), (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "not_csv"),
    ("途径,报名人数".encode("gbk") + b"\x80\xff\n", "encoding"), (b"\xff\xfeabc", "encoding"),
])
def test_files_that_are_not_csv_text_are_refused_by_name(save, raw_bytes, code):
    with pytest.raises(Invalid) as info:
        save(routes=services.Upload(raw_bytes, "结果.xlsx"), list_file=None)
    assert info.value.detail["code"] == code and "结果.xlsx" in str(info.value.message)


def test_utf16_from_excel_unicode_text_is_read(save):
    text = "途径,报名人数,计划数,录取人数\n片区内,10,10,10\n"
    revision = save(routes=services.Upload(b"\xff\xfe" + text.encode("utf-16-le"), "u16.csv"), list_file=None)
    assert revision.data["routes"][0]["applicants"] == 10


def test_a_refused_file_leaves_what_is_published_untouched(client, published, save, public_school):
    published()
    before = client.get(f"/schools/{public_school.id}/results/2026").get_data(as_text=True)
    with pytest.raises(Invalid):
        save(list_file=raw("l.csv", "申请号,姓名,结果\nA1,张三,录取\nA1,李四,录取\n"))
    assert client.get(f"/schools/{public_school.id}/results/2026").get_data(as_text=True) == before
    assert content.open_revision(services.RESULT, services.result_of(public_school.id, 2026).id) is None


def test_a_list_needs_a_public_until_date_within_the_limit(save):
    with pytest.raises(Invalid) as info:
        save(public_until="")
    assert info.value.detail["field"] == "public_until"
    with pytest.raises(Invalid) as info:
        save(public_until="2026-12-31")
    assert info.value.detail["field"] == "public_until"


def test_the_publish_time_scanner_refuses_personal_data_whatever_the_draft_went_through(save, school_editor,
                                                                                      reviewer, db, public_school):
    revision = save()
    content.submit_revision(school_editor, revision.id)
    data = dict(revision.data)
    data["list"] = [dict(data["list"][0], name="11010520120304201X")] + data["list"][1:]
    revision.data = data
    db.session.commit()
    with pytest.raises(Conflict, match="身份证号"):
        content.approve_revision(reviewer, revision.id)
    assert services.result_of(public_school.id, 2026).status == "draft"  # nothing reached the public


def test_another_school_cannot_post_for_this_one(save, make_user, district):
    from enroll.schools.services import schools_of

    other = make_user("other", "school_editor", school_id=schools_of(district.id)[1].id)
    with pytest.raises(Forbidden):
        save(actor=other)


def test_site_search_finds_the_result_but_never_a_childs_entry(published, public_school):
    from enroll.search.services import search

    published()
    assert [h.title for h in search("文澜小学 2026").hits if str(h.kind) == "录取结果"] == [f"{public_school.name} 2026"]
    assert search("Q2026-0001").hits == [] and search("欧阳").hits == []


def test_csv_downloads_have_a_bom_and_masked_names(client, published, public_school):
    published()
    body = client.get(f"/schools/{public_school.id}/results/2026.csv").data
    assert body.startswith(b"\xef\xbb\xbf") and "随迁子女,64,30,30,2.13" in body.decode("utf-8-sig")
    response = client.get(f"/schools/{public_school.id}/results/2026/list.csv")
    text = response.data.decode("utf-8-sig")
    assert response.data.startswith(b"\xef\xbb\xbf") and response.headers["Cache-Control"] == "no-store"
    assert "Q2026-0002,欧阳**,随迁子女,录取,2" in text and "娜娜" not in text
    district = client.get("/d/990101/2026/results.csv").data.decode("utf-8-sig")
    assert f"{public_school.name},小学,公办,234,186,198,1.26" in district


def test_a_private_list_is_not_shown_but_can_be_checked(client, published, public_school):
    published(list_public=False)
    page = client.get(f"/schools/{public_school.id}/results/2026").get_data(as_text=True)
    assert "Q2026-0001" not in page and "查询本人录取结果" in page
    assert client.get(f"/schools/{public_school.id}/results/2026/list.csv").status_code == 404


def test_a_kept_list_is_checked_again_against_changed_aggregates(save):
    save()  # routes.csv admits 30 migrant children; list.csv admits 2 of them
    fewer = raw("r.csv", "途径,报名人数,计划数,录取人数\n片区内户籍/房产,10,10,10\n随迁子女,64,30,1\n")
    with pytest.raises(Invalid) as info:
        save(routes=fewer, list_file=None, keep_list=True)
    assert lines(info.value) == [(3, "途径", "名单中“随迁子女”的录取人数多于录取结果中的 1 人。")]
    gone = raw("r.csv", "途径,报名人数,计划数,录取人数\n片区内户籍/房产,10,10,10\n")
    with pytest.raises(Invalid) as info:
        save(routes=gone, list_file=None, keep_list=True)
    assert {line for line, _c, _m in lines(info.value)} == {2, 3, 4, 5}


def test_a_change_note_with_a_phone_number_is_refused(school_editor, public_school, key, frozen):
    """The note is shown in the public version history."""
    with pytest.raises(Invalid) as info:
        services.save_result(school_editor, public_school.id, 2026, {}, check_key=key, routes_file=upload("routes.csv"),
                             note="有问题请打 13812345678")
    assert info.value.detail["field"] == "note"


def test_csv_cells_that_look_like_formulas_are_kept_as_text():
    from enroll.results.downloads import to_csv

    text = to_csv(["说明"], [['=HYPERLINK("http://x")'], ["+1"], ["-2"], ["@sum"], [-3], ["普通"]]).decode("utf-8-sig")
    assert text.splitlines()[1:] == ["\"'=HYPERLINK(\"\"http://x\"\")\"", "'+1", "'-2", "'@sum", "-3", "普通"]
