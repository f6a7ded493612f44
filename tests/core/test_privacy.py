"""Masking children's names, and finding ID numbers, mobiles and e-mails wherever they are."""
from __future__ import annotations

import pytest

from enroll.core.privacy import contains_personal_data, find_in_text, find_personal_data, mask_name


@pytest.mark.parametrize("name, masked", [
    ("张三", "张*"), ("张小明", "张*明"), ("王小明明", "王**明"), ("欧阳小明", "欧阳**"), ("欧阳明", "欧阳*"),
    ("司马相如", "司马**"), ("诸葛亮", "诸葛*"), ("欧阳", "欧*"), ("张", "张"), (" 李四 ", "李*"),
    ("买买提·艾力", "买**·艾*"), ("Ali Hassan", "A** H*****"), ("", ""), (None, ""),
    # spaces, line breaks and dots inside a Chinese name (Excel exports, full-width spaces) hide nothing
    ("张　三", "张*"), ("王 小 明", "王*明"), ("张\n三", "张*"), ("张.三", "张·*"), ("张·三", "张·*"),
    ("Ｌｉ Ｌｅｉ", "L* L**"), ("J Smith", "J S****"), ("Ali B", "A** *"),
    # invisible characters and any other separator (・ ‧ - _ /) hide nothing either
    ("张\u200b三", "张*"), ("\ufeff李四", "李*"), ("张\xad三", "张*"), ("张・三", "张·*"), ("张‧三", "张·*"),
    ("张-三", "张·*"), ("张_三", "张·*"), ("张/三", "张·*"),
])
def test_mask_name(name, masked):
    assert mask_name(name) == masked


@pytest.mark.parametrize("name", ["张三", "张小明", "王小明明", "欧阳小明", "司马相如如", "上官婉儿", "李四五六七"])
def test_at_most_two_characters_of_a_chinese_name_show(name):
    masked = mask_name(name)
    assert len(masked) == len(name) and masked[0] == name[0]
    assert sum(ch != "*" for ch in masked) <= 2


ID = "11010520120304201X"


@pytest.mark.parametrize("cell, kind", [
    (ID, "id_number"), (f"身份证{ID}号", "id_number"), ("110105201203042017", "id_number"),
    ("13812345678", "mobile"), ("+86 138-1234-5678", "mobile"), ("电话：15900001111", "mobile"),
    ("zhang@example.cn", "email"), ("联系 li.si+a@mail.qq.com", "email"),
    # inside longer runs (a birth date where an ID number has it), full-width digits and ＠
    ("110101201501011233A", "id_number"), ("0110101201501011233", "id_number"), ("Q110101201501011233", "id_number"),
    ("3201 0220 1509 0100 11", "id_number"), ("320102-20150901-0011", "id_number"),
    ("１１０１０５２０１２０３０４２０１Ｘ", "id_number"), ("１３８１２３４５６７８", "mobile"), ("a＠b.cn", "email"),
])
def test_personal_data_is_found_in_any_cell(cell, kind):
    found = find_personal_data([["A20260001", "张*", cell]], ["申请号", "姓名", "备注"])
    assert [(f.line, f.column, f.kind) for f in found] == [(2, "备注", kind)]


@pytest.mark.parametrize("cell", ["A20260001", "2026", "12345678901234567", "1234567890123456789", "张*明",
                                  # 18-digit application numbers without a birth date where an ID has one
                                  "202632010200000123", "320102202600000123", "2026-07-15T09:00:00+08:00",
                                  "0000-86000000", "23812345678", "1381234567", "138123456789"])
def test_ordinary_values_are_not_mistaken_for_personal_data(cell):
    assert find_personal_data([[cell]], ["x"]) == []


def test_free_text_is_checked_too():
    assert contains_personal_data(f"家长电话 13812345678，身份证 {ID}") == ["id_number", "mobile"]
    assert contains_personal_data("报名人数超过计划时摇号") == []


@pytest.mark.parametrize("name", ["张三", "张小明", "欧阳娜娜", "买买提·艾力", "张·三", "Ali Hassan", "J Smith", "张"])
def test_masking_twice_changes_nothing(name):
    assert mask_name(mask_name(name)) == mask_name(name)


# --- the one scanner for every published text: obfuscations, 15-digit IDs, mobiles in groups ----------

def with_check_digit(first17: str) -> str:
    """A synthetic ID number: 17 digits and the GB 11643 check digit they call for."""
    weights = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
    return first17 + "10X98765432"[sum(int(d) * w for d, w in zip(first17, weights)) % 11]


SYNTHETIC = with_check_digit("33010620150607123")  # a child born 2015-06-07
OLD_ID = "330106750607123"                          # the 15-digit form: born 1975-06-07


def pieces(number: str, separator: str, *sizes: int) -> str:
    out, at = [], 0
    for size in sizes:
        out.append(number[at:at + size])
        at += size
    return separator.join(out + ([number[at:]] if at < len(number) else []))


@pytest.mark.parametrize("text, kind, masked", [
    (pieces(SYNTHETIC, "_", 6, 8), "id_number", SYNTHETIC[:3] + "*" * 13 + SYNTHETIC[-2:]),
    (pieces(SYNTHETIC, ".", 4, 4, 4, 4), "id_number", None), (pieces(SYNTHETIC, "/", 6, 8), "id_number", None),
    (pieces(SYNTHETIC, "–", 6, 8), "id_number", None), (pieces(SYNTHETIC, "—", 6, 8), "id_number", None),
    (pieces(SYNTHETIC, "--", 6, 8), "id_number", None), (pieces(SYNTHETIC, " - ", 6, 8), "id_number", None),
    (pieces(SYNTHETIC, "\u200b", 3, 3, 3, 3), "id_number", None), (pieces(SYNTHETIC, "\ufeff", 9), "id_number", None),
    (pieces(SYNTHETIC, "\u2060", 9), "id_number", None), (pieces(SYNTHETIC, "\xad", 9), "id_number", None),
    (pieces(SYNTHETIC, "\n", 9), "id_number", None), (pieces(SYNTHETIC, "\r\n", 6, 8), "id_number", None),
    (f"申请人身份证：{pieces(SYNTHETIC, ' ', 6, 8)}。", "id_number", None),
    (SYNTHETIC.translate(str.maketrans("0123456789", "０１２３４５６７８９")), "id_number", None),
    (OLD_ID, "id_number", "330**********23"), (pieces(OLD_ID, " ", 6, 6), "id_number", None),
    (f"旧身份证 {pieces(OLD_ID, '-', 6, 6)}", "id_number", None),
    ("138.1234.5678", "mobile", "138******78"), ("138_1234_5678", "mobile", None), ("138/1234/5678", "mobile", None),
    ("138–1234–5678", "mobile", None), ("138--1234--5678", "mobile", None), ("1381 234 5678", "mobile", None),
    ("138\n1234\n5678", "mobile", None), ("138\u200b1234\u200b5678", "mobile", None), ("1 3 8 1 2 3 4 5 6 7 8", "mobile", None),
    ("+86 138 1234 5678", "mobile", None), ("0086-138-1234-5678", "mobile", None), ("+8613812345678", "mobile", None),
    ("（+86）19912345678", "mobile", None), ("电话 0571-8888 8888 或 138 1234 5678", "mobile", None),
    ("zhang at example dot com", "email", "z***@example.com"), ("zhang(at)example.com", "email", None),
    ("zhang＠example．com", "email", None), ("zhang [at] example [dot] cn", "email", None),
    ("zhang AT example DOT com", "email", None), ("zhang艾特163点com", "email", None), ("zhang圈a163.com", "email", None),
    ("zhang @ qq . com", "email", None), ("z\u200bhang@qq.com", "email", None),
])
def test_personal_data_is_found_however_it_is_written(text, kind, masked):
    found = find_in_text(text)
    assert [f.kind for f in found] == [kind]
    if masked is not None:
        assert found[0].masked == masked


@pytest.mark.parametrize("text", [
    "2026-07-15", "2026.07.15", "2026/7/15", "2026年7月15日", "2026.07.15–2026.08.31", "2026-07-15 09:00",
    "2025 2026 2027", "1-117号", "文澜路 1-117 号（单号）", "1–117号、2–88号", "0571-8888 8888", "0571-88888888",
    "(010)6512 3456", "010-6512-3456", "0571 8600 0000 转 2", "12345", "12345 转 2", "400-123-4567", "95105",
    "学校标识码 3133001234", "3133001234", "¥13,800.00", "12000.00元", "13800 元", "计划 135 人，报名 1200 人",
    "招生 8 个班 360 人", "第1-3项 5.2.1 条", "see details at www.example.gov.cn", "310115000123456",
    "202632010200000123", "A2026-0001", "Q2026-0003", "8点30分在学校点名", "zsb@jyj.example.gov.cn",
])
def test_what_is_published_on_purpose_is_not_mistaken_for_personal_data(text):
    assert [f for f in find_in_text(text) if not f.office] == []


def test_where_it_is_is_told_in_the_text_as_given_and_the_value_only_masked():
    text = "第一行\n家长：１３８.1234.5678"
    [found] = find_in_text(text)
    assert (found.line, found.column, text[found.start:found.end]) == (2, 4, "１３８.1234.5678")
    assert "1234" not in found.masked


def test_on_a_page_spaces_part_table_cells_but_punctuation_still_joins():
    assert find_in_text("135 1200 3000", laid_out=True) == []
    assert [f.kind for f in find_in_text("138-1234-5678", laid_out=True)] == ["mobile"]
    assert [f.kind for f in find_in_text(pieces(SYNTHETIC, " ", 6, 8), laid_out=True)] == ["id_number"]
