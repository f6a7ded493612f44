"""The largest zoning file read (ENROLL_MAX_ZONING_FILE_MB): refused before reading, by name, size and limit."""

from __future__ import annotations

import zipfile

import pytest

from enroll import config
from enroll.geo.findings import ReadError
from enroll.geo.io import DEFAULT_MAX_FILE_BYTES, MIB, read_zoning_file


def refusal(path, **kwargs):
    with pytest.raises(ReadError) as info:
        read_zoning_file(path, **kwargs)
    [finding] = info.value.findings
    return finding


def test_a_file_over_the_limit_is_refused_naming_it_its_size_and_the_limit(data_dir, tmp_path):
    path = tmp_path / "upload.geojson"
    path.write_bytes((data_dir / "clean.geojson").read_bytes() + b" " * (3 * MIB))
    finding = refusal(path, filename="青溪区2026划片.geojson", max_file_bytes=2 * MIB)
    assert (finding.code, finding.severity) == ("unreadable", "error")
    assert finding.params["file"] == "青溪区2026划片.geojson"
    assert finding.params["reason"] == "too_large"
    assert finding.params["size_mb"] == pytest.approx(path.stat().st_size / MIB, abs=0.05)
    assert finding.params["max_mb"] == 2.0


def test_a_zip_over_the_limit_is_refused_unopened(data_dir, tmp_path):
    path = tmp_path / "划片.zip"
    path.write_bytes((data_dir / "clean_gbk_nocpg.zip").read_bytes())
    limit = path.stat().st_size - 1
    finding = refusal(path, max_file_bytes=limit)
    assert (finding.code, finding.params["reason"], finding.params["file"]) == ("unsafe_archive", "archive_too_large", "划片.zip")
    assert finding.params["max_mb"] == round(limit / MIB, 1)
    assert finding.params["size_mb"] == round(path.stat().st_size / MIB, 1)


def test_a_zip_unpacking_to_more_than_the_limit_is_refused(tmp_path, data_dir):
    path = tmp_path / "bomb.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("zones.geojson", (data_dir / "clean.geojson").read_text(encoding="utf-8") + " " * (2 * MIB))
    assert path.stat().st_size < MIB
    with pytest.raises(ReadError) as info:
        read_zoning_file(path, max_file_bytes=MIB)
    assert ("unsafe_archive", "too_large") in {(f.code, f.params["reason"]) for f in info.value.findings}


def test_files_within_the_limit_are_read(data_dir):
    assert DEFAULT_MAX_FILE_BYTES == 512 * MIB
    path = data_dir / "clean.geojson"
    assert len(read_zoning_file(path, max_file_bytes=path.stat().st_size).features) == 6
    assert len(read_zoning_file(data_dir / "clean_gbk_nocpg.zip").features) == 6


def test_the_limit_comes_from_the_environment(monkeypatch):
    monkeypatch.delenv("ENROLL_MAX_ZONING_FILE_MB", raising=False)
    assert config.from_env()["MAX_ZONING_FILE_BYTES"] == DEFAULT_MAX_FILE_BYTES
    monkeypatch.setenv("ENROLL_MAX_ZONING_FILE_MB", "300")
    assert config.from_env()["MAX_ZONING_FILE_BYTES"] == 300 * MIB
    monkeypatch.setenv("ENROLL_MAX_ZONING_FILE_MB", "0")
    with pytest.raises(config.ConfigError, match="ENROLL_MAX_ZONING_FILE_MB"):
        config.from_env()
