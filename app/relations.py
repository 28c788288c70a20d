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

import sqlalchemy as sa
from sqlmodel import Session, select

from app import lifecycle
from app.anniversaries import anniversaries_of
from app.filters import AnniversaryFilter
from app.models import FeedVersion, Milestone

# Per calendar year, the milestone ids whose anniversary that year must not show.
Skip = tuple[tuple[int, frozenset[uuid.UUID]], ...]
_MARKS = (lifecycle.SEVERED, lifecycle.RESTORED, lifecycle.UPGRADED)
_cache: dict[str, tuple[int, dict[tuple[str, str], list[Milestone]]]] = {}
_Pairs = dict[tuple[str, str], list[Milestone]]
_skips: dict[tuple[int, tuple[int, ...], AnniversaryFilter], tuple[_Pairs, Skip]] = {}
_lock = threading.Lock()


def _load(session: Session) -> dict[tuple[str, str], list[Milestone]]:
    """The dated lifecycle milestones of every pair with more than an establishment."""
    live = (Milestone.deleted_at.is_(None), Milestone.country_b.is_not(None))  # type: ignore[union-attr]  # SQLModel: a column at class level
    marked = session.exec(
        select(Milestone.country_a, Milestone.country_b)
        .where(*live, Milestone.kind.in_(_MARKS))  # type: ignore[attr-defined]  # SQLModel: a column at class level
        .distinct()
    ).all()
    pairs: dict[tuple[str, str], list[Milestone]] = {(a, b): [] for a, b in marked if b}
    keys = sorted(pairs)
    for i in range(0, len(keys), 200):
        chunk = keys[i : i + 200]
        rows = session.exec(
            select(Milestone).where(
                *live,
                Milestone.date.is_not(None),  # type: ignore[union-attr]  # SQLModel: a column at class level
                Milestone.kind.in_(sorted(lifecycle.LIFECYCLE_KINDS)),  # type: ignore[attr-defined]  # SQLModel: a column at class level
                sa.tuple_(Milestone.country_a, Milestone.country_b).in_(chunk),
            )
        )
        for m in rows:
            session.expunge(m)
            pairs[(m.country_a, m.country_b)].append(m)  # type: ignore[index]  # a pair row: country_b is set
    return pairs


def lifecycle_pairs(session: Session) -> dict[tuple[str, str], list[Milestone]]:
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


def skip_for(session: Session, years: Iterable[int], where: AnniversaryFilter) -> Skip:
    """Per year of ``years``, the anniversaries of the lifecycle pairs in ``where``'s place
    that do not show: those of a year when relations are not live on their day, and with
    ``celebrated_only`` those of every series but the pair's celebrated one. Memoised with
    the loaded pairs: a count and a page, or a poll, ask for the same one."""
    pairs = lifecycle_pairs(session)
    key = (id(pairs), tuple(years), where)
    with _lock:
        hit = _skips.get(key)
    if hit is not None and hit[0] is pairs:  # the same load, not a new one at the same id
        return hit[1]
    skip = _skip(pairs, key[1], where)
    with _lock:
        if len(_skips) > 512:
            _skips.clear()
        _skips[key] = (pairs, skip)
    return skip


def _skip(
    pairs: dict[tuple[str, str], list[Milestone]], years: tuple[int, ...], where: AnniversaryFilter
) -> Skip:
    skipped: dict[int, set[uuid.UUID]] = {y: set() for y in years}
    for pair, rows in pairs.items():
        if not _in_place(pair, where):
            continue
        origin = lifecycle.celebrated(rows)  # type: ignore[type-var]  # dated rows only (date IS NOT NULL): a Step
        for m in rows:
            if m.kind not in lifecycle.NEEDS_LIVE:
                continue
            if where.kinds is not None and m.kind not in where.kinds:
                continue
            for y in years:
                if where.celebrated_only and m is not origin:
                    skipped[y].add(m.id)
                    continue
                found = anniversaries_of(m, dt.date(y, 1, 1), dt.date(y, 12, 31))
                if found and not lifecycle.live_only(rows, found):  # type: ignore[arg-type,type-var]  # dated rows only (date IS NOT NULL): a Step
                    skipped[y].add(m.id)
    return tuple((y, frozenset(ids)) for y, ids in skipped.items() if ids)


def skipped_in(skip: Skip, year: int) -> frozenset[uuid.UUID]:
    return next((ids for y, ids in skip if y == year), frozenset())


def skipped_count(
    session: Session, skip: Skip, years: Iterable[int], where: AnniversaryFilter
) -> int:
    """How many of the whole years' anniversaries ``skip`` leaves out, for the count that
    ``app.queries`` takes from a histogram of origin years."""
    rows = {m.id: m for ms in lifecycle_pairs(session).values() for m in ms}
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
