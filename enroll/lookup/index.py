"""The lookup index: everything a parent's lookup reads, built before anybody asks.

One immutable ``LookupIndex`` per app (``app.extensions``) holds the published catalogue (districts and their
published plans) and, per published plan, its clauses by place name, its zones and its locator.
It is built when a worker starts (``warm_up``, called by gunicorn.conf.py) and rebuilt when
something is published, then swapped in whole: a lookup reads one consistent index and never
builds one, and what did not change (a plan with the same ``plan_identity``) is carried over.

How a change reaches each worker:
- a commit in this process (a publication, a withdrawal, a district's year) marks the index
  stale; the request that committed rebuilds it before it ends (the reviewer who publishes waits
  a moment, parents never do), and so does the next lookup outside any request (CLI, jobs);
- a commit by another worker or process shows as a new newest audit event (every publication,
  withdrawal and district change writes one), checked at most every ``CHECK_S``; a lookup that
  sees it starts a rebuild in a background thread and is answered from the previous index until
  the new one is swapped in.

The gazetteer's answers (``find_point``) are remembered by the index that asked, in a bounded LRU:
a gazetteer import is audited like a publication, so the index and what it remembers are replaced
together. Only a worker that was never warmed builds inside a lookup request (the first one), and says so
in its log. Plans nobody published (a draft tested by its staff) get their index built on demand
and kept in a small LRU cache.
"""
from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field

from cachetools import LRUCache
from flask import current_app, has_request_context, request
from sqlalchemy import event
from sqlalchemy.orm import Session

from enroll.districts import contacts
from enroll.districts.services import district_summaries
from enroll.extensions import db
from enroll.geo.locate import STRtreeLocator, ZoneLocator
from enroll.lookup import gazetteer, guidance
from enroll.zoning.models import ZoningPlan
from enroll.zoning.postgis import PostGISLocator
from enroll.zoning.rules import PlanInfo, RuleIndex, ZoneEntry, build_rule_index, zone_entries
from enroll.zoning.services import all_published_plans, plans_with_zones

CHECK_S = 0.5  # another worker's publication reaches this one within this time (plus the rebuild)
POINTS_CACHED = 20_000  # gazetteer answers remembered per index (parents look up the same estates)
REACH_DEG = 0.01  # about 1 km (0.9 km east-west at 30°N): far more than the 50 m of near_boundary


@dataclass(frozen=True)
class DistrictInfo:
    id: int
    code: str
    name: str
    phone: str
    current_year: int | None  # as the bureau set it (None: derived from what is published)
    consult_phone: str = ""   # the number a parent should ring (as ``districts.contacts.consult_phone``)
    placement: tuple[tuple[str, str], ...] = ()  # (locale, text): how a 多校划片 zone's children are placed


@dataclass
class PlanIndex:
    """One plan as lookups read it: clauses by place name, zones by id, and where they lie."""

    info: PlanInfo
    rules: RuleIndex
    zones: dict[int, ZoneEntry]
    memory: ZoneLocator | None = None  # the in-process locator (None: none built, see ``locator``)

    def locator(self, kind: str) -> ZoneLocator:
        """``postgis`` asks the database per point; ``memory`` is the locator built with the index."""
        if kind == "postgis":
            return PostGISLocator(self.info.id)
        if self.memory is None:  # only when the index was built for postgis and a caller asks otherwise
            self.memory = STRtreeLocator(zone_entries(self.info.id, geometry=True)[1])
        return self.memory


@dataclass(frozen=True)
class LookupIndex:
    """What is published, for lookups: districts and their published plans (newest year first)."""

    districts: tuple[DistrictInfo, ...]
    plans: dict[int, tuple[PlanInfo, ...]]
    version: int | None = None  # the newest audit event when read: changes with every publication
    indexes: dict[int, PlanIndex] = field(default_factory=dict)  # by plan id
    generation: int = 0  # this process's commit count when it was read
    names: dict[int, frozenset[str]] = field(default_factory=dict)  # by district: road, estate, village keys its clauses name
    reach: dict[int, tuple[float, float, float, float] | None] = field(default_factory=dict)
    # by district: the lon/lat box of every zone of its published plans, widened by REACH_DEG (None: unknown)

    points: LRUCache = field(default_factory=lambda: LRUCache(maxsize=POINTS_CACHED), repr=False, compare=False)
    points_lock: threading.Lock = field(default_factory=threading.Lock, repr=False, compare=False)
    name_indexes: dict = field(default_factory=dict, repr=False, compare=False)  # by district: guidance.NameIndex

    def find_point(self, district, parts) -> tuple[float, float] | None:
        """``gazetteer.find_point``, remembered while this index is current (its version names the gazetteer's)."""
        key = (district.id, parts)
        with self.points_lock:
            if key in self.points:
                return self.points[key]
        point = gazetteer.find_point(district, parts)
        with self.points_lock:
            self.points[key] = point
        return point

    def similar_names(self, district_id: int, name: str | None) -> list[str]:
        """The road, estate or village names of the district a parent who typed ``name`` probably
        meant (its gazetteer's and its clauses'). Read on the first address not found in the
        district, then kept with this index (a gazetteer import or publication replaces it)."""
        with self.points_lock:
            index = self.name_indexes.get(district_id)
            if index is None:
                index = self.name_indexes[district_id] = guidance.NameIndex(
                    guidance.district_names(district_id) | self.names.get(district_id, frozenset()))
        return index.similar(name)

    def may_reach(self, district_id: int, lon: float, lat: float) -> bool:
        """Whether a point can be in or near a zone of the district (False: its answer is empty)."""
        box = self.reach.get(district_id)
        return box is None or (box[0] <= lon <= box[2] and box[1] <= lat <= box[3])

    def of(self, plan: PlanInfo) -> PlanIndex:
        return self.indexes[plan.id]


@dataclass
class Build:
    """A record of one index build (kept for operators and tests: ``builds``)."""

    reason: str
    seconds: float
    in_request: str | None  # the endpoint of the request it was built in, if any
    plans_built: int


@dataclass
class _State:
    """One app's index and its bookkeeping (``app.extensions["enroll.lookup_index"]``)."""

    index: LookupIndex | None = None
    checked: float = 0.0    # monotonic time of the last version check
    building: bool = False  # a background rebuild is running
    lock: threading.RLock = field(default_factory=threading.RLock)  # one build at a time


_generation = [0]                      # bumped by every commit in this process
builds: list[Build] = []               # the latest builds, newest last (at most 50)
_drafts: LRUCache = LRUCache(maxsize=8)  # plan indexes of unpublished plans, by plan_identity


@event.listens_for(Session, "after_commit")
def _committed(session) -> None:
    _generation[0] += 1


def _state() -> _State:
    return current_app.extensions["enroll.lookup_index"]


def _version() -> int | None:
    return gazetteer.read_scalar("SELECT max(id) FROM audit_events")


def _locator_kind() -> str:
    return current_app.config.get("ZONE_LOCATOR", "memory")


def build_plan_index(orm_plan: ZoningPlan, info: PlanInfo, kind: str) -> PlanIndex:
    """The index of one plan (any plan: published, or a draft its staff test)."""
    entries, zones = zone_entries(info.id, geometry=kind == "memory" and info.has_zones)
    memory = STRtreeLocator(zones) if kind == "memory" else None
    return PlanIndex(info, build_rule_index(orm_plan), entries, memory)


def _district_info(row) -> DistrictInfo:
    """A district as lookups answer for it: with its published contact's phone and placement rules."""
    bare = DistrictInfo(*row)
    contact = contacts.published_contact(bare.id)
    placement = getattr(contact, "placement", "") if contact is not None else ""
    english = ((contact.translations or {}).get("en") or {}).get("placement") if placement else None
    texts = (("zh_Hans", placement),) + ((("en", english),) if english else ()) if placement else ()
    return DistrictInfo(*row, (contact or bare).phone, texts)  # contacts.consult_phone, one query fewer


def _build(previous: LookupIndex | None, version: int | None, generation: int) -> tuple[LookupIndex, int]:
    kind = _locator_kind()
    districts = tuple(_district_info(row) for row in district_summaries())
    plans: dict[int, list[PlanInfo]] = {d.id: [] for d in districts}
    indexes, built = {}, 0
    published = all_published_plans()  # newest year first
    zoned = plans_with_zones([p.id for p in published])
    old = {i.info.identity: i for i in previous.indexes.values()} if previous is not None else {}
    for plan in published:
        info = PlanInfo.of(plan, plan.id in zoned)
        plans.setdefault(plan.district_id, []).append(info)
        kept = old.get(info.identity)
        if kept is None or kept.info != info:
            kept = build_plan_index(plan, info, kind)
            built += 1
        indexes[plan.id] = kept
    names = {d: frozenset(key for p in infos for key in indexes[p.id].rules.by_name) for d, infos in plans.items()}
    reach = {d: _reach([indexes[p.id] for p in infos]) for d, infos in plans.items()}
    return LookupIndex(districts, {k: tuple(v) for k, v in plans.items()}, version, indexes, generation, names,
                       reach), built


def _reach(plans: list[PlanIndex]) -> tuple[float, float, float, float] | None:
    """The box of the plans' zones widened by REACH_DEG; None when a zoned plan's extent is unknown (PostGIS)."""
    boxes = [p.memory.bounds for p in plans if p.info.has_zones and p.memory is not None and p.memory.bounds]
    if any(p.info.has_zones and p.memory is None for p in plans):
        return None
    if not boxes:
        return (0.0, 0.0, -1.0, -1.0)  # nothing to be in: an empty box
    return (min(b[0] for b in boxes) - REACH_DEG, min(b[1] for b in boxes) - REACH_DEG,
            max(b[2] for b in boxes) + REACH_DEG, max(b[3] for b in boxes) + REACH_DEG)


def refresh(reason: str = "change") -> LookupIndex:
    """Rebuild this app's index now (carrying over what did not change) and swap it in."""
    state = _state()
    with state.lock:
        generation = _generation[0]  # read first: a commit during the build leaves the index stale
        start = time.perf_counter()
        index, built = _build(state.index, _version(), generation)
        state.index, state.checked = index, time.monotonic()
        builds.append(Build(reason, time.perf_counter() - start,
                            request.endpoint if has_request_context() else None, built))
        del builds[:-50]
    if has_request_context() and reason != "this request's commit":
        current_app.logger.warning("lookup index built inside a request (%s, %s): warm it at worker start "
                                   "(gunicorn.conf.py)", reason, request.endpoint)
    return index


def warm_up(app) -> LookupIndex:
    """Build the index before the worker serves anybody (gunicorn's post_worker_init)."""
    with app.app_context():
        return refresh("warm-up")


def _refresh_in_background(state: _State) -> None:
    with state.lock:
        if state.building:
            return
        state.building = True
    app = current_app._get_current_object()

    def run() -> None:
        try:
            with app.app_context():
                refresh("another worker's change")
        except Exception:  # noqa: BLE001 - the previous index keeps serving; the next check retries
            app.logger.exception("lookup index rebuild failed")
        finally:
            state.building = False

    threading.Thread(target=run, name="lookup-index", daemon=True).start()


def published_version() -> tuple[int | None, int]:
    """What is published, as a key for what pages derive from it: changes with every publication
    reaching this worker (see :func:`current`)."""
    index = current()
    return index.version, index.generation


def current() -> LookupIndex:
    """The index lookups read: this app's, refreshed as the module docstring says."""
    state = _state()
    index = state.index
    if index is None:
        return refresh("cold start")
    if index.generation != _generation[0]:  # committed in this process (outside a request, or just now)
        return refresh("this process's change")
    now = time.monotonic()
    if now - state.checked >= CHECK_S:
        state.checked = now
        if _version() != index.version:
            if not has_request_context():
                return refresh("another process's change")
            _refresh_in_background(state)
    return index


def after_request_commit(exc=None) -> None:
    """Flask teardown: a request that committed (a publication, say) rebuilds the index before it ends."""
    index = _state().index
    if exc is None and index is not None and index.generation != _generation[0]:
        db.session.rollback()  # a clean session to read from; the request's work is committed
        refresh("this request's commit")


def plan_index(orm_plan: ZoningPlan, kind: str = "memory") -> PlanIndex:
    """The index of any plan: the published one from ``current()``, any other built and cached here."""
    published = current().indexes.get(orm_plan.id)
    if published is not None and published.info.identity == PlanInfo.of(orm_plan, True).identity:
        return published
    info = PlanInfo.of(orm_plan, bool(plans_with_zones([orm_plan.id])))
    key = (info, kind)
    found = _drafts.get(key)
    if found is None:
        found = _drafts[key] = build_plan_index(orm_plan, info, kind)
    return found


def init_app(app) -> None:
    app.extensions["enroll.lookup_index"] = _State()
    app.teardown_request(after_request_commit)
