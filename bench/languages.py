"""Languages benchmark (one command: ``make bench`` or ``python bench/languages.py``).

The same public pages of the demo district in 简体中文 (the baseline: the source language, no
catalogue, no conversion), 繁體中文 (interface catalogue, and every page's content converted by
OpenCC as it leaves) and English (interface catalogue, content fields translated where given),
through the app (Flask test client, no network). Medians of interleaved rounds, so the three
languages share whatever the machine is doing.
"""
from __future__ import annotations

import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from common import interleaved  # noqa: E402
from enroll import create_app  # noqa: E402
from enroll.extensions import db  # noqa: E402

ROUNDS = 5
REQUESTS = 20
LANGUAGES = {"zh_Hans": 'lang="zh-Hans"', "zh_Hant": 'lang="zh-Hant"', "en": 'lang="en"'}  # and how a page says so
PAGES = {"district page": "/d/990101/", "zoning map + zone list": "/d/990101/2026/primary/",
         "district results": "/d/990101/2026/results", "lottery (661 rows)": "/lotteries/1"}


def demo_app(folder: Path):
    from enroll.demo import load_demo

    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder / 'lang.sqlite3'}",
                      "MAP_TILES": "none", "WTF_CSRF_ENABLED": False})
    with app.app_context():
        db.create_all()
        load_demo()
        db.session.remove()
    return app


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        client = demo_app(Path(tmp)).test_client()
        urls = {(page, lang): f"{url}?lang={lang}" for page, url in PAGES.items() for lang in LANGUAGES}
        for (_page, lang), url in urls.items():
            response = client.get(url)
            assert response.status_code == 200 and LANGUAGES[lang] in response.get_data(as_text=True), url
        per = interleaved({key: (lambda url=url: [client.get(url) for _ in range(REQUESTS)])
                           for key, url in urls.items()}, rounds=ROUNDS)
        per = {key: seconds / REQUESTS for key, seconds in per.items()}
        print(f"## Public pages per language (Flask test client, {REQUESTS} requests × {ROUNDS} rounds, median)")
        for page in PAGES:
            base = per[(page, "zh_Hans")]
            figures = "   ".join(
                f"{lang} {per[(page, lang)] * 1000:7.2f} ms" + ("" if lang == "zh_Hans" else
                                                              f" ({per[(page, lang)] / base:4.2f}x)")
                for lang in LANGUAGES)
            print(f"{page:24s} {figures}")
        print("          baseline: the same page in zh_Hans, measured in the same rounds")


if __name__ == "__main__":
    main()
