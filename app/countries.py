"""The list of countries: ISO 3166-1 from pycountry, the former states of ISO 3166-3, and Kosovo.

Diplomatic history involves states that no longer exist, so a former state is a country with
an end, not an error. A former state keeps its old alpha-2 code (SU, YU, CS, DD, ...) unless a
current country uses it again (SK was Sikkim, now Slovakia); then its ISO 3166-3 four-letter
code (SKIN) names it. States older than ISO 3166 (Hawaii, Bavaria, Texas) get "X" codes.
Pure: no database, no FastAPI.
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


def _state(code: str, name: str, ended: str, official_name: str | None = None) -> CountryInfo:
    return CountryInfo(code, name, official_name, None, former=True, ended=ended)


# States that ended before ISO 3166 existed, and so have no code: the US recognised and
# exchanged envoys with Hawaii, Texas and the German and Italian states. Their codes are "X"
# and three letters, a form no ISO 3166 code takes (ISO 3166-3's four-letter codes begin with
# an old alpha-2 code, and none of those begins with X). ``ended`` is the year each ceased to
# be a state.
_HISTORICAL = (
    _state("XAUE", "Austrian Empire", "1918", "Austrian Empire (Austria-Hungary from 1867)"),
    _state("XBAD", "Baden", "1918", "Grand Duchy of Baden"),
    _state("XBAV", "Bavaria", "1918", "Kingdom of Bavaria"),
    _state("XBRU", "Brunswick-Lüneburg", "1918", "Duchy of Brunswick-Lüneburg"),
    _state("XCAF", "Central American Federation", "1841", "Federal Republic of Central America"),
    _state("XCFS", "Congo Free State", "1908"),
    _state("XFGG", "Federal Government of Germany (1848–49)", "1849"),
    _state("XGEN", "Republic of Genoa", "1815"),
    _state("XHAN", "Hanover", "1866", "Kingdom of Hanover"),
    _state("XHAW", "Hawaii", "1898", "Kingdom and Republic of Hawaii"),
    _state("XHES", "Hesse", "1918", "Grand Duchy of Hesse"),
    _state(
        "XHSE", "Hanseatic Republics", "1867", "Free Hanseatic Cities of Bremen, Hamburg and Lübeck"
    ),
    _state("XKOR", "Korea (Joseon)", "1910", "Joseon Korea and the Korean Empire"),
    _state("XMSC", "Mecklenburg-Schwerin", "1918", "Grand Duchy of Mecklenburg-Schwerin"),
    _state("XMST", "Mecklenburg-Strelitz", "1918", "Grand Duchy of Mecklenburg-Strelitz"),
    _state("XNAS", "Nassau", "1866", "Duchy of Nassau"),
    _state("XNGC", "North German Confederation", "1871"),
    _state("XOFS", "Orange Free State", "1902"),
    _state("XOLD", "Oldenburg", "1918", "Grand Duchy of Oldenburg"),
    _state("XPAP", "Papal States", "1870"),
    _state("XPAR", "Parma", "1860", "Duchy of Parma"),
    _state("XRYU", "Ryukyu Kingdom", "1879", "Lew Chew (Loochoo)"),
    _state("XSAR", "Piedmont-Sardinia", "1861", "Kingdom of Sardinia"),
    _state("XSCL", "Schaumburg-Lippe", "1918", "Principality of Schaumburg-Lippe"),
    _state("XTEX", "Texas", "1846", "Republic of Texas"),
    _state("XTSI", "Two Sicilies", "1861", "Kingdom of the Two Sicilies"),
    _state("XTUS", "Tuscany", "1860", "Grand Duchy of Tuscany"),
    _state("XWUR", "Württemberg", "1918", "Kingdom of Württemberg"),
)


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
    for state in _HISTORICAL:
        result.setdefault(state.code, state)
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
