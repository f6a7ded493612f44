"""Masking children's names, and finding ID numbers, mobiles and e-mails wherever they are."""
from __future__ import annotations

import pytest

from enroll.core.privacy import contains_personal_data, find_personal_data, mask_name


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
