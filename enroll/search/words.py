"""The words of a search query: Chinese segmented with jieba, traditional folded to simplified,
English lower-cased, the words that carry no meaning for a search (的, 怎么, 需要, how …) dropped.

jieba's dictionary takes about a second and 80 MB to load, so a worker loads it when it starts
(``warm_up``, called by gunicorn.conf.py) rather than on a parent's first search.
"""
from __future__ import annotations

import logging
import re
import threading

from enroll.geo.address import to_simplified

# Words of enrollment that jieba's general dictionary splits or does not know.
DOMAIN_WORDS = ("随迁子女", "划片", "多校划片", "施教区", "学区", "对口", "摇号", "自查", "入学", "招生", "户籍",
                "居住证", "学位", "公示", "录取", "征求意见", "实施细则", "政策解读", "招生日程", "房产证",
                "适龄儿童", "义务教育", "九年一贯制", "民办学校", "公办学校", "积分入学")

STOP_WORDS = frozenset(
    "的 了 吗 呢 啊 吧 呀 么 在 是 和 与 及 或 给 把 被 我 你 他 她 我们 我家 我的 请问 想 想要 要 需要 能 能否 可以 可否 "
    "会 该 应该 怎么 怎么样 怎样 如何 什么 啥 哪 哪些 哪个 哪里 哪儿 多少 几 是否 有没有 有 没有 一下 一个 关于 "
    "a an and are can do does for how i in is it my of on or the to what when where which who why with".split())

_CJK = re.compile(r"[\u3400-\u9fff]")
_TOKENS = re.compile(r"[\u3400-\u9fff]+|[a-z0-9]+(?:[.\-][a-z0-9]+)*")

_lock = threading.Lock()
_tokenizer = None


def _jieba():
    global _tokenizer
    with _lock:
        if _tokenizer is None:
            import jieba

            jieba.setLogLevel(logging.WARNING)
            tokenizer = jieba.Tokenizer()
            tokenizer.initialize()
            for word in DOMAIN_WORDS:
                tokenizer.add_word(word, freq=100000)
            _tokenizer = tokenizer
    return _tokenizer


def warm_up() -> None:
    """Load the segmenter's dictionary before the worker serves anybody."""
    _jieba()


def folded(text: str) -> str:
    """``text`` as search compares it: simplified characters, lower case, one space between words."""
    return " ".join(to_simplified(text or "").lower().split())


def query_words(query: str, limit: int = 8) -> list[str]:
    """The meaningful words of ``query``, in order, each once, at most ``limit``.

    A query of nothing but stop words keeps them, so that a search for ``怎么`` is still a search.
    """
    words = []
    for token in _TOKENS.findall(folded(query)):
        pieces = _jieba().lcut(token, HMM=True) if _CJK.match(token) and len(token) > 2 else [token]
        for piece in pieces:
            piece = piece.strip()
            if piece and piece not in words:
                words.append(piece)
    kept = [w for w in words if w not in STOP_WORDS and (len(w) > 1 or not _CJK.match(w) or len(words) == 1)]
    return (kept or words)[:limit]
