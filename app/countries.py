"""The list of countries: ISO 3166-1 from pycountry, the former states of ISO 3166-3, and Kosovo.

Diplomatic history involves states that no longer exist, so a former state is a country with
an end, not an error. A former state keeps its old alpha-2 code (SU, YU, CS, DD, ...) unless a
current country uses it again (SK was Sikkim, now Slovakia); then its ISO 3166-3 four-letter
code (SKIN) names it. Pure: no database, no FastAPI.
"""

from dataclasses import dataclass
from functools import cache

import pycountry


@dataclass(frozen=True, slots=True)
class CountryInfo:
    code: str
    name: str
    official_name: str | None
    alpha_3: str | None
    former: bool
    ended: str | None  # ISO 3166-3 withdrawal date ("1992-08-30" or a year)


# Names as people write them in titles ("between China and South Korea"), where pycountry's
# ISO short name reads like an index entry ("Korea, Republic of").
_COMMON_NAMES = {
    "CD": "Democratic Republic of the Congo",
    "CG": "Republic of the Congo",
    "FM": "Micronesia",
    "PS": "Palestine",
    "RU": "Russia",
    "VA": "Holy See",
    "VG": "British Virgin Islands",
    "VI": "United States Virgin Islands",
    "BN": "Brunei",
    "CZ": "Czechia",
    # former states
    "AIDJ": "French Territory of the Afars and the Issas",
    "AN": "Netherlands Antilles",
    "BU": "Burma",
    "BYAA": "Byelorussian SSR",
    "CS": "Czechoslovakia",
    "CSXX": "Serbia and Montenegro",
    "DD": "East Germany",
    "HV": "Upper Volta",
    "NT": "Saudi–Iraqi Neutral Zone",
    "PC": "Trust Territory of the Pacific Islands",
    "SU": "Soviet Union",
    "TP": "East Timor",
    "VD": "North Vietnam",
    "YD": "South Yemen",
    "YU": "Yugoslavia",
    "ZR": "Zaire",
}

_EXTRA = (CountryInfo("XK", "Kosovo", "Republic of Kosovo", "XKX", former=False, ended=None),)


@cache
def all_countries() -> tuple[CountryInfo, ...]:
    """Every country the service knows, current ones first, each code once."""
    result: dict[str, CountryInfo] = {}
    for c in pycountry.countries:
        name = _COMMON_NAMES.get(c.alpha_2) or getattr(c, "common_name", None) or c.name
        result[c.alpha_2] = CountryInfo(
            c.alpha_2, name, getattr(c, "official_name", None), c.alpha_3, False, None
        )
    for extra in _EXTRA:
        result.setdefault(extra.code, extra)
    # The earliest withdrawn state keeps a shared alpha-2 code (CS: Czechoslovakia, 1993,
    # before Serbia and Montenegro, 2006); the others take their alpha-4 code.
    for h in sorted(pycountry.historic_countries, key=lambda h: h.withdrawal_date):
        code = h.alpha_2 if h.alpha_2 not in result else h.alpha_4
        result[code] = CountryInfo(
            code, _COMMON_NAMES.get(code, h.name), h.name, h.alpha_3, True, h.withdrawal_date
        )
    return tuple(result.values())


@cache
def by_code() -> dict[str, CountryInfo]:
    return {c.code: c for c in all_countries()}


def lookup(code: str) -> CountryInfo | None:
    """The country with this code, case-insensitively, or None."""
    return by_code().get(code.strip().upper())


def name_of(code: str) -> str:
    info = by_code().get(code)
    return info.name if info else code
