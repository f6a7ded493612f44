"""Policy document data for tests."""
from __future__ import annotations

BODY = "<h2>一、招生对象</h2><p>2026年8月31日前年满6周岁的适龄儿童。</p><table><tr><td>户籍</td><td>房产</td></tr></table>"


def document(**extra) -> dict:
    return {"title": "青溪区2026年义务教育招生入学工作实施细则", "doc_number": "青教〔2026〕12号",
            "issuer": "青溪区教育局", "category": "rules", "signed_on": "2026-04-10", "issued_on": "2026-04-20",
            "year": 2026, "body": BODY, **extra}


def interpretation(**extra) -> dict:
    return {"title": "《实施细则》政策解读", "form": "qa", "body": "<p>问：哪些孩子可以在本区入学？答：……</p>", **extra}
