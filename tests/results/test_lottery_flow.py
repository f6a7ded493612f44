"""The verifiable lottery end to end: the list and seed commitment are published before the draw,
the draw reveals the seed, anyone re-runs it (page, JSON, CLI) and any change after the commitment
is detected or refused."""
from __future__ import annotations

import json

import pytest

from results_data import raw, upload
from support import both_databases
from enroll.core.errors import Conflict, Invalid
from enroll.results import lotteries, lottery
from enroll.results.models import Lottery, LotterySecret
from enroll.review import content

DRAW = {"places": 10, "draw_at": "2026-07-15T09:00", "public_until": "2026-08-15"}
AFTER_DRAW = "2026-07-15T09:00:00+08:00"


@pytest.fixture
def save_lottery(private_editor, private_school, frozen):
    def run(data=None, file="applicants.csv", actor=None):
        return lotteries.save_lottery(actor or private_editor, private_school.id, 2026, dict(DRAW, **(data or {})),
                                      applicants_file=upload(file) if isinstance(file, str) else file)
    return run


@pytest.fixture
def committed(save_lottery, private_editor, reviewer):
    """The applicant list and seed commitment, published; returns the lottery."""
    revision = save_lottery()
    content.submit_revision(private_editor, revision.id)
    content.approve_revision(reviewer, revision.id)
    return lotteries.published_lottery(revision.object_id)


@pytest.fixture
def drawn(committed, private_editor, reviewer, frozen):
    frozen.move_to(AFTER_DRAW, tick=False)
    revision = lotteries.draw(private_editor, committed.id)
    content.approve_revision(reviewer, revision.id)
    return lotteries.published_lottery(committed.id)


@both_databases
def test_the_commitment_is_public_before_the_draw_and_the_seed_is_not(client, committed, db):
    seed = db.session.get(LotterySecret, committed.id).seed
    page = client.get(f"/lotteries/{committed.id}").get_data(as_text=True)
    assert committed.list_hash in page and committed.commitment in page and "开奖时公开" in page
    assert "M2026001" in page and "李*诺" in page and "李一诺" not in page
    assert seed not in page and seed not in client.get(f"/lotteries/{committed.id}.json").get_data(as_text=True)
    assert committed.commitment == lottery.commitment(seed)
    assert committed.list_hash == lottery.list_hash([f"M2026{i:03d}" for i in range(1, 41)])
    for revision in content.revisions_of(lotteries.LOTTERY, committed.id):
        assert seed not in json.dumps(revision.data)


def test_nobody_can_draw_before_the_announced_time(committed, private_editor):
    with pytest.raises(Conflict, match="还没到公布的摇号时间"):
        lotteries.draw(private_editor, committed.id)


def test_the_draw_is_published_after_review_and_verifies_everywhere(client, drawn, db, tmp_path, app):
    seed = db.session.get(LotterySecret, drawn.id).seed
    assert drawn.seed == seed and drawn.draw_order == lottery.draw([f"M2026{i:03d}" for i in range(1, 41)], seed)
    page = client.get(f"/lotteries/{drawn.id}").get_data(as_text=True)
    assert seed in page and page.count("✓") == 3 and "验证通过" in page
    assert page.count("<td>录取</td>") == 10 and page.count("<td>候补</td>") == 30
    document = client.get(f"/lotteries/{drawn.id}.json").get_json()
    assert lotteries.verify_document(document).ok
    path = tmp_path / "lottery.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    runner = app.test_cli_runner()
    assert runner.invoke(args=["lottery", "verify", str(drawn.id)]).exit_code == 0
    result = runner.invoke(args=["lottery", "verify", "--file", str(path), "--json"])
    assert result.exit_code == 0 and json.loads(result.output)["ok"] is True
    document["applications"][0] = "M2026999"  # a list changed after the commitment
    path.write_text(json.dumps(document), encoding="utf-8")
    result = runner.invoke(args=["lottery", "verify", "--file", str(path), "--json"])
    assert result.exit_code == 1 and json.loads(result.output)["list_matches"] is False


def test_anyone_can_verify_on_the_public_page(client, drawn):
    data = {"applications": "\n".join(a["no"] for a in drawn.applicants), "seed": drawn.seed,
            "list_hash": drawn.list_hash, "commitment": drawn.commitment, "order": "\n".join(drawn.draw_order)}
    assert "验证通过" in client.post("/lotteries/verify", data=data).get_data(as_text=True)
    swapped = drawn.draw_order[:]
    swapped[0], swapped[1] = swapped[1], swapped[0]
    page = client.post("/lotteries/verify", data=dict(data, order="\n".join(swapped))).get_data(as_text=True)
    assert "验证未通过" in page and "摇号顺序不能由名单和种子算出" in page


def test_the_downloaded_json_verifies_when_uploaded_and_a_changed_one_does_not(client, drawn):
    import io

    document = client.get(f"/lotteries/{drawn.id}.json").get_json()
    page = client.post("/lotteries/verify", data={"document": (io.BytesIO(json.dumps(document).encode()), "l.json")},
                       content_type="multipart/form-data")
    assert page.status_code == 200 and "验证通过" in page.get_data(as_text=True)
    document["applications"][0] = "M2026999"
    page = client.post("/lotteries/verify", data={"document": (io.BytesIO(json.dumps(document).encode()), "l.json")},
                       content_type="multipart/form-data").get_data(as_text=True)
    assert "验证未通过" in page and "申请名单与摇号前公示的哈希值不一致" in page


@pytest.mark.parametrize("raw, message", [(b"{not json", "不是有效的 JSON"), (b"[1, 2]", "不是摇号数据"),
                                          (b'{"seed": "x"}', "摇号数据不完整")])
def test_a_bad_uploaded_document_is_named(client, raw, message):
    import io

    page = client.post("/lotteries/verify", data={"document": (io.BytesIO(raw), "mine.json")},
                       content_type="multipart/form-data")
    assert page.status_code == 422 and message in page.get_data(as_text=True)


def test_the_verify_page_asks_for_every_missing_part(client):
    page = client.post("/lotteries/verify", data={"seed": "abc"})
    assert page.status_code == 422 and page.get_data(as_text=True).count("请上传摇号数据文件，或填写此项。") == 4


def test_a_seed_that_looks_like_a_phone_number_still_publishes(save_lottery, private_editor, reviewer, frozen,
                                                               monkeypatch):
    """The scanner reads what people wrote, not the hex digits the service computed (a random seed
    holds 11 digits in a row between letters about once in a hundred draws)."""
    seed = "a13912345678b" + "0" * 51
    monkeypatch.setattr(lottery, "new_seed", lambda: seed)
    revision = save_lottery()
    content.submit_revision(private_editor, revision.id)
    content.approve_revision(reviewer, revision.id)
    frozen.move_to(AFTER_DRAW, tick=False)
    drawn = lotteries.draw(private_editor, revision.object_id)
    content.approve_revision(reviewer, drawn.id)
    assert lotteries.published_lottery(revision.object_id).seed == seed


def test_the_list_cannot_change_once_committed(committed, save_lottery):
    with pytest.raises(Conflict, match="不能再修改"):
        save_lottery(file=raw("a.csv", "申请号\n" + "\n".join(f"X{i}" for i in range(20))))


def test_a_draw_tampered_with_before_approval_is_refused(committed, private_editor, reviewer, frozen, db):
    frozen.move_to(AFTER_DRAW, tick=False)
    revision = lotteries.draw(private_editor, committed.id)
    data = dict(revision.data)
    data["order"] = data["order"][::-1]  # someone reorders the result
    revision.data = data
    db.session.commit()
    with pytest.raises(Conflict, match="无法通过验证"):
        content.approve_revision(reviewer, revision.id)
    assert lotteries.published_lottery(committed.id).seed is None


def test_a_tampered_published_list_fails_verification(client, drawn, db):
    item = db.session.get(Lottery, drawn.id)
    item.applicants = [dict(a, no="M2026999") if a["no"] == "M2026001" else a for a in item.applicants]
    db.session.commit()
    page = client.get(f"/lotteries/{drawn.id}").get_data(as_text=True)
    assert "验证未通过" in page and "申请名单与摇号前公示的哈希值不一致" in page
    assert client.application.test_cli_runner().invoke(args=["lottery", "verify", str(drawn.id)]).exit_code == 1


def test_a_commitment_cannot_be_published_after_its_draw_time(save_lottery, private_editor, reviewer, frozen):
    revision = save_lottery()
    content.submit_revision(private_editor, revision.id)
    frozen.move_to(AFTER_DRAW, tick=False)
    with pytest.raises(Conflict, match="离摇号时间已不足 24 小时"):
        content.approve_revision(reviewer, revision.id)


@pytest.mark.parametrize("data, file, field", [
    ({"places": 40}, "applicants.csv", "places"),
    ({"draw_at": "2026-07-01T09:00"}, "applicants.csv", "draw_at"),
    ({"draw_at": "2026-07-11T09:00"}, "applicants.csv", "draw_at"),  # less than 24 hours' notice
    ({"public_until": "2026-07-14"}, "applicants.csv", "public_until"),
])
def test_bad_lottery_settings_are_named(save_lottery, data, file, field):
    with pytest.raises(Invalid) as info:
        save_lottery(data, file)
    assert info.value.detail["field"] == field


def test_a_bad_applicant_list_is_reported_by_line(save_lottery):
    with pytest.raises(Invalid) as info:
        save_lottery(file=raw("a.csv", "申请号,姓名\nA1,张三\nA1,李四\n,王五\nA 3,赵六\n"))
    assert [(line, column) for line, column, _ in info.value.detail["errors"]] == [
        (3, "申请号"), (4, "申请号"), (5, "申请号")]


def test_purge_keeps_hashes_commitment_and_seed(client, drawn, frozen):
    from enroll.results import expiry

    frozen.move_to("2026-08-16T00:00:00+08:00", tick=False)
    assert expiry.purge_expired().lotteries == [drawn.id]
    page = client.get(f"/lotteries/{drawn.id}").get_data(as_text=True)
    assert "M2026001" not in page and drawn.list_hash in page and drawn.seed in page and "已删除" in page
    for revision in content.revisions_of(lotteries.LOTTERY, drawn.id):
        assert revision.data["applicants"] == [] and revision.data["order"] == []


def test_the_seed_does_not_exist_while_the_list_can_still_change(save_lottery, private_editor, reviewer, db):
    revision = save_lottery()
    assert db.session.get(LotterySecret, revision.object_id) is None and revision.data["commitment"] == ""
    content.submit_revision(private_editor, revision.id)
    content.approve_revision(reviewer, revision.id)
    item = lotteries.published_lottery(revision.object_id)
    assert item.commitment == lottery.commitment(db.session.get(LotterySecret, item.id).seed)
    assert content.published_revision(lotteries.LOTTERY, item.id).data["commitment"] == item.commitment


def test_the_page_says_when_the_commitment_was_published(client, committed):
    page = client.get(f"/lotteries/{committed.id}").get_data(as_text=True)
    assert "名单和种子承诺公示于" in page and "2026-07-10 10:00" in page


def test_the_list_leaves_every_output_at_its_date_even_before_the_purge(client, drawn, frozen):
    frozen.move_to("2026-08-16T00:00:00+08:00", tick=False)
    page = client.get(f"/lotteries/{drawn.id}").get_data(as_text=True)
    assert "M2026001" not in page and "李*诺" not in page and drawn.seed in page
    for url in (f"/lotteries/{drawn.id}.json", f"/api/v1/lotteries/{drawn.id}"):
        document = client.get(url).get_json()
        assert document["applications"] == [] and document["order"] == [] and document["seed"] == drawn.seed


def test_numbers_with_white_space_inside_never_verify(drawn):
    numbers = [a["no"] for a in drawn.applicants]
    joined = [numbers[0] + "\n" + numbers[1]] + numbers[2:]  # hashes like the two numbers it hides
    assert not lotteries.verify_document({"applications": joined, "seed": drawn.seed, "list_hash": drawn.list_hash,
                                          "commitment": drawn.commitment, "order": drawn.draw_order}).list_matches


def test_a_deeply_nested_upload_is_refused_by_name(client):
    import io

    page = client.post("/lotteries/verify", data={"document": (io.BytesIO(b"[" * 100_000), "deep.json")},
                       content_type="multipart/form-data")
    assert page.status_code == 422 and "deep.json" in page.get_data(as_text=True)


def test_the_notice_is_checked_again_when_the_list_is_published(save_lottery, private_editor, reviewer, frozen):
    revision = save_lottery()  # 2026-07-10 10:00, draw 2026-07-15 09:00
    content.submit_revision(private_editor, revision.id)
    frozen.move_to("2026-07-14T10:00:00+08:00", tick=False)
    with pytest.raises(Conflict, match="不足 24 小时"):
        content.approve_revision(reviewer, revision.id)


def test_a_surrogate_in_an_uploaded_document_is_named_not_a_500(client):
    import io

    document = b'{"applications": ["A1"], "seed": "\\ud800", "list_hash": "x", "commitment": "y", "order": ["A1"]}'
    page = client.post("/lotteries/verify", data={"document": (io.BytesIO(document), "l.json")},
                       content_type="multipart/form-data")
    assert page.status_code == 422 and "无法识别的字符" in page.get_data(as_text=True)


def test_a_withdrawn_commitment_starts_again_with_a_new_seed_but_a_drawn_lottery_never(
        committed, save_lottery, private_editor, reviewer, db, frozen):
    first = committed.commitment
    content.withdraw_item(reviewer, lotteries.LOTTERY, committed.id, "名单有误")
    revision = save_lottery()
    content.submit_revision(private_editor, revision.id)
    content.approve_revision(reviewer, revision.id)
    again = lotteries.published_lottery(committed.id)
    assert again.version == 2 and again.commitment != first
    frozen.move_to(AFTER_DRAW, tick=False)
    content.approve_revision(reviewer, lotteries.draw(private_editor, again.id).id)
    content.withdraw_item(reviewer, lotteries.LOTTERY, again.id, "撤下")
    with pytest.raises(Conflict):
        save_lottery()
