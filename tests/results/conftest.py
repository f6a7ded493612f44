"""Fixtures for admission results and lotteries: a public and a private school of the demo district,
their school editors, time frozen while results are posted."""
from __future__ import annotations

import pytest

from results_data import TODAY, upload
from enroll.results import services
from enroll.schools.services import schools_of


@pytest.fixture
def public_school(district):
    return next(s for s in schools_of(district.id) if s.name == "青溪区文澜小学")


@pytest.fixture
def private_school(district):
    return next(s for s in schools_of(district.id) if s.name == "青溪区育才外国语小学（民办）")


@pytest.fixture
def school_editor(make_user, public_school):
    return make_user("wl", "school_editor", school_id=public_school.id)


@pytest.fixture
def private_editor(make_user, private_school):
    return make_user("yc", "school_editor", school_id=private_school.id)


@pytest.fixture
def frozen(time_machine):
    """Time stands still on TODAY (moves only when the test says so)."""
    time_machine.move_to(TODAY, tick=False)
    return time_machine


@pytest.fixture
def key(app) -> bytes:
    """The key of the birth-date digests, as the web pages and the CLI use it."""
    return app.config["RESULTS_KEY"].encode()


@pytest.fixture
def save(school_editor, public_school, frozen, key):
    """Save a draft result of the public school from files (routes.csv and list.csv by default)."""
    def run(routes="routes.csv", list_file="list.csv", actor=None, **data):
        values = {"list_public": True, "public_until": "2026-07-31", "notice_until": "2026-07-17", **data}
        return services.save_result(actor or school_editor, public_school.id, 2026, values, check_key=key,
                                    routes_file=upload(routes) if isinstance(routes, str) else routes,
                                    list_file=(upload(list_file) if isinstance(list_file, str) else list_file))
    return run


@pytest.fixture
def published(save, school_editor, reviewer):
    """Post and publish the public school's 2026 result with its list; returns the revision."""
    from enroll.review import content

    def run(**kwargs):
        revision = save(**kwargs)
        content.submit_revision(school_editor, revision.id)
        return content.approve_revision(reviewer, revision.id)
    return run
