"""Passwords are stored as Argon2id hashes: RFC 9106's low-memory parameters in service, argon2-cffi's
cheapest under TESTING only (the suite makes thousands of users: 0.13 s of CPU each otherwise)."""
from __future__ import annotations

from argon2 import extract_parameters, profiles

from enroll import create_app
from enroll.accounts import services


def test_a_served_app_hashes_with_rfc_9106_and_tests_cheaply(tmp_path, monkeypatch):
    monkeypatch.setenv("ENROLL_ENV", "development")
    try:
        create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'a.sqlite3'}"})
        served = extract_parameters(services.hash_password("a-long-pass-phrase"))
        assert (served.type, served.memory_cost, served.time_cost) == (
            profiles.RFC_9106_LOW_MEMORY.type, 65536, profiles.RFC_9106_LOW_MEMORY.time_cost)
    finally:
        create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'b.sqlite3'}"})
    tested = extract_parameters(services.hash_password("a-long-pass-phrase"))
    assert tested.type == served.type and tested.memory_cost == profiles.CHEAPEST.memory_cost
