"""Results lists and notes: an ID number or mobile in any column or note, however written, is refused."""
from __future__ import annotations

import pytest

from results_data import raw
from support import with_check_digit
from enroll.core.errors import Invalid


CHILD_ID = with_check_digit("33010620150607123")  # synthetic: a child born 2015-06-07
DOTTED = ".".join([CHILD_ID[:6], CHILD_ID[6:14], CHILD_ID[14:]])


def test_an_id_number_with_dots_in_the_application_number_column_is_refused_naming_the_column(save):
    listing = raw("list.csv", f"申请号,姓名,途径,结果\nQ2026-0001,张小明,随迁子女,录取\n{DOTTED},欧阳娜娜,随迁子女,录取\n")
    with pytest.raises(Invalid) as info:
        save(list_file=listing)
    [(line, column, message)] = info.value.detail["errors"]
    assert (line, column) == (3, "申请号") and "身份证号码" in str(message)
    assert CHILD_ID not in str(info.value.message) + str(message) and DOTTED not in str(message)


@pytest.mark.parametrize("data, field", [
    ({"notes": "如有疑问请联系 138–1234–5678"}, "notes"),
    ({"notes": f"已核对 {CHILD_ID[:9]}\u200b{CHILD_ID[9:]} 的材料"}, "notes"),
])
def test_results_notes_with_personal_data_are_refused(save, data, field):
    with pytest.raises(Invalid) as info:
        save(list_file=None, **data)
    assert info.value.detail["field"] == field and "1234" not in str(info.value.message)


def test_a_route_note_with_a_mobile_is_refused_naming_the_routes(save):
    routes = raw("r.csv", "途径,报名人数,计划数,录取人数,说明\n片区内户籍/房产,10,10,10,\n随迁子女,64,30,30,联系 138.1234.5678\n")
    with pytest.raises(Invalid) as info:
        save(routes=routes, list_file=None)
    errors = info.value.detail["errors"]
    assert [(line, column) for line, column, _ in errors] == [(3, "说明")]

