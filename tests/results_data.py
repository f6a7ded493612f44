"""Shared by the results tests: the files in tests/data/results and a fixed moment."""
from __future__ import annotations

from datetime import UTC, datetime

from support import DATA
from enroll.results import services

FILES = DATA / "results"
TODAY = datetime(2026, 7, 10, 2, 0, tzinfo=UTC)  # 10:00 in Shanghai, while results are posted


def upload(name: str) -> services.Upload:
    return services.Upload((FILES / name).read_bytes(), name)


def raw(name: str, text: str, encoding: str = "utf-8") -> services.Upload:
    return services.Upload(text.encode(encoding), name)
