"""Shared fixtures for the geo tests: fixture paths, the synthetic district, helpers."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from shapely.geometry import Point, shape

DATA = Path(__file__).resolve().parents[1] / "data" / "geo"
SEATTLE = Path(__file__).resolve().parents[1] / "data" / "seattle"


@pytest.fixture(scope="session")
def data_dir() -> Path:
    return DATA


@pytest.fixture(scope="session")
def seattle_dir() -> Path:
    return SEATTLE


@pytest.fixture(scope="session")
def district():
    """(boundary, schools) of the synthetic Hangzhou district, in lon/lat."""
    raw = json.loads((DATA / "district.json").read_text(encoding="utf-8"))
    schools = {name: Point(xy) for name, xy in raw["schools"].items()}
    return shape(raw["boundary"]), schools
