"""Open data: every district's published datasets per year as files (zones in five GIS formats;
schools, enrollment plans, 划片 text and aggregate results as CSV and JSON), each with its dates,
size and SHA-256, listed in a catalogue (also as DCAT JSON-LD). Drafts never appear: the datasets
are built from published objects only (``enroll.opendata.datasets``).

Files are made once per content version and kept in memory (``_files``): the cache key is the
dataset's version token, which changes with every publication or withdrawal.
"""
from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime

from cachetools import LRUCache

from enroll.core.errors import NotFound
from enroll.core.i18n import _l
from enroll.districts.services import get_district, list_districts
from enroll.opendata.datasets import Source, published_years, sources


@dataclass(frozen=True)
class Distribution:
    """One downloadable file of a dataset."""

    name: str        # the file name within the year: zones-primary.geojson
    format: str      # GeoJSON, GeoPackage, Shapefile (UTF-8), ..., CSV, JSON
    media_type: str
    size: int
    sha256: str
    data: bytes


@dataclass(frozen=True)
class Dataset:
    """One dataset of a district's year with its files."""

    key: str
    title: object
    year: int
    issued: datetime | None
    modified: datetime | None
    distributions: list[Distribution]


@dataclass(frozen=True)
class DistrictData:
    """A district's catalogue: its datasets, newest year first."""

    district: object
    datasets: list[Dataset]

    @property
    def years(self) -> list[int]:
        return list(dict.fromkeys(d.year for d in self.datasets))


CACHE_BYTES = 256 * 1024 * 1024  # the files kept in memory per process: the most recently asked for
# (district, year, key, token) -> {suffix: bytes}
_files: LRUCache = LRUCache(maxsize=CACHE_BYTES, getsizeof=lambda files: sum(map(len, files.values())) or 1)


def _json_document(district, year: int, source: Source, licence: tuple[str, str], records: list) -> bytes:
    """A JSON file: what it is, its licence and dates, then its records."""
    document = {"district": district.code, "district_name": district.name, "year": year, "dataset": source.key,
                "licence": {"name": licence[0], "url": licence[1]},
                "issued": source.issued.isoformat() if source.issued else None,
                "modified": source.modified.isoformat() if source.modified else None, "records": records}
    return json.dumps(document, ensure_ascii=False, indent=1).encode("utf-8")


def _dataset(district, year: int, source: Source, licence: tuple[str, str]) -> Dataset:
    cache_key = (district.code, year, source.key, source.token, licence, source.issued, source.modified)
    files = _files.get(cache_key)
    if files is None:
        files = source.render()
        if ".json" in files:
            files[".json"] = _json_document(district, year, source, licence, files[".json"])
        if sum(map(len, files.values())) <= CACHE_BYTES:
            _files[cache_key] = files
    distributions = [Distribution(source.key + suffix, label, media, len(files[suffix]),
                                  hashlib.sha256(files[suffix]).hexdigest(), files[suffix])
                     for suffix, label, media in source.formats]
    return Dataset(source.key, source.title, year, source.issued, source.modified, distributions)


def year_datasets(district, year: int, licence: tuple[str, str]) -> list[Dataset]:
    """:param licence: (name, URL) of the data's licence, written into the JSON files."""
    return [_dataset(district, year, s, licence) for s in sources(district, year)]


def district_data(district_code: str, licence: tuple[str, str]) -> DistrictData:
    """Every published dataset of a district. :raises NotFound: no such district."""
    district = get_district(district_code)
    return DistrictData(district, [d for year in published_years(district)
                                   for d in year_datasets(district, year, licence)])


def site_data(licence: tuple[str, str]) -> list[DistrictData]:
    """The catalogue of every district with anything published."""
    found = [district_data(d.code, licence) for d in list_districts()]
    return [d for d in found if d.datasets]


def download(district_code: str, year: int, name: str, licence: tuple[str, str]) -> tuple[Dataset, Distribution]:
    """The dataset and file called ``name`` (e.g. ``zones-primary.gpkg``) of a district's year.

    :raises NotFound: no such district, nothing of that year published, or no such file.
    """
    district = get_district(district_code)
    for dataset in year_datasets(district, year, licence):
        for distribution in dataset.distributions:
            if distribution.name == name:
                return dataset, distribution
    raise NotFound(_l("%(district)s %(year)s 年没有名为 %(name)s 的公开数据文件。", district=district.name,
                      year=year, name=name[:100]))
