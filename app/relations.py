"""The relationship lifecycle (``app.lifecycle``) applied to the anniversary window query.

Most pairs hold one establishment and nothing else: for them every anniversary counts, and
the query needs no help. The few pairs with a severance, a restoration or an upgrade (about a
hundred in the bundled data set) are loaded whole, their lifecycle worked out in Python, and
the anniversaries that must not show become, per calendar year, a short list of milestone ids
the query leaves out (``Skip``): so the database still counts, orders and pages, and reads no
more of its index than before. The loaded rows are cached per database and per version of
the ``all`` feed scope, which every milestone write bumps (app/crud.py), so a poll costs one
primary-key read.
"""

import datetime as dt
import threading
import uuid
from collections.abc import Iterable
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, select

from app import lifecycle
from app.anniversaries import anniversaries_of
from app.filters import AnniversaryFilter
from app.models import FeedVersion, Milestone

# Per calendar year, the milestone ids whose anniversary that year must not show.
Skip = tuple[tuple[int, frozenset[uuid.UUID]], ...]
_MARKS = (lifecycle.SEVERED, lifecycle.RESTORED, lifecycle.UPGRADED)
_cache: dict[str, tuple[int, dict[tuple[str, str], list[Any]]]] = {}
_Pairs = dict[tuple[str, str], list[Any]]
_skips: dict[tuple[int, tuple[dt.date, dt.date], AnniversaryFilter], tuple[_Pairs, Skip]] = {}
_lock = threading.Lock()


def _load(session: Session) -> dict[tuple[str, str], list[Any]]:
    """The dated lifecycle milestones of every pair with more than an establishment, as
    light rows (id, kind, date, precision, day, celebrated): one read of the kind index."""
    rows = session.execute(
        sa.select(  # type: ignore[call-overload]  # SQLModel: columns typed as their values
            Milestone.id, Milestone.kind, Milestone.date, Milestone.precision, Milestone.day,
            Milestone.celebrated, Milestone.country_a, Milestone.country_b,
        ).where(
            Milestone.deleted_at.is_(None),  # type: ignore[union-attr]  # SQLModel: a column
            Milestone.country_b.is_not(None),  # type: ignore[union-attr]  # SQLModel: a column
            Milestone.date.is_not(None),  # type: ignore[union-attr]  # SQLModel: a column
            Milestone.kind.in_(sorted(lifecycle.LIFECYCLE_KINDS)),  # type: ignore[attr-defined]  # SQLModel: a column
        )
    ).all()  # fmt: skip
    marked = {(r.country_a, r.country_b) for r in rows if r.kind in _MARKS}
    pairs: dict[tuple[str, str], list[Any]] = {p: [] for p in marked}
    for r in rows:
        if (r.country_a, r.country_b) in marked:
            pairs[(r.country_a, r.country_b)].append(r)
    return pairs


def lifecycle_pairs(session: Session) -> dict[tuple[str, str], list[Any]]:
    """``_load``, cached until the next milestone write."""
    bind = session.get_bind()
    key = f"{bind.engine.url}#{id(bind.engine)}"
    version = session.exec(select(FeedVersion.version).where(FeedVersion.scope == "all")).first()
    version = version or 0
    with _lock:
        hit = _cache.get(key)
    if hit is not None and hit[0] == version:
        return hit[1]
    pairs = _load(session)
    with _lock:
        _cache[key] = (version, pairs)
    return pairs


def _in_place(pair: tuple[str, str], where: AnniversaryFilter) -> bool:
    if where.pair is not None and pair != where.pair:
        return False
    if isinstance(where.country, tuple):
        return bool(set(pair) & set(where.country))
    return where.country is None or where.country in pair


def skip_for(session: Session, start: dt.date, end: dt.date, where: AnniversaryFilter) -> Skip:
    """Per year of ``years``, the anniversaries of the lifecycle pairs in ``where``'s place
    that do not show: those of a year when relations are not live on their day, and with
    ``celebrated_only`` those of every series but the pair's celebrated one. Memoised with
    the loaded pairs: a count and a page, or a poll, ask for the same one."""
    pairs = lifecycle_pairs(session)
    key = (id(pairs), (start, end), where)
    with _lock:
        hit = _skips.get(key)
    if hit is not None and hit[0] is pairs:  # the same load, not a new one at the same id
        return hit[1]
    skip = _skip(pairs, start, end, where)
    with _lock:
        if len(_skips) > 512:
            _skips.clear()
        _skips[key] = (pairs, skip)
    return skip


def _skip(pairs: _Pairs, start: dt.date, end: dt.date, where: AnniversaryFilter) -> Skip:
    """Only anniversaries inside the window are listed, so a short window's lists are short."""
    skipped: dict[int, set[uuid.UUID]] = {}
    for pair, rows in pairs.items():
        if not _in_place(pair, where):
            continue
        origin = lifecycle.celebrated(rows)
        for m in rows:
            if m.kind not in lifecycle.NEEDS_LIVE:
                continue
            if where.kinds is not None and m.kind not in where.kinds:
                continue
            found = anniversaries_of(m, start, end)
            if where.celebrated_only and m is not origin:
                gone = {a.year for a in found}
            else:
                gone = {a.year for a in found} - {a.year for a in lifecycle.live_only(rows, found)}
            for y in gone:
                skipped.setdefault(y, set()).add(m.id)
    return tuple(sorted((y, frozenset(ids)) for y, ids in skipped.items()))


_ids: dict[int, tuple[_Pairs, dict[uuid.UUID, Any]]] = {}


def _by_id(pairs: _Pairs) -> dict[uuid.UUID, Any]:
    """The loaded rows by id, built once per load."""
    hit = _ids.get(id(pairs))
    if hit is None or hit[0] is not pairs:
        _ids.clear()
        hit = (pairs, {m.id: m for ms in pairs.values() for m in ms})
        _ids[id(pairs)] = hit
    return hit[1]


def skipped_in(skip: Skip, year: int) -> frozenset[uuid.UUID]:
    return next((ids for y, ids in skip if y == year), frozenset())


def skipped_count(
    session: Session, skip: Skip, years: Iterable[int], where: AnniversaryFilter
) -> int:
    """How many of the whole years' anniversaries ``skip`` leaves out, for the count that
    ``app.queries`` takes from a histogram of origin years."""
    rows = _by_id(lifecycle_pairs(session))
    total = 0
    for y in years:
        for mid in skipped_in(skip, y):
            m = rows[mid]
            assert m.date is not None
            age = y - m.date.year
            if age <= 0 or (where.jubilee_only and age % 5) or (where.dated_only and m.day is None):
                continue
            total += 1
    return total
