"""ZIP archives checked on their central directory before anything is extracted."""
from __future__ import annotations

import os
import re
import zipfile
from dataclasses import dataclass
from pathlib import Path

from .findings import Finding, ReadError, short_detail, unreadable, unsafe

_INNER_DATASETS = {".gpkg": "gpkg", ".geojson": "geojson", ".json": "geojson", ".kml": "kml"}
_CHUNK = 64 * 1024


@dataclass
class ArchiveLimits:
    """Limits applied to uploaded ZIP archives before and during extraction."""

    max_archive_bytes: int = 50 * 1024 * 1024
    max_members: int = 50
    max_total_uncompressed: int = 200 * 1024 * 1024
    max_ratio: float = 100.0
    # The ratio check only applies to members at least this large: small, very
    # compressible .dbf files are common and harmless.
    ratio_min_bytes: int = 1024 * 1024


def _member_pathunsafe(member: str) -> bool:
    norm = member.replace("\\", "/")
    if norm.startswith("/") or re.match(r"^[A-Za-z]:", norm):
        return True
    return any(part == ".." for part in norm.split("/"))


def _check_archive(infos: list[zipfile.ZipInfo], name: str, limits: ArchiveLimits) -> None:
    """Refuse dangerous archives using the central directory only."""
    problems: list[Finding] = []
    if len(infos) > limits.max_members:
        problems.append(unsafe(name, None, "too_many_members"))
    if sum(i.file_size for i in infos) > limits.max_total_uncompressed:
        problems.append(unsafe(name, None, "too_large"))
    for info in infos:
        member = info.filename
        if _member_pathunsafe(member):
            problems.append(unsafe(name, member, "path_traversal"))
        if (info.external_attr >> 16) & 0o170000 == 0o120000:
            problems.append(unsafe(name, member, "symlink"))
        if info.flag_bits & 0x1:
            problems.append(unsafe(name, member, "encrypted"))
        big = info.file_size >= limits.ratio_min_bytes
        if big and info.file_size > limits.max_ratio * max(info.compress_size, 1):
            problems.append(unsafe(name, member, "ratio"))
    if problems:
        raise ReadError(problems[:20])


def _is_noise(member: str) -> bool:
    base = member.replace("\\", "/").rsplit("/", 1)[-1]
    return member.endswith("/") or member.startswith("__MACOSX/") or base.startswith("._") or not base


def _choose_members(infos: list[zipfile.ZipInfo], name: str) -> tuple[str, dict[str, zipfile.ZipInfo]]:
    """Pick the dataset inside the archive: a shapefile set or one single-file dataset."""
    members = [i for i in infos if not _is_noise(i.filename)]
    by_ext: dict[str, list[zipfile.ZipInfo]] = {}
    for info in members:
        by_ext.setdefault(os.path.splitext(info.filename)[1].lower(), []).append(info)
    shps = by_ext.get(".shp", [])
    if len(shps) > 1:
        names = ", ".join(sorted(i.filename for i in shps))
        raise unreadable(name, f"several shapefiles in archive: {names}")
    if shps:
        stem = os.path.splitext(shps[0].filename)[0].lower()
        chosen = {
            os.path.splitext(i.filename)[1].lower(): i
            for i in members
            if os.path.splitext(i.filename)[0].lower() == stem
        }
        missing = [ext for ext in (".shx", ".dbf") if ext not in chosen]
        if missing:
            raise unreadable(name, "shapefile is missing " + " and ".join(missing))
        keep = {ext: chosen[ext] for ext in (".shp", ".shx", ".dbf", ".prj", ".cpg") if ext in chosen}
        return "shapefile", keep
    datasets = [i for ext in _INNER_DATASETS for i in by_ext.get(ext, [])]
    if len(datasets) == 1:
        ext = os.path.splitext(datasets[0].filename)[1].lower()
        return _INNER_DATASETS[ext], {ext: datasets[0]}
    if len(datasets) > 1:
        names = ", ".join(sorted(i.filename for i in datasets))
        raise unreadable(name, f"several datasets in archive: {names}")
    raise unreadable(name, "no .shp, .gpkg, .geojson or .kml in archive")


def _extract_member(zf: zipfile.ZipFile, info: zipfile.ZipInfo, dest: Path, budget: int, name: str) -> int:
    """Stream one member to ``dest``, refusing more bytes than declared or budgeted."""
    written = 0
    with zf.open(info) as src, open(dest, "wb") as out:
        while chunk := src.read(_CHUNK):
            written += len(chunk)
            if written > info.file_size or written > budget:
                raise ReadError([unsafe(name, info.filename, "too_large")])
            out.write(chunk)
    return written


def extract_zip(path: Path, name: str, tmp: Path, limits: ArchiveLimits) -> tuple[Path, str]:
    if path.stat().st_size > limits.max_archive_bytes:
        raise ReadError([unsafe(name, None, "archive_too_large")])
    try:
        zf = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError) as exc:
        raise unreadable(name, short_detail("not a valid zip archive", exc)) from exc
    with zf:
        infos = zf.infolist()
        _check_archive(infos, name, limits)
        fmt, members = _choose_members(infos, name)
        budget = limits.max_total_uncompressed
        try:
            for ext, info in members.items():
                budget -= _extract_member(zf, info, tmp / f"layer{ext}", budget, name)
        except (zipfile.BadZipFile, EOFError, OSError, NotImplementedError) as exc:
            raise unreadable(name, short_detail("corrupt archive member", exc)) from exc
    main_ext = ".shp" if fmt == "shapefile" else next(iter(members))
    return tmp / f"layer{main_ext}", fmt
