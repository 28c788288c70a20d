"""The lifecycle rules of app/lifecycle.py, on the pairs of the data set."""

import datetime as dt
from dataclasses import dataclass

from app.lifecycle import Phase, State, celebrated, national_days, pair_anniversaries, state_on

D = dt.date


@dataclass(frozen=True)
class M:
    kind: str
    date: dt.date
    precision: str = "day"
    celebrated: bool = False


NICARAGUA = [M("diplomatic_relations", D(1985, 12, 7)), M("relations_severed", D(1990, 11, 9)),
             M("relations_restored", D(2021, 12, 10), celebrated=True)]  # fmt: skip
SAINT_LUCIA = [M("diplomatic_relations", D(1997, 9, 1)), M("relations_severed", D(2007, 5, 5))]
LIBERIA = [M("diplomatic_relations", D(1977, 2, 17)),
           M("relations_severed", D(1989, 10, 1), "month"),
           M("relations_restored", D(1993, 8, 10)), M("relations_severed", D(1997, 9, 9)),
           M("relations_restored", D(2003, 10, 11))]  # fmt: skip
UK = [M("diplomatic_relations", D(1954, 6, 17)),
      M("relations_upgraded", D(1972, 3, 13), celebrated=True)]  # fmt: skip
INDONESIA = [M("diplomatic_relations", D(1950, 4, 13)), M("relations_severed", D(1967, 10, 30)),
             M("relations_restored", D(1990, 8, 8))]  # fmt: skip


def year(pair, y, **kw):
    return [
        (a.date, a.years, a.milestone.kind)
        for a in pair_anniversaries(pair, D(y, 1, 1), D(y, 12, 31), **kw)
    ]


def test_nicaragua_counts_from_the_resumption_only():
    assert year(NICARAGUA, 2026) == [(D(2026, 12, 10), 5, "relations_restored")]
    assert celebrated(NICARAGUA).date == D(2021, 12, 10)
    assert state_on(NICARAGUA, D(2026, 1, 1)) == State(Phase.live, NICARAGUA[2])
    # The JSON API lists the other series; they too are live-only.
    assert (D(2026, 12, 7), 41, "diplomatic_relations") in year(NICARAGUA, 2026, every_series=True)
    # In 2000 relations were severed: only the severance's own anniversary is listed.
    assert year(NICARAGUA, 2000, every_series=True) == [(D(2000, 11, 9), 10, "relations_severed")]


def test_saint_lucia_severed_without_resumption():
    assert year(SAINT_LUCIA, 2006) == [(D(2006, 9, 1), 9, "diplomatic_relations")]
    assert all(year(SAINT_LUCIA, y) == [] for y in range(2007, 2040))
    state = state_on(SAINT_LUCIA, D(2026, 6, 1))
    assert (state.phase, state.since.date) == (Phase.severed, D(2007, 5, 5))
    assert state_on(SAINT_LUCIA, D(1990, 1, 1)).phase == Phase.none
    marshall = [M("relations_severed", D(1998, 12, 11))]  # its establishment is not in the data
    assert state_on(marshall, D(2026, 1, 1)).phase == Phase.severed


def test_liberia_several_rounds():
    assert year(LIBERIA, 1988) == [(D(1988, 2, 17), 11, "diplomatic_relations")]
    assert year(LIBERIA, 1990) == []  # severed 1989
    assert year(LIBERIA, 1995) == [(D(1995, 2, 17), 18, "diplomatic_relations")]
    assert year(LIBERIA, 2000) == []  # severed 1997-2003
    assert year(LIBERIA, 2027) == [(D(2027, 2, 17), 50, "diplomatic_relations")]
    assert state_on(LIBERIA, D(1999, 1, 1)).since.date == D(1997, 9, 9)
    assert state_on(LIBERIA, D(2010, 1, 1)).since.date == D(2003, 10, 11)


def test_month_precision_break_counts_from_the_first_of_its_month():
    assert state_on(LIBERIA, D(1989, 9, 30)).phase == Phase.live
    assert state_on(LIBERIA, D(1989, 10, 1)).phase == Phase.severed
    late = [*LIBERIA[:1], M("relations_restored", D(1970, 10, 15)), *LIBERIA[1:]]
    kinds = [
        (a.date, a.milestone.kind)
        for a in pair_anniversaries(late, D(1989, 1, 1), D(1989, 12, 31), every_series=True)
    ]
    assert kinds == [(D(1989, 2, 17), "diplomatic_relations")]  # 1989-10-15 may be after the break
    undated = [M("diplomatic_relations", D(1960, 10, 1), "month"), LIBERIA[1]]
    assert year(undated, 1988) == [(None, 28, "diplomatic_relations")]
    assert year(undated, 1989) == []  # not live for the whole of October 1989


def test_an_upgrade_is_celebrated_and_does_not_change_liveness():
    assert year(UK, 2022) == [(D(2022, 3, 13), 50, "relations_upgraded")]
    assert state_on(UK, D(1960, 1, 1)) == State(Phase.live, UK[0])
    assert state_on(UK, D(2022, 1, 1)) == State(Phase.live, UK[0])


def test_indonesia_counts_from_1950_despite_1967_to_1990():
    assert celebrated(INDONESIA) is INDONESIA[0]
    assert year(INDONESIA, 2025) == [(D(2025, 4, 13), 75, "diplomatic_relations")]
    assert year(INDONESIA, 1980) == []


def test_leap_day_anniversary_is_observed_on_28_february_while_live():
    ghana = [M("diplomatic_relations", D(1960, 7, 5)),
             M("relations_severed", D(1966, 10, 1), "month"),
             M("relations_restored", D(1972, 2, 29), celebrated=True)]  # fmt: skip
    (a,) = pair_anniversaries(ghana, D(2023, 1, 1), D(2023, 12, 31))
    assert (a.date, a.observed, a.years) == (D(2023, 2, 28), True, 51)
    cut = [*ghana, M("relations_severed", D(2023, 2, 28))]
    assert pair_anniversaries(cut, D(2023, 1, 1), D(2023, 12, 31)) == []


def test_national_day_on_its_observed_day_with_and_without_origin():
    (lu,) = national_days("06-23", D(1961, 12, 23), "day", D(2026, 1, 1), D(2026, 12, 31))
    assert (lu.date, lu.years, lu.ordinal) == (D(2026, 6, 23), 65, "65th")
    (ie,) = national_days("03-17", None, None, D(2026, 1, 1), D(2026, 12, 31))
    assert (ie.date, ie.years, ie.ordinal) == (D(2026, 3, 17), None, None)
    assert national_days(None, None, None, D(2026, 1, 1), D(2026, 12, 31)) == []  # no national day
    (pe,) = national_days(None, D(1821, 7, 28), "day", D(2021, 1, 1), D(2021, 12, 31))
    assert (pe.date, pe.years) == (D(2021, 7, 28), 200)
    assert national_days("06-23", D(2026, 1, 1), "day", D(2026, 1, 1), D(2026, 12, 31)) == []


def test_national_day_on_29_february():
    days = national_days("02-29", None, None, D(2027, 1, 1), D(2028, 12, 31))
    assert [(n.date, n.observed) for n in days] == [(D(2027, 2, 28), True), (D(2028, 2, 29), False)]
