"""The password policy: common, patterned and account-derived passwords are refused, saying why."""
from __future__ import annotations

import pytest

from support import PASSWORD

from enroll.accounts.passwords import CONTEXT, REASONS, TOO_WEAK, PasswordPolicy, password_problem

WHY = dict(REASONS)
ACCOUNT = ("wangli", "王丽", "青溪区", "990101", "青溪区实验小学")


@pytest.mark.parametrize("password, reason", [
    ("aaaaaaaaaa", "repeat"),                   # the attacker's test
    ("wangli", None),                           # too short before anything else
    ("wangliwangli", "user_inputs"),            # the username
    ("Wangli2026!", "user_inputs"),             # the username with a year and a symbol
    ("ilgnaw-ilgnaw", "user_inputs"),           # reversed
    ("青溪区实验小学2026", "user_inputs"),         # the school's name
    ("990101990101", "user_inputs"),            # the district's code
    ("义务教育招生信息公开1", "user_inputs"),        # the site's name
    ("password123", "passwords"),
    ("1qaz2wsx3edc", "passwords"),
    ("abcdefghijkl", "sequence"),
    ("zxcvbnm,./", "spatial"),
    ("1987-06-15!", "date"),
])
def test_weak_passwords_are_refused_with_the_reason(app, password, reason):
    problem = password_problem(password, ACCOUNT)
    if reason is None:
        assert "至少需要 10 个字符" in str(problem)
    else:
        assert problem is (CONTEXT if reason == "user_inputs" else WHY[reason]), str(problem)


@pytest.mark.parametrize("password", [PASSWORD, "demo-lantern-river", "tea kettle under 9 bridges",
                                      "wangli-ferry-orchid-lamp"])  # the username, but strong without it
def test_strong_passwords_pass(app, password):
    assert password_problem(password, ACCOUNT) is None


def test_the_configured_site_name_and_owner_count_as_the_accounts_words(app):
    policy = PasswordPolicy.from_config({"SITE_NAME": "江城招生", "SITE_OWNER": "Jiangcheng Education Bureau"})
    assert password_problem("jiangcheng-2026", ACCOUNT, policy) is CONTEXT
    assert password_problem("江城招生江城招生2026", ACCOUNT, policy) is CONTEXT
    assert password_problem("jiangcheng-2026", ACCOUNT) is None  # another site's name is just a word


def test_the_reasons_are_translated(app):
    from flask_babel import force_locale

    with app.test_request_context(), force_locale("en"):
        assert "username" in str(CONTEXT) and "guess" in str(TOO_WEAK)
        assert all(str(message) and not any("\u4e00" <= c <= "\u9fff" for c in str(message))
                   for _, message in REASONS)


def test_creating_a_user_with_a_weak_password_is_refused_with_the_reason(app, admin, district):
    from enroll.accounts.services import create_user
    from enroll.core.errors import Invalid

    with pytest.raises(Invalid) as weak:
        create_user(admin, "li", "district_editor", "aaaaaaaaaa", district_code="990101")
    assert "重复的字符" in str(weak.value.message) and weak.value.detail["field"] == "password"
    with pytest.raises(Invalid) as same:
        create_user(admin, "lisi-editor", "district_editor", "lisi-editor", district_code="990101")
    assert same.value.message is CONTEXT


def test_the_cli_refuses_a_weak_password_saying_why(app, admin):
    result = app.test_cli_runner().invoke(args=["users", "create", "zhangsan", "--role", "auditor", "--as", "admin"],
                                          input="zhangsan123\nzhangsan123\n")
    assert result.exit_code == 1 and "与账户有关的词" in result.output
