"""The open-data catalogue as DCAT (W3C Data Catalog Vocabulary, version 2) in JSON-LD: a
dcat:Catalog of dcat:Datasets, each with its dcat:Distributions (download URL, media type, size,
SPDX SHA-256 checksum), licence and dates. Web addresses come from the caller (``url_of``)."""
from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from enroll.opendata.services import DistrictData

CONTEXT = {
    "dcat": "http://www.w3.org/ns/dcat#",
    "dct": "http://purl.org/dc/terms/",
    "foaf": "http://xmlns.com/foaf/0.1/",
    "spdx": "http://spdx.org/rdf/terms#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
}


def _date(moment: datetime | None) -> dict | None:
    return None if moment is None else {"@value": moment.isoformat(), "@type": "xsd:dateTime"}


def _without_none(node: dict) -> dict:
    return {k: v for k, v in node.items() if v is not None}


def catalog(catalogue: list[DistrictData], *, catalogue_url: str, title: str, publisher: str,
            licence: tuple[str, str], url_of: Callable[[str, int, str], str]) -> dict:
    """The JSON-LD document.

    :param licence: (name, URL) of the data's licence.
    :param url_of: the download URL of (district code, year, file name).
    """
    licence_node = {"@id": licence[1], "dct:title": licence[0]}
    datasets = []
    for entry in catalogue:
        district = entry.district
        for dataset in entry.datasets:
            title_text = f"{district.name} {dataset.year} {dataset.title}"
            datasets.append(_without_none({
                "@id": f"{catalogue_url}#{district.code}-{dataset.year}-{dataset.key}",
                "@type": "dcat:Dataset",
                "dct:identifier": f"{district.code}-{dataset.year}-{dataset.key}",
                "dct:title": title_text,
                "dct:publisher": {"@type": "foaf:Agent", "foaf:name": district.name},
                "dct:spatial": district.code,
                "dct:temporal": str(dataset.year),
                "dct:issued": _date(dataset.issued),
                "dct:modified": _date(dataset.modified),
                "dct:license": licence_node,
                "dcat:distribution": [_without_none({
                    "@type": "dcat:Distribution",
                    "dct:title": f"{title_text} ({d.format})",
                    "dct:format": d.format,
                    "dcat:mediaType": d.media_type,
                    "dcat:downloadURL": {"@id": url_of(district.code, dataset.year, d.name)},
                    "dcat:byteSize": {"@value": str(d.size), "@type": "xsd:nonNegativeInteger"},
                    "dct:license": licence_node,
                    "dct:issued": _date(dataset.issued),
                    "dct:modified": _date(dataset.modified),
                    "spdx:checksum": {"@type": "spdx:Checksum", "spdx:algorithm": {
                        "@id": "spdx:checksumAlgorithm_sha256"}, "spdx:checksumValue": d.sha256},
                }) for d in dataset.distributions],
            }))
    modified = max((d.modified for e in catalogue for d in e.datasets if d.modified), default=None)
    return _without_none({"@context": CONTEXT, "@id": catalogue_url, "@type": "dcat:Catalog", "dct:title": title,
                          "dct:publisher": {"@type": "foaf:Agent", "foaf:name": publisher},
                          "dct:license": licence_node, "dct:modified": _date(modified), "dcat:dataset": datasets})
