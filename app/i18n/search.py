"""Finding countries by name in any of the six languages, or by a common abbreviation.

"Perú", "peru", "秘鲁", "Перу" and "بيرو" all find PE; "USA" finds US. Names are compared
after casefolding and stripping combining marks (NFKD), which also removes Arabic tashkeel;
the index of every name in every language is built once.
"""

import re
import unicodedata
from functools import cache

from app.countries import all_countries
from app.i18n.languages import LANGUAGES
from app.i18n.names import country_names

# Short names and abbreviations people type, beyond any CLDR name (which the index holds).
ALIASES = {
    "US": ("USA", "US", "U.S.", "U.S.A.", "America", "United States of America"),
    "GB": ("UK", "U.K.", "GB", "Britain", "Great Britain", "England"),
    "KP": ("DPRK", "North Korea"),
    "KR": ("ROK", "South Korea"),
    "AE": ("UAE", "Emirates"),
    "CN": ("PRC", "People's Republic of China"),
    "TW": ("ROC",),
    "CD": ("DRC", "DR Congo", "Congo-Kinshasa"),
    "CG": ("Congo-Brazzaville",),
    "RU": ("Russian Federation", "RF"),
    "SU": ("USSR", "СССР", "苏联", "URSS", "الاتحاد السوفيتي"),
    "CZ": ("Czech Republic",),
    "NL": ("Holland",),
    "VA": ("Vatican",),
    "CI": ("Ivory Coast",),
    "MM": ("Burma",),
    "TR": ("Turkey",),
    "SZ": ("Swaziland",),
    "MK": ("Macedonia",),
    "CV": ("Cape Verde",),
    "TL": ("East Timor",),
    "DD": ("GDR", "DDR"),
    "DE": ("FRG", "BRD"),
    "SA": ("KSA",),
    "BA": ("BiH",),
    "CF": ("CAR",),
    "PG": ("PNG",),
}

# Tatweel (Arabic kashida) is a letter in Unicode, not a combining mark: dropped separately.
_DROP = re.compile("[\u0640\u200c\u200d\u200e\u200f]")
_SPACE = re.compile(r"[\s\-–—‐.,'’()]+")


def normalise(text: str) -> str:
    """Casefolded, without accents, tashkeel or punctuation: "Perú" and "peru" are equal."""
    decomposed = unicodedata.normalize("NFKD", _DROP.sub("", text))
    bare = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return _SPACE.sub(" ", bare.casefold()).strip()


@cache
def _index() -> tuple[tuple[str, str], ...]:
    """(normalised name, code) for every name of every country in every language."""
    entries: set[tuple[str, str]] = set()
    for info in all_countries():
        for name in (info.code, info.alpha_3, info.name, info.official_name):
            if name:
                entries.add((normalise(name), info.code))
    for lang in LANGUAGES:
        for code, name in country_names(lang).items():
            entries.add((normalise(name), code))
    for code, names in ALIASES.items():
        entries.update((normalise(n), code) for n in names)
    return tuple(sorted(entries))


@cache
def _exact() -> dict[str, frozenset[str]]:
    found: dict[str, set[str]] = {}
    for name, code in _index():
        found.setdefault(name, set()).add(code)
    return {name: frozenset(codes) for name, codes in found.items()}


def search_countries(q: str) -> list[str]:
    """Codes whose name in any language matches ``q``: exact names and abbreviations first
    ("USA", "Перу"), then names that contain ``q`` ("korea" finds KP and KR), in code order
    within each group. An empty query finds nothing."""
    key = normalise(q)
    if not key:
        return []
    exact = _exact().get(key, frozenset())
    partial = {code for name, code in _index() if key in name and code not in exact}
    return sorted(exact) + sorted(partial)
