"""The demo district with drafts beside what is published, and what the database says is published."""
from __future__ import annotations

from support import DEMO

from enroll.extensions import db as _db

PRIMARY = "zones-990101-2026-primary"


def add_drafts(app) -> None:
    from enroll.accounts.services import get_user
    from enroll.review import content
    from enroll.schools.services import create_school
    from enroll.zoning.services import import_plan

    with app.app_context():
        editor = get_user("editor")
        import_plan(editor, "990101", 2027, "primary", DEMO / "zones_primary_2027.geojson")
        pending = import_plan(editor, "990101", 2026, "primary", DEMO / "zones_primary_2027.geojson")
        content.submit_revision(editor, pending.revision_id)
        create_school(editor, "990101", {"name": "青溪区无址小学", "stage": "primary", "lon": "", "lat": ""})
        _db.session.remove()


def published_zones(app, stage: str = "primary") -> list:
    """The zones of the published 2026 plan of a stage, as the database has them."""
    from enroll.districts.services import get_district
    from enroll.zoning.services import published_plan

    with app.app_context():
        plan = published_plan(get_district("990101").id, 2026, stage)
        zones = [(z.id, z.geometry) for z in plan.zones]
        _db.session.remove()
    return zones
