"""A relationship's story, shared by ``GET /api/v1/pairs/{AA}-{BB}``, the partners list and
the pages: its state today and since when, the milestone its anniversaries count from, its
lifecycle history, and the next anniversary and jubilee of the celebrated series while
relations are live (``app.lifecycle``'s rules)."""

import datetime as dt
from dataclasses import dataclass

from sqlmodel import Session

from app import lifecycle, queries
from app.anniversaries import Anniversary
from app.filters import AnniversaryFilter
from app.lifecycle import Phase
from app.models import Milestone

# Far enough to reach the next multiple of five years from any day.
JUBILEE_SPAN = dt.timedelta(days=5 * 366 + 1)


@dataclass
class PairSummary:
    pair: tuple[str, str]
    phase: Phase
    since: Milestone | None  # the milestone the state holds since (None for ``none``)
    celebrated: Milestone | None
    history: list[Milestone]  # lifecycle milestones in date order
    next_anniversary: Anniversary[Milestone] | None
    next_jubilee: Anniversary[Milestone] | None

    def partner_of(self, code: str) -> str:
        return self.pair[1] if self.pair[0] == code else self.pair[0]


def summarise(pair: tuple[str, str], rows: list[Milestone], today: dt.date) -> PairSummary:
    """The summary of one pair from its lifecycle milestones (dated ones; any order)."""
    steps: list[Milestone] = lifecycle.history(rows)  # type: ignore[type-var]  # dated rows only (date IS NOT NULL): a Step
    state = lifecycle.state_on(steps, today)  # type: ignore[arg-type]  # dated rows only (date IS NOT NULL): a Step
    origin: Milestone | None = lifecycle.celebrated(steps)  # type: ignore[type-var]  # dated rows only (date IS NOT NULL): a Step
    coming: list[Anniversary[Milestone]] = lifecycle.pair_anniversaries(
        steps,  # type: ignore[type-var]  # dated rows only (date IS NOT NULL): a Step
        today,
        today + JUBILEE_SPAN,
    )
    dated = [a for a in coming if a.date is not None]
    return PairSummary(
        pair=pair,
        phase=state.phase,
        since=state.since,  # type: ignore[arg-type]  # dated rows only (date IS NOT NULL): a Step
        celebrated=origin,
        history=steps,
        next_anniversary=next(iter(dated), None),
        next_jubilee=next((a for a in dated if a.jubilee), None),
    )


def _lifecycle_rows(session: Session, where: AnniversaryFilter) -> list[Milestone]:
    stmt = queries.milestones_query(where).where(
        Milestone.country_b.is_not(None),  # type: ignore[union-attr]  # SQLModel: a column at class level
        Milestone.date.is_not(None),  # type: ignore[union-attr]  # SQLModel: a column at class level
    )
    return list(session.exec(stmt))


def pair_summary(session: Session, pair: tuple[str, str], today: dt.date) -> PairSummary:
    """The story of ``pair`` (sorted codes); state ``none`` when it has no lifecycle row."""
    where = AnniversaryFilter(pair=pair, kinds=lifecycle.LIFECYCLE_KINDS)
    return summarise(pair, _lifecycle_rows(session, where), today)


def partners(session: Session, code: str, today: dt.date) -> list[PairSummary]:
    """One summary per partner ``code`` has a lifecycle milestone with, by partner code."""
    where = AnniversaryFilter(country=code, kinds=lifecycle.LIFECYCLE_KINDS)
    by_pair: dict[tuple[str, str], list[Milestone]] = {}
    for m in _lifecycle_rows(session, where):
        by_pair.setdefault((m.country_a, m.country_b), []).append(m)  # type: ignore[arg-type]  # a pair row: country_b is set
    summaries = [summarise(p, rows, today) for p, rows in by_pair.items()]
    return sorted(summaries, key=lambda s: s.partner_of(code))
