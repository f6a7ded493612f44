"""The results API: only published results answer, names are masked, lists disappear with their date."""
from __future__ import annotations

from support import both_databases
from enroll.results import expiry
from enroll.review import content


@both_databases
def test_a_draft_is_invisible_and_a_published_result_answers_with_ratios(client, save, school_editor, reviewer,
                                                                         public_school):
    revision = save()
    content.submit_revision(school_editor, revision.id)
    url = f"/api/v1/schools/{public_school.id}/results/2026"
    assert client.get(url).status_code == 404
    assert client.get("/api/v1/districts/990101/results/2026").status_code == 404
    content.approve_revision(reviewer, revision.id)
    body = client.get(url).get_json()
    assert body["school"]["name"] == "青溪区文澜小学" and body["year"] == 2026 and body["version"] == 1
    in_zone = next(r for r in body["routes"] if r["route"] == "in_zone")
    assert in_zone["ratio"] == round(in_zone["applicants"] / in_zone["places"], 4)
    assert body["totals"]["applicants"] == sum(r["applicants"] for r in body["routes"])


def test_the_list_is_masked_no_store_and_gone_after_its_date(client, published, public_school, frozen):
    published()
    url = f"/api/v1/schools/{public_school.id}/results/2026"
    response = client.get(url)
    body = response.get_json()
    assert response.headers["Cache-Control"] == "no-store"
    assert body["list"]["public"] is True and body["list"]["public_until"] == "2026-07-31"
    names = [e["name"] for e in body["list"]["entries"]]
    assert names == ["张*明", "欧阳**", "李*", "买**·艾*"]
    assert not any(full in response.get_data(as_text=True) for full in ("张小明", "欧阳娜娜", "李四", "买买提", "2019-"))
    assert all(set(e) == {"no", "name", "route", "outcome", "rank"} for e in body["list"]["entries"])
    frozen.move_to("2026-08-01T00:00:00+08:00", tick=False)
    expiry.purge_expired()
    body = client.get(url).get_json()
    assert body["list"] == {"public": False, "public_until": None, "entries": []} and body["routes"]


def test_the_district_lists_every_school_with_null_for_those_not_yet_published(client, published, public_school):
    published()
    body = client.get("/api/v1/districts/990101/results/2026").get_json()
    assert body["district"] == {"code": "990101", "name": "青溪区"}
    posted = [s for s in body["schools"] if s["totals"] is not None]
    assert [s["school"]["id"] for s in posted] == [public_school.id]
    assert len(body["schools"]) > 1 and all(s["totals"] is None for s in body["schools"] if s not in posted)


def test_unknown_results_answer_json_404(client):
    response = client.get("/api/v1/schools/1/results/2031")
    assert response.status_code == 404 and response.get_json()["error"]["status"] == 404
