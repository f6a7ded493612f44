"""Generate the demo district's admission results, one list and one lottery (fictional, CC0).

    .venv/bin/python gis_data/make_results.py

Writes gis_data/demo/results.csv (every school, 2024-2026, by route), results_list_2026.csv (the
migrant-children route of 青溪区文澜小学) and lottery_applicants_2026.csv (青溪区育才外国语小学（民办）).
Byte-for-byte reproducible: the random seed is fixed; standard library only.
"""
from __future__ import annotations

import csv
import io
import random
from datetime import date, timedelta
from pathlib import Path

DEMO = Path(__file__).resolve().parent / "demo"
SEED = 20260701
YEARS = (2024, 2025, 2026)
LIST_SCHOOL = "青溪区文澜小学"
LOTTERY_SCHOOL = "青溪区育才外国语小学（民办）"
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程苏魏吕丁任沈姚卢"
GIVEN = "子涵一诺浩然欣怡梓萱宇轩思远雨桐俊杰嘉怡若汐沐辰诗琪明轩雅琳晨曦天佑语嫣梓豪可馨"


def _write(name: str, header: list[str], rows: list[list]) -> None:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    (DEMO / name).write_text(out.getvalue(), encoding="utf-8")


def _name(rng: random.Random) -> str:
    surname = "欧阳" if rng.random() < 0.03 else rng.choice(SURNAMES)
    length = rng.choice((1, 2, 2, 2))
    return surname + "".join(rng.choice(GIVEN[i * 2:i * 2 + 2]) for i in rng.sample(range(len(GIVEN) // 2), length))


def results(rng: random.Random) -> list[list]:
    """(school, year, route, applicants, places, admitted, note): public schools admit by zone first."""
    with (DEMO / "schools.csv").open(encoding="utf-8") as fh:
        schools = list(csv.DictReader(fh))
    with (DEMO / "enrollment_plans.csv").open(encoding="utf-8") as fh:
        places_2026 = {row["school"]: int(row["places"]) for row in csv.DictReader(fh)}
    rows = []
    for school in schools:
        name = school["name"]
        for year in YEARS:
            places = round(places_2026.get(name, 180) * (1 - 0.05 * (2026 - year)))
            if school["kind"] == "private":
                applicants = round(places * rng.uniform(1.6, 3.2) * (1 + 0.1 * (year - 2024)))
                rows.append([name, year, "电脑派位/摇号", applicants, places, places,
                             "报名人数超过计划，电脑随机录取（摇号）"])
                continue
            in_zone = round(places * rng.uniform(0.72, 0.9))
            zone_applicants = in_zone + rng.randint(0, 6)
            migrant_places = places - in_zone - 4
            migrant_applicants = round(migrant_places * rng.uniform(0.8, 2.4))
            migrant_admitted = min(migrant_places, migrant_applicants)
            rows.append([name, year, "片区内户籍/房产", zone_applicants, in_zone, zone_applicants,
                         "片区内适龄儿童全部录取" if zone_applicants > in_zone else ""])
            rows.append([name, year, "随迁子女", migrant_applicants, migrant_places, migrant_admitted,
                         "按积分从高到低录取" if migrant_applicants > migrant_places else ""])
            rows.append([name, year, "政策性照顾", 4, 4, 4, ""])
    return rows


def migrant_list(rng: random.Random, rows: list[list]) -> list[list]:
    """The 2026 migrant-children route of LIST_SCHOOL: admitted by points, then a waiting list."""
    route = next(r for r in rows if r[0] == LIST_SCHOOL and r[1] == 2026 and r[2] == "随迁子女")
    applicants, admitted = route[3], route[5]
    out = []
    for i in range(applicants):
        born = date(2019, 9, 1) + timedelta(days=rng.randint(0, 364))
        outcome, rank = ("录取", i + 1) if i < admitted else ("候补", i - admitted + 1)
        out.append([f"S2026{i + 1:04d}", _name(rng), "随迁子女", outcome, rank, born.isoformat()])
    return out


def lottery_applicants(rng: random.Random, rows: list[list]) -> list[list]:
    route = next(r for r in rows if r[0] == LOTTERY_SCHOOL and r[1] == 2026)
    return [[f"Y2026{i + 1:04d}", _name(rng)] for i in range(route[3])]


def main() -> None:
    rng = random.Random(SEED)
    rows = results(rng)
    _write("results.csv", ["学校", "年度", "途径", "报名人数", "计划数", "录取人数", "说明"], rows)
    _write("results_list_2026.csv", ["申请号", "姓名", "途径", "结果", "序号", "出生日期"], migrant_list(rng, rows))
    _write("lottery_applicants_2026.csv", ["申请号", "姓名"], lottery_applicants(rng, rows))
    print(f"{len(rows)} result rows")


if __name__ == "__main__":
    main()
