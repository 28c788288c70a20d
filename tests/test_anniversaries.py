"""The anniversary engine, without HTTP or a database."""

import datetime as dt
from dataclasses import dataclass

import pytest

from app.anniversaries import (
    anniversaries,
    is_jubilee,
    observed_date,
    ordinal,
    tier,
    window_too_long,
)


@dataclass(frozen=True)
class Origin:
    date: dt.date
    precision: str = "day"


D = dt.date
CN_PE = Origin(D(1971, 11, 2))
PE_INDEPENDENCE = Origin(D(1821, 7, 28))


@pytest.mark.parametrize(
    ("n", "expected"),
    [
        (1, "1st"), (2, "2nd"), (3, "3rd"), (4, "4th"), (10, "10th"),
        (11, "11th"), (12, "12th"), (13, "13th"), (14, "14th"), (20, "20th"),
        (21, "21st"), (22, "22nd"), (23, "23rd"), (50, "50th"), (100, "100th"),
        (101, "101st"), (102, "102nd"), (103, "103rd"), (111, "111th"), (112, "112th"),
        (113, "113th"), (121, "121st"), (200, "200th"), (1011, "1011th"), (1021, "1021st"),
    ],
)  # fmt: skip
def test_english_ordinals(n, expected):
    assert ordinal(n) == expected


@pytest.mark.parametrize(
    ("years", "name"),
    [
        (25, "silver"), (40, "ruby"), (50, "golden"), (60, "diamond"), (70, "platinum"),
        (100, "centennial"), (150, "sesquicentennial"), (200, "bicentennial"),
        (250, "semiquincentennial"), (300, "tercentennial"),
        (75, None), (5, None), (10, None), (3, None),
    ],
)  # fmt: skip
def test_jubilee_tier_names(years, name):
    assert tier(years) == name


def test_every_multiple_of_five_is_a_jubilee_and_nothing_else():
    assert [y for y in range(0, 31) if is_jubilee(y)] == [5, 10, 15, 20, 25, 30]


def test_china_peru_2021_is_the_golden_50th_and_peru_the_bicentennial():
    found = anniversaries([CN_PE, PE_INDEPENDENCE], D(2021, 1, 1), D(2021, 12, 31))
    assert [(a.date, a.years, a.ordinal, a.jubilee, a.tier) for a in found] == [
        (D(2021, 7, 28), 200, "200th", True, "bicentennial"),
        (D(2021, 11, 2), 50, "50th", True, "golden"),
    ]


def test_origin_year_itself_is_not_an_anniversary():
    assert anniversaries([CN_PE], D(1971, 1, 1), D(1971, 12, 31)) == []
    assert [a.years for a in anniversaries([CN_PE], D(1971, 1, 1), D(1972, 12, 31))] == [1]


def test_window_bounds_are_inclusive():
    assert len(anniversaries([CN_PE], D(2021, 11, 2), D(2021, 11, 2))) == 1
    assert anniversaries([CN_PE], D(2021, 11, 3), D(2022, 11, 1)) == []


def test_window_spanning_a_year_end():
    new_year = Origin(D(1950, 1, 1))
    new_years_eve = Origin(D(1950, 12, 31))
    found = anniversaries([new_year, new_years_eve], D(2020, 12, 15), D(2021, 1, 15))
    assert [(a.date, a.years) for a in found] == [(D(2020, 12, 31), 70), (D(2021, 1, 1), 71)]


def test_one_anniversary_per_year_over_a_long_window():
    found = anniversaries([CN_PE], D(2020, 1, 1), D(2030, 12, 31))
    assert [a.year for a in found] == list(range(2020, 2031))
    assert len({(a.milestone, a.year) for a in found}) == 11


def test_leap_day_observed_on_feb_28_in_common_years():
    leap = Origin(D(1996, 2, 29))
    found = anniversaries([leap], D(2021, 1, 1), D(2024, 12, 31))
    assert [(a.date, a.observed) for a in found] == [
        (D(2021, 2, 28), True),
        (D(2022, 2, 28), True),
        (D(2023, 2, 28), True),
        (D(2024, 2, 29), False),
    ]


def test_leap_day_in_century_years():
    assert observed_date(2000, 2, 29) == (D(2000, 2, 29), False)
    assert observed_date(2100, 2, 29) == (D(2100, 2, 28), True)
    assert observed_date(1900, 2, 29) == (D(1900, 2, 28), True)


def test_leap_day_window_ending_on_feb_28_includes_the_observed_day():
    leap = Origin(D(1996, 2, 29))
    found = anniversaries([leap], D(2023, 2, 28), D(2023, 2, 28))
    assert [(a.date, a.observed, a.years) for a in found] == [(D(2023, 2, 28), True, 27)]


def test_month_precision_has_no_date_and_falls_in_its_month():
    origin = Origin(D(1950, 6, 1), "month")
    assert anniversaries([origin], D(2020, 7, 1), D(2020, 12, 31)) == []
    found = anniversaries([origin], D(2020, 6, 30), D(2020, 7, 1))
    assert [(a.date, a.year, a.years) for a in found] == [(None, 2020, 70)]


def test_year_precision_is_listed_once_per_year_without_a_date():
    origin = Origin(D(1921, 1, 1), "year")
    found = anniversaries([origin], D(2021, 6, 1), D(2022, 3, 1))
    assert [(a.date, a.year, a.years, a.tier) for a in found] == [
        (None, 2021, 100, "centennial"),
        (None, 2022, 101, None),
    ]
    assert found[1].ordinal == "101st"


def test_jubilee_only_keeps_multiples_of_five():
    found = anniversaries([CN_PE], D(2020, 1, 1), D(2030, 12, 31), jubilee_only=True)
    assert [a.years for a in found] == [50, 55]


def test_results_are_in_date_order_with_undated_at_the_start_of_their_period():
    dated = Origin(D(1950, 3, 15))
    month = Origin(D(1950, 3, 1), "month")
    year = Origin(D(1950, 1, 1), "year")
    found = anniversaries([dated, month, year], D(2020, 1, 1), D(2020, 12, 31))
    assert [a.milestone for a in found] == [year, month, dated]


def test_dates_before_1900_and_up_to_year_9999():
    ancient = Origin(D(1, 1, 1))
    found = anniversaries([ancient, PE_INDEPENDENCE], D(9999, 1, 1), D(9999, 12, 31))
    assert [(a.date, a.years) for a in found] == [
        (D(9999, 1, 1), 9998),
        (D(9999, 7, 28), 8178),
    ]
    assert [a.years for a in anniversaries([PE_INDEPENDENCE], D(1822, 1, 1), D(1822, 12, 31))] == [
        1
    ]


def test_window_limit_is_twenty_years():
    assert not window_too_long(D(2020, 1, 1), D(2040, 1, 1))
    assert window_too_long(D(2020, 1, 1), D(2040, 1, 2))
    assert not window_too_long(D(2024, 2, 29), D(2044, 2, 29))
    assert not window_too_long(D(9990, 1, 1), D(9999, 12, 31))
