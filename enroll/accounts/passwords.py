"""The password policy: long enough, and hard to guess: not a common password, not a pattern (repeats,
sequences, keyboard rows, dates), and not made of what is known about the account (its username and
name, its district and school, the site's name and owner).

Strength is zxcvbn's estimate of the guesses an attacker needs (Dropbox's estimator: common passwords,
names and words, keyboard patterns, repeats, sequences, dates, l33t spellings, reversed words), with
the account's own words as one more dictionary. A password that contains one of those words must be
strong without it: what is left once they are taken out is judged as a password of its own.
"""
from __future__ import annotations

import re
import threading
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from enroll.core.i18n import _l

# the site's default name (as shown untranslated) and the software's: in every account's words
SITE_WORDS = ("义务教育招生信息公开", "enroll")
ZXCVBN_MAX = 72  # zxcvbn refuses longer input; the rest of a longer password only makes it stronger
_zxcvbn = threading.Lock()  # zxcvbn keeps the words of the account being checked in a module-level dict

CONTEXT = _l("密码不能由用户名、姓名、所属区县或学校名称、网站名称等与账户有关的词构成；去掉这些词后，余下的部分本身也要是一个足够长、难以猜中的密码。")
# (kind of weakness zxcvbn found, why it is weak), the first found is the one explained
REASONS = (
    ("user_inputs", CONTEXT),
    ("passwords", _l("这是常见密码，很容易被猜中。请改用由几个不相关的词组成的较长密码。")),
    ("repeat", _l("密码中有重复的字符或词（如 aaa、abcabc），很容易被猜中。")),
    ("sequence", _l("密码中有连续的字母或数字（如 abcd、1234），很容易被猜中。")),
    ("spatial", _l("密码中有键盘上相邻的按键（如 qwerty、1qaz），很容易被猜中。")),
    ("date", _l("密码中的日期和年份很容易被猜中。")),
    ("dictionary", _l("常见的单词和姓名很容易被猜中。请再加几个不常见的词，或改用更长的密码。")),
)
TOO_WEAK = _l("密码太容易被猜中。请改用由几个不相关的词组成的较长密码。")


@dataclass(frozen=True)
class PasswordPolicy:
    """``min_score`` is zxcvbn's 0–4: 3 needs about 10^8 guesses or more."""

    min_length: int = 10
    min_score: int = 3
    site_words: tuple[str, ...] = ()  # the configured site name and owner

    @classmethod
    def from_config(cls, config: Mapping) -> PasswordPolicy:
        return cls(site_words=tuple(w for w in (config.get("SITE_NAME"), config.get("SITE_OWNER")) if w))


def _normalized(text: str) -> str:
    return unicodedata.normalize("NFKC", text).casefold()


def account_words(words: Iterable[str | None], policy: PasswordPolicy) -> list[str]:
    """The account's words with the site's, each whole and each of its parts of 3 characters or more
    (``li.wang`` gives ``wang`` too), normalized and without repeats."""
    found: list[str] = []
    for word in (*words, *SITE_WORDS, *policy.site_words):
        word = _normalized(word or "").strip()
        if word:
            found += [word] + [part for part in re.split(r"[\W_]+", word) if len(part) >= 3 and part != word]
    return list(dict.fromkeys(found))


def _estimate(password: str, words: list[str]) -> dict:
    from zxcvbn import zxcvbn  # its dictionaries load on the first password checked, not at every start

    with _zxcvbn:
        return zxcvbn(password[:ZXCVBN_MAX], user_inputs=words)


def _kinds(sequence: list[dict]) -> set[str]:
    kinds = set()
    for match in sequence:
        pattern = match["pattern"]
        if pattern == "dictionary":
            name = match.get("dictionary_name")
            kinds.add(name if name in ("user_inputs", "passwords") else "dictionary")
        else:
            kinds.add("date" if pattern == "regex" else pattern)  # zxcvbn's only regex is recent years
    return kinds


def password_problem(password: str, words: Iterable[str | None], policy: PasswordPolicy = PasswordPolicy()):
    """Why ``password`` may not be used by the account ``words`` describe (a translated message), or None.

    :param words: the account's username, name, district and school names and code.
    """
    if len(password) < policy.min_length:
        return _l("密码至少需要 %(n)d 个字符。", n=policy.min_length)
    words = account_words(words, policy)
    normalized = _normalized(password)
    rest = normalized
    for word in sorted({v for w in words if len(w) >= 3 for v in (w, w[::-1])}, key=len, reverse=True):
        rest = rest.replace(word, "")  # the words, and the words written backwards
    if rest != normalized and (len(rest) < policy.min_length
                               or _estimate(rest, words)["score"] < policy.min_score):
        return CONTEXT
    result = _estimate(password, words)
    if result["score"] >= policy.min_score:
        return None
    kinds = _kinds(result["sequence"])
    return next((message for kind, message in REASONS if kind in kinds), TOO_WEAK)
