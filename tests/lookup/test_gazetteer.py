"""The gazetteer at scale: a streamed, batched, all-or-nothing import whose memory does not grow with the
file; nearest door numbers from two index walks, answering as the old abs() ordering did; and find_point
and nearest_numbers reading through indexes only."""
from __future__ import annotations

import random
import re
import tracemalloc

import pytest
from sqlalchemy import event, func, select
from support import both_databases

from enroll.core.errors import Invalid
from enroll.extensions import db as _db
from enroll.lookup import gazetteer
from enroll.lookup.gazetteer import find_point, import_addresses, nearest_numbers
from enroll.lookup.models import Address
from enroll.review.models import AuditEvent

INSIDE = "120.2,30.23"  # a point in the demo district


def write(tmp_path, lines: list[str], name: str = "a.csv", encoding: str = "utf-8"):
    path = tmp_path / name
    path.write_bytes(("\n".join(["address,lon,lat", *lines]) + "\n").encode(encoding))
    return path


def stored(db) -> list[tuple]:
    return db.session.execute(select(Address.address, Address.normalized, Address.road, Address.number,
                                     Address.lane_number, Address.estate, Address.building, Address.village,
                                     Address.group_no, Address.point).order_by(Address.id)).all()


@pytest.fixture
def small_batches(monkeypatch):
    monkeypatch.setattr(gazetteer, "BATCH_ROWS", 3)


# -- the import -------------------------------------------------------------------------------------------

@both_databases
def test_a_file_of_many_batches_is_stored_row_by_row_as_parsed(app, db, editor, tmp_path, small_batches):
    lines = [f"文澜路{n}号,{120.15 + n / 1000:.6f},30.23" for n in range(1, 9)]
    lines += ["学院路12弄3号,120.16,30.24", "幸福小区5栋,120.17,30.25", "红星村3村民小组12号,120.18,30.26"]
    assert import_addresses(editor, "990101", write(tmp_path, lines)) == 11
    rows = stored(db)
    district = gazetteer.get_district("990101")
    assert [r.address for r in rows] == [line.split(",")[0] for line in lines]  # in file order
    for row, line in zip(rows, lines):
        parsed = gazetteer._parsed(row.address, district)
        assert {k: getattr(row, k) for k in parsed} == parsed
        assert (row.point.x, row.point.y) == pytest.approx(tuple(map(float, line.split(",")[1:])))
    assert (rows[8].road, rows[8].number, rows[8].lane_number) == ("学院路", 12, 3)
    assert (rows[10].village, rows[10].group_no) == ("红星村", 3)
    assert find_point(district, gazetteer.parse_address("文澜路3号")) == pytest.approx((120.153, 30.23))


@both_databases
def test_a_bad_line_in_a_later_batch_writes_nothing_and_the_old_gazetteer_stays(app, db, editor, tmp_path,
                                                                               small_batches):
    import_addresses(editor, "990101", write(tmp_path, ["旧路1号," + INSIDE], "old.csv"))
    lines = [f"文澜路{n}号," + INSIDE for n in range(1, 8)]
    lines[5] = "文澜路6号,116.4,39.9"  # line 7: outside the district, in the second batch
    with pytest.raises(Invalid) as raised:
        import_addresses(editor, "990101", write(tmp_path, lines))
    assert raised.value.detail["errors"] == [(7, "lon/lat", raised.value.detail["errors"][0][2])]
    assert "不在本区" in str(raised.value.detail["errors"][0][2])
    assert [r.address for r in stored(db)] == ["旧路1号"]
    assert db.session.scalar(select(func.count()).select_from(AuditEvent)
                             .where(AuditEvent.action == "addresses.import")) == 1


def test_errors_name_every_bad_line_and_field_in_line_order(app, editor, tmp_path, small_batches):
    lines = ["文澜路1号,116.4,39.9",      # 2: outside (found after the batch's other checks)
             "文澜路2号,abc,30.2",        # 3
             ",120.2,30.23",             # 4
             "文澜路4号,200,30.2",         # 5
             "文澜路5号," + INSIDE,
             "文澜路6号,120.2"]           # 7: no latitude
    with pytest.raises(Invalid) as raised:
        import_addresses(editor, "990101", write(tmp_path, lines))
    assert [(line, field) for line, field, _ in raised.value.detail["errors"]] == [
        (2, "lon/lat"), (3, "lon/lat"), (4, "address"), (5, "lon/lat"), (7, "lon/lat")]
    assert "5" in str(raised.value.message)


def test_lines_are_the_files_own_past_blank_lines_and_quoted_line_breaks(app, editor, tmp_path):
    path = tmp_path / "a.csv"
    path.write_text(f'address,lon,lat\n"文澜路\n1号",{INSIDE}\n\n文澜路2号,x,30.2\n', encoding="utf-8")
    with pytest.raises(Invalid) as raised:
        import_addresses(editor, "990101", path)
    assert [line for line, _, _ in raised.value.detail["errors"]] == [5]


def test_a_file_of_bad_lines_lists_the_first_ones_and_counts_them_all(app, editor, tmp_path, monkeypatch):
    monkeypatch.setattr(gazetteer, "MAX_LISTED_ERRORS", 2)
    with pytest.raises(Invalid) as raised:
        import_addresses(editor, "990101", write(tmp_path, [f"文澜路{n}号,x,y" for n in range(5)]))
    assert [line for line, _, _ in raised.value.detail["errors"]] == [2, 3]
    assert "5" in str(raised.value.message)


def test_a_header_alone_is_a_file_without_addresses(app, editor, tmp_path):
    with pytest.raises(Invalid) as raised:
        import_addresses(editor, "990101", write(tmp_path, []))
    assert raised.value.detail["errors"][0][:2] == (1, "")


def test_gbk_files_are_read_and_undecodable_ones_refused(app, db, editor, tmp_path):
    assert import_addresses(editor, "990101", write(tmp_path, ["文澜路1号," + INSIDE], encoding="gbk")) == 1
    assert stored(db)[0].road == "文澜路"
    path = tmp_path / "bad.csv"
    path.write_bytes(b"address,lon,lat\n\x81\x30," + INSIDE.encode() + b"\n")
    with pytest.raises(Invalid) as raised:
        import_addresses(editor, "990101", path)
    assert raised.value.detail["code"] == "encoding" and "17" in str(raised.value.message)


def test_the_encoding_is_decided_on_the_whole_file_as_decode_upload_does(tmp_path):
    """UTF-8 up to far into the file, GBK later: GB18030 for all of it, as before the import streamed."""
    from enroll.core.text import decode_upload, upload_encoding

    path = tmp_path / "late.csv"
    raw = b"address,lon,lat\n" + b"abc,1,2\n" * 1000 + "文澜路1号,1,2\n".encode("gbk")
    path.write_bytes(raw)
    assert upload_encoding(path, chunk_size=64) == "gb18030"
    assert decode_upload(raw) == raw.decode("gb18030")
    for bad in range(len(raw) - 30, len(raw)):  # where exactly, across chunk boundaries
        spoiled = raw[:bad] + b"\xff" + raw[bad:]
        path.write_bytes(spoiled)
        with pytest.raises(UnicodeDecodeError) as raised:
            upload_encoding(path, chunk_size=7)
        with pytest.raises(UnicodeDecodeError) as whole:
            spoiled.decode("gb18030")
        assert raised.value.start == whole.value.start


def test_the_import_leaves_sqlites_page_cache_as_it_found_it(app, db, editor, tmp_path):
    def cache_size():
        return db.session.connection().exec_driver_sql("PRAGMA cache_size").scalar()

    before = cache_size()
    import_addresses(editor, "990101", write(tmp_path, ["文澜路1号," + INSIDE]))
    assert cache_size() == before
    with pytest.raises(Invalid):
        import_addresses(editor, "990101", write(tmp_path, ["文澜路1号,x,y"]))
    assert cache_size() == before


def test_memory_does_not_grow_with_the_file(app, editor, tmp_path, monkeypatch):
    """Ten times the rows, about the same peak of Python memory: only a batch is ever held (holding every
    row, as the import once did, took 22 MB more for the larger file)."""
    monkeypatch.setattr(gazetteer, "BATCH_ROWS", 200)

    def peak(rows: int) -> int:
        path = write(tmp_path, [f"文澜路{n}号,{120.15 + n / 1e6:.6f},30.23" for n in range(rows)], f"{rows}.csv")
        tracemalloc.start()
        try:
            import_addresses(editor, "990101", path)
            return tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()

    small, large = peak(1000), peak(10000)
    assert large - small < 1_000_000, (small, large)


# -- nearest door numbers ---------------------------------------------------------------------------------

def old_nearest_numbers(district, road, number, limit=4):
    """The definition before the index walks: every door of the road ordered by distance. SQL leaves the
    order of ties open; both databases gave the lower number, which is now the rule, so it is spelled out."""
    query = select(Address.number).where(Address.district_id == district.id, Address.road == road,
                                         Address.number.is_not(None)).group_by(Address.number)
    if number is not None:
        query = query.order_by(func.abs(Address.number - number), Address.number)
    else:
        query = query.order_by(Address.number)
    return sorted(_db.session.scalars(query.limit(limit)))


@both_databases
def test_nearest_numbers_answer_as_the_old_definition(app, editor, tmp_path):
    rng = random.Random(15)
    evens = rng.sample(range(0, 300, 2), 90)  # an odd number between two of them is a tie
    odds = rng.sample(range(1, 300, 2), 30)
    lines = [f"和平路{n}号,{INSIDE}" for n in evens + odds]
    lines += [f"和平路{n}号,{INSIDE}" for n in rng.sample(evens, 20)]           # the same door twice
    lines += [f"和平路{n}弄{k}号,{INSIDE}" for n in odds[:20] for k in (1, 2, 3)]  # lanes: their number is the lane's
    lines += [f"和平西路{n}号,{INSIDE}" for n in range(0, 300, 7)]               # another road
    lines += [f"幸福小区{n}幢,{INSIDE}" for n in range(1, 20)]                    # no road
    import_addresses(editor, "990101", write(tmp_path, lines))
    district = gazetteer.get_district("990101")
    for road in ("和平路", "和平西路", "无此路"):
        for limit in (1, 2, 4, 7):
            assert nearest_numbers(district, road, None, limit) == old_nearest_numbers(district, road, None, limit)
            for number in range(-2, 305):
                assert nearest_numbers(district, road, number, limit) == \
                    old_nearest_numbers(district, road, number, limit), (road, number, limit)


def test_a_tie_goes_to_the_lower_number(app, editor, tmp_path):
    import_addresses(editor, "990101", write(tmp_path, [f"和平路{n}号,{INSIDE}" for n in (2, 4, 6, 8)]))
    district = gazetteer.get_district("990101")
    assert nearest_numbers(district, "和平路", 5, 1) == [4]
    assert nearest_numbers(district, "和平路", 5, 3) == [2, 4, 6]


# -- indexes ----------------------------------------------------------------------------------------------

def plans(db, statements) -> list[str]:
    cursor = db.engine.raw_connection().cursor()
    return ["\n".join(row[-1] for row in cursor.execute("EXPLAIN QUERY PLAN " + sql, params))
            for sql, params in statements]


def test_find_point_and_nearest_numbers_read_through_indexes(app, db, editor, tmp_path, monkeypatch):
    import_addresses(editor, "990101", write(tmp_path, [
        f"文澜路1号,{INSIDE}", f"幸福小区3幢,{INSIDE}", f"红星村3组12号,{INSIDE}"]))
    district = gazetteer.get_district("990101")
    statements = []
    read_scalar = gazetteer.read_scalar

    def recorded(sql, *params):  # the exact text's read: a plain DBAPI query
        statements.append((sql, params))
        return read_scalar(sql, *params)

    def listener(conn, cursor, sql, params, context, many):
        statements.append((sql, params))

    monkeypatch.setattr(gazetteer, "read_scalar", recorded)
    event.listen(db.engine, "before_cursor_execute", listener)
    try:
        for text in ("文澜路1号", "文澜路1号甲", "幸福小区3幢甲", "幸福小区", "红星村3组X", "红星村"):
            find_point(district, gazetteer.parse_address(text))
        nearest_numbers(district, "文澜路", 5)
        nearest_numbers(district, "文澜路", None)
    finally:
        event.remove(db.engine, "before_cursor_execute", listener)
    found = [plan for plan in plans(db, statements) if "addresses" in plan]
    assert len(found) == 6 + 5 + 2  # six exact reads, five fallbacks (the first text is exact), two walks
    for plan in found:  # an index on the district alone would be a scan of the district
        assert re.search(r"SEARCH addresses USING (COVERING )?INDEX \w+ \(district_id=\? AND \w+", plan), plan
        assert "SCAN addresses" not in plan, plan
